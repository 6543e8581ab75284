"""The analyses of a tender's distinct blocks (`clauses.requirements_of`), in the order the walk
meets them; made by a companion process alongside the walk on a long tender (see
`workers.Companion`)."""
from __future__ import annotations

from typing import Iterator

from bidkit.extract.clauses import requirements_of
from bidkit.extract.outline import heading_place, section_title
from bidkit.workers import Companion


class Analyses:
    """A tender repeats its lines (every lot's clauses, running headers): each distinct block
    content, with what the outline says of it, is analysed once."""

    def __init__(self, companion: bool) -> None:
        self._index: dict[tuple, int] = {}
        self._work = Companion(_analysis, start=companion)

    def add(self, key: tuple, norm: str, heading: bool) -> int:
        """The index of the analysis of `key` (the arguments of requirements_of but the content's
        normalised text `norm`, which its raw text decides). A `heading`'s analysis also reads
        what its text names (outline.heading_place, outline.section_title): the outline asks it
        of every heading above a requirement, and it is done here alongside the walk."""
        # (`heading` is no part of the key: a text read first as a line and later as a heading
        # has its place and section title read when the outline first asks, as any would.)
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self._index)
            self._work.feed(((key[0], norm) + key[1:], heading))
        return i

    def results(self) -> list:
        """Every analysis, by index: (requirements, hints, (place, section title) of a heading
        or None); see `clauses.requirements_of`."""
        return self._work.results()

    def headings(self, results: list) -> Iterator[tuple[str, str, str]]:
        """(text, place, section title) of the headings among the analysed blocks."""
        for (args, _heading), (_reqs, _hints, named) in zip(self._work.items, results):
            if named is not None:
                yield args[1], named[0], named[1]

    def __enter__(self) -> Analyses:
        return self

    def __exit__(self, *exc) -> None:
        self._work.__exit__(*exc)


def _analysis(item: tuple) -> tuple:
    args, heading = item
    norm = args[1]
    return requirements_of(*args) + (((heading_place(norm), section_title(norm)) if heading else None),)
