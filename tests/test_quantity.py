"""Tests of bidkit.quantity: reading, formatting, comparing and finding quantities."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bidkit.errors import QuantityError
from bidkit.quantity import (
    UNITS, Quantity, QuantityMatch, ServiceHours, Verdict, chinese_number, compare,
    find_quantities, parse_quantity, parse_service_hours, parse_value, workday_span_days,
)

Q = Quantity
SH = ServiceHours
B, E, W, U = Verdict.BETTER, Verdict.EQUAL, Verdict.WORSE, Verdict.UNDETERMINED


# ---------------------------------------------------------------- parse_quantity

@pytest.mark.parametrize("text, expected", [
    ("36 month", Q(36, "month")),
    ("36 months", Q(36, "month")),
    ("3 year", Q(3, "year")),
    ("3年", Q(3, "year")),
    ("三年", Q(3, "year")),
    ("叁年", Q(3, "year")),
    ("36个月", Q(36, "month")),
    ("３６个月", Q(36, "month")),
    ("0.5小时", Q(0.5, "hour")),
    ("半小时", Q(0.5, "hour")),
    ("一个半小时", Q(1.5, "hour")),
    ("半年", Q(0.5, "year")),
    ("两小时", Q(2, "hour")),
    ("十二个月", Q(12, "month")),
    ("二十四小时", Q(24, "hour")),
    ("一百二十分钟", Q(120, "minute")),
    ("壹拾天", Q(10, "day")),
    ("5个工作日", Q(5, "workday")),
    ("五个工作日", Q(5, "workday")),
    ("2周", Q(2, "week")),
    ("6人", Q(6, "person")),
    ("6名", Q(6, "person")),
    ("10人次", Q(10, "person")),
    ("1次", Q(1, "times")),
    ("30 min", Q(30, "minute")),
    ("2 h", Q(2, "hour")),
    ("2 hours", Q(2, "hour")),
    ("7 days", Q(7, "day")),
    ("3 workday", Q(3, "workday")),
    ("一年半", Q(1.5, "year")),
    ("两个半月", Q(2.5, "month")),
    ("半个月", Q(0.5, "month")),
    ("36.0 month", Q(36, "month")),
    ("  36 Months  ", Q(36, "month")),
    ("３６ＭＯＮＴＨ", Q(36, "month")),
    ("3 working days", Q(3, "workday")),
    ("45日", Q(45, "day")),
    ("2个钟头", Q(2, "hour")),
    ("3位", Q(3, "person")),
    ("0小时", Q(0, "hour")),
])
def test_parse_quantity(text, expected):
    """Every spelling a tender or a YAML file uses reads as the same quantity."""
    assert parse_quantity(text) == expected


@pytest.mark.parametrize("text, default_unit, expected", [
    ("36", "month", Q(36, "month")),
    ("三", "times", Q(3, "times")),
    ("0.5", "hour", Q(0.5, "hour")),
    ("6人", "times", Q(6, "person")),
])
def test_parse_quantity_default_unit(text, default_unit, expected):
    """A bare number takes the default unit; a written unit wins over it."""
    assert parse_quantity(text, default_unit=default_unit) == expected


@pytest.mark.parametrize("text", [
    "", "   ", "三X年", "-3年", "负三年", "−3 hour", "nan hour", "NaN", "inf hour", "inf",
    "1e999 hour", "9" * 400 + " hour", "36", "年", "个月", "三四天", "3 parsecs",
    "7×24", "36 month month", "30分", "1.2.3年", "3年半半", "半一个小时", None, 36,
])
def test_parse_quantity_errors(text):
    """Unreadable, negative, infinite or unit-less text is a QuantityError, never a guess."""
    with pytest.raises(QuantityError):
        parse_quantity(text)


@pytest.mark.parametrize("text, words", [
    ("三X年", "'三X年' is not a quantity: expected a number and a unit such as 36个月 or 2 hour"),
    ("-3年", "negative"),
    ("36", "has no unit"),
    ("", "empty"),
])
def test_parse_quantity_error_messages(text, words):
    """The message says what is wrong in words a bid writer understands."""
    with pytest.raises(QuantityError) as info:
        parse_quantity(text)
    assert words in info.value.message


def test_parse_quantity_unknown_default_unit():
    """A default unit that is no unit is refused, not silently used."""
    with pytest.raises(QuantityError):
        parse_quantity("36", default_unit="parsec")


# ---------------------------------------------------------------- chinese_number

@pytest.mark.parametrize("text, expected", [
    ("十二", 12), ("二十四", 24), ("一百二十", 120), ("壹拾", 10), ("十", 10), ("两", 2),
    ("零", 0), ("〇", 0), ("三", 3), ("叁", 3), ("36", 36), ("３６", 36), ("0.5", 0.5),
    ("０．５", 0.5), ("一百零五", 105), ("一千零五十", 1050), ("一百五", 150),
    ("两万三", 23000), ("十万", 100000), ("叁佰陆拾伍", 365), ("二〇二六", 2026),
    ("一点五", 1.5), ("壹仟", 1000),
])
def test_chinese_number(text, expected):
    """Chinese, financial, Arabic and full-width numerals all read as numbers."""
    assert chinese_number(text) == expected


@pytest.mark.parametrize("text", [
    "", "X", "百", "万", "三四", "十十", "二三十", "一点", "点五", "1.2.3", "一万万",
    "一千一千", "9" * 400, "一" + "〇" * 20, "-3",
])
def test_chinese_number_errors(text):
    """Malformed numerals and ranges such as 三四 are QuantityErrors."""
    with pytest.raises(QuantityError):
        chinese_number(text)


# ---------------------------------------------------------------- Quantity

@pytest.mark.parametrize("value, unit, expected", [
    (36, "month", "36个月"), (3, "year", "3年"), (30, "minute", "30分钟"), (2, "hour", "2小时"),
    (0.5, "hour", "0.5小时"), (5, "workday", "5个工作日"), (7, "day", "7天"), (2, "week", "2周"),
    (6, "person", "6人"), (2, "times", "2次"), (3.0, "year", "3年"),
    (1e-7, "hour", "0.0000001小时"), (1e16, "year", "10000000000000000年"),
])
def test_format(value, unit, expected):
    """Quantities read as natural Chinese, without .0 on whole numbers or exponents."""
    assert Q(value, unit).format() == expected


@pytest.mark.parametrize("quantity, expected", [
    (Q(36, "month"), "36 month"), (Q(0.5, "hour"), "0.5 hour"), (Q(3.0, "workday"), "3 workday"),
    (Q(-0.0, "day"), "0 day"),
])
def test_str(quantity, expected):
    """str() is the YAML form."""
    assert str(quantity) == expected


@pytest.mark.parametrize("quantity, expected", [
    (Q(30, "minute"), 30), (Q(2, "hour"), 120), (Q(1, "day"), 1440), (Q(1, "week"), 10080),
    (Q(36, "month"), 36), (Q(3, "year"), 36), (Q(5, "workday"), 5), (Q(6, "person"), 6),
    (Q(2, "times"), 2),
])
def test_magnitude(quantity, expected):
    """Magnitudes are minutes for time, months for the calendar, the unit itself otherwise."""
    assert quantity.magnitude() == expected


@pytest.mark.parametrize("a, b, expected", [
    (Q(1, "day"), Q(1, "hour"), True), (Q(1, "week"), Q(1, "minute"), True),
    (Q(1, "year"), Q(1, "month"), True), (Q(1, "month"), Q(30, "day"), False),
    (Q(5, "workday"), Q(7, "day"), False), (Q(5, "workday"), Q(5, "workday"), True),
    (Q(6, "person"), Q(6, "times"), False), (Q(1, "year"), SH(7, 24), False),
])
def test_comparable_with(a, b, expected):
    """Only quantities of one family compare exactly."""
    assert a.comparable_with(b) is expected


def test_whole_and_float_values_are_one_value():
    """3 and 3.0 are one quantity: equal and with one hash."""
    assert Q(3, "year") == Q(3.0, "year")
    assert hash(Q(3, "year")) == hash(Q(3.0, "year"))
    assert isinstance(Q(3, "year").value, float)


@pytest.mark.parametrize("value, unit", [
    (-1, "hour"), (float("nan"), "hour"), (float("inf"), "hour"), (True, "hour"),
    ("3", "hour"), (3, "parsec"), (3, "months"),
])
def test_quantity_invalid(value, unit):
    """Negative, non-finite or non-numeric values and unknown units are refused."""
    with pytest.raises(QuantityError):
        Q(value, unit)


# ---------------------------------------------------------------- ServiceHours

def test_service_hours_forms():
    """Service hours print as 7×24小时 in Chinese and 7x24 in YAML, with weekly coverage."""
    assert SH(7, 24).format() == "7×24小时"
    assert str(SH(5, 8)) == "5x8"
    assert SH(7, 24).coverage == 168
    assert SH(7.0, 24) == SH(7, 24)


@pytest.mark.parametrize("days, hours", [
    (0, 24), (8, 24), (7, 0), (7, 25), (7.5, 24), (True, 24), ("7", 24),
])
def test_service_hours_invalid(days, hours):
    """Days per week are 1 to 7, hours per day 1 to 24, whole numbers."""
    with pytest.raises(QuantityError):
        SH(days, hours)


@pytest.mark.parametrize("text, expected", [
    ("7×24", SH(7, 24)), ("7*24", SH(7, 24)), ("7x24小时", SH(7, 24)), ("7X24", SH(7, 24)),
    ("7×24h", SH(7, 24)), ("7 x 24", SH(7, 24)), ("全天候", SH(7, 24)),
    ("每周7天每天24小时", SH(7, 24)), ("每周七天、每天24小时", SH(7, 24)), ("5×8", SH(5, 8)),
    ("5*8小时", SH(5, 8)), ("365天×24小时", SH(7, 24)), ("７×２４", SH(7, 24)),
    ("7天24小时", SH(7, 24)), ("每天24小时，每周7天", SH(7, 24)),
    ("周一至周五每天8小时", SH(5, 8)), ("24小时全天候", SH(7, 24)), ("7×24小时全天候", SH(7, 24)),
    ("七×二十四", SH(7, 24)),
])
def test_parse_service_hours(text, expected):
    """Every way tenders write service hours reads as days × hours."""
    assert parse_service_hours(text) == expected


@pytest.mark.parametrize("text", [
    "24小时", "7×", "8×24", "7×25", "7×0", "", "hello", "7×24天", "36个月", "7×24.5", None,
])
def test_parse_service_hours_errors(text):
    """A duration such as 24小时 is no schedule; impossible schedules are refused."""
    with pytest.raises(QuantityError):
        parse_service_hours(text)


@pytest.mark.parametrize("text, expected", [
    ("7×24", SH(7, 24)), ("36个月", Q(36, "month")), ("24小时", Q(24, "hour")),
    ("全天候", SH(7, 24)),
])
def test_parse_value(text, expected):
    """Service hours first, a quantity otherwise."""
    assert parse_value(text) == expected


@pytest.mark.parametrize("text, words", [
    ("7×48", "service hours"), ("36", "no unit"), ("三X年", "not a quantity"),
])
def test_parse_value_errors(text, words):
    """The error names what the text most likely meant to be."""
    with pytest.raises(QuantityError) as info:
        parse_value(text)
    assert words in info.value.message


# ---------------------------------------------------------------- compare

@pytest.mark.parametrize("offer, required, op, expected", [
    ("3年", "36个月", "==", E),
    ("3年", "36个月", ">=", E),
    ("36个月", "3 year", "<=", E),
    ("5个工作日", "7天", "<=", U),
    ("5个工作日", "7天", ">=", U),
    ("1个月", "30天", "<=", U),
    ("1个月", "30天", ">=", U),
    ("1个月", "30天", "==", U),
    ("2 hour", "4 hour", "<=", B),
    ("24个月", "3年", ">=", W),
    ("7x24", "5x8", ">=", B),
    ("5x8", "7x24", ">=", W),
    ("5x8", "7x24", "<=", B),
    ("7×24小时", "全天候", "==", E),
    ("7x8", "5x24", ">=", U),
    ("7x8", "5x24", "==", W),
    ("1个工作日", "30天", "<=", B),
    ("30天", "1个工作日", ">=", B),
    ("1天", "24小时", "==", E),
    ("半小时", "30分钟", "==", E),
    ("一个半小时", "90分钟", "==", E),
    ("两小时", "2小时", "==", E),
    ("0.1小时", "6分钟", "==", E),
    ("2周", "14天", "==", E),
    ("30分钟", "1小时", "<=", B),
    ("2小时", "30分钟", "<=", W),
    ("2小时", "30分钟", "==", W),
    ("5年", "3年", ">=", B),
    ("6人", "5人", ">=", B),
    ("6人", "6次", ">=", U),
    ("3个工作日", "3个工作日", "<=", E),
    ("3个工作日", "5个工作日", "<=", B),
    ("3年", "1000天", ">=", U),
    ("1年", "1小时", ">=", U),
    ("5个工作日", "1个月", "<=", U),
    ("7x24", "24小时", ">=", U),
    ("7x24", "24小时", "==", U),
])
def test_compare(offer, required, op, expected):
    """Verdicts follow DOMAIN.md: exact within a family, undetermined where a calendar decides."""
    assert compare(parse_value(offer), parse_value(required), op) is expected


@pytest.mark.parametrize("workdays, span", [(1, (1, 14)), (5, (5, 21)), (10, (10, 28))])
def test_workday_span_days(workdays, span):
    """Working days last at least as many calendar days and at most whole weeks plus holidays."""
    assert workday_span_days(workdays) == span


@pytest.mark.parametrize("offer, required, op", [
    (Q(1, "year"), Q(1, "year"), "present"),
    (Q(1, "year"), Q(1, "year"), ">"),
    ("3年", Q(1, "year"), ">="),
    (Q(1, "year"), None, ">="),
])
def test_compare_errors(offer, required, op):
    """Unknown operators and values that are no quantity are QuantityErrors."""
    with pytest.raises(QuantityError):
        compare(offer, required, op)


def test_verdict_values():
    """Verdicts are strings for JSON and mirror as offer and requirement swap."""
    assert [v.value for v in Verdict] == ["better", "equal", "worse", "undetermined"]
    assert Verdict.BETTER == "better"
    assert [v.mirrored() for v in Verdict] == [W, E, B, U]


# ---------------------------------------------------------------- find_quantities

@pytest.mark.parametrize("text, expected", [
    ("接到报修后30分钟内响应，2小时内到达现场，24小时内修复",
     [("30分钟", Q(30, "minute")), ("2小时", Q(2, "hour")), ("24小时", Q(24, "hour"))]),
    ("提供7×24小时服务", [("7×24小时", SH(7, 24))]),
    ("一个半小时内到场", [("一个半小时", Q(1.5, "hour"))]),
    ("3个工作日内完成", [("3个工作日", Q(3, "workday"))]),
    ("售后人员不少于6人", [("6人", Q(6, "person"))]),
    ("每月一次回访", [("一次", Q(1, "times"))]),
    ("质保期5年", [("5年", Q(5, "year"))]),
    ("2026年11月7日前完成，质保期3年", [("3年", Q(3, "year"))]),
    ("2026年11月交货", []),
    ("二〇二六年三月一日起质保两年", [("两年", Q(2, "year"))]),
    ("11月7日到货，7日内安装", [("7日", Q(7, "day"))]),
    ("质保期不少于三年（36个月）", [("三年", Q(3, "year")), ("36个月", Q(36, "month"))]),
    ("每周七天、每天24小时全天候服务", [("每周七天、每天24小时全天候", SH(7, 24))]),
    ("全天候7×24小时服务", [("全天候7×24小时", SH(7, 24))]),
    ("服务时间为5×8小时（周一至周五）", [("5×8小时", SH(5, 8))]),
    ("注意：千万不要遗漏，第一年免费，名称统一，提供一次性培训", []),
    ("每增加1年加1分，最高3分", [("1年", Q(1, "year"))]),
    ("合同签订后45日内完成供货", [("45日", Q(45, "day"))]),
    ("响应时间≤30min，到场≤2h", [("30min", Q(30, "minute")), ("2h", Q(2, "hour"))]),
    ("三四天内修复", []),
    ("通过ISO9001认证", []),
    ("质保期３６个月", [("３６个月", Q(36, "month"))]),
    ("配备6名工程师，每半年回访", [("6名", Q(6, "person")), ("半年", Q(0.5, "year"))]),
    ("预算为人民币268万元", []),
])
def test_find_quantities(text, expected):
    """Compound sentences give one match per quantity; dates, ordinals and words give none."""
    found = find_quantities(text)
    assert [(m.text, m.quantity) for m in found] == expected
    for m in found:
        assert text[m.start:m.end] == m.text


def test_find_quantities_match_type():
    """Matches are QuantityMatch values with offsets into the original text."""
    assert find_quantities("约2小时") == [QuantityMatch(1, 4, "2小时", Q(2, "hour"))]


# ---------------------------------------------------------------- properties

values = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
quantities = st.builds(Quantity, values, st.sampled_from(UNITS))
service_hours = st.builds(ServiceHours, st.integers(1, 7), st.integers(1, 24))
comparables = st.one_of(quantities, service_hours)
small_values = st.one_of(st.integers(0, 60).map(float),
                         st.floats(0, 100, allow_nan=False, allow_infinity=False))
FAMILIES = [("minute", "hour", "day", "week", "workday"), ("month", "year"), ("person",), ("times",)]


def _triples(units: tuple[str, ...]):
    one = st.builds(Quantity, small_values, st.sampled_from(units))
    return st.tuples(one, one, one)


same_family_triples = st.one_of(
    *[_triples(units) for units in FAMILIES], st.tuples(service_hours, service_hours, service_hours))


@given(quantities)
def test_format_parses_back(quantity):
    """Whatever a quantity prints in Chinese reads back as the same quantity."""
    assert parse_quantity(quantity.format()) == quantity


@given(quantities)
def test_str_parses_back(quantity):
    """The YAML form reads back as the same quantity."""
    assert parse_quantity(str(quantity)) == quantity


@given(service_hours)
def test_service_hours_parse_back(hours):
    """Both forms of service hours read back as the same schedule."""
    assert parse_service_hours(hours.format()) == hours
    assert parse_service_hours(str(hours)) == hours
    assert parse_value(str(hours)) == hours


@given(comparables, comparables, st.sampled_from([">=", "<="]))
def test_compare_mirror(a, b, op):
    """Swapping offer and requirement mirrors the verdict."""
    assert compare(a, b, op) is compare(b, a, op).mirrored()


@given(comparables, comparables)
def test_compare_equality_is_symmetric(a, b):
    """== gives the same verdict both ways round."""
    assert compare(a, b, "==") is compare(b, a, "==")


@given(comparables, st.sampled_from([">=", "<=", "=="]))
def test_compare_reflexive(a, op):
    """Anything equals itself."""
    assert compare(a, a, op) is Verdict.EQUAL


@given(same_family_triples, st.sampled_from([">=", "<="]))
def test_compare_better_is_transitive(triple, op):
    """Better than something better is better still."""
    for a, b, c in itertools.permutations(triple):
        if compare(a, b, op) is B and compare(b, c, op) is B:
            assert compare(a, c, op) is B


@given(st.integers(0, 1000), st.sampled_from([("year", "month", 12), ("day", "hour", 24),
                                              ("hour", "minute", 60), ("week", "day", 7)]))
def test_compare_across_units(n, units):
    """The same span in two units of one family is EQUAL."""
    big, small, factor = units
    assert compare(Q(n, big), Q(n * factor, small), "==") is Verdict.EQUAL


@given(st.text())
def test_parse_quantity_only_raises_quantity_error(text):
    """Arbitrary text either parses or raises QuantityError, nothing else."""
    for parse in (parse_quantity, parse_service_hours, parse_value, chinese_number):
        try:
            parse(text)
        except QuantityError:
            pass


chinesey_text = st.text(alphabet="0123456789.．３半个两一二三四五六七八九十百千万零〇壹拾年月天日小时分钟"
                                 "工作周人名次×x*每全候 -第", max_size=30)


@given(chinesey_text, st.sampled_from([None, "month", "times"]))
def test_parse_quantity_numeral_soup(text, default_unit):
    """Text made of numerals and unit characters parses or raises QuantityError."""
    try:
        result = parse_quantity(text, default_unit=default_unit)
    except QuantityError:
        return
    assert isinstance(result, Quantity)


@given(st.one_of(st.text(), chinesey_text))
def test_find_quantities_matches_are_ordered_slices(text):
    """Matches are slices of the text, in order and never overlapping."""
    end = 0
    for m in find_quantities(text):
        assert m.start >= end and m.end > m.start
        assert text[m.start:m.end] == m.text
        end = m.end


@given(st.builds(Quantity, st.one_of(st.integers(0, 1899).map(float),
                                     st.decimals(0, 1000, places=2).map(float)),
                 st.sampled_from(UNITS)))
def test_find_quantities_finds_a_formatted_quantity(quantity):
    """A quantity written alone in a sentence is found as itself."""
    text = f"不少于{quantity.format()}。"
    assert [m.quantity for m in find_quantities(text)] == [quantity]
