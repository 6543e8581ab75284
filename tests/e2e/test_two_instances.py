"""Two app instances on one PostgreSQL database, in a real browser (issue 14).

Two Streamlit servers on two ports, each with its own workspace, templates and library folders,
share only BIDKIT_DATABASE_URL: a clause version saved in A shows in B on B's next rerun (no
restart), and when both edit the same version, the second save is a clean conflict and the
database holds one next version, not two.

Screenshots go to tests/e2e/artifacts/tw-*.png.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import psycopg
from tests.conftest import shipped
from tests.e2e.conftest import PROJECT_ROOT, copy_folders, running_app
from tests.e2e.test_browser import TIMEOUT, VIEWPORT, choose, go_to, main, no_exception, open_tab, settle, shot
from playwright.sync_api import Page, expect

CLAUSE_ID = "response-time"  # a shipped clause with one version, v1
CLAUSE = "报修响应时间"



@pytest.fixture
def shared_db(db_url) -> str:
    """The database upgraded and holding the shipped library, through the CLI as a team would."""
    env = {**os.environ, "BIDKIT_DATABASE_URL": db_url}
    for args in (["db", "upgrade"], ["library", "import", str(shipped() / "clause_library"), "--by", "王芳"]):
        done = subprocess.run([sys.executable, "-m", "bidkit", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"bidkit {' '.join(args)}: {done.stdout}{done.stderr}"
    return db_url


@pytest.fixture
def two_pages(request, chromium, shared_db, tmp_path, monkeypatch):
    """Browser pages on two instances A and B of the app, each on its own folders (and log), both
    on `shared_db`."""
    monkeypatch.setenv("BIDKIT_DATABASE_URL", shared_db)
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    with running_app(request, folders[0], copy_folders(folders[0])) as url_a, \
            running_app(request, folders[1], copy_folders(folders[1])) as url_b:
        contexts = [chromium.new_context(viewport=VIEWPORT, locale="zh-CN") for _ in range(2)]
        try:
            pages = []
            for context, url in zip(contexts, (url_a, url_b)):
                context.set_default_timeout(TIMEOUT)
                page = context.new_page()
                page.goto(url)
                pages.append(page)
            yield pages
        finally:
            for context in contexts:
                context.close()


def open_clause(page: Page, who: str) -> None:
    """Sign in by name, open the Library on CLAUSE."""
    settle(page)
    go_to(page, "条款库", "条款库")
    name_field = page.locator("[data-testid='stSidebar']").get_by_label("您的姓名")
    name_field.fill(who)
    name_field.press("Enter")
    settle(page)
    choose(page, main(page).get_by_role("combobox", name="查看条款", exact=True), CLAUSE)
    expect(main(page).get_by_role("heading", name=CLAUSE)).to_be_visible(timeout=TIMEOUT)


def versions_table(page: Page):
    return main(page).locator("[data-testid='stDataFrame']").nth(1).locator("table[role='grid'] tbody")


def edit(page: Page, addition: str, note: str) -> None:
    """Type an edit of the clause text and its revision note in the editor (not saved yet)."""
    open_tab(page, "编辑新版本")
    text = main(page).get_by_role("textbox", name="条款正文")
    text.fill(text.input_value() + "\n\n" + addition)
    text.press("Control+Enter")
    settle(page)
    note_field = main(page).get_by_role("textbox", name="修订说明（必填）")
    note_field.fill(note)
    note_field.press("Enter")
    settle(page)
    expect(main(page).get_by_text(addition).first).to_be_visible(timeout=TIMEOUT)


def save(page: Page) -> None:
    main(page).get_by_role("button", name="保存为新版本（草稿）").click()
    settle(page)


def version_numbers(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT version FROM versions WHERE clause_id = %s ORDER BY version",
                                               (CLAUSE_ID,))]


def test_two_instances_share_one_library(two_pages, shared_db, artifacts: Path) -> None:
    page_a, page_b = two_pages
    open_clause(page_a, "周律师")
    open_clause(page_b, "王律师")
    expect(versions_table(page_b)).to_contain_text("v1")
    expect(versions_table(page_b)).not_to_contain_text("v2")

    # 1. A saves v2; B, open on the same clause all along, shows it on its next rerun
    edit(page_a, "法定节假日期间，上述响应时限同样适用。", "写明节假日响应时限")
    save(page_a)
    expect(main(page_a).get_by_text(re.compile(r"已保存“报修响应时间” v2"))).to_be_visible(timeout=TIMEOUT)
    no_exception(page_a)
    # tabs switch in the browser alone; picking a clause reruns B's script
    clauses = main(page_b).get_by_role("combobox", name="查看条款", exact=True)
    choose(page_b, clauses, "质保期承诺")
    choose(page_b, clauses, CLAUSE)
    expect(versions_table(page_b)).to_contain_text("v2", timeout=TIMEOUT)
    expect(versions_table(page_b)).to_contain_text("写明节假日响应时限")
    no_exception(page_b)
    shot(page_b, artifacts, "tw-01-b-sees-v2")

    # 2. both edit v2 (B in a new session: its old editor was opened on v1); A saves v3 first
    page_b.reload()
    open_clause(page_b, "王律师")
    edit(page_a, "服务热线 7×24 小时有人值守。", "写明热线值守")
    edit(page_b, "远程诊断在 30 分钟内开始。", "写明远程诊断时限")
    for page in (page_a, page_b):
        expect(main(page).get_by_text("基于 v2 编辑")).to_be_visible()
    save(page_a)
    expect(main(page_a).get_by_text(re.compile(r"已保存“报修响应时间” v3"))).to_be_visible(timeout=TIMEOUT)
    save(page_b)
    conflict = main(page_b).locator("[data-testid='stAlertContentError']").filter(has_text="保存冲突")
    expect(conflict).to_be_visible(timeout=TIMEOUT)
    expect(conflict).to_contain_text(re.compile(r"周律师 于 .* 已保存 v3；您的修改基于 v2"))
    expect(page_b.locator("[data-testid='stException']")).to_have_count(0)
    shot(page_b, artifacts, "tw-02-b-conflict")
    assert version_numbers(shared_db) == [1, 2, 3]
