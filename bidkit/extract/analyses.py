"""The analyses of a tender's distinct blocks (`clauses.requirements_of`), in the order the walk
meets them; made by a companion process alongside the walk on a long tender (see
`workers.Companion`)."""
from __future__ import annotations

from bidkit.extract.clauses import requirements_of
from bidkit.workers import Companion


class Analyses:
    """A tender repeats its lines (every lot's clauses, running headers): each distinct block
    content, with what the outline says of it, is analysed once."""

    def __init__(self, companion: bool) -> None:
        self._index: dict[tuple, int] = {}
        self._work = Companion(_analysis, start=companion)

    def add(self, key: tuple, norm: str) -> int:
        """The index of the analysis of `key` (the arguments of requirements_of but the content's
        normalised text `norm`, which its raw text decides)."""
        i = self._index.get(key)
        if i is None:
            i = self._index[key] = len(self._index)
            self._work.feed((key[0], norm) + key[1:])
        return i

    def results(self) -> list:
        """Every analysis, by index."""
        return self._work.results()

    def __enter__(self) -> Analyses:
        return self

    def __exit__(self, *exc) -> None:
        self._work.__exit__(*exc)


def _analysis(args: tuple):
    return requirements_of(*args)
