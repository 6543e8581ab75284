"""Walk the blocks in document order, keeping the outline, and analyse each line and row; the
entry points that take a text or a file."""
from __future__ import annotations

import os
import re
from typing import Iterable

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, text_blocks
from bidkit.extract.clauses import requirements_of
from bidkit.extract.marks import SCOPE_FORWARD_RE, mandatory_marks, mark_back
from bidkit.extract.merge import Found, merge, place
from bidkit.extract.normalise import normalise
from bidkit.extract.outline import (
    ITEM_STYLES, MARKS_RE, MD_HEADING_RE, TITLE_RE, VERB_RE, Outline, is_title, item_number)
from bidkit.extract.read import read_tender
from bidkit.extract.scoring import awards_points
from bidkit.extract.vocabulary import DIGIT_RE
from bidkit.model import Requirement


def extract_text(text: str) -> list[Requirement]:
    """The requirements of a tender given as text (tables as | or tab separated lines)."""
    if not isinstance(text, str):
        raise ExtractError("the tender text must be a string")
    return extract_blocks(text_blocks(text.splitlines()))


def extract_file(path: str | os.PathLike) -> list[Requirement]:
    """The requirements of a .txt / .md / .docx / .pdf tender file."""
    return extract_blocks(read_tender(path))


def requirements_json(reqs: Iterable[Requirement]) -> dict:
    """{"requirements": [...]} as `bidkit extract --format json` prints it; scoring, where and
    section only when set."""
    out = []
    for r in reqs:
        row = {"metric": r.metric, "op": r.op, "value": r.value, "unit": r.unit,
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
    """Walk the blocks in order, keeping the outline, and collect the requirements."""
    outline = Outline()
    found: list[Found] = []
    hints: list[tuple[str, str]] = []
    for block in blocks:
        if block.kind == "header" or not block.text.strip():
            continue
        if block.kind == "row":
            _row(block, outline, found, hints)
        else:
            _line(block, outline, found, hints)
    return merge(found, hints)


def _row(block: Block, outline: Outline, found: list[Found], hints: list) -> None:
    """A table row: mandatory when its ★ column says so, or a heading above it is."""
    text = block.text
    norm = normalise(text)
    whole, _back, spans = mandatory_marks(norm, 0)
    base = outline.mandatory() or block.mandatory or whole
    scoring = block.scoring or awards_points(norm)
    start = len(found)
    _analyse(text, norm, 0, base, spans, outline, block.label, scoring, found, hints, topic=None)
    place(found, start, block.where, outline.section())


def _line(block: Block, outline: Outline, found: list[Found], hints: list) -> None:
    """A line or paragraph: its number (or heading style, or title look) updates the outline,
    its ★ and 实质性 words set what is mandatory, then its text is analysed."""
    raw = block.text
    norm = normalise(raw)
    pos = 0
    md = MD_HEADING_RE.match(norm)
    md_level = None
    if md:
        md_level, pos = len(md.group(1)), md.end()
    marks = MARKS_RE.match(norm, pos)
    star = "★" in marks.group() or "☆" in marks.group()
    pos = marks.end()
    numbering = item_number(norm, pos)
    style = ""
    if numbering:
        label, rank, style, pos = numbering
        marks = MARKS_RE.match(norm, pos)
        star = star or "★" in marks.group() or "☆" in marks.group()
        pos = marks.end()
    content = norm[pos:]
    whole, back, spans = mandatory_marks(norm, pos)

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
    if is_node:
        if numbering is None:
            label = content.strip()[:12]
            rank = float(max(0, heading_level - 1))
            style = f"h{heading_level}"
        outline.push(label, rank, star or whole, style)
        outline.name(content)
        parent = outline.stack[-2].uid if len(outline.stack) > 1 else None
        base = outline.mandatory()
    else:
        lead_in = (content.rstrip().endswith((":", "：")) and len(content) <= 60) or \
                  (whole and bool(SCOPE_FORWARD_RE.search(content)))
        if lead_in:
            outline.open_scope(star or whole)
            base = outline.mandatory()
        elif TITLE_RE.match(content) and not DIGIT_RE.search(content) and not VERB_RE.search(content):
            # 评分细则 / ★售后服务要求: an unnumbered title ends the items above it and
            # heads the ones below, under the numbered headings it stands in.
            outline.title(content.strip()[:12], star or whole)
            outline.name(content)
            base = outline.mandatory()
        else:
            base = outline.mandatory() or star or whole
    if back:
        mark_back(found, parent, outline)
    scoring = awards_points(content)
    topic = None
    colon = _TOPIC_RE.match(content)
    if colon:
        topic = colon.group(1)
    start = len(found)
    _analyse(raw[pos:], norm[pos:], pos, base, spans, outline, "", scoring, found, hints, topic=topic,
             allow_other=not (is_node and is_title(content)))
    place(found, start, block.where, outline.section())


_TOPIC_RE = re.compile(r"([^，,。；;:：]{1,16})[:：]")


def _analyse(raw: str, norm: str, offset: int, base: bool, spans: list[tuple[int, int]],
             outline: Outline, label: str, scoring: bool, found: list[Found], hints: list,
             topic: str | None, allow_other: bool = True) -> None:
    """Find the requirements of one block's content (`raw`, normalised as `norm`); `offset` is
    where the content starts in the line, for the mandatory `spans`.

    A tender repeats whole lines (the same clause under every lot): what a line yields depends
    only on its text and the arguments below, so each distinct line is analysed once a document;
    only where it stands (ref, path) is the outline's.
    """
    key = (raw, offset, base, tuple(spans), scoring, topic, allow_other)
    analysis = outline.analysed.get(key)
    if analysis is None:
        analysis = outline.analysed[key] = requirements_of(raw, norm, offset, base, spans, scoring,
                                                           topic, allow_other)
    reqs, block_hints = analysis
    hints.extend(block_hints)
    if not reqs:
        return
    ref, path = outline.ref(label), outline.path()
    for metric, op, value, unit, mandatory, text, scoring_text in reqs:
        found.append(Found(metric, op, value, unit, mandatory, text, ref, scoring_text, path))
