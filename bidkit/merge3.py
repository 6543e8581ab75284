"""Three-way merge of a clause's text: my edit of a version (base) redone on top of the version
someone else saved meanwhile (theirs), so that neither change is lost.

Both edits are diffed against the base character by character (diff.text_changes, which Chinese
needs: it has no spaces to split words at) and turned into hunks at base positions. Hunks of the
two sides that do not touch are both applied; where they touch, the same change made twice is
taken once, and different changes are a conflict, widened to whole lines so that the reader sees
each side's sentence rather than a few characters of it.
"""
from __future__ import annotations

from dataclasses import dataclass

from bidkit.diff import text_changes

# git's markers: reviewers who meet them elsewhere recognise them, and a text still holding one
# has a conflict nobody resolved (has_markers)
MARK_MINE, MARK_SPLIT, MARK_END = "<<<<<<<", "=======", ">>>>>>>"


@dataclass(frozen=True)
class Hunk:
    """`base[start:end]` replaced by `text` on one side (an insertion when start == end)."""

    start: int
    end: int
    text: str
    mine: bool


@dataclass(frozen=True)
class Conflict:
    """One place both sides changed differently: the base's lines there and what each made of them."""

    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class Merge:
    """The merged text as pieces: plain text, and a Conflict wherever both sides touched."""

    pieces: tuple[str | Conflict, ...]

    @property
    def conflicts(self) -> list[Conflict]:
        return [p for p in self.pieces if isinstance(p, Conflict)]

    def marked(self, mine_label: str, theirs_label: str) -> str:
        """The text with each conflict between markers, mine first, for the writer to resolve."""
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, Conflict):
                # markers on lines of their own, adding no blank line (which would start a paragraph)
                lead = "\n" if out and not out[-1].endswith("\n") else ""
                out.append(f"{lead}{MARK_MINE} {mine_label}\n{piece.mine}\n{MARK_SPLIT} {theirs_label}\n"
                           f"{piece.theirs}\n{MARK_END}")
            else:
                out.append(piece if not out or piece.startswith("\n") or not out[-1].endswith(MARK_END)
                           else "\n" + piece)
        return "".join(out)


def has_markers(text: str) -> bool:
    """True while a text holds a conflict marker a merge put there."""
    return any(line.startswith((MARK_MINE, MARK_END)) for line in text.splitlines())


def _hunks(base: str, other: str, mine: bool) -> list[Hunk]:
    hunks, pos, start, text = [], 0, None, []
    for change in text_changes(base, other) + [None]:
        if change is None or change.op == "equal":
            if start is not None:
                hunks.append(Hunk(start, pos, "".join(text), mine))
                start, text = None, []
            if change is not None:
                pos += len(change.text)
            continue
        if start is None:
            start = pos
        if change.op == "delete":
            pos += len(change.text)
        else:
            text.append(change.text)
    return hunks


def _touch(a: Hunk, b: Hunk) -> bool:
    """Overlapping ranges, two insertions at one place, or an insertion inside the other's range."""
    return max(a.start, b.start) < min(a.end, b.end) or a.start == b.start or \
        (a.start == a.end and b.start < a.start < b.end) or (b.start == b.end and a.start < b.start < a.end)


def _apply(base: str, start: int, end: int, hunks: list[Hunk]) -> str:
    """`base[start:end]` with `hunks` (inside that range, of one side, in order) applied."""
    out, pos = [], start
    for hunk in hunks:
        out += [base[pos:hunk.start], hunk.text]
        pos = hunk.end
    return "".join(out) + base[pos:end]


def _line_bounds(base: str, start: int, end: int) -> tuple[int, int]:
    line_start = base.rfind("\n", 0, start) + 1
    line_end = base.find("\n", end)
    return line_start, len(base) if line_end < 0 else line_end


def merge3(base: str, mine: str, theirs: str) -> Merge:
    """`mine` and `theirs`, both edits of `base`, merged; see the module's docstring."""
    hunks = sorted(_hunks(base, mine, True) + _hunks(base, theirs, False), key=lambda h: (h.start, h.end))
    pieces: list[str | Conflict] = []
    pos, i = 0, 0
    while i < len(hunks):
        group, start, end = [hunks[i]], hunks[i].start, hunks[i].end
        i += 1
        while True:
            while i < len(hunks) and (hunks[i].start < end or any(_touch(hunks[i], h) for h in group)):
                group.append(hunks[i])
                end = max(end, hunks[i].end)
                i += 1
            both = len({h.mine for h in group}) == 2
            mine_text = _apply(base, start, end, [h for h in group if h.mine])
            theirs_text = _apply(base, start, end, [h for h in group if not h.mine])
            if not both or mine_text == theirs_text:
                break
            # a conflict: widen it to whole lines (never back over what is already merged), taking
            # in what else changed on them
            wide_start, wide_end = _line_bounds(base, start, end)
            wide_start = max(wide_start, pos)
            if (wide_start, wide_end) == (start, end):
                break
            start, end = wide_start, wide_end
        pieces.append(base[pos:start])
        pieces.append(Conflict(base[start:end], mine_text, theirs_text) if both and mine_text != theirs_text
                      else _apply(base, start, end, group) if not both else mine_text)
        pos = end
    pieces.append(base[pos:])
    return Merge(tuple(p for p in pieces if p != ""))
