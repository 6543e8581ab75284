"""clean(): the text a bid writer would read, before any extraction rule runs."""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidkit.extract.normalise import clean


def _ok(text: str, expected: str) -> None:
    assert clean(text) == expected
    assert clean(expected) == expected  # idempotent on the result too


# 1. Traditional -> simplified (OpenCC t2s), simplified text untouched.
@pytest.mark.parametrize("text, expected", [
    ("廠牌/型號", "厂牌/型号"),
    ("售後服務承諾", "售后服务承诺"),
    ("響應時間不超過2小時", "响应时间不超过2小时"),
    ("免費保修三年，終身維護", "免费保修三年，终身维护"),
    ("保固期", "保固期"),  # a Taiwan term, no traditional character: t2s keeps it
    ("乾隆年間", "乾隆年间"),  # OpenCC's phrases: 乾 stays in 乾隆
    ("乾燥", "干燥"),
    ("薴麻", "苎麻"),  # t2s twice (薴 -> 苧 -> 苎): converted until nothing changes
    ("丽", "丽"),  # CJK compatibility ideograph U+F9BE
    ("設備(含配件)", "设备(含配件)"),
    ("2.3 售後服務要求：", "2.3 售后服务要求："),
])
def test_traditional_to_simplified(text: str, expected: str) -> None:
    _ok(text, expected)


@pytest.mark.parametrize("text", [
    "投标人须提供不少于3年的免费质保期，质保期内提供7×24小时响应服务。",
    "★（一）售后服务要求：接到故障通知后2小时内响应，48小时内到达现场。",
    "乾坤",  # 乾 in a simplified word: OpenCC's phrase keeps it
    "于是，里面，后来，发展，干净，面条",
    "厂牌/型号 | 数量 | 单价（元）",
])
def test_simplified_text_is_untouched(text: str) -> None:
    assert clean(text) == text


# 2. Pinyin glosses after a CJK character are dropped; ordinary parentheses stay.
@pytest.mark.parametrize("text, expected", [
    ("時(shí)間", "时间"),
    ("響(xiǎng)應時(shí)間不超過(guò)2小時(shí))", "响应时间不超过2小时)"),
    ("服务(fú wù)", "服务"),
    ("服务（fú wù）期限", "服务期限"),
    ("时 (shí) 间", "时间"),
    ("时(shí)(jiān)", "时"),  # two glosses in a row both go
    ("女(nǚ)士", "女士"),
    ("质(zhi\u0301)量", "质量"),  # tone as a combining mark
    ("時\u200b(shí)間", "时间"),
])
def test_pinyin_glosses_dropped(text: str, expected: str) -> None:
    _ok(text, expected)


@pytest.mark.parametrize("text", [
    "质保期(含)三年",
    "（一）总则",
    "(一)总则",
    "条款(1)",
    "通过质量体系认证(ISO9001)",
    "服务(7×24)小时",
    "附件(a)",
    "服务(fu wu)",  # no tone mark: could be anything
    "Service (fú wù)",  # not after a CJK character
    "德国(Müller)公司",  # capitalised: not a gloss
    "(shí)开头",
])
def test_ordinary_parentheses_kept(text: str) -> None:
    assert clean(text) == text


# 3. Spaces from PDF layout inside words.
@pytest.mark.parametrize("text, expected", [
    ("48 小 时内到达", "48小时内到达"),
    ("售 后 服 务", "售后服务"),
    ("响 应", "响应"),
    ("质保期 3 年", "质保期3年"),
    ("第 3 条", "第3条"),
    ("12 个月", "12个月"),
    ("48 小时内到达", "48小时内到达"),
    ("质保期 ： 3年", "质保期：3年"),
    ("ISO 9001", "ISO 9001"),
    ("1 2", "1 2"),
    ("采用 ISO 9001 标准", "采用 ISO 9001标准"),
    ("Windows 10 专业版", "Windows 10专业版"),
    ("a\tb\t售后", "a\tb\t售后"),  # tabs separate cells in text input
    ("售 \n 后", "售 \n 后"),  # lines stay lines
    # an item number starting the line keeps its space (outline.py reads it as a heading)...
    ("1 总则", "1 总则"),
    ("3.2 售后服务", "3.2 售后服务"),
    ("★ 1 总则", "★ 1 总则"),
    ("前言\n2 售 后 服 务", "前言\n2 售后服务"),
    # ...but not a quantity (a unit follows)
    ("3 年质保", "3年质保"),
    ("前言\n12 个月", "前言\n12个月"),
])
def test_layout_spaces(text: str, expected: str) -> None:
    _ok(text, expected)


@pytest.mark.parametrize("text, expected", [
    ("★ | 质保期 | 3年", "★ | 质保期 | 3年"),
    ("★ | 质 保 期 | 3 年", "★ | 质保期 | 3年"),
    ("序号 | 售 后 服 务 | 响应时间（小时）", "序号 | 售后服务 | 响应时间（小时）"),
    ("a |  | b", "a |  | b"),  # an empty cell keeps its separators
    ("质保期 |   | 3年", "质保期 |  | 3年"),
    ("a   b", "a b"),
])
def test_table_rows_and_space_runs(text: str, expected: str) -> None:
    _ok(text, expected)


# 4. Full-width digits, letters and meaningful signs to ASCII; Chinese punctuation stays.
@pytest.mark.parametrize("text, expected", [
    ("３６个月", "36个月"),
    ("ＩＳＯ９００１", "ISO9001"),
    ("ｉｓｏ", "iso"),
    ("合格率≥９５％", "合格率≥95%"),
    ("１．５小时", "1.5小时"),
    ("厂牌／型号", "厂牌/型号"),
    ("＋－＜＞＝～", "+-<>=~"),
    ("1～3年", "1~3年"),
    ("a\u3000b", "a b"),
    ("a\u00a0b", "a b"),
    ("（），。；：、！？【】《》“”", "（），。；：、！？【】《》“”"),
    ("备注｜说明", "备注｜说明"),  # ｜ is never made into the cell separator
])
def test_full_width(text: str, expected: str) -> None:
    _ok(text, expected)


# 5. Zero-width characters, soft hyphens and unusual whitespace.
@pytest.mark.parametrize("text, expected", [
    ("售\u200b后\u200c服\u200d务", "售后服务"),
    ("\ufeff质保期", "质保期"),
    ("响\u2060应", "响应"),
    ("main\u00adtenance", "maintenance"),
    ("a\u2002b\u2009c\u200ad", "a b c d"),
    ("a \u3000 b", "a b"),
    ("a\u202fb", "a b"),
    ("售 \u200b 后", "售后"),
    ("a\t\tb", "a\t\tb"),
    ("", ""),
    ("   ", " "),
])
def test_invisible_and_odd_spaces(text: str, expected: str) -> None:
    _ok(text, expected)


# 6. Targeted mappings only: no NFKC.
@pytest.mark.parametrize("text", [
    "①质保期三年②响应时间",
    "⑴ 总则",
    "温度≤40℃，湿度≥20%",
    "★▲※■",
    "ｶﾀｶﾅ",
    "²³½™",
    "ﬁ",
])
def test_compatibility_forms_kept(text: str) -> None:
    assert clean(text) == text


@pytest.mark.parametrize("text", [
    "\ud800時間",  # lone surrogate: OpenCC cannot encode it, conversion goes around it
    "時\udfff間",
    "a\x00時間",
    "\U00020000\U0002f800時",
])
def test_odd_strings(text: str) -> None:
    out = clean(text)
    assert clean(out) == out
    assert len(out) <= len(text)


# Fuzz: hypothesis.
_DIRTY = st.text(
    alphabet=st.sampled_from(
        list("時間響應過廠牌號後乾隆薴苧燥丽\U0002f800售后服务时间质保期年小个月总则含一")
        + list("shíxiǎngguòfúwùnǚǎàa z ISO")
        + list("0123456789０１９ＡＺａｚ％＋－．／＜＝＞～｜|()（）,，。：、①★≤")
        + [" ", " ", "\t", "\n", "\u3000", "\u00a0", "\u2002", "\u200b", "\ufeff", "\u00ad",
           "\u0301", "\ud800"]),
    max_size=60,
)


@given(st.text())
@settings(max_examples=300)
def test_never_raises(text: str) -> None:
    assert isinstance(clean(text), str)


@given(st.one_of(st.text(), _DIRTY))
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@given(st.one_of(st.text(), _DIRTY))
@settings(max_examples=300)
def test_never_grows(text: str) -> None:
    assert len(clean(text)) <= len(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)).filter(lambda s: "  " not in s))
@settings(max_examples=300)
def test_plain_ascii_unchanged(text: str) -> None:
    assert clean(text) == text


@pytest.mark.parametrize("unit", [
    "售后服务要求：质保期三年，48小时内到达现场。\n",
    "響(xiǎng)應時(shí)間 不 超 過 ２小時 | ",
    "时(",
    "1 总",
    "  |",
    "時\ud800",
])
def test_linear_on_long_input(unit: str) -> None:
    # 300k characters of one pattern, repeated: any quadratic step would take minutes.
    text = unit * (300_000 // len(unit))
    start = time.perf_counter()
    clean(text)
    assert time.perf_counter() - start < 5
