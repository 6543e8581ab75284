"""Scoring rules (评分标准) read into typed rules: every form real tenders use, and every real
after-sales scoring row of the development corpus (../shared/tenders)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bidkit.extract import extract_scoring, read_tender, text_blocks
from bidkit.extract.score_rules import parse_rule
from bidkit.model import Bid, ScoringRule

ROOT = Path(__file__).resolve().parent.parent
TENDERS = ROOT.parent / "shared" / "tenders"


def rules_of(text: str) -> list[ScoringRule]:
    return extract_scoring(text_blocks(text.splitlines()))


# (text, kind, metric, max, what else the rule must say)
FORMS = [
    ("| 1 | 响应时间 | 3 | 响应时间≤1小时得3分，≤2小时得2分，其余不得分 |", "tiers", "response_time", 3,
     {"tiers": [("<=", 1, "hour", 3), ("<=", 2, "hour", 2)]}),
    ("| 2 | 质保期 | 3分 | 质保期在满足招标要求基础上每增加1年加1分，最高3分 |", "increment", "warranty_period", 3,
     {"base": None, "step": "1 year", "step_points": 1}),
    ("质保期在3年基础上每增加1年加1分，最高2分；仅满足3年或未明确响应的不得分", "increment", "warranty_period", 2,
     {"base": "3 year", "base_points": 0}),
    ("| 质保期 | 5 | 质保期满足3年的得2分，每增加1年加1分，最多加3分 |", "increment", "warranty_period", 5,
     {"base": "3 year", "base_points": 2}),
    ("(1)质保期（3分）：免费维护期3年的得1分，每增加1年加1分，最高3分。", "increment", "warranty_period", 3,
     {"base": "3 year", "base_points": 1}),
    ("| 到场时间 | 2 | 在满足招标要求的基础上，到场时间每缩短1小时加1分，最高2分 |", "increment", "onsite_arrival", 2,
     {"down": True}),
    ("| 本地服务 | 2 | 在项目所在地设有售后服务机构的得2分 |", "presence", "local_office", 2, {}),
    ("| 人员 | 2 | 每配备1名持证工程师得0.5分，最高2分 |", "count", "engineer_count", 2,
     {"step": "1 person", "step_points": 0.5, "base": "0 person"}),
    ("(3)驻场人员（2分）：驻场工程师每增加1名加1分，最高2分。", "count", "staff_count", 2, {"base": None}),
    ("| 售后服务方案 | 5 | 售后服务方案完善得0-5分 |", "subjective", "other", 5, {}),
    ("| 售后服务方案 | 6 | 根据售后服务方案的完整性、可行性、响应时间等综合评审：优得5分，良得3分，一般得1分 |",
     "subjective", "other", 6, {}),
    ("| 售后服务 | 4分 | 承诺24小时内上门维修的得2分；承诺12小时内上门维修的得4分 |", "tiers", "onsite_arrival", 4,
     {"tiers": [("<=", 24, "hour", 2), ("<=", 12, "hour", 4)]}),
    ("| 应急响应 | 承诺紧急故障到场时间在30分钟以内的得2分，30分钟-1小时得1分 | 2 |", "tiers", "response_time", 2,
     {"tiers": [("<=", 30, "minute", 2), ("<=", 1, "hour", 1)]}),
    ("| 培训 | 2 | 承诺培训时间超过3天的得2分，2-3天的得1分，其余不得分 |", "tiers", "training", 2,
     {"tiers": [(">", 3, "day", 2), (">=", 2, "day", 1)]}),
    ("| 备品备件 | 3 | 承诺备品备件24小时内到位的得3分，48小时内到位的得1分 |", "tiers", "spare_parts", 3, {}),
]


@pytest.mark.parametrize("text, kind, metric, most, more", FORMS, ids=[f[0][:18] for f in FORMS])
def test_rule_forms(text, kind, metric, most, more):
    rules = rules_of(text)
    assert len(rules) == 1, rules
    rule = rules[0]
    assert (rule.kind, rule.metric, rule.max_points) == (kind, metric, most)
    for field, want in more.items():
        got = getattr(rule, field)
        if field == "tiers":
            got = [(t.op, t.value, t.unit, t.points) for t in got]
        assert got == want, field
    assert rule.text and rule.where is not None and rule.where.line == 1


@pytest.mark.parametrize("text", [
    "| 3 | 同类项目业绩 | 4 | 每提供1个有效业绩得1分，最高4分 |",
    "| 4 | 企业资质 | 1 | 具有ISO9001质量管理体系认证得1分 |",
    "2.等于基准价得30分；每高1%扣1分，每低1%加0.5分（最高35分）。",
    "| 5 | 注册资本 | 3 | 注册资本1000万元以上得3分，500万-1000万元得2分，其余得1分 |",
    "质保期不少于3年，7×24小时响应。",
])
def test_not_after_sales_scoring(text):
    assert rules_of(text) == []


def test_judged_rubric_over_several_lines_is_one_rule():
    text = ("评委会根据投标人制定的售后服务方案进行评分，本小项满分 5 分：\n"
            "（1）方案详实，能充分保证售后保障的，得 5 分；\n（2）方案较详细的，得 3 分；\n（3）差或未提供的不得分。")
    rules = rules_of(text)
    assert [(r.kind, r.max_points) for r in rules] == [("subjective", 5)]


def test_rule_text_kept_as_evidence_of_a_row():
    rule = parse_rule("1|质保期|2分|质保期在3年基础上每增加1年加1分，最高2分", ref="1")[0]
    assert rule.factor == "质保期" and rule.ref == "1" and "每增加1年加1分" in rule.text


def test_old_bid_loads_with_no_rules_and_rules_round_trip():
    assert Bid.model_validate({"project": "x"}).scoring_rules == []
    rules = rules_of("| 响应时间 | 3 | 响应时间≤1小时得3分，≤2小时得2分 |")
    bid = Bid(scoring_rules=rules)
    assert Bid.model_validate(bid.model_dump(mode="json", exclude_none=True)) == bid


@pytest.mark.parametrize("data, words", [
    ({"kind": "tiers", "metric": "response_time", "max_points": 3}, "at least one tier"),
    ({"kind": "increment", "metric": "warranty_period", "max_points": 3}, "'step'"),
    ({"kind": "increment", "metric": "warranty_period", "max_points": 3, "step": "many", "step_points": 1}, "step"),
    ({"kind": "subjective", "metric": "other", "max_points": 1e9}, "1000"),
    ({"kind": "tiers", "metric": "response_time", "max_points": 3,
      "tiers": [{"op": "<=", "value": 1, "unit": "hour", "points": 1}] * 21}, "20"),
])
def test_bad_rules_in_a_bid_file_are_refused(data, words):
    with pytest.raises(ValueError, match=words):
        ScoringRule.model_validate(data)


# Every after-sales scoring row of the corpus (the `scoring:` fields of the expected files):
# (file, words of the row, kind, maximum). 17 rows in 9 files.
REAL_ROWS = [
    ("passages/07.txt", "服务制度", "subjective", 2), ("passages/07.txt", "零部件", "subjective", 2),
    ("passages/11.txt", "售后服务方案", "subjective", 5), ("passages/11.txt", "培训方案", "subjective", 5),
    ("passages/22.txt", "质保及售后", "subjective", 7),
    ("passages/39.txt", "售后服务情况", "subjective", 5),
    ("passages/42.txt", "电工证", "count", 2.5), ("passages/42.txt", "登高证", "count", 2.5),
    ("passages/42.txt", "专职安全生产管理人员得0.4分", "count", 2),
    ("passages/42.txt", "技术人员得0.3分", "count", 3),
    ("documents/D1.pdf", "售后服务方案", "subjective", 5), ("documents/D1.pdf", "培训方案", "subjective", 5),
    ("documents/D3.pdf", "服务制度", "subjective", 2), ("documents/D3.pdf", "零部件", "subjective", 2),
    ("documents/D4.docx", "质保及售后", "subjective", 7),
    ("documents/D5.docx", "服务方案", "subjective", 42), ("documents/D5.docx", "服务人员要求", "subjective", 20),
]
_CACHE: dict[str, list[ScoringRule]] = {}


@pytest.mark.skipif(not TENDERS.is_dir(), reason="the development corpus ../shared/tenders is not checked out")
@pytest.mark.parametrize("name, words, kind, most", REAL_ROWS, ids=[f"{r[0]}-{r[1]}" for r in REAL_ROWS])
def test_real_scoring_rows(name, words, kind, most):
    if name not in _CACHE:
        _CACHE[name] = extract_scoring(read_tender(TENDERS / name))
    found = [r for r in _CACHE[name] if words in r.text.replace(" ", "")]
    assert any((r.kind, r.max_points) == (kind, most) for r in found), [(r.kind, r.max_points, r.text[:40]) for r in found]
    assert all(r.where is not None and r.where.file == Path(name).name for r in found)


def test_a_row_scoring_several_metrics_is_a_rule_each():
    """One row, three metrics in turn: each its own rule, capped by its own words, not the row's 10."""
    rules = parse_rule("1 | 售后服务 | 10 | 质保期在3年基础上每增加1年得2分，最多得4分；"
                       "响应时间≤1小时得3分，≤2小时得1分；本地设有服务机构得3分")
    assert [(r.kind, r.metric, r.max_points, r.factor) for r in rules] == [
        ("increment", "warranty_period", 4.0, "售后服务"), ("tiers", "response_time", 3.0, "售后服务"),
        ("presence", "local_office", 3.0, "售后服务")]
    assert rules[1].text == "响应时间≤1小时得3分，≤2小时得1分"
    # a judged piece: the panel scores the row as a whole
    judged = parse_rule("2 | 售后服务 | 8 | 售后服务方案完善得5分；本地设有服务机构得3分")
    assert [(r.kind, r.max_points) for r in judged] == [("subjective", 8.0)]
