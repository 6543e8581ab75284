"""The one storage seam: where the library, review events, saved bids, templates, drafts and the
audit log live. Everything above it (check, compose, pages, CLI) holds a Store and never knows
whether it is the folders of one machine (FolderStore) or a team's PostgreSQL (PgStore).

Both implementations keep the same promises, and one contract test suite runs against each:
versions and review events are immutable; saving the next version of a clause that someone else
has just saved is a ConflictError naming who and when; saving a bid or template over a newer save
is a ConflictError (the `revision` a caller read travels back with its save); every write is
whole or absent; every write appends one AuditEntry.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Hashable, Iterable, Literal, Protocol

from pydantic import BaseModel

from bidkit.library import Library
from bidkit.model import Bid, ClauseVersion, NewVersion, Review, Template
from bidkit.workspace import Draft

Kind = Literal["bid", "template"]


@dataclass(frozen=True)
class Saved:
    """A saved bid or template: its key (the name it is saved under, unique per kind), what it
    holds, the revision it had when read (passed back to save over it), and when it was saved."""

    key: str
    model: BaseModel
    revision: str
    modified: datetime


def usage_counts(saved: Iterable[Saved]) -> dict[str, int]:
    """How many of these saved bids and templates use each clause (any version)."""
    counts: dict[str, int] = {}
    for one in saved:
        for clause_id in {c.id for c in one.model.clauses}:
            counts[clause_id] = counts.get(clause_id, 0) + 1
    return counts


# A name typed on the command line may be any length; the log keeps enough of it to know who.
MAX_AUDIT_ACTOR_CHARS = 200


def audit_actor(actor: str) -> str:
    """Who an audit entry names: the name as given, cut to MAX_AUDIT_ACTOR_CHARS."""
    return actor.strip()[:MAX_AUDIT_ACTOR_CHARS]


def instance() -> str:
    """Which app process wrote an audit entry (read at each write: a store may be used by a
    forked worker with a pid of its own)."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str  # new-version, approved, retired, save-bid, save-template, delete-template
    subject: str  # "clause-id v3", or the bid's or template's key
    instance: str  # which app process or command wrote it (host:pid)


class Store(Protocol):
    def describe(self) -> str:
        """Where the data lives, for the user: a folder's name or a masked database URL."""

    # -- the clause library
    def library_stamp(self) -> Hashable:
        """A cheap value that changes whenever the library changes (one query, or a folder scan)."""

    def load_library(self) -> Library:
        """The whole library; a broken version is an issue of the library, never an exception."""

    def new_version(self, draft: NewVersion, author: str, note: str | None = None) -> ClauseVersion:
        """The next version of a clause; ConflictError when `draft.based_on` is no longer the latest."""

    def record_review(self, lib: Library, clause_id: str, version: int, event: str, reviewer: str,
                      comment: str = "", *, verified: bool = False, seen_digest: str | None = None,
                      also_known_as: Iterable[str] = (), one_person_team: bool = False) -> Review:
        """As bidkit.library.record_review: refused when stale, own version, retired or already approved."""

    # -- saved bids and templates
    def list_saved(self, kind: Kind) -> tuple[list[Saved], list[str]]:
        """Every saved bid or template, newest first, and a message for each that does not load."""

    def save(self, kind: Kind, name: str, model: Bid | Template, expected_revision: str | None,
             actor: str) -> Saved:
        """Save under `name`; None as expected_revision means it must be new. ConflictError otherwise."""

    def delete_template(self, key: str, actor: str) -> None:
        """Move a template out of the list; it is kept (trash folder, or a deleted mark), never erased."""

    def clause_usage(self) -> dict[str, int]:
        """How many saved bids and templates use each clause (any version)."""

    # -- per-user drafts (autosave)
    def save_draft(self, user_key: str, bid: Bid, name: str) -> Draft:
        """Keep the user's draft, replacing their previous one."""

    def read_draft(self, user_key: str) -> Draft | None:
        """The user's draft, or None; BidError when it is damaged."""

    # -- the audit log (append-only)
    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        """The newest entries first."""
