"""Walk the blocks in document order, keeping the outline, and analyse each line and row; the
entry points that take a text or a file."""
from __future__ import annotations

import contextlib
import gc
import os
import re
from typing import Iterable, Iterator, NamedTuple

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, bounded, text_blocks
from bidkit.extract.location import Location
from bidkit.extract.analyses import Analyses
from bidkit.extract.marks import SCOPE_FORWARD_RE, mandatory_marks, mark_back
from bidkit.extract.merge import Found, merge, place
from bidkit.extract.normalise import normalise
from bidkit.extract.legend import read_legend, substantive_sections
from bidkit.extract.outline import (
    ITEM_STYLES, MARKS_RE, MD_HEADING_RE, TITLE_RE, VERB_RE, Node, Outline, is_title, item_number, not_headings)
from bidkit.extract.places import (
    AFTER_SALES, BOILERPLATE, DELIVERY, DEMANDS, NEUTRAL, classify, is_after_sales_demand,
    no_demand_on_the_bidder, speaks_of_after_sales, title_of)
from bidkit.extract.read import read_tender
from bidkit.extract.scoring import awards_points
from bidkit.extract.vocabulary import DIGIT_RE
from bidkit.model import Requirement


def tender_text_blocks(text: object) -> list[Block]:
    """The blocks of a tender given as text (tables as | or tab separated lines)."""
    if not isinstance(text, str):
        raise ExtractError("the tender text must be a string")
    return text_blocks(text.splitlines())


def extract_text(text: object) -> list[Requirement]:
    """The requirements of a tender given as text (tables as | or tab separated lines)."""
    with collector_paused():
        return extract_blocks(tender_text_blocks(text))


def extract_file(path: str | os.PathLike) -> list[Requirement]:
    """The requirements of a .txt / .md / .docx / .pdf tender file."""
    with collector_paused():
        return extract_blocks(read_tender(path))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a tender is read: reading allocates hundreds of
    thousands of small tuples (a PDF's character boxes, keywords, candidates) that live until
    the end, and the collector would walk them again and again (10-15% of the time). What little
    cyclic garbage reading makes is collected once the collector runs again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def requirements_json(reqs: Iterable[Requirement]) -> dict:
    """{"requirements": [...]} as `bidkit extract --format json` prints it; scoring, where and
    section only when set."""
    out = []
    for r in reqs:
        row: dict[str, object] = {"metric": r.metric, "op": r.op, "value": r.value, "unit": r.unit,
               "mandatory": r.mandatory, "text": r.text, "ref": r.ref}
        if r.scoring is not None:
            row["scoring"] = r.scoring
        if r.where is not None:  # only the fields the format has: {"file": "a.pdf", "page": 3}
            row["where"] = r.where.model_dump(exclude_defaults=True)
        if r.section:
            row["section"] = r.section
        out.append(row)
    return {"requirements": out}


def extract_blocks(blocks: Iterable[Block]) -> list[Requirement]:
    """Read the legends of the marks (★, ▲…) first, wherever they stand; then walk the blocks
    in order, keeping the outline and the place each stands in, and collect the requirements.

    The walk notes, for each block, its analysis (what its text yields, see `_analysis_index`)
    and where it stands; the analyses are made alongside, by a companion process on a long
    tender (they are most of the work, and the walk never waits for them); then `_replay` places
    what each block yielded."""
    blocks = [b for b in bounded(blocks) if b.kind != "header" and b.text.strip()]
    skipped, demoted = not_headings([b.text if b.kind != "row" else None for b in blocks])
    texts = [b.text for b in blocks]
    outline = Outline(marks=read_legend(texts), substantive=substantive_sections(texts))
    visits: list[_Visit] = []
    with Analyses(companion=len(blocks) >= PARALLEL_BLOCKS) as analyses:
        for i, block in enumerate(blocks):
            if i in skipped:
                continue  # a table of contents line, the list of the chapters
            if block.kind == "row":
                visits.append(_row(block, outline, analyses))
            else:
                visits.append(_line(block, outline, analyses, demoted=i in demoted))
        results = analyses.results()
        for content, heading_place, title in analyses.headings(results):
            outline.learn(content, heading_place, title)
    return merge(*_replay(visits, results, outline))


# Below this many blocks a tender is analysed in this process alone: a companion's start and the
# results' return cost more than it saves (a real 550-block tender: 0.039 s alone, 0.060 s with one;
# D3's 1,327 blocks: 0.127 s alone, 0.096 s with one).
PARALLEL_BLOCKS = 1_000


class _Visit(NamedTuple):
    """What the walk noted of one block: its analysis and where it stands."""

    analysis: int                # its index in the document's Analyses
    top: Node                    # the innermost heading above it (outline.ROOT when none)
    label: str                   # a row's number (序号), the end of its ref
    row_place: str | None        # a row's place; None for a line, whose place is its heading's
    topic: str | None            # a line's topic before a colon, which can name its place (质保期：…)
    scoring: bool
    block_where: Location | None
    back: bool                   # a closing line (以上条款为实质性条款): see marks.mark_back
    parent: int | None           # the heading whose items it closes


# (tuple.__new__, in C: a named tuple's own constructor is a Python function, and there is a
# visit a block)
_visit = _Visit._make


def _replay(visits: list[_Visit], results: list, outline: Outline) -> tuple[list[Found], list]:
    """The requirements (and scoring hints) the blocks yielded, sifted by their places and placed
    where they stand, in document order."""
    found: list[Found] = []
    hints: list[tuple[str, str]] = []
    marked: dict = {}
    for visit in visits:
        if visit.back:
            mark_back(found, visit.parent, marked)
        reqs, block_hints, _named = results[visit.analysis]
        if not reqs and not block_hints:
            continue
        start, hint_start = len(found), len(hints)
        hints.extend(block_hints)
        if reqs:
            ref, path = outline.ref(visit.top, visit.label), visit.top.path
            for metric, op, value, unit, mandatory, text, scoring_text in reqs:
                found.append(Found(metric, op, value, unit, mandatory, text, ref, scoring_text, path))
        where = visit.row_place
        if where is None:
            where = outline.place(visit.top)
            if visit.topic:
                where = classify(title_of(visit.topic)) or where  # 质保期：… under 投标人须知前附表
            where = _scored(where, visit.scoring)
        _sift(found, start, hints, hint_start, where)
        place(found, start, visit.block_where, outline.section(visit.top))
    return found, hints


def _row(block: Block, outline: Outline, analyses: Analyses) -> _Visit:
    """A table row: mandatory when its ★ column says so, or a heading above it is."""
    text = block.text
    norm = normalise(text)
    whole, _back, spans = mandatory_marks(norm, 0, outline.marks)
    marked = _row_marked(block, outline.marks) or whole
    base = outline.mandatory() or marked
    scoring = block.scoring or awards_points(norm)
    analysis = _analysis_index(text, norm, 0, base, spans, scoring, None, True, False, analyses)
    top = outline.top()
    where = _scored(_row_place(text, outline.place(top)), scoring)
    if where != BOILERPLATE and marked:
        outline.refer(norm)
    return _visit((analysis, top, block.label, where, None, scoring, block.where, False, None))


def _row_marked(block: Block, marks: frozenset[str]) -> bool:
    """Whether a row carries a mandatory mark: in its ★ column (blocks.py), or a cell that is
    or starts with a mark this tender's legend makes mandatory (▲ where ▲ is 实质性)."""
    cells = [c.strip() for c in block.text.split("|")]
    if block.mandatory and ("★" in marks or not any(c.startswith(("★", "☆")) for c in cells)):
        return True
    return any(c[:1] in marks for c in cells if c)


def _row_place(text: str, around: str) -> str:
    """A row's own topic (its first short cells: 知识产权 | …, 质保期 | …) classifies it before the
    section it stands in."""
    for cell in text.split("|")[:2]:
        cell = cell.strip()
        if 2 <= len(cell) <= 20:
            here = classify(title_of(cell))
            if here != NEUTRAL:
                return here
    return around


def _scored(where: str, scoring: bool) -> str:
    """A scoring rule's place: a scoring table is one, wherever it stands."""
    return DEMANDS if scoring and where in (BOILERPLATE, NEUTRAL) else where


def _sift(found: list[Found], start: int, hints: list, hint_start: int, where: str) -> None:
    """Keep what a block yielded according to its place: from boilerplate only what speaks in
    the core after-sales words; from delivery articles, the other rows only in those words; from
    outside the after-sales places, the other rows only when they speak of after-sales work;
    nothing that only points to another section, and no other row that demands nothing of the
    bidder (a definition, the buyer's duty, 便于维护)."""
    if where == BOILERPLATE:
        kept = [f for f in found[start:] if is_after_sales_demand(f.text) and not _POINTER_RE.search(f.text)
                and not (f.metric == "other" and no_demand_on_the_bidder(f.text))]
        found[start:] = kept
        if not kept:
            del hints[hint_start:]
    else:
        shows = is_after_sales_demand if where == DELIVERY else speaks_of_after_sales
        kept = [f for f in found[start:] if f.metric != "other" or (
            (where == AFTER_SALES or shows(f.text)) and not _POINTER_RE.search(f.text)
            and not no_demand_on_the_bidder(f.text))]
        if len(kept) != len(found) - start:
            found[start:] = kept


# What only points elsewhere or names a section is no demand to show: 详见“4.1…”章节, 服务标准要求.
_POINTER_RE = re.compile(r"详见|参见|见第|^[^，,。；;]{2,14}(?:要求|说明)$|^(?![^，,。；;]*(?:须|应|需|必须|提供|负责|保证|承诺|不得))[^，,。；;]{2,12}$")


def _line(block: Block, outline: Outline, analyses: Analyses, demoted: bool = False) -> _Visit:
    """A line or paragraph: its number (or heading style, or title look) updates the outline,
    its ★ and 实质性 words set what is mandatory, then its text is analysed. A `demoted` line
    names a chapter in a sentence (第四章“合同条款”中的…): its 第四章 is no heading."""
    raw = block.text
    # A tender repeats lines (every lot's clauses, running headers): what a line's own text
    # says is read once a document; only what the outline makes of it is done again.
    key = (raw, demoted)
    parsed = outline.parsed.get(key)
    if parsed is None:
        parsed = outline.parsed[key] = _parse(raw, outline.marks, demoted)
    norm, md_level, star, numbering, pos, whole, back, spans, scoring, topic = parsed
    content = norm[pos:]
    style = ""
    if numbering:
        label, rank, style, _end = numbering

    heading_level = block.level or md_level
    is_node = numbering is not None or heading_level is not None
    # A closing line (以上条款为实质性条款) speaks of the items before it: its parent is the
    # heading above the last item.
    parent = None
    if outline.stack:
        top = outline.stack[-1]
        if top.style in ITEM_STYLES and len(outline.stack) > 1:
            parent = outline.stack[-2].uid
        elif top.style not in ITEM_STYLES:
            parent = top.uid
    heading = is_node  # (a title below is one too): its analysis reads what its text names
    if is_node:
        if numbering is None:
            label = content.strip()[:12]
            rank = float(max(0, (heading_level or 1) - 1))
            style = f"h{heading_level}"
        outline.push(label, rank, star or whole or outline.referenced_here(label, content)
                     or outline.named_substantive(content, chapter=style in ("chapter", "h1")), style)
        outline.name(content)
        outline.classify(content)
        parent = outline.stack[-2].uid if len(outline.stack) > 1 else None
        base = outline.mandatory()
    else:
        lead_in = (content.rstrip().endswith((":", "：")) and len(content) <= 60) or \
                  (whole and bool(SCOPE_FORWARD_RE.search(content)))
        title = content.rstrip().rstrip(":：") if lead_in else content
        titled = (TITLE_RE.match(title) is not None and not DIGIT_RE.search(title) and not VERB_RE.search(title)
                  and not title.rstrip().endswith(_DANGLING))
        # 售后服务要求： before its items names their place, as a title would; 投标人须提供以下材料：
        # only opens a scope.
        if lead_in and not (titled and outline.place_named(title) == AFTER_SALES):
            outline.open_scope(star or whole)
            base = outline.mandatory()
        elif titled:
            # 评分细则 / ★售后服务要求: an unnumbered title ends the items above it and
            # heads the ones below, under the numbered headings it stands in.
            outline.title(title.strip()[:12], star or whole or outline.named_substantive(content))
            outline.name(content)
            outline.classify(content)
            base = outline.mandatory()
            heading = True
        else:
            base = outline.mandatory() or star or whole
    analysis = _analysis_index(raw[pos:], norm[pos:], pos, base, spans, scoring, topic,
                               not (is_node and is_title(content)), heading, analyses)
    return _visit((analysis, outline.top(), "", None, None if is_node else topic, scoring, block.where,
                   back, parent))


class _Parsed(NamedTuple):
    """What a line's own text says, whatever stands around it: see `_parse`."""

    norm: str
    md_level: int | None              # a markdown heading's level
    star: bool                        # a mandatory mark before the text or its number
    numbering: tuple[str, float, str, int] | None  # see outline.item_number
    pos: int                          # where the content starts, after marks and number
    whole: bool                       # see marks.mandatory_marks
    back: bool
    spans: list[tuple[int, int]]
    scoring: bool                     # a scoring rule (得3分)
    topic: str | None                 # the topic before a colon (质保期：…)


def _parse(raw: str, marks: frozenset[str], demoted: bool) -> _Parsed:
    """Read a line's markdown level, marks, item number and mandatory phrases (`marks` are the
    ones this tender's legend makes mandatory; a `demoted` line's 第四章 is no number)."""
    norm = normalise(raw)
    pos = 0
    md = MD_HEADING_RE.match(norm) if "#" in norm else None  # (the substring test is C-level)
    md_level = None
    if md:
        md_level, pos = len(md.group(1)), md.end()
    lead = MARKS_RE.match(norm, pos)
    assert lead is not None  # (MARKS_RE matches the empty string)
    star = _marked(lead.group(), marks)
    pos = lead.end()
    numbering = item_number(norm, pos)
    if numbering and demoted and numbering[2] == "chapter":
        numbering = None
    if numbering:
        lead = MARKS_RE.match(norm, numbering[3])
        assert lead is not None
        star = star or _marked(lead.group(), marks)
        pos = lead.end()
    content = norm[pos:]
    whole, back, spans = mandatory_marks(norm, pos, marks)
    colon = _TOPIC_RE.match(content) if ":" in content or "：" in content else None
    return _Parsed(norm, md_level, star, numbering, pos, whole, back, spans, awards_points(content),
                   colon.group(1) if colon else None)


# A line that ends on a conjunction (数字人民币运营管理中心有限公司与) goes on in the next line: it is
# no title of its own.
_DANGLING = ("与", "和", "及", "或", "的", "、", "及其")


def _marked(marks: str, mandatory: frozenset[str]) -> bool:
    """Whether the marks before an item's text (★, ▲ …) make it mandatory in this tender."""
    return bool(marks) and not mandatory.isdisjoint(marks)


_TOPIC_RE = re.compile(r"([^，,。；;:：]{1,16})[:：]")


def _analysis_index(raw: str, norm: str, offset: int, base: bool, spans: list[tuple[int, int]], scoring: bool,
                    topic: str | None, allow_other: bool, heading: bool, analyses: Analyses) -> int:
    """The index of the analysis of one block's content (`raw`, normalised as `norm`) among the
    document's: see `clauses.requirements_of`. `offset` is where the content starts in the line,
    for the mandatory `spans`.

    A tender repeats whole lines (the same clause under every lot): what a line yields depends
    only on its text and the arguments below, so each distinct line is analysed once a document;
    only where it stands (ref, path) is the outline's.
    """
    # The spans are taken relative to the content, so that the same content after another
    # number (1. / (12)) is the same key; under a mandatory heading they say nothing.
    key_spans: tuple
    if base:
        key_spans = ()
    elif offset and spans:
        key_spans = tuple([(s - offset, e - offset) for s, e in spans])
    else:
        key_spans = tuple(spans)
    return analyses.add((raw, base, key_spans, scoring, topic, allow_other), norm, heading)
