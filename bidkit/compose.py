"""A bid and the library become one Chapter: the document model both renderers draw.

The chapter holds numbered headings, paragraphs and tables, already in their final words, so the
.docx and the HTML preview differ only in how they draw, never in what they say.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from bidkit import anonymous
from bidkit.check import CheckResult, check, deviation_rows
from bidkit.commitments import ResolvedClause
from bidkit.library import Library
from bidkit.model import STATUS_SPELLINGS, Bid, FormColumn, TenderForm

CHINESE_DIGITS = "零一二三四五六七八九"
DRAFT_MARK = "草稿"
# Columns an anonymous (暗标) chapter leaves out of its tables: they name people and places.
IDENTIFYING_COLUMNS = ("姓名", "地址", "联系电话")


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一, 101 -> 一百零一, 110 -> 一百一十, 10000 -> 一万:
    any count of sections or clauses, as people write the numbers."""
    text = _chinese_numeral(n)
    return text[1:] if text.startswith("一十") else text  # 十二, but 一百一十二


def _chinese_numeral(n: int) -> str:
    if n >= 10_000:
        size, word = (100_000_000, "亿") if n >= 100_000_000 else (10_000, "万")
        high, low = divmod(n, size)
        rest = ("零" if low < size // 10 else "") + _chinese_numeral(low) if low else ""
        return _chinese_numeral(high) + word + rest
    text, gap = "", False
    for size, word in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, size)
        if digit:
            text += ("零" if gap else "") + CHINESE_DIGITS[digit] + word
            gap = False
        elif text:
            gap = True  # a zero inside the number is said once: 一千零一
    return text or CHINESE_DIGITS[0]


def heading_number(level: int, n: int) -> str:
    """The house numbering: 一、 for sections, （一） for clauses."""
    return f"{chinese_ordinal(n)}、" if level == 1 else f"（{chinese_ordinal(n)}）"


@dataclass(frozen=True)
class Heading:
    level: int  # 0 chapter title, 1 section 一、, 2 sub-section （一）
    number: str
    text: str

    @property
    def full(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    # columns whose cells are short codes or statuses, centred by both renderers
    centred: tuple[int, ...] = ()


@dataclass(frozen=True)
class Closing:
    bidder: str
    date: str


@dataclass(frozen=True)
class Tracked:
    """Text with tracked changes (a redline): (op, text) pieces, op being equal, insert or delete."""

    changes: tuple[tuple[str, str], ...]
    author: str
    date: str  # ISO 8601, as Word records a revision


Block = Heading | Paragraph | Table | Closing | Tracked


@dataclass
class Chapter:
    title: str
    project: str
    project_number: str
    blocks: list[Block] = field(default_factory=list)
    draft: bool = False
    check: CheckResult | None = None
    running: str = ""  # the line atop each page when it is not the project and its number (a redline)
    anonymous: bool = False  # 暗标: the renderers leave out whatever names the bidder

    @property
    def running_header(self) -> str:
        """The line atop each page, worded once here for the .docx header and the preview."""
        if self.running:
            return self.running
        number = f"项目编号：{self.project_number}" if self.project_number else ""
        return "  ".join(part for part in (self.project, number) if part)

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def _clause_sections(clauses: list[ResolvedClause], lib: Library) -> list[tuple[str, list[ResolvedClause]]]:
    """Chosen clauses grouped by category, categories in the library's order."""
    groups: dict[str, list[ResolvedClause]] = {}
    for clause in clauses:
        groups.setdefault(clause.version.category, []).append(clause)
    order = {c: i for i, c in enumerate(lib.category_order())}
    titled = []
    for category in sorted(groups, key=lambda c: (order.get(c, len(order)), c)):
        meta = lib.categories.get(category)
        titled.append((meta.title if meta else category, groups[category]))
    return titled


def commitment_table(clauses: list[ResolvedClause], places: dict[str, str]) -> Table:
    """One row a commitment: what is promised, the value, and where in the chapter it is written
    (`places`: clause id -> 三、（一）); the clause title would only repeat the commitment's name."""
    rows = []
    for clause in clauses:
        for c in clause.commitments():
            rows.append((str(len(rows) + 1), c.label, c.offer, places.get(clause.version.id, "")))
    return Table("售后服务承诺一览表", ("序号", "承诺事项", "承诺内容", "所在条款"), tuple(rows),
                 (0.8, 3.6, 3.4, 1.6), centred=(0, 3))


def staff_table(bid: Bid) -> Table:
    rows = tuple((str(i), s.name, s.role, s.certificate, s.phone) for i, s in enumerate(bid.staff, 1))
    return Table("售后服务人员配置表", ("序号", "姓名", "岗位", "资格证书", "联系电话"), rows,
                 (0.8, 1.4, 2.2, 3, 2.2), centred=(0,))


def office_table(bid: Bid) -> Table:
    rows = tuple((str(i), o.city, o.address, o.phone) for i, o in enumerate(bid.offices, 1))
    return Table("售后服务网点", ("序号", "城市", "地址", "联系电话"), rows, (0.8, 1.6, 4.8, 2.2), centred=(0,))


# Our 偏离表 when the tender prescribes none; a tender's form is drawn the same way, field by field.
OUR_DEVIATION_FORM = TenderForm(title="售后服务偏离表", columns=[
    FormColumn(header=h, field=f) for h, f in (("序号", "number"), ("招标文件条目号", "ref"), ("招标文件要求", "requirement"),
                                               ("投标文件响应", "response"), ("偏离情况", "status"), ("说明", "note"))])
# Relative widths by field: the text columns (requirement, response, note: 说明 holds the reason) get
# the room; a column we leave blank gets enough for the writer to fill in by hand.
FIELD_WIDTHS = {"number": 0.7, "mark": 0.7, "ref": 1.3, "topic": 1.4, "requirement": 2.6, "response": 3.0,
                "status": 1.1, "note": 2.6, None: 1.5}
CENTRED_FIELDS = ("number", "mark", "status")


def chosen_form(bid: Bid) -> TenderForm | None:
    """The tender's deviation form the chapter's 偏离表 is rendered in, if the writer kept one."""
    return next((f for f in bid.forms if f.kind == "deviation" and f.chosen and f.columns), None)


def deviation_table(result: CheckResult, form: TenderForm | None = None) -> Table:
    """售后服务偏离表 in the tender's own form (its title, columns and status words; a column we have
    nothing for left blank), or in ours."""
    form = form or OUR_DEVIATION_FORM
    fields = [c.field for c in form.columns]
    rows = []
    for row, finding in zip(deviation_rows(result), result.requirement_findings):
        req = finding.requirement
        status = _spelt(row.status, form.choices)
        values = {"number": str(row.number), "ref": row.ref, "topic": req.section,
                  "requirement": row.requirement.removeprefix("★") if "mark" in fields else row.requirement,
                  "response": row.response, "status": status, "note": row.note,
                  "mark": "★" if req.mandatory or req.text.startswith("★") else ""}
        if "status" not in fields:  # a form with only 偏差说明 still says how the row deviates
            values["note"] = "；".join(v for v in (status, row.note) if v)
        rows.append(tuple(values.get(f, "") if f else "" for f in fields))
    return Table(form.title or OUR_DEVIATION_FORM.title, tuple(c.header for c in form.columns), tuple(rows),
                 tuple(FIELD_WIDTHS[f] for f in fields),
                 centred=tuple(i for i, f in enumerate(fields) if f in CENTRED_FIELDS))


def _spelt(status: str, choices: list[str]) -> str:
    """Our status as the tender spells it, when it lists its own words and not ours."""
    if not choices or status in choices:
        return status
    return next((word for word in STATUS_SPELLINGS.get(status, ()) if word in choices), status)


def compose(bid: Bid, lib: Library, draft: bool = False, today: date | None = None) -> Chapter:
    """The chapter of a bid: clause sections in category order, then its tables, then the closing."""
    result = check(bid, lib)
    number = bid.chapter.number
    chapter = Chapter(title=f"第{chinese_ordinal(number)}章 {bid.chapter.title}", project=bid.project,
                      project_number=bid.project_number, draft=draft, check=result)
    chapter.blocks.append(Heading(0, f"第{chinese_ordinal(number)}章 ", bid.chapter.title))
    section = 0
    places: dict[str, str] = {}
    for title, clauses in _clause_sections(result.clauses, lib):
        section += 1
        chapter.blocks.append(Heading(1, heading_number(1, section), title))
        for i, clause in enumerate(clauses, 1):
            chapter.blocks.append(Heading(2, heading_number(2, i), clause.version.title))
            chapter.blocks.extend(Paragraph(p) for p in clause.paragraphs())
            places[clause.version.id] = heading_number(1, section) + heading_number(2, i)
    tables = [commitment_table(result.clauses, places), staff_table(bid), office_table(bid),
              deviation_table(result, chosen_form(bid))]
    for table in tables:
        if table.rows:
            section += 1
            chapter.blocks.append(Heading(1, heading_number(1, section), table.title))
            chapter.blocks.append(table)
    day = today or date.today()
    chapter.blocks.append(Closing(bid.bidder.name, f"{day.year}年{day.month}月{day.day}日"))
    if bid.anonymous:
        chapter.anonymous = True
        chapter.blocks = anonymised(chapter.blocks, result.identifying)
    return chapter


def anonymised(blocks: list[Block], words: list[anonymous.Identifying]) -> list[Block]:
    """The blocks of a 暗标 chapter: no signature (投标人名称（盖章）), no column of names, addresses
    or phones, and every identifying word left in the text masked (the check blocks it)."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(replace(block, text=anonymous.scrub(block.text, words)))
        elif isinstance(block, Paragraph):
            out.append(Paragraph(anonymous.scrub(block.text, words)))
        elif isinstance(block, Table):
            keep = [i for i, h in enumerate(block.header) if h not in IDENTIFYING_COLUMNS]
            out.append(replace(block, header=tuple(block.header[i] for i in keep),
                               rows=tuple(tuple(anonymous.scrub(row[i], words) for i in keep) for row in block.rows),
                               widths=tuple(block.widths[i] for i in keep),
                               centred=tuple(keep.index(i) for i in block.centred if i in keep)))
        elif not isinstance(block, Closing):
            out.append(block)
    return out
