"""The app in Chinese has no English on it: every page through AppTest, and the core's errors a
user meets worded by their code (issue 12, point 14)."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit import library
from bidkit.errors import BidkitError
from bidkit.extract import read as read_tender_file
from bidkit.model import NewVersion, ParamSpec
from bidkit.quantity import parse_quantity, parse_service_hours
from bidkit.storage import create_exclusive, replace_atomic
from tests.conftest import shipped

ROOT = Path(__file__).resolve().parent.parent

# What may stand in Latin letters on a Chinese page: file kinds, units, product and key names.
ALLOWED = {"txt", "md", "docx", "pdf", "PDF", "YAML", "yaml", "MB", "KB", "Word", "WPS", "Excel", "Ctrl",
           "Enter", "OCR", "Language", "English", "bidkit", "UTF", "GBK", "Big", "Unicode", "zip", "xlsx",
           "pptx", "doc", "PowerPoint", "Jinja", "ZJCG", "TOML", "Enter"}
WORD_RE = re.compile(r"[A-Za-z]{2,}")
_HTML_RE = re.compile(r"<style>.*?</style>|<[^>]*>", re.S)  # st.html: its text, not its markup


def visible_texts(at: AppTest) -> list[str]:
    """Every text a user reads on the page: labels, messages, options as shown, placeholders; a
    widget's value is its data (the options show it) and a collapsed label is not shown."""
    texts = []
    for node in _nodes(at._tree):
        widget = hasattr(node, "_value")
        collapsed = getattr(getattr(node, "proto", None), "label_visibility", None)
        names = ["placeholder", "help", "options", "body"] + ([] if widget else ["value"])
        if not (collapsed and collapsed.value == collapsed.COLLAPSED):
            names.append("label")
        for name in names:
            value = getattr(node, name, None)
            if isinstance(value, str):
                texts.append(_HTML_RE.sub(" ", value))
            elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                texts += value
    return texts


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else children or []):
        yield from _nodes(child)


# a clause's field as its text holds it ({{ bidder }}) is what a writer types, not a word of the page
_FIELD_RE = re.compile(r"\{\{[^{}]*\}\}")


def english_words(texts: list[str]) -> set[str]:
    return {w for text in texts for w in WORD_RE.findall(_FIELD_RE.sub(" ", text)) if w not in ALLOWED}


@pytest.fixture(autouse=True)
def folders(app_env: Path) -> Path:
    return app_env




@pytest.mark.parametrize("page", ["compose", "tender", "library",
                                  "templates"])
def test_each_page_in_chinese_has_no_english(page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    leaks = {w: [t for t in visible_texts(at) if w in t][:2] for w in english_words(visible_texts(at))}
    assert leaks == {}


def _raises(call) -> BidkitError:
    try:
        call()
    except BidkitError as exc:
        return exc
    raise AssertionError("no error")


def _spec(**fields) -> ParamSpec:
    return ParamSpec(label="质保期", **fields)


def _tender(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return lambda: read_tender_file.read_tender(path)


def _taken(tmp_path: Path):
    (tmp_path / "投标.yaml").write_bytes(b"a")
    return lambda: create_exclusive(tmp_path / "投标.yaml", b"b")


def _changed(tmp_path: Path):
    (tmp_path / "投标.yaml").write_bytes(b"a")
    return lambda: replace_atomic(tmp_path / "投标.yaml", b"b", expected="0" * 64)


CODED = {  # what the user does -> the Chinese the page shows
    "a number without a unit": (lambda tmp: lambda: parse_quantity("3"), "“3”缺少单位：请写成 3个月、3小时 等"),
    "not a quantity": (lambda tmp: lambda: parse_quantity("很久"), "“很久”不是数量：请写成数字加单位，例如 36个月 或 2小时"),
    "bad service hours": (lambda tmp: lambda: parse_service_hours("8×25"), "服务时间 8×25：每周天数须为 1 到 7"),
    "an empty parameter": (lambda tmp: lambda: _spec(type="duration").parse_value(""), "“质保期”未填写"),
    "a parameter without unit": (lambda tmp: lambda: _spec(type="duration").parse_value("3"),
                                 "“质保期”的值“3”无法读取：“3”缺少单位：请写成 3个月、3小时 等"),
    "not a choice": (lambda tmp: lambda: _spec(type="choice", choices=["是", "否"]).parse_value("也许"),
                     "“质保期”的值“也许”不在可选项中（是、否）"),
    "above the maximum": (lambda tmp: lambda: (_ for _ in ()).throw(
        _spec(type="duration", max="5 year").out_of_bounds(parse_quantity("6年"))), "“质保期”为 6年，超过上限 5年"),
    "a renamed file": (lambda tmp: _tender(tmp, "招标.pdf", b"hello"),
                       "不是 PDF 文件（文件开头没有 PDF 标记）：是否由其他格式改名而来？（招标.pdf）"),
    "an empty file": (lambda tmp: _tender(tmp, "招标.txt", b""), "文件是空的（招标.txt）"),
    "a .doc": (lambda tmp: _tender(tmp, "招标.doc", b"x"), "无法读取 .doc 文件：请在 Word 或 WPS 中另存为 .docx（或 .pdf）后重试（招标.doc）"),
    "a zip that is no docx": (lambda tmp: _tender(tmp, "招标.docx", b"PK not really"),
                              "不是 .docx 文件（不是 zip 包）：是否由其他格式改名而来？请在 Word 中另存为 .docx 后重试（招标.docx）"),
    "a save that lost the race": (_taken, "已被他人抢先保存；没有覆盖任何文件：请换一个名称，或重新载入后再保存（投标.yaml）"),
    "a file changed meanwhile": (_changed, "在您打开之后已被他人修改；没有覆盖任何内容：请重新载入后再做一次您的修改（投标.yaml）"),
}


@pytest.mark.parametrize("case", list(CODED))
def test_core_errors_a_user_meets_are_worded_in_chinese(case, tmp_path):
    from ui.messages import error_text
    make, chinese = CODED[case]
    exc = _raises(make(tmp_path))
    assert exc.code, f"{case}: no code"
    shown = error_text(exc)
    assert shown == chinese
    assert str(tmp_path) not in shown and english_words([shown]) == set()
    assert str(exc)  # the command line keeps its English message


def _library_copy(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(shipped() / "clause_library", root)
    return root


def _edit_on(based_on: int):
    def refused(root: Path):
        draft = NewVersion(id="warranty-period", based_on=based_on, category="warranty", title="质保期承诺",
                           note="改", text="质保三年。")
        return lambda: library.new_version(root, draft, "王芳")
    return refused


def _review_of(version: int, event: str):
    def refused(root: Path):
        return lambda: library.record_review(root, library.load(root), "warranty-period", version, event, "周律师")
    return refused


LIBRARY_REFUSALS = {  # what a writer or reviewer does in the library -> the Chinese the page shows
    "an edit on a version superseded meanwhile": (
        _edit_on(1), "李明 于 {when} 已保存 v2；您的修改基于 v1。没有覆盖任何内容：请在 v2 的基础上重做您的修改"),
    "an edit on a version that does not exist": (_edit_on(7), "您的修改基于 v7，但最新的版本是 v2"),
    "approving a retired version": (_review_of(1, "approved"), "“质保期承诺” v1 已停用，不能再审核：请编辑新版本"),
    "approving an approved version": (_review_of(2, "approved"), "“质保期承诺” v2 已经批准过了"),
}


@pytest.mark.parametrize("case", list(LIBRARY_REFUSALS))
def test_library_refusals_are_worded_in_chinese(case, tmp_path):
    """The conflict and review refusals carry codes and values: who and when (a date as the page
    writes it), the versions and the clause's title; no ISO timestamp, no based_on, no id."""
    from datetime import datetime, timedelta, timezone

    from ui.messages import error_text
    make, chinese = LIBRARY_REFUSALS[case]
    exc = _raises(make(_library_copy(tmp_path)))
    saved = datetime(2026, 11, 5, 10, 0, tzinfo=timezone(timedelta(hours=8))).astimezone()
    when = f"{saved.year}年{saved.month}月{saved.day}日 {saved:%H:%M}"
    assert exc.code and error_text(exc) == chinese.format(when=when)
    assert english_words([error_text(exc)]) == set()
    assert str(exc)  # the command line keeps its English message


def test_english_plurals_and_dates(monkeypatch):
    import ui.messages as messages
    monkeypatch.setattr(messages, "lang", lambda: "en")
    assert messages.t("tender.found", n=1) == "Found 1 after-sales requirement"
    assert messages.t("tender.found", n=2) == "Found 2 after-sales requirements"
    assert messages.t("library.results", n=1) == "1 clause"
    assert messages.t("upgrade.show", n=1) == "Show the 1 change"
    assert messages.t("library.stale", days=1) == "Not reviewed for over 1 day: ask legal to review it"
    assert messages.t("library.stale", days=90) == "Not reviewed for over 90 days: ask legal to review it"
    moment = datetime(2026, 11, 29, 10, 25, tzinfo=timezone(timedelta(hours=8)))
    local = moment.astimezone()
    assert messages.date_text(moment) == f"{local.day} {local:%b %Y %H:%M}"
    monkeypatch.setattr(messages, "lang", lambda: "zh")
    assert messages.t("tender.found", n=1) == "找到 1 项售后服务要求"
    assert messages.date_text(local.replace(tzinfo=None)) == f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    assert messages.date_text("2026-11-29") == "2026年11月29日"


def test_saved_and_deleted_messages_name_no_server_path():
    from ui.messages import t
    saved = t("output.saved", name="湛江-2026")
    deleted = t("templates.deleted", name="基础承诺", path=Path("/srv/bidkit/workspace/.trash/基础承诺.yaml"))
    assert saved == "已保存：湛江-2026"
    assert "/srv" not in deleted and "回收站" in deleted


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CN_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$")


def test_library_and_templates_show_dates_in_words_and_clauses_by_title():
    """Dates read 2026年11月5日 10:00, never 2026-11-05; a clause is named by its title, never its
    id; a search that finds nothing shows no table (Streamlit would write "empty" on it)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/library.py")
    at.run()
    clauses = at.dataframe[0]
    assert "条款" not in clauses.value.columns and all(_CN_DATE.match(d) or d == "—"
                                                     for d in clauses.value["最近审核"])
    assert not [o for o in at.selectbox(key="library:pick").options if re.search(r"[a-z]-[a-z]", o)]
    at.selectbox(key="library:pick").set_value("warranty-period").run()
    assert "质保期承诺" in [s.value for s in at.subheader]
    versions = at.dataframe[1].value
    assert all(_CN_DATE.match(d) for d in versions["日期"]), list(versions["日期"])
    assert not [c.value for c in at.caption if _ISO_DATE.search(c.value)]
    at.text_input(key="library:text").set_value("没有这样的条款").run()
    assert not at.dataframe and any(c.value.startswith("0 条条款") for c in at.caption)
    at.switch_page("pages/templates.py")
    at.run()
    rows = [m.value for m in at.markdown if "条条款" in m.value]
    assert rows and not [r for r in rows if _ISO_DATE.search(r)] and all("年" in r for r in rows)
