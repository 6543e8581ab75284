"""Where a requirement was read, in the UI language, and the per-section counts of the tender page.

The core gives a `Where` of numbers (page 3, table 2 row 4); the words around them are here, so
the tender page and any page that lists requirements name a place the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from bidkit.model import Requirement, Where
from ui.messages import lang, t


def where_label(where: Where | None, with_file: bool = False) -> str:
    """第3页 / 第12段 / 表2 第4行 / 第15行 (p. 3 / para. 12 / table 2, row 4 / line 15); "" when unknown.

    The file's name leads only when asked: one tender needs no name, requirements appended from
    two tenders do. A table's row names its place better than the paragraph count around it."""
    if where is None:
        return ""
    parts = []
    if with_file and where.file:
        parts.append(PurePath(where.file).name)  # a name, never a server path, whatever a reader gave
    parts += [t(f"where.{kind}", n=n) for kind, n in where.parts()]
    return (", " if lang() == "en" else " ").join(parts)


def several_files(requirements: list[Requirement]) -> bool:
    """Whether the requirements come from more than one file, so each place needs its file's name."""
    return len({r.where.file for r in requirements if r.where and r.where.file}) > 1


@dataclass
class SectionCount:
    section: str
    found: int = 0
    to_check: int = 0  # metric `other`: nothing to compare, a person reads it


def section_counts(requirements: list[Requirement]) -> list[SectionCount]:
    """Rows per section, in the order the sections first appear in the tender."""
    counts: dict[str, SectionCount] = {}
    for r in requirements:
        count = counts.setdefault(r.section, SectionCount(r.section))
        count.found += 1
        count.to_check += r.metric == "other"
    return list(counts.values())
