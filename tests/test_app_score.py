"""评分自查 and 争取满分 on the compose page, the scoring rules and forms the tender page keeps from an
extraction, and the 暗标 switch, through AppTest."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit.model import MAX_SCORING_RULES, ScoreTier, ScoringRule

ROOT = Path(__file__).resolve().parent.parent
PASSAGE = (ROOT / "tests" / "extract_passages" / "13.txt").read_text(encoding="utf-8")
# a deviation form the tender prescribes, after its scoring rubric
FORM = "\n".join(["第四部分 投标文件格式", "一、售后服务偏离表", "| 序号 | 条目号 | 招标要求 | 投标响应 | 偏离情况 | 说明 |",
                  "| 1 | | | | | |"])

RULES = [
    # 12 years would earn all 9 points; the library allows at most 120 months: 10 years earn 7
    ScoringRule(kind="increment", metric="warranty_period", max_points=9, factor="质保期", base="3 year",
                step="1 year", step_points=1, text="质保期3年基础上每增加1年加1分，最高9分"),
    ScoringRule(kind="tiers", metric="response_time", max_points=2, factor="响应时间",
                tiers=[ScoreTier(op="<=", value=5, unit="minute", points=2),
                       ScoreTier(op="<=", value=10, unit="minute", points=1)], text="5分钟内响应得2分，10分钟内得1分"),
    ScoringRule(kind="subjective", metric="other", max_points=5, factor="售后服务方案", text="售后服务方案完善得0-5分"),
]


@pytest.fixture(autouse=True)
def folders(app_env: Path) -> Path:
    return app_env


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(name: str, rules: list[ScoringRule] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"pages/{name}.py")
    run(at)
    if rules is not None:
        at.session_state["bid"].scoring_rules = [r.model_copy() for r in rules]
        run(at)
    return at


def click(at: AppTest, key: str) -> AppTest:
    next(b for b in at.button if b.key == key).click()
    return run(at)


def frame(at: AppTest, column: str):
    """The table that has `column` (AppTest gives a plain table no id)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def table(at: AppTest) -> list[dict]:
    return frame(at, "得分/满分").to_dict("records")


def params(at: AppTest, clause_id: str) -> dict:
    return next(c for c in at.session_state["bid"].clauses if c.id == clause_id).params


def shown(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.success, *at.info])


def test_the_score_table_and_totals_are_in_chinese():
    at = page("compose", RULES)
    rows = table(at)
    assert [r["评分项"] for r in rows] == ["质保期", "响应时间", "售后服务方案"]
    assert [r["得分/满分"] for r in rows] == ["2 / 9", "0 / 2", "— / 5"]
    assert [r["可再得"] for r in rows] == ["7", "2", "—"]
    assert rows[0]["我方承诺"] == "5年"
    assert rows[0]["建议"] == "条款库允许的质保期最多120个月：改为10年可再得5分"
    assert rows[1]["建议"] == "响应时间改为5分钟可再得2分"
    assert rows[2]["建议"] == "由评委评定"
    assert "预计得分 2 / 满分 16，可再得 9（其中 5 分由评委评定）" in shown(at)


def test_a_rule_no_clause_answers_names_the_clause_to_add_by_title():
    at = page("compose", [ScoringRule(kind="tiers", metric="response_time", max_points=2, factor="响应时间",
                                      tiers=[ScoreTier(op="<=", value=5, unit="minute", points=2)])])
    bid = at.session_state["bid"]
    bid.clauses = [c for c in bid.clauses if c.id != "response-time"]
    run(at)
    advice = table(at)[0]["建议"]
    assert advice.startswith("加入条款“") and advice.endswith("”最多可再得2分")
    assert "response-time" not in advice


def test_earn_the_maximum_applies_only_allowed_values_and_each_change_undoes():
    at = page("compose", RULES)
    click(at, "score:best")
    dialog = shown(at)
    assert "- 质保期：5年 → 10年（+5分）" in dialog and "- 响应时间：30分钟 → 5分钟（+2分）" in dialog
    assert "预计得分 2 → 9 / 满分 16" in dialog
    click(at, "confirm:yes")
    assert params(at, "warranty-period")["warranty_period"] == "10 year"  # never the 12 years out of bounds
    assert params(at, "response-time")["response_time"] == "5 minute"
    assert "已修改 2 项，预计得分 9 / 满分 16" in shown(at)
    assert [r["得分/满分"] for r in table(at)] == ["7 / 9", "2 / 2", "— / 5"]

    click(at, "score:undo:0")  # the warranty back; the response time kept
    assert params(at, "warranty-period")["warranty_period"] == "5 year"
    assert params(at, "response-time")["response_time"] == "5 minute"
    assert "已撤销：质保期恢复为5年" in shown(at)
    assert [b.key for b in at.button if b.key.startswith("score:undo:")] == ["score:undo:0"]

    click(at, "undo:compose")  # the page's own 撤销 takes the whole change back
    assert params(at, "response-time")["response_time"] == "30 minute"
    assert not [b for b in at.button if b.key.startswith("score:undo:")]


def test_earn_the_maximum_says_when_nothing_more_can_be_earned():
    at = page("compose", RULES[2:])
    click(at, "score:best")
    assert "条款库允许的范围内已无法再得分" in shown(at)
    assert "confirm_pending" not in at.session_state


def test_the_anonymous_switch_sets_the_bid():
    at = page("compose")
    assert not at.session_state["bid"].anonymous
    next(c for c in at.checkbox if c.label.startswith("暗标")).check()
    run(at)
    assert at.session_state["bid"].anonymous


def extract(at: AppTest, text: str, mode: str) -> AppTest:
    at.text_area[0].set_value(text)
    next(r for r in at.radio if r.key == "tender:mode").set_value(mode)
    run(at)
    click(at, "tender:extract")
    if "confirm_pending" in at.session_state:
        click(at, "confirm:yes")
    return at


def test_the_tender_page_keeps_the_rules_and_forms_and_appending_twice_keeps_one_copy():
    tender = PASSAGE + "\n" + FORM
    at = extract(page("tender"), tender, "replace")
    bid = at.session_state["bid"]
    assert [r.factor for r in bid.scoring_rules] == ["质保期", "响应时间", "驻场人员"]
    assert [(f.title, f.chosen) for f in bid.forms] == [("售后服务偏离表", True)]
    rules = frame(at, "评分标准")
    assert list(rules.columns) == ["评分项", "类型", "分值", "评分标准", "出处"]
    assert list(rules["分值"]) == ["3", "2", "2"]
    assert rules["出处"][0] == "第10行"
    forms = frame(at, "用于我方偏离表")
    assert forms.to_dict("records")[0]["用于我方偏离表"] == "✓"

    extract(at, tender, "append")
    extract(at, tender, "append")
    bid = at.session_state["bid"]
    assert len(bid.scoring_rules) == 3 and len(bid.forms) == 1

    pick = next(s for s in at.selectbox if s.label == "我方偏离表采用的格式")
    pick.set_value(-1)  # 不采用
    run(at)
    assert not at.session_state["bid"].forms[0].chosen


def test_appending_over_the_rule_limit_says_so_and_keeps_the_bid():
    at = page("tender", RULES[:1] * MAX_SCORING_RULES)
    before = list(at.session_state["bid"].requirements)
    extract(at, PASSAGE, "append")
    assert any("加上已有的评分项共 203 项，超过每份投标 200 项的上限" in e.value for e in at.error)
    bid = at.session_state["bid"]
    assert len(bid.scoring_rules) == MAX_SCORING_RULES and bid.requirements == before
