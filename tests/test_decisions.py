"""The writer's decisions on the rows the check cannot decide: applied to the findings and the 偏离表,
required for a final chapter (the CLI refuses without them), dropped when their requirement is gone."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest

from bidkit import bidfile
from bidkit.check import check, deviation_rows, open_rows, stale_decisions
from bidkit.errors import BidkitError
from bidkit.model import MAX_RESPONSE_CHARS, Bid, Requirement, RowDecision
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"
AT = datetime(2026, 11, 29, 10, 25, tzinfo=timezone(timedelta(hours=8)))
# Nothing in the demo bid answers these: one ★ with a parameter of another dimension, one "other".
SUPPLY = Requirement(metric="spare_parts", op=">=", value=8, unit="year", mandatory=True,
                     text="★备品备件供应不少于8年", ref="第三章 二、12")
UPGRADE = Requirement(metric="other", op="present", text="中标人须在设备使用年限内免费升级软件", ref="第三章 二、13")



@pytest.fixture
def bid() -> Bid:
    bid = bidfile.read(DEMO)
    bid.requirements += [SUPPLY, UPGRADE]
    return bid


def decision(req: Requirement, status: str, response: str = "我公司保证停产后备件供应不少于10年", **extra) -> RowDecision:
    return RowDecision(requirement=req.text, metric=req.metric, ref=req.ref, status=status, response=response,
                       decided_by="王磊", decided_at=AT, **extra)


def test_rows_the_check_cannot_decide_are_open(bid, lib):
    result = check(bid, lib)
    assert [f.requirement.text for f in open_rows(result)] == [SUPPLY.text, UPGRADE.text]
    assert [r.status for r in deviation_rows(result)][-2:] == ["未响应", "需人工确认"]


@pytest.mark.parametrize("status, blocking", [("正偏离", False), ("无偏离", False), ("负偏离", True)])
def test_a_decision_sets_the_row(bid, lib, status, blocking):
    """The decided status, response and note reach the 偏离表; a ★ row decided 负偏离 still blocks."""
    bid.decisions = [decision(SUPPLY, status, note="见备件承诺函"), decision(UPGRADE, "无偏离", "免费升级")]
    result = check(bid, lib)
    assert not open_rows(result)
    row = deviation_rows(result)[-2]
    assert (row.status, row.response, row.note) == (status, "我公司保证停产后备件供应不少于10年", "见备件承诺函")
    finding = result.requirement_findings[-2]
    assert finding.blocking is blocking and "王磊" in finding.message and "2026年11月29日 10:25" in finding.message
    assert {r.status for r in deviation_rows(result)} <= {"正偏离", "无偏离", "负偏离"}


def test_a_decision_never_overrides_the_checks_verdict(bid, lib):
    """A decision on a row the check decides (the demo's ★ 3-year warranty, 正偏离) changes nothing."""
    warranty = bid.requirements[0]
    bid.decisions = [decision(warranty, "负偏离", "改写的响应")]
    first = deviation_rows(check(bid, lib))[0]
    assert first.status == "正偏离" and first.response != "改写的响应"


def test_a_placeholder_in_a_decided_response_blocks(bid, lib):
    bid.decisions = [decision(UPGRADE, "无偏离", "XX公司承诺免费升级")]
    assert any("XX" in f.message and f.blocking for f in check(bid, lib).findings)


def test_decisions_survive_the_bid_file_and_old_files_load(bid, tmp_path):
    bid.decisions = [decision(SUPPLY, "正偏离")]
    path = tmp_path / "bid.yaml"
    path.write_bytes(bidfile.to_yaml(bid))
    assert bidfile.read(path).decisions == bid.decisions
    assert bidfile.read(DEMO).decisions == []  # the demo file predates decisions


def test_a_response_over_the_limit_is_refused(bid, tmp_path):
    bid.decisions = [decision(SUPPLY, "正偏离")]
    path = tmp_path / "bid.yaml"
    path.write_text(bidfile.to_yaml(bid).decode("utf-8").replace(
        "我公司保证停产后备件供应不少于10年", "长" * (MAX_RESPONSE_CHARS + 1)), encoding="utf-8")
    with pytest.raises(BidkitError, match=f"over the {MAX_RESPONSE_CHARS}-character limit") as info:
        bidfile.read(path)
    assert info.value.line


@pytest.mark.parametrize("change, stale_to", [
    ({}, None),                                                           # unchanged: applies
    ({"text": "★备品备件供应不少于10年", "value": 10}, "★备品备件供应不少于10年"),  # reworded: invalidated
    (None, "gone"),                                                        # extracted again without it
])
def test_stale_decisions(bid, lib, change, stale_to):
    bid.decisions = [decision(SUPPLY, "正偏离")]
    if change is None:
        bid.requirements.remove(SUPPLY)
    else:
        bid.requirements[-2] = SUPPLY.model_copy(update=change)
    stale = stale_decisions(bid)
    if stale_to is None:
        assert stale == []
        return
    [(old, now)] = stale
    assert old.requirement == SUPPLY.text
    assert (now.text if now else "gone") == stale_to
    if now:  # the reworded requirement is open again: the old decision does not apply to it
        assert now.text in {f.requirement.text for f in open_rows(check(bid, lib))}


def _deviation_statuses(path: Path) -> list[str]:
    table = next(t for t in docx.Document(str(path)).tables if "偏离情况" in [c.text for c in t.rows[0].cells])
    column = [c.text for c in table.rows[0].cells].index("偏离情况")
    return [row.cells[column].text for row in table.rows[1:]]


def test_render_refuses_open_rows_without_draft(bid, tmp_path):
    """Exit 1 and one line with the count; --draft renders; once decided, the final renders clean."""
    bid.requirements[-2] = SUPPLY.model_copy(update={"mandatory": False, "text": "备品备件供应不少于8年"})
    path = tmp_path / "bid.yaml"
    path.write_bytes(bidfile.to_yaml(bid))
    out = tmp_path / "out.docx"
    p = run("render", str(path), "-o", str(out))
    assert p.returncode == 1 and not out.exists()
    assert p.stderr.count("\n") == 1 and "2 rows of the deviation table still need your decision" in p.stderr
    assert run("render", str(path), "-o", str(out), "--draft").returncode == 0
    assert {"未响应", "需人工确认"} <= set(_deviation_statuses(out))
    out.unlink()
    bid.decisions = [decision(bid.requirements[-2], "正偏离"), decision(UPGRADE, "无偏离", "免费升级")]
    path.write_bytes(bidfile.to_yaml(bid))
    p = run("render", str(path), "-o", str(out))
    assert p.returncode == 0, p.stderr
    statuses = _deviation_statuses(out)
    assert statuses[-2:] == ["正偏离", "无偏离"] and not {"未响应", "需人工确认"} & set(statuses)
