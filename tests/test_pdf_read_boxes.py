"""The character boxes read_pdf fetches from pdfium in bulk: the same as asking pdfium for each
character, and turned with the page when the page is shown rotated."""
from __future__ import annotations

import ctypes
from contextlib import closing
from pathlib import Path

import pytest

from bidkit.extract.read_pdf import iter_pages
from test_read_formats import FOOTERS, build_tender_pdf, needs_cjk_font


def _chars(path: Path) -> list[list]:
    with closing(iter_pages(path)) as pages:
        return [(p.width, p.height, p.chars) for p in pages]


def _one_by_one(path: Path) -> list[list]:
    """Each kept character's loose box asked for on its own (upright pages, top-down)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out = []
    doc = pdfium.PdfDocument(str(path))
    try:
        for page in doc:
            tp = page.get_textpage()
            _, _, _, top = page.get_bbox()
            rect = raw.FS_RECTF()
            chars = []
            for i, ch in enumerate(tp.get_text_range()):
                if ch.isspace() and (ch != " " or raw.FPDFText_IsGenerated(tp.raw, i)):
                    continue
                raw.FPDFText_GetLooseCharBox(tp.raw, i, ctypes.byref(rect))
                chars.append((ch, rect.left, top - rect.top, rect.right, top - rect.bottom))
            out.append(chars)
            tp.close()
            page.close()
    finally:
        doc.close()
    return out


@pytest.fixture(scope="module")
def tender(tmp_path_factory) -> Path:
    if needs_cjk_font.args[0]:
        pytest.skip("no CJK font to write a PDF")
    return build_tender_pdf(tmp_path_factory.mktemp("pdf") / "t.pdf", FOOTERS["N/M"], pages=2, table=True)


def test_bulk_boxes_are_the_boxes_pdfium_gives_one_by_one(tender: Path) -> None:
    got = [chars for _, _, chars in _chars(tender)]
    assert got == _one_by_one(tender)
    assert any(ch == " " for page in got for ch, *_ in page)       # real spaces are kept


# rotation -> the displayed box (x0, top, x1, bottom) of an upright box on a w x h page
TURNED = {
    90: lambda w, h, x0, t, x1, b: (h - b, x0, h - t, x1),
    180: lambda w, h, x0, t, x1, b: (w - x1, h - b, w - x0, h - t),
    270: lambda w, h, x0, t, x1, b: (t, w - x1, b, w - x0),
}


@pytest.mark.parametrize("rotation", sorted(TURNED))
def test_rotated_page_turns_the_boxes(tender: Path, tmp_path: Path, rotation: int) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(tender))
    for page in doc:
        page.set_rotation(rotation)
    doc.save(str(tmp_path / "turned.pdf"))
    doc.close()
    upright, turned = _chars(tender), _chars(tmp_path / "turned.pdf")
    assert len(upright) == len(turned)
    for (w, h, chars), (tw, th, tchars) in zip(upright, turned):
        assert (tw, th) == ((h, w) if rotation != 180 else (w, h))
        # pdfium may list the characters of a turned page in another order
        assert sorted((ch, *(round(v, 2) for v in TURNED[rotation](w, h, *box))) for ch, *box in chars) \
            == sorted((ch, *(round(v, 2) for v in box)) for ch, *box in tchars)


def test_a_page_asked_for_tables_is_grouped_once_around_them(tender: Path, monkeypatch) -> None:
    from bidkit.extract import pdf_geometry

    whole = []
    real = pdf_geometry.group_lines
    monkeypatch.setattr(pdf_geometry, "group_lines", lambda chars: whole.append(chars) or real(chars))
    with closing(iter_pages(tender)) as pages:
        for page in pages:
            whole.clear()
            lines = pdf_geometry.page_lines(page, look_for_tables=True)
            if any(ln.table for ln in lines):
                # the rest of the page, the table's cells: never all of the page's characters first
                assert all(chars is not page.chars for chars in whole)
                assert len(whole) > 1
                return
    pytest.fail("the tender has no table")
