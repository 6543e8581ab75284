"""The PostgreSQL schema, its migrations, connecting and `db upgrade/status`, against a real server
(tests/pg_server.py; skipped with one line where PostgreSQL is not installed)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from bidkit import cli
from bidkit.errors import DatabaseError, DatabaseUnavailable
from bidkit.store import configured_url, pg_connect, pg_schema
from tests import pg_server as pg
from tests.conftest import ROOT
from ui.messages import MESSAGES

NEEDED = pg_schema.CODE_VERSION


def upgraded(url: str, target: int = NEEDED) -> psycopg.Connection:
    conn = pg_connect.connect(url, autocommit=True)
    pg_schema.upgrade(conn, target)
    return conn


def tables(conn: psycopg.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def add_clause(conn: psycopg.Connection, clause_id: str = "warranty-period") -> None:
    conn.execute("INSERT INTO categories (name, title, yaml) VALUES ('warranty', '质保', 'title: 质保\n') "
                 "ON CONFLICT DO NOTHING")
    conn.execute("INSERT INTO clauses (id, category) VALUES (%s, 'warranty')", (clause_id,))
    add_version(conn, clause_id, 1)


def add_version(conn: psycopg.Connection, clause_id: str, version: int) -> None:
    conn.execute("INSERT INTO versions (clause_id, version, yaml, author, created_at, digest) "
                 "VALUES (%s, %s, %s, '李明', now(), 'abc')", (clause_id, version, f"id: {clause_id}\nversion: {version}\n"))


# -- migrations


def test_upgrade_from_empty_creates_every_table_and_records_each_migration(db_url):
    with pg_connect.connect(db_url, autocommit=True) as conn:
        assert pg_schema.schema_version(conn) == 0
        assert pg_schema.upgrade(conn) == (0, NEEDED)
        assert {"categories", "clauses", "versions", "review_events", "bids", "templates", "drafts", "audit_log",
                "library_stamp", "bidkit_schema"} <= tables(conn)
        recorded = conn.execute("SELECT version, name FROM bidkit_schema ORDER BY version").fetchall()
        assert recorded == [(m.number, m.name) for m in pg_schema.migrations()]
        pg_schema.require_current(conn)
        assert set(pg_schema.counts(conn).values()) == {0}


def test_upgrade_again_changes_nothing(db_url):
    with upgraded(db_url) as conn:
        add_clause(conn)
        before = conn.execute("SELECT * FROM bidkit_schema ORDER BY version").fetchall()
        assert pg_schema.upgrade(conn) == (NEEDED, NEEDED)
        assert conn.execute("SELECT * FROM bidkit_schema ORDER BY version").fetchall() == before
        assert pg_schema.counts(conn)["versions"] == 1


def test_an_older_schema_is_refused_until_upgraded(db_url):
    with upgraded(db_url, target=1) as conn:
        assert "bids" not in tables(conn)
        with pytest.raises(DatabaseError) as refused:
            pg_schema.require_current(conn)
        assert refused.value.code == "db-schema-older"
        assert str(refused.value) == (f"the database schema is version 1, this bidkit needs {NEEDED}: "
                                      "run `python -m bidkit db upgrade`")
        add_clause(conn)
        assert pg_schema.upgrade(conn) == (1, NEEDED)
        pg_schema.require_current(conn)
        assert pg_schema.counts(conn)["versions"] == 1  # what version 1 held is kept


def test_a_newer_schema_is_refused_and_not_touched(db_url):
    with upgraded(db_url) as conn:
        conn.execute("INSERT INTO bidkit_schema (version, name) VALUES (%s, 'from-the-future.sql')", (NEEDED + 1,))
        for attempt in (pg_schema.require_current, pg_schema.upgrade):
            with pytest.raises(DatabaseError) as refused:
                attempt(conn)
            assert refused.value.code == "db-schema-newer"
            assert f"version {NEEDED + 1}, newer than this bidkit knows ({NEEDED})" in str(refused.value)


def test_a_database_holding_tables_of_the_same_names_is_refused_whole(db_url):
    with pg_connect.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE categories (x int)")
        with pytest.raises(DatabaseError) as refused:
            pg_schema.upgrade(conn)
        assert refused.value.code == "db-migration-failed"
        assert 'relation "categories" already exists' in str(refused.value)
        assert pg_schema.schema_version(conn) == 0 and "clauses" not in tables(conn)


def test_two_upgrades_at_once_take_turns(db_url):
    barrier, results, errors = threading.Barrier(4), [], []

    def run() -> None:
        try:
            with pg_connect.connect(db_url, autocommit=True) as conn:
                barrier.wait()
                results.append(pg_schema.upgrade(conn))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {after for _, after in results} == {NEEDED}
    with pg_connect.connect(db_url) as conn:
        assert [row[0] for row in conn.execute("SELECT version FROM bidkit_schema ORDER BY version")] == \
            list(range(1, NEEDED + 1))


# -- integrity by the database

IMMUTABLE = {
    "versions": "clause_id = 'warranty-period'",
    "review_events": "clause_id = 'warranty-period'",
    "audit_log": "actor = '李明'",
}


@pytest.mark.parametrize("table, change", [
    (table, change) for table in IMMUTABLE for change in ("UPDATE {t} SET {c} WHERE {w}", "DELETE FROM {t} WHERE {w}",
                                                          "TRUNCATE {t} CASCADE")])
def test_written_once_rows_refuse_update_delete_and_truncate(db_url, table, change):
    with upgraded(db_url) as conn:
        add_clause(conn)
        conn.execute("INSERT INTO review_events (clause_id, version, event, reviewer, at, yaml) "
                     "VALUES ('warranty-period', 1, 'approved', '周律师', now(), 'event: approved\n')")
        conn.execute("INSERT INTO audit_log (actor, action, clause_id, version, instance) "
                     "VALUES ('李明', 'new-version', 'warranty-period', 1, 'test')")
        column = {"versions": "yaml = 'x'", "review_events": "comment = 'x'", "audit_log": "action = 'x'"}[table]
        with pytest.raises(psycopg.errors.RestrictViolation, match="never changed or deleted"):
            conn.execute(change.format(t=table, c=column, w=IMMUTABLE[table]))
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1


def test_version_numbers_follow_each_other(db_url):
    with upgraded(db_url) as conn:
        add_clause(conn)
        with pytest.raises(psycopg.errors.CheckViolation, match="skips a number"):
            add_version(conn, "warranty-period", 3)
        add_version(conn, "warranty-period", 2)
        with pytest.raises(psycopg.errors.UniqueViolation):
            add_version(conn, "warranty-period", 2)


def test_of_32_saving_the_same_next_version_at_once_exactly_one_wins(db_url):
    with upgraded(db_url) as conn:
        add_clause(conn)
        stamp = pg_schema.change_stamp(conn)
    writers = 32
    barrier, outcomes = threading.Barrier(writers), []

    def save(n: int) -> None:
        with psycopg.connect(db_url) as mine:
            barrier.wait()
            try:
                with mine.transaction():
                    mine.execute("INSERT INTO versions (clause_id, version, yaml, author, created_at, digest) "
                                 "VALUES ('warranty-period', 2, %s, %s, now(), 'd')", (f"by {n}\n", f"writer {n}"))
                    mine.execute("INSERT INTO audit_log (actor, action, clause_id, version, instance) "
                                 "VALUES (%s, 'new-version', 'warranty-period', 2, 'test')", (f"writer {n}",))
                outcomes.append("won")
            except psycopg.errors.UniqueViolation:
                outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["won"]
    with pg_connect.connect(db_url) as conn:
        winner = conn.execute("SELECT author FROM versions WHERE version = 2").fetchall()
        # the loser's audit row went with its transaction: the log names the winner alone
        assert conn.execute("SELECT actor FROM audit_log").fetchall() == winner
        assert pg_schema.change_stamp(conn) == stamp + 1


def test_a_bid_save_must_follow_the_revision_it_read(db_url):
    with upgraded(db_url) as conn:
        conn.execute("INSERT INTO bids (name, yaml, updated_by) VALUES ('湛江一中', 'project: x\n', '王磊')")
        with pytest.raises(psycopg.errors.CheckViolation, match="revision 3 does not follow 1"):
            conn.execute("UPDATE bids SET revision = 3 WHERE name = '湛江一中'")
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute("UPDATE bids SET yaml = 'project: y\n' WHERE name = '湛江一中'")
        saved = conn.execute("UPDATE bids SET yaml = 'project: y\n', revision = revision + 1 "
                             "WHERE name = '湛江一中' AND revision = 1 RETURNING revision").fetchall()
        assert saved == [(2,)]


def test_every_library_write_bumps_the_change_stamp(db_url):
    with upgraded(db_url) as conn:
        stamps = [pg_schema.change_stamp(conn)]
        add_clause(conn)  # a category, a clause, a version: three writes
        stamps.append(pg_schema.change_stamp(conn))
        conn.execute("INSERT INTO review_events (clause_id, version, event, reviewer, at, yaml) "
                     "VALUES ('warranty-period', 1, 'approved', '周律师', now(), 'e\n')")
        stamps.append(pg_schema.change_stamp(conn))
        conn.execute("INSERT INTO bids (name, yaml, updated_by) VALUES ('b', 'y\n', '王磊')")
        stamps.append(pg_schema.change_stamp(conn))
        assert stamps == [0, 3, 4, 4]  # a bid is not the library


# -- connecting and its errors


def _refused_port() -> int:
    return pg._free_port()


@pytest.mark.parametrize("case, code, says", [
    ("wrong-password", "db-auth", "refused user 'bidkit': wrong password or unknown role"),
    ("unknown-role", "db-auth", "refused user 'nobody-here': wrong password or unknown role"),
    ("unknown-database", "db-unknown-database", "the database 'no_such_db' does not exist on 127.0.0.1:"),
    ("refused-port", "db-unreachable", "(Connection refused): is PostgreSQL running there and the URL right?"),
    ("not-postgres", "db-url-invalid", "it starts with mysql://, not postgresql://"),
    ("no-scheme", "db-url-invalid", "it starts with no scheme, not postgresql://"),
    ("bad-host", "db-url-invalid", "Invalid IPv6 URL"),
    ("bad-port", "db-url-invalid", "Port out of range"),
])
def test_each_connection_problem_is_one_coded_line_without_the_password(pg_server, case, code, says):
    url = {
        "wrong-password": pg_server.url(password="not-the-s3cret"),
        "unknown-role": pg_server.url(user="nobody-here", password="not-the-s3cret"),
        "unknown-database": pg_server.url("no_such_db"),
        "refused-port": pg_server.url(port=_refused_port()),
        "not-postgres": "mysql://bidkit:not-the-s3cret@127.0.0.1/db",
        "no-scheme": "bidkit:not-the-s3cret@127.0.0.1/db",
        "bad-host": "postgresql://bidkit:not-the-s3cret@[::1/db",
        "bad-port": "postgresql://bidkit:not-the-s3cret@127.0.0.1:99999/db",
    }[case]
    with pytest.raises(DatabaseError) as refused:
        pg_connect.connect(url)
    error = refused.value
    assert error.code == code and says in str(error)
    assert "\n" not in str(error) and "s3cret" not in str(error) and pg.PASSWORD not in str(error)
    assert isinstance(error, DatabaseUnavailable) == (code == "db-unreachable")
    for wording in MESSAGES[f"err.{code}"]:
        assert "s3cret" not in wording.format(**error.values)


def test_a_server_gone_mid_run_is_a_retryable_unavailable(pg_server, db_url):
    with upgraded(db_url) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        pg.psql(pg_server, f"SELECT pg_terminate_backend({pid})")
        with pytest.raises(DatabaseUnavailable) as gone:
            with pg_connect.gone_is_unavailable():
                conn.execute("SELECT 1")
        assert gone.value.code == "db-unavailable"
        assert MESSAGES["err.db-unavailable"][0].startswith("数据库暂时不可用")


def test_a_pool_serves_connections_and_says_a_wrong_password_at_once(pg_server, db_url):
    with pg_connect.open_pool(db_url) as pool, pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(DatabaseError) as refused:
        pg_connect.open_pool(pg_server.url(password="wrong"))
    assert refused.value.code == "db-auth"


def test_the_url_comes_from_the_environment_before_the_settings_file(monkeypatch, tmp_path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("database_url: postgresql://team@db.example.com/bidkit\n", encoding="utf-8")
    monkeypatch.setenv("BIDKIT_SETTINGS", str(settings))
    monkeypatch.delenv(pg_connect.URL_VARIABLE, raising=False)
    assert configured_url() == ("postgresql://team@db.example.com/bidkit", "settings.yaml: database_url")
    monkeypatch.setenv(pg_connect.URL_VARIABLE, "postgresql://me@localhost/mine")
    assert configured_url() == ("postgresql://me@localhost/mine", pg_connect.URL_VARIABLE)
    settings.unlink()
    monkeypatch.delenv(pg_connect.URL_VARIABLE)
    assert configured_url() is None


@pytest.mark.parametrize("url, shown", [
    ("postgresql://bidkit:s3cret@db:5432/bidkit", "postgresql://bidkit:***@db:5432/bidkit"),
    ("postgresql://bidkit:p%40ss@db/bidkit?sslmode=require", "postgresql://bidkit:***@db/bidkit?sslmode=require"),
    ("postgresql://bidkit@db/bidkit", "postgresql://bidkit@db/bidkit"),
    ("postgresql://bidkit:s3cret@[::1/x", "(a URL that cannot be read)"),
])
def test_a_shown_url_never_holds_the_password(url, shown):
    assert pg_connect.mask(url) == shown


# -- the command line


def bidkit_cli(*args: str, url: str | None, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != pg_connect.URL_VARIABLE}
    env["BIDKIT_SETTINGS"] = str(tmp_path / "no-settings.yaml")
    if url is not None:
        env[pg_connect.URL_VARIABLE] = url
    return subprocess.run([sys.executable, "-m", "bidkit", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)


def test_db_upgrade_and_status_on_the_command_line(db_url, tmp_path):
    masked = pg_connect.mask(db_url)
    before = bidkit_cli("db", "status", url=db_url, tmp_path=tmp_path)
    assert before.returncode == 2
    assert before.stdout.splitlines()[1] == f"schema: version 0 (this bidkit needs {NEEDED})"
    assert before.stderr == (f"error: the database schema is version 0, this bidkit needs {NEEDED}: "
                             "run `python -m bidkit db upgrade`\n")
    first = bidkit_cli("db", "upgrade", url=db_url, tmp_path=tmp_path)
    assert (first.returncode, first.stdout) == (0, f"{masked}: schema from version 0 to {NEEDED}\n")
    status = bidkit_cli("db", "status", "--format", "json", url=db_url, tmp_path=tmp_path)
    assert status.returncode == 0, status.stderr
    shown = json.loads(status.stdout)
    assert shown["database"] == masked and shown["schema_version"] == NEEDED and shown["counts"]["versions"] == 0
    for result in (before, first, status):
        assert pg.PASSWORD not in result.stdout + result.stderr


@pytest.mark.parametrize("command, case, says", [
    ("status", "none", "error: BIDKIT_DATABASE_URL: no database is configured: set BIDKIT_DATABASE_URL"),
    ("upgrade", "wrong-password", "error: the server at 127.0.0.1:"),
    ("upgrade", "current", "postgresql://bidkit:***@127.0.0.1:"),
])
def test_db_commands_say_a_missing_or_refused_database_in_one_line(db_url, pg_server, tmp_path, monkeypatch,
                                                                    capsys, command, case, says):
    monkeypatch.setenv("BIDKIT_SETTINGS", str(tmp_path / "no-settings.yaml"))
    monkeypatch.delenv(pg_connect.URL_VARIABLE, raising=False)
    if case != "none":
        monkeypatch.setenv(pg_connect.URL_VARIABLE, db_url if case == "current" else
                           pg_server.url(password="not-the-s3cret"))
    if case == "current":
        upgraded(db_url).close()
    code = cli.main(["db", command])
    out, err = capsys.readouterr()
    said = out if case == "current" else err
    assert (code, said.count("\n")) == (0 if case == "current" else 2, 1)
    assert said.startswith(says) and "s3cret" not in out + err and pg.PASSWORD not in out + err
    if case == "current":
        assert said.endswith(f"schema already at version {NEEDED}; nothing to do\n")


# -- the test server itself


def test_a_killed_test_process_leaves_no_server_and_no_folder_behind():
    code = ("import sys, time; sys.path.insert(0, '.'); from tests import pg_server; s = pg_server.start(); "
            "print(s.folder, s.port, flush=True); time.sleep(120)")
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        folder, port = child.stdout.readline().split()
        assert (Path(folder) / "data" / "postmaster.pid").exists()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    for _ in range(300):  # the watchdog needs a moment; a hung one fails here after 30 s
        if not Path(folder).exists():
            break
        time.sleep(0.1)
    assert not Path(folder).exists()
    with pytest.raises(DatabaseUnavailable):
        pg_connect.connect(f"postgresql://{pg.ROLE}:{pg.PASSWORD}@127.0.0.1:{port}/postgres")


@pytest.mark.parametrize("required, outcome", [(None, pytest.skip.Exception), ("1", pytest.fail.Exception)])
def test_without_postgresql_the_tests_skip_in_one_line_or_fail_in_ci(monkeypatch, required, outcome):
    monkeypatch.setattr(pg, "bindir", lambda: None)
    monkeypatch.delenv(pg.REQUIRE_VARIABLE, raising=False)
    if required:
        monkeypatch.setenv(pg.REQUIRE_VARIABLE, required)
    with pytest.raises(outcome) as stopped:
        pg.skip_unless_installed()
    assert str(stopped.value.msg).startswith("PostgreSQL is not installed: `apt-get install postgresql`")
    assert "\n" not in stopped.value.msg
