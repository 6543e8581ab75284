"""A .docx tender -> blocks: paragraphs with their Word list numbers and heading levels, and
tables as row blocks; each block knows its paragraph (or table and row) in the body.

Before parsing, the package is checked from its zip directory (and its list of content types)
alone: a renamed .doc/.wps or a zip bomb is refused with one clear line."""
from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

from bidkit.errors import ExtractError
from bidkit.extract.normalise import clean
from bidkit.extract.blocks import Block, table_blocks
from bidkit.extract.location import Location

# Limits of a .docx package, checked from its zip directory before anything is decompressed.
MAX_DOCX_UNCOMPRESSED = 500 * 1024 * 1024   # all members together, uncompressed
MAX_DOCX_RATIO = 200                        # uncompressed / compressed size of one member ...
RATIO_CHECK_FROM = 1024 * 1024              # ... of this size or more (tiny parts compress well)
MAX_DOCX_MEMBERS = 20_000                   # members in the package
# What python-docx parses into a tree (the text, styles, numbering, headers, relationships...),
# all parts together, uncompressed. Parsing and reading take up to 30 times the XML (32 MB of
# paragraphs: 0.95 GB), so this keeps a .docx under 1 GB; a real tender has 35 to 70 bytes of XML
# a character of text, so this still holds 500,000 characters (the tenders seen: under 1 MB).
# Images and embedded files are never parsed.
MAX_DOCX_XML = 32 * 1024 * 1024

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RENAMED_DOC = ("this is a Word 97-2003 .doc (or WPS) file renamed to .docx; open it in Word or "
                "WPS and save as .docx")


def docx_blocks(path: Path, name: str) -> list[Block]:
    check_package(path, name)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError ...
        if "Excessive depth" in str(exc):  # lxml refuses elements nested past its own limit
            raise ExtractError("the .docx nests its XML deeper than the XML parser allows; it is not a "
                               "normal Word document", file=name, code="docx-xml-too-deep") from None
        raise ExtractError(f"is not a readable .docx file ({type(exc).__name__}); open it in Word "
                           "and save it again", file=name, code="docx-unreadable") from None
    blocks: list[Block] = []
    body = document.element.body
    numbering = _ListNumbers(document)
    styles = _Styles()
    file = path.name
    paragraphs = tables = 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs += 1
            para = Paragraph(child, document)
            style = styles.of(para)
            level = style.level
            number = numbering.label(para, style)
            where = Location(file, paragraph=paragraphs)
            for i, line in enumerate(para.text.splitlines()):
                if line.strip():
                    text = (number + line.strip()) if (i == 0 and number) else line.strip()
                    blocks.append(Block(clean(text), kind="heading" if level else "line", level=level,
                                        where=where))
        elif tag == "tbl":
            tables += 1
            table = Table(child, document)
            rows, wheres = [], []
            for r, row in enumerate(table.rows, 1):
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                rows.append(cells)
                wheres.append(Location(file, table=tables, row=r))
            blocks.extend(table_blocks(rows, wheres))
    return blocks


def check_package(path: Path, name: str) -> None:
    """Refuse what is no Word package, from its first bytes, its zip directory and its content
    types alone: a renamed .doc/.wps (OLE2), another Office file, a zip bomb."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE2_MAGIC:
        raise ExtractError(_RENAMED_DOC, file=name, code="docx-renamed-doc")
    if not zipfile.is_zipfile(path):
        raise ExtractError("is not a .docx file (not a zip package); was it renamed from another "
                           "format? Save it as .docx from Word and try again", file=name, code="docx-not-zip")
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            if len(members) > MAX_DOCX_MEMBERS:
                raise ExtractError(f"the .docx package holds {len(members):,} parts, over the "
                                   f"{MAX_DOCX_MEMBERS:,} limit; it is not a normal Word document",
                                   file=name, code="docx-too-many-parts", parts=len(members),
                                   limit=MAX_DOCX_MEMBERS)
            total = 0
            for info in members:
                total += info.file_size
                if total > MAX_DOCX_UNCOMPRESSED:
                    raise ExtractError(f"the .docx unpacks to more than {MAX_DOCX_UNCOMPRESSED // 1024 // 1024} MB "
                                       "(the limit); it is not a normal Word document (a zip bomb?)",
                                       file=name, code="docx-too-big",
                                       limit=f"{MAX_DOCX_UNCOMPRESSED // 1024 // 1024} MB")
                if (info.file_size >= RATIO_CHECK_FROM
                        and info.file_size > MAX_DOCX_RATIO * max(info.compress_size, 1)):
                    raise ExtractError(f"the .docx part {info.filename[:60]!r} is compressed more than "
                                       f"{MAX_DOCX_RATIO}:1 (the limit); it is not a normal Word "
                                       "document (a zip bomb?)", file=name, code="docx-ratio",
                                       part=info.filename[:60], ratio=MAX_DOCX_RATIO)
            _check_xml_parts(package, members, name)
            names = {info.filename for info in members}
            main = _main_part(package, names)
            if "word/document.xml" in names or (main in names and not main.startswith(("xl/", "ppt/"))):
                return
    except zipfile.BadZipFile:
        return      # python-docx says it cannot read it, below
    lower = [n.lower() for n in names]
    if any(n.startswith("xl/") for n in lower):
        raise ExtractError("this is an Excel .xlsx file renamed to .docx; give the tender as .docx "
                           "or .pdf", file=name, code="docx-is-xlsx")
    if any(n.startswith("ppt/") for n in lower):
        raise ExtractError("this is a PowerPoint .pptx file renamed to .docx; give the tender as "
                           ".docx or .pdf", file=name, code="docx-is-pptx")
    if any("wps" in n or "kso" in n for n in lower):
        raise ExtractError(_RENAMED_DOC, file=name, code="docx-renamed-doc")


_CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _check_xml_parts(package: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse a package whose XML parts (those python-docx parses) unpack to more than
    MAX_DOCX_XML together. A part is XML by its content type, whatever its name ends with."""
    sizes = {info.filename: info.file_size for info in members}
    if sizes.get(_CONTENT_TYPES, 0) > MAX_DOCX_XML:
        _xml_too_big(name, _CONTENT_TYPES)
    types = _content_types(package) if _CONTENT_TYPES in sizes else {}
    parsed = [n for n in sizes if n.lower().endswith((".xml", ".rels"))
              or _content_type(types, n).lower().endswith("xml")]
    if sum(sizes[n] for n in parsed) > MAX_DOCX_XML:
        _xml_too_big(name, max(parsed, key=sizes.__getitem__))


def _xml_too_big(name: str, part: str) -> None:
    limit = f"{MAX_DOCX_XML // 1024 // 1024} MB"
    raise ExtractError(f"the .docx's text and formatting (its XML parts; the largest is {part[:60]!r}) "
                       f"unpack to more than {limit} (the limit): give the tender as PDF, or only the "
                       "chapters that matter as a .docx", file=name, code="docx-xml-too-big", limit=limit,
                       part=part[:60])


def _content_types(package: zipfile.ZipFile) -> dict[str, str]:
    """[Content_Types].xml as python-docx reads it: "/part" (lower case) and ".ext" -> type;
    empty when it cannot be read (python-docx then refuses the package)."""
    from lxml import etree

    try:
        root = etree.fromstring(package.read(_CONTENT_TYPES), etree.XMLParser(resolve_entities=False))
    except Exception:  # malformed, encrypted, a bad CRC
        return {}
    types = {}
    for node in root.iterchildren(f"{_TYPES_NS}Override", f"{_TYPES_NS}Default"):
        key = node.get("PartName") or "." + (node.get("Extension") or "")
        types[key.lower()] = node.get("ContentType") or ""
    return types


def _content_type(types: dict[str, str], member: str) -> str:
    part = "/" + member
    return types.get(part.lower()) or types.get(posixpath.splitext(part)[1].lower(), "")


_OFFICE_DOCUMENT_RE = re.compile(
    rb'<Relationship\b[^>]*?Type="[^"]*/officeDocument"[^>]*?Target="/?([^"]+)"'
    rb'|<Relationship\b[^>]*?Target="/?([^"]+)"[^>]*?Type="[^"]*/officeDocument"')


def _main_part(package: zipfile.ZipFile, names: set[str]) -> str | None:
    """The main part _rels/.rels names (a Word document need not be at word/document.xml)."""
    if "_rels/.rels" not in names or package.getinfo("_rels/.rels").file_size > 1024 * 1024:
        return None
    try:
        m = _OFFICE_DOCUMENT_RE.search(package.read("_rels/.rels"))
    except Exception:  # encrypted, an unknown compression, a bad CRC: python-docx will say
        return None
    return (m.group(1) or m.group(2)).decode("utf-8", "replace") if m else None


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_DIGITS = "〇一二三四五六七八九"


def _chinese_counting(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


_NUM_FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese_counting, "chineseCountingThousand": _chinese_counting,
    "ideographTraditional": _chinese_counting, "chineseLegalSimplified": _chinese_counting,
    "taiwaneseCounting": _chinese_counting, "japaneseCounting": _chinese_counting,
    "lowerLetter": lambda n: chr(96 + (n - 1) % 26 + 1), "upperLetter": lambda n: chr(64 + (n - 1) % 26 + 1),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: f"({n})", "decimalFullWidth": str,
}


class _ListNumbers:
    """The numbers Word draws in front of auto-numbered paragraphs (一、 1. (1)), which are not
    in the paragraph's text; python-docx has no API for them, so read numbering.xml here."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part: no auto numbers
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            lvls = {}
            for lvl in node.iterchildren(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                start = lvl.find(f"{_W}start")
                lvls[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                    int(start.get(f"{_W}val", "1")) if start is not None else 1)
            abstract[node.get(f"{_W}abstractNumId")] = lvls
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    def label(self, para, style: _Style) -> str:
        """The rendered number of a list paragraph (of that style) followed by a space, or ""."""
        if style.broken:
            return ""
        try:
            num_id, ilvl = self._num_pr(para, style)
            if num_id is None or num_id not in self.levels:
                return ""
            fmt, text, start = self.levels[num_id].get(ilvl, ("decimal", "", 1))
            if fmt in ("bullet", "none") or not text:
                return ""
            counters = self.counters.setdefault(num_id, [0] * 9)
            ilvl = min(max(ilvl, 0), 8)
            counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
            for deeper in range(ilvl + 1, 9):
                counters[deeper] = 0
            out = text
            for k in range(9):
                if f"%{k + 1}" in out:
                    kfmt = self.levels[num_id].get(k, (fmt, "", 1))[0]
                    value = counters[k] or self.levels[num_id].get(k, (fmt, "", 1))[2]
                    out = out.replace(f"%{k + 1}", _NUM_FORMATS.get(kfmt, str)(value))
            return out + " "
        except Exception:  # a numbering definition we do not understand: no number, no harm
            return ""

    @staticmethod
    def _num_pr(para, style: _Style) -> tuple[str | None, int]:
        for holder in (para._p, style.element):
            ppr = holder.find(f"{_W}pPr") if holder is not None else None
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if numpr is not None:
                num_id = numpr.find(f"{_W}numId")
                ilvl = numpr.find(f"{_W}ilvl")
                if num_id is None:
                    continue
                value = num_id.get(f"{_W}val")
                return (None if value == "0" else value), int(ilvl.get(f"{_W}val", "0")) if ilvl is not None else 0
        return None, 0


_HEADING_STYLE_RE = re.compile(r"^(?:Heading|标题)\s*(\d)$", re.I)


class _Style(NamedTuple):
    """What a paragraph's style says: its heading level, its element (which may hold a list
    number), and whether python-docx failed to read it (then the paragraph has no number)."""

    level: int | None
    element: object | None
    broken: bool


class _Styles:
    """python-docx looks a paragraph's style up among all the styles of the document on every
    call (half a millisecond): a document has few styles and many paragraphs, so each style id is
    read once."""

    def __init__(self) -> None:
        self.by_id: dict[str | None, _Style] = {}

    def of(self, para) -> _Style:
        style_id = para._p.style
        known = self.by_id.get(style_id)
        if known is None:
            known = self.by_id[style_id] = _read_style(para)
        return known


def _read_style(para) -> _Style:
    try:
        style = para.style
    except Exception:  # a style the document defines wrongly
        return _Style(None, None, True)
    element = getattr(style, "element", None) if style is not None else None
    try:
        name = style.name if style is not None else ""
    except Exception:  # a style id the document does not define
        return _Style(None, element, False)
    m = _HEADING_STYLE_RE.match(name or "")
    if m:
        return _Style(int(m.group(1)), element, False)
    return _Style(1 if (name or "").lower() == "title" else None, element, False)
