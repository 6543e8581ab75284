"""The findings, the deviation table and the score estimate as one .xlsx, one sheet each.

The workbook is a document the writer hands on (to a colleague, a manager), so it speaks the
chapter's language: Chinese sheet names and headers, the deviation sheet in the very columns the
chapter's 偏离表 has (the tender's own form when the writer kept one), and in 暗标 mode nothing
that names the bidder, as in the chapter.
"""
from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bidkit import anonymous
from bidkit.check import CheckResult
from bidkit.compose import anonymised, chosen_form, deviation_table
from bidkit.docx_xml import strip_illegal_xml_chars
from bidkit.library import Library
from bidkit.model import Bid, Finding
from bidkit.render_docx import MAX_PROPERTY_CHARS
from bidkit.score import RuleScore, ScoreResult

MAX_CELL_CHARS = 32_767  # Excel's own limit: a longer cell makes Excel call the file corrupt
# Rows of one sheet: a real tender has tens; a hostile bid of 2 MB could ask for tens of thousands,
# which would make the workbook slow to build and to open. The rest are counted in a last row.
MAX_SHEET_ROWS = 2_000
MAX_COLUMN_WIDTH = 60  # in Excel's character widths; a longer text wraps within it
MIN_COLUMN_WIDTH = 6
LINE_POINTS = 15  # a line of 11-point text
MAX_ROW_POINTS = 409  # Excel's tallest row; a longer cell scrolls within it
CUT = "…"

STAR_FILL = PatternFill("solid", fgColor="FCE4D6")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BLOCKING_FONT = Font(color="C00000", bold=True)
HEADER_FONT = Font(bold=True)

FINDINGS_HEADER = ("序号", "严重程度", "类别", "招标文件条目号", "招标文件要求", "条款", "说明")
SCORE_HEADER = ("序号", "评分因素", "评分标准", "类型", "我方承诺", "得分", "满分", "可再得", "建议")
SCORE_KINDS = {"tiers": "分档", "increment": "递增", "count": "计数", "presence": "具备即得", "subjective": "主观评分"}
SCORE_WHY = {"subjective": "由评委评定，不作估算", "no-offer": "所选条款未承诺该项",
             "no-base": "招标文件未给出该项的基准值", "not-comparable": "承诺值与评分标准计量方式不同，无法估算"}


@dataclass
class Sheet:
    name: str
    header: tuple[str, ...]
    rows: list[tuple[str | float | None, ...]]
    starred: set[int]  # rows answering a ★ requirement, filled
    blocking: set[int]  # rows whose 严重程度 is 阻断, in red


def findings_workbook(bid: Bid, lib: Library, result: CheckResult, points: ScoreResult,
                      messages: list[str] | None = None) -> bytes:
    """The .xlsx of a bid's check: 检查结果, 偏离表 and 评分自查. `messages` are the findings' messages
    in order, as a page words them (a clause's parameter problems are coded, and the check's own
    message mixes in English); by default the check's."""
    words = result.identifying
    book = Workbook()
    book.remove(book.active)
    findings = _findings_sheet(result, messages or [f.message for f in result.findings])
    for sheet in (findings, _deviation_sheet(bid, result, words), _score_sheet(lib, points)):
        _write(book, sheet, words)
    book.properties.creator = "bidkit"
    book.properties.title = _cell(bid.project, words, MAX_PROPERTY_CHARS)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _starred(finding: Finding) -> bool:
    req = finding.requirement
    return bool(req and (req.mandatory or req.text.startswith("★")))


def _findings_sheet(result: CheckResult, messages: list[str]) -> Sheet:
    titles = {c.version.id: c.version.title for c in result.clauses}
    rows, starred, blocking = [], set(), set()
    for n, (f, message) in enumerate(zip(result.findings, messages, strict=True)):
        req = f.requirement
        star = "★" if _starred(f) and not req.text.startswith("★") else ""
        rows.append((n + 1, "阻断" if f.blocking else "提示", f.status, req.ref if req else "",
                     star + req.text if req else "", titles.get(f.clause_id or "", ""), message))
        if _starred(f):
            starred.add(n)
        if f.blocking:
            blocking.add(n)
    return Sheet("检查结果", FINDINGS_HEADER, rows, starred, blocking)


def _deviation_sheet(bid: Bid, result: CheckResult, words: list[anonymous.Identifying]) -> Sheet:
    """The chapter's 偏离表, and in 暗标 mode as the chapter draws it (compose.anonymised: no column
    of names, addresses or phones), so the two cannot differ."""
    table = deviation_table(result, chosen_form(bid))
    if words:
        table = anonymised([table], words)[0]
    starred = {i for i, f in enumerate(result.requirement_findings) if _starred(f)}
    return Sheet("偏离表", table.header, list(table.rows), starred, set())


def _score_sheet(lib: Library, points: ScoreResult) -> Sheet:
    rows = [(n, r.rule.factor, r.rule.text, SCORE_KINDS[r.rule.kind], r.offer, r.earned, r.rule.max_points,
             r.to_gain, _advice(r, lib)) for n, r in enumerate(points.rules, 1)]
    if rows:
        rows.append(("合计", "", "", "", "", points.earned, points.max, points.left, ""))
    return Sheet("评分自查", SCORE_HEADER, rows, set(), set())


def _advice(row: RuleScore, lib: Library) -> str:
    """What would earn the rest, in the chapter's words; else why the points cannot be estimated."""
    s = row.suggestion
    if s is None:
        return SCORE_WHY.get(row.status, "")
    gain = f"{s.gain:g}"
    if s.code == "add-clause":
        entry = lib.clauses.get(s.clause_id)
        version = entry.latest_approved() if entry else None
        return f"加入条款“{version.title if version else s.clause_id}”最多可再得{gain}分"
    said = f"{s.label}改为{s.value}可再得{gain}分"
    if not s.allowed:
        said += f"，但条款库只允许{'至少' if s.bound_kind == 'min' else '至多'}{s.bound}"
    return said


def _cell(text: str, words: list[anonymous.Identifying], limit: int = MAX_CELL_CHARS) -> str:
    """A text as a cell holds it: without the control characters XML cannot store (the check
    reports them), no identifying word in a 暗标 bid, cut to Excel's limit."""
    text = strip_illegal_xml_chars(text)
    text = anonymous.scrub(text, words) if words else text
    return text if len(text) <= limit else text[:limit - len(CUT)] + CUT


def _text(value: str | float | None) -> str:
    return value if isinstance(value, str) else "" if value is None else f"{value:g}"


def _lines(text: str, width: int) -> int:
    """Lines `text` wraps to in a column `width` wide (less the cell's margins)."""
    room = max(width - 2, 1)
    return sum(max(1, math.ceil(_width(line) / room)) for line in text.split("\n"))


def _width(text: str) -> int:
    """Columns `text` takes in Excel: a CJK (wide) character two, any other one; the longest line."""
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines()), default=0)


def _write(book: Workbook, sheet: Sheet, words: list[anonymous.Identifying]) -> None:
    ws = book.create_sheet(sheet.name)
    rows = [[_cell(h, words) for h in sheet.header]]
    rows += [[_cell(v, words) if isinstance(v, str) else v for v in row] for row in sheet.rows[:MAX_SHEET_ROWS]]
    widths = [min(max(_width(_text(row[i])[:MAX_COLUMN_WIDTH * 4]) for row in rows) + 2, MAX_COLUMN_WIDTH)
              for i in range(len(sheet.header))]
    for i, width in enumerate(widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = max(MIN_COLUMN_WIDTH, width)
    aligned = [Alignment(vertical="top", wrap_text=width >= MAX_COLUMN_WIDTH) for width in widths]
    for r, row in enumerate(rows):
        # Excel and LibreOffice keep a row one line high whatever it wraps, so its height is set
        lines = max(_lines(_text(v), widths[i]) for i, v in enumerate(row))
        if lines > 1:
            ws.row_dimensions[r + 1].height = min(lines * LINE_POINTS, MAX_ROW_POINTS)
        for i, value in enumerate(row):
            cell = ws.cell(r + 1, i + 1, value)  # ws[row] would count the sheet's columns each time
            cell.alignment = aligned[i]
            if r == 0:
                cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            elif r - 1 in sheet.starred:
                cell.fill = STAR_FILL
        if r - 1 in sheet.blocking:
            ws.cell(r + 1, 2).font = BLOCKING_FONT
    if len(sheet.rows) > MAX_SHEET_ROWS:
        ws.cell(len(rows) + 1, 1, f"……另有 {len(sheet.rows) - MAX_SHEET_ROWS} 行未列出（每表最多 {MAX_SHEET_ROWS} 行）")
    # printed as people print a table: landscape, as wide as the page, the header atop each page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{len(rows)}"
