"""Text clean-up before the rules: `clean` (what a bid writer would read: simplified Chinese, no
pinyin glosses, layout spaces or zero-width characters) and `normalise` (full-width ASCII to ASCII,
，：（ -> , : (, one character for one)."""
from __future__ import annotations

import functools
import re
from collections.abc import Callable


# Full-width ASCII to ASCII, one character for one: offsets in the normalised text are the
# offsets in the original, so the requirement's text can quote the source exactly.
_NORM_TABLE: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORM_TABLE.update({0x3000: " ", 0x00A0: " ", 0x2236: ":"})


_NORM_RUN_RE = re.compile("[\uff01-\uff5e\u3000\u00a0\u2236]+")


def normalise(text: str) -> str:
    # str.translate looks up every character of the line in a dict; the C-level search finds the
    # few full-width runs (，：（) and only those are translated.
    return _NORM_RUN_RE.sub(_norm_run, text)


def _norm_run(run: re.Match[str]) -> str:
    return run.group().translate(_NORM_TABLE)


# --- clean(): the text a bid writer would read ------------------------------------------------
# Readers hand every line, paragraph and table cell to `clean` before any rule sees it. Unlike
# `normalise` it changes lengths (drops pinyin glosses, layout spaces, zero-width characters), so
# offsets are taken in the cleaned text. Every step is a regex pass or a C-level call: linear.

# Zero-width characters and soft hyphens: deleted.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
# Unusual spaces: one ASCII space each (tabs stay: they separate table cells in text input).
_ODD_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
# Full-width characters that carry meaning to ASCII. Chinese punctuation （），。；：、！？ stays:
# the rules rely on it. ｜ stays too, so that it never fakes the " | " cell separator.
_CLEAN_TABLE: dict[int, str | None] = {ord(ch): None for ch in _INVISIBLE}
_CLEAN_TABLE.update({ord(ch): " " for ch in _ODD_SPACES})
_CLEAN_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)})  # ０-９
_CLEAN_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_CLEAN_TABLE.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_CLEAN_TABLE.update({ord(ch): chr(ord(ch) - 0xFEE0) for ch in "％＋－．／＜＝＞～"})
_CLEAN_MAP_RE = re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_CLEAN_TABLE)) + "]+")

# CJK ideographs (BMP, extension A, compatibility, supplementary planes) and, for the space rule,
# CJK radicals, CJK symbols and punctuation, vertical and full-width punctuation.
_IDEO = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af"
_CJK = (_IDEO + "\u2e80-\u2fdf\u3001-\u303f\u31c0-\u31ef\ufe10-\ufe1f\ufe30-\ufe4f"
        "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b\uff5d-\uff65")

# Runs of two or more spaces become one; an empty table cell ("a |  | b") keeps its two.
_SPACES_RE = re.compile(" {2,}")

# Pinyin glosses after a CJK character: 時(shí)間, 服务(fú wù), 时 （shí）. Lowercase letters and
# spaces with at least one tone mark, so (ISO9001), (a), (1), (含), (7×24) are never touched.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ\u0300\u0301\u0304\u0308\u030c"
_GLOSS_HINT_RE = re.compile(f"[(（][a-z ]*+[{_TONED}]")
_GLOSS_RE = re.compile(
    rf"(?<=[{_IDEO}])(?: *[(（][a-z ]*+[{_TONED}][a-z{_TONED} ]*+[)）])++"
)

# Spaces from PDF layout inside words: between two CJK characters, CJK and digit, digit and CJK.
# An item number at the start of a line ("1 总则", "3.2 售后服务") keeps its space, as outline.py
# reads "1 总则" as a heading and "48 小时" (a unit follows) as a quantity. The pattern starts with
# the space (sre scans for it fast); the lookbehind then turns down the spaces after anything but a
# CJK character or a digit (1. 质保期, ISO 9001: most spaces of a tender) before `_layout_space` is
# called for them.
_UNITS = "小分天日年个月周人名次工%万元"
_LAYOUT_SPACE_RE = re.compile(f" (?<=[{_CJK}0-9] ) *+(?=[{_CJK}0-9])")
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")
_LEAD_NUMBER_RE = re.compile(r"[ \t]*(?:[★☆▲△◆■●※][ \t]*)*[0-9]{1,2}(?:\.[0-9]{1,2}){0,4}")
_LEAD_WINDOW = 24
_CHAPTER_RE = re.compile(r"第[0-9一二三四五六七八九十百零〇]{1,4}(?:章|节|部分)$")
_IDEO_RUN_RE = re.compile(f"[{_IDEO}]+")
# A form's blank left for the number ("在    小时内到达", "不少于    人"): kept visible as ___, so
# that it reads as a masked number (present), never as two words run together.
_BLANK_RE = re.compile(f"(?<=[{_CJK}]) {{3,}}(?=(?:个)?(?:分钟|小时|工作日|天|日|个月|月|年|人|名|次))")


def clean(text: str) -> str:
    """The text a bid writer would read: traditional to simplified Chinese (OpenCC t2s), pinyin
    glosses and layout spaces inside words dropped, full-width digits, letters and %+-.<=>~/ to
    ASCII, zero-width characters removed, odd spaces to one space. Chinese punctuation, ①, ≤, ★,
    tabs, newlines and the " | " cell separator stay. Never raises, linear, idempotent, never
    makes the text longer."""
    if not text:
        return text
    text = _CLEAN_MAP_RE.sub(_clean_run, text)
    if "   " in text:
        text = _BLANK_RE.sub("___", text)
    if "  " in text:
        text = _SPACES_RE.sub(_collapse_spaces, text)
    if _GLOSS_HINT_RE.search(text):
        text = _GLOSS_RE.sub("", text)
    if " " in text:
        text = _LAYOUT_SPACE_RE.sub(_layout_space, text)
    return _to_simplified(text)


def _clean_run(run: re.Match[str]) -> str:
    return run.group().translate(_CLEAN_TABLE)


def _collapse_spaces(run: re.Match[str]) -> str:
    text, start, end = run.string, run.start(), run.end()
    if start and text[start - 1] == "|" and end < len(text) and text[end] == "|":
        return "  "
    return " "


def _layout_space(m: re.Match[str]) -> str:
    text, start = m.string, m.start()
    if not start:
        return m.group()
    before, after = text[start - 1], text[m.end()]
    if _CJK_CHAR_RE.match(before):
        if before in "章节分" and _CHAPTER_RE.search(text, max(0, start - 8), start):
            return m.group()  # 第六章 商务要求: the space a title keeps after its label
        return ""  # 售 后 -> 售后, 质保期 3 -> 质保期3
    if not ("0" <= before <= "9") or "0" <= after <= "9":
        return m.group()  # ISO 9001, 1 2
    # A digit, then a CJK character: 48 小时 -> 48小时, unless the digits are the item number
    # that starts the line and no unit follows (1 总则). The line start is looked for only a few
    # characters back, so that a long line costs no more than a short one.
    window = max(0, start - _LEAD_WINDOW)
    line = text.rfind("\n", window, start) + 1
    at_line_start = line or not window
    if at_line_start and after not in _UNITS and _LEAD_NUMBER_RE.fullmatch(text, line, start):
        return m.group()
    return ""


# Traditional to simplified: OpenCC's t2s changes about 5,000 characters one by one (the set is
# computed once from OpenCC itself). Only the runs of ideographs that hold one of them are
# converted, so simplified text is never touched and costs one regex search. (The BMP and astral
# characters are searched apart: one class holding both makes sre 400x slower.)
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _t2s() -> tuple[Callable[[str], str], Callable[[str], bool], dict[int, str]]:
    import opencc

    converter = opencc.OpenCC("t2s")
    ranges = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF)]
    chars = [chr(cp) for lo, hi in ranges for cp in range(lo, hi + 1)]
    converted = converter.convert("\n".join(chars)).split("\n")
    table: dict[int, str] = {}
    if len(converted) == len(chars):
        table = {ord(a): b for a, b in zip(chars, converted) if a != b and len(b) == 1}
    bmp_re = _class_re([cp for cp in sorted(table) if cp < 0x10000])
    astral_re = _class_re([cp for cp in sorted(table) if cp >= 0x10000])

    def has_traditional(text: str) -> bool:
        return bool(bmp_re.search(text) or (_ASTRAL_RE.search(text) and astral_re.search(text)))

    return converter.convert, has_traditional, table


def _class_re(cps: list[int]) -> re.Pattern[str]:
    parts, i = [], 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        parts.append(re.escape(chr(cps[i])) + ("-" + re.escape(chr(cps[j])) if j > i else ""))
        i = j + 1
    return re.compile("[" + "".join(parts) + "]") if parts else re.compile("(?!)")


def _to_simplified(text: str) -> str:
    convert, has_traditional, table = _t2s()
    if not has_traditional(text):
        return text

    def settle(chunk: str) -> str | None:
        # OpenCC converts phrases (乾隆 stays, 乾燥 -> 干燥); a few of its outputs convert again
        # (薴 -> 苧 -> 苎), so convert until nothing changes. None if OpenCC fails (a lone
        # surrogate cannot be encoded) or changes the length.
        for _ in range(4):
            try:
                out = convert(chunk)
            except Exception:
                return None
            if len(out) != len(chunk):
                return None
            if out == chunk or not has_traditional(out):
                return out
            chunk = out
        return chunk

    def run(m: re.Match[str]) -> str:
        chunk = m.group()
        if not has_traditional(chunk):
            return chunk
        out = settle(chunk)
        return chunk.translate(table) if out is None else out

    def line(text: str) -> str:
        # One OpenCC call for the line (t2s changes ideographs only); run by run if that fails.
        if not has_traditional(text):
            return text
        out = settle(text)
        return _IDEO_RUN_RE.sub(run, text) if out is None else out

    if "\n" not in text:
        return line(text)
    return "\n".join(line(part) for part in text.split("\n"))
