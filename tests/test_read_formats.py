"""Reading .pdf and .docx tenders: where every block stands (page, paragraph, table/row), PDF
geometry (running heads, wrapped lines, ruled tables), and the inputs refused with one clear line
(garbage text layer, renamed .doc/.wps, zip bombs, too many pages)."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from bidkit.errors import ExtractError
from bidkit.extract import extract_file, read_tender
from bidkit.extract import read_docx, read_pdf
from bidkit.extract.pdf_geometry import text_layer_problem

import build_fixtures

needs_cjk_font = pytest.mark.skipif(build_fixtures.cjk_font() is None, reason="no CJK font to write a PDF")


# ---------------------------------------------------------------- building PDFs

def _fpdf(head=None, foot=None):
    """An A4 FPDF with the CJK font (ASCII from a Latin fallback) and optional running heads:
    `head(n)` / `foot(n)` give page n's header / footer text."""
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):
            if head:
                self.set_font("cjk", size=9)
                self.cell(0, 6, head(self.page_no()), align="C")
                self.ln(10)

        def footer(self):
            if foot:
                self.set_y(-15)
                self.set_font("cjk", size=9)
                self.cell(0, 6, foot(self.page_no()), align="C")

    pdf = Doc(format="A4")
    pdf.add_font("cjk", fname=str(build_fixtures.cjk_font()))
    latin = next((f for f in build_fixtures.LATIN_FONTS if f.exists()), None)
    if latin is not None:
        pdf.add_font("latin", fname=str(latin))
        pdf.set_fallback_fonts(["latin"])
    pdf.set_auto_page_break(True, margin=22)
    return pdf


def _para_broken_after(pdf, prefix: str, token: str, tail: str) -> str:
    """`prefix` padded until the line wraps right after `token` (e.g. "30" | "分钟内响应")."""
    for pad in range(80):
        text = prefix + "和" * pad + token + tail
        lines = pdf.multi_cell(pdf.epw, 7, text, dry_run=True, output="LINES")
        if any(ln.endswith(token) for ln in lines[:-1]):
            return text
    raise AssertionError("no padding breaks the line after the token")


FOOTERS = {
    "第 N 页 共 M 页": lambda n: f"第 {n} 页 共 4 页",
    "— N —": lambda n: f"— {n} —",
    "N/M": lambda n: f"{n}/4",
    "- N -": lambda n: f"- {n} -",
}
TITLE = "含山县加压泵站设备采购及安装项目招标文件"


def build_tender_pdf(path: Path, foot, pages: int = 4, table: bool = False) -> Path:
    """`pages` pages, each: a numbered heading, a justified paragraph wrapped right after "30",
    a short paragraph; a running title on top, `foot` at the bottom; optionally a ruled table
    with a ★ column on the last page."""
    from fpdf.enums import XPos, YPos

    pdf = _fpdf(head=lambda n: TITLE, foot=foot)
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("cjk", size=11)
        pdf.multi_cell(pdf.epw, 7, f"{n}、第{n}部分 售后服务要求", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        text = _para_broken_after(pdf, "中标人应提供7×24小时技术支持服务，设备出现故障时，中标人必须在接到报修电话后",
                                  "30", "分钟内响应，并在2小时内赶到现场排除故障。")
        pdf.multi_cell(pdf.epw, 7, text, align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.multi_cell(pdf.epw, 7, f"本部分共{n + 2}条。", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if table:
        pdf.ln(4)
        with pdf.table(col_widths=(12, 10, 80), text_align="LEFT", first_row_as_headings=False) as t:
            for row in (("序号", "★", "技术要求"),
                        ("1", "★", "投标人须承诺设备质保期不少于36个月，质保期内出现质量问题免费更换同型号新设备，"
                                   "且更换后的设备重新计算质保期。"),
                        ("2", "", "接到故障通知后4小时内响应，48小时内到达现场。")):
                r = t.row()
                for c in row:
                    r.cell(c)
    pdf.output(str(path))
    return path


# ---------------------------------------------------------------- PDF geometry

@needs_cjk_font
@pytest.mark.parametrize("style", list(FOOTERS))
def test_pdf_running_heads_and_page_numbers_are_dropped(tmp_path: Path, style: str) -> None:
    blocks = read_tender(build_tender_pdf(tmp_path / "t.pdf", FOOTERS[style]))
    texts = [b.text for b in blocks]
    assert not any(TITLE in t for t in texts), texts
    assert not any(t.strip("—-/ 第页共0123456789") == "" for t in texts), texts
    assert [t for t in texts if "售后服务要求" in t] == [f"{n}、第{n}部分 售后服务要求" for n in range(1, 5)]


@needs_cjk_font
def test_pdf_line_broken_inside_a_number_is_joined(tmp_path: Path) -> None:
    path = build_tender_pdf(tmp_path / "t.pdf", FOOTERS["第 N 页 共 M 页"], pages=1)
    blocks = read_tender(path)
    joined = [b.text for b in blocks if "分钟内响应" in b.text]
    assert len(joined) == 1 and "报修电话后" in joined[0] and "30分钟内响应" in joined[0].replace("和", "")
    assert joined[0].endswith("赶到现场排除故障。")
    assert [b.text for b in blocks][-1] == "本部分共3条。"        # a short paragraph stays apart
    got = {(r.metric, r.value, r.unit) for r in extract_file(path)}
    assert ("response_time", 30, "minute") in got


@needs_cjk_font
def test_pdf_blocks_know_their_page(tmp_path: Path) -> None:
    blocks = read_tender(build_tender_pdf(tmp_path / "paged.pdf", FOOTERS["— N —"]))
    assert all(b.where is not None and b.where.file == "paged.pdf" for b in blocks)
    for n in range(1, 5):
        heading = next(b for b in blocks if b.text.startswith(f"{n}、"))
        assert heading.where.page == n
    reqs = [r for r in extract_file(tmp_path / "paged.pdf") if r.metric == "response_time"]
    assert reqs and all(r.where is not None and r.where.page for r in reqs)


@needs_cjk_font
def test_pdf_ruled_table_with_a_star_column(tmp_path: Path) -> None:
    blocks = read_tender(build_tender_pdf(tmp_path / "t.pdf", FOOTERS["N/M"], pages=2, table=True))
    header = [b for b in blocks if b.kind == "header"]
    rows = [b for b in blocks if b.kind == "row"]
    assert [h.text for h in header] == ["序号 | ★ | 技术要求"]
    assert len(rows) == 2
    first, second = rows
    assert first.mandatory and first.label == "1"
    assert first.text == ("投标人须承诺设备质保期不少于36个月，质保期内出现质量问题免费更换同型号新设备，"
                          "且更换后的设备重新计算质保期。")
    assert not second.mandatory and second.label == "2" and "48小时内到达现场" in second.text
    assert first.where.page == second.where.page == header[0].where.page == 2
    reqs = {(r.metric, r.value): r.mandatory for r in extract_file(tmp_path / "t.pdf")}
    assert reqs[("warranty_period", 36)] is True
    assert reqs[("onsite_arrival", 48)] is False


@needs_cjk_font
def test_pdf_garbage_text_layer_needs_ocr(tmp_path: Path) -> None:
    """A subset font whose /ToUnicode map is gone (the key renamed, same length, so the xref
    offsets stay valid): the text layer is private-use codes, not Chinese."""
    pdf = _fpdf()
    pdf.add_page()
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, "四、售后服务\n4.1 质保期：自验收合格之日起不少于三十六个月。\n" * 6)
    raw = bytes(pdf.output())
    assert raw.count(b"/ToUnicode") >= 1
    good = tmp_path / "good.pdf"
    good.write_bytes(raw)
    assert any("三十六个月" in b.text for b in read_tender(good))
    bad = tmp_path / "garbage.pdf"
    bad.write_bytes(raw.replace(b"/ToUnicode", b"/ToUnicodX"))
    with pytest.raises(ExtractError) as info:
        read_tender(bad)
    message = str(info.value)
    assert "the PDF's text layer is unreadable (a font without a Unicode map); it needs OCR first" in message
    assert "garbage.pdf" in message and "\n" not in message


def test_text_layer_check_keeps_traditional_chinese() -> None:
    simplified = "质保期：自验收合格之日起不少于三十六个月。接到报修后四小时内响应，四十八小时内到达现场。" * 5
    traditional = "質保期：自驗收合格之日起不少於三十六個月。接到報修後四小時內響應，四十八小時內到達現場。" * 5
    assert text_layer_problem(simplified) is None
    assert text_layer_problem(traditional) is None
    assert text_layer_problem(simplified.encode("utf-8").decode("gbk", "replace")) is not None
    assert text_layer_problem("\ue000\ue001\ue002" * 30) is not None
    assert "no text layer" in text_layer_problem(" \n ")


@needs_cjk_font
def test_pdf_page_limit(tmp_path: Path, monkeypatch) -> None:
    path = build_tender_pdf(tmp_path / "long.pdf", None, pages=3)
    monkeypatch.setattr(read_pdf, "MAX_PDF_PAGES", 2)
    with pytest.raises(ExtractError) as info:
        read_tender(path)
    assert "the PDF has 3 pages, over the 2-page limit" in str(info.value)


@needs_cjk_font
def test_pdf_character_limits(tmp_path: Path, monkeypatch) -> None:
    path = build_tender_pdf(tmp_path / "dense.pdf", None, pages=2)
    monkeypatch.setattr(read_pdf, "MAX_PAGE_CHARS", 50)
    with pytest.raises(ExtractError, match="page 1 holds .* characters, over the 50 limit of a page"):
        read_tender(path)
    monkeypatch.setattr(read_pdf, "MAX_PAGE_CHARS", 200_000)
    monkeypatch.setattr(read_pdf, "MAX_PDF_CHARS", 150)
    with pytest.raises(ExtractError, match="more than 150 characters"):
        read_tender(path)


# ---------------------------------------------------------------- .docx

def test_docx_blocks_know_their_paragraph_and_table_row(tmp_path: Path) -> None:
    path = build_fixtures.build_docx(tmp_path / "t.docx")
    blocks = read_tender(path)
    assert all(b.where is not None and b.where.file == "t.docx" for b in blocks)
    lines = [b for b in blocks if b.kind != "row" and b.kind != "header"]
    assert [(b.where.paragraph, b.text[:6]) for b in lines] == [
        (1, "第六章 商务"), (2, "一、项目概况"), (3, "1. 采购预"), (4, "2. 交货期"), (5, "二、售后服务"),
        (6, "三、评分办法"), (7, "▲售后服务承")]
    header = next(b for b in blocks if b.kind == "header")
    assert (header.where.table, header.where.row) == (1, 1)
    rows = [b for b in blocks if b.kind == "row"]
    assert [(b.where.table, b.where.row, b.label) for b in rows] == [(1, r, str(r - 1)) for r in range(2, 9)]
    assert rows[1].mandatory and "15分钟内响应" in rows[1].text
    req = next(r for r in extract_file(path) if r.metric == "response_time" and r.value == 15)
    assert req.where is not None and req.where.table == 1 and req.where.row == 3


def test_docx_second_table_is_numbered(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("售后服务")
    for rows in ([("序号", "要求"), ("1", "质保期不少于2年")], [("序号", "要求"), ("1", "2小时内响应")]):
        table = doc.add_table(rows=len(rows), cols=2)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    doc.add_paragraph("完")
    doc.save(tmp_path / "two.docx")
    blocks = read_tender(tmp_path / "two.docx")
    assert [(b.kind, b.where.paragraph, b.where.table, b.where.row) for b in blocks] == [
        ("line", 1, None, None), ("header", None, 1, 1), ("row", None, 1, 2),
        ("header", None, 2, 1), ("row", None, 2, 2), ("line", 2, None, None)]


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RENAMED = "this is a Word 97-2003 .doc (or WPS) file renamed to .docx; open it in Word or WPS and save as .docx"


@pytest.mark.parametrize("name", ["tender.docx", "from-wps.docx"])
def test_renamed_doc_or_wps_is_named(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(OLE2 + b"\x00" * 504 + "WPS Office 招标文件".encode("utf-16-le") * 50)
    with pytest.raises(ExtractError) as info:
        read_tender(path)
    assert RENAMED in str(info.value) and name in str(info.value) and "\n" not in str(info.value)


def test_wps_zip_without_a_word_document_is_named(tmp_path: Path) -> None:
    path = tmp_path / "w.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/custom.xml", "<Properties><property name='KSOProductBuildVer'/></Properties>")
        z.writestr("kso/content.xml", "<doc/>")
    with pytest.raises(ExtractError, match="renamed to .docx"):
        read_tender(path)


def test_renamed_xlsx_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_rels/.rels", '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ExtractError, match="this is an Excel .xlsx file renamed to .docx"):
        read_tender(path)


def _refuse_parsing(monkeypatch) -> None:
    import docx

    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("parsed a refused package"))
    monkeypatch.setattr(zipfile.ZipFile, "read", lambda *a, **k: pytest.fail("decompressed a member"))


def test_zip_bomb_docx_is_refused_from_the_directory(tmp_path: Path, monkeypatch) -> None:
    path = build_fixtures.build_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/filler.bin", b"\x00" * (20 * 1024 * 1024))    # ~1000:1
    _refuse_parsing(monkeypatch)
    with pytest.raises(ExtractError) as info:
        read_tender(path)
    assert f"compressed more than {read_docx.MAX_DOCX_RATIO}:1 (the limit)" in str(info.value)
    assert "word/media/filler.bin" in str(info.value)


def test_docx_too_big_unpacked_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = build_fixtures.build_docx(tmp_path / "big.docx")
    monkeypatch.setattr(read_docx, "MAX_DOCX_UNCOMPRESSED", 4 * 1024 * 1024)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_STORED) as z:
        z.writestr("word/media/photo.bin", bytes(range(256)) * (20 * 1024))  # 5 MB, stored
    _refuse_parsing(monkeypatch)
    with pytest.raises(ExtractError, match="unpacks to more than 4 MB \\(the limit\\)"):
        read_tender(path)


def test_a_normal_docx_passes_the_package_check(tmp_path: Path) -> None:
    path = build_fixtures.build_docx(tmp_path / "ok.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/logo.png", os.urandom(2 * 1024 * 1024))     # an image: barely compressible
    assert any(b.kind == "row" for b in read_tender(path))


# ---------------------------------------------------------------- .docx parts python-docx parses

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
_BODY_START = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W_NS}"><w:body>'.encode()
_BODY_END = b"</w:body></w:document>"
_PARAGRAPH = "<w:p><w:r><w:t>质保期不少于3年</w:t></w:r></w:p>".encode()


def _word_package(path: Path, body, main: str = "word/document.xml", parts: dict | None = None) -> Path:
    """A minimal Word package: its main part at `main` holding `body` (bytes, or chunks of bytes
    written as they come), plus `parts` {name: (content type, bytes)}."""
    parts = parts or {}
    overrides = "".join(f'<Override PartName="/{n}" ContentType="{t}"/>' for n, (t, _) in parts.items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="png" ContentType="image/png"/>'
                   f'<Override PartName="/{main}" ContentType="{_MAIN_TYPE}"/>{overrides}</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships/officeDocument" Target="{main}"/></Relationships>')
        with z.open(main, "w", force_zip64=True) as out:
            out.write(_BODY_START)
            for chunk in [body] if isinstance(body, bytes) else body:
                out.write(chunk)
            out.write(_BODY_END)
        for name, (_, data) in parts.items():
            z.writestr(name, data)
    return path


def _paragraphs(megabytes: int):
    chunk = _PARAGRAPH * 10_000
    return (chunk for _ in range(megabytes * 1024 * 1024 // len(chunk)))


def _nested(depth: int) -> bytes:
    """Tables in cells, `depth` deep: under 1 MB, so no compression ratio is checked."""
    return b"<w:tbl><w:tr><w:tc>" * depth + _PARAGRAPH + b"</w:tc></w:tr></w:tbl>" * depth


ADDRESS_SPACE = 1536 * 1024 * 1024  # a parse past the limits would need several times this


def _limited() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@pytest.mark.parametrize("body, says", [
    (lambda: _paragraphs(300), f"unpack to more than {read_docx.MAX_DOCX_XML // 1024 // 1024} MB (the limit)"),
    (lambda: _nested(20_000), "nests its XML deeper than the XML parser allows"),
], ids=["300 MB of paragraphs", "nested 20,000 deep"])
def test_docx_xml_bombs_are_refused_in_bounded_memory(tmp_path: Path, body, says: str) -> None:
    import subprocess
    import sys

    path = _word_package(tmp_path / "bomb.docx", body())
    assert path.stat().st_size < 4 * 1024 * 1024  # packed under the 200:1 ratio, as a crafted bomb is
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run([sys.executable, "-m", "bidkit", "extract", str(path)], cwd=root, capture_output=True,
                         text=True, timeout=120, preexec_fn=_limited)
    assert run.returncode == 2, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert says in run.stderr


@pytest.mark.parametrize("main, parts, largest", [
    ("word/document.xml", {}, "word/document.xml"),
    # the content types decide what python-docx parses, not the name
    ("word/media/image1.png", {}, "word/media/image1.png"),
    ("word/document.xml", {f"word/header{i}.xml": (_HEADER_TYPE, _PARAGRAPH * 14_000) for i in range(1, 4)},
     "word/header1.xml"),
], ids=["one big document", "a document named as an image", "parts adding up"])
def test_docx_xml_parts_over_the_limit_are_refused(tmp_path: Path, monkeypatch, main: str, parts: dict,
                                                   largest: str) -> None:
    monkeypatch.setattr(read_docx, "MAX_DOCX_XML", 1024 * 1024)
    body = _PARAGRAPH * (28_000 if not parts else 100)   # 1.2 MB, or 4 KB beside 3 x 0.6 MB
    path = _word_package(tmp_path / "big.docx", body, main=main, parts=parts)
    with pytest.raises(ExtractError) as info:
        read_tender(path)
    assert info.value.code == "docx-xml-too-big" and info.value.values["part"] == largest
    assert "unpack to more than 1 MB (the limit)" in str(info.value)


def test_docx_images_are_not_counted_as_xml(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(read_docx, "MAX_DOCX_XML", 1024 * 1024)
    path = _word_package(tmp_path / "photo.docx", _PARAGRAPH * 100,
                         parts={"word/media/photo.png": ("image/png", os.urandom(3 * 1024 * 1024))})
    read_docx.check_package(path, "photo.docx")


CORPUS_DOCX = sorted((Path(__file__).resolve().parents[2] / "shared" / "tenders" / "documents").glob("*.docx"))


@pytest.mark.skipif(not CORPUS_DOCX, reason="the tender corpus is absent")
@pytest.mark.parametrize("path", CORPUS_DOCX, ids=lambda p: p.name)
def test_real_tenders_are_far_below_the_docx_xml_limit(path: Path, monkeypatch) -> None:
    monkeypatch.setattr(read_docx, "MAX_DOCX_XML", read_docx.MAX_DOCX_XML // 16)
    read_docx.check_package(path, path.name)


def test_docx_styles_are_looked_up_once_each(tmp_path: Path, monkeypatch) -> None:
    """python-docx searches all the styles of a document on every lookup: 300 paragraphs in two
    styles cost two lookups, not 600."""
    from docx import Document
    from docx.parts.document import DocumentPart

    doc = Document()
    for i in range(300):
        doc.add_paragraph(f"第{i}条 质保期不少于3年", style="List Number" if i % 2 else None)
    doc.save(tmp_path / "many.docx")
    calls = []
    get_style = DocumentPart.get_style
    monkeypatch.setattr(DocumentPart, "get_style", lambda self, *a: calls.append(a) or get_style(self, *a))
    assert len(read_tender(tmp_path / "many.docx")) == 300
    assert len(calls) == 2
