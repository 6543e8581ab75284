"""The Store of a team's PostgreSQL database (base.py says the promises both stores keep).

Every write is one transaction that also appends its audit_log row, so a write and its record are
both there or neither. The library's rows hold the YAML texts the folders hold, each under the
path a folder keeps it at (category/id/vN.yaml): a load parses them with the folder loader's own
functions, so both stores give the same Library from the same texts, and `library export`
writes the folder back byte for byte.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bidkit import bidfile, storage, yamlio
from bidkit.errors import BidError, LibraryError
from bidkit.library.cache import _Parsed, parse_all, parse_stored_text
from bidkit.library.entries import Library, LibraryIssue
from bidkit.library.files import MAX_FILE_BYTES, _library_files, parse_text, read_text
from bidkit.library.load import _assemble
from bidkit.library.write import conflict_error, decide_review, id_taken, prepare_version, version_digest
from bidkit.model import Bid, ClauseVersion, NewVersion, Review, Template
from bidkit.store import pg_connect, pg_schema
from bidkit.store.base import AuditEntry, Kind, Saved, audit_actor, instance, usage_counts
from bidkit.store.folders import missing_template
from bidkit.userfile import read_user_file
from bidkit.workspace import Draft, file_stem

_TABLES = {"bid": "bids", "template": "templates"}
_MODELS = {"bid": Bid, "template": Template}

# Every library text under the path a folder keeps it at, in one statement (one snapshot).
_LIBRARY_ROWS = """
SELECT name || '/_category.yaml', yaml FROM categories
UNION ALL
SELECT c.category || '/' || v.clause_id || '/v' || v.version || '.yaml', v.yaml
  FROM versions v JOIN clauses c ON c.id = v.clause_id
UNION ALL
SELECT c.category || '/' || e.clause_id || '/v' || e.version || '.' || e.event || '.yaml', e.yaml
  FROM review_events e JOIN clauses c ON c.id = e.clause_id
"""


class PgStore:
    """A team's library, reviews, bids, templates, drafts and audit log in one PostgreSQL database."""

    def __init__(self, url: str, where: str = pg_connect.URL_VARIABLE, *,
                 wait_seconds: float = pg_connect.POOL_WAIT_SECONDS):
        self._url = url
        self._wait = wait_seconds
        self._pool = pg_connect.open_pool(url, where)
        # each library text's parse, by its path, kept while its text is the same
        self._parsed: dict[str, tuple[str, _Parsed]] = {}
        try:
            with self._connection() as conn:
                pg_schema.require_current(conn)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._pool.close()

    def __enter__(self) -> "PgStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        with pg_connect.gone_is_unavailable(), self._pool.connection(timeout=self._wait) as conn:
            yield conn

    def describe(self) -> str:
        return pg_connect.mask(self._url)

    def _audit(self, conn: psycopg.Connection, actor: str, action: str, *, clause_id: str | None = None,
               version: int | None = None, kind: Kind | None = None, name: str | None = None,
               verified: bool = False) -> None:
        conn.execute("INSERT INTO audit_log (actor, verified, action, clause_id, version, document_kind, "
                     "document_name, instance) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                     (audit_actor(actor), verified, action, clause_id, version, kind, name, instance()))

    # -- the clause library
    def library_stamp(self) -> int:
        with self._connection() as conn:
            return pg_schema.change_stamp(conn)

    def library_texts(self) -> dict[str, str]:
        """Every library text by the path a folder keeps it at."""
        with self._connection() as conn:
            return dict(conn.execute(_LIBRARY_ROWS).fetchall())

    def load_library(self) -> Library:
        texts = self.library_texts()
        kept = {rel: hit for rel, hit in self._parsed.items() if texts.get(rel) == hit[0]}
        todo = [(rel, text) for rel, text in texts.items() if rel not in kept]
        kept.update((rel, (text, parsed)) for (rel, text), parsed in zip(todo, parse_all(parse_stored_text, todo)))
        self._parsed = kept
        return _assemble(Path(self.describe()), {rel: parsed for rel, (_text, parsed) in kept.items()})

    def _stored_version(self, conn: psycopg.Connection, category: str, clause_id: str,
                        number: int, lock: bool = False) -> ClauseVersion | None:
        """The version as its row says now (not as a loaded, perhaps stale, library has it)."""
        row = conn.execute("SELECT yaml FROM versions WHERE clause_id = %s AND version = %s"
                           + (" FOR UPDATE" if lock else ""), (clause_id, number)).fetchone()
        return parse_text(f"{category}/{clause_id}/v{number}.yaml", row[0])[0] if row else None

    def new_version(self, draft: NewVersion, author: str, note: str | None = None) -> ClauseVersion:
        with self._connection() as conn:
            try:
                with conn.transaction():
                    if not conn.execute("SELECT 1 FROM categories WHERE name = %s", (draft.category,)).fetchone():
                        raise LibraryError(f"category {draft.category!r} does not exist in {self.describe()}",
                                           field="category")
                    # (this insert bumps the library stamp, whose row lock then orders library writes)
                    conn.execute("INSERT INTO clauses (id, category) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                                 (draft.id, draft.category))
                    category = conn.execute("SELECT category FROM clauses WHERE id = %s", (draft.id,)).fetchone()[0]
                    if category != draft.category:
                        raise id_taken(draft.id, category)
                    latest = conn.execute("SELECT coalesce(max(version), 0) FROM versions WHERE clause_id = %s",
                                          (draft.id,)).fetchone()[0]
                    if draft.based_on != latest:
                        saved = self._stored_version(conn, category, draft.id, latest) if latest else None
                        raise conflict_error(draft, latest, saved)
                    version, data = prepare_version(draft, latest + 1, author, note)
                    conn.execute("INSERT INTO versions (clause_id, version, yaml, author, created_at, digest) "
                                 "VALUES (%s, %s, %s, %s, %s, %s)",
                                 (version.id, version.version, data.decode("utf-8"), version.author,
                                  version.created, version_digest(version)))
                    self._audit(conn, author, "new-version", clause_id=version.id, version=version.version)
            except psycopg.errors.UniqueViolation:
                # another instance saved the same number a moment before: theirs stands
                saved = self._stored_version(conn, draft.category, draft.id, latest + 1)
                raise conflict_error(draft, latest + 1, saved) from None
        return version

    def record_review(self, lib: Library, clause_id: str, version: int, event: str, reviewer: str,
                      comment: str = "", *, verified: bool = False, seen_digest: str | None = None,
                      also_known_as: Iterable[str] = (), one_person_team: bool = False) -> Review:
        category = lib.clause(clause_id).category
        lib.version(clause_id, version)
        with self._connection() as conn, conn.transaction():
            # the version's row lock holds off another reviewer until this review is recorded
            stored = self._stored_version(conn, category, clause_id, version, lock=True)
            events = [e for (e,) in conn.execute("SELECT event FROM review_events WHERE clause_id = %s "
                                                 "AND version = %s", (clause_id, version))]
            review = decide_review(stored, events, clause_id, version, event, reviewer, comment, verified=verified,
                                   seen_digest=seen_digest, also_known_as=also_known_as,
                                   one_person_team=one_person_team)
            conn.execute("INSERT INTO review_events (clause_id, version, event, reviewer, comment, verified, at, "
                         "yaml) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                         (clause_id, version, event, review.reviewer, review.comment, review.verified, review.at,
                          yamlio.dump(review.model_dump(mode="json")).decode("utf-8")))
            self._audit(conn, review.reviewer, event, clause_id=clause_id, version=version, verified=verified)
        return review

    # -- saved bids and templates
    def list_saved(self, kind: Kind) -> tuple[list[Saved], list[str]]:
        with self._connection() as conn:
            rows = conn.execute(f"SELECT name, revision, yaml, updated_at FROM {_TABLES[kind]} "
                                "ORDER BY updated_at DESC, name").fetchall()
        saved, problems = [], []
        for name, revision, text, updated_at in rows:
            try:
                saved.append(Saved(name, bidfile.parse(text, _MODELS[kind], name), str(revision), updated_at))
            except BidError as exc:
                problems.append(str(exc))
        return saved, problems

    def save(self, kind: Kind, name: str, model: Bid | Template, expected_revision: str | None,
             actor: str) -> Saved:
        key = file_stem(name)
        if isinstance(model, Template) and model.created is None:
            model = model.model_copy(update={"created": datetime.now(timezone.utc).astimezone()})
        text = bidfile.to_yaml(model).decode("utf-8")
        table = _TABLES[kind]
        with self._connection() as conn, conn.transaction():
            if expected_revision is None:
                row = conn.execute(f"INSERT INTO {table} (name, yaml, updated_by) VALUES (%s, %s, %s) "
                                   "ON CONFLICT (name) DO NOTHING RETURNING revision, updated_at",
                                   (key, text, actor)).fetchone()
            else:
                # (a revision that is not a number, such as a folder's digest, matches no row)
                row = conn.execute(f"UPDATE {table} SET revision = revision + 1, yaml = %s, updated_by = %s, "
                                   "updated_at = now() WHERE name = %s AND revision::text = %s "
                                   "RETURNING revision, updated_at", (text, actor, key, expected_revision)).fetchone()
            if row is None:
                raise storage.save_refused(key, expected_revision is None)
            self._audit(conn, actor, f"save-{kind}", kind=kind, name=key)
        return Saved(key, model, str(row[0]), row[1])

    def delete_template(self, key: str, actor: str) -> None:
        with self._connection() as conn, conn.transaction():
            moved = conn.execute("WITH gone AS (DELETE FROM templates WHERE name = %s RETURNING *) "
                                 "INSERT INTO templates_trash (name, revision, yaml, updated_by, updated_at, "
                                 "deleted_by) SELECT name, revision, yaml, updated_by, updated_at, %s FROM gone",
                                 (key, actor)).rowcount
            if not moved:
                raise missing_template(key)
            self._audit(conn, actor, "delete-template", kind="template", name=key)

    def clause_usage(self) -> dict[str, int]:
        return usage_counts(self.list_saved("bid")[0] + self.list_saved("template")[0])

    # -- per-user drafts (autosave; not audited, as on folders: it would flood the log)
    def save_draft(self, user_key: str, bid: Bid, name: str) -> Draft:
        draft = Draft(saved=datetime.now(timezone.utc).astimezone(), name=name, bid=bid)
        with self._connection() as conn, conn.transaction():
            conn.execute("INSERT INTO drafts (user_key, yaml, updated_at) VALUES (%s, %s, %s) ON CONFLICT "
                         "(user_key) DO UPDATE SET yaml = EXCLUDED.yaml, updated_at = EXCLUDED.updated_at",
                         (user_key, bidfile.to_yaml(draft).decode("utf-8"), draft.saved))
        return draft

    def read_draft(self, user_key: str) -> Draft | None:
        with self._connection() as conn:
            row = conn.execute("SELECT yaml FROM drafts WHERE user_key = %s", (user_key,)).fetchone()
        return bidfile.parse(row[0], Draft, "draft") if row else None

    # -- the audit log
    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        with self._connection() as conn:
            rows = conn.execute("SELECT at, actor, action, clause_id, version, document_name, instance "
                                "FROM audit_log ORDER BY id DESC LIMIT %s", (limit,)).fetchall()
        return [AuditEntry(at, actor, action, f"{clause_id} v{version}" if clause_id else name or "", instance)
                for at, actor, action, clause_id, version, name, instance in rows]

    # -- moving a library between folders and the database
    def import_folder(self, root: Path, actor: str) -> tuple[int, int]:
        """Load the library folder at `root` into the database in one transaction: (texts added,
        texts already there). A folder with problems, or a text that differs from the one stored
        under its path, is refused and nothing is imported."""
        walk_issues: list[LibraryIssue] = []
        texts: dict[str, str] = {}
        for rel, _stamp in _library_files(root, walk_issues):
            # stored under the path it is exported to: vN.yml comes back as vN.yaml
            stored_as = rel[:-len(".yml")] + ".yaml" if rel.endswith(".yml") else rel
            text, issue = read_text(root, rel)
            if issue:
                walk_issues.append(issue)
                continue
            if stored_as in texts:
                walk_issues.append(LibraryIssue(rel, None, f"is there twice, also as {stored_as}"))
            texts[stored_as] = text
        parsed = dict(zip(texts, parse_all(parse_stored_text, list(texts.items()))))
        lib = _assemble(root, parsed)
        issues = walk_issues + lib.issues
        if issues:
            raise LibraryError(f"has {len(issues)} problem(s), the first {issues[0]}; nothing was imported: fix "
                               "them (python -m bidkit library validate lists them all)", file=str(root),
                               code="library-import-broken", count=len(issues), first=str(issues[0]))
        with self._connection() as conn, conn.transaction():
            # taken first: no other library write can interleave between the comparison and the inserts
            conn.execute("SELECT stamp FROM library_stamp FOR UPDATE")
            stored = dict(conn.execute(_LIBRARY_ROWS).fetchall())
            taken = dict(conn.execute("SELECT id, category FROM clauses").fetchall())
            for rel in sorted(texts):
                if rel in stored and stored[rel] != texts[rel]:
                    raise LibraryError("differs from the text the database holds under this path; nothing was "
                                       "imported (a stored version is never overwritten: save yours as a new "
                                       "version)", file=rel, code="library-import-differs", path=rel)
            for entry in lib.clauses.values():
                if taken.get(entry.id, entry.category) != entry.category:
                    raise id_taken(entry.id, taken[entry.id])
            new = [rel for rel in sorted(texts) if rel not in stored]
            self._import_rows(conn, lib, texts, new, actor)
        return len(new), len(texts) - len(new)

    def _import_rows(self, conn: psycopg.Connection, lib: Library, texts: dict[str, str], new: list[str],
                     actor: str) -> None:
        new_set = set(new)
        for rel in new:
            if rel.count("/") == 1:
                name = rel.split("/")[0]
                category = lib.categories[name]
                conn.execute("INSERT INTO categories (name, title, sort_order, yaml) VALUES (%s, %s, %s, %s)",
                             (name, category.title, category.order, texts[rel]))
        for entry in lib.clauses.values():
            conn.execute("INSERT INTO clauses (id, category) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING",
                         (entry.id, entry.category))
            for number in entry.versions:  # (in order: a number follows the one before it)
                rel = f"{entry.category}/{entry.id}/v{number}.yaml"
                if rel not in new_set:
                    continue
                version = entry.versions[number]
                conn.execute("INSERT INTO versions (clause_id, version, yaml, author, created_at, digest) "
                             "VALUES (%s, %s, %s, %s, %s, %s)", (entry.id, number, texts[rel], version.author,
                                                                 version.created, version_digest(version)))
                self._audit(conn, actor, "import-version", clause_id=entry.id, version=number)
            for number, reviews in entry.reviews.items():
                for review in reviews:
                    rel = f"{entry.category}/{entry.id}/v{number}.{review.event}.yaml"
                    if rel not in new_set:
                        continue
                    conn.execute("INSERT INTO review_events (clause_id, version, event, reviewer, comment, "
                                 "verified, at, yaml) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                                 (entry.id, number, review.event, review.reviewer, review.comment,
                                  review.verified, review.at, texts[rel]))
                    self._audit(conn, actor, f"import-{review.event}", clause_id=entry.id, version=number)

    def export_folder(self, root: Path) -> tuple[int, int]:
        """Write the library as the folder files it was imported from: (files written, files already
        the same). A file there that differs is refused before anything is written."""
        texts = self.library_texts()
        missing = []
        for rel in sorted(texts):
            path = root / rel
            if not (path.is_symlink() or path.exists()):
                missing.append(rel)
            elif read_user_file(path, MAX_FILE_BYTES, LibraryError) != texts[rel].encode("utf-8"):
                raise LibraryError("is already there and differs from the database's text; nothing was "
                                   "exported (export into an empty folder, or move this file away)",
                                   file=str(path), code="library-export-differs", path=str(path))
        for rel in missing:
            storage.create_exclusive(root / rel, texts[rel].encode("utf-8"))
        return len(missing), len(texts) - len(missing)
