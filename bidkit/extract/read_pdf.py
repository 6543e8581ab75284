"""A .pdf tender -> blocks, read with pypdfium2: every character with its box, then geometry
(bidkit/extract/pdf_geometry.py) makes lines, ruled tables, drops running headers/footers and
page numbers, and joins the lines the PDF wrapped. Every block knows its page.

A PDF that cannot be used says why in one line: not a PDF, password-protected, corrupt, no
text layer or an unreadable one (both need OCR), too big.
"""
from __future__ import annotations

import ctypes
import threading
from collections import deque
from contextlib import closing
from functools import lru_cache, partial
from itertools import repeat
from pathlib import Path
from typing import Callable, Iterator

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, table_blocks
from bidkit.extract.location import Location
from bidkit.extract.normalise import clean
from bidkit.extract.pdf_geometry import (
    _LONG, _THIN, MOJIBAKE, NO_TEXT_LAYER, UNMAPPED_FONT, Char, Line, PageData, Rule, merge_split_rows,
    page_lines, reflow, strip_margins, text_layer_problem,
)
from bidkit.workers import BrokenProcessPool, cores, in_processes

# Limits: a tender is a few hundred pages of a few thousand characters each; beyond these the
# file is refused (or, for drawings, its tables are not looked for) instead of hanging.
MAX_PDF_PAGES = 2000            # pages of one PDF
MAX_PAGE_CHARS = 200_000        # characters of one page
MAX_PDF_CHARS = 5_000_000       # characters of the whole PDF
MAX_PAGE_OBJECTS = 100_000      # page objects scanned for table rules (more: a drawing, no tables)
MAX_PAGE_RULES = 5_000          # ruling lines of one page matched into tables (the match is quadratic)

# PDFium is not thread-safe, not even across documents, and the app serves sessions in threads.
_PDFIUM_LOCK = threading.Lock()


_TEXT_LAYER_CODES = {NO_TEXT_LAYER: "pdf-no-text", UNMAPPED_FONT: "pdf-unmapped-font", MOJIBAKE: "pdf-mojibake"}


class PdfReadError(ExtractError):
    """The file cannot be read as a PDF; the message (and its code) is the one the user sees."""


def pdf_blocks(path: Path, name: str) -> list[Block]:
    """The blocks of a PDF's text layer: a block per paragraph (wrapped lines joined) and table
    row, each with `where=Location(file, page)`."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ExtractError("is not a PDF file (no %PDF header); was it renamed from another format?",
                           file=name, code="pdf-no-header")
    try:
        with _PDFIUM_LOCK:
            pages = read_pdf_pages(path)
    except PdfReadError as exc:
        raise ExtractError(exc.message, file=name, code=exc.code, **exc.values) from None
    paragraphs = reflow(pages)
    problem = text_layer_problem("\n".join(text for _, text, _ in paragraphs))
    if problem:
        raise ExtractError(problem, file=name, code=_TEXT_LAYER_CODES[problem])
    return _blocks(paragraphs, path.name)


def _blocks(paragraphs: list[tuple[int, str, Line]], file: str) -> list[Block]:
    """Paragraphs -> line blocks; consecutive rows of one ruled table (also over a page break)
    -> table_blocks, so that a ★ column, the 序号 and the text stay together."""
    blocks: list[Block] = []
    rows: list[list[str]] = []
    wheres: list[Location] = []
    last: tuple[int, int] | None = None          # (page, table group) of the previous row

    def flush() -> None:
        if rows:
            blocks.extend(table_blocks(rows, wheres))
            rows.clear()
            wheres.clear()

    for page, text, line in paragraphs:
        if line.table:
            same_table = last is not None and (last[0] != page or last[1] == line.group)
            if not same_table:
                flush()
            cells = list(line.cells)
            if not (rows and cells == rows[0] and last is not None and last[0] != page):
                rows.append(cells)                   # (a header row repeated on a new page: once)
                wheres.append(Location(file, page=page))
            last = (page, line.group)
            continue
        flush()
        last = None
        blocks.append(Block(clean(text), where=Location(file, page=page)))
    flush()
    return blocks


def read_pdf_pages(path) -> list[tuple[PageData, list[Line]]]:
    """Each page with its lines (table rows included), running heads and page numbers removed."""
    import pypdfium2 as pdfium

    try:
        return _read_pdf_pages(path)
    except pdfium.PdfiumError as exc:
        raise PdfReadError(_CORRUPT.format(_reason(exc)), code="pdf-corrupt", reason=_reason(exc)) from None


# A PDF of at least this many pages is read over the machine's cores, each worker process a
# stretch of pages; below it, starting the processes costs more than it saves.
PARALLEL_PAGES = 24


def _read_pdf_pages(path) -> list[tuple[PageData, list[Line]]]:
    count = page_count(path)
    workers = cores()
    parts = None
    if count >= PARALLEL_PAGES and workers >= 2:
        bounds = [count * i // workers for i in range(workers + 1)]
        try:
            parts = in_processes(partial(_read_stretch, str(path)), list(zip(bounds, bounds[1:])), workers)
        except OSError:
            parts = None  # no processes to be had: read here
        except BrokenProcessPool:
            # PDFium died on this file in a worker (as it would have taken the server with it)
            raise PdfReadError(_CORRUPT.format("the reader stopped on it"), code="pdf-corrupt",
                               reason="the reader stopped on it") from None
    if parts is None:
        parts = [_read_stretch(path, (0, count))]
    if sum(total for _, total in parts) > MAX_PDF_CHARS:
        raise _too_many_chars()
    pages = [page for stretch, _ in parts for page in stretch]
    kept = strip_margins(pages)
    pages = [(p, ls) for (p, _), ls in zip(pages, kept)]
    merge_split_rows(pages)
    return pages


def _read_stretch(path, stretch: tuple[int, int]) -> tuple[list[tuple[PageData, list[Line]]], int]:
    """The pages of one stretch (0-based, end excluded) with their lines, and how many characters
    they hold. The page before the stretch is read too (and dropped): a table reaching its foot
    makes the stretch's first page look for the table's continuation, as a reading from the first
    page would."""
    start, stop = stretch
    pages = []
    table_at_bottom = False
    total = 0
    with closing(iter_pages(path, first=max(0, start - 1), stop=stop)) as it:
        for page in it:
            lines = page_lines(page, look_for_tables=table_at_bottom)
            # a table reaching the foot of the page may go on, in one column, on the next page
            table_at_bottom = any(ln.table and ln.bottom > 0.8 * page.height for ln in lines[-3:])
            if page.number <= start:
                continue
            total += len(page.chars)
            if total > MAX_PDF_CHARS:
                raise _too_many_chars()
            page.chars = []          # not needed any more; keep memory flat on big files
            page.read_rules = None   # (a worker sends its pages back: no PDFium object goes along)
            pages.append((page, lines))
    return pages, total


def _too_many_chars() -> PdfReadError:
    return PdfReadError(f"the PDF holds more than {MAX_PDF_CHARS:,} characters (the limit); "
                        "is this really a tender? Split it or extract the relevant chapters",
                        code="pdf-too-many-chars", limit=MAX_PDF_CHARS)


def pdf_lines(path) -> list[tuple[int, str]]:
    """(page number, text) for every logical line of a PDF: wrapped lines joined, running
    headers/footers and page numbers dropped, ruled tables as `| cell | cell |` rows."""
    with _PDFIUM_LOCK:
        pages = read_pdf_pages(path)
    return [(page, text) for page, text, _ in reflow(pages)]


# ---------------------------------------------------------------------------------------------
# reading: pypdfium2

_CORRUPT = ("the PDF is corrupt and cannot be read ({}); open it and save or print it to PDF "
            "again")


def page_count(path, password: str | None = None) -> int:
    """How many pages the PDF has; raises PdfReadError as iter_pages does. Hold _PDFIUM_LOCK."""
    with closing(_open(path, password)) as doc:
        return _checked_count(doc)


def _open(path, password: str | None):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == raw.FPDF_ERR_PASSWORD:
            raise PdfReadError("the PDF is password-protected; remove the password and try again",
                               code="pdf-password") from None
        if code == raw.FPDF_ERR_SECURITY:
            raise PdfReadError("the PDF is encrypted in a way that cannot be opened; remove the "
                               "protection (print it to PDF again) and try again", code="pdf-encrypted") from None
        raise PdfReadError(_CORRUPT.format(_reason(exc)), code="pdf-corrupt", reason=_reason(exc)) from None


def _checked_count(doc) -> int:
    count = len(doc)
    if count == 0:
        raise PdfReadError(_CORRUPT.format("no pages"), code="pdf-no-pages")
    if count > MAX_PDF_PAGES:
        raise PdfReadError(f"the PDF has {count:,} pages, over the {MAX_PDF_PAGES:,}-page limit; "
                           "is this really a tender? Split it or extract the relevant chapters",
                           code="pdf-too-many-pages", pages=count, limit=MAX_PDF_PAGES)
    return count


def iter_pages(path, password: str | None = None, first: int = 0, stop: int | None = None) -> Iterator[PageData]:
    """Yield each page's characters in top-down coordinates of the displayed (rotated) page; only
    the pages first..stop (0-based, stop excluded) when given.

    Whitespace is dropped (spaces are rebuilt from the gaps), except that a real space char
    (one in the content, not generated by pdfium) is kept as a " " with its box. Raises
    PdfReadError (password, corrupt, too many pages or characters). Hold _PDFIUM_LOCK.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = _open(path, password)
    try:
        count = _checked_count(doc)
        for index in range(first, count if stop is None else min(stop, count)):
            try:
                page = doc[index]
                textpage = page.get_textpage()
            except pdfium.PdfiumError as exc:
                raise PdfReadError(_CORRUPT.format(f"page {index + 1}: {_reason(exc)}"), code="pdf-corrupt-page",
                                   page=index + 1, reason=_reason(exc)) from None
            try:
                pw, ph = page.get_size()        # of the displayed page (rotation applied)
                rotation = page.get_rotation()
                left, bottom, right, top = page.get_bbox()
                tp = textpage.raw
                n = raw.FPDFText_CountChars(tp)
                if n > MAX_PAGE_CHARS:
                    raise PdfReadError(f"page {index + 1} holds {n:,} characters, over the "
                                       f"{MAX_PAGE_CHARS:,} limit of a page; is this really a tender?",
                                       code="pdf-page-too-many-chars", page=index + 1, chars=n,
                                       limit=MAX_PAGE_CHARS)
                text = textpage.get_text_range() if n > 0 else ""
                if len(text) != n:              # pdfium's text view differs from its char list
                    text = "".join(chr(raw.FPDFText_GetUnicode(tp, i)) for i in range(n))
                text = text.translate(_SYMBOL_FONT_MAP)
                chars = _page_chars(tp, text, left, bottom, right, top, rotation)
                rules = _rules_reader(page, raw, left, bottom, right - left, top - bottom, rotation)
                data = PageData(index + 1, pw, ph, chars, rules)
                yield data
                data.read_rules = None  # the page is closed below
            finally:
                textpage.close()
                page.close()
    finally:
        doc.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    return text[:80] if text else type(exc).__name__


# Symbol fonts (Wingdings, Wingdings 2) without a Unicode map give private-use code points; the
# check boxes matter in tenders (☑是 □否). The code means different glyphs in different symbol
# fonts; these are the ones Chinese Office/WPS tenders use.
_SYMBOL_FONT_MAP = str.maketrans({
    0xF0FE: "☑", 0xF0FD: "☒", 0xF0FC: "√", 0xF0FB: "×", 0xF0A8: "□", 0xF06F: "□", 0xF0A1: "○",
    0xF06C: "●", 0xF06E: "■", 0xF0A7: "▪", 0xF075: "◆", 0xF0D8: "➢", 0xF0B2: "◇",
    0xF052: "☑", 0xF053: "☒", 0xF050: "√", 0xF04F: "×", 0xF0A3: "□", 0xF030: "□",
})

# Whitespace: dropped (spaces are rebuilt from the gaps), but for a real space char.
_DROP = frozenset("\r\n\t\x00\xa0\u3000\ufffe")


def _page_chars(tp, text: str, left, bottom, right, top, rotation) -> list[Char]:
    """The page's characters with their loose boxes, in top-down coordinates of the page as
    displayed (PDF user space is y up and unrotated); whitespace dropped but for real spaces."""
    import pypdfium2.raw as raw

    n = len(text)
    boxes = (ctypes.c_float * (4 * n))()        # FS_RECTF: left, top, right, bottom
    base = ctypes.addressof(boxes)
    # a ctypes call costs more than pdfium's work for a box: map() makes the calls from C, with
    # plain ints for the pointers, instead of a Python loop filling an FS_RECTF
    deque(map(_loose_char_box(), repeat(ctypes.cast(tp, ctypes.c_void_p).value, n), range(n),
              range(base, base + 16 * n, 16)), maxlen=0)
    v = boxes[:]
    chs = text
    if " " in text:                             # spaces pdfium made up are dropped like the rest
        chs = list(text)
        at = text.find(" ")
        while at >= 0:
            if raw.FPDFText_IsGenerated(tp, at):
                chs[at] = "\n"
            at = text.find(" ", at + 1)
    chars = zip(chs, v[0::4], v[3::4], v[2::4], v[1::4])      # text, x0, y0, x1, y1
    if rotation == 0:
        return [(ch, x0 - left, top - y1, x1 - left, top - y0) for ch, x0, y0, x1, y1 in chars
                if ch not in _DROP]
    uw, uh = right - left, top - bottom
    if rotation == 90:
        return [(ch, y0 - bottom, x0 - left, y1 - bottom, x1 - left) for ch, x0, y0, x1, y1 in chars
                if ch not in _DROP]
    if rotation == 180:
        return [(ch, uw - (x1 - left), y0 - bottom, uw - (x0 - left), y1 - bottom)
                for ch, x0, y0, x1, y1 in chars if ch not in _DROP]
    return [(ch, uh - (y1 - bottom), uw - (x1 - left), uh - (y0 - bottom), uw - (x0 - left))
            for ch, x0, y0, x1, y1 in chars if ch not in _DROP]


@lru_cache(maxsize=1)
def _loose_char_box() -> Callable[[int, int, int], int]:
    """FPDFText_GetLooseCharBox(text page, index, FS_RECTF*) taking plain ints. It keeps the GIL
    (PYFUNCTYPE): the call is shorter than giving the GIL up and taking it back, thousands of
    times a page."""
    import pypdfium2.raw as raw

    proto = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)
    return proto(ctypes.cast(raw.FPDFText_GetLooseCharBox, ctypes.c_void_p).value)


def _rules_reader(page, raw, left, bottom, uw, uh, rotation) -> Callable[[], list[Rule]]:
    def read() -> list[Rule]:
        out: list[Rule] = []
        l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        PATH = raw.FPDF_PAGEOBJ_PATH
        praw = page.raw
        count = raw.FPDFPage_CountObjects(praw)
        if count > MAX_PAGE_OBJECTS:
            return []               # a drawing or a vector scan, not a tender's table
        # a page is mostly text objects (often one a character): map() walks them from C
        objs = list(map(raw.FPDFPage_GetObject, repeat(praw, count), range(count)))
        for obj in [o for o, kind in zip(objs, map(raw.FPDFPageObj_GetType, objs)) if kind == PATH]:
            raw.FPDFPageObj_GetBounds(obj, l, b, r, t)
            x0, y0, x1, y1 = l.value - left, b.value - bottom, r.value - left, t.value - bottom
            w, h = x1 - x0, y1 - y0
            if (w < _THIN and h > _LONG) or (h < _THIN and w > _LONG):
                out.append(_rotate_rule(x0, y0, x1, y1, uw, uh, rotation))
            elif w > _LONG and h > _LONG:
                # a stroked rectangle (cell border drawn as a box): its four edges are rules
                raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
                if stroke.value and raw.FPDFPath_CountSegments(obj) <= 6:
                    for e in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
                        out.append(_rotate_rule(*e, uw, uh, rotation))
            if len(out) > MAX_PAGE_RULES:
                return []           # too many to match into tables in reasonable time
        return out
    return read


def _rotate_rule(x0, y0, x1, y1, uw, uh, rotation) -> Rule:
    if rotation == 0:
        return Rule(x0, uh - y1, x1, uh - y0)
    if rotation == 90:
        return Rule(y0, x0, y1, x1)
    if rotation == 180:
        return Rule(uw - x1, y0, uw - x0, y1)
    return Rule(uh - y1, uw - x1, uh - y0, uw - x0)
