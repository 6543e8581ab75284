"""A .pdf tender -> blocks: the text layer of each page, with the lines the PDF wrapped joined
again."""
from __future__ import annotations

from pathlib import Path

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, text_blocks


def pdf_blocks(path: Path, name: str) -> list[Block]:
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ExtractError("is not a PDF file (no %PDF header); was it renamed from another format?",
                           file=name)
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # AES without the crypto package, or a broken encryption dict
                opened = 0
            if not opened:
                raise ExtractError("the PDF is password-protected; remove the password and try again",
                                   file=name)
        pages = [page.extract_text() or "" for page in reader.pages]
    except ExtractError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, AssertionError, ZeroDivisionError) as exc:
        raise ExtractError(f"the PDF is corrupt and cannot be read ({type(exc).__name__}); "
                           "open it and save or print it to PDF again", file=name) from None
    if not any(p.strip() for p in pages):
        raise ExtractError("the PDF has no text layer (a scanned document?); it needs OCR first",
                           file=name)
    lines = [ln.rstrip() for p in pages for ln in p.splitlines()]
    return text_blocks(lines, file=path.name)
