"""A loaded clause library in memory: its categories, clauses with their versions and review
events, and the problems found while loading."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bidkit.errors import BidError
from bidkit.model import Category, ClauseVersion, Review, Status

if TYPE_CHECKING:
    from bidkit.library.cache import _Parsed


def status_of(events: Iterable[str]) -> Status:
    """A version's status from the kinds of its review events: retired is final, whatever the clocks
    of those who recorded them said; else approved once approved; else draft."""
    kinds = set(events)
    return "retired" if "retired" in kinds else "approved" if "approved" in kinds else "draft"


@dataclass(frozen=True)
class LibraryIssue:
    """One problem found in a library file."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class Versions(Mapping[int, ClauseVersion]):
    """A clause's versions by number, each validated from its cached JSON on first use."""

    def __init__(self) -> None:
        self._parsed: dict[int, "_Parsed"] = {}
        self._loaded: dict[int, ClauseVersion] = {}

    def add(self, number: int, parsed: "_Parsed") -> None:
        self._parsed[number] = parsed

    def __getitem__(self, number: int) -> ClauseVersion:
        if number not in self._loaded:
            self._loaded[number] = self._parsed[number].model()
        return self._loaded[number]

    def __contains__(self, number: object) -> bool:
        return number in self._parsed

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._parsed))

    def __len__(self) -> int:
        return len(self._parsed)


@dataclass
class ClauseEntry:
    """All versions of one clause and their review events."""

    id: str
    category: str
    versions: Versions = field(default_factory=Versions)
    reviews: dict[int, list[Review]] = field(default_factory=dict)

    def status(self, version: int) -> Status:
        """A version's status is its latest review event (retired can only follow approved), or
        draft where there is none."""
        return status_of(r.event for r in self.reviews.get(version, ()))

    def latest(self) -> ClauseVersion:
        return self.versions[max(self.versions)]

    def latest_approved(self) -> ClauseVersion | None:
        for number in sorted(self.versions, reverse=True):
            if self.status(number) == "approved":
                return self.versions[number]
        return None

    def last_reviewed(self) -> datetime | None:
        stamps = [r.at for events in self.reviews.values() for r in events]
        return max(stamps) if stamps else None


@dataclass
class Library:
    """A loaded clause library: categories, clauses and every problem found."""

    root: Path
    categories: dict[str, Category] = field(default_factory=dict)
    clauses: dict[str, ClauseEntry] = field(default_factory=dict)
    issues: list[LibraryIssue] = field(default_factory=list)

    def clause(self, clause_id: str) -> ClauseEntry:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise BidError(f"clause {clause_id!r} is not in the library at {self.root}", code="clause-missing",
                           id=clause_id) from None

    def version(self, clause_id: str, version: int) -> ClauseVersion:
        entry = self.clause(clause_id)
        try:
            return entry.versions[version]
        except KeyError:
            have = ", ".join(f"v{n}" for n in sorted(entry.versions))
            raise BidError(f"clause {clause_id!r} has no version {version} (it has {have})", code="version-missing",
                           id=clause_id, version=version, have=have) from None

    def status(self, clause_id: str, version: int) -> Status:
        return self.clause(clause_id).status(version)

    def latest_approved(self, clause_id: str) -> ClauseVersion | None:
        return self.clause(clause_id).latest_approved()

    def version_count(self) -> int:
        return sum(len(c.versions) for c in self.clauses.values())

    def category_order(self) -> list[str]:
        """Category ids in chapter order; unknown categories last, by name."""
        return sorted(self.categories, key=lambda c: (self.categories[c].order, c))

    def summary(self) -> dict[str, Any]:
        return {"clauses": len(self.clauses), "versions": self.version_count(),
                "categories": len(self.categories),
                "errors": [{"file": i.file, "line": i.line, "message": i.message} for i in self.issues]}
