"""Where a block stands in its file, as the extractor carries it, and the Where it gives what
leaves the extractor."""
from __future__ import annotations

from collections import namedtuple

from bidkit.model import Where

# Where's fields, in a named tuple (made from Where's own fields, so that the two never differ).
Location = namedtuple("Location", list(Where.model_fields),
                      defaults=[field.default for field in Where.model_fields.values()])
Location.__doc__ = """Where a block stands in its file: file, page, paragraph, table, row, cell,
line, as `model.Where` has them.

A tender has tens of thousands of blocks, and few of them yield anything: a named tuple is made
in a tenth of a Where's time (pydantic validates each one). A Where is made from it (`evidence`)
for what leaves the extractor only: a requirement, a form, a scoring rule. Each block (a .docx
paragraph's lines: each paragraph) has a location object of its own, which tells what came from
the same block (see merge._two_demands)."""


def evidence(location: Location | None) -> Where | None:
    """The Where a requirement, form or rule carries for a block's location."""
    if location is None:
        return None
    # (the fields set only: pydantic fills the others in less time than it validates a None)
    return Where(**{name: value for name, value in zip(Location._fields, location) if value is not None})
