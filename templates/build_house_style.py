"""Build templates/house-style.docx, the reference document every rendered chapter starts from.

Run `make house-style` (or `.venv/bin/python templates/build_house_style.py`). The output is
byte-for-byte the same on every run, so the committed file shows in `git diff` only when this
script changes. A company may instead edit the .docx in Word (fonts, spacing, a logo in the
header) and pass it to the renderer; it must keep the style names listed in
`bidkit.render_docx.REQUIRED_STYLES`.

What it holds, in the typography of a Chinese bid chapter (see DOMAIN.md):
- A4, margins 2.54 cm top/bottom and 3.17 cm left/right, header 1.5 cm, footer 1.75 cm;
- "Chapter Title" 黑体 三号 centred; "Heading 1" 黑体 四号 (一、); "Heading 2" 黑体 小四 bold (（一）);
- "Normal" 宋体 小四; "Body Text" 1.5 lines with a two-character first-line indent;
- "Table Text" / "Table Heading" 宋体 五号, single spacing, no indent; "Table Grid" with full borders;
- "Closing" right-aligned with space above; "Header" / "Footer" 宋体 小五, a rule under the header;
- "Draft Mark" (red bold) for the 草稿 mark of a draft; "TOC Heading", "toc 1", "toc 2".
The header and footer hold one empty paragraph each: the renderer fills them from the bid.
"""
from __future__ import annotations

import io
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.style import WD_STYLE_TYPE  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.shared import Pt, RGBColor, Twips  # noqa: E402

from bidkit import docx_xml  # noqa: E402

OUTPUT = ROOT / "templates" / "house-style.docx"

SONG, HEI, LATIN = "宋体", "黑体", "Times New Roman"
# 字号 in points: 三号 16, 四号 14, 小四 12, 五号 10.5, 小五 9
SAN_HAO, SI_HAO, XIAO_SI, WU_HAO, XIAO_WU = 16, 14, 12, 10.5, 9
WORD_BUILT_INS = {"Closing", "toc 1", "toc 2"}
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)

# A4 and Word's Chinese default margins, in twips (1 cm = 567 twips; 3.17 cm is Word's 1800).
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP_BOTTOM, MARGIN_LEFT_RIGHT = 1440, 1800
HEADER_DISTANCE, FOOTER_DISTANCE = 851, 992
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_LEFT_RIGHT


def _paragraph_style(doc, name: str, base: str = "Normal", style_id: str | None = None):
    """The paragraph style `name`, created if the default template lacks it.

    Names Word knows as built-in ("Closing", "toc 1") are created as built-in styles so Word
    uses this definition instead of adding a second style of the same name.
    """
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=name in WORD_BUILT_INS)
        if style_id:
            style.style_id = style_id
    style.base_style = styles[base] if base else None
    style.hidden = False
    style.quick_style = True
    return style


def _font(style, east_asian: str, size: float, bold: bool | None = None, latin: str | None = None) -> None:
    docx_xml.set_east_asian_font(style, east_asian, latin or (LATIN if east_asian == SONG else east_asian))
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = None
    style.font.color.rgb = None


def _spacing(style, before: float = 0, after: float = 0, line: float | None = 1.0) -> None:
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = line
    fmt.first_line_indent = None
    fmt.left_indent = None


def prune_table_styles(doc) -> None:
    """Drop the default template's ~130 colourful table styles: a bid uses "Table Grid" only, Word
    still offers its built-ins, and python-docx scans every style each time it applies one."""
    for style in list(doc.styles):
        if style.type == WD_STYLE_TYPE.TABLE and style.name not in ("Normal Table", "Table Grid"):
            style.delete()


def build_styles(doc) -> None:
    prune_table_styles(doc)
    docx_xml.drop_theme_fonts(doc, SONG)
    docx_xml.set_default_fonts(doc, SONG, LATIN)
    docx_xml.set_east_asian_language(doc, "zh-CN")

    normal = doc.styles["Normal"]
    _font(normal, SONG, XIAO_SI)
    _spacing(normal)
    normal.paragraph_format.widow_control = True

    body = _paragraph_style(doc, "Body Text")
    _font(body, SONG, XIAO_SI)
    _spacing(body, line=1.5)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Pt(2 * XIAO_SI)  # fallback for readers without chars
    docx_xml.first_line_chars(body, 2)

    title = _paragraph_style(doc, "Chapter Title")
    title.next_paragraph_style = body
    _font(title, HEI, SAN_HAO, bold=True)
    _spacing(title, before=12, after=18, line=1.5)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True

    for name, size, before, after in (("Heading 1", SI_HAO, 12, 6), ("Heading 2", XIAO_SI, 6, 0)):
        heading = _paragraph_style(doc, name)
        heading.next_paragraph_style = body
        _font(heading, HEI, size, bold=True)
        _spacing(heading, before=before, after=after, line=1.5)
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.keep_together = True

    table_text = _paragraph_style(doc, "Table Text")
    _font(table_text, SONG, WU_HAO)
    _spacing(table_text, before=2, after=2)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT

    table_heading = _paragraph_style(doc, "Table Heading", base="Table Text")
    _font(table_heading, SONG, WU_HAO, bold=True)
    _spacing(table_heading, before=2, after=2)
    table_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table_heading.paragraph_format.keep_with_next = True

    grid = doc.styles["Table Grid"]
    docx_xml.set_table_borders(grid)

    closing = _paragraph_style(doc, "Closing")
    _font(closing, SONG, XIAO_SI)
    _spacing(closing, before=36, line=1.5)
    closing.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.keep_with_next = True
    docx_xml.contextual_spacing(closing)

    for name in ("Header", "Footer"):
        style = _paragraph_style(doc, name)
        _font(style, SONG, XIAO_WU)
        _spacing(style)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style.paragraph_format.tab_stops.clear_all()
        style.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH // 2), WD_TAB_ALIGNMENT.CENTER)
        style.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    docx_xml.bottom_border(doc.styles["Header"])

    try:
        draft = doc.styles["Draft Mark"]
    except KeyError:
        draft = doc.styles.add_style("Draft Mark", WD_STYLE_TYPE.CHARACTER)
    draft.font.bold = True
    draft.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    docx_xml.set_east_asian_font(draft, HEI)

    toc_heading = _paragraph_style(doc, "TOC Heading", base="Chapter Title")
    _font(toc_heading, HEI, SI_HAO, bold=True)
    _spacing(toc_heading, before=6, after=6, line=1.5)
    toc_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for level in (1, 2):
        toc = _paragraph_style(doc, f"toc {level}", style_id=f"TOC{level}")
        _font(toc, SONG, XIAO_SI)
        _spacing(toc, line=1.5)
        toc.paragraph_format.left_indent = Pt(XIAO_SI * 2 * (level - 1))
        toc.paragraph_format.tab_stops.add_tab_stop(Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT,
                                                     WD_TAB_LEADER.DOTS)


def build_page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin = section.bottom_margin = Twips(MARGIN_TOP_BOTTOM)
    section.left_margin = section.right_margin = Twips(MARGIN_LEFT_RIGHT)
    section.header_distance, section.footer_distance = Twips(HEADER_DISTANCE), Twips(FOOTER_DISTANCE)
    section.gutter = Twips(0)
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    section.header.paragraphs[0].style = doc.styles["Header"]
    section.footer.paragraphs[0].style = doc.styles["Footer"]


def build_properties(doc) -> None:
    props = doc.core_properties
    props.title = "售后服务方案 house style"
    props.subject = "bidkit reference document"
    props.author = "bidkit"
    props.comments = "Built by templates/build_house_style.py; edit in Word, keep the style names."
    props.last_modified_by = "bidkit"
    props.revision = 1
    props.created = props.modified = FIXED_DATE
    # The default template carries a thumbnail of an empty Letter page, and a stale Word 2010
    # copy of its styles (stylesWithEffects.xml, still with theme fonts) that Word 2010 would
    # read instead of ours: drop both.
    package_rels = doc.part.package.rels
    for rel_id in [r for r, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[rel_id]
    for rel_id in [r for r, rel in doc.part.rels.items() if rel.reltype.endswith("/stylesWithEffects")]:
        del doc.part.rels[rel_id]


def build() -> bytes:
    """The house style as .docx bytes, identical on every call."""
    doc = Document()
    docx_xml.clear_body(doc)
    build_styles(doc)
    build_page(doc)
    build_properties(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return docx_xml.stable_zip(buffer.getvalue())


def main() -> int:
    data = build()
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT.relative_to(ROOT)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
