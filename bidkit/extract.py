"""Tender text, .docx or .pdf -> the after-sales requirements a bid must answer.

`read_tender` turns a file into blocks (lines, headings, table rows) in document order;
`extract_blocks` walks them keeping the outline (numbered headings and items), so that every
requirement knows where it stands (`ref`) and whether a ★ or "否则按无效投标处理" above or
beside it makes it mandatory. Inside a block the text is cut into sentences (。；) and clauses
(，：), each quantity is tied to the metric keyword that governs it ("2小时内到达现场",
"质保期不少于3年"), the operator is read from the words around it (不少于 / 以内 / a flat statement
in the buyer's favour), and the same requirement stated twice is merged.

The rules are written from DOMAIN.md's conventions and generalise by keyword families, never
by sentence; the sample passages in tests/extract_passages check them.
"""
from __future__ import annotations

import bisect
import codecs
import functools
import operator
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from bidkit.errors import ExtractError
from bidkit.model import Requirement
from bidkit.quantity import Quantity, ServiceHours, chinese_number, find_quantities

MAX_TEXT_BYTES = 20 * 1024 * 1024      # a tender text beyond this is refused before reading
MAX_FILE_BYTES = 200 * 1024 * 1024     # .docx / .pdf may carry images, but not without bound
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
SUFFIXES = TEXT_SUFFIXES + (".docx", ".pdf")


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """One unit of a tender in document order: a line or paragraph, a heading, or a table row.

    `level` is a Word heading level (1-9) or a markdown heading level; `mandatory` marks a
    table row flagged in a ★ / 实质性 column; `scoring` a row of a scoring table (评分标准).
    `label` is a table row's number (序号), used in its ref.
    """

    text: str
    kind: str = "line"  # "line" | "heading" | "row" | "header"
    level: int | None = None
    mandatory: bool = False
    scoring: bool = False
    label: str = ""


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
        blocks = text_blocks(_decode(path.read_bytes(), name).splitlines())
    elif size > MAX_FILE_BYTES:
        raise ExtractError(f"the file is {size / 1024 / 1024:.0f} MB, over the "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB limit", file=name)
    elif suffix == ".docx":
        blocks = _docx_blocks(path, name)
    else:
        blocks = _pdf_blocks(path, name)
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


_MD_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _split_row(line: str) -> list[str] | None:
    """The cells of a markdown (| a | b |) or tab-separated table line, else None."""
    stripped = line.strip()
    if stripped.count("|") >= 2 and stripped.startswith("|"):
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    if stripped.count("\t") >= 2:  # tabs inside the text, not indentation
        return [c.strip() for c in stripped.split("\t")]
    return None


def text_blocks(lines: Iterable[str]) -> list[Block]:
    """Blocks of a plain or markdown text: one a line, table lines grouped into rows."""
    blocks: list[Block] = []
    table: list[list[str]] = []
    for line in lines:
        cells = _split_row(line)
        if cells is not None:
            if not _MD_RULE_RE.match(line):
                table.append(cells)
            continue
        if table:
            blocks.extend(table_blocks(table))
            table = []
        if line.strip():
            blocks.append(Block(line.strip()))
    if table:
        blocks.extend(table_blocks(table))
    return blocks


_HEADER_WORD_RE = re.compile(r"序号|编号|条款|项目|内容|要求|参数|指标|评分|分值|得分|标准|说明|名称|备注|响应|偏离|★|实质性")
_STAR_COLUMN_RE = re.compile(r"^(★|☆|\*|★号|是否★|标★)$|实质性|是否为?★")
_SCORING_HEADER_RE = re.compile(r"评分|分值|得分|评审因素|评价标准")
_YES_RE = re.compile(r"^(★|☆|是|√|✓|✔|Y|y|yes|Yes|实质性)$")
_ROW_LABEL_RE = re.compile(r"^[(（]?\d{1,3}(?:\.\d{1,2})*[)）.．、]?$|^[一二三四五六七八九十]{1,3}$")


def table_blocks(rows: list[list[str]]) -> list[Block]:
    """Blocks of one table: the header (when there is one), then a row block per row.

    A header cell such as ★ or 实质性要求 names a column whose mark (★, 是) makes its row
    mandatory; a ★ in any cell does too. A scoring header (评分, 分值) marks scoring rows.
    """
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    first = rows[0]
    has_header = (all(len(c) <= 16 for c in first) and not any(find_quantities(c) for c in first)
                  and any(_HEADER_WORD_RE.search(c) for c in first))
    header = first if has_header else []
    star_cols = {i for i, c in enumerate(header) if _STAR_COLUMN_RE.search(c.strip())}
    scoring = any(_SCORING_HEADER_RE.search(c) for c in header)
    out: list[Block] = []
    if has_header:
        out.append(Block(" | ".join(header), kind="header"))
    for row in rows[1:] if has_header else rows:
        marked = any(i < len(row) and (_YES_RE.match(row[i].strip()) or "★" in row[i]) for i in star_cols)
        cells = [c for i, c in enumerate(row) if i not in star_cols and c.strip()]
        star = marked or any("★" in c and not _LEGEND_RE.search(c) for c in cells)
        first = cells[0].strip().lstrip("★☆▲ ") if cells else ""
        label = first if _ROW_LABEL_RE.match(first) else ""
        if label:
            cells = cells[1:]
        out.append(Block(" | ".join(cells), kind="row", mandatory=star, scoring=scoring,
                         label=label.strip("(（)）.．、")))
    return out


def _docx_blocks(path: Path, name: str) -> list[Block]:
    if not zipfile.is_zipfile(path):
        raise ExtractError("is not a .docx file (not a zip package); was it renamed from another "
                           "format? Save it as .docx from Word and try again", file=name)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, ValueError, PackageNotFoundError ...
        raise ExtractError(f"is not a readable .docx file ({type(exc).__name__}); open it in Word "
                           "and save it again", file=name) from None
    blocks: list[Block] = []
    body = document.element.body
    numbering = _ListNumbers(document)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            level = _heading_level(para)
            number = numbering.label(para)
            for i, line in enumerate(para.text.splitlines()):
                if line.strip():
                    text = (number + line.strip()) if (i == 0 and number) else line.strip()
                    blocks.append(Block(text, kind="heading" if level else "line", level=level))
        elif tag == "tbl":
            table = Table(child, document)
            rows = []
            for row in table.rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                rows.append(cells)
            blocks.extend(table_blocks(rows))
    return blocks


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

    def label(self, para) -> str:
        """The rendered number of a list paragraph followed by a space, or ""."""
        try:
            num_id, ilvl = self._num_pr(para)
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
    def _num_pr(para) -> tuple[str | None, int]:
        for holder in (para._p, getattr(para.style, "element", None) if para.style is not None else None):
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


def _heading_level(para) -> int | None:
    try:
        style = para.style.name if para.style is not None else ""
    except Exception:  # a style id the document does not define
        return None
    m = _HEADING_STYLE_RE.match(style or "")
    if m:
        return int(m.group(1))
    return 1 if (style or "").lower() == "title" else None


def _pdf_blocks(path: Path, name: str) -> list[Block]:
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
            wrapped = len(prev) >= 0.75 * width or _BARE_LABEL_RE.match(prev)
            starts_item = _NUMBERING_RE.match(_norm(text)) or text[0] in "★▲☆|#"
            if (wrapped and prev[-1] not in _SENTENCE_END and not starts_item
                    and "|" not in prev and "\t" not in line):
                out[-1] = prev + (" " if _BARE_LABEL_RE.match(prev) else "") + text
                continue
        out.append(text)
    return out


# ---------------------------------------------------------------- text helpers

# Full-width ASCII to ASCII, one character for one: offsets in the normalised text are the
# offsets in the original, so the requirement's text can quote the source exactly.
_NORM_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORM_TABLE.update({0x3000: " ", 0x00A0: " ", 0x2236: ":"})


_NORM_RUN_RE = re.compile("[\uff01-\uff5e\u3000\u00a0\u2236]+")


def _norm(text: str) -> str:
    # str.translate looks up every character of the line in a dict; the C-level search finds the
    # few full-width runs (，：（) and only those are translated.
    return _NORM_RUN_RE.sub(_norm_run, text)


def _norm_run(run: re.Match[str]) -> str:
    return run.group().translate(_NORM_TABLE)


_CN_NUM = "一二三四五六七八九十百零〇两"
_NUMBERING_RE = re.compile(
    r"(?:"
    rf"(?P<chapter>第[{_CN_NUM}\d]+(?:章|部分|篇|卷|册))"
    rf"|(?P<section>第[{_CN_NUM}\d]+节)"
    rf"|(?P<article>第[{_CN_NUM}\d]+条)"
    r"|(?P<annex>附\s*[件表录]\s*[\d一二三四五六七八九十]*)(?=[\s:：]|$)"
    r"|(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.]"
    r"|(?P<cnparen>[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])"
    r"|(?P<dec>\d{1,2}(?:\.\d{1,2}){1,4})\.?(?=\s|[^\x00-\x7f小时分钟天日年个月周人名次倍%万元])"
    r"|(?P<num>\d{1,2})(?:\s*[.、](?!\d)|\s+(?![小分天日年个月周人名次工%万元]))"
    r"|(?P<paren>[(（]\s*\d{1,2}\s*[)）])"
    r"|(?P<half>\d{1,2}\s*[)）])"
    r"|(?P<circle>[①-⑳⑴-⒇])"
    r")\s*"
)
_RANKS = {"chapter": 0.0, "annex": 0.0, "section": 1.0, "article": 1.5, "cn": 2.0, "cnparen": 3.0,
          "num": 4.0, "paren": 5.0, "half": 6.0, "circle": 7.0}
_BARE_LABEL_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)\s*$")
_MARKS_RE = re.compile(r"[\s★☆▲△◆■●※]*")
_MD_HEADING_RE = re.compile(r"\s*(#{1,6})\s+")


def _numbering(text: str, pos: int) -> tuple[str, float, str, int] | None:
    """(label, rank, style, end) of the item number at `pos` in normalised text, or None.

    The rank orders the usual Chinese outline 第一章 > 一、 > (一) > 1. > (1) > 1) > ①; the
    style tells two numbering kinds apart (1. and 1 are different, so are 3.4 and 3.4.1).
    """
    m = _NUMBERING_RE.match(text, pos)
    if not m:
        return None
    kind = m.lastgroup
    raw = "".join(m.group(kind).split())
    style = kind
    if kind == "num" and "." not in m.group(0) and "、" not in m.group(0):
        style = "num_space"
    if kind == "dec":
        raw = raw.rstrip(".")
        style = f"dec{raw.count('.')}"
        label, rank = raw, 4.0 + 0.1 * raw.count(".")
    elif kind == "cn":
        label, rank = raw + "、", _RANKS[kind]
    elif kind in ("cnparen", "paren"):
        label, rank = "(" + raw.strip("(（)）") + ")", _RANKS[kind]
    elif kind == "half":
        label, rank = raw.rstrip(")）") + ")", _RANKS[kind]
    else:
        label, rank = raw, _RANKS[kind]
    return label, rank, style, m.end()


# ---------------------------------------------------------------- vocabulary

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "warranty_period": (
        "质保期", "保修期", "质量保证期", "质量保修期", "免费保修期", "免费质保期", "免费维保期",
        "免费维护期", "免费运维期", "免费维修期", "维保期", "维保服务期", "免费维保", "免费保修",
        "免费质保", "原厂质保",
        "原厂保修", "整机质保", "整机保修", "质保", "保修", "包修"),
    "response_time": (
        "响应时间", "响应", "答复", "回复", "回应", "远程指导", "远程诊断", "远程支持", "远程技术支持",
        "远程协助"),
    "onsite_arrival": (
        "到达现场", "到达用户现场", "到达采购人现场", "赶到现场", "赶赴现场", "抵达现场", "到现场",
        "到场", "上门", "到达", "抵达", "赶到", "派员", "派人", "到院", "到校", "到馆", "赶往现场",
        "前往现场", "赶赴"),
    "repair_completion": (
        "修复", "排除故障", "故障排除", "排除", "恢复", "解决", "修好", "维修完毕", "维修完成",
        "处理完毕", "处理完成", "修理完毕", "故障处理", "处理时间", "维修时间", "修复时间",
        "修不好", "修不了", "修复不了", "排除不了", "解决不了"),
    "replacement_time": (
        "更换", "换货", "换新", "调换", "退换"),
    "substitute_equipment": (
        "备用机", "备用设备", "备机", "代用设备", "代用机", "替代设备", "替代机", "替代产品",
        "周转机", "周转设备", "备用产品", "借用设备", "临时替代", "代用车", "备用车", "替代车",
        "周转车", "代步车", "替换机", "替换设备", "应急设备", "临时设备", "备用车辆", "代用车辆",
        "备用终端", "替换装置", "备用装置", "备用模块", "替代装置", "替换终端", "替换模块"),
    "local_office": (
        "售后服务机构", "服务机构", "售后服务网点", "服务网点", "维修网点", "维修站", "服务站",
        "办事处", "分支机构", "常驻机构", "售后服务中心", "服务中心", "维修中心", "本地化服务",
        "本地服务", "服务点", "维修点", "服务部", "分公司", "常驻点", "驻点", "维修场所", "服务场所",
        "维保站点", "维修站点", "服务站点", "售后站点", "维保站", "保养站", "4S店", "4s店", "售后网点",
        "常驻服务点"),
    "staff_count": (
        "售后服务人员", "售后人员", "售后服务团队", "售后团队", "服务团队", "服务人员", "运维人员",
        "维保人员", "驻场人员", "项目组人员", "专职人员", "人员配置", "人数", "服务小组", "团队",
        "人员"),
    "engineer_count": (
        "工程师", "技术人员", "维修人员", "技术支持人员", "专业人员", "技术骨干", "电工", "持证人员"),
    "training": ("培训人数", "培训人次", "培训时间", "培训天数", "培训次数", "培训课时", "培训时长",
                 "培训人员", "受训人员", "参训人员", "培训",),
    "spare_parts": ("备品备件", "备件", "零配件", "配件", "零部件", "易损件", "备品"),
    "return_visit": ("回访",),
    "complaint_response": ("投诉",),
    # Verbs that finish something: repair in a repair sentence, a complaint in a complaint one.
    "completion": ("完成", "完毕", "办结"),
    # Words around a number that is no after-sales requirement.
    "exclude": (
        "质保金", "保证金", "预算", "限价", "控制价", "业绩", "注册资本", "投标有效期", "有效期",
        "付款", "支付", "违约金", "违约", "罚款", "扣款", "扣除", "赔偿", "经验", "从业", "工龄",
        "社保", "成立", "合同签订", "签订合同", "签订后", "签订之日", "工期", "竣工", "开标",
        "截止", "安装", "调试", "公告", "报名", "质疑", "履约", "年龄", "学历"),
    "delivery": ("交货", "供货", "发货", "到货", "送货"),
}
# Context a keyword must not have: 响应文件 is a bid document, 货物到达 a delivery.
_NOT_AFTER = {"响应": re.compile(r"文件|供应商|人|表|偏离|情况|内容|程度|方案|条款|的条款"),
              "解决": re.compile(r"方案|措施|办法"), "恢复": re.compile(r"期"), "回复": re.compile(r"函"),
              "服务中心": re.compile(r"热线"), "到达": re.compile(r"率"), "排除": re.compile(r"在外|责任"),
              "人数": re.compile(r"比例")}
_NOT_BEFORE = {"响应": re.compile(r"(?:逐条|全部|完全|均须)$"), "到达": re.compile(r"(?:货物|产品)$")}
_TERM_METRIC = {term: metric for metric, words in _KEYWORDS.items() for term in words}


def _trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many words, factored by common prefixes: it tries a handful of branches at
    each character instead of every word, and prefers the longest word (质保期 over 质保)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return re.compile(emit(trie))


_KEYWORD_RE = _trie_regex(_TERM_METRIC)


def _keyword_matches(norm: str) -> list[tuple[str, str, int, int]]:
    """(term, metric, start, end) of every keyword, longest first, skipping excluded contexts."""
    out = []
    for m in _KEYWORD_RE.finditer(norm):
        term = m.group()
        k0, k1 = m.span()
        if term in _HAS_CONTEXT:  # only a few terms have a context to check
            after = _NOT_AFTER.get(term)
            before = _NOT_BEFORE.get(term)
            if (after and after.match(norm, k1)) or (before and before.search(norm, max(0, k0 - 4), k0)):
                continue
        out.append((term, _TERM_METRIC[term], k0, k1))
    return out


_HAS_CONTEXT = frozenset(_NOT_AFTER) | frozenset(_NOT_BEFORE)

# Metrics and the units they accept; the first group are deadlines (a flat number is a ceiling).
_TIME = ("minute", "hour", "day", "workday", "week")
_DEADLINES = ("response_time", "onsite_arrival", "repair_completion", "replacement_time",
              "substitute_equipment", "complaint_response")
_UNITS: dict[str, tuple[str, ...]] = {
    **{m: _TIME for m in _DEADLINES},
    "warranty_period": ("month", "year", "day", "week"),
    "spare_parts": _TIME + ("month", "year"),
    "training": ("day", "workday", "hour", "person", "times"),
    "staff_count": ("person",),
    "engineer_count": ("person",),
    "return_visit": ("times",),
}
_FLOORS = ("warranty_period", "staff_count", "engineer_count", "training", "return_visit",
           "service_hours")

_SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]*")
# 1,860,000 and 8:30 stay whole; plain runs match in one step ([^…]+), not a character a loop.
_CLAUSE_RE = re.compile(r"(?:[^，,：:|]+|(?<=[0-9])[,:](?=[0-9]))+")

_OP_BEFORE_RE = re.compile(
    r"(?P<ge>不少于|不低于|不小于|不短于|不得少于|不应少于|不能少于|不得低于|不应低于|至少|最少|最低|"
    r"起码|≥|>=|大于等于|大于或等于|不少於)"
    r"|(?P<le>不超过|不多于|不大于|不高于|不长于|不晚于|不迟于|不得超过|不应超过|不能超过|不宜超过|"
    r"最多|最长|最迟|≤|<=|小于等于|小于或等于|小于|少于|低于|短于|以内)"
    r"|(?P<cond>超过|超出|逾|大于|多于|长于)"
)
_OP_AFTER_RE = re.compile(
    r"\s*(?:[(（]含[)）])?\s*(?:(?P<le>以内|之内|内|以下|及以下|或以下|为限)|(?P<ge>以上|及以上|或以上|及其以上))")
_INCREMENT_RE = re.compile(r"每(?:增加|延长|提高|缩短|减少|提前|多|少|延迟|推迟|逾期|超过|超出|迟)?\s*$")
_PAST_RE = re.compile(r"(?:近|最近|过去|前)\s*$")
_NEGATION_RE = re.compile(r"(?:不能|未能|无法|不可|难以|没有|不到|未)[^，,。；;]{0,7}$")
_NEGATION_WORD_RE = re.compile(r"不能|未能|无法|不可|难以|没有|不到|未")
_NON_ANCHOR_AFTER_RE = re.compile(r"(?:内|满|届满|到期|结束|以外|外|后|期间|间|起)")
_SCORING_RE = re.compile(r"[得加扣减]\s*\d+(?:\.\d+)?\s*分|最高\s*\d+(?:\.\d+)?\s*分|不得分|满分|"
                         r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_NO_POINTS_RE = re.compile(r"不得分|得\s*0\s*分|不给分|不计分")


def _awards_points(text: str) -> bool:
    # Every scoring phrase names 分: most lines have none, and `in` is cheaper than the regex.
    return "分" in text and _SCORING_RE.search(text) is not None


_MASKED_RE = re.compile(r"(?:[X×]+|[x_＿□○*＊]{2,}|\s{3,})\s*(?:个\s*)?"
                        r"(?P<unit>分钟|小时|工作日|天|日|个月|月|年|人|名|次)")
_MASKED_UNIT = {"分钟": "minute", "小时": "hour", "工作日": "workday", "天": "day", "日": "day",
                "个月": "month", "月": "month", "年": "year", "人": "person", "名": "person",
                "次": "times"}
_IMMEDIATE_RE = re.compile(r"(?:立即|即时|立刻|马上|第一时间|实时)")
# 应 / 保证 but not 响应, 质量保证; the lookbehind follows the word so that every branch starts
# with a plain character, which the regex engine scans for quickly (as in _MANDATORY_RE).
_DEMAND_RE = re.compile(r"须|应(?<![响回供相对适反]应)|必须|需|要求|承诺|保证(?<!质量保证)|负责|不得|不允许")

# ★ that explains the convention (标注★的为实质性条款) is a legend, not a mark.
_LEGEND_RE = re.compile(r"(?:标注?|带有?|注有|注明|标有|打|加|有|含)\s*[“\"'「『【(（]?\s*[★☆]|"
                        r"[★☆]\s*[”\"'」』】)）]?\s*(?:号|标记|标志|符号)|[“\"「『][★☆][”\"」』]")
# Every branch starts with a plain character (作废标|废标, not 作?废标): then the regex engine
# jumps to the candidate characters instead of trying each position; it runs on every line.
_MANDATORY_RE = re.compile(
    r"实质性(?:条款|要求|内容|条件|指标|参数)|无效投标|投标无效|无效标|作废标|废标|无效响应|响应无效|"
    r"否决(?:其)?投标|不得负偏离|不允许负偏离|不接受负偏离|不能负偏离|投标将被拒绝|视为无效|按无效|"
    r"非实质性响应|不允许偏离|不接受任何偏离|不得偏离")
_SCOPE_FORWARD_RE = re.compile(r"以下|下列|如下")
_SCOPE_WHOLE_RE = re.compile(r"本节|本章|本部分|本条|本项|本款|本表|以下|下列|如下|各项|所有|均为|均须|全部")
_SCOPE_BACK_RE = re.compile(r"(?:^|[，,。；;：:\s(（])(?:以上|上述|前述)")
_MUST_RE = re.compile(r"必须")

def _alternatives(metric: str, drop: tuple[str, ...] = ()) -> str:
    # Factored by prefixes (one regex branch a character, not one a word): these run on every clause.
    return _trie_regex(w for w in _KEYWORDS[metric] if w not in drop).pattern


# 设有售后服务机构 / 以本市一类维修企业作为售后服务网点 / 在项目所在地设维保站点.
_OFFICE_PRESENT_RE = re.compile(
    r"(?:(?<!无需)(?<!不需)(?<!不必)(?:设有|设立|设置|建立|建有|拥有|具有|具备|配备|提供|成立|开设|作为|有)"
    r"|(?:本地|本区|本市|本县|本省|当地|所在地|所在市|所在区|所在县|市内|区内|县内))"
    rf"[^，,。；;|]{{0,14}}?(?:{_alternatives('local_office')})")
_SUBSTITUTE_PRESENT_RE = re.compile(
    r"(?:提供|配备|调配|借用|安排|备有|配置|调拨)[^，,。；;|]{0,14}?"
    rf"(?:{_alternatives('substitute_equipment', ('借用设备', '临时替代', '应急设备', '临时设备'))})")
_TRAINING_PRESENT_RE = re.compile(r"(?:提供|进行|组织|负责|开展|安排|实施)[^，,。；;|]{0,16}?培训"
                                  r"(?!计划|方案|费|资料|教材|记录|内容|课件|手册|证书|认证|合格|考核)")
_SPARE_PRESENT_RE = re.compile(
    r"(?:建立|设立|设置|储备|备有|建有|提供|配备)[^，,。；;|]{0,10}?(?:备品备件库|备件库|备品备件|备件中心|"
    r"备件仓库)")
_PERIOD = r"每\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?:年|季度?|月|周|星期|旬)"
_VISIT_PRESENT_RE = re.compile(r"(?:定期|定时|不定期|回访制度|建立[^，,。；;|]{0,6}回访|满意度[^，,。；;|]{0,4}回访|"
                               r"回访[^，,。；;|]{0,4}满意度|(?:进行|开展|组织|做好)[^，,。；;|]{0,6}回访|"
                               rf"{_PERIOD}[^，,。；;|]{{0,8}}?回访|回访[^，,。；;|]{{0,4}}?{_PERIOD})")
# 按设备总量的2%储备备品备件 / 提供3%的备用模块: a stock as a share of the units is a spare-parts
# demand (present: a percentage is no time to compare), not a substitute for a repair.
_SPARE_NOUNS = (r"(?:备品备件|备件|备品|零配件|配件|易损件|备用(?:终端|模块|装置|设备|部件|机|产品)|"
                r"替换(?:装置|终端|模块))")
_SPARE_PERCENT_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?\s*[%％]|百分之[0-9一二三四五六七八九十点]+)"
                               rf"[^，,。；;|]{{0,8}}?{_SPARE_NOUNS}"
                               rf"|{_SPARE_NOUNS}[^，,。；;|]{{0,8}}?[0-9]+(?:\.[0-9]+)?\s*[%％]")
# 省内设有原厂备件库 / 本市设有备件仓库: a warehouse in the buyer's province or city is a local office.
_LOCAL_STORE_RE = re.compile(
    r"(?:本地|本区|本市|本县|本省|当地|所在地|所在市|所在区|所在县|所在省|市内|区内|县内|省内|全省|省会|城区)"
    r"[^，,。；;|]{0,10}?(?:备品备件|备件|配件)?(?:库|仓库|中心|储备点)")
# Metrics whose demand without a number is itself the requirement, with the words that say so.
_PRESENT_RULES = (
    ("local_office", _OFFICE_PRESENT_RE),
    ("substitute_equipment", _SUBSTITUTE_PRESENT_RE),
    ("training", _TRAINING_PRESENT_RE),
    ("spare_parts", _SPARE_PRESENT_RE),
    ("return_visit", _VISIT_PRESENT_RE),
)
_OTHER_WORDS_RE = re.compile(r"巡检|保养|升级|开机率|原装|全新|正品|技术支持|维护")

_REPAIR_CONTEXT_RE = re.compile(r"修|故障")
_STAR_RE = re.compile(r"[★☆]")
_TOPIC_RE = re.compile(r"([^，,。；;:：]{1,16})[:：]")
_RESTATED_RE = re.compile(r"\s*[(（]\s*(?:即|合|共)?\s*")
_OFFER_RE = re.compile(r"提供|配备|设立|设有|具备|具有|出具|承诺")
_CONDITION_END_RE = re.compile(r"(?:的|时|后|前)\s*$")
_RANGE_RE = re.compile(r"[0-9零〇一二三四五六七八九十两]\s*(?:个)?\s*(?:[~～\-—–]|至|到)\s*$")
_DEADLINE_RE = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以内|之内|内)")
_COMPLAINT_RE = re.compile(r"投诉")


# ---------------------------------------------------------------- the outline


_ITEM_STYLES = ("num", "num_space", "paren", "half", "circle")
TITLE_RANK = 3.9  # an unnumbered title sits below 一、 and (一), above 1. and 3.4
_TITLE_RE = re.compile(r"^[^，,。；;：:！!？?|]{2,20}$")
_VERB_RE = re.compile(r"须|应(?<![响回供相对适反]应)|需|承诺|不得|提供|设有|具有|配备|进行")  # see _DEMAND_RE


@dataclass(slots=True)
class _Node:
    label: str
    rank: float
    mandatory: bool
    uid: int
    style: str = ""


@dataclass(slots=True)
class _Scope:
    """A lead-in line (说明：/ 以下条款为实质性条款：) governing the items after it."""

    mandatory: bool
    depth: int                    # stack depth when it started
    parent_rank: float            # rank of the node it sits under (-1 at the top)
    child_rank: float | None = None


@dataclass(slots=True)
class _Found:
    metric: str
    op: str
    value: float | str | None
    unit: str | None
    mandatory: bool
    text: str
    ref: str
    scoring: str | None = None
    path: tuple[int, ...] = ()

    def copy(self) -> _Found:
        # dataclasses.replace inspects the fields on every call; this runs once a requirement.
        return _Found(self.metric, self.op, self.value, self.unit, self.mandatory, self.text,
                      self.ref, self.scoring, self.path)


@dataclass
class _Outline:
    stack: list[_Node] = field(default_factory=list)
    scopes: list[_Scope] = field(default_factory=list)
    next_uid: int = 0
    marked: dict = field(default_factory=dict)  # parent uid -> len(found) at its last 以上 line
    analysed: dict = field(default_factory=dict)  # a block's content -> its _Analysis, see _analyse

    def push(self, label: str, rank: float, mandatory: bool, style: str = "") -> _Node:
        same = None
        if style:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].style == style:
                    same = i
                    break
        if same is not None:
            # A numbering kind seen above is a sibling of that item (2. after 1.).
            del self.stack[same:]
        elif not (self.stack and self.stack[-1].style.startswith("dec") and style in _ITEM_STYLES):
            # A kind not seen yet: nest or climb by the usual outline order; items numbered
            # 1. under a decimal heading 3.4 nest under it.
            while self.stack and self.stack[-1].rank >= rank:
                self.stack.pop()
        # A lead-in scope lasts while the items keep the level of its first item.
        depth = len(self.stack)
        kept = []
        for scope in self.scopes:
            if scope.depth > depth or rank <= scope.parent_rank:
                continue
            if scope.child_rank is None:
                scope.child_rank = rank
            elif rank < scope.child_rank:
                continue
            kept.append(scope)
        self.scopes = kept
        self.next_uid += 1
        node = _Node(label, rank, mandatory, self.next_uid, style)
        self.stack.append(node)
        return node

    def title(self, label: str, mandatory: bool) -> None:
        while self.stack and self.stack[-1].rank >= TITLE_RANK:
            self.stack.pop()
        self.push(label, TITLE_RANK, mandatory, "title")

    def open_scope(self, mandatory: bool) -> None:
        depth = len(self.stack)
        self.scopes = [s for s in self.scopes if s.depth < depth]
        parent_rank = self.stack[-1].rank if self.stack else -1.0
        self.scopes.append(_Scope(mandatory, depth, parent_rank))

    def mandatory(self) -> bool:
        for n in self.stack:
            if n.mandatory:
                return True
        for s in self.scopes:
            if s.mandatory:
                return True
        return False

    def ref(self, extra: str = "") -> str:
        labels = [n.label for n in self.stack if n.label] + ([extra] if extra else [])
        # 2 > 2.1 reads as 2.1: a decimal number already names its parent.
        labels = [a for a, b in zip(labels, labels[1:] + [""]) if not b.startswith(a + ".")]
        out = ""
        for label in labels:
            out += label if (not out or out.endswith("、")) else " " + label
        return out

    def path(self) -> tuple[int, ...]:
        return tuple(n.uid for n in self.stack)


# ---------------------------------------------------------------- extraction


def extract_text(text: str) -> list[Requirement]:
    """The requirements of a tender given as text (tables as | or tab separated lines)."""
    if not isinstance(text, str):
        raise ExtractError("the tender text must be a string")
    return extract_blocks(text_blocks(text.splitlines()))


def extract_file(path: str | os.PathLike) -> list[Requirement]:
    """The requirements of a .txt / .md / .docx / .pdf tender file."""
    return extract_blocks(read_tender(path))


def requirements_json(reqs: Iterable[Requirement]) -> dict:
    """{"requirements": [...]} as `bidkit extract --format json` prints it; scoring only when set."""
    out = []
    for r in reqs:
        row = {"metric": r.metric, "op": r.op, "value": r.value, "unit": r.unit,
               "mandatory": r.mandatory, "text": r.text, "ref": r.ref}
        if r.scoring is not None:
            row["scoring"] = r.scoring
        out.append(row)
    return {"requirements": out}


def extract_blocks(blocks: Iterable[Block]) -> list[Requirement]:
    """Walk the blocks in order, keeping the outline, and collect the requirements."""
    outline = _Outline()
    found: list[_Found] = []
    hints: list[tuple[str, str]] = []
    for block in blocks:
        if block.kind == "header" or not block.text.strip():
            continue
        if block.kind == "row":
            _row(block, outline, found, hints)
        else:
            _line(block, outline, found, hints)
    return _merge(found, hints)


def _row(block: Block, outline: _Outline, found: list[_Found], hints: list) -> None:
    """A table row: mandatory when its ★ column says so, or a heading above it is."""
    text = block.text
    norm = _norm(text)
    whole, _back, spans = _marks(norm, 0)
    base = outline.mandatory() or block.mandatory or whole
    scoring = block.scoring or _awards_points(norm)
    _analyse(text, norm, 0, base, spans, outline, block.label, scoring, found, hints, topic=None)


def _line(block: Block, outline: _Outline, found: list[_Found], hints: list) -> None:
    """A line or paragraph: its number (or heading style, or title look) updates the outline,
    its ★ and 实质性 words set what is mandatory, then its text is analysed."""
    raw = block.text
    norm = _norm(raw)
    pos = 0
    md = _MD_HEADING_RE.match(norm)
    md_level = None
    if md:
        md_level, pos = len(md.group(1)), md.end()
    marks = _MARKS_RE.match(norm, pos)
    star = "★" in marks.group() or "☆" in marks.group()
    pos = marks.end()
    numbering = _numbering(norm, pos)
    style = ""
    if numbering:
        label, rank, style, pos = numbering
        marks = _MARKS_RE.match(norm, pos)
        star = star or "★" in marks.group() or "☆" in marks.group()
        pos = marks.end()
    content = norm[pos:]
    whole, back, spans = _marks(norm, pos)

    heading_level = block.level or md_level
    is_node = numbering is not None or heading_level is not None
    # A closing line (以上条款为实质性条款) speaks of the items before it: its parent is the
    # heading above the last item.
    parent = None
    if outline.stack:
        top = outline.stack[-1]
        if top.style in _ITEM_STYLES and len(outline.stack) > 1:
            parent = outline.stack[-2].uid
        elif top.style not in _ITEM_STYLES:
            parent = top.uid
    if is_node:
        if numbering is None:
            label = content.strip()[:12]
            rank = float(max(0, heading_level - 1))
            style = f"h{heading_level}"
        outline.push(label, rank, star or whole, style)
        parent = outline.stack[-2].uid if len(outline.stack) > 1 else None
        base = outline.mandatory()
    else:
        lead_in = (content.rstrip().endswith((":", "：")) and len(content) <= 60) or \
                  (whole and bool(_SCOPE_FORWARD_RE.search(content)))
        if lead_in:
            outline.open_scope(star or whole)
            base = outline.mandatory()
        elif _TITLE_RE.match(content) and not _DIGIT_RE.search(content) and not _VERB_RE.search(content):
            # 评分细则 / ★售后服务要求: an unnumbered title ends the items above it and
            # heads the ones below, under the numbered headings it stands in.
            outline.title(content.strip()[:12], star or whole)
            base = outline.mandatory()
        else:
            base = outline.mandatory() or star or whole
    if back:
        _mark_back(found, parent, outline)
    scoring = _awards_points(content)
    topic = None
    colon = _TOPIC_RE.match(content)
    if colon:
        topic = colon.group(1)
    _analyse(raw[pos:], norm[pos:], pos, base, spans, outline, "", scoring, found, hints, topic=topic,
             allow_other=not (is_node and _is_title(content)))


def _marks(norm: str, pos: int) -> tuple[bool, bool, list[tuple[int, int]]]:
    """What makes a line's text mandatory, from `pos` on: (whole, back, spans).

    `whole`: a 实质性/无效投标 phrase that speaks of the whole item (本节, 以下, a title) covers the
    line and everything under it; `back`: one that speaks of the items above (以上条款为实质性条款);
    `spans`: a plain phrase covers its sentence, a ★ or 必须 the rest of its sentence. A ★ in a
    legend (标注★的为实质性条款) marks nothing, and neither does the legend's phrase.
    """
    content = norm[pos:]
    has_star = "★" in content or "☆" in content
    legend = has_star and bool(_LEGEND_RE.search(content))  # every legend names a ★ or ☆
    phrase = None if legend else _MANDATORY_RE.search(content)
    starts: list[int] = []
    ends: list[int] = []

    def sentence_of(at: int) -> tuple[int, int]:
        if not starts:
            for m in _SENTENCE_RE.finditer(norm, pos):
                starts.append(m.start())
                ends.append(m.end())
        i = bisect.bisect_right(starts, at) - 1
        return (starts[i], ends[i]) if i >= 0 and at < ends[i] else (pos, len(norm))

    whole = back = False
    spans: list[tuple[int, int]] = []
    if phrase:
        s, e = sentence_of(pos + phrase.start())
        scope_text = norm[s:e]
        if _SCOPE_BACK_RE.search(scope_text) and not _SCOPE_FORWARD_RE.search(scope_text):
            back = True
        elif _SCOPE_WHOLE_RE.search(scope_text) or _is_title(content):
            whole = True
        else:
            spans.append((s, e))
    for m in _STAR_RE.finditer(norm, pos) if has_star else ():
        if legend and _LEGEND_RE.search(norm[max(pos, m.start() - 4):m.end() + 4]):
            continue
        spans.append((m.start(), sentence_of(m.start())[1]))
    for m in _MUST_RE.finditer(norm, pos) if "必须" in content else ():
        spans.append((m.start(), sentence_of(m.start())[1]))
    return whole, back, spans


def _is_title(content: str) -> bool:
    bare = (_PARENTHESIS_RE.sub("", content) if "(" in content or "（" in content else content).strip()
    return len(bare) <= 20 and not _COMMA_RE.search(bare)


_PARENTHESIS_RE = re.compile(r"[(（][^)）]*[)）]")
_COMMA_RE = re.compile(r"[，,。；;]")


def _mark_back(found: list[_Found], parent: int | None, outline: _Outline) -> None:
    """'以上条款为实质性条款': everything found so far under the same parent is mandatory."""
    done = outline.marked.get(parent, 0)
    for i in range(len(found) - 1, done - 1, -1):
        if parent is not None and parent not in found[i].path:
            break  # found is in document order: the parent's items are the last ones
        found[i].mandatory = True
    outline.marked[parent] = len(found)


@dataclass(slots=True)
class _Kw:
    metric: str
    start: int
    end: int
    negated: bool
    anchor: bool  # can govern a number (质保期内 / 质保期满后 cannot)
    weak: bool = False  # governs a number only when no other keyword can (人员)


@dataclass(slots=True)
class _Cand:
    metric: str
    op: str
    value: float | str | None
    unit: str | None
    start: int
    end: int
    condition: bool = False
    quantity: Quantity | ServiceHours | None = None
    clause_start: int | None = None


# What _requirements_of finds in a block: (metric, op, value, unit, mandatory, text, scoring)
# for each requirement, and the (metric, hint) scoring hints.
_Analysis = tuple[tuple[tuple, ...], tuple[tuple[str, str], ...]]


def _analyse(raw: str, norm: str, offset: int, base: bool, spans: list[tuple[int, int]],
             outline: _Outline, label: str, scoring: bool, found: list[_Found], hints: list,
             topic: str | None, allow_other: bool = True) -> None:
    """Find the requirements of one block's content (`raw`, normalised as `norm`); `offset` is
    where the content starts in the line, for the mandatory `spans`.

    A tender repeats whole lines (the same clause under every lot): what a line yields depends
    only on its text and the arguments below, so each distinct line is analysed once a document;
    only where it stands (ref, path) is the outline's.
    """
    key = (raw, offset, base, tuple(spans), scoring, topic, allow_other)
    analysis = outline.analysed.get(key)
    if analysis is None:
        analysis = outline.analysed[key] = _requirements_of(raw, norm, offset, base, spans, scoring,
                                                            topic, allow_other)
    reqs, block_hints = analysis
    hints.extend(block_hints)
    if not reqs:
        return
    ref, path = outline.ref(label), outline.path()
    for metric, op, value, unit, mandatory, text, scoring_text in reqs:
        found.append(_Found(metric, op, value, unit, mandatory, text, ref, scoring_text, path))


def _requirements_of(raw: str, norm: str, offset: int, base: bool, spans: list[tuple[int, int]],
                     scoring: bool, topic: str | None, allow_other: bool) -> _Analysis:
    """The requirements of one block's content and its scoring hints, before the outline
    places them; see `_analyse`."""
    hints: list[tuple[str, str]] = []
    keywords = _keywords(norm)
    quantities = find_quantities(raw) if _DIGIT_RE.search(norm) else []
    if "当日" in norm or "当天" in norm or ("培训" in norm and quantities):
        quantities = _with_spoken_counts(norm, quantities)
    if not keywords and not quantities and not _OTHER_WORDS_RE.search(norm) and not (base or spans):
        return (), ()
    complaint_topic = topic is not None and "投诉" in topic
    complaint_block = complaint_topic or bool(_COMPLAINT_RE.search(norm))

    span_starts, span_ends = _merged(spans) if spans else ([], [])

    def mandatory_at(at: int) -> bool:
        if base:
            return True
        if not span_starts:
            return False
        i = bisect.bisect_right(span_starts, at + offset) - 1
        return i >= 0 and at + offset < span_ends[i]

    block_cands: list[tuple[_Cand, str]] = []   # (candidate, its source words)
    scoring_text = _scoring_text(raw) if scoring else None
    ki = qi = 0
    for s_match in _SENTENCE_RE.finditer(norm):
        s0, s1 = s_match.span()
        while ki < len(keywords) and keywords[ki].start < s0:
            ki += 1
        while qi < len(quantities) and quantities[qi].start < s0:
            qi += 1
        if ((ki == len(keywords) or keywords[ki].start >= s1)
                and (qi == len(quantities) or quantities[qi].start >= s1)
                and not _OTHER_WORDS_RE.search(norm, s0, s1) and not (base or spans)):
            continue
        sentence = norm[s0:s1]
        repair_context = bool(_REPAIR_CONTEXT_RE.search(sentence))
        training_context = "培训" in sentence
        complaint = complaint_block and (complaint_topic or bool(_COMPLAINT_RE.search(sentence)))
        clauses = _clauses(sentence, s0)
        previous_metric: str | None = None
        pending: list[_Cand] = []   # conditions (72小时内不能修复的) waiting for what they trigger
        for ci, (c0, c1) in enumerate(clauses):
            while ki < len(keywords) and keywords[ki].start < c0:
                ki += 1
            kj = ki
            while kj < len(keywords) and keywords[kj].start < c1:
                kj += 1
            while qi < len(quantities) and quantities[qi].start < c0:
                qi += 1
            qj = qi
            while qj < len(quantities) and quantities[qj].start < c1:
                qj += 1
            if ki == kj and qi == qj and not base and not spans \
                    and not _OTHER_WORDS_RE.search(norm, c0, c1):
                continue
            kws = keywords[ki:kj]
            metrics = set(map(_METRIC_OF, kws)) if kws else _NO_METRICS
            if "completion" in metrics or "trainee" in metrics:
                # 完成更换 / 完成修复: the verb after 完成 says what is finished.
                kws = [k for i, k in enumerate(kws) if not (
                    k.metric == "completion" and i + 1 < len(kws) and kws[i + 1].start - k.end <= 2
                    and kws[i + 1].metric in _DEADLINES)]
                kws = [c for c in (_contextual(k, repair_context, complaint, training_context)
                                   for k in kws) if c]
                metrics = {k.metric for k in kws}
            qs = quantities[qi:qj]
            if (not qs and not metrics - _NOT_METRICS and not _OTHER_WORDS_RE.search(norm, c0, c1)
                    and not mandatory_at(c0)):
                continue
            cands = _clause_candidates(norm, c0, c1, kws, qs, previous_metric, scoring) if qs else []
            conditions = [c for c in cands if c.condition] if cands else []
            if conditions:
                cands = [c for c in cands if not c.condition]
            follow = next((k.metric for k in kws if k.metric in _TRIGGERED and not k.negated),
                          None) if not metrics.isdisjoint(_TRIGGERED) else None
            if follow:
                source = conditions or pending
                if source and source[0].unit in _UNITS[follow]:
                    q = source[0]
                    cands = [c for c in cands if c.metric != follow]
                    cands.append(_Cand(follow, "<=", q.value, q.unit, q.start, c1,
                                       clause_start=q.clause_start))
                pending = []
            pending.extend(conditions)
            if complaint:
                for c in cands:
                    if c.metric in ("response_time", "repair_completion"):
                        c.metric = "complaint_response"
            if "exclude" not in metrics and (metrics & _PRESENT_METRICS or _PRESENT_HINT_RE.search(norm, c0, c1)):
                cands.extend(_present_candidates(norm[c0:c1], c0, kws, metrics, cands, complaint))
            # 响应时间：15分钟 quotes its topic too.
            t0 = c0
            if ci and norm[c0 - 1] in ":：" and clauses[ci - 1][1] - clauses[ci - 1][0] <= 16:
                t0 = clauses[ci - 1][0]
            for c in cands:
                previous_metric = c.metric
                block_cands.append((c, _span_text(raw, t0, c1, c)))
            if not cands:
                own = [k.metric for k in kws if k.metric not in _NOT_METRICS and not k.negated
                       and not k.weak and k.anchor]
                if own:
                    previous_metric = own[-1]
                if allow_other and not scoring and _other_wanted(norm, c0, c1, qs, metrics, own,
                                                                 mandatory_at(c0)):
                    block_cands.append((_Cand("other", "present", None, None, c0, c1),
                                        _clean(raw[c0:c1])))
    if scoring:
        block_cands = _loosest(block_cands)
        covered = {c.metric for c, _ in block_cands}
        for metric in _increments(norm, keywords, quantities):
            if metric not in covered:
                hints.append((metric, scoring_text or _clean(raw)))
                covered.add(metric)
    numeric = {c.metric for c, _ in block_cands if c.op != "present"}
    reqs = []
    for c, text in block_cands:
        # (每月回访1次，每半年上门回访一次: the visits per half year are a demand of their own.)
        if c.op == "present" and c.metric in _PRESENT_IF_NO_NUMBER and c.metric in numeric \
                and not (c.metric == "return_visit" and c.clause_start is not None):
            continue
        value, unit = _whole(c.value, c.unit, c.metric)
        reqs.append((c.metric, c.op, value, unit, mandatory_at(c.start), text,
                     scoring_text if (scoring and c.metric != "other") else None))
    return tuple(reqs), tuple(hints)


def _other_wanted(norm: str, c0: int, c1: int, qs: list, metrics: set[str], own: list[str],
                  mandatory: bool) -> bool:
    """Whether a clause that yields no requirement is still shown (as metric other, never
    compared): a demand in after-sales words, or any demand in a ★ item, where nothing may be
    missed. Topics (质保期：), conditions (…的) and the 否则投标无效 clause itself are not."""
    if (c1 < len(norm) and norm[c1] in ":：") or _CONDITION_END_RE.search(norm, c0, c1) \
            or _MANDATORY_RE.search(norm, c0, c1):
        return False
    clean = not metrics & {"exclude", "delivery"}
    after_sales = bool(own or _OTHER_WORDS_RE.search(norm, c0, c1))
    demand = bool(_DEMAND_RE.search(norm, c0, c1))
    if mandatory and c1 - c0 >= 6 and (demand or _OFFER_RE.search(norm, c0, c1) or (after_sales and clean)):
        return True
    return not qs and clean and after_sales and demand


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping starts and ends of the mandatory spans of a line."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


_SMALLER = {"hour": ("minute", 60), "day": ("hour", 24), "year": ("month", 12)}


def _whole(value, unit, metric):
    """半小时 reads 30 minute and 一个半小时 90 minute, as a writer says them; whole numbers as int."""
    if isinstance(value, float):
        if not value.is_integer() and unit in _SMALLER and _SMALLER[unit][0] in _UNITS.get(metric, ()):
            smaller, factor = _SMALLER[unit]
            if (value * factor).is_integer():
                return int(value * factor), smaller
        if value.is_integer():
            return int(value), unit
    return value, unit


_DIGIT_RE = re.compile(r"[0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾半全]")
_NOT_METRICS = {"exclude", "delivery", "completion"}
_NEGATABLE = {"response_time", "onsite_arrival", "repair_completion", "replacement_time",
              "substitute_equipment", "local_office", "completion", "complaint_response"}
_TRIGGERED = ("substitute_equipment", "replacement_time")
_NO_METRICS: frozenset[str] = frozenset()  # the metrics of a clause without keywords, shared
_METRIC_OF = operator.attrgetter("metric")  # in C: no comprehension frame on every clause
_PRESENT_IF_NO_NUMBER = ("training", "spare_parts", "return_visit", "substitute_equipment")


def _keywords(norm: str) -> list[_Kw]:
    keywords = []
    previous_end = 0
    negations = _NEGATION_WORD_RE.search(norm) is not None
    for term, metric, k0, k1 in _keyword_matches(norm):
        # 不能修复 / 未到达现场: the negation must reach this keyword, not one before it.
        negated = metric in _NEGATABLE and (
            (negations and _NEGATION_RE.search(norm, max(previous_end, k0 - 9), k0) is not None)
            or "不" in term)
        anchor = not (metric == "warranty_period" and (
            _NON_ANCHOR_AFTER_RE.match(norm, k1) or _EXTENDED_AFTER_RE.match(norm, k1)
            or _EXTENDED_BEFORE_RE.search(norm, max(0, k0 - 4), k0)))
        if metric in ("staff_count", "engineer_count") and _BUYER_RE.search(norm, max(0, k0 - 6), k0):
            metric = "trainee"  # 采购人技术人员: the buyer's people, counted only when trained
        keywords.append(_Kw(metric, k0, k1, negated, anchor, term in _WEAK_TERMS))
        previous_end = k1
    if "临时" in norm:
        # 提供临时制冷设备 / 临时替代车辆: a temporary unit stands in for the one in repair.
        extra = [m for m in _TEMPORARY_UNIT_RE.finditer(norm)
                 if not any(k.start < m.end() and m.start() < k.end for k in keywords)]
        if extra:
            keywords.extend(_Kw("substitute_equipment", m.start(), m.end(), False, True) for m in extra)
            keywords.sort(key=lambda k: k.start)
    return keywords


# 每天顺延保修期2天 / 质保期相应顺延: a penalty that extends the warranty, not its length.
_EXTENDED_AFTER_RE = re.compile(r"(?:将|则|予以|亦|也|应|须|同时|均)*\s*(?:(?:相应|自动)?\s*顺延|(?:相应|自动)\s*延长)")
_EXTENDED_BEFORE_RE = re.compile(r"(?:顺延|相应延长|自动延长)\s*$")
_TEMPORARY_UNIT_RE = re.compile(r"临时[^，,。；;：:|停]{0,6}?(?:设备|机组|车辆|用车|机器)")


_WEAK_TERMS = {"人员"}
_BUYER_RE = re.compile(r"(?:采购人|采购单位|用户|院方|校方|学校|医院|甲方|买方|使用单位|使用科室|业主|客户)"
                       r"[^，,。；;]{0,4}$")
_PRESENT_METRICS = {"local_office", "substitute_equipment", "training", "spare_parts", "return_visit"}
_PRESENT_HINT_RE = re.compile(r"[X×x_＿□○*＊]|\s{3}|立即|即时|立刻|马上|第一时间|实时")


_OPEN, _CLOSE = "(（[【", ")）]】"
_SEPARATOR_RE = re.compile(r"[(（\[【)）\]】，,：:|]")
_OPEN_RE = re.compile(r"[(（\[【]")


MAX_CLAUSE = 160  # a longer "clause" has lost its punctuation; cut it so work stays linear


def _clauses(sentence: str, s0: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence, cut at ，：| outside brackets."""
    spans = _clause_spans(sentence, s0)
    if len(sentence) <= MAX_CLAUSE or all(b - a <= MAX_CLAUSE for a, b in spans):
        return spans
    return [(i, min(i + MAX_CLAUSE, b)) for a, b in spans for i in range(a, b, MAX_CLAUSE)]


def _clause_spans(sentence: str, s0: int) -> list[tuple[int, int]]:
    if _OPEN_RE.search(sentence) is None:
        return [(s0 + c.start(), s0 + c.end()) for c in _CLAUSE_RE.finditer(sentence)]
    out, start, depth = [], 0, 0
    for m in _SEPARATOR_RE.finditer(sentence):
        ch, i = m.group(), m.start()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and not (ch in ",:" and 0 < i < len(sentence) - 1 and sentence[i - 1].isdigit()
                                 and sentence[i + 1].isdigit()):
            if i > start:
                out.append((s0 + start, s0 + i))
            start = i + 1
    if len(sentence) > start:
        out.append((s0 + start, s0 + len(sentence)))
    return out


def _contextual(k: _Kw, repair_context: bool, complaint: bool, training: bool) -> _Kw | None:
    """Keywords whose metric depends on the sentence: 完成 finishes a repair or a complaint, the
    buyer's people (采购人技术人员) count only as trainees."""
    if k.metric == "trainee":
        return _Kw("training", k.start, k.end, k.negated, k.anchor) if training else None
    if k.metric != "completion":
        return k
    if complaint:
        return _Kw("complaint_response", k.start, k.end, k.negated, k.anchor)
    if repair_context:
        return _Kw("repair_completion", k.start, k.end, k.negated, k.anchor)
    return None


def _clause_candidates(norm: str, c0: int, c1: int, kws: list[_Kw], qs: list, inherited: str | None,
                       scoring: bool) -> list[_Cand]:
    """Tie each quantity of one clause to the keyword that governs it."""
    out: list[_Cand] = []
    real, excluded, delivery = _split_keywords(kws)
    last_metric: str | None = None
    last_end = -1
    for qi, q in enumerate(qs):
        qv = q.quantity
        if getattr(q, "same_day", False):
            # 当日修复 / 当天完成: a deadline of one day, for the verb right after it.
            k = next((k for k in real if 0 <= k.start - q.end <= 3), None)
            if k is not None and k.metric in _DEADLINES and not k.negated:
                out.append(_Cand(k.metric, "<=", qv.value, qv.unit, q.start, q.end, False, qv, c0))
                last_metric = inherited = k.metric
            last_end = q.end
            continue
        if isinstance(qv, Quantity) and qv.unit == "hour" and qv.value == 24 and _round_the_clock(norm, q, c0, c1, real):
            out.append(_Cand("service_hours", ">=", str(_ALL_DAY), None, q.start, q.end, quantity=_ALL_DAY))
            last_end = q.end
            continue
        if isinstance(qv, ServiceHours):
            if not any(abs(k.start - q.start) <= 12 or abs(q.end - k.end) <= 12 for k in excluded):
                out.append(_Cand("service_hours", ">=", str(qv), None, q.start, q.end, quantity=qv))
            continue
        if qv.value <= 0 or (norm.find("每", max(c0, q.start - 4), q.start) >= 0  # cheap test first
                             and _INCREMENT_RE.search(norm, max(c0, q.start - 4), q.start)) \
                or _PAST_RE.search(norm, max(c0, q.start - 3), q.start):
            last_end = q.end
            continue
        if scoring and _NO_POINTS_RE.search(norm[q.end:c1]):
            continue
        # A restatement in brackets (5年（60个月）) belongs to the quantity before it.
        if last_metric and last_end >= 0 and _RESTATED_RE.fullmatch(norm, last_end, q.start):
            metric = last_metric
        else:
            metric = _shared_verb(norm, q, qs, qi, real, c1) or _governing(norm, q, qv, real, qs, c0, c1, qi)
            topic_before = c0 > 0 and norm[c0 - 1] in ":："
            if metric is None and inherited \
                    and (scoring or topic_before or qv.unit in _TIME + ("month", "year", "times")
                         or inherited == "training") \
                    and qv.unit in _UNITS.get(inherited, ()) \
                    and not any(k.metric == inherited and not k.anchor for k in kws):
                # (质保期内…的，每天顺延保修期2天: the clause's own 保修期 cannot govern, nor can one
                # inherited from the clauses before.)
                metric = inherited
        last_end = q.end
        if metric == "staff_count" and qv.unit == "person" \
                and _CERTIFIED_RE.search(norm, max(c0, q.start - 24), q.start):
            metric = "engineer_count"  # 维保人员中持有…证书的不少于3人: certified technical staff
        if qv.unit == "person" and metric in (None, "staff_count", "engineer_count") \
                and _ROLE_BEFORE_RE.search(norm, max(0, q.start - 8), q.start):
            continue  # 其中项目经理1名: a role in the team, not a head count of its staff
        if metric is None:
            # 维修时间超过3天的，须提供代用设备: a condition waiting for the clause it triggers.
            op, condition = _operator(norm, q, "substitute_equipment", qv, c0, c1)
            if condition and qv.unit in _TIME:
                out.append(_Cand("condition", op, qv.value, qv.unit, q.start, q.end, True, qv, c0))
            continue
        # 合同签订后45日内 / 近三年业绩 / 5年以上工作经验: a number beside these is no requirement.
        lo, hi = max(c0, q.start - 10), min(c1, q.end + 10)
        if any(lo <= k.start < hi for k in excluded):
            continue
        if metric != "spare_parts" and any(lo <= k.start < hi for k in delivery):
            continue
        op, condition = _operator(norm, q, metric, qv, c0, c1)
        if _RANGE_RE.search(norm, max(c0, q.start - 8), q.start):
            # 3~5名 / 2至4小时: a range is no threshold to compare; the writer reads it.
            out.append(_Cand(metric, "present", None, None, q.start, q.end, False, None, c0))
            last_metric = inherited = metric
            continue
        negated = any(k.negated and k.metric == metric for k in real
                      if abs(k.start - q.end) <= 10 or abs(q.start - k.end) <= 10)
        if negated:
            condition = True
        if metric == "return_visit" and not condition and _visit_period(norm, q) == "other":
            # 每半年回访一次 / 每季度回访: times means per month here; another period is no
            # number to compare, never a guess.
            out.append(_Cand(metric, "present", None, None, q.start, q.end, False, None, c0))
            last_metric = inherited = metric
            continue
        out.append(_Cand(metric, op, qv.value, qv.unit, q.start, q.end, condition, qv, c0))
        last_metric = metric
        inherited = metric
    return out


def _split_keywords(kws: list[_Kw]) -> tuple[list[_Kw], list[_Kw], list[_Kw]]:
    """The keywords of a clause that can govern a number, the excluding ones, the delivery ones."""
    real: list[_Kw] = []
    excluded: list[_Kw] = []
    delivery: list[_Kw] = []
    for k in kws:
        if k.metric == "exclude":
            excluded.append(k)
        elif k.metric == "delivery":
            delivery.append(k)
        elif k.metric != "completion":
            real.append(k)
    return real, excluded, delivery


def _shared_verb(norm: str, q, qs: list, qi: int, kws: list[_Kw], c1: int) -> str | None:
    """城区2小时、乡镇4小时内到达现场: durations joined by 、 share the verb after the last one."""
    unit = q.quantity.unit if isinstance(q.quantity, Quantity) else None
    if unit not in _TIME:
        return None
    j = qi
    while j + 1 < len(qs):
        nxt = qs[j + 1]
        gap = norm[qs[j].end:nxt.start]
        if (not isinstance(nxt.quantity, Quantity) or nxt.quantity.unit not in _TIME or len(gap) > 10
                or "、" not in gap or getattr(nxt, "same_day", False)
                or any(qs[j].end <= k.start < nxt.start and nxt.quantity.unit in _UNITS.get(k.metric, ())
                       for k in kws)):
            break
        j += 1
    if j == qi and not (qi and "、" in norm[qs[qi - 1].end:q.start] and len(norm[qs[qi - 1].end:q.start]) <= 10):
        return None
    last = qs[j]
    for k in kws:
        if k.start < last.end:
            continue
        if k.start - last.end > 16 or "、" in norm[last.end:k.start] or not k.anchor:
            return None
        if all(o.quantity.unit in _UNITS.get(k.metric, ()) for o in qs[qi:j + 1]):
            return k.metric
        return None
    return None


_ALL_DAY = ServiceHours(7, 24)
_CLOCK_BEFORE_RE = re.compile(r"(?:全天|全年|每天|每日|全日|昼夜|全天候)\s*$")
_CLOCK_AFTER_RE = re.compile(r"\s*(?:不间断|全天候|轮流|专人|有人)?[^，,。；;:：|]{0,6}?"
                             r"(?:值班|值守|热线|服务|待命|客服|技术支持|支持|报修|受理|救援|开机|电话|守候)")
_NOT_CLOCK_AFTER_RE = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以上|以后|之后|后|前|以前|之前|左右|之久|以内|之内|内|"
                                 r"及以|或以|连续|不能|未能|无法|仍)")


def _round_the_clock(norm: str, q, c0: int, c1: int, kws: list[_Kw]) -> bool:
    """24小时值班电话 / 全天24小时服务: round-the-clock service, not a deadline of 24 hours."""
    if _NOT_CLOCK_AFTER_RE.match(norm, q.end) or any(
            k.metric in _DEADLINES and 0 <= k.start - q.end <= 8 for k in kws):
        return False
    return bool(_CLOCK_BEFORE_RE.search(norm, max(c0, q.start - 4), q.start)
                or _CLOCK_AFTER_RE.match(norm, q.end, c1))


_CERTIFIED_RE = re.compile(r"持证|(?:持有|取得|具有|具备)[^，,。；;、]{0,14}(?:证书|证|资格|执照)")
_ROLE_BEFORE_RE = re.compile(r"(?:项目经理|负责人|经理|主管|组长|队长|总监|联系人|联络人|协调人|调度员?|主任|班长)"
                             r"[^，,。；;、0-9一二三四五六七八九十两]{0,3}$")
_VISIT_PERIOD_RE = re.compile(
    r"(?P<month>每\s*(?:一|1)?\s*个?\s*月|月度)"
    r"|(?P<other>每\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?:年|季|周|星期|旬|天|日|月)|年度|季度|半年|全年)")
_VISIT_PERIOD_AFTER_RE = re.compile(r"\s*[/每]\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?P<p>月|年|季|周|星期|旬|天|日)")


def _visit_period(norm: str, q) -> str | None:
    """The period a count of visits is per: "month", "other" (半年, 季度, 每年) or None."""
    after = _VISIT_PERIOD_AFTER_RE.match(norm, q.end)
    if after:
        return "month" if after.group(0).strip().lstrip("/每").strip() in ("月", "个月", "1个月", "一个月") else "other"
    window = norm[max(0, q.start - 14):q.start]
    cut = max(window.rfind(ch) for ch in "。；;")
    last = None
    for last in _VISIT_PERIOD_RE.finditer(window, cut + 1):
        pass
    return None if last is None else last.lastgroup


@dataclass(frozen=True, slots=True)
class _Spoken:
    """A count the quantity reader does not know: 当日 (one day), 两期 (two sessions)."""

    start: int
    end: int
    text: str
    quantity: Quantity
    same_day: bool = False


_SAME_DAY_RE = re.compile(r"当[日天]\s*(?:内|之内)?")
_SESSIONS_RE = re.compile(r"(?<![第0-9.一二三四五六七八九十两])([0-9]{1,3}|[一二三四五六七八九十两]{1,3})\s*(?:个\s*)?"
                          r"(?:期|批次|批|轮)(?![间限满内末后中货款])")


def _with_spoken_counts(norm: str, quantities: list) -> list:
    extra = []
    if "当日" in norm or "当天" in norm:
        extra += [_Spoken(m.start(), m.end(), m.group(), _ONE_DAY, True) for m in _SAME_DAY_RE.finditer(norm)]
    if "培训" in norm:
        for m in _SESSIONS_RE.finditer(norm):
            try:
                value = chinese_number(m.group(1))
            except Exception:  # 十十期: not a number
                continue
            extra.append(_Spoken(m.start(), m.end(), m.group(), Quantity(value, "times")))
    if not extra:
        return quantities
    starts = [q.start for q in quantities]
    kept = []
    for e in extra:
        i = bisect.bisect_right(starts, e.start)
        if (i and quantities[i - 1].end > e.start) or (i < len(quantities) and quantities[i].start < e.end):
            continue
        kept.append(e)
    return sorted(quantities + kept, key=lambda q: q.start) if kept else quantities


_ONE_DAY = Quantity(1, "day")


def _governing(norm: str, q, qv: Quantity, kws: list[_Kw], qs: list, c0: int, c1: int,
               qi: int) -> str | None:
    """The metric whose keyword governs quantity q: the verb after a deadline (2小时内到达现场),
    else the noun before (质保期不少于3年), else the noun after (不少于6人的售后服务团队)."""
    # The reach of q ends at the quantity before and after it (up to 3 away; service hours
    # such as 7×24 do not count).
    prev_q_end = c0
    for o in qs[max(0, qi - 3):qi][::-1]:
        if not isinstance(o.quantity, ServiceHours):
            prev_q_end = o.end
            break
    next_q_start = c1
    for o in qs[qi + 1:qi + 4]:
        if not isinstance(o.quantity, ServiceHours):
            next_q_start = o.start
            break
    strong: list[_Kw] = []
    weak: list[_Kw] = []
    unit = qv.unit
    for k in kws:
        if k.anchor and unit in _UNITS.get(k.metric, ()):
            (weak if k.weak else strong).append(k)
    if not strong and not weak:
        return None
    deadline = _DEADLINE_RE.match(norm, q.end, c1)
    return (_nearest(norm, q, strong, prev_q_end, next_q_start, deadline)
            or _nearest(norm, q, weak, prev_q_end, next_q_start, deadline))


def _nearest(norm: str, q, fits: list[_Kw], prev_q_end: int, next_q_start: int, deadline) -> str | None:
    after: list[_Kw] = []
    before: list[_Kw] = []
    q0, q1 = q.start, q.end
    for k in fits:  # one pass for both sides
        # 项目经理1名、驻场工程师: an enumeration comma ends what a number can reach forward.
        if q1 <= k.start < next_q_start and k.start - q1 <= 16 and "、" not in norm[q1:k.start]:
            after.append(k)
        if prev_q_end <= k.end <= q0:
            before.append(k)
    # 2名经原厂培训认证的维修工程师: the head noun is the last one, after the 的.
    if after:
        head = after[0]
        for k in after[1:]:
            if "的" in norm[head.end:k.start]:
                head = k
            else:
                break
        if head is not after[0]:
            after = [head] + [k for k in after if k is not head]
    if deadline and after:
        return after[0].metric
    # 培训2名技术人员 / 培训不少于10人: the people are the ones trained.
    if before and before[-1].metric == "training" and q.quantity.unit == "person" \
            and q.start - before[-1].end <= 5:
        return "training"
    # 至少50名专业维修工程师: a count's measure word binds the noun right after it.
    if after and q.quantity.unit == "person" and after[0].start - q.end <= 8:
        return after[0].metric
    if before:
        return before[-1].metric
    if after:
        return after[0].metric
    return None


def _operator(norm: str, q, metric: str, qv: Quantity, c0: int, c1: int) -> tuple[str, bool]:
    """The operator a quantity carries, and whether it is a condition (超过3天的)."""
    last = None
    for m in _OP_BEFORE_RE.finditer(norm, max(c0, q.start - 8), q.start):  # the 8 characters before
        last = m
    op = None
    condition = False
    if last is not None and q.start - last.end() <= 4:
        if last.lastgroup == "ge":
            op = ">="
        elif last.lastgroup == "le":
            op = "<="
        else:
            condition = metric in _DEADLINES or metric == "spare_parts"
    floor = metric in _FLOORS or (metric == "spare_parts" and qv.unit in ("month", "year"))
    if op is None:
        after = _OP_AFTER_RE.match(norm, q.end, c1)
        if after:
            if after.group("ge"):
                op = ">="
            elif not floor:
                op = "<="
    if op is None:
        op = ">=" if floor else "<="
    return op, condition


def _present_candidates(clause: str, c0: int, kws: list[_Kw], metrics: set[str],
                        cands: list[_Cand], complaint: bool) -> list[_Cand]:
    """Requirements stated without a number: 立即响应, 设有售后服务机构, 提供备用机, masked XX小时."""
    have = {c.metric for c in cands}
    out: list[_Cand] = []

    def add(metric: str, at: int) -> None:
        if complaint and metric in ("response_time", "repair_completion"):
            metric = "complaint_response"
        if metric not in have:
            have.add(metric)
            out.append(_Cand(metric, "present", None, None, c0 + at, c0 + len(clause)))

    # A number left blank or masked (____小时内, XX小时): present, never a guess.
    for m in _MASKED_RE.finditer(clause):
        unit = _MASKED_UNIT[m.group("unit")]
        near = [k for k in kws if unit in _UNITS.get(k.metric, ()) and k.anchor and not k.negated
                and k.start >= c0 + m.start() - 12]
        after = [k for k in near if k.start >= c0 + m.end()]
        if after or near:
            add((after or near)[0].metric, m.start())
    # 立即响应 / 第一时间到达现场.
    for m in _IMMEDIATE_RE.finditer(clause):
        hit = next((k for k in kws if 0 <= k.start - (c0 + m.end()) <= 6
                    and k.metric in ("response_time", "onsite_arrival") and not k.negated), None)
        if hit:
            add(hit.metric, m.start())
    if "%" in clause or "％" in clause or "百分之" in clause:
        m = _SPARE_PERCENT_RE.search(clause)
        if m:
            add("spare_parts", m.start())
            have.add("substitute_equipment")
    if "spare_parts" in metrics and "local_office" not in have:
        m = _LOCAL_STORE_RE.search(clause)
        if m and not _NEGATION_RE.search(clause, max(0, m.start() - 3), m.start()):
            add("local_office", m.start())
    for metric, pattern in _PRESENT_RULES:
        if metric in metrics and metric not in have:
            m = pattern.search(clause)
            if m and not _NEGATION_RE.search(clause, max(0, m.start() - 3), m.start()):
                add(metric, m.start())
    return out


def _increments(norm: str, keywords: list[_Kw], quantities: list) -> list[str]:
    """Metrics a scoring rule rewards per step (每增加1年加1分): the hint's metric."""
    out = []
    for q in quantities:
        if isinstance(q.quantity, ServiceHours):
            continue
        if _INCREMENT_RE.search(norm[max(0, q.start - 4):q.start]):
            fits = [k for k in keywords if k.metric in _UNITS and q.quantity.unit in _UNITS[k.metric]
                    and k.start < q.start]
            if fits:
                out.append(fits[-1].metric)
    return out


def _loosest(cands: list[tuple[_Cand, str]]) -> list[tuple[_Cand, str]]:
    """In a scoring rule, the loosest level that still scores is the minimum the tender accepts."""
    best: dict[tuple, tuple[_Cand, str]] = {}
    order: list[tuple] = []
    for c, text in cands:
        if c.op == "present" or c.metric == "other":
            key = (c.metric, c.op, id(c))
        elif isinstance(c.quantity, ServiceHours):
            key = (c.metric, c.op, "sh")
        else:
            family = c.quantity.family() if isinstance(c.quantity, Quantity) else c.unit
            key = (c.metric, c.op, family)
        if key not in best:
            best[key] = (c, text)
            order.append(key)
            continue
        old = best[key][0]
        if _looser(c, old):
            best[key] = (c, text)
    return [best[k] for k in order]


def _looser(new: _Cand, old: _Cand) -> bool:
    a, b = new.quantity, old.quantity
    if isinstance(a, ServiceHours) and isinstance(b, ServiceHours):
        return a.coverage < b.coverage
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        return a.magnitude() < b.magnitude() if new.op == ">=" else a.magnitude() > b.magnitude()
    return False


def _scoring_text(raw: str) -> str:
    """The scoring rule of a block: the cell that awards points, or the whole line."""
    cells = [c.strip() for c in raw.split("|")]
    scored = [c for c in cells if _awards_points(_norm(c))]
    return _clean(scored[-1] if scored else raw)


_SUBJECT_RE = re.compile(r"^(?:中标人|投标人|供应商|中标供应商|成交供应商|成交人|乙方|卖方|承包人)?"
                         r"(?:必须|应当|应|须|需|需要)?(?:在)?(?=接到|收到)")


def _clean(text: str) -> str:
    text = text.strip().strip("，,。；;：:|").strip().rstrip(".")
    text = text.lstrip("★☆▲△ \t")
    return text


_BRACKET_RE = re.compile(r"[(（][^()（）]*[)）]")


def _span_text(raw: str, c0: int, c1: int, c: _Cand) -> str:
    """The source words of a requirement: its clause, from the condition for a substitute; a
    number in brackets quotes the brackets, one outside them drops brackets holding other numbers."""
    start = c0 if c.clause_start is None else min(c0, c.clause_start)
    piece = raw[start:c1]
    if c.op != "present" and ("(" in piece or "（" in piece):
        at = c.start - start
        for m in _BRACKET_RE.finditer(piece):
            if m.start() < at < m.end():
                piece = m.group()[1:-1]
                break
        else:
            piece = _BRACKET_RE.sub(lambda m: "" if _DIGIT_RE.search(m.group()) else m.group(), piece)
    text = _clean(piece)
    return _SUBJECT_RE.sub("", text) or text


def _value_key(f: _Found) -> tuple:
    if f.op == "present" or f.value is None:
        return (None,)
    if f.metric == "service_hours":
        return ("sh", str(f.value))
    return _quantity_key(f.value, f.unit)


@functools.lru_cache(maxsize=4096, typed=True)
def _quantity_key(value, unit) -> tuple:
    # A tender states 2小时 and 3年 hundreds of times: build and check each Quantity once.
    # typed=True: 3 and 3.0 stay apart, as str() tells them apart below.
    try:
        q = Quantity(float(value), unit)
    except Exception:
        return ("raw", str(value), unit)
    return (q.family(), round(q.magnitude(), 6))


_SUBJECT_CUT_RE = re.compile(r".*[，,：:；;的]")
_SUBJECT_GENERAL_RE = re.compile(
    r"投标人|中标人|供应商|成交人|乙方|卖方|必须|应当|应|须|需|要求|承诺|提供|保证|确保|其中|本项目|本次|项目|"
    r"采购|所投|所供|所有|全部|整体|系统|各类|各项|设备|产品|货物|硬件|免费|原厂|均|为|在|内|期|之|及|和|、|\s")


@functools.lru_cache(maxsize=4096)
def _subject(metric: str, text: str) -> str:
    """What a requirement is about, from the words before its keyword: 电池、电机 in 电池、电机质保期
    不少于8年, 车身骨架防腐 in 车身骨架防腐质保期8年; "" when the words name no particular part."""
    norm = _norm(text)
    for _term, m, k0, _k1 in _keyword_matches(norm):
        if m == metric:
            break
    else:
        return ""
    before = _SUBJECT_CUT_RE.sub("", norm[:k0])
    if not before or _DIGIT_RE.search(before) or len(before) > 16:
        return ""
    return _SUBJECT_GENERAL_RE.sub("", before)


_SUBJECT_METRICS = ("warranty_period",)  # demands made per part of the goods


def _merge(found: list[_Found], hints: list[tuple[str, str]]) -> list[Requirement]:
    """One requirement per (metric, op, value): refs joined with ；, mandatory if any place is.

    The same demand on two different parts (电池、电机质保期8年 and 车身骨架防腐质保期8年) is two
    requirements: a place joins a requirement unless both name their subject and the subjects differ."""
    merged: dict[tuple, _Found] = {}
    refs: dict[tuple, dict[str, None]] = {}   # an ordered set
    for f in found:
        key = (f.metric, f.op, _value_key(f)) if f.metric != "other" else ("other", f.text)
        if key in merged and f.metric in _SUBJECT_METRICS:
            subject = _subject(f.metric, f.text)
            n = 0
            while key in merged:
                theirs = _subject(merged[key].metric, merged[key].text)
                if not subject or not theirs or subject == theirs:
                    break
                n += 1
                key = key[:3] + (n,)
        if key not in merged:
            merged[key] = f.copy()
            refs[key] = {f.ref: None} if f.ref else {}
            continue
        m = merged[key]
        m.mandatory = m.mandatory or f.mandatory
        m.scoring = m.scoring or f.scoring
        if f.ref and len(refs[key]) < MAX_REFS:
            refs[key][f.ref] = None
    # A rule that names no minimum (每增加1年加1分) is a hint on the requirement of its metric.
    unhinted: dict[str, list[_Found]] = {}
    for m in merged.values():
        if not m.scoring and m.metric != "other":
            unhinted.setdefault(m.metric, []).append(m)
    for metric, hint in hints:
        if unhinted.get(metric):
            unhinted[metric].pop(0).scoring = hint
    return [Requirement(metric=f.metric, op=f.op, value=f.value, unit=f.unit, mandatory=f.mandatory,
                        text=f.text[:MAX_TEXT], ref="；".join(refs[key]),
                        scoring=f.scoring[:MAX_TEXT] if f.scoring else None)
            for key, f in merged.items()]


MAX_REFS = 50     # a requirement restated more often than this lists its first places
MAX_TEXT = 300
