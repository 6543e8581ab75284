"""Where a block stands in its file, as the extractor carries it, and the Where it gives what
leaves the extractor."""
from __future__ import annotations

from typing import NamedTuple

from bidkit.model import Where


class Location(NamedTuple):
    """Where a block stands in its file: the fields of `model.Where`, in a named tuple.

    A tender has tens of thousands of blocks, and few of them yield anything: a named tuple is
    made in a tenth of a Where's time (pydantic validates each one). A Where is made from it
    (`evidence`) for what leaves the extractor only: a requirement, a form, a scoring rule.
    Each block (a .docx paragraph's lines: each paragraph) has a location object of its own,
    which tells what came from the same block (see merge._two_demands).
    """

    file: str = ""
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    line: int | None = None


def evidence(location: Location | None) -> Where | None:
    """The Where a requirement, form or rule carries for a block's location."""
    if location is None:
        return None
    # (the fields set only: pydantic fills the others in less time than it validates a None)
    return Where(**{name: value for name, value in zip(Location._fields, location) if value is not None})
