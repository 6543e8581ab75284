"""Durations, counts and service hours as tenders write them, and how two of them compare.

A tender says 三年, a clause says 36个月, a bid table says 36 month: they are one Quantity.
Comparison answers better / equal / worse, or undetermined where the honest answer depends on
a calendar we do not know (months against days, working days against calendar days). A wrong
"无偏离" can void a bid, so "needs review" is always preferred to a guess.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from bidkit.errors import QuantityError

UNITS = ("minute", "hour", "day", "workday", "week", "month", "year", "person", "times")

# Magnitude of each unit in its family's base unit. Families never mix exactly: a month has no
# fixed number of days, and a working day is not a calendar day.
_FAMILY = {
    "minute": ("time", 1.0), "hour": ("time", 60.0), "day": ("time", 1440.0),
    "week": ("time", 10080.0), "month": ("calendar", 1.0), "year": ("calendar", 12.0),
    "workday": ("workday", 1.0), "person": ("person", 1.0), "times": ("times", 1.0),
}

_CHINESE_UNIT = {
    "minute": "分钟", "hour": "小时", "day": "天", "workday": "个工作日", "week": "周",
    "month": "个月", "year": "年", "person": "人", "times": "次",
}

# Spellings accepted for each unit. "分" alone is left out on purpose: in a scoring rubric
# (加1分) it means points, not minutes.
_UNIT_ALIASES = {
    "minute": ("分钟", "minutes", "minute", "mins", "min"),
    "hour": ("小时", "钟头", "hours", "hour", "hrs", "hr", "h"),
    "workday": ("工作日", "工作天", "workdays", "workday", "working days", "working day",
                "business days", "business day"),
    "day": ("自然日", "日历天", "天", "日", "days", "day"),
    "week": ("星期", "礼拜", "周", "weeks", "week"),
    "month": ("月", "months", "month"),
    "year": ("周年", "年", "years", "year", "yrs", "yr"),
    "person": ("人次", "人", "名", "位", "persons", "person", "people"),
    "times": ("次", "times", "time"),
}
_SPELLINGS = [alias for aliases in _UNIT_ALIASES.values() for alias in aliases]
_ALIAS_TO_UNIT = {alias.replace(" ", ""): unit
                  for unit, aliases in _UNIT_ALIASES.items() for alias in aliases}

# Words that start with a unit character but are no unit: 名称, 位置, 一次性, 月份, 日期 ...
_NOT_A_UNIT_AFTER = {
    "名": "(?![称单义字额])", "位": "(?![置于数])", "次": "(?!性|日|序|要|开发)",
    "月": "(?![份底初末]|[上中下]旬)", "日": "(?![期常志报])", "周": "(?![末边期])",
}


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Quantity:
    """A duration or a count: 36 month, 0.5 hour, 6 person."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in _FAMILY:
            raise QuantityError(f"unknown unit {self.unit!r}: use one of {', '.join(UNITS)}",
                                code="unit-unknown", unit=self.unit, units=", ".join(UNITS))
        value = _checked_number(self.value, f"{self.value!r} {self.unit}")
        # float + 0.0 turns -0.0 into 0.0, so "-0" is never printed; 3 and 3.0 become one value.
        object.__setattr__(self, "value", float(value) + 0.0)

    def format(self) -> str:
        """Natural Chinese for a bid: 36个月, 3年, 0.5小时, 5个工作日."""
        return _format_number(self.value) + _CHINESE_UNIT[self.unit]

    def __str__(self) -> str:
        return f"{_format_number(self.value)} {self.unit}"

    def family(self) -> str:
        """time, calendar, workday, person or times: quantities compare exactly within one."""
        return _FAMILY[self.unit][0]

    def magnitude(self) -> float:
        """The value in its family's base unit (minutes, months, or the unit itself)."""
        return self.value * _FAMILY[self.unit][1]

    def comparable_with(self, other: "Quantity") -> bool:
        """True when the two compare exactly (same family); workday vs day is not exact."""
        return isinstance(other, Quantity) and self.family() == other.family()


@dataclass(frozen=True)
class ServiceHours:
    """Service hours as days per week × hours per day: 7×24, 5×8."""

    days: int
    hours: int

    def __post_init__(self) -> None:
        days = _whole(self.days, "days per week")
        hours = _whole(self.hours, "hours per day")
        if not 1 <= days <= 7:
            raise QuantityError(f"service hours {self.days}x{self.hours}: days per week must be 1 to 7",
                                code="service-hours-days", days=self.days, hours=self.hours)
        if not 1 <= hours <= 24:
            raise QuantityError(f"service hours {self.days}x{self.hours}: hours per day must be 1 to 24",
                                code="service-hours-hours", days=self.days, hours=self.hours)
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "hours", hours)

    def format(self) -> str:
        return f"{self.days}×{self.hours}小时"

    def __str__(self) -> str:
        return f"{self.days}x{self.hours}"

    @property
    def coverage(self) -> int:
        """Hours of service per week."""
        return self.days * self.hours


def _whole(value: object, what: str) -> int:
    # YAML may hand us 7.0; a bool is an int in Python but never a day count.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise QuantityError(f"{what} must be a whole number, not {value!r}")
    return int(value)


def _checked_number(value: object, shown: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuantityError(f"{shown}: the value must be a number")
    if not math.isfinite(value):
        raise QuantityError(f"{shown}: the value must be a finite number")
    if value < 0:
        raise QuantityError(f"{shown}: a duration or count cannot be negative")
    return float(value)


def _format_number(value: float) -> str:
    # repr is the shortest text that reads back to the same float; Decimal spells it without
    # an exponent, because "1e-05小时" is neither Chinese nor parseable.
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


# ---------------------------------------------------------------- numbers

_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "貳": 2, "三": 3,
           "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
           "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10000, "萬": 10000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)
# A numeral starts with a digit or 十; 百, 千, 万 and 零 alone are words (千万, 零件).
_CN_START = "".join(c for c in _DIGITS if _DIGITS[c]) + "十拾"

# Full-width digits and letters to ASCII, ASCII to lower case, always one character for one, so
# that a match in the normalised text has the same offsets in the original. Full-width
# punctuation (，、：) stays: the patterns name it where it matters.
_FULLWIDTH_CHARS = "０-９Ａ-Ｚａ-ｚ．＊－\u3000\u00a0"
_FULLWIDTH: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH.update({cp: cp - 0xFEE0 + 32 for cp in range(0xFF21, 0xFF3B)})
_FULLWIDTH.update({0x3000: " ", 0x00A0: " "})
_FULLWIDTH_RE = re.compile(f"[{_FULLWIDTH_CHARS}]+")
_ASCII_LOWER = {cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)}


def _normalise(text: str) -> str:
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) grow when lowered; offsets must not move
        lowered = text.translate(_ASCII_LOWER)
    # Translating only the full-width runs keeps a 300,000-character tender fast.
    return _FULLWIDTH_RE.sub(lambda run: run.group().translate(_FULLWIDTH), lowered)


_ARABIC_RE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def chinese_number(text: str) -> float:
    """The number in 36, ３６, 0.5, 三, 两, 十二, 二十四, 一百二十, 壹拾, 二〇二六 or 一点五."""
    if not isinstance(text, str):
        raise QuantityError(f"{text!r} is not a number", code="number-unreadable", text=text)
    cleaned = _normalise(text).strip()
    if _ARABIC_RE.fullmatch(cleaned):
        value = float(cleaned)
    else:
        whole, _, fraction = cleaned.partition("点")
        if "点" in cleaned and not (fraction and all(c in _DIGITS and c != "两" for c in fraction)):
            raise QuantityError(f"{text!r} is not a number", code="number-unreadable", text=text)
        value = _chinese_int(whole, text) + (
            float("0." + "".join(str(_DIGITS[c]) for c in fraction)) if fraction else 0.0)
    if not math.isfinite(value):
        raise QuantityError(f"{text!r} is too large to be a number", code="number-too-large", text=text)
    return value


def _chinese_int(text: str, shown: str) -> int:
    if not text or any(c not in _CN_CHARS for c in text):
        raise QuantityError(f"{shown!r} is not a number", code="number-unreadable", text=shown)
    if all(c in _DIGITS for c in text):
        return _positional(text, shown)
    return _grouped(text, shown)


def _positional(text: str, shown: str) -> int:
    # 二〇二六 reads digit by digit; 三四 is a range (三四天 = 3 or 4 days), not 34.
    if len(text) == 1:
        return _DIGITS[text]
    if not any(c in "零〇" for c in text):
        raise QuantityError(f"{shown!r} is not a number (a range such as 三四 cannot be compared)",
                            code="number-range", text=shown)
    if len(text) > 12:  # no duration has 13 digits; longer strings would overflow a float
        raise QuantityError(f"{shown!r} is too long to be a number", code="number-too-large", text=shown)
    return int("".join(str(_DIGITS[c]) for c in text))


def _grouped(text: str, shown: str) -> int:
    """Numerals with 十百千万, read by the usual rules, rejecting malformed orders."""
    total, section, digit = 0, 0, None
    last_unit, after_zero, seen_wan = 10 ** 9, False, False
    for c in text:
        if c in "零〇":
            if digit is not None:
                raise QuantityError(f"{shown!r} is not a number", code="number-unreadable", text=shown)
            after_zero = True
        elif c in _DIGITS:
            if digit is not None:
                raise QuantityError(f"{shown!r} is not a number", code="number-unreadable", text=shown)
            digit = _DIGITS[c]
        elif c in _SMALL_UNITS:
            unit = _SMALL_UNITS[c]
            if unit >= last_unit or (digit is None and unit != 10):
                raise QuantityError(f"{shown!r} is not a number", code="number-unreadable", text=shown)
            section += (1 if digit is None else digit) * unit  # 十二: 十 alone means 一十
            digit, last_unit, after_zero = None, unit, False
        else:  # 万
            if seen_wan or section + (digit or 0) == 0:
                raise QuantityError(f"{shown!r} is not a number", code="number-unreadable", text=shown)
            total = (section + (digit or 0)) * 10000
            section, digit, last_unit, after_zero, seen_wan = 0, None, 10000, False, True
    if digit is not None and not after_zero and 100 <= last_unit < 10 ** 9:
        digit *= last_unit // 10  # 一百五 is 150 and 两万三 is 23000, as everyone reads them
    return total + section + (digit or 0)


# ---------------------------------------------------------------- patterns
# The fragments below serve both the whole-string parsers and the scanner of long texts, so
# that find_quantities never finds what parse_quantity would refuse, or the other way round.

_WS = r"[ \t]*"
_NUM_AR = r"(?<![0-9a-z.第])[0-9]+(?:\.[0-9]+)?"
_NUM_CN = rf"(?<![第{_CN_CHARS}])[{_CN_START}][{_CN_CHARS}]*(?:点[零〇一二三四五六七八九]+)?"
_NUM = rf"(?:{_NUM_AR}|{_NUM_CN})"


def _unit_alternatives() -> str:
    # Longest first, so that 周年 wins over 周, 人次 over 人, hours over h.
    aliases = sorted(_SPELLINGS, key=len, reverse=True)
    parts = []
    for alias in aliases:
        if alias.isascii():
            parts.append(re.escape(alias).replace(r"\ ", _WS) + "(?![a-z])")
        else:
            parts.append(re.escape(alias) + _NOT_A_UNIT_AFTER.get(alias, ""))
    return "|".join(parts)


_UNIT = _unit_alternatives()
_CN_UNIT_START = "".join(sorted({a[0] for a in _SPELLINGS if not a.isascii()}))
# 一个半小时 / 两个半月 / 半年 / 一年半: the 半 before or after the unit adds one half.
_QTY = (
    rf"(?:(?P<q_num>{_NUM}){_WS}(?:个{_WS})?(?P<q_half>半{_WS}(?:个{_WS})?)?"
    rf"|(?<![大多个第{_CN_CHARS}])(?P<q_half_only>半){_WS}(?:个{_WS})?)"
    rf"(?P<q_unit>{_UNIT})(?P<q_half_after>半(?!{_WS}[个{_CN_UNIT_START}]))?"
)

# A letter before the number (not the x of 7x24): YJV5*6 and RVV3×2.5 are cable sizes, not
# days × hours.
_SH_NUM = rf"(?:(?<![0-9.A-WYZa-wyz])[0-9]{{1,3}}(?![0-9.])|{_NUM_CN})"
_TIMES_SIGN = r"[×x*✕✖╳]"
_HOURS_WORD = r"(?:小时|hours?(?![a-z])|hrs?(?![a-z])|h(?![a-z]))"
_ROUND_THE_CLOCK = rf"(?:(?:24|二十四){_WS}小时{_WS})?全天候"
_WEEKDAY_NUMBER = {"二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
# "全天候" next to a schedule restates it; it is one expression, not a second one.
_SH_HEAD = rf"(?:全天候{_WS})?"
_SH_TAIL = rf"(?:{_WS}[,，、]?{_WS}全天候)?"
_SH = "|".join(_SH_HEAD + form + _SH_TAIL for form in (
    # 7×24小时, 365天×24小时, 5*8h
    rf"(?P<sh_a_d>{_SH_NUM}){_WS}(?:[天日]{_WS})?{_TIMES_SIGN}{_WS}(?P<sh_a_h>{_SH_NUM})"
    rf"(?:{_WS}{_HOURS_WORD})?",
    # 7天24小时
    rf"(?P<sh_b_d>{_SH_NUM}){_WS}天{_WS}(?P<sh_b_h>{_SH_NUM}){_WS}(?:个{_WS})?小时",
    # 每周7天每天24小时, 每周七天、每天24小时
    rf"每周{_WS}(?P<sh_c_d>{_SH_NUM}){_WS}[天日]{_WS}[,，、;；]?{_WS}每[天日]{_WS}"
    rf"(?P<sh_c_h>{_SH_NUM}){_WS}(?:个{_WS})?小时",
    # 每天24小时、每周7天
    rf"每[天日]{_WS}(?P<sh_d_h>{_SH_NUM}){_WS}(?:个{_WS})?小时{_WS}[,，、;；]?{_WS}每周{_WS}"
    rf"(?P<sh_d_d>{_SH_NUM}){_WS}[天日]",
    # 周一至周五每天8小时
    rf"周一{_WS}(?:至|到|-|~|～|—){_WS}周(?P<sh_e_d>[二三四五六日天]){_WS}[,，、]?{_WS}"
    rf"(?:每[天日]{_WS})?(?P<sh_e_h>{_SH_NUM}){_WS}(?:个{_WS})?小时",
    # 工作日每日不少于8h: the working week, so many hours a day
    rf"工作日{_WS}每[天日]{_WS}(?:不少于|不低于|至少)?{_WS}(?P<sh_f_h>{_SH_NUM}){_WS}(?:个{_WS})?{_HOURS_WORD}",
)) + rf"|(?P<sh_all>{_ROUND_THE_CLOCK})"

# Dates look like durations (2026年, 11月7日) and must be skipped by the scanner.
_CN_DAY_NUM = "[一二三四五六七八九十]{1,3}"
_DATE = "|".join((
    rf"(?<![0-9])(?:19|[2-9][0-9])[0-9]{{2}}{_WS}年(?:{_WS}[0-9]{{1,2}}{_WS}月(?:{_WS}[0-9]{{1,2}}{_WS}[日号])?)?",
    rf"[〇零一二三四五六七八九]{{4}}年(?:{_CN_DAY_NUM}月(?:{_CN_DAY_NUM}[日号])?)?",
    rf"(?<![0-9])[0-9]{{1,2}}{_WS}月{_WS}[0-9]{{1,2}}{_WS}[日号]",
    rf"{_CN_DAY_NUM}月{_CN_DAY_NUM}[日号]",
))

_QTY_RE = re.compile(_QTY)
_SH_RE = re.compile(_SH)
_BARE_NUMBER_RE = re.compile(_NUM)
_SCAN_RE = re.compile(rf"(?P<sh>{_SH})|(?P<date>{_DATE})|(?P<qty>{_QTY})")
# Every alternative of _SCAN_RE starts with one of these characters.
_CANDIDATE_RE = re.compile(
    rf"[0-9{_CN_CHARS}半每周全工](?:(?<=每)(?=周|[天日])|(?<=周)(?=一)|(?<=全)(?=天候)|(?<=工)(?=作日每)|(?<![每周全工]))")
_NUMERAL_RUN_RE = re.compile(rf"[0-9]+|[{_CN_CHARS}]+")

_LOOKS_LIKE_SCHEDULE_RE = re.compile(rf"[0-9{_CN_CHARS}]{_WS}{_TIMES_SIGN}{_WS}[0-9{_CN_CHARS}]")

_QUANTITY_HELP = "expected a number and a unit such as 36个月 or 2 hour"
_SERVICE_HOURS_HELP = "expected days per week × hours per day such as 7×24 or 5×8"


# ---------------------------------------------------------------- parsing


# Libraries and bids repeat the same few values ("36 month", "30 minute") thousands of times, and
# both functions are pure with immutable results: caching them halves a cold library load.
@functools.lru_cache(maxsize=4096)
def parse_quantity(text: str, default_unit: str | None = None) -> Quantity:
    """Read 36 month, 3年, 三年, 叁年, ３６个月, 一个半小时, 5个工作日, 6名, 2 h ...

    A bare number takes `default_unit` when given; anything unreadable raises QuantityError.
    """
    if not isinstance(text, str):
        raise QuantityError(f"{text!r} is not a quantity: {_QUANTITY_HELP}", code="quantity-unreadable", text=text)
    cleaned = _normalise(text).strip()
    if not cleaned:
        raise QuantityError(f"empty quantity: {_QUANTITY_HELP}", code="quantity-empty")
    if cleaned[0] in "-−负":
        raise QuantityError(f"{text!r} is negative: a duration or count cannot be below zero",
                            code="quantity-negative", text=text)
    match = _QTY_RE.fullmatch(cleaned)
    if match:
        return _quantity_from(match, text)
    if _BARE_NUMBER_RE.fullmatch(cleaned):
        return _bare_number(cleaned, text, default_unit)
    raise QuantityError(f"{text!r} is not a quantity: {_QUANTITY_HELP}", code="quantity-unreadable", text=text)


def _bare_number(cleaned: str, text: str, default_unit: str | None) -> Quantity:
    if default_unit is None:
        raise QuantityError(f"{text!r} has no unit: write it as {text} month, {text}个月, {text} hour ...",
                            code="quantity-no-unit", text=text)
    return Quantity(chinese_number(cleaned), default_unit)


def _quantity_from(match: re.Match[str], text: str) -> Quantity:
    half_before = match.group("q_half") or match.group("q_half_only")
    if half_before and match.group("q_half_after"):
        raise QuantityError(f"{text!r} is not a quantity: 半 appears twice", code="quantity-half-twice", text=text)
    value = chinese_number(match.group("q_num")) if match.group("q_num") else 0.0
    if half_before or match.group("q_half_after"):
        value += 0.5
    unit = _ALIAS_TO_UNIT[re.sub(r"\s", "", match.group("q_unit"))]
    return Quantity(value, unit)


@functools.lru_cache(maxsize=1024)
def parse_service_hours(text: str) -> ServiceHours:
    """Read 7×24, 7*24, 7x24小时, 5×8, 全天候, 每周7天每天24小时, 365天×24小时."""
    if not isinstance(text, str):
        raise QuantityError(f"{text!r} is not service hours: {_SERVICE_HOURS_HELP}",
                            code="service-hours-unreadable", text=text)
    match = _SH_RE.fullmatch(_normalise(text).strip())
    if not match:
        raise QuantityError(f"{text!r} is not service hours: {_SERVICE_HOURS_HELP}",
                            code="service-hours-unreadable", text=text)
    return _service_hours_from(match, text)


def _service_hours_from(match: re.Match[str], text: str) -> ServiceHours:
    if match.group("sh_all"):
        return ServiceHours(7, 24)
    if match.group("sh_f_h"):
        return ServiceHours(5, _whole_number(match.group("sh_f_h"), text))
    if match.group("sh_e_d"):
        days = _WEEKDAY_NUMBER[match.group("sh_e_d")]
        return ServiceHours(days, _whole_number(match.group("sh_e_h"), text))
    for form in "abcd":
        if match.group(f"sh_{form}_d"):
            days = _whole_number(match.group(f"sh_{form}_d"), text)
            hours = _whole_number(match.group(f"sh_{form}_h"), text)
            # 365天×24小时 is how some tenders spell every day of the week.
            if days in (365, 366):
                days = 7
            elif form == "a" and days > 7 >= hours:
                days, hours = hours, days  # 24×7: hours first, as in English "24/7"
            return ServiceHours(days, hours)
    raise QuantityError(f"{text!r} is not service hours: {_SERVICE_HOURS_HELP}",
                            code="service-hours-unreadable", text=text)  # pragma: no cover


def _whole_number(numeral: str, text: str) -> int:
    value = chinese_number(numeral)
    if not value.is_integer():
        raise QuantityError(f"{text!r}: service hours need whole numbers", code="service-hours-whole", text=text)
    return int(value)


def parse_value(text: str) -> Quantity | ServiceHours:
    """Service hours when the text reads as such (7×24), else a quantity (36个月)."""
    try:
        return parse_service_hours(text)
    except QuantityError:
        pass
    if isinstance(text, str) and _LOOKS_LIKE_SCHEDULE_RE.search(_normalise(text)):
        # 7×48 was meant as service hours; "not a quantity" would point the writer elsewhere.
        raise QuantityError(f"{text!r} is not service hours: {_SERVICE_HOURS_HELP}",
                            code="service-hours-unreadable", text=text)
    return parse_quantity(text)


# ---------------------------------------------------------------- scanning


@dataclass(frozen=True)
class QuantityMatch:
    """One quantity or service-hours expression found in a longer text, with its offsets."""

    start: int
    end: int
    text: str
    quantity: Quantity | ServiceHours


def find_quantities(text: str) -> list[QuantityMatch]:
    """Every quantity and service-hours expression in `text`, in order, never overlapping.

    Dates (2026年11月, 11月7日) are skipped; 7×24小时 is service hours, not a 24-hour duration.
    """
    if not isinstance(text, str):
        raise QuantityError(f"{text!r} is not text")
    normal = _normalise(text)
    found: list[QuantityMatch] = []
    pos = 0
    # Trying the big pattern at every character is too slow for a 300-page tender; a match can
    # only start at a digit, a numeral or 半每周全工, and the C-level search jumps between those.
    while candidate := _CANDIDATE_RE.search(normal, pos):
        match = _SCAN_RE.match(normal, candidate.start())
        if match is None:
            pos = _after_failed_start(normal, candidate.start())
            continue
        pos = match.end()
        if match.lastgroup == "date":
            continue
        value = _read_piece(match.lastgroup, match.group())
        if value is not None:
            found.append(QuantityMatch(match.start(), pos, text[match.start():pos], value))
    return found


def _after_failed_start(normal: str, start: int) -> int:
    # No quantity starts inside a number (the lookbehinds say so), so skip the whole run at
    # once: a line of 300,000 digits costs one attempt, not 300,000.
    run = _NUMERAL_RUN_RE.match(normal, start)
    return run.end() if run else start + 1


@functools.lru_cache(maxsize=4096)
def _read_piece(kind: str, piece: str) -> Quantity | ServiceHours | None:
    # A tender repeats 24小时 and 3年 hundreds of times: read each spelling once.
    match = (_SH_RE if kind == "sh" else _QTY_RE).fullmatch(piece)
    try:
        if match is None:
            return None
        if kind == "sh":
            return _service_hours_from(match, piece)
        return _quantity_from(match, piece)
    except QuantityError:
        return None  # looked like a quantity (三四天, 7×48) but is none: not ours to report


# ---------------------------------------------------------------- comparison


class Verdict(str, Enum):
    """How an offer stands against a requirement: 正偏离, 无偏离, 负偏离, or needs review."""

    BETTER = "better"
    EQUAL = "equal"
    WORSE = "worse"
    UNDETERMINED = "undetermined"

    def mirrored(self) -> "Verdict":
        """The verdict with offer and requirement swapped."""
        return _MIRROR[self]


_MIRROR = {Verdict.BETTER: Verdict.WORSE, Verdict.WORSE: Verdict.BETTER,
           Verdict.EQUAL: Verdict.EQUAL, Verdict.UNDETERMINED: Verdict.UNDETERMINED}

_OPS = (">=", "<=", "==")
_VERDICT = {
    ">=": {"more": Verdict.BETTER, "less": Verdict.WORSE, "same": Verdict.EQUAL},
    "<=": {"more": Verdict.WORSE, "less": Verdict.BETTER, "same": Verdict.EQUAL},
    "==": {"more": Verdict.WORSE, "less": Verdict.WORSE, "same": Verdict.EQUAL},
}

# Working days to calendar days. N working days last at least N calendar days (调休 can make a
# weekend a working day). At most: every 5 working days cost a full week, and public holidays
# on weekdays (春节 and 国庆 take up to 6 weekdays each, the short holidays 1 to 3) add more;
# allowing 8 holiday weekdays per started 60 working days is more than any Chinese calendar
# has had. Anything the bounds cannot settle is UNDETERMINED ("needs review").
HOLIDAY_WEEKDAYS_PER_PERIOD = 8
HOLIDAY_PERIOD_WORKDAYS = 60


def workday_span_days(workdays: float) -> tuple[float, float]:
    """The shortest and longest calendar span, in days, of `workdays` working days."""
    holidays = HOLIDAY_WEEKDAYS_PER_PERIOD * math.ceil(workdays / HOLIDAY_PERIOD_WORKDAYS)
    return workdays, math.ceil((workdays + holidays) / 5) * 7


def compare(offer: Quantity | ServiceHours, required: Quantity | ServiceHours, op: str) -> Verdict:
    """How `offer` stands against `required` under `op` (>=, <=, ==).

    UNDETERMINED where no exact answer exists: months against days, working days against
    calendar time when the bounds overlap, persons against times, service hours against a
    duration, or service hours where one has more days and the other more hours.
    """
    if op not in _OPS:
        raise QuantityError(f"cannot compare with operator {op!r}: use one of {', '.join(_OPS)}")
    for value in (offer, required):
        if not isinstance(value, (Quantity, ServiceHours)):
            raise QuantityError(f"{value!r} is not a quantity or service hours")
    if isinstance(offer, ServiceHours) and isinstance(required, ServiceHours):
        relation = _service_hours_relation(offer, required)
    elif isinstance(offer, Quantity) and isinstance(required, Quantity):
        relation = _quantity_relation(offer, required)
    else:
        relation = None
    if relation is None:
        # Two service hours neither covering the other are certainly not equal.
        unequal = isinstance(offer, ServiceHours) and isinstance(required, ServiceHours)
        return Verdict.WORSE if op == "==" and unequal else Verdict.UNDETERMINED
    return _VERDICT[op][relation]


def _service_hours_relation(offer: ServiceHours, required: ServiceHours) -> str | None:
    # Coverage alone would call 7×8 (56 h) worse than 5×24 (120 h), yet 7×8 serves on the
    # weekend and 5×24 does not: only a schedule that covers the other is certainly more.
    if (offer.days, offer.hours) == (required.days, required.hours):
        return "same"
    if offer.days >= required.days and offer.hours >= required.hours:
        return "more"
    if offer.days <= required.days and offer.hours <= required.hours:
        return "less"
    return None


def _quantity_relation(offer: Quantity, required: Quantity) -> str | None:
    offer_span = _span_in(offer, required)
    required_span = _span_in(required, offer)
    if offer_span is None or required_span is None:
        return None
    return _interval_relation(offer_span, required_span)


def _span_in(q: Quantity, other: Quantity) -> tuple[float, float] | None:
    """q as a [low, high] interval on a scale shared with `other`, or None if there is none."""
    if q.family() == other.family():
        return q.magnitude(), q.magnitude()
    if {q.family(), other.family()} == {"time", "workday"}:
        if q.family() == "time":
            return q.magnitude(), q.magnitude()
        low, high = workday_span_days(q.value)
        return low * _FAMILY["day"][1], high * _FAMILY["day"][1]
    return None


def _interval_relation(a: tuple[float, float], b: tuple[float, float]) -> str | None:
    # A verdict must hold at both ends of each interval, or it is no verdict.
    if _close(a[0], a[1]) and _close(b[0], b[1]) and _close(a[0], b[0]):
        return "same"
    if a[0] > b[1] and not _close(a[0], b[1]):
        return "more"
    if a[1] < b[0] and not _close(a[1], b[0]):
        return "less"
    return None


def _close(x: float, y: float) -> bool:
    # 0.1 hour is 6.000000000000001 minutes in floating point; that is still 6 minutes.
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
