"""The folder store: its append-only audit log, what it shows (names, never the server's folders),
and open_store's choice between folders and a database."""
from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import types
import uuid
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit import cli
from bidkit.errors import BidError, BidkitError, ConflictError, DatabaseUnavailable
from bidkit.model import Bid, NewVersion, Template
from bidkit.store import URL_VARIABLE, open_store
from bidkit.store.base import MAX_AUDIT_ACTOR_CHARS
from bidkit.store.folders import AUDIT_FILE, FolderStore
from bidkit.workspace import Folders
from tests.conftest import ROOT, folder_store


@pytest.fixture
def store(tmp_path) -> FolderStore:
    return folder_store(tmp_path)


def _next_version(store: FolderStore, clause_id: str = "warranty-period") -> NewVersion:
    latest = store.load_library().clause(clause_id).latest()
    return NewVersion(**latest.model_dump(include={"id", "category", "title", "params", "text"}),
                      based_on=latest.version, note="n")


def _lines(store: FolderStore) -> list[bytes]:
    return (store.folders.workspace / AUDIT_FILE).read_bytes().splitlines(keepends=True)


def test_every_write_appends_one_line_and_never_rewrites_one(store):
    """New version, review, bid, template, deletion: one line each, the earlier lines byte for byte
    as they were; drafts (autosaved at every change) are not logged."""
    version = store.new_version(_next_version(store), author="王芳")
    writes = [
        lambda: store.record_review(store.load_library(), version.id, version.version, "approved", "周律师"),
        lambda: store.save("bid", "湛江一中", Bid(project="p"), None, "王芳"),
        lambda: store.save("template", "模板甲", Template(name="模板甲"), None, "王芳"),
        lambda: store.delete_template("模板甲", "李明"),
        lambda: store.save_draft("user:王芳", Bid(project="draft"), "x"),
    ]
    for write in writes:
        before = _lines(store)
        write()
        after = _lines(store)
        assert after[:len(before)] == before
    assert len(_lines(store)) == 5  # the draft added none
    entries = store.audit_log()
    assert [(e.action, e.subject, e.actor) for e in entries] == [
        ("delete-template", "模板甲", "李明"), ("save-template", "模板甲", "王芳"), ("save-bid", "湛江一中", "王芳"),
        ("approved", f"warranty-period v{version.version}", "周律师"),
        ("new-version", f"warranty-period v{version.version}", "王芳")]
    assert {e.instance for e in entries} == {f"{socket.gethostname()}:{os.getpid()}"}
    assert [e.action for e in store.audit_log(limit=2)] == ["delete-template", "save-template"]


def test_a_refused_write_logs_nothing(store):
    store.save("bid", "甲", Bid(project="p"), None, "王芳")
    with pytest.raises(ConflictError):
        store.save("bid", "甲", Bid(project="q"), None, "李明")  # a new bid under a taken name
    with pytest.raises(ConflictError):
        store.new_version(_next_version(store).model_copy(update={"based_on": 1}), author="王芳")
    assert [e.action for e in store.audit_log()] == ["save-bid"]


def _save_bids(workspace: str, library: str, templates: str, writer: int) -> None:
    store = FolderStore(Folders(Path(library), Path(templates), Path(workspace)))
    for n in range(5):
        store.save("bid", f"w{writer}-{n}", Bid(project=f"{writer}"), None, f"writer {writer}")


def test_writers_in_many_processes_each_leave_whole_lines(store):
    f = store.folders
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_save_bids, args=(str(f.workspace), str(f.library), str(f.templates), i))
               for i in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0] * 8
    lines = _lines(store)
    assert len(lines) == 40 and all(json.loads(line)["action"] == "save-bid" for line in lines)
    assert {e.subject for e in store.audit_log(limit=100)} == {f"w{i}-{n}" for i in range(8) for n in range(5)}


def test_the_log_reader_passes_over_a_damaged_line_and_keeps_a_long_name_short(store):
    store.save("bid", "甲", Bid(project="p"), None, "王" * 10_000)
    with open(store.folders.workspace / AUDIT_FILE, "ab") as fh:
        fh.write(b'{"at": "2026-11-29T10:00:00+08:00", "actor": "half a li')  # a disk that filled mid-line
    store.save("bid", "乙", Bid(project="p"), None, "李明")
    entries = store.audit_log()
    assert [e.subject for e in entries] == ["乙", "甲"]  # the torn line did not swallow the next
    assert len(entries[-1].actor) == MAX_AUDIT_ACTOR_CHARS


@pytest.mark.parametrize("make", ["folder", "symlink"])
def test_an_audit_log_that_cannot_be_appended_to_is_said_and_the_save_stands(store, tmp_path, make):
    log = store.folders.workspace / AUDIT_FILE
    log.parent.mkdir(parents=True)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("kept\n")
    log.mkdir() if make == "folder" else log.symlink_to(outside)
    with pytest.raises(BidkitError) as said:
        store.save("bid", "甲", Bid(project="p"), None, "王芳")
    assert said.value.code == "audit-unwritable" and "甲 was saved" in str(said.value)
    assert str(tmp_path) not in str(said.value)
    assert [s.key for s in store.list_saved("bid")[0]] == ["甲"]
    assert outside.read_text() == "kept\n"


def test_keys_are_names_and_a_listing_names_no_server_folder(store):
    saved = store.save("bid", "湛江/一中", Bid(project="p"), None, "王芳")
    assert saved.key == "湛江-一中"
    with pytest.raises(ConflictError) as clash:  # another title that makes the same key
        store.save("bid", "湛江 一中", Bid(project="q"), None, "李明")
    assert clash.value.code == "save-exists"
    (store.folders.bids / "坏的.yaml").write_text("project: [", encoding="utf-8")
    saved, problems = store.list_saved("bid")
    assert [s.key for s in saved] == ["湛江-一中"] and len(problems) == 1
    assert "坏的.yaml" in problems[0] and str(store.folders.workspace) not in problems[0]


def test_a_template_saved_back_stays_in_its_own_file(store):
    """A template whose file name is not its name (copied in by hand) is saved back into that file."""
    listed = {s.key: s for s in store.list_saved("template")[0]}
    key, saved = next(iter(listed.items()))
    os.rename(store.folders.templates / f"{key}.yaml", store.folders.templates / "手工复制.yaml")
    saved = next(s for s in store.list_saved("template")[0] if s.key == "手工复制")
    again = store.save("template", saved.key, saved.model.model_copy(update={"owner": "李明"}), saved.revision, "李明")
    assert again.key == "手工复制" and not (store.folders.templates / f"{key}.yaml").exists()


@pytest.mark.parametrize("key", ["没有这个模板", "../workspace/bids/甲", ""])
def test_deleting_a_template_that_is_not_there_is_refused(store, key):
    with pytest.raises(BidError) as refused:
        store.delete_template(key, "李明")
    assert refused.value.code == "template-missing"


# ------------------------------------------------------------------ open_store


@pytest.fixture
def fake_pg(monkeypatch):
    """A stand-in bidkit.store.pg_store whose PgStore records its URL and whose every call finds
    the database gone."""
    opened = []

    class PgStore:
        def __init__(self, url, where):
            opened.append(url)

        def __getattr__(self, name):
            def gone(*args, **kwargs):
                raise DatabaseUnavailable("the database is unavailable for now; nothing was lost: try again "
                                          "in a moment", code="db-unavailable")
            return gone

    monkeypatch.setitem(sys.modules, "bidkit.store.pg_store", types.SimpleNamespace(PgStore=PgStore))
    return opened


def test_open_store_is_folders_without_a_url_and_the_database_with_one(fake_pg, monkeypatch, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("reviewers: []\n", encoding="utf-8")
    monkeypatch.setenv("BIDKIT_SETTINGS", str(settings))
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    folders = Folders(tmp_path / "lib", tmp_path / "tpl", tmp_path / "ws")
    assert isinstance(open_store(folders=folders), FolderStore)
    settings.write_text("database_url: postgresql://team@db.example.com/bidkit\n", encoding="utf-8")
    assert not isinstance(open_store(folders=folders), FolderStore)
    monkeypatch.setenv(URL_VARIABLE, "postgresql://me@localhost/mine")
    open_store()
    assert fake_pg == ["postgresql://team@db.example.com/bidkit", "postgresql://me@localhost/mine"]


def test_the_folder_store_never_imports_psycopg(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != URL_VARIABLE}
    env["BIDKIT_SETTINGS"] = str(tmp_path / "none.yaml")
    code = ("import sys; from bidkit.store import open_store; from bidkit import cli; "
            "store = open_store(); store.library_stamp(); print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_command_line_library_option_means_a_folder_even_with_a_database(fake_pg, monkeypatch, tmp_path, capsys):
    store = folder_store(tmp_path)
    monkeypatch.setenv(URL_VARIABLE, "postgresql://me@localhost/mine")
    assert cli.main(["library", "validate", "--library", str(store.folders.library)]) == 0
    assert fake_pg == []
    assert cli.main(["library", "validate"]) == 2  # the database's, which is gone
    assert "unavailable" in capsys.readouterr().err and fake_pg == ["postgresql://me@localhost/mine"]


def test_the_command_line_records_reviews_and_versions_in_the_audit_log(tmp_path, monkeypatch):
    store = folder_store(tmp_path)
    monkeypatch.setenv("BIDKIT_WORKSPACE", str(store.folders.workspace))
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    monkeypatch.setenv("BIDKIT_SETTINGS", str(tmp_path / "none.yaml"))
    draft = tmp_path / "draft.yaml"
    draft.write_text(json.dumps(_next_version(store).model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    lib = ["--library", str(store.folders.library)]
    assert cli.main(["library", "new-version", str(draft), "--author", "王芳", *lib]) == 0
    number = store.load_library().clause("warranty-period").latest().version
    assert cli.main(["library", "approve", "warranty-period", str(number), "--reviewer", "周律师", *lib]) == 0
    assert [(e.action, e.actor) for e in store.audit_log()] == [("approved", "周律师"), ("new-version", "王芳")]


def test_a_page_whose_database_is_gone_says_so_instead_of_a_traceback(app_env, fake_pg, monkeypatch):
    # a URL of its own: the app keeps one store per configuration for the process
    monkeypatch.setenv(URL_VARIABLE, f"postgresql://me@localhost/{uuid.uuid4().hex}")
    for page in ("library", "templates", "compose"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.switch_page(f"pages/{page}.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("数据库暂时不可用" in e.value for e in at.error), page


def test_saving_on_the_compose_page_names_the_bid_and_saves_again_over_itself(app_env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    next(w for w in at.text_input if w.label == "保存名称").set_value("湛江一中").run()
    for _ in range(2):  # the second save goes over the first, with the revision the first returned
        next(b for b in at.button if b.label == "保存到工作区").click().run()
        assert not at.error, [e.value for e in at.error]
        assert [s.value for s in at.success if s.value.startswith("已保存")] == ["已保存：湛江一中"]
    log = FolderStore(Folders.from_env()).audit_log()
    assert [(e.action, e.subject) for e in log] == [("save-bid", "湛江一中")] * 2
