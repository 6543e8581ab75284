"""The score estimate (评分自查): points per rule against the bid's committed values, the value that
would earn the rest within the library's bounds, best_values, and the check command's output."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bidkit import cli, library
from bidkit.extract import extract_scoring, text_blocks
from bidkit.score import best_values, score
from tests.conftest import library_with_clause

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"




def rules(text):
    return extract_scoring(text_blocks(text.splitlines()))


def with_value(bid, clause_id, param, value):
    clauses = [c.model_copy(update={"params": {**c.params, param: value}}) if c.id == clause_id else c
               for c in bid.clauses]
    return bid.model_copy(update={"clauses": clauses})


# the demo bid promises 5年 warranty, 30分钟 response, 2小时 arrival, 8 staff, 5 engineers, an office in 湛江市
CASES = [
    ("| 质保期 | 3 | 质保期在满足招标要求基础上每增加1年加1分，最高3分 |", 2, 3, "5年", None),  # base: the ★ 3年
    ("| 质保期 | 3 | 质保期在3年基础上每增加1年加1分，最高3分 |", 2, 3, "5年", "6年"),
    ("| 响应时间 | 3 | 响应时间≤15分钟得3分，≤30分钟得2分，其余不得分 |", 2, 3, "30分钟", "15分钟"),
    ("| 响应时间 | 3 | 响应时间≤10分钟得3分，其余不得分 |", 0, 3, "30分钟", "10分钟"),
    ("| 到场 | 2 | 在满足招标要求的基础上，到场时间每缩短1小时加1分，最高2分 |", 0, 2, "2小时", None),
    ("| 本地 | 2 | 在项目所在地设有售后服务机构的得2分 |", 2, 2, "湛江市", None),
    ("| 工程师 | 2 | 每配备1名持证工程师得0.5分，最高2分 |", 2, 2, "5人", None),
    ("| 人员 | 3 | 在满足招标要求基础上每增加1名售后服务人员加1分，最高3分 |", 2, 3, "8人", "9人"),
    ("| 方案 | 5 | 售后服务方案完善得0-5分 |", None, 5, "", None),
]


@pytest.mark.parametrize("text, earned, most, offer, proposed", CASES, ids=[c[0][:14] for c in CASES])
def test_points_against_the_demo_bid(demo, lib, text, earned, most, offer, proposed):
    result = score(demo, lib, rules(text))
    row = result.rules[0]
    assert (row.earned, row.rule.max_points, row.offer) == (earned, most, offer)
    assert row.to_gain == (None if earned is None else most - earned)
    if proposed:
        assert row.suggestion.allowed and row.suggestion.value == proposed
        assert row.suggestion.gain == most - earned


def test_the_arrival_base_is_the_tenders_requirement(demo, lib):
    """每缩短1小时 counts down from the tender's own 2小时: 1小时 earns 1, 0小时 is never proposed."""
    rule = rules("| 到场 | 2 | 在满足招标要求的基础上，到场时间每缩短1小时加1分，最高2分 |")
    assert score(with_value(demo, "onsite-arrival", "onsite_arrival", "1 hour"), lib, rule).earned == 1


def test_no_base_anywhere_is_said_not_guessed(demo, lib):
    bid = demo.model_copy(update={"requirements": []})
    row = score(bid, lib, rules("| 质保期 | 3 | 质保期在满足招标要求基础上每增加1年加1分，最高3分 |")).rules[0]
    assert (row.status, row.earned, row.to_gain) == ("no-base", None, None)


def test_a_value_out_of_bounds_is_named_not_proposed(demo, tmp_path):
    root = library_with_clause(tmp_path, "capped-warranty",
                               "  months: {label: 保修期, type: duration, default: 3 year, max: 4 year, "
                               "metric: warranty_period}", "保修期{{ months }}。")
    lib = library.load(root, use_cache=False)
    bid = demo.model_copy(update={"clauses": [c for c in demo.clauses if c.id != "warranty-period"]})
    bid = bid.model_copy(update={"clauses": bid.clauses + [
        bid.clauses[0].model_copy(update={"id": "capped-warranty", "version": 1, "params": {"months": "3 year"}})]})
    text = "| 质保期 | 3 | 质保期在3年基础上每增加1年加1分，最高3分 |"
    row = score(bid, lib, rules(text)).rules[0]
    assert row.earned == 0
    hint = row.suggestion
    assert (hint.allowed, hint.value, hint.bound, hint.bound_kind, hint.gain) == (False, "6年", "4年", "max", 3)
    assert "but the library allows at most 4年" in hint.text()
    best = best_values(bid, lib, rules(text))
    assert [(c.clause_id, c.new) for c in best.changes] == [("capped-warranty", "4年")]
    assert (best.earned_before, best.earned_after, best.max) == (0, 1, 3)
    assert bid.clauses[-1].params == {"months": "3 year"}  # the bid given is not changed


def test_best_values_earns_the_maximum_with_the_least_change(demo, lib):
    text = ("| 响应时间 | 3 | 响应时间≤15分钟得3分，≤20分钟得2分 |\n"
            "| 质保期 | 3 | 质保期在3年基础上每增加1年加1分，最高3分 |\n| 方案 | 5 | 售后服务方案完善得0-5分 |")
    best = best_values(demo, lib, rules(text))
    assert sorted((c.param, c.old, c.new) for c in best.changes) == [
        ("response_time", "30分钟", "15分钟"), ("warranty_period", "5年", "6年")]
    assert (best.earned_before, best.earned_after, best.max) == (2, 6, 11)
    assert score(best.bid, lib, rules(text)).earned == 6


def test_no_change_that_earns_nothing_or_lowers_a_promise(demo, lib):
    best = best_values(demo, lib, rules("| 质保期 | 2 | 质保期在3年基础上每增加1年加1分，最高2分 |"))
    assert best.changes == [] and best.earned_after == best.earned_before == 2


def test_a_rule_no_clause_answers_points_to_a_clause(demo, lib):
    bid = demo.model_copy(update={"clauses": [c for c in demo.clauses if c.id != "response-time"]})
    row = score(bid, lib, rules("| 响应时间 | 3 | 响应时间≤15分钟得3分 |")).rules[0]
    assert (row.status, row.earned) == ("no-offer", 0)
    assert row.suggestion is None or row.suggestion.code == "add-clause"


def _bid_file(tmp_path, text):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["scoring_rules"] = [r.model_dump(mode="json", exclude_none=True) for r in rules(text)]
    path = tmp_path / "bid.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_check_json_and_text_carry_the_score(tmp_path, capsys):
    path = _bid_file(tmp_path, "| 响应时间 | 3 | 响应时间≤15分钟得3分，≤30分钟得2分 |\n| 方案 | 5 | 售后服务方案完善得0-5分 |")
    lib = str(ROOT / "clause_library")
    assert cli.main(["check", str(path), "--library", lib, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)["score"]
    assert (data["earned"], data["max"]) == (2, 8)
    first = data["rules"][0]
    assert {k: first[k] for k in ("rule", "offer", "earned", "max", "to_gain")} == {
        "rule": "响应时间", "offer": "30分钟", "earned": 2, "max": 3, "to_gain": 1}
    assert first["evidence"]["where"] == {"file": "", "line": 1} or first["evidence"]["text"]
    assert data["rules"][1]["earned"] is None
    assert cli.main(["check", str(path), "--library", lib]) == 0
    out = capsys.readouterr().out
    assert "score 2 of 8, 6 left" in out and "set 响应时间 (response-time) to 15分钟 to earn 1 more point" in out


def test_check_of_a_bid_without_rules_prints_no_table(capsys):
    assert cli.main(["check", str(DEMO), "--library", str(ROOT / "clause_library"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == {"earned": 0, "max": 0, "rules": []}
    cli.main(["check", str(DEMO), "--library", str(ROOT / "clause_library")])
    assert "score" not in capsys.readouterr().out
