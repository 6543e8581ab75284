"""A bid and the library become one Chapter: the document model both renderers draw.

The chapter holds numbered headings, paragraphs and tables, already in their final words, so the
.docx and the HTML preview differ only in how they draw, never in what they say.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bidkit.check import CheckResult, check, deviation_rows
from bidkit.commitments import ResolvedClause
from bidkit.library import Library
from bidkit.model import Bid

CHINESE_DIGITS = "零一二三四五六七八九"
DRAFT_MARK = "草稿"


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


def deviation_table(result: CheckResult) -> Table:
    rows = tuple((str(r.number), r.ref, r.requirement, r.response, r.status, r.note)
                 for r in deviation_rows(result))
    return Table("售后服务偏离表", ("序号", "招标文件条目号", "招标文件要求", "投标文件响应", "偏离情况", "说明"),
                 rows, (0.7, 1.3, 2.6, 3.0, 1.1, 2.6), centred=(0, 4))


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
              deviation_table(result)]
    for table in tables:
        if table.rows:
            section += 1
            chapter.blocks.append(Heading(1, heading_number(1, section), table.title))
            chapter.blocks.append(table)
    day = today or date.today()
    chapter.blocks.append(Closing(bid.bidder.name, f"{day.year}年{day.month}月{day.day}日"))
    return chapter
