"""PDF geometry: characters with their boxes -> lines, tables, running heads, paragraphs.

Pure functions on tuples (no pdfium here; bidkit/extract/read_pdf.py reads the characters):

* `group_lines` -- characters -> visual lines, spaces rebuilt from the gaps;
* `find_tables` / `table_rows` / `page_lines` -- ruled tables -> rows of cells;
* `strip_margins` -- running headers/footers and page numbers dropped;
* `merge_split_rows` -- a table row broken by a page break put back together;
* `reflow` -- lines a PDF wrapped inside a paragraph joined again (also across a page break);
* `text_layer_problem` -- why a text layer is unusable (no text, a font without a Unicode map,
  mojibake), so the PDF needs OCR.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import Callable, NamedTuple

# ---------------------------------------------------------------------------------------------
# data


# A character: (text, x0, top, x1, bottom) in top-down page coordinates (0 = top of the page),
# the loose box (font ascent/descent, advance width). A plain tuple: there are ~50k per 100 pages
# and the hot loops index them.
Char = tuple[str, float, float, float, float]


class Line(NamedTuple):
    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    height: float          # the line's font height (median loose box height)
    wide_gap: bool         # a gap wider than ~1.2 characters inside the line (a column break?)
    cells: tuple[str, ...] = ()     # a table row: the cell texts (text is `| a | b |`)
    cols: tuple[float, ...] = ()    # ... and the cell boundaries
    group: int = 0                  # a table row: which ruled table of its page (1-based)

    @property
    def table(self) -> bool:
        return bool(self.cells)


class Rule(NamedTuple):
    """A ruling line: horizontal when y0 == y1 (within tolerance), else vertical."""
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageData:
    number: int                 # 1-based
    width: float
    height: float
    chars: list[Char]
    read_rules: Callable[[], list[Rule]] | None = field(default=None, repr=False)
    _rules: list[Rule] | None = field(default=None, repr=False)

    def rules(self) -> list[Rule]:
        """The ruling lines of the page (table borders). Read from pdfium on the first call, which
        must come while the page is being iterated (reading path objects costs ~1 ms a page, so
        only pages that look tabular ask)."""
        if self._rules is None:
            self._rules = self.read_rules() if self.read_rules else []
            self.read_rules = None
        return self._rules


_THIN = 2.5      # a path thinner than this (pt) is a rule
_LONG = 6.0      # ... if it is at least this long


# ---------------------------------------------------------------------------------------------
# geometry: characters -> lines

_WIDE_GAP = 1.2     # a gap wider than this many font heights may be a column break
_SPACE_GAP = 0.28   # a gap wider than this many font heights is a space


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def group_lines(chars: list[Char]) -> list[Line]:
    """Group characters into visual lines, left to right.

    Characters come in content order, which is nearly always reading order: a run continues
    while the next character sits in the run's vertical band to the right. Runs sharing a band
    (table cells, text drawn out of order) are then merged.
    """
    if not chars:
        return []
    runs: list[list] = []              # [top, bottom, chars, ordered]
    cur: list[Char] = []
    top = bot = last_x = 0.0
    for c in chars:
        mid = (c[2] + c[4]) * 0.5
        if cur and top < mid < bot and c[1] >= last_x - 1.0:
            cur.append(c)
            last_x = c[1]
            continue
        cur = [c]
        top, bot, last_x = c[2], c[4], c[1]
        runs.append([top, bot, cur, True])
    if len(runs) > 1:
        runs.sort(key=lambda r: r[0] + r[1])
        merged = [runs[0]]
        for r in runs[1:]:
            m = merged[-1]
            mid = (r[0] + r[1]) * 0.5
            if m[0] < mid < m[1] and (r[1] - r[0]) < 2.5 * (m[1] - m[0]):
                m[2] = m[2] + r[2]
                m[3] = False
                if r[1] - r[0] > m[1] - m[0]:
                    m[0], m[1] = r[0], r[1]
            else:
                merged.append(r)
        runs = merged
    return [_make_line(r[2]) if r[3] else _make_line(sorted(r[2], key=_X0), True) for r in runs]


_X0, _TOP, _X1, _BOTTOM = (itemgetter(i) for i in range(1, 5))


def _make_line(row: list[Char], merged: bool = False) -> Line:
    """One line from its characters (left to right): spaces where the gaps are, fake-bold
    duplicates dropped. The common case (no gaps) stays in C-level comprehensions."""
    heights = sorted(c[4] - c[2] for c in row[:: max(1, len(row) // 9)])
    h = heights[len(heights) // 2] or 1.0
    texts = [c[0] for c in row]
    space_gap, overlap = _SPACE_GAP * h, -0.5 * h
    gaps = [b[1] - a[3] for a, b in zip(row, row[1:])]
    wide = merged                         # pieces of one line drawn apart: table cells?
    special = [i for i, g in enumerate(gaps) if g > space_gap or g < overlap]
    if special:
        wide_gap = _WIDE_GAP * h
        for i in reversed(special):
            g = gaps[i]
            if g > 0:
                texts[i] += " "
                wide = wide or g > wide_gap
            elif texts[i + 1] == texts[i] and row[i + 1][1] - row[i][1] < 0.3 * h:
                texts[i + 1] = ""          # fake bold: the same glyph drawn twice
    text = "".join(texts)
    if " " in text:
        text = " ".join(text.split())
    return Line(row[0][1], min(map(_TOP, row)), max(map(_X1, row)), max(map(_BOTTOM, row)),
                text, h, wide)


# ---------------------------------------------------------------------------------------------
# geometry: tables from ruling lines

@dataclass
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    rows: list[tuple[float, float]]                 # (top, bottom) of each row band
    cols: list[list[float]]                         # per row: x boundaries of its cells


def _merge_positions(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def find_tables(rules: list[Rule], tol: float = 2.0) -> list[Table]:
    """Tables = connected groups of horizontal and vertical rules with at least 2 of each and
    some row of 2 or more cells. Rows are the bands between horizontal rules; each row's cells
    are cut by the vertical rules crossing it (so merged cells come out as one)."""
    hs = [r for r in rules if r.bottom - r.top < _THIN]
    vs = [r for r in rules if r.x1 - r.x0 < _THIN and r.bottom - r.top >= _THIN]
    if len(hs) < 2 or len(vs) < 2:
        return []
    items = hs + vs
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs, len(hs)):
            if (v.x0 - tol <= h.x1 and h.x0 - tol <= v.x1
                    and v.top - tol <= h.bottom and h.top - tol <= v.bottom):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        groups[find(i)].append(i)
    tables = []
    for members in groups.values():
        gh = [items[i] for i in members if i < len(hs)]
        gv = [items[i] for i in members if i >= len(hs)]
        if len(gh) < 2 or len(gv) < 2:
            continue
        ys = _merge_positions([(r.top + r.bottom) / 2 for r in gh])
        if len(ys) < 2:
            continue
        x0 = min(r.x0 for r in gh + gv)
        x1 = max(r.x1 for r in gh + gv)
        rows, cols = [], []
        for a, b in zip(ys, ys[1:]):
            mid = (a + b) / 2
            xs = _merge_positions([(v.x0 + v.x1) / 2 for v in gv if v.top - tol <= mid <= v.bottom + tol])
            if len(xs) < 2:
                xs = [x0, x1]
            rows.append((a, b))
            cols.append(xs)
        if any(len(xs) > 2 for xs in cols):      # a box around a paragraph is no table
            tables.append(Table(x0, ys[0], x1, ys[-1], rows, cols))
    tables.sort(key=lambda t: t.top)
    return tables


def table_rows(table: Table, chars: list[Char]) -> list[Line]:
    """One `| a | b |` line per table row that holds text; cell text is reflowed into one line."""
    cells: dict[tuple[int, int], list[Char]] = defaultdict(list)
    ys = [a for a, _ in table.rows] + [table.rows[-1][1]]
    for c in chars:
        cy = (c[2] + c[4]) / 2
        r = bisect.bisect_right(ys, cy) - 1
        if not 0 <= r < len(table.rows):
            continue
        xs = table.cols[r]
        k = bisect.bisect_right(xs, (c[1] + c[3]) / 2) - 1
        cells[(r, min(max(k, 0), len(xs) - 2))].append(c)
    out = []
    for r, (top, bottom) in enumerate(table.rows):
        ncols = len(table.cols[r]) - 1
        texts = [_cell_text(cells.get((r, k), [])) for k in range(ncols)]
        if not any(texts):
            continue
        c = next(cs for cs in (cells.get((r, k)) for k in range(ncols)) if cs)[0]
        out.append(Line(table.cols[r][0], top, table.cols[r][-1], bottom, _row_text(texts),
                        c[4] - c[2], False, tuple(texts), tuple(table.cols[r])))
    return out


def _row_text(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _cell_text(chars: list[Char]) -> str:
    if not chars:
        return ""
    text = ""
    for line in group_lines(chars):
        t = line.text.replace("|", "｜")
        text = _join(text, t, new_item=bool(text) and bool(_ITEM_RE.match(t)))
    return text


def _join(a: str, b: str, new_item: bool = False) -> str:
    if not a:
        return b
    if new_item or (a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()):
        return a + " " + b
    return a + b


# ---------------------------------------------------------------------------------------------
# geometry: one page -> lines (tables as rows)

def page_lines(page: PageData, look_for_tables: bool = False) -> list[Line]:
    """The page's lines top to bottom; table rows become `| a | b |` lines. Rules are only read
    for pages whose text has column gaps or when asked (reading path objects costs time)."""
    lines: list[Line] | None = None     # asked to look: a page with tables is grouped around them
    if not look_for_tables:
        lines = group_lines(page.chars)
        if not any(ln.wide_gap for ln in lines):
            return lines
    tables = find_tables(page.rules())
    if not tables:
        return lines if lines is not None else group_lines(page.chars)
    rest = page.chars
    rows: list[Line] = []
    for k, t in enumerate(tables, 1):
        inside, outside = [], []
        for c in rest:
            cx, cy = (c[1] + c[3]) / 2, (c[2] + c[4]) / 2
            (inside if t.x0 - 1 <= cx <= t.x1 + 1 and t.top - 1 <= cy <= t.bottom + 1
             else outside).append(c)
        rows += [row._replace(group=k) for row in table_rows(t, inside)]
        rest = outside
    return sorted(group_lines(rest) + rows, key=lambda ln: ln.top)


# ---------------------------------------------------------------------------------------------
# geometry: running headers and footers

_PAGE_NO_RE = re.compile(
    r"^[\s\-—–_·•.()（）第页共/|]*(?:[\d]+|[ivxlcIVXLC]+)(?:\s*[/／]\s*\d+)?[\s\-—–_·•.()（）页共第/|\d]*$"
    r"|^(?:page|Page|PAGE)\s*\d+(?:\s*(?:of|/)\s*\d+)?$")
_MARGIN = 0.14      # lines in the outer 14% of the page height may be running heads


def _edge_block(lines: list[Line], order: list[int], top: bool, limit: float, depth: int) -> list[int]:
    """The lines at one end of the page that are set apart from the body: at most `depth`, all
    inside the margin band (`limit`), followed by a clear gap (more than a line height)."""
    block = []
    for j, i in enumerate(order[:depth]):
        ln = lines[i]
        if (ln.bottom > limit) if top else (ln.top < limit):
            return []
        block.append(i)
        if j + 1 == len(order):
            return block
        nxt = lines[order[j + 1]]
        gap = nxt.top - ln.bottom if top else ln.top - nxt.bottom
        if gap > 1.0 * max(ln.height, nxt.height):
            return block
    return []


def strip_margins(pages: list[tuple[PageData, list[Line]]], repeat_share: float = 0.3,
                  depth: int = 2) -> list[list[Line]]:
    """Drop page numbers and running heads: lines repeated at the same top/bottom place.

    Candidates are the (up to `depth`) lines at each end of a page that lie in the outer margin
    band and are set apart from the body by a gap. A candidate goes if it looks like a page
    number (第 3 页 共 9 页, - 3 -, — 3 —, 3/99, iii), or if its text with digits masked recurs at
    about the same height on at least `repeat_share` of the pages (and on 3 or more). The
    outermost line also goes, gap or not, if it is a page number.
    """
    def key(ln: Line, end: str) -> tuple[str, str, int]:
        masked = re.sub(r"\d+", "#", re.sub(r"\s+", "", ln.text))
        y = ln.top if end == "top" else ln.bottom
        return (end, masked, round(y / 8))

    candidates: list[list[tuple[int, tuple]]] = []
    counts: Counter = Counter()
    for page, lines in pages:
        body = [i for i, ln in enumerate(lines) if not ln.table]
        cands = []
        seen = set()
        for end, idxs in (
                ("top", _edge_block(lines, body, True, page.height * _MARGIN, depth)),
                ("bottom", _edge_block(lines, body[::-1], False, page.height * (1 - _MARGIN), depth))):
            for i in idxs:
                k = key(lines[i], end)
                cands.append((i, k))
                for dy in (-1, 0, 1):              # tolerate rounding at a bucket edge
                    kk = (k[0], k[1], k[2] + dy)
                    if kk not in seen:
                        seen.add(kk)
                        counts[kk] += 1
        for i in body[:1] + body[-1:]:
            ln = lines[i]
            if ln.bottom < page.height * _MARGIN or ln.top > page.height * (1 - _MARGIN):
                cands.append((i, None))
        candidates.append(cands)
    need = max(3, repeat_share * len(pages))
    out = []
    for (page, lines), cands in zip(pages, candidates):
        drop = {i for i, k in cands
                if _PAGE_NO_RE.match(lines[i].text.strip()) or (k is not None and counts[k] >= need)}
        out.append([ln for i, ln in enumerate(lines) if i not in drop])
    return out


# ---------------------------------------------------------------------------------------------
# geometry: joining wrapped lines

_CN = "一二三四五六七八九十百零〇"
_ITEM_RE = re.compile(
    rf"\s*(?:第[{_CN}\d]+[章节条篇部]|[{_CN}]{{1,3}}\s*[、.．]|[(（]\s*[{_CN}\d]{{1,3}}\s*[)）]"
    r"|\d{1,3}(?:\.\d{1,3})*\s*[、.．](?!\d)|\d{1,2}(?:\.\d{1,2}){1,4}(?![\d%])|\d{1,2}\s*[)）]"
    r"|[①-⑳⑴-⒇ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[★☆▲△◆◇■□●○※•√]|[A-Za-z][.、)）]|附\s*[件表录]|注\s*[:：\d]|\|)")
_SENTENCE_END = "。！？!?；;"
_BARE_LABEL_RE = re.compile(rf"\s*(?:\d{{1,2}}(?:\.\d{{1,2}})*\.?|[(（]\s*[{_CN}\d]{{1,3}}\s*[)）]|[{_CN}]{{1,3}}、)\s*$")


def _right_edges(pages: list[tuple[PageData, list[Line]]]) -> dict[int, float]:
    """The text column's right edge per page width: a common line end (2pt bins) among lines of
    8 or more characters -- the rightmost of those at least half as common as the most common
    one (a heading repeated on every page may end as often as the full lines do)."""
    bins: dict[int, Counter] = defaultdict(Counter)
    for page, lines in pages:
        for ln in lines:
            if not ln.table and len(ln.text) >= 8:
                bins[round(page.width)][round(ln.x1 / 2)] += 1
    edges = {}
    for w, c in bins.items():
        smooth = {b: c[b] + c.get(b - 1, 0) + c.get(b + 1, 0) for b in c}
        top = max(smooth.values())
        edge = max(b for b, n in smooth.items() if n >= 0.5 * top)
        while smooth.get(edge - 1, 0) >= smooth[edge]:      # to the peak it is the shoulder of
            edge -= 1
        edges[w] = edge * 2 + 2
    return edges


def _left_edges(pages: list[tuple[PageData, list[Line]]]) -> dict[int, float]:
    bins: dict[int, Counter] = defaultdict(Counter)
    for page, lines in pages:
        for ln in lines:
            if not ln.table:
                bins[round(page.width)][round(ln.x0 / 2)] += 1
    return {w: max(c, key=lambda b: c[b] + c.get(b - 1, 0) + c.get(b + 1, 0)) * 2 - 2
            for w, c in bins.items()}


def _line_pitch(pages: list[tuple[PageData, list[Line]]]) -> float:
    """The most common distance between the tops of consecutive body lines (the line spacing:
    single-spaced text is ~1.2 font heights apart, double-spaced ~2)."""
    c: Counter = Counter()
    for _, lines in pages:
        for a, b in zip(lines, lines[1:]):
            d = b.top - a.top
            if not a.table and not b.table and 0.9 * a.height < d < 3 * a.height:
                c[round(d)] += 1
    return max(c, key=lambda d: c[d] + c.get(d - 1, 0) + c.get(d + 1, 0)) if c else 0.0


def reflow(pages: list[tuple[PageData, list[Line]]]) -> list[tuple[int, str, Line]]:
    """Join lines that a PDF wrapped inside a paragraph (also across a page break): (page number
    of its first line, text, first line) per paragraph or table row.

    A line continues the previous one when the previous one ran to the text column's right edge
    (a paragraph's last line ends short of it), did not end a sentence, and the new line is not
    an item (1. 2、 （一） ★ ...), not indented, close below, and in the same font size.
    """
    rights, lefts = _right_edges(pages), _left_edges(pages)
    pitch = _line_pitch(pages) * 1.2
    out: list[tuple[int, str, Line]] = []
    prev: Line | None = None
    prev_page = None
    for page, lines in pages:
        right = rights.get(round(page.width), page.width)
        left = lefts.get(round(page.width), 0.0)
        for ln in lines:
            text = ln.text.strip()
            if not text:
                continue
            if prev is not None and not ln.table and not prev.table and out:
                h = prev.height
                if (prev_page is page and _BARE_LABEL_RE.match(prev.text) and not _ITEM_RE.match(text)
                        and 0 <= ln.top - prev.bottom < 1.5 * h):
                    num, joined, first = out[-1]
                    out[-1] = (num, joined + " " + text, first)     # "4.4" alone above its text
                    prev, prev_page = ln, page
                    continue
                full = prev.x1 >= right - (2.2 if _is_alnum(prev.text[-1]) else 1.3) * h
                if prev_page is page:
                    close = 0 <= ln.top - prev.bottom < 0.9 * h or 0 < ln.top - prev.top <= pitch
                else:
                    close = page.number == prev_page.number + 1
                if (full and close and prev.text[-1] not in _SENTENCE_END
                        and abs(ln.height - h) < 0.25 * h
                        and ln.x0 < left + 1.2 * h
                        and not _ITEM_RE.match(text) and not prev.wide_gap and not ln.wide_gap):
                    num, joined, first = out[-1]
                    out[-1] = (num, _join(joined, text), first)
                    prev = ln
                    prev_page = page
                    continue
            out.append((page.number, text, ln))
            prev = ln
            prev_page = page
    return out


# ---------------------------------------------------------------------------------------------
# geometry: table rows broken by a page break

def merge_split_rows(pages: list[tuple[PageData, list[Line]]]) -> None:
    """A table row broken by a page break: the next page starts with a row of the same columns
    whose first cell (the 序号) is empty -> its cells are appended to the previous page's last
    row. In place."""
    for (_, prev), (_, cur) in zip(pages, pages[1:]):
        if not prev or not cur or not prev[-1].table or not cur[0].table:
            continue
        a, b = prev[-1], cur[0]
        if (len(a.cells) != len(b.cells) or b.cells[0] or len(a.cells) < 2
                or any(abs(x - y) > 3 for x, y in zip(a.cols, b.cols))):
            continue
        cells = tuple(_join(x, y) if y else x for x, y in zip(a.cells, b.cells))
        prev[-1] = a._replace(cells=cells, text=_row_text(cells))
        del cur[0]


# ---------------------------------------------------------------------------------------------
# garbage text layer

def _char_class(ch: str) -> str:
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return "cjk"
    if 0x21 <= o <= 0x7E:
        return "ascii"
    if (0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF65 or 0x2000 <= o <= 0x206F
            or 0x2100 <= o <= 0x27BF or 0x2E80 <= o <= 0x2FDF or 0x3200 <= o <= 0x33FF
            or 0xA1 <= o <= 0xBF or o in (0xD7, 0xF7) or 0x391 <= o <= 0x3C9 or 0xFE30 <= o <= 0xFE4F):
        return "punct"     # CJK/full-width punctuation, ①, ★, →, ℃, ±, ×, Greek
    return "bad"           # control, private use, U+FFFD, Latin-1 letters (mojibake), other scripts


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """The frequent hanzi: GB2312 level 1 (simplified) and Big5 level 1 (traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        chars.update(bytes((lead, trail)).decode("gb2312", "ignore") for trail in range(0xA1, 0xFF))
    for lead in range(0xA4, 0xC7):
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            chars.add(bytes((lead, trail)).decode("big5", "ignore"))
    chars.discard("")
    return frozenset(chars)


def text_layer_stats(text: str, sample: int = 5000) -> dict:
    """Shares of character classes among the non-space characters (an even sample of them), and
    the share of common hanzi among the CJK ones."""
    chars = text.split()
    chars = "".join(chars)
    if len(chars) > sample:
        step = len(chars) / sample
        chars = "".join(chars[int(i * step)] for i in range(sample))
    n = len(chars)
    if not n:
        return {"chars": 0, "good": 0.0, "cjk": 0.0, "common_cjk": 0.0}
    classes = [_char_class(c) for c in chars]
    cjk = [c for c, k in zip(chars, classes) if k == "cjk"]
    common = _common_hanzi()
    return {"chars": n, "good": 1 - classes.count("bad") / n, "cjk": len(cjk) / n,
            "common_cjk": sum(c in common for c in cjk) / len(cjk) if cjk else 1.0}


NO_TEXT_LAYER = "the PDF has no text layer (a scanned document?); it needs OCR first"
UNMAPPED_FONT = "the PDF's text layer is unreadable (a font without a Unicode map); it needs OCR first"
MOJIBAKE = ("the PDF's text layer is unreadable (garbled characters: mostly rare hanzi); "
            "it needs OCR first")


def text_layer_problem(text: str, min_good: float = 0.8, min_common: float = 0.6) -> str | None:
    """Why the text layer is unusable (so the PDF needs OCR), or None if it is fine.

    No text at all (a scan); or private-use / control / mojibake characters (a font without a
    ToUnicode map) making up more than 1 - `min_good` of it; or hanzi that are mostly rare ones
    (GBK/UTF-8 mojibake is made of rare hanzi, real Chinese, simplified or traditional, of
    common ones).
    """
    s = text_layer_stats(text)
    if not s["chars"]:
        return NO_TEXT_LAYER
    if s["good"] < min_good:
        return UNMAPPED_FONT
    if s["cjk"] > 0.3 and s["common_cjk"] < min_common:
        return MOJIBAKE
    return None
