"""The contract both stores keep (bidkit/store/base.py): one suite, run against the folders and
against PostgreSQL (a fresh database per test on tests/pg_server.py's server), so they cannot
drift; then what only the database side has (library import/export, 32 racing processes, a
server killed mid-run)."""
from __future__ import annotations

import itertools
import multiprocessing
import os
import threading
import shutil

import psycopg
import pytest

from bidkit import bidfile, cli, library
from bidkit.errors import BidError, ConflictError, DatabaseError, DatabaseUnavailable, LibraryError
from bidkit.model import Bid, ClauseChoice, NewVersion, Template
from bidkit.store import pg_connect, pg_schema
from tests import pg_server as pg, store_racer
from tests.conftest import shipped
from ui.messages import MESSAGES

_names = itertools.count()
CLAUSE = "response-time"  # a shipped clause with one draft version, v1


def new_database(pg_server, pg_url, template: str = "template1") -> str:
    """A new database for one test: upgraded, or a copy of `template`."""
    name = f"c{os.getpid()}_{next(_names)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    url = pg_server.url(name)
    if template == "template1":
        with pg_connect.connect(url, autocommit=True) as conn:
            pg_schema.upgrade(conn)
    return url


def pg_store(url: str, **kwargs):
    from bidkit.store.pg_store import PgStore

    return PgStore(url, **kwargs)


@pytest.fixture
def pg_db(pg_server, pg_url) -> str:
    return new_database(pg_server, pg_url)


@pytest.fixture(scope="session")
def shipped_database(pg_server, pg_url) -> str:
    """The name of a database holding what folder_store holds (the shipped library and templates)
    and no audit entries: each test's database is a copy of it, made in a moment."""
    url = new_database(pg_server, pg_url)
    with pg_store(url) as db:
        db.import_folder(shipped() / "clause_library", "setup")
        for path in sorted((shipped() / "templates").glob("*.yaml")):
            template = bidfile.read(path, Template)
            db.save("template", template.name, template, None, "setup")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate")
        conn.execute("TRUNCATE audit_log")
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate")
        return conn.info.dbname


@pytest.fixture(params=["folders", "pg"])
def store(request, tmp_path):
    """A store holding the shipped library and templates, and no bids, drafts or audit entries."""
    if request.param == "folders":
        from tests.conftest import folder_store

        yield folder_store(tmp_path)
        return
    url = new_database(request.getfixturevalue("pg_server"), request.getfixturevalue("pg_url"),
                       request.getfixturevalue("shipped_database"))
    with pg_store(url) as db:
        yield db


def draft_of(store, clause_id: str = CLAUSE, based_on: int | None = None, text: str | None = None) -> NewVersion:
    lib = store.load_library()
    latest = lib.clause(clause_id).latest()
    return NewVersion(id=clause_id, category=latest.category, title=latest.title, params=latest.params,
                      text=text or latest.text + "\n（修订）", based_on=latest.version if based_on is None else based_on)


# -- the library

def test_loads_the_shipped_library_as_the_folders_do(store):
    folder = library.load(shipped() / "clause_library", use_cache=False)
    lib = store.load_library()
    assert lib.issues == []
    assert {cid: (e.category, list(e.versions), [e.status(n) for n in e.versions])
            for cid, e in lib.clauses.items()} == \
           {cid: (e.category, list(e.versions), [e.status(n) for n in e.versions])
            for cid, e in folder.clauses.items()}
    assert lib.categories == folder.categories
    some = next(iter(folder.clauses))
    assert lib.clause(some).latest() == folder.clause(some).latest()


def test_next_version_and_the_stamp(store):
    before = store.library_stamp()
    store.load_library()
    assert store.library_stamp() == before  # reads change nothing
    saved = store.new_version(draft_of(store), "王芳", note="加急")
    assert (saved.version, saved.author, saved.note) == (2, "王芳", "加急")
    assert store.library_stamp() != before
    lib = store.load_library()
    assert lib.clause(CLAUSE).latest() == saved and lib.status(CLAUSE, 2) == "draft"


def test_a_stale_based_on_is_a_conflict_naming_who(store):
    stale = draft_of(store)
    first = store.new_version(draft_of(store), "王芳")
    with pytest.raises(ConflictError) as caught:
        store.new_version(stale, "李明")
    assert caught.value.code == "edit-conflict-by"
    assert caught.value.values["author"] == "王芳" and caught.value.values["latest"] == 2
    assert caught.value.values["created"] == first.created
    assert "by 王芳" in caught.value.message
    with pytest.raises(ConflictError) as ahead:
        store.new_version(draft_of(store, based_on=9), "李明")
    assert ahead.value.code == "edit-based-on-missing"


def test_no_call_changes_an_old_version(store):
    v1 = store.load_library().version(CLAUSE, 1)
    store.new_version(draft_of(store), "王芳")
    store.new_version(draft_of(store, text="完全不同的文字。"), "李明")
    lib = store.load_library()
    assert lib.version(CLAUSE, 1) == v1 and list(lib.clause(CLAUSE).versions) == [1, 2, 3]


def test_a_new_clause_and_a_taken_id(store):
    lib = store.load_library()
    other = next(e for e in lib.clauses.values() if e.category != "response")
    draft = NewVersion(id="brand-new", category="response", title="新条款", text="新条款文字。", based_on=0)
    assert store.new_version(draft, "王芳").version == 1
    with pytest.raises(LibraryError) as taken:
        store.new_version(draft.model_copy(update={"id": other.id}), "王芳")
    assert taken.value.code == "library-id-taken"


REFUSALS = [
    # (what happened before, the review asked for, who asks, the refusal's code)
    ([], "approved", "王芳", "review-own-version"),
    ([("approved", "李明")], "approved", "赵强", "review-already-approved"),
    ([("approved", "李明"), ("retired", "李明")], "approved", "赵强", "review-retired"),
    ([("retired", "李明")], "retired", "赵强", "review-retired"),
]


@pytest.mark.parametrize("before, event, reviewer, code", REFUSALS)
def test_review_refusals(store, before, event, reviewer, code):
    store.new_version(draft_of(store), "王芳")
    for done, by in before:
        store.record_review(store.load_library(), CLAUSE, 2, done, by)
    with pytest.raises((ConflictError, LibraryError)) as caught:
        store.record_review(store.load_library(), CLAUSE, 2, event, reviewer)
    assert caught.value.code == code


def test_a_review_of_a_text_not_read_is_refused_and_one_read_is_recorded(store):
    store.new_version(draft_of(store), "王芳")
    lib = store.load_library()
    with pytest.raises(ConflictError) as stale:
        store.record_review(lib, CLAUSE, 2, "approved", "李明", seen_digest="not-what-it-says")
    assert stale.value.code == "review-stale"
    seen = library.version_digest(lib.version(CLAUSE, 2))
    before = store.library_stamp()
    review = store.record_review(lib, CLAUSE, 2, "approved", "李明", "好", seen_digest=seen, verified=True)
    assert (review.reviewer, review.comment, review.verified) == ("李明", "好", True)
    assert store.load_library().status(CLAUSE, 2) == "approved"
    assert store.library_stamp() != before


# -- saved bids and templates

MODELS = {"bid": lambda **kw: Bid(project="某医院设备采购", **kw),
          "template": lambda **kw: Template(name="某医院 投标", **kw)}


@pytest.mark.parametrize("kind", ["bid", "template"])
def test_save_list_and_conflicts(store, kind):
    model = MODELS[kind](clauses=[ClauseChoice(id=CLAUSE, version=1)])
    usage = store.clause_usage().get(CLAUSE, 0)
    first = store.save(kind, "某医院 投标", model, None, "王芳")
    assert first.key == "某医院-投标"
    with pytest.raises(ConflictError) as exists:
        store.save(kind, "某医院 投标", model, None, "李明")
    assert exists.value.code == "save-exists"
    second = store.save(kind, "某医院 投标", model.model_copy(update={"owner" if kind == "template" else "buyer": "某医院"}),
                        first.revision, "王芳")
    assert second.revision != first.revision
    with pytest.raises(ConflictError) as changed:
        store.save(kind, "某医院 投标", model, first.revision, "李明")
    assert changed.value.code == "save-changed"
    listed, problems = store.list_saved(kind)
    assert problems == [] and listed[0].key == first.key and listed[0].revision == second.revision
    assert [s.key for s in listed].count(first.key) == 1
    assert store.clause_usage().get(CLAUSE, 0) == usage + 1


def test_templates_save_and_delete(store):
    shipped_names = {s.key for s in store.list_saved("template")[0]}
    template = Template(name="新模板", owner="王芳")
    saved = store.save("template", template.name, template, None, "王芳")
    assert saved.model.created is not None
    assert {s.key for s in store.list_saved("template")[0]} == shipped_names | {"新模板"}
    store.delete_template(saved.key, "王芳")
    assert {s.key for s in store.list_saved("template")[0]} == shipped_names
    with pytest.raises(BidError) as gone:
        store.delete_template(saved.key, "李明")
    assert gone.value.code == "template-missing"
    store.save("template", template.name, template, None, "李明")  # the name is free again


def test_drafts(store):
    assert store.read_draft("wang@example.com") is None
    store.save_draft("wang@example.com", Bid(project="一"), "一")
    store.save_draft("wang@example.com", Bid(project="二"), "二")
    draft = store.read_draft("wang@example.com")
    assert (draft.bid.project, draft.name) == ("二", "二")
    assert store.read_draft("li@example.com") is None


def test_every_write_is_audited(store):
    store.new_version(draft_of(store), "王芳")
    store.record_review(store.load_library(), CLAUSE, 2, "approved", "李明")
    saved = store.save("bid", "审计", Bid(), None, "王芳")
    store.save("bid", "审计", Bid(project="x"), saved.revision, "王芳")
    store.save("template", "审计模板", Template(name="审计模板"), None, "李明")
    store.delete_template("审计模板", "李明")
    store.save_draft("wang", Bid(), "")
    entries = store.audit_log()
    assert [(e.actor, e.action, e.subject) for e in reversed(entries)] == [
        ("王芳", "new-version", f"{CLAUSE} v2"), ("李明", "approved", f"{CLAUSE} v2"),
        ("王芳", "save-bid", "审计"), ("王芳", "save-bid", "审计"),
        ("李明", "save-template", "审计模板"), ("李明", "delete-template", "审计模板")]
    assert all(e.instance.endswith(f":{os.getpid()}") for e in entries)
    assert len(store.audit_log(limit=2)) == 2


# -- the database only

def test_a_broken_stored_version_is_an_issue_of_the_library(pg_db):
    with pg_store(pg_db) as db:
        db.import_folder(shipped() / "clause_library", "setup")
        with psycopg.connect(pg_db, autocommit=True) as conn:
            conn.execute("INSERT INTO versions (clause_id, version, yaml, author, created_at, digest) "
                         "VALUES (%s, 2, 'id: [\n', '王芳', now(), 'x')", (CLAUSE,))
        lib = db.load_library()
    assert [(i.file, i.line is not None) for i in lib.issues] == [(f"response/{CLAUSE}/v2.yaml", True)]
    assert list(lib.clause(CLAUSE).versions) == [1]


def test_a_database_at_an_older_schema_is_refused_in_one_line(pg_server, pg_url):
    name = f"old{os.getpid()}_{next(_names)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    with pg_connect.connect(pg_server.url(name), autocommit=True) as conn:
        pg_schema.upgrade(conn, pg_schema.CODE_VERSION - 1)
    with pytest.raises(DatabaseError) as caught:
        pg_store(pg_server.url(name))
    assert caught.value.code == "db-schema-older" and "db upgrade" in caught.value.message



def test_import_is_idempotent_and_export_gives_the_same_files(pg_db, tmp_path):
    source = shipped() / "clause_library"
    with pg_store(pg_db) as db:
        added, there = db.import_folder(source, "setup")
        assert there == 0 and added == sum(1 for p in source.rglob("*.yaml"))
        assert db.import_folder(source, "setup") == (0, added)
        out = tmp_path / "out"
        assert db.export_folder(out) == (added, 0)
        assert db.export_folder(out) == (0, added)  # (the same files again: nothing to do)
    files = {p.relative_to(source): p.read_bytes() for p in source.rglob("*.yaml")}
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.yaml")} == files


def test_import_refuses_a_different_text_under_a_stored_version(pg_db, tmp_path):
    copy = tmp_path / "lib"
    shutil.copytree(shipped() / "clause_library", copy)
    with pg_store(pg_db) as db:
        db.import_folder(copy, "setup")
        before = db.library_stamp()
        path = next(copy.rglob("v1.yaml"))
        path.write_text(path.read_text("utf-8").replace("title:", "title: 改", 1), "utf-8")
        with pytest.raises(LibraryError) as caught:
            db.import_folder(copy, "setup")
        assert caught.value.code == "library-import-differs"
        assert caught.value.file == str(path.relative_to(copy))
        assert db.library_stamp() == before


def test_export_refuses_to_overwrite_a_different_file(pg_db, tmp_path):
    out = tmp_path / "out"
    with pg_store(pg_db) as db:
        db.import_folder(shipped() / "clause_library", "setup")
        target = out / "response" / "_category.yaml"
        target.parent.mkdir(parents=True)
        target.write_text("title: 别的\n", "utf-8")
        with pytest.raises(LibraryError) as caught:
            db.export_folder(out)
    assert caught.value.code == "library-export-differs"
    assert [p.name for p in out.rglob("*.yaml")] == ["_category.yaml"]


def test_cli_import_and_export(pg_db, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(pg_connect.URL_VARIABLE, pg_db)
    assert cli.main(["library", "import", str(shipped() / "clause_library"), "--by", "王芳"]) == 0
    assert cli.main(["library", "import", str(shipped() / "clause_library"), "--by", "王芳"]) == 0
    assert cli.main(["library", "export", str(tmp_path / "out")]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith("imported 98 files") and said[1].startswith("imported 0 files (98 already there)")
    assert said[2].startswith("exported 98 files")
    broken = tmp_path / "broken" / "response"
    broken.mkdir(parents=True)
    (broken / "_category.yaml").write_text("title: [\n", "utf-8")
    assert cli.main(["library", "import", str(tmp_path / "broken"), "--by", "王芳"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing was imported" in err


def test_each_new_code_has_its_page_wording():
    for code in ("library-import-broken", "library-import-differs", "library-export-differs"):
        zh, en = MESSAGES[f"err.{code}"]
        assert zh and en


# -- the database only: racing processes, a server that goes away

ROUNDS, RACERS = 20, 32


def test_32_processes_saving_the_next_version_at_once(pg_db):
    with pg_store(pg_db) as db:
        db.import_folder(shipped() / "clause_library", "setup")
        db.new_version(NewVersion(id="raced", category="response", title="竞速", text="起点。", based_on=0), "setup")
    # Fresh processes, as spawn makes them (no pool, thread or connection of this one), but forked from
    # a server that has imported the store once: 32 spawned interpreters importing it each took
    # 90 s of a loaded 2-core machine, these take a few.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.store_racer", "bidkit.store.pg_store"])
    results, start = ctx.Queue(), ctx.Barrier(RACERS)
    racers = [ctx.Process(target=store_racer.race, args=(pg_db, start, results, slot, ROUNDS))
              for slot in range(RACERS)]
    for p in racers:
        p.start()
    try:
        outcomes = [results.get(timeout=300) for _ in range(ROUNDS * RACERS)]
    finally:
        for p in racers:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
    for round_no in range(1, ROUNDS + 1):
        got = sorted(o[2] for o in outcomes if o[0] == round_no)
        assert got == ["edit-conflict-by"] * (RACERS - 1) + ["won"], (round_no, got)
    with pg_store(pg_db) as db:
        entry = db.load_library().clause("raced")
        assert list(entry.versions) == list(range(1, ROUNDS + 2))
        audited = {a.subject: a.actor for a in db.audit_log(limit=ROUNDS + 5) if a.action == "new-version"}
    won = {f"writer-{slot}" for round_no, slot, how in outcomes if how == "won"}
    assert {entry.versions[n].author for n in range(2, ROUNDS + 2)} <= won
    assert all(audited[f"raced v{n}"] == entry.versions[n].author for n in range(2, ROUNDS + 2))


def test_a_server_killed_mid_run(pg_server, pg_url):
    url = new_database(pg_server, pg_url)
    # (the test server runs with synchronous_commit off, for speed: a commit it acknowledged could be
    # lost by a crash; a team's server keeps the default, on)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {conn.info.dbname} SET synchronous_commit = on")
    db = pg_store(url, wait_seconds=1)
    acknowledged: list[int] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        based_on = 0
        while not stop.is_set():
            draft = NewVersion(id="kept", category="response", title="保存", text=f"第{based_on + 1}版。",
                               based_on=based_on)
            try:
                acknowledged.append(db.new_version(draft, "王芳").version)
                based_on += 1
            except DatabaseUnavailable:
                stop.wait(0.2)
            except ConflictError:  # a save the server committed just before it went away
                based_on = max(db.load_library().clause("kept").versions)
            except BaseException as exc:  # noqa: BLE001
                failures.append(exc)
                return

    try:
        db.import_folder(shipped() / "clause_library", "setup")
        thread = threading.Thread(target=writer)
        thread.start()
        while len(acknowledged) < 5 and thread.is_alive():
            stop.wait(0.05)
        pg.kill(pg_server)
        saved_before_kill = list(acknowledged)
        for call in (db.library_stamp, db.load_library, lambda: db.list_saved("bid")):
            with pytest.raises(DatabaseUnavailable) as caught:
                call()
            assert caught.value.code == "db-unavailable"
        pg.restart(pg_server)
        while len(acknowledged) < len(saved_before_kill) + 5 and thread.is_alive():
            stop.wait(0.05)
        stop.set()
        thread.join(timeout=60)
        assert failures == []
        versions = db.load_library().clause("kept").versions
        assert set(acknowledged) <= set(versions) and set(saved_before_kill) <= set(versions)
        assert list(versions) == list(range(1, max(versions) + 1))
    finally:
        stop.set()
        if not (pg_server.folder / "data" / "postmaster.pid").exists():
            pg.restart(pg_server)
        db.close()
