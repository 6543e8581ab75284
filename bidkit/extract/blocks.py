"""Text and tables -> blocks: the units of a tender in document order.

A plain or markdown text gives a block a line; table lines (| a | b | or tab-separated) are
grouped into row blocks, whose ★ / 实质性 column and scoring header (评分) are read here.
"""
from __future__ import annotations

import collections
import re
from typing import Iterable, Iterator, NamedTuple

from bidkit.extract.marks import LEGEND_RE
from bidkit.extract.normalise import clean, normalise
from bidkit.extract.outline import BARE_LABEL_RE, NUMBERING_RE, is_page_number
from bidkit.extract.sentences import SENTENCE_RE
from bidkit.extract.location import Location
from bidkit.quantity import find_quantities


class Block(NamedTuple):
    """One unit of a tender in document order: a line or paragraph, a heading, or a table row.

    `level` is a Word heading level (1-9) or a markdown heading level; `mandatory` marks a
    table row flagged in a ★ / 实质性 column; `scoring` a row of a scoring table (评分标准).
    `label` is a table row's number (序号), used in its ref; `where` the block's place in
    its file (page, paragraph, table/row, line), the evidence every requirement carries.

    A named tuple: a tender has tens of thousands of blocks, and a tuple is made in a third of
    a frozen dataclass's time.
    """

    text: str
    kind: str = "line"  # "line" | "heading" | "row" | "header"
    level: int | None = None
    mandatory: bool = False
    scoring: bool = False
    label: str = ""
    where: Location | None = None


# A line, paragraph or row longer than this has lost its line breaks (a tender saved as one line,
# a document in one paragraph): it is read sentence by sentence, as if broken at each sentence's
# end, so that no rule ever looks at more than a sentence and the work grows with the length.
MAX_BLOCK_CHARS = 5_000
# A sentence of such a block longer than this is cut at its last comma, colon, 、 or cell before
# the limit, else at the limit.
MAX_PIECE_CHARS = 500
_PIECE_CUTS = "，,：:、|"


def bounded(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks, each one longer than MAX_BLOCK_CHARS cut into its sentences (each a block
    of the same kind and place)."""
    for block in blocks:
        if len(block.text) <= MAX_BLOCK_CHARS:
            yield block
            continue
        for piece in _pieces(block.text):
            yield block._replace(text=piece)


def _pieces(text: str) -> Iterator[str]:
    for sentence in SENTENCE_RE.finditer(text):
        start, end = sentence.span()
        while end - start > MAX_PIECE_CHARS:
            cut = max(text.rfind(ch, start + 1, start + MAX_PIECE_CHARS) for ch in _PIECE_CUTS) + 1
            cut = cut if cut > start + 1 else start + MAX_PIECE_CHARS
            yield text[start:cut]
            start = cut
        yield text[start:end]


_MD_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _split_row(line: str) -> list[str] | None:
    """The cells of a markdown (| a | b |) or tab-separated table line, else None."""
    if "|" not in line and "\t" not in line:
        return None  # (most lines: two C-level scans, no copy)
    stripped = line.strip()
    if stripped.count("|") >= 2 and stripped.startswith("|"):
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    if stripped.count("\t") >= 2:  # tabs inside the text, not indentation
        return [c.strip() for c in stripped.split("\t")]
    return None


def text_blocks(lines: Iterable[str], file: str = "") -> list[Block]:
    """Blocks of a plain or markdown text: a line each (lines that a PDF or a copy wrapped are
    joined back), table lines grouped into rows; each block knows the line it starts on."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    table_where: list[Location] = []
    cleaned: dict[str, str] = {}  # a tender repeats lines (every lot's clauses): clean each once
    for number, line in unwrapped(lines):
        cells = _split_row(line)
        if cells is not None:
            if not _MD_RULE_RE.match(line):
                table.append(cells)
                table_where.append(_line_location(file, number))
            continue
        if table:
            blocks.extend(table_blocks(table, table_where))
            table, table_where = [], []
        text = cleaned.get(line)
        if text is None:
            text = cleaned[line] = clean(line)
        blocks.append(_make_block((text, "line", None, False, False, "", _line_location(file, number))))
    if table:
        blocks.extend(table_blocks(table, table_where))
    return blocks


# A text has a block and a location a line: `_make` is tuple.__new__, in C, where a named tuple's
# own constructor is a Python function that takes three times as long (1 µs), keywords and all.
_make_block = Block._make


def _line_location(file: str, number: int) -> Location:
    return _make_location((file, None, None, None, None, None, number))


_make_location = Location._make


_SENTENCE_END = "。；;：:！!？?"
# "1小" / "时内送到": a line that stops inside a quantity continues, however short it is.
_NUMBER_CUT_RE = re.compile(r"[0-9一二三四五六七八九十两半]\s*(?:个|小|分|工作|工)?$")
_UNIT_REST_RE = re.compile(r"(?:个|小时|时|分钟|钟|工作日|作日|日|天|月|年|周|人|名)")
_ITEM_START = "★▲☆|#*＊"


def unwrapped(lines: Iterable[str]) -> list[tuple[int, str]]:
    """(line number, text) of the non-empty lines, a wrapped line joined to the one it continues.

    Text copied from a PDF breaks lines inside sentences and numbers ("48 小\n时内到达"). A line
    continues the previous one when that one is about as long as the text's long lines (it ran
    to the margin) and ended no sentence, and the new one starts no item (1. 、★, a table row).

    A paragraph joined from many lines is kept as its pieces, with what the rules ask of it
    (length, brackets left open, a | or tab, its end) counted as they come: joining a thousand
    lines costs a thousand steps, not a thousand copies of the paragraph.
    """
    numbered: list = []
    pages = []  # where the page numbers stood among the numbered lines
    for n, ln in enumerate(lines, 1):
        text = ln.strip()
        if not text:
            continue
        if is_page_number(ln):
            pages.append(len(numbered))
        else:
            numbered.append((n, text))
    if pages:
        running = _running_lines(numbered, pages)
        if running:
            numbered = [(n, text) for n, text in numbered if text not in running]
    if not numbered:
        return []
    width = sorted(len(t) for _, t in numbered)[int(len(numbered) * 0.9)]
    long_line = 0.75 * width
    out: list[tuple[int, str]] = []
    out_number = 0              # the line the paragraph being joined starts on
    parts: list[str] = []       # the paragraph being joined
    size = opened = 0           # its length, its brackets left open
    cells = labelish = False    # whether it holds a | or tab; whether every piece reads as a label
    tail = ""                   # its last piece, with the character before it (see _NUMBER_CUT_RE)
    for number, text in numbered:
        if parts:
            # (only a labelish paragraph can be a bare label: most lines skip the regex)
            bare = BARE_LABEL_RE.match(parts[0] if len(parts) == 1 else "".join(parts)) if labelish else None
            if (not cells and "\t" not in text and tail[-1] not in _SENTENCE_END
                    and (size >= long_line or bare or opened > 0
                         or (_NUMBER_CUT_RE.search(tail) and _UNIT_REST_RE.match(text)))
                    and not (text[0] in _ITEM_START or NUMBERING_RE.match(normalise(text)))):
                sep = " " if bare else ""
                tail = parts[-1][-1] + sep + text
                if sep:
                    parts.append(sep)
                parts.append(text)
                size += len(sep) + len(text)
                opened += _bracket_balance(text)
                labelish = labelish and _labelish(text)
                cells = "|" in text
                continue
            out.append((out_number, "".join(parts)))
        out_number, parts, size, tail = number, [text], len(text), text
        opened = _bracket_balance(text)
        cells = "|" in text or "\t" in text
        labelish = _labelish(text)
    out.append((out_number, "".join(parts)))
    return out


# A PDF's running header or footer (the project's name, 招标文件) copied with its pages: a name (short,
# no sentence, no item number) met right before or after a page's number at least this many times,
# and there at least half the times it is met.
_RUNNING_MIN = 3
_RUNNING_MAX_CHARS = 40
_SENTENCE_MARKS_RE = re.compile(r"[。；;，,]")


def _running_lines(numbered: list[tuple[int, str]], pages: list[int]) -> set[str]:
    """The texts of `numbered` that are running headers or footers: `pages` are where page numbers
    stood (the index in `numbered` of the line after each)."""
    beside: collections.Counter = collections.Counter()
    for at in pages:
        beside.update({text for _n, text in numbered[max(0, at - 1):at + 1] if _reads_as_a_name(text)})
    candidates = {text for text, count in beside.items() if count >= _RUNNING_MIN}
    if not candidates:
        return set()
    met = collections.Counter([text for _n, text in numbered if text in candidates])
    return {text for text in candidates if 2 * beside[text] >= met[text]}


def _reads_as_a_name(text: str) -> bool:
    return (len(text) <= _RUNNING_MAX_CHARS and not _SENTENCE_MARKS_RE.search(text)
            and not NUMBERING_RE.match(normalise(text)))


def _bracket_balance(text: str) -> int:
    """分局：19人（工程经理1人、… : a bracket left open (above 0) continues on the next line."""
    return text.count("（") + text.count("(") - text.count("）") - text.count(")")


# The characters a bare label (BARE_LABEL_RE) is made of: only a paragraph of these can be one.
_LABELISH_CHARS = ".()（）一二三四五六七八九十、"
_LABELISH_RE = re.compile(r"[\s\d.()（）一二三四五六七八九十、]*")


def _labelish(text: str) -> bool:
    # A stripped line's first character turns down most lines before the regex is tried (\d is
    # any decimal digit, full-width ones too).
    first = text[0]
    return (first in _LABELISH_CHARS or first.isdecimal()) and _LABELISH_RE.fullmatch(text) is not None


_HEADER_WORD_RE = re.compile(r"序号|编号|条款|项目|内容|要求|参数|指标|评分|分值|得分|标准|说明|名称|备注|响应|偏离|★|实质性")
_STAR_COLUMN_RE = re.compile(r"^(★|☆|\*|★号|是否★|标★)$|实质性|是否为?★")
_SCORING_HEADER_RE = re.compile(r"评分|分值|得分|评审因素|评价标准")
_YES_RE = re.compile(r"^(★|☆|是|√|✓|✔|Y|y|yes|Yes|实质性)$")
_ROW_LABEL_RE = re.compile(r"^[(（]?\d{1,3}(?:\.\d{1,2})*[)）.．、]?$|^[一二三四五六七八九十]{1,3}$")


def table_blocks(rows: list[list[str]], wheres: list[Location] | list[None] | None = None) -> list[Block]:
    """Blocks of one table: the header (when there is one), then a row block per row.

    A header cell such as ★ or 实质性要求 names a column whose mark (★, 是) makes its row
    mandatory; a ★ in any cell does too. A scoring header (评分, 分值) marks scoring rows.
    `wheres` are the rows' places in the file, in the same order.
    """
    placed = [(r, w) for r, w in zip(rows, wheres or [None] * len(rows)) if any(c.strip() for c in r)]
    if not placed:
        return []
    rows = [[clean(c) for c in r] for r, _ in placed]
    where_of = {id(r): w for r, (_, w) in zip(rows, placed)}
    first = rows[0]
    has_header = (all(len(c) <= 16 for c in first) and not any(find_quantities(c) for c in first)
                  and any(_HEADER_WORD_RE.search(c) for c in first))
    header = first if has_header else []
    star_cols = {i for i, c in enumerate(header) if _STAR_COLUMN_RE.search(c.strip())}
    scoring = any(_SCORING_HEADER_RE.search(c) for c in header)
    out: list[Block] = []
    if has_header:
        out.append(Block(" | ".join(header), kind="header", where=where_of[id(rows[0])]))
    for row in rows[1:] if has_header else rows:
        marked = any(i < len(row) and (_YES_RE.match(row[i].strip()) or "★" in row[i]) for i in star_cols)
        cells = [c for i, c in enumerate(row) if i not in star_cols and c.strip()]
        star = marked or any("★" in c and not LEGEND_RE.search(c) for c in cells)
        lead = cells[0].strip().lstrip("★☆▲ ") if cells else ""
        label = lead if _ROW_LABEL_RE.match(lead) else ""
        if label:
            cells = cells[1:]
        out.append(Block(" | ".join(cells), kind="row", mandatory=star, scoring=scoring,
                         label=label.strip("(（)）.．、"), where=where_of[id(row)]))
    return out
