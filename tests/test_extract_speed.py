"""The cheap pre-checks that spare the extractor a regex call must turn down only what the
regex would: each is checked against the pattern it guards."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from bidkit.extract import extract_text
from bidkit.extract.blocks import _LABELISH_RE, Block, _labelish, _line_location, _make_block
from bidkit.extract.location import Location
from bidkit.extract.outline import BARE_LABEL_RE, PAGE_NUMBER_RE, is_page_number


@pytest.mark.parametrize("line", [
    "21", " 21 ", "- 51 -", "— 3 —", "–7", "第 3 页 共 9 页", "第3页", "第 3 页，共 9 页", "3/99", " 3 / 99 \t",
    "12345", "第3章", "质保期3年", "3年", "页", "-", "", "   ", "21\u3000", "\u300021", "21\x1c",
    "1. 总则", "第 3 页 共", "a3", "3a",
])
def test_is_page_number_agrees_with_its_pattern(line: str) -> None:
    assert is_page_number(line) == (PAGE_NUMBER_RE.match(line) is not None)


@pytest.mark.parametrize("text, metric, present", [
    # 立即响应: the mask words are found clause by clause once the block holds one.
    ("售后服务要求：\n1. 接到报修后立即响应，2小时内到达现场。", "response_time", True),
    # 维护 (an other-word) in the second clause only.
    ("售后服务要求：\n1. 设备验收后，乙方须负责日常维护。", "other", True),
    # A complaint block whose fault words stand in another clause.
    ("售后服务要求：\n1. 受理投诉后须及时处理，故障响应时间不超过10分钟。", "response_time", False),
])
def test_block_prechecks_keep_what_the_clauses_yield(text: str, metric: str, present: bool) -> None:
    reqs = extract_text(text)
    assert any(r.metric == metric and (r.op == "present") == present for r in reqs), reqs


@settings(max_examples=500)
@given(st.one_of(st.text(min_size=1), st.text(alphabet="0123456789１２３٣.()（）一二三四五六七八九十、 a章", min_size=1))
       .map(str.strip).filter(bool))
def test_labelish_agrees_with_its_pattern(line: str) -> None:
    assert _labelish(line) == (_LABELISH_RE.fullmatch(line) is not None)


@settings(max_examples=500)
@given(st.text(alphabet="0123456789１٣.()（）一二三四五六七八九十、 \u3000a章", min_size=1).map(str.strip).filter(bool))
def test_only_a_labelish_line_can_be_a_bare_label(line: str) -> None:
    """unwrapped tries BARE_LABEL_RE on labelish paragraphs only."""
    if BARE_LABEL_RE.match(line):
        assert _labelish(line)


def test_a_line_block_made_by_its_tuple_is_the_named_one() -> None:
    """text_blocks makes its blocks and locations by position (`_make`): the positions must stay
    the fields they stand for."""
    where = _line_location("t.txt", 7)
    assert where == Location("t.txt", line=7) and where.line == 7 and where.page is None
    assert _make_block(("质保期3年", "line", None, False, False, "", where)) == Block("质保期3年", where=where)
