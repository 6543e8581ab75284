"""A .pdf tender -> blocks: the text layer of each page, with the lines the PDF wrapped joined
again."""
from __future__ import annotations

from pathlib import Path

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, text_blocks
from bidkit.extract.normalise import normalise
from bidkit.extract.outline import BARE_LABEL_RE, NUMBERING_RE


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
    return text_blocks(_reflow(lines))


_SENTENCE_END = "。；;：:！!？?"


def _reflow(lines: list[str]) -> list[str]:
    """Join the lines a PDF wrapped: a line continues the previous one unless that one ended a
    sentence, was short (a heading), or the new one starts with a number or ★."""
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return []
    width = sorted(len(ln.strip()) for ln in lines)[int(len(lines) * 0.9)]
    out: list[str] = []
    for line in lines:
        text = line.strip()
        if out:
            prev = out[-1]
            wrapped = len(prev) >= 0.75 * width or BARE_LABEL_RE.match(prev)
            starts_item = NUMBERING_RE.match(normalise(text)) or text[0] in "★▲☆|#"
            if (wrapped and prev[-1] not in _SENTENCE_END and not starts_item
                    and "|" not in prev and "\t" not in line):
                out[-1] = prev + (" " if BARE_LABEL_RE.match(prev) else "") + text
                continue
        out.append(text)
    return out
