"""The tender's own forms: the deviation tables (偏离表, 偏差表, 应答表) it prescribes, with their title,
columns and the statuses they accept, and a 售后服务承诺函 it gives to fill in.

A buyer reads the bid against the forms it printed: our 偏离表 is rendered in the chosen form's
title and columns (compose.py), so the writer never retypes it. The forms are found in the blocks
the readers already made (a table's header row, the line above it as its title), so a form is
found in a .docx, a PDF or a pasted text alike.
"""
from __future__ import annotations

import os
import re
from typing import NamedTuple, Sequence

from bidkit.extract.blocks import Block
from bidkit.extract.location import evidence
from bidkit.extract.normalise import normalise
from bidkit.extract.outline import NUMBERING_RE
from bidkit.extract.read import read_tender
from bidkit.extract.score_rules import extract_scoring
from bidkit.extract.walk import collector_paused, extract_blocks, tender_text_blocks
from bidkit.model import (
    MAX_FORM_CHOICES, MAX_FORM_COLUMNS, MAX_FORM_HEADER_CHARS, MAX_FORM_TITLE_CHARS, MAX_FORMS, MAX_LETTER_CHARS,
    MAX_SCORING_RULES, STATUS_SPELLINGS, FormColumn, Requirement, ScoringRule, TenderForm)

# What each column of a tender's form holds, by the words of its header: the first pattern that
# matches names the field (see compose.py for what each field is filled with). None: a column we
# have nothing for (the bid's own page or section), left blank. Patterns are tried in this order,
# so the narrower words come first (条款号 before 条款, 偏离说明 before 偏离, 响应内容 before 内容).
COLUMN_WORDS: tuple[tuple[str, str | None], ...] = (
    (r"^(?:投标|响应|应答)(?:文件|人)?.*(?:章节|页码|页次|位置)|页码|页次", None),
    (r"重要性|^[★▲#]$|实质性|指标属性|是否必须", "mark"),
    (r"条目号|条款号|条目|章节号|条款编号|项号|招标文件章节", "ref"),
    (r"(?:偏离|偏差)(?:说明|原因)|说明|备注|理由", "note"),
    (r"偏离|偏差", "status"),
    (r"响应|应答|承诺|投标规格|实际|投标人", "response"),
    (r"^(?:序号|编号|No\.?)$", "number"),
    (r"要求|需求|条款|内容|标准|参数|指标|项目|名称|事项|规格", "requirement"),
)
_COLUMN_RES = tuple((re.compile(pattern, re.I), field) for pattern, field in COLUMN_WORDS)
# Of two columns that both read as the requirement (内容 | 要求标准, 商务条款 | 招标要求), the one
# that says 要求 or 标准 holds its text; the other names it, which our rows call the topic.
_REQUIREMENT_TEXT_RE = re.compile(r"要求|标准")

# A header that is a deviation form: a column for the deviation (偏离情况, 偏差说明), or a response
# column beside the requirement under a title that says so (要求应答表).
_DEVIATION_RE = re.compile(r"偏离|偏差")
_TITLE_HINT_RE = re.compile(r"偏离|偏差|应答|响应|对照")
_BRACKET_RE = re.compile(r"[(（]([^()（）]*)[)）]")
_CHOICE_SPLIT_RE = re.compile(r"[、/／，,;；\s]+|或")
_QUOTED_RE = re.compile(r"[“\"']([^”\"']{1,6})[”\"']")
# Every status word a tender may list for a row; ours are 正偏离 / 无偏离 / 负偏离 (compose.py).
STATUS_WORDS = frozenset(("正偏离", "无偏离", "负偏离", "不涉及", "偏离",
                          *(spelling for spellings in STATUS_SPELLINGS.values() for spelling in spellings)))

# The lines above a table looked at for its title, and below it for the notes listing statuses.
_TITLE_LOOKBACK = 4
_NOTES_LOOKAHEAD = 8
# 项目编号： / (采购人名称)： are blanks to fill in above a form, 服务需求偏离表： its title
_FIELD_LINE_RE = re.compile(r"^[^：:]{0,12}(?<!表)[：:]\s*$|^[(（][^)）]*[)）][：:]")
_SEAL_RE = re.compile(r"\s*[(（](?:加盖公章|盖章|盖单位章|格式|参考格式)[)）]\s*$")
_SORTS = (("售后", 3), ("商务", 2), ("服务", 1), ("技术", -1))

_LETTER_TITLE_RE = re.compile(r"^(?:附件\s*[\d一二三四五六七八九十]*\s*[：:]?\s*)?(?:售后)?服务承诺(?:函|书)$")
_LETTER_END_RE = re.compile(r"年\s*月\s*日|日期\s*[：:]")
MAX_LETTER_LINES = 40   # a letter's body is read at most this far below its title


class Extraction(NamedTuple):
    """What one reading of a tender gives: its requirements, the forms it prescribes and the
    after-sales rows of its scoring table (at most MAX_SCORING_RULES, in document order)."""

    requirements: list[Requirement]
    forms: list[TenderForm]
    scoring_rules: list[ScoringRule]


def _extraction(blocks: Sequence[Block]) -> Extraction:
    return Extraction(extract_blocks(blocks), find_forms(blocks), extract_scoring(blocks)[:MAX_SCORING_RULES])


def extract_tender_file(path: str | os.PathLike) -> Extraction:
    """The requirements, forms and scoring rules of a tender file, from one reading."""
    with collector_paused():
        return _extraction(read_tender(path))


def extract_tender_text(text: str) -> Extraction:
    """The same for a pasted tender text (tables as | or tab separated lines)."""
    with collector_paused():
        return _extraction(tender_text_blocks(text))


def forms_json(forms: Sequence[TenderForm]) -> list[dict]:
    """The forms as `bidkit extract` prints them beside the requirements: only the fields set."""
    return [{"kind": f.kind, "title": f.title, **f.model_dump(exclude_defaults=True, exclude={"kind", "title"})}
            for f in forms]


def scoring_json(rules: Sequence[ScoringRule]) -> list[dict]:
    """The scoring rules as `bidkit extract` prints them after the forms: only the fields set."""
    return [{"kind": r.kind, "metric": r.metric, "max_points": r.max_points,
             **r.model_dump(exclude_defaults=True, exclude={"kind", "metric", "max_points"})} for r in rules]


def find_forms(blocks: Sequence[Block]) -> list[TenderForm]:
    """The deviation-table forms and 售后服务承诺函 of a tender, in document order (at most
    MAX_FORMS), the deviation form meant for our chapter marked `chosen`."""
    forms: list[TenderForm] = []
    seen: set[tuple] = set()
    for i, block in enumerate(blocks):
        form = _deviation_form(blocks, i) if _starts_table(blocks, i) else _letter(blocks, i)
        if form is None:
            continue
        key = (form.kind, form.title, tuple(c.header for c in form.columns))
        if key in seen:  # a PDF repeats a table's header on every page it runs over
            continue
        seen.add(key)
        forms.append(form)
        if len(forms) == MAX_FORMS:
            break
    choose(forms)
    return forms


def choose(forms: list[TenderForm]) -> None:
    """Mark the deviation form our after-sales chapter answers: a 售后 form before a 商务 one,
    before a 服务 one, a 技术 one last; the first of equals."""
    tables = [f for f in forms if f.kind == "deviation"]
    for form in tables:
        form.chosen = False
    if tables:
        max(tables, key=_sort_rank).chosen = True  # max keeps the first of equals


def _sort_rank(form: TenderForm) -> int:
    words = form.title + "".join(c.header for c in form.columns)
    return sum(rank for word, rank in _SORTS if word in words)


def column_field(header: str) -> str | None:
    """Our row field a tender's column header names, or None (a column we leave blank)."""
    name = _BRACKET_RE.sub("", header).strip() or header
    for pattern, field in _COLUMN_RES:
        if pattern.search(name):
            return field
    return None


def map_columns(headers: Sequence[str]) -> list[FormColumn]:
    """The tender's columns, each with the field of ours it takes (see column_field)."""
    fields = [column_field(h) for h in headers]
    texts = [i for i, f in enumerate(fields) if f == "requirement"]
    if len(texts) > 1:
        holder = next((i for i in reversed(texts) if _REQUIREMENT_TEXT_RE.search(headers[i])), texts[-1])
        for i in texts:
            if i != holder:
                fields[i] = "topic"
    taken: set[str] = set()
    columns = []
    for header, field in zip(headers, fields):
        if field in taken and field != "topic":  # a second 说明: ours is written once
            field = None
        taken.add(field or "")
        columns.append(FormColumn(header=header[:MAX_FORM_HEADER_CHARS], field=field))
    return columns


def _starts_table(blocks: Sequence[Block], i: int) -> bool:
    block = blocks[i]
    if block.kind == "header":
        return True
    if block.kind != "row":
        return False
    prev = blocks[i - 1] if i else None
    same_table = (prev is not None and prev.kind in ("row", "header") and prev.where is not None
                  and block.where is not None and prev.where.table == block.where.table
                  and prev.where.page == block.where.page)
    return not same_table


def _deviation_form(blocks: Sequence[Block], i: int) -> TenderForm | None:
    header = blocks[i]
    headers = [c.strip() for c in header.text.split(" | ")] if not header.label else []
    if not 2 < len(headers) <= MAX_FORM_COLUMNS or any(len(h) > 2 * MAX_FORM_HEADER_CHARS for h in headers):
        return None
    columns = map_columns(headers)
    fields = {c.field for c in columns}
    title = _title(blocks, i)
    is_form = any(_DEVIATION_RE.search(h) for h in headers) or (
        "response" in fields and "requirement" in fields and bool(_TITLE_HINT_RE.search(title)))
    if not is_form or not fields & {"requirement", "ref"}:
        return None
    return TenderForm(kind="deviation", title=title, columns=columns, choices=_choices(blocks, i, headers),
                      where=evidence(header.where))


def _title(blocks: Sequence[Block], i: int) -> str:
    """The form's title: the nearest line above the table that names a table (…表), else the
    nearest that is not a field to fill in (项目编号：); without its number and its 盖章 note."""
    lines = []
    for block in reversed(blocks[max(0, i - _TITLE_LOOKBACK):i]):
        if block.kind in ("row", "header"):
            break
        text = _bare_title(block.text)
        if text and len(text) <= MAX_FORM_TITLE_CHARS and not _FIELD_LINE_RE.search(block.text.strip()):
            lines.append(text)
    named = [t for t in lines if t.endswith("表")]
    return (named or lines or [""])[0]


def _bare_title(text: str) -> str:
    text = text.strip()
    m = NUMBERING_RE.match(normalise(text))
    if m and m.end() < len(text):
        text = text[m.end():]
    text = _SEAL_RE.sub("", text).strip()
    return text.rstrip("：:").strip()


def _choices(blocks: Sequence[Block], i: int, headers: list[str]) -> list[str]:
    """The statuses the tender lists: in the status column's brackets (偏离情况（正偏离、负偏离、无
    偏离）) and quoted in the notes below the table (“符合”指与招标文件要求一致)."""
    words: list[str] = []
    for header in headers:
        if column_field(header) in ("status", "note"):
            for inside in _BRACKET_RE.findall(header):
                words += _CHOICE_SPLIT_RE.split(inside)
    after = [b for b in blocks[i + 1:i + 1 + _NOTES_LOOKAHEAD + 40] if b.kind == "line"][:_NOTES_LOOKAHEAD]
    for block in after:
        words += _QUOTED_RE.findall(block.text)
    out = []
    for word in words:
        word = word.strip()
        if word in STATUS_WORDS and word not in out:
            out.append(word)
    return out[:MAX_FORM_CHOICES]


def _letter(blocks: Sequence[Block], i: int) -> TenderForm | None:
    """A 售后服务承诺函 the tender gives as a form: its title line and the lines below it (blanks
    and all) up to its date line, the next table, or the next numbered heading."""
    block = blocks[i]
    if block.kind not in ("line", "heading"):
        return None
    title = _bare_title(block.text)
    if not _LETTER_TITLE_RE.match(title):
        return None
    lines: list[str] = []
    for below in blocks[i + 1:i + 1 + MAX_LETTER_LINES]:
        if below.kind in ("row", "header") or (below.kind == "heading" and lines):
            break
        if lines and (m := NUMBERING_RE.match(normalise(below.text))) and not _LETTER_END_RE.search(below.text):
            if m.group("cn") or m.group("chapter") or m.group("annex"):
                break  # the next 六、… part of the tender
        lines.append(below.text)
        if _LETTER_END_RE.search(below.text):
            break
    text = "\n".join(lines)[:MAX_LETTER_CHARS]
    return TenderForm(kind="letter", title=title, text=text, where=evidence(block.where))
