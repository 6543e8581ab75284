"""A Chapter as a Word document, drawn with the named styles of a house-style reference .docx.

The house style (templates/house-style.docx, built by templates/build_house_style.py, or a
company's own copy edited in Word) holds every font, size and spacing; this module only picks
style names, so changing the look never means changing code. It keeps the style's page set-up,
header and footer, fills the header with the chapter's running header and the footer with
"第 X 页 共 Y 页", and writes the chapter's blocks in order. Headings carry their numbers as text
(一、 （一）), exactly as the HTML preview shows them.

Raw-XML workarounds (East Asian fonts, fields, borders, header rows) live in bidkit.docx_xml.
"""
from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError

from bidkit import anonymous, docx_xml
from bidkit.compose import DRAFT_MARK, Chapter, Closing, Heading, Paragraph, Table, Tracked
from bidkit.errors import RenderError
from bidkit.userfile import read_user_file

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOUSE_STYLE = ROOT / "templates" / "house-style.docx"

HEADING_STYLES = {0: "Chapter Title", 1: "Heading 1", 2: "Heading 2"}
BODY_STYLE = "Body Text"
TABLE_STYLE = "Table Grid"
TABLE_TEXT_STYLE = "Table Text"
TABLE_HEADING_STYLE = "Table Heading"
CLOSING_STYLE = "Closing"
HEADER_STYLE, FOOTER_STYLE = "Header", "Footer"
DRAFT_STYLE = "Draft Mark"
TOC_HEADING_STYLE = "TOC Heading"

_PARAGRAPH, _CHARACTER, _TABLE = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE
# Every style a render may use, with its kind: a house style must define them all.
REQUIRED_STYLES: tuple[tuple[str, WD_STYLE_TYPE], ...] = (
    *((name, _PARAGRAPH) for name in HEADING_STYLES.values()),
    (BODY_STYLE, _PARAGRAPH),
    (TABLE_TEXT_STYLE, _PARAGRAPH),
    (TABLE_HEADING_STYLE, _PARAGRAPH),
    (CLOSING_STYLE, _PARAGRAPH),
    (HEADER_STYLE, _PARAGRAPH),
    (FOOTER_STYLE, _PARAGRAPH),
    (TABLE_STYLE, _TABLE),
    (DRAFT_STYLE, _CHARACTER),
    (TOC_HEADING_STYLE, _PARAGRAPH),
)
CELL_MARGINS = 216  # Word's default left + right cell margins, in twips
_KIND_NAMES = {_PARAGRAPH: "paragraph", _CHARACTER: "character", _TABLE: "table"}

MAX_PROPERTY_CHARS = 255  # python-docx refuses a longer core property (ValueError)
MAX_STYLE_BYTES = 20 * 1024 * 1024  # our house style is 14 KB; room for logos, not for a library of them
TOC_TITLE = "目　录"
TOC_LEVELS = (1, 2)
TOC_INSTRUCTION = r'TOC \o "1-2" \h \z \u'
TOC_PLACEHOLDER = "（目录在 Word 中打开时生成；如未显示，请右键单击此处并选择“更新域”。）"


def render_docx(chapter: Chapter, style_path: str | Path | None = None, *, toc: bool = False) -> bytes:
    """The chapter as .docx bytes, in the house style at `style_path` (default: ours).

    `toc` inserts a table of contents (section and clause headings) after the chapter title.
    A draft chapter (`chapter.draft`) carries 草稿 in the header and as a watermark on every page.
    Raises RenderError when the house style cannot be opened or lacks a style it needs.
    """
    doc = open_house_style(style_path)
    docx_xml.clear_body(doc)
    ids = docx_xml.style_ids(doc)

    def add(text: str, style: str):
        return docx_xml.append_paragraph(doc, text, ids[style])

    text_width = _text_width(doc)
    blocks = list(chapter.blocks)
    toc_at = next((i + 1 for i, b in enumerate(blocks) if isinstance(b, Heading) and b.level == 0), 0)
    anchors = {i: f"_Toc{i:06d}" for i, b in enumerate(blocks)
               if toc and isinstance(b, Heading) and b.level in TOC_LEVELS}
    break_before = False
    for index, block in enumerate(blocks + [None]):
        if toc and index == toc_at:
            _add_toc(doc, [(blocks[i], anchor) for i, anchor in anchors.items()])
            break_before = True  # the chapter's text starts on the page after its contents
        if block is None:
            break
        if isinstance(block, Heading):
            paragraph = add(_clean(block.full), _heading_style(block.level))
            if index in anchors:
                docx_xml.add_bookmark(paragraph, anchors[index], index)
        elif isinstance(block, Paragraph):
            paragraph = add(_clean(block.text), BODY_STYLE)
        elif isinstance(block, Table):
            _add_table(doc, block, text_width, ids)
            paragraph = None
        elif isinstance(block, Tracked):
            docx_xml.append_tracked_paragraphs(doc, ((op, _clean(text)) for op, text in block.changes),
                                               ids[BODY_STYLE], _clean(block.author), block.date)
            paragraph = None
        elif isinstance(block, Closing):
            paragraph = add(f"投标人名称（盖章）：{_clean(block.bidder)}", CLOSING_STYLE)
            add(f"日期：{_clean(block.date)}", CLOSING_STYLE)
        else:
            raise RenderError(f"the chapter holds a block the .docx renderer does not know: "
                              f"{type(block).__name__}")
        if break_before and paragraph is not None:
            paragraph.paragraph_format.page_break_before = True
        break_before = False
    if toc:
        docx_xml.update_fields_on_open(doc)
    _fill_headers(doc, chapter)
    _fill_footers(doc)
    _set_properties(doc, chapter)
    if chapter.anonymous:
        anonymous.scrub_package(doc, _headers_in_use(doc, "header") + _headers_in_use(doc, "footer"))
    buffer = io.BytesIO()
    doc.save(buffer)
    return docx_xml.stable_zip(buffer.getvalue())


def open_house_style(style_path: str | Path | None = None) -> Document:
    """The house-style document, checked to define every style in REQUIRED_STYLES."""
    path = Path(style_path) if style_path is not None else DEFAULT_HOUSE_STYLE
    shown = _shown(path)
    try:
        data = read_user_file(path, MAX_STYLE_BYTES, RenderError)
    except RenderError as exc:
        raise RenderError(f"house style {shown} cannot be opened: {exc.message}", code=exc.code,
                          **exc.values) from None
    try:
        doc = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RenderError(f"house style {shown} cannot be opened: it is not a Word .docx file ({exc})") from None
    check_house_style(doc, shown)
    return doc


def check_house_style(doc: Document, shown: str = "house-style.docx") -> None:
    """Raise RenderError naming the first style the document lacks (never KeyError, #1333)."""
    defined = {(style.name, style.type) for style in doc.styles}
    for name, kind in REQUIRED_STYLES:
        if (name, kind) not in defined:
            raise RenderError(f"house style {shown} lacks the {_KIND_NAMES[kind]} style '{name}'")


def _shown(path: Path) -> str:
    """The path as a user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _clean(text: object) -> str:
    return docx_xml.strip_illegal_xml_chars(str(text))


def _property(text: object) -> str:
    """A document property (title, subject, author) as python-docx takes it: at most
    MAX_PROPERTY_CHARS, cut with an ellipsis; the chapter itself keeps the whole text."""
    text = _clean(text)
    return text if len(text) <= MAX_PROPERTY_CHARS else text[:MAX_PROPERTY_CHARS - 1] + "…"


def _heading_style(level: int) -> str:
    return HEADING_STYLES.get(level, HEADING_STYLES[2])


def _text_width(doc: Document) -> int:
    """Width between the margins of the last section, in twips."""
    section = doc.sections[-1]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def column_widths(relative: tuple[float, ...], columns: int, total: int,
                  minimums: list[int] | None = None) -> list[int]:
    """`relative` widths scaled to `total` twips, no column narrower than its minimum.

    Missing or non-positive weights get the average weight. A column raised to its minimum
    takes the difference from the others in proportion to their widths; if the minimums
    themselves do not fit, the plain proportional widths are kept.
    """
    weights = [w if w and w > 0 else 0 for w in list(relative)[:columns]]
    weights += [0] * (columns - len(weights))
    if sum(weights) <= 0:
        weights = [1] * columns
    fallback = sum(weights) / max(1, sum(1 for w in weights if w))
    weights = [w or fallback for w in weights]
    widths = [w * total / sum(weights) for w in weights]
    floors = list(minimums or [0] * columns)
    if sum(floors) < total:
        fixed: set[int] = set()
        while True:
            short = {i for i, w in enumerate(widths) if i not in fixed and w < floors[i]}
            if not short:
                break
            fixed |= short
            room = total - sum(floors[i] for i in fixed)
            free = sum(widths[i] for i in range(columns) if i not in fixed)
            widths = [floors[i] if i in fixed else widths[i] * room / free for i in range(columns)]
    result = [int(w) for w in widths]
    result[-1] += total - sum(result)
    return result


def _em_width(text: str) -> float:
    """Width of `text` in ems: CJK and full-width characters 1, others about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def _minimum_widths(doc: Document, block: Table, columns: int) -> list[int]:
    """Per column, the twips a header needs to stay on one line up to four characters (序号,
    偏离情况) and to break into two even lines beyond (招标文件/条目号), and that a centred column
    (codes, statuses such as 正偏离) needs never to wrap."""
    size = _font_size_twips(doc.styles[TABLE_HEADING_STYLE])
    minimums = []
    for column in range(columns):
        header = str(block.header[column])
        ems = _em_width(header)
        ems = ems if ems <= 4 else math.ceil(ems / 2)
        if column in block.centred:
            cells = [str(row[column]) for row in block.rows if column < len(row)]
            ems = max([ems] + [min(_em_width(c), 8.0) for c in cells])
        minimums.append(int(ems * size) + CELL_MARGINS + 40)
    return minimums


def _font_size_twips(style) -> int:
    """The style's font size (following its base styles) in twips; 五号 if none is set."""
    while style is not None:
        if style.font.size is not None:
            return int(style.font.size.pt * 20)
        style = style.base_style
    return 210


def _add_table(doc: Document, block: Table, text_width: int, ids: dict[str, str]) -> None:
    columns = len(block.header)
    if columns == 0:
        return
    rows = [tuple(block.header)] + [tuple(row)[:columns] + ("",) * (columns - len(row)) for row in block.rows]
    widths = column_widths(block.widths, columns, text_width, _minimum_widths(doc, block, columns))
    docx_xml.append_table(doc, [[_clean(v) for v in row] for row in rows], widths, ids[TABLE_STYLE],
                          ids[TABLE_HEADING_STYLE], ids[TABLE_TEXT_STYLE], set(block.centred))


def _add_toc(doc: Document, entries: list[tuple[Heading, str]]) -> None:
    """"目录" and a TOC field whose cached result already lists the headings.

    The entries link to the headings' bookmarks and take their page numbers from PAGEREF fields,
    so a reader that does not rebuild the TOC (LibreOffice, WPS) still shows a complete one, and
    Word rebuilds it on open (w:updateFields).
    """
    doc.add_paragraph(TOC_TITLE, style=TOC_HEADING_STYLE)
    styles = {style.name for style in doc.styles if style.type == _PARAGRAPH}
    if not entries:
        paragraph = doc.add_paragraph(style=BODY_STYLE)
        docx_xml.add_field(paragraph, TOC_INSTRUCTION, TOC_PLACEHOLDER, dirty=True)
        return
    for n, (heading, anchor) in enumerate(entries):
        style = f"toc {heading.level}"
        paragraph = doc.add_paragraph(style=style if style in styles else BODY_STYLE)
        if n == 0:
            docx_xml.begin_field(paragraph, TOC_INSTRUCTION, dirty=True)
        docx_xml.add_toc_entry(paragraph, _clean(heading.full), anchor)
        if n == len(entries) - 1:
            docx_xml.end_field(paragraph)


def _headers_in_use(doc: Document, kind: str) -> list:
    """The headers (or footers) Word shows: default, plus first-page and even-page ones if enabled."""
    found = []
    for section in doc.sections:
        found.append(getattr(section, kind))
        if section.different_first_page_header_footer:
            found.append(getattr(section, f"first_page_{kind}"))
        if doc.settings.odd_and_even_pages_header_footer:
            found.append(getattr(section, f"even_page_{kind}"))
    return found


def _own_paragraph(part, style: str):
    """The first paragraph of a header/footer, emptied for the renderer; the rest is kept."""
    part.is_linked_to_previous = False
    paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
    paragraph.clear()
    paragraph.style = style
    return paragraph


def _fill_headers(doc: Document, chapter: Chapter) -> None:
    line = _clean(chapter.running_header)
    watermark_font = docx_xml.east_asian_font(doc.styles[DRAFT_STYLE]) or "SimHei"
    for n, header in enumerate(_headers_in_use(doc, "header"), 1):
        paragraph = _own_paragraph(header, HEADER_STYLE)
        if chapter.draft:
            paragraph.add_run(DRAFT_MARK, style=DRAFT_STYLE)
            paragraph.add_run(" — ")
        paragraph.add_run(line)
        if chapter.draft:
            docx_xml.add_text_watermark(paragraph, DRAFT_MARK, watermark_font, n=n)


def _fill_footers(doc: Document) -> None:
    for footer in _headers_in_use(doc, "footer"):
        paragraph = _own_paragraph(footer, FOOTER_STYLE)
        paragraph.add_run("第 ")
        docx_xml.add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" 页 共 ")
        docx_xml.add_field(paragraph, "NUMPAGES", "1")
        paragraph.add_run(" 页")


def _set_properties(doc: Document, chapter: Chapter) -> None:
    props = doc.core_properties
    props.title = _property(chapter.title)
    props.subject = _property(f"{chapter.project} {chapter.project_number}".strip())
    props.keywords = "草稿" if chapter.draft else ""
    bidder = next((b.bidder for b in chapter.blocks if isinstance(b, Closing)), "")
    props.author = _property(bidder)
    props.last_modified_by = _property(bidder)
    props.comments = "由 bidkit 生成"
