"""The .docx of a chapter, read back with python-docx: house style, numbering, tables, header, footer."""
from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length

from bidkit import bidfile, docx_xml
from bidkit.compose import Chapter, Closing, Heading, Paragraph, Table, compose
from bidkit.errors import RenderError
from bidkit.render_docx import DEFAULT_HOUSE_STYLE, REQUIRED_STYLES, column_widths, render_docx

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"
TODAY = date(2026, 5, 18)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
TABLE_TITLES = ("售后服务承诺一览表", "售后服务人员配置表", "售后服务网点", "售后服务偏离表")



@pytest.fixture(scope="module")
def chapter(lib) -> Chapter:
    return compose(bidfile.read(DEMO), lib, today=TODAY)


@pytest.fixture(scope="module")
def rendered(chapter) -> bytes:
    return render_docx(chapter)


@pytest.fixture(scope="module")
def document(rendered):
    return docx.Document(io.BytesIO(rendered))


@pytest.fixture(scope="module")
def toc_document(chapter):
    return docx.Document(io.BytesIO(render_docx(chapter, toc=True)))


@pytest.fixture(scope="module")
def draft_document(chapter):
    return docx.Document(io.BytesIO(render_docx(dataclasses.replace(chapter, draft=True))))


def parts_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist()
                if name.endswith(".xml")}


def all_text(document) -> str:
    """Body paragraphs, table cells, header and footer, one string."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(texts)


def table_for(document, chapter, title: str):
    """The rendered table of the model table named `title`, with the model table."""
    model_tables = chapter.tables()
    index = next(i for i, t in enumerate(model_tables) if t.title == title)
    return document.tables[index], model_tables[index]


# --- page and styles --------------------------------------------------------------------------

def test_page_is_a4_with_word_margins(document):
    """A4 portrait, 2.54 cm top and bottom, 3.17 cm left and right."""
    section = document.sections[0]
    assert abs(section.page_width.cm - 21.0) < 0.01 and abs(section.page_height.cm - 29.7) < 0.01
    assert abs(section.top_margin.cm - 2.54) < 0.01 and abs(section.bottom_margin.cm - 2.54) < 0.01
    assert abs(section.left_margin - Cm(3.17)) < Cm(0.01) and abs(section.right_margin - Cm(3.17)) < Cm(0.01)


@pytest.mark.parametrize("name, east_asian, size, bold", [
    ("Chapter Title", "黑体", 16, True),
    ("Heading 1", "黑体", 14, True),
    ("Heading 2", "黑体", 12, True),
    ("Normal", "宋体", 12, None),
    ("Body Text", "宋体", 12, None),
    ("Table Text", "宋体", 10.5, None),
    ("Table Heading", "宋体", 10.5, True),
    ("Closing", "宋体", 12, None),
    ("Header", "宋体", 9, None),
    ("Footer", "宋体", 9, None),
])
def test_styles_name_chinese_fonts_and_sizes(document, name, east_asian, size, bold):
    """Each style names its Chinese font in w:eastAsia (not only a Latin font) and its 字号."""
    style = document.styles[name]
    assert docx_xml.east_asian_font(style) == east_asian
    assert style.font.size.pt == size
    assert style.font.bold is bold


def test_no_theme_fonts_and_east_asian_defaults(rendered):
    """No w:eastAsiaTheme anywhere; docDefaults name 宋体 and mark East Asian text zh-CN."""
    styles = parts_xml(rendered)["word/styles.xml"]
    assert "eastAsiaTheme" not in styles and "asciiTheme" not in styles
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert 'w:eastAsia="宋体"' in defaults and 'w:eastAsia="zh-CN"' in defaults


def test_every_font_setting_names_an_east_asian_font(rendered):
    """Wherever a Latin font is named (styles, body, header, footer), w:eastAsia is named too.

    (numbering.xml is left out: its Symbol/Wingdings fonts draw bullet glyphs, not text.)"""
    for name, xml in parts_xml(rendered).items():
        if not re.fullmatch(r"word/(styles|document|header\d*|footer\d*)\.xml", name):
            continue
        for rfonts in re.findall(r"<w:rFonts [^>]*/>", xml):
            if "w:ascii=" in rfonts or "w:hAnsi=" in rfonts:
                assert "w:eastAsia=" in rfonts, (name, rfonts)


def test_headings_keep_with_next(document):
    for name in ("Chapter Title", "Heading 1", "Heading 2"):
        assert document.styles[name].paragraph_format.keep_with_next is True


def test_body_indents_two_characters_at_one_and_a_half_lines(document, chapter):
    """Body Text: w:firstLineChars=200, line spacing 1.5; every Paragraph block uses it."""
    body = document.styles["Body Text"]
    ind = body.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert body.paragraph_format.line_spacing == 1.5
    texts = [p.text for p in document.paragraphs if p.style.name == "Body Text"]
    assert texts == [b.text for b in chapter.blocks if isinstance(b, Paragraph)]


def test_table_text_has_no_first_line_indent(document):
    for name in ("Table Text", "Table Heading"):
        style = document.styles[name]
        ind = style.element.pPr.find(qn("w:ind"))
        assert ind is None or ind.get(qn("w:firstLineChars")) is None
        assert style.paragraph_format.first_line_indent is None
        assert style.paragraph_format.line_spacing == 1.0


# --- headings, paragraphs, closing ------------------------------------------------------------

def test_headings_carry_their_numbers_in_heading_styles(document, chapter):
    """第六章 in Chapter Title, 一、 in Heading 1, （一） in Heading 2, in the model's order."""
    styles = {0: "Chapter Title", 1: "Heading 1", 2: "Heading 2"}
    rendered = [(p.style.name, p.text) for p in document.paragraphs if p.style.name in styles.values()]
    assert rendered == [(styles[h.level], h.full) for h in chapter.headings()]
    assert rendered[0] == ("Chapter Title", "第六章 售后服务方案")
    assert rendered[1][1].startswith("一、") and rendered[2][1].startswith("（一）")
    assert any(text.startswith("十、") for _, text in rendered)


def test_closing_block_is_right_aligned(document, chapter):
    closing = next(b for b in chapter.blocks if isinstance(b, Closing))
    last = document.paragraphs[-2:]
    assert [p.text for p in last] == [f"投标人名称（盖章）：{closing.bidder}", f"日期：{closing.date}"]
    assert last[0].text == "投标人名称（盖章）：广东粤信科技有限公司"
    assert all(p.style.name == "Closing" for p in last)
    style = document.styles["Closing"]
    assert style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert style.paragraph_format.space_before.pt > 0


def test_no_placeholders_left(document):
    text = all_text(document)
    for mark in ("{{", "}}", "{%", "XX"):
        assert mark not in text


# --- tables -----------------------------------------------------------------------------------

def test_every_model_table_is_rendered(document, chapter):
    assert [t.title for t in chapter.tables()] == list(TABLE_TITLES)
    assert len(document.tables) == len(TABLE_TITLES)


@pytest.mark.parametrize("title", TABLE_TITLES)
def test_table_header_repeats_and_is_bold(document, chapter, title):
    table, model = table_for(document, chapter, title)
    header = table.rows[0]
    assert "tblHeader" in docx_xml.row_flags(header)
    assert [c.text for c in header.cells] == list(model.header)
    for cell in header.cells:
        assert cell.paragraphs[0].style.name == "Table Heading"
    assert document.styles["Table Heading"].font.bold is True
    assert all("tblHeader" not in docx_xml.row_flags(row) for row in table.rows[1:])


@pytest.mark.parametrize("title", TABLE_TITLES)
def test_table_rows_do_not_split_and_hold_the_model(document, chapter, title):
    table, model = table_for(document, chapter, title)
    assert len(table.rows) == len(model.rows) + 1
    for row, values in zip(table.rows[1:], model.rows):
        assert "cantSplit" in docx_xml.row_flags(row)
        assert [c.text for c in row.cells] == list(values)
        assert all(c.paragraphs[0].style.name == "Table Text" for c in row.cells)


@pytest.mark.parametrize("title", TABLE_TITLES)
def test_table_has_full_grid_borders(document, chapter, title):
    table, _ = table_for(document, chapter, title)
    assert docx_xml.table_borders(table) == {edge: "single" for edge in
                                             ("top", "left", "bottom", "right", "insideH", "insideV")}
    assert table.style.name == "Table Grid"


@pytest.mark.parametrize("title", TABLE_TITLES)
def test_table_fills_the_text_width_and_centres_code_columns(document, chapter, title):
    table, model = table_for(document, chapter, title)
    section = document.sections[0]
    text_width = Length(section.page_width - section.left_margin - section.right_margin).twips
    widths = [column.width.twips for column in table.columns]
    assert abs(sum(widths) - text_width) <= len(widths)
    for column in model.centred:
        for row in table.rows[1:]:
            assert row.cells[column].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_narrow_columns_are_widened_to_fit_their_header(document, chapter):
    """The deviation table's 序号 and 偏离情况 columns are wide enough not to wrap (五号 = 210 twips)."""
    table, model = table_for(document, chapter, "售后服务偏离表")
    widths = [column.width.twips for column in table.columns]
    assert widths[0] >= 2 * 210 + 216
    assert widths[4] >= 4 * 210 + 216


@pytest.mark.parametrize("relative, columns, total, minimums, expected", [
    ((1, 1), 2, 1000, None, [500, 500]),
    ((1, 3), 2, 1000, None, [250, 750]),
    ((), 3, 900, None, [300, 300, 300]),
    ((1, 0, 1), 3, 900, None, [300, 300, 300]),
    ((1, 9), 2, 1000, [300, 0], [300, 700]),
    ((1, 1), 2, 1000, [800, 800], [500, 500]),
])
def test_column_widths(relative, columns, total, minimums, expected):
    """Relative widths scale to the text width; minimums are honoured when they fit."""
    assert column_widths(relative, columns, total, minimums) == expected


# --- header, footer, fields -------------------------------------------------------------------

def test_header_names_project_and_number(document, chapter):
    header = document.sections[0].header
    assert header.is_linked_to_previous is False
    paragraph = header.paragraphs[0]
    assert paragraph.style.name == "Header"
    assert paragraph.text == "湛江市第一中学教学设备采购项目  项目编号：ZJCG-2026-0142"
    assert "草稿" not in paragraph.text
    assert not docx_xml.watermark_texts(header._element)


def test_footer_counts_pages_with_fields(document):
    paragraph = document.sections[0].footer.paragraphs[0]
    assert paragraph.style.name == "Footer"
    assert docx_xml.field_instructions(paragraph._p) == ["PAGE", "NUMPAGES"]
    assert paragraph.text == "第 1 页 共 1 页"
    kinds = [c.get(qn("w:fldCharType")) for c in paragraph._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    for run in paragraph._p.iter(qn("w:r")):  # each field piece in a run of its own
        pieces = [c for c in run if c.tag in (qn("w:fldChar"), qn("w:instrText"), qn("w:t"))]
        assert len(pieces) <= 1


def test_no_toc_unless_asked(document, rendered):
    assert not any(i.startswith("TOC") for i in docx_xml.field_instructions(document.element.body))
    assert "updateFields" not in parts_xml(rendered)["word/settings.xml"]


def test_toc_follows_the_chapter_title(toc_document, chapter):
    paragraphs = toc_document.paragraphs
    assert paragraphs[0].style.name == "Chapter Title"
    assert paragraphs[1].style.name == "TOC Heading"
    instructions = docx_xml.field_instructions(paragraphs[2]._p)
    assert instructions[0] == r'TOC \o "1-2" \h \z \u'
    entries = [p.text.rstrip("\t") for p in paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert entries == [h.full for h in chapter.headings() if h.level in (1, 2)]
    bookmarks = {b.get(qn("w:name")) for b in toc_document.element.body.iter(qn("w:bookmarkStart"))}
    anchors = {i[len("PAGEREF "):].split()[0] for i in docx_xml.field_instructions(toc_document.element.body)
               if i.startswith("PAGEREF")}
    assert anchors and anchors == bookmarks
    settings = toc_document.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    first_section = next(p for p in paragraphs if p.style.name == "Heading 1")
    assert first_section.paragraph_format.page_break_before is True


def test_draft_is_marked_in_the_header_of_every_page(draft_document):
    header = draft_document.sections[0].header
    paragraph = header.paragraphs[0]
    assert paragraph.text.startswith("草稿 — 湛江市第一中学教学设备采购项目")
    assert paragraph.runs[0].text == "草稿" and paragraph.runs[0].style.name == "Draft Mark"
    assert docx_xml.watermark_texts(header._element) == ["草稿"]
    title = draft_document.paragraphs[0]
    assert title.text == "第六章 售后服务方案"


# --- house style --------------------------------------------------------------------------------

def test_house_style_lacking_a_style_is_a_render_error(chapter, tmp_path):
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    house.styles["Heading 2"].element.getparent().remove(house.styles["Heading 2"].element)
    path = tmp_path / "x.docx"
    house.save(str(path))
    with pytest.raises(RenderError) as caught:
        render_docx(chapter, path)
    assert "lacks the paragraph style 'Heading 2'" in str(caught.value)
    assert "x.docx" in str(caught.value)


@pytest.mark.parametrize("content", [None, b"not a zip file"])
def test_house_style_that_cannot_be_opened_is_a_render_error(chapter, tmp_path, content):
    path = tmp_path / "style.docx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RenderError, match="cannot be opened"):
        render_docx(chapter, path)


def test_house_style_defines_every_required_style():
    house = docx.Document(str(DEFAULT_HOUSE_STYLE))
    defined = {(s.name, s.type) for s in house.styles}
    assert set(REQUIRED_STYLES) <= defined
    assert not house.paragraphs and not house.tables


def test_house_style_file_is_what_the_script_builds():
    """templates/house-style.docx is up to date with templates/build_house_style.py."""
    spec = importlib.util.spec_from_file_location("build_house_style",
                                                  ROOT / "templates" / "build_house_style.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == DEFAULT_HOUSE_STYLE.read_bytes()


def test_rendering_is_deterministic(chapter, rendered):
    assert render_docx(chapter) == rendered


# --- hostile text -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("a\x00b\x0bc\x0cd\x1fe", "abcde"),
    ("tab\tand\nnewline\r", "tab\tand\nnewline\r"),
    ("草稿\ufffe", "草稿"),
])
def test_strip_illegal_xml_chars(text, expected):
    assert docx_xml.strip_illegal_xml_chars(text) == expected


def test_control_characters_in_the_bid_never_reach_the_docx(lib):
    """Form feeds and NULs pasted into names, addresses and text parameters are dropped."""
    bid = bidfile.read(DEMO)
    bid.project = "湛江市\x0c第一中学教学设备采购项目"
    bid.bidder.name = "广东\x0b粤信\x00科技有限公司"
    bid.bidder.address = "广州市\x0b天河区"
    bid.staff[1].name = "张\x0b伟"
    bid.offices[0].address = "湛江市赤坎区\x1f康宁路21号"
    next(c for c in bid.clauses if c.id == "service-contact").params["service_manager"] = "本项目\x0c售后负责人"
    chapter = compose(bid, lib, today=TODAY)
    data = render_docx(dataclasses.replace(chapter, draft=True), toc=True)
    for name, xml in parts_xml(data).items():
        assert not CONTROL.search(xml), name
    document = docx.Document(io.BytesIO(data))
    text = all_text(document)
    assert "投标人名称（盖章）：广东粤信科技有限公司" in text
    assert "张伟" in text and "湛江市赤坎区康宁路21号" in text and "本项目售后负责人统一登记" in text
    assert "湛江市第一中学教学设备采购项目  项目编号" in document.sections[0].header.paragraphs[0].text


def test_minimal_chapter_renders(tmp_path):
    """A chapter of one heading, one paragraph and an empty table renders without a title block."""
    chapter = Chapter(title="", project="", project_number="", blocks=[
        Heading(1, "一、", "总则"), Paragraph("正文"), Table("空表", ("序号", "内容"), (), (1, 3)),
    ])
    document = docx.Document(io.BytesIO(render_docx(chapter, toc=True)))
    assert [p.text.rstrip("\t") for p in document.paragraphs][:3] == ["目　录", "一、总则", "一、总则"]
    assert len(document.tables) == 1 and len(document.tables[0].rows) == 1


# --- layout of the tables and the running header (issue 12) ----------------------------------

def test_deviation_note_column_gets_a_fair_share(document, chapter):
    """说明 holds reasons of 10-45 characters: it is as wide as 招标文件要求 and holds six
    characters a line (it held 2-4), 五号 being 210 twips."""
    table, model = table_for(document, chapter, "售后服务偏离表")
    assert model.header[2] == "招标文件要求" and model.header[5] == "说明"
    widths = [column.width.twips for column in table.columns]
    assert widths[5] >= widths[2]
    assert widths[5] >= 6 * 210 + 216


def test_commitment_table_repeats_no_column(chapter):
    """The 承诺一览表 names each commitment once (the clause title repeated its label: 服务时间 |
    服务时间) and says where in the chapter it is written."""
    table = next(t for t in chapter.tables() if t.title == "售后服务承诺一览表")
    assert table.header == ("序号", "承诺事项", "承诺内容", "所在条款")
    headings = {b.full for b in chapter.headings()}
    for row in table.rows:
        assert len(set(row[1:])) == len(row) - 1, row
        section, sub = row[3].split("、", 1)
        assert f"{section}、" in {h[:len(section) + 1] for h in headings} and sub.startswith("（")
    service_hours = next(row for row in table.rows if row[1] == "服务时间")
    assert service_hours[2:] == ("7×24小时", "五、（一）")


def test_redline_header_names_the_clause_and_versions():
    """The redline's header names the clause and its versions; it is no 项目编号."""
    from bidkit.diff import diff_versions, redline_chapter
    from bidkit.library import load
    from tests.conftest import shipped
    lib = load(shipped() / "clause_library", use_cache=False)
    old, new = (lib.version("warranty-period", n) for n in (1, 2))
    chapter = redline_chapter(diff_versions(old, new))
    header = docx.Document(io.BytesIO(render_docx(chapter))).sections[0].header.paragraphs[0].text
    assert header == "条款修订对照：质保期承诺（warranty-period）  v1 → v2"
    assert "项目编号" not in header
