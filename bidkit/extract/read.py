"""Read a tender file into blocks: dispatch by suffix, refuse what is too big or not a tender,
and decode text files (UTF-8, UTF-16 with BOM, GB18030)."""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, text_blocks
from bidkit.extract.read_docx import docx_blocks
from bidkit.extract.read_pdf import pdf_blocks


MAX_TEXT_BYTES = 20 * 1024 * 1024      # a tender text beyond this is refused before reading
MAX_FILE_BYTES = 200 * 1024 * 1024     # .docx / .pdf may carry images, but not without bound
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = TEXT_SUFFIXES + (".docx", ".pdf")


def read_tender(path: str | os.PathLike) -> list[Block]:
    """The blocks of a .txt / .md / .docx / .pdf tender, or ExtractError saying why not."""
    path = Path(path)
    name = str(path)
    suffix = path.suffix.lower()
    if suffix == ".doc" or suffix == ".wps":
        raise ExtractError(f"{suffix} files cannot be read; save the tender as .docx (or .pdf) and "
                           "try again", file=name)
    if suffix not in SUFFIXES:
        raise ExtractError(f"unsupported file type {suffix or '(no extension)'!r}; "
                           "use .txt, .md, .docx or .pdf", file=name)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ExtractError("file not found", file=name) from None
    except OSError as exc:
        raise ExtractError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    if path.is_dir():
        raise ExtractError("this is a folder, not a file", file=name)
    if size == 0:
        raise ExtractError("the file is empty", file=name)
    if suffix in TEXT_SUFFIXES:
        if size > MAX_TEXT_BYTES:
            raise ExtractError(f"the text is {size / 1024 / 1024:.0f} MB, over the "
                               f"{MAX_TEXT_BYTES // 1024 // 1024} MB limit; is this really a tender? "
                               "Split it or extract the relevant chapters", file=name)
        blocks = text_blocks(_decode(path.read_bytes(), name).splitlines(), file=path.name)
    elif size > MAX_FILE_BYTES:
        raise ExtractError(f"the file is {size / 1024 / 1024:.0f} MB, over the "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB limit", file=name)
    elif suffix == ".docx":
        blocks = docx_blocks(path, name)
    else:
        blocks = pdf_blocks(path, name)
    if not any(b.text.strip() for b in blocks):
        raise ExtractError("the file holds no text", file=name)
    return blocks


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030; binary is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise ExtractError("the file starts like UTF-16 text but cannot be decoded", file=name) from None
    if b"\x00" in data[:8192]:
        raise ExtractError(_BINARY, file=name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked_text(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise ExtractError("the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8 and try again",
                       file=name)


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY = "this is a binary file, not text; give the tender as .txt, .md, .docx or .pdf"


def _checked_text(text: str, name: str) -> str:
    sample = text[:20000]
    if sample and len(_CONTROL_RE.findall(sample)) > max(8, len(sample) // 100):
        raise ExtractError(_BINARY, file=name)
    if not text.strip():
        raise ExtractError("the file is empty", file=name)
    return text
