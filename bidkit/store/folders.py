"""The Store of one machine's folders: the library folder, the templates folder and the workspace
(bids, drafts, trash), written by bidkit.library and bidkit.workspace as before, plus an audit log.

The library's version and review files are already its history, and a saved bid or template keeps
only its last state: the audit log (workspace/audit.jsonl) says who wrote what, when, from which
process. It is only ever appended to, one JSON line per write, under the workspace's lock: a line
is whole or absent, and nothing already in it is rewritten.
"""
from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pydantic

from bidkit import library, workspace
from bidkit.errors import BidError, BidkitError
from bidkit.library import Library
from bidkit.model import Bid, ClauseVersion, NewVersion, Review, Template
from bidkit.storage import locked
from bidkit.store.base import AuditEntry, Kind, Saved, audit_actor, instance, usage_counts
from bidkit.workspace import Draft, Folders

AUDIT_FILE = "audit.jsonl"
# The longest line the log holds: the actor (base.MAX_AUDIT_ACTOR_CHARS), a key of at most 240
# bytes, a host name of at most 255 and the rest; reading the newest entries reads this much per
# entry from the end.
MAX_AUDIT_LINE_BYTES = 4096

_ENTRY = pydantic.TypeAdapter(AuditEntry)


class FolderStore:
    def __init__(self, folders: Folders):
        self.folders = folders

    def describe(self) -> str:
        return self.folders.library.name

    @property
    def _audit_path(self) -> Path:
        return self.folders.workspace / AUDIT_FILE

    # -- the clause library

    def library_stamp(self) -> tuple[int, int]:
        return library.change_stamp(self.folders.library)

    def load_library(self) -> Library:
        return library.load(self.folders.library)

    def new_version(self, draft: NewVersion, author: str, note: str | None = None) -> ClauseVersion:
        version = library.new_version(self.folders.library, draft, author=author, note=note)
        self._audit(author, "new-version", f"{version.id} v{version.version}")
        return version

    def record_review(self, lib: Library, clause_id: str, version: int, event: str, reviewer: str,
                      comment: str = "", *, verified: bool = False, seen_digest: str | None = None,
                      also_known_as: Iterable[str] = (), one_person_team: bool = False) -> Review:
        review = library.record_review(self.folders.library, lib, clause_id, version, event, reviewer, comment,
                                       verified=verified, seen_digest=seen_digest, also_known_as=also_known_as,
                                       one_person_team=one_person_team)
        self._audit(review.reviewer, event, f"{clause_id} v{version}")
        return review

    # -- saved bids and templates

    def list_saved(self, kind: Kind) -> tuple[list[Saved], list[str]]:
        folder = self.folders.bids if kind == "bid" else self.folders.templates
        found, problems = (workspace.list_bids if kind == "bid" else workspace.list_templates)(self.folders)
        # a page names the file, never the server's folders
        return [_saved(s) for s in found], [p.replace(f"{folder}{os.sep}", "") for p in problems]

    def save(self, kind: Kind, name: str, model: Bid | Template, expected_revision: str | None,
             actor: str) -> Saved:
        if kind == "bid":
            saved = workspace.save_bid(self.folders, model, name, expected_revision)
        else:
            saved = workspace.save_template(self.folders, model, expected_revision, name)
        self._audit(actor, f"save-{kind}", saved.path.stem)
        return _saved(saved)

    def delete_template(self, key: str, actor: str) -> None:
        path = self.folders.templates / f"{key}.yaml"
        if not key or workspace.file_stem(key) != key or not path.is_file():
            raise missing_template(key)
        workspace.delete_template(self.folders, path)
        self._audit(actor, "delete-template", key)

    def clause_usage(self) -> dict[str, int]:
        return usage_counts(self.list_saved("bid")[0] + self.list_saved("template")[0])

    # -- per-user drafts: autosaved at every change, so they stay out of the audit log

    def save_draft(self, user_key: str, bid: Bid, name: str) -> Draft:
        return workspace.save_draft(self.folders, user_key, bid, name)

    def read_draft(self, user_key: str) -> Draft | None:
        return workspace.read_draft(self.folders, user_key)

    # -- the audit log

    def _audit(self, actor: str, action: str, subject: str) -> None:
        entry = AuditEntry(at=datetime.now(timezone.utc).astimezone(), actor=audit_actor(actor),
                           action=action, subject=subject, instance=instance())
        line = _ENTRY.dump_json(entry) + b"\n"
        try:
            with locked(self.folders.workspace):
                fd = os.open(self._audit_path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
                             | os.O_NONBLOCK | os.O_CLOEXEC, 0o666)
                try:
                    info = os.fstat(fd)
                    if not stat.S_ISREG(info.st_mode):
                        raise OSError("not a regular file")
                    if info.st_size and os.pread(fd, 1, info.st_size - 1) != b"\n":
                        line = b"\n" + line  # a writer died mid-line: its part stays a line of its own
                    os.write(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise BidkitError(f"{subject} was saved, but the audit log could not be written ({reason}): "
                              "tell whoever runs bidkit", file=AUDIT_FILE, code="audit-unwritable",
                              subject=subject, reason=reason) from None

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first; a damaged line (a disk that filled mid-write) is passed over."""
        try:
            fd = os.open(self._audit_path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return []
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return []
            size = info.st_size
            start = max(0, size - limit * MAX_AUDIT_LINE_BYTES)
            data = os.pread(fd, size - start, start)
        finally:
            os.close(fd)
        lines = data.split(b"\n")
        if start:
            lines = lines[1:]  # begun mid-line
        entries = []
        for line in reversed(lines):
            if len(entries) == limit:
                break
            try:
                entries.append(_ENTRY.validate_json(line))
            except pydantic.ValidationError:
                continue
        return entries


def missing_template(key: str) -> BidError:
    """The refusal of a template key that names no template (both stores say it alike)."""
    return BidError(f"there is no template {key!r} (deleted meanwhile?)", field="template",
                    code="template-missing", name=key)


def _saved(saved: workspace.Saved) -> Saved:
    return Saved(key=saved.path.stem, model=saved.model, revision=saved.digest, modified=saved.modified)
