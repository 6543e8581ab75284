"""Read a tender file into blocks: dispatch by suffix, refuse what is too big or not a tender,
and decode text files (UTF-8, UTF-16 with or without BOM, GB18030, Big5)."""
from __future__ import annotations

import codecs
import os
import re
from pathlib import Path
from typing import Callable

from bidkit.errors import ExtractError
from bidkit.extract.blocks import Block, text_blocks
from bidkit.extract.read_docx import docx_blocks
from bidkit.extract.read_pdf import pdf_blocks
from bidkit.userfile import megabytes, read_user_file


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
                           "try again", file=name, code="tender-old-format", suffix=suffix)
    if suffix not in SUFFIXES:
        raise ExtractError(f"unsupported file type {suffix or '(no extension)'!r}; "
                           "use .txt, .md, .docx or .pdf", file=name, code="tender-file-type", suffix=suffix)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ExtractError("file not found", file=name, code="file-missing") from None
    except OSError as exc:
        raise ExtractError(f"cannot read the file: {exc.strerror or exc}", file=name, code="file-unreadable",
                           reason=exc.strerror or str(exc)) from None
    if path.is_dir():
        raise ExtractError("this is a folder, not a file", file=name, code="file-folder")
    if not path.is_file():
        raise ExtractError("is not a regular file (a pipe, socket or device?); give a file saved on disk",
                           file=name, code="file-special")
    if size == 0:
        raise ExtractError("the file is empty", file=name, code="file-empty")
    if suffix in TEXT_SUFFIXES:
        if size > MAX_TEXT_BYTES:
            raise ExtractError(f"the text is {megabytes(size)}, over the {megabytes(MAX_TEXT_BYTES)} limit; "
                               "is this really a tender? Split it or extract the relevant chapters", file=name,
                               code="tender-text-too-big", size=megabytes(size), limit=megabytes(MAX_TEXT_BYTES))
        data = read_user_file(path, MAX_TEXT_BYTES, ExtractError)
        blocks = text_blocks(_decode(data, name).splitlines(), file=path.name)
    elif size > MAX_FILE_BYTES:
        raise ExtractError(f"the file is {megabytes(size)}, over the {megabytes(MAX_FILE_BYTES)} limit",
                           file=name, code="file-too-big", size=megabytes(size), limit=megabytes(MAX_FILE_BYTES))
    else:
        try:
            blocks = docx_blocks(path, name) if suffix == ".docx" else pdf_blocks(path, name)
        except OSError as exc:  # no permission to read it, or it went away after the checks above
            raise ExtractError(f"cannot be read: {exc.strerror or exc}", file=name, code="file-unreadable",
                               reason=exc.strerror or str(exc)) from None
    if not any(b.text.strip() for b in blocks):
        raise ExtractError("the file holds no text", file=name, code="file-no-text")
    return blocks


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM), else GB18030 or Big5, whichever
    reads as Chinese; binary is refused."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise ExtractError("the file starts like UTF-16 text but cannot be decoded", file=name,
                               code="text-utf16-broken") from None
    if b"\x00" in data[:8192]:
        encoding = _utf16_without_bom(data)
        try:
            if encoding:
                return _checked_text(data.decode(encoding), name)
        except UnicodeDecodeError:
            pass
        raise ExtractError(_BINARY, file=name, code="file-binary")
    try:
        return _checked_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    return _checked_text(_gb_or_big5(data, name), name)


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le or -be when the NULs fall on one side of the byte pairs, as the zero high byte of
    every ASCII character (digits, line breaks) does in UTF-16; else None (binary)."""
    sample = data[:8192]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if len(data) % 2 or max(even, odd) < 2 or min(even, odd) * 20 > max(even, odd):
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


# Most text in Chinese keeps to the common characters of its own character set: GB2312's hanzi
# (and its punctuation rows) for simplified text, Big5's level-1 hanzi for traditional. Big5 read as
# GB18030 (which accepts nearly any bytes) gives rare characters, kana and Greek instead: a
# quarter common, against all of it for either text read in its own encoding.
_SAMPLE_CHARS = 20_000
_COMMON_ENOUGH = 0.9       # above this, GB18030 is taken without looking further
_TOO_RARE = 0.4            # below this in both readings, the encoding is neither


def _common_share(text: str, encoding: str, common_lead: Callable[[int], bool]) -> float:
    """The share of the non-ASCII characters of `text` that are common in `encoding`'s Chinese."""
    wide = [ch for ch in text[:_SAMPLE_CHARS] if ch >= "\x80"]
    if not wide:
        return 1.0
    common = 0
    for ch in wide:
        try:
            encoded = ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        common += len(encoded) == 2 and common_lead(encoded[0])
    return common / len(wide)


def _gb_or_big5(data: bytes, name: str) -> str:
    readings = []
    for encoding, charset, common_lead in (
            ("gb18030", "gb2312", lambda lead: lead >= 0xB0 or lead in (0xA1, 0xA3)),
            ("big5hkscs", "big5", lambda lead: 0xA1 <= lead <= 0xC6)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        share = _common_share(text, charset, common_lead)
        if share >= _COMMON_ENOUGH:
            return text
        readings.append((share, text))
    share, text = max(readings, key=lambda r: r[0], default=(0.0, ""))
    if share >= _TOO_RARE:
        return text
    raise ExtractError("the text is neither UTF-8 nor GBK/GB18030 nor Big5 Chinese; save it as UTF-8 and "
                       "try again", file=name, code="text-encoding")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY = "this is a binary file, not text; give the tender as .txt, .md, .docx or .pdf"


def _checked_text(text: str, name: str) -> str:
    sample = text[:20000]
    if sample and len(_CONTROL_RE.findall(sample)) > max(8, len(sample) // 100):
        raise ExtractError(_BINARY, file=name, code="file-binary")
    if not text.strip():
        raise ExtractError("the file is empty", file=name, code="file-empty")
    return text
