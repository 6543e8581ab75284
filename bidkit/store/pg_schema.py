"""The database schema, made by numbered migrations (migrations/NNNN_name.sql), never by hand.

Each migration runs in a transaction of its own, which also records its number in
bidkit_schema; an advisory lock taken in that transaction makes two instances upgrading at once
take turns, the second finding the work done. A database is usable by this bidkit only at
exactly the newest number it knows: older needs `db upgrade`, newer needs a newer bidkit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bidkit.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# any constant shared by every bidkit: the key of the lock that upgrades take turns on
UPGRADE_LOCK_KEY = 0x6B1D_0014
UPGRADE_COMMAND = "python -m bidkit db upgrade"
COUNTED_TABLES = ("categories", "clauses", "versions", "review_events", "bids", "templates", "drafts", "audit_log")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# what a migration meets in a database that holds things of the same names, not made by bidkit
_ALREADY_THERE = (psycopg.errors.DuplicateTable, psycopg.errors.DuplicateObject, psycopg.errors.DuplicateFunction)


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """The migrations shipped, in order; their numbers run 1, 2, 3... without a gap."""
    found = sorted((int(m.group(1)), path) for path in MIGRATIONS_DIR.iterdir() if (m := _NAME.match(path.name)))
    if [number for number, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"the migrations in {MIGRATIONS_DIR} are not numbered 1, 2, 3...: {found}")
    return [Migration(number, path.name, path.read_text(encoding="utf-8")) for number, path in found]


CODE_VERSION = len(migrations())

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS bidkit_schema (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  applied_by text NOT NULL DEFAULT current_user
)"""


def schema_version(conn: psycopg.Connection) -> int:
    """The newest migration the database has, 0 for one bidkit never upgraded."""
    row = conn.execute("SELECT to_regclass('bidkit_schema') IS NOT NULL").fetchone()
    if not row[0]:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM bidkit_schema").fetchone()[0]


def upgrade(conn: psycopg.Connection, target: int = CODE_VERSION) -> tuple[int, int]:
    """Apply the migrations the database lacks, up to `target`; (version before, version after).

    `conn` must be in autocommit mode: each migration is its own transaction here."""
    if not conn.autocommit:
        raise RuntimeError("upgrade needs a connection in autocommit mode")
    before = schema_version(conn)
    if before > CODE_VERSION:
        raise mismatch(before)
    for migration in migrations()[:target]:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (UPGRADE_LOCK_KEY,))
            conn.execute(_CREATE_VERSION_TABLE)
            # decided under the lock: another instance may have applied it while we waited
            if schema_version(conn) >= migration.number:
                continue
            try:
                conn.execute(migration.sql.encode("utf-8"))
            except _ALREADY_THERE as exc:
                raise DatabaseError(f"migration {migration.name} failed: {exc.diag.message_primary}; nothing of "
                                    "it was applied (is this database used by something other than bidkit?)",
                                    code="db-migration-failed", migration=migration.name,
                                    reason=exc.diag.message_primary) from None
            conn.execute("INSERT INTO bidkit_schema (version, name) VALUES (%s, %s)",
                         (migration.number, migration.name))
    return before, schema_version(conn)


def mismatch(found: int) -> DatabaseError | None:
    """Why a database at schema version `found` cannot be used by this bidkit, or None."""
    if found < CODE_VERSION:
        return DatabaseError(f"the database schema is version {found}, this bidkit needs {CODE_VERSION}: "
                             f"run `{UPGRADE_COMMAND}`", code="db-schema-older", found=found, needed=CODE_VERSION,
                             command=UPGRADE_COMMAND)
    if found > CODE_VERSION:
        return DatabaseError(f"the database schema is version {found}, newer than this bidkit knows "
                             f"({CODE_VERSION}): upgrade bidkit on this machine", code="db-schema-newer",
                             found=found, needed=CODE_VERSION)
    return None


def require_current(conn: psycopg.Connection) -> None:
    """DatabaseError unless the schema is exactly the one this bidkit was written for."""
    problem = mismatch(schema_version(conn))
    if problem:
        raise problem


def counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows in each table, and the library's change stamp, for `db status`."""
    result = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in COUNTED_TABLES}
    result["library_stamp"] = change_stamp(conn)
    return result


def change_stamp(conn: psycopg.Connection) -> int:
    """The library's change counter: equal stamps, same library (the per-rerun freshness query)."""
    return conn.execute("SELECT stamp FROM library_stamp").fetchone()[0]
