"""Checking a bid: one finding per requirement, the bid's own contradictions, the deviation table."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bidkit import bidfile, library
from bidkit.check import check, deviation_rows
from bidkit.errors import BidError
from bidkit.model import Bid, ClauseChoice, Requirement, Where
from tests.conftest import demo_bid_with_warranty, library_with_clause
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"




def choice(bid: Bid, clause_id: str) -> ClauseChoice:
    return next(c for c in bid.clauses if c.id == clause_id)


def finding_for(result, metric: str, value=None):
    return next(f for f in result.requirement_findings
                if f.requirement.metric == metric and (value is None or f.requirement.value == value))


def test_demo_bid_passes(demo, lib):
    """The demo bid answers every requirement of the demo tender, none blocking."""
    result = check(demo, lib)
    assert result.blocking == []
    assert len(result.requirement_findings) == len(demo.requirements) >= 12
    assert {f.status for f in result.requirement_findings} <= {"正偏离", "无偏离"}


@pytest.mark.parametrize("offer,status,blocking", [
    ("2 year", "负偏离", True), ("36 month", "无偏离", False), ("3 year", "无偏离", False),
    ("5 year", "正偏离", False)])
def test_warranty_verdicts(demo, lib, offer, status, blocking):
    """Years and months compare exactly; a ★ requirement answered short blocks."""
    choice(demo, "warranty-period").params["warranty_period"] = offer
    f = finding_for(check(demo, lib), "warranty_period")
    assert (f.status, f.blocking) == (status, blocking)
    assert f.requirement.mandatory


def test_unanswered_requirement(demo, lib):
    """A requirement no chosen clause answers is 未响应, blocking when ★."""
    demo.clauses = [c for c in demo.clauses if c.id != "service-hours"]
    f = finding_for(check(demo, lib), "service_hours")
    assert f.status == "未响应" and f.blocking


def test_workdays_against_days_need_review(demo, lib):
    """5 working days against a 7-day requirement cannot be decided: 需人工确认, never a guess."""
    demo.requirements.append(Requirement(metric="replacement_time", op="<=", value=7, unit="day",
                                         mandatory=True, text="7天内更换", ref="x"))
    choice(demo, "defective-replacement").params["replacement_days"] = "5 workday"
    findings = [f for f in check(demo, lib).requirement_findings if f.requirement.text == "7天内更换"]
    assert findings[0].status == "需人工确认" and not findings[0].blocking


def test_present_requirement_needs_an_office(demo, lib):
    """A local-office requirement is met by the clause only when the bid lists an office."""
    assert finding_for(check(demo, lib), "local_office").status == "无偏离"
    demo.offices = []
    result = check(demo, lib)
    assert finding_for(result, "local_office").status == "负偏离"
    assert any(f.kind == "office" for f in result.findings)


def test_conflicting_clauses(demo, tmp_path):
    """Two clauses committing one metric to different values contradict each other (3年 vs 24个月)."""
    root = library_with_clause(tmp_path, "warranty-short", "  months: {label: 保修期, type: duration, "
                               "default: 24 month, metric: warranty_period}", "整机保修{{ months }}。")
    demo.clauses.append(ClauseChoice(id="warranty-short", version=1))
    result = check(demo, library.load(root))
    conflicts = [f for f in result.findings if f.kind == "conflict"]
    assert len(conflicts) == 1 and conflicts[0].blocking
    # the clauses are named by their titles, never their ids (issue 12, point 14)
    assert "“质保期承诺” v" in conflicts[0].message and "“整机保修” v1" in conflicts[0].message
    assert "24个月" in conflicts[0].message and "warranty" not in conflicts[0].message
    demo.clauses[-1].params["months"] = "60 month"
    assert not [f for f in check(demo, library.load(root)).findings if f.kind == "conflict"]


def test_clause_chosen_twice(demo, lib):
    """The same clause twice in one bid is refused, naming it."""
    demo.clauses.append(demo.clauses[0].model_copy())
    with pytest.raises(BidError, match="chosen twice"):
        check(demo, lib)


def test_staff_promise_needs_staff_rows(demo, lib):
    """Promising more staff than the bid lists is found."""
    demo.staff = demo.staff[:2]
    result = check(demo, lib)
    assert any(f.kind == "staff" and f.blocking for f in result.findings)


@pytest.mark.parametrize("where,value", [("bidder", "XX公司"), ("contact", "XXX"), ("hotline", "××××")])
def test_placeholders_in_bid_details(demo, lib, where, value):
    """XX, XXX and ×× left in the bid's details are blocking findings naming the field."""
    if where == "bidder":
        demo.bidder.name = value
    else:
        setattr(demo.bidder, where, value)
    result = check(demo, lib)
    assert any(f.kind == "placeholder" and f.blocking for f in result.findings)


def test_empty_parameter_and_bracket_placeholder(demo, lib):
    """An emptied parameter and a 【】 in a text value are reported with the clause."""
    office = choice(demo, "local-office")
    office.params["office_city"] = ""
    result = check(demo, lib)
    messages = [f.message for f in result.findings if f.kind == "placeholder"]
    assert any("“本地售后服务机构” v1" in m and "empty" in m for m in messages)
    office.params["office_city"] = "【】"
    assert any("【】" in f.message for f in check(demo, lib).findings)


def test_unapproved_version_blocks(demo, lib):
    """A draft version has not passed legal review."""
    c = choice(demo, "complaint-handling")
    c.version = 2
    c.params = {k: v for k, v in c.params.items() if k in lib.version("complaint-handling", 2).params}
    result = check(demo, lib)
    assert any(f.kind == "status" and f.blocking and "草稿" in f.message for f in result.findings)


def test_value_out_of_bounds(demo, lib):
    """A value beyond a parameter's bounds is blocking."""
    choice(demo, "response-time").params["response_time"] = "3 hour"
    result = check(demo, lib)
    assert any(f.kind == "bounds" and f.blocking for f in result.findings)


def test_control_characters_are_reported(demo, lib):
    """Characters XML forbids (from a Word paste) are found and said to be removed."""
    demo.bidder.address = "湛江市\x0b赤坎区"
    result = check(demo, lib)
    assert any(f.kind == "characters" and "bidder.address" in f.message for f in result.findings)


def test_deviation_rows_quote_the_chapter(demo, lib):
    """Each row quotes the rendered clause's own sentence, so table and chapter cannot disagree."""
    result = check(demo, lib)
    rows = deviation_rows(result)
    assert [r.number for r in rows] == list(range(1, len(demo.requirements) + 1))
    texts = {c.version.id: c.text for c in result.clauses}
    for row, finding in zip(rows, result.requirement_findings):
        assert row.response in texts[finding.clause_id]
        assert row.ref == finding.requirement.ref
        assert row.status == finding.status


@pytest.mark.parametrize("where, label", [
    (Where(file="t.pdf", page=7), "第7页"), (Where(file="t.docx", table=2, row=4), "表2第4行"),
    (Where(file="t.docx", paragraph=12), "第12段"), (Where(file="t.txt", line=15), "第15行"), (None, "")])
def test_a_row_without_an_item_number_names_where_it_stands(demo, lib, where, label):
    """招标文件条目号: the tender's own item number, else the place the writer can find it."""
    demo.requirements[0] = demo.requirements[0].model_copy(update={"ref": "", "where": where})
    assert deviation_rows(check(demo, lib))[0].ref == label


def test_a_supply_period_is_not_answered_by_a_delivery_time(demo, lib):
    """备品备件供应不少于8年 against the demo's 12-hour parts delivery: not the same dimension, so
    未响应 (blocking when ★), and the reason names both quantities, never 工作日."""
    demo.requirements.append(Requirement(metric="spare_parts", op=">=", value=8, unit="year", mandatory=True,
                                         text="★备品备件供应不少于8年"))
    finding = check(demo, lib).requirement_findings[-1]
    assert finding.status == "未响应" and finding.blocking
    assert "8年" in finding.message and "12小时" in finding.message and "工作日" not in finding.message


def test_unknown_clause_is_an_error(demo, lib):
    """A bid naming a clause or version that does not exist is a clear error."""
    demo.clauses.append(ClauseChoice(id="no-such-clause", version=1))
    with pytest.raises(BidError, match="no-such-clause"):
        check(demo, lib)


def test_cli_check_json_and_exit_codes(tmp_path):
    """check prints the JSON of DESIGN.md, exits 0 when clean and 1 when anything blocks."""
    p = run("check", str(DEMO), "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["blocking"] is False
    assert set(data["findings"][0]) == {"requirement", "status", "blocking", "offer", "message"}
    p = run("check", str(demo_bid_with_warranty(tmp_path, "1 year")))
    assert p.returncode == 1
    assert "BLOCKING 负偏离" in p.stdout


@pytest.mark.parametrize("content,expected", [
    ("", "is empty"),
    ("project: [\n", "YAML does not parse"),
    ("clauses:\n  - {id: warranty-period, version: 99}\n", "has no version 99"),
    ("clauses:\n  - {id: nothing-here, version: 1}\n", "'nothing-here' is not in the library"),
    ("clauses:\n  - {id: ../etc, version: 1}\n", "clauses.0.id"),
    ("requirements:\n  - {metric: warranty_period, op: '>=', value: 3}\n", "needs a unit"),
    ("requirement: []\n", "requirement: unknown field"),
])
def test_cli_check_bad_bid(tmp_path, content, expected):
    """Every bad bid file is one line on stderr and exit 2."""
    bad = tmp_path / "bid.yaml"
    bad.write_text(content, encoding="utf-8")
    p = run("check", str(bad))
    assert p.returncode == 2, p.stdout
    assert expected in p.stderr and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_other_requirements_never_block(demo, lib):
    """A ★ requirement without a comparable metric asks for a look, and never blocks on its own."""
    demo.requirements.append(Requirement(metric="other", op="present", mandatory=True,
                                         text="法定节假日及寒暑假期间不得中断服务", ref="第三章 二、5"))
    result = check(demo, lib)
    finding = result.requirement_findings[-1]
    assert finding.status == "需人工确认" and not finding.blocking
    assert result.blocking == []


def test_extracted_demo_tender_passes_with_the_standard_template(lib):
    """The demo tender as extracted, answered by the shipped standard template: nothing blocks."""
    from bidkit import extract, workspace
    from bidkit.model import Template
    template = bidfile.read(ROOT / "templates" / "学校教学设备-标准承诺.yaml", Template)
    bid = workspace.bid_from_template(template, Bid(requirements=extract.extract_file(ROOT / "examples/demo-tender.txt")))
    result = check(bid, lib)
    assert [f.message for f in result.blocking] == []
