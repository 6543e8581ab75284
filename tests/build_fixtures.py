"""Build the .docx and .pdf tender passages of tests/extract_passages/ from text.

`python tests/build_fixtures.py` rewrites 09.docx and 10.pdf (committed, because the scorer reads
them from disk); the tests call the same functions to build bad inputs (encrypted, scanned,
corrupt) into tmp_path.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
PASSAGES = HERE / "extract_passages"

# fpdf2 embeds TrueType/OpenType fonts; a .ttc collection (Noto CJK) is not accepted, so use a
# plain .ttf that covers CJK. Debian ships DroidSansFallbackFull with fonts-droid-fallback.
CJK_FONTS = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
LATIN_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)

DOCX_BEFORE = [
    ("第六章 商务要求", "Heading 1"),
    ("一、项目概况", None),
    ("1. 采购预算：人民币98万元。", None),
    ("2. 交货期：合同签订后20日内交货，安装调试完毕后组织验收。", None),
    ("二、售后服务要求（标注★的为实质性条款，不满足按无效投标处理）", None),
]
DOCX_TABLE = [
    ("序号", "★", "要求项", "具体要求"),
    ("1", "★", "质保期", "设备免费质保期不少于2年，自验收合格之日起计算"),
    ("2", "★", "响应时间", "接到报修后15分钟内响应"),
    ("3", "", "到场时间", "4小时内到达现场"),
    ("4", "", "备用设备", "故障24小时内不能排除的，提供备用设备"),
    ("5", "★", "售后人员", "配备不少于5名售后服务人员"),
    ("6", "", "培训", "提供不少于1天的现场培训，培训人数不少于15人"),
    ("7", "", "交货", "合同签订后20日内交货"),
]
DOCX_AFTER = [
    ("三、评分办法", None),
    ("▲售后服务承诺：响应时间在15分钟基础上每缩短5分钟加1分，最高2分。", None),
]

PDF_LINES = [
    "第五章 采购需求",
    "四、售后服务",
    "4.1 质保期：自验收合格之日起不少于３６个月。",
    "4.2 响应时间：接到报修后４小时内响应，４８小时内到达现场。",
    "4.3 投标人须承诺：设备在质保期内因质量问题7日内无法修复的，须更换同型号新设备。",
    "4.4 质保期满后，中标人应保证以优惠价格提供零配件不少于5年，并在合同签订后的30日内提交零配件价格清单，"
    "清单有效期至质保期满后5年。",
    "附件 评分标准",
    "质保期：在满足采购需求的基础上，每延长1年加2分，最高4分。",
]


def cjk_font() -> Path | None:
    return next((f for f in CJK_FONTS if f.exists()), None)


def build_docx(path: Path, before=DOCX_BEFORE, rows=DOCX_TABLE, after=DOCX_AFTER) -> Path:
    """Paragraphs, a requirements table with a ★ column, more paragraphs."""
    from docx import Document

    doc = Document()
    for text, style in before:
        doc.add_paragraph(text, style=style)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    for text, style in after:
        doc.add_paragraph(text, style=style)
    doc.save(path)
    return path


def _pdf(lines: list[str] | None):
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    if lines:
        font = cjk_font()
        if font is None:
            raise RuntimeError("no CJK .ttf font found; install fonts-droid-fallback")
        pdf.add_font("cjk", fname=str(font))
        pdf.set_font("cjk", size=11)
        latin = next((f for f in LATIN_FONTS if f.exists()), None)
        if latin is not None:
            # DroidSansFallback has no ASCII digits; fpdf2 takes them from the fallback font.
            pdf.add_font("latin", fname=str(latin))
            pdf.set_fallback_fonts(["latin"])
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    else:
        # A "scanned" page: only graphics, no text layer.
        pdf.set_fill_color(200, 200, 200)
        pdf.rect(20, 20, 170, 250, style="F")
    return pdf


def build_pdf(path: Path, lines: list[str] = PDF_LINES) -> Path:
    """A text PDF in a CJK font; long lines wrap, as they do in real tenders."""
    _pdf(lines).output(str(path))
    return path


def build_scanned_pdf(path: Path) -> Path:
    """A PDF whose page holds only graphics: what a scan without OCR looks like."""
    _pdf(None).output(str(path))
    return path


def build_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A PDF that opens only with a user password (RC4, so no extra crypto package is needed)."""
    from pypdf import PdfReader, PdfWriter

    plain = path.with_suffix(".plain.pdf")
    build_pdf(plain, ["质保期不少于3年。"])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    plain.unlink()
    return path


def main() -> int:
    build_docx(PASSAGES / "09.docx")
    build_pdf(PASSAGES / "10.pdf")
    print("wrote", PASSAGES / "09.docx", PASSAGES / "10.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
