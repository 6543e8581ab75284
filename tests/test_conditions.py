"""附加条件 (hedges and added conditions in clause text) and rows answered only by text."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bidkit import bidfile, library, templating
from bidkit.check import check, open_rows
from bidkit.commitments import bid_variables
from bidkit.conditions import HEDGES, find_conditions
from bidkit.model import Bid, ClauseChoice, Requirement, RowDecision
from tests.conftest import DEMO_BID, library_with_clause, shipped


@pytest.mark.parametrize("text,words", [
    ("质保期内更换零部件另行收费。", ["另行收费"]),
    ("上门服务的差旅费用另计。", ["费用另计"]),
    ("质保期内维修按次收取服务费用。", ["收取服务费用"]),
    ("不能在现场修复的，另行收费。", ["另行收费"]),
    ("原则上2小时内到达现场。", ["原则上"]),
    ("视情况安排工程师上门。", ["视情况"]),
    ("我公司将尽量在24小时内修复。", ["尽量"]),
    ("力争当天修复，争取不影响教学。", ["力争", "争取"]),
    ("如有需要，我公司提供备用机。", ["如有需要"]),
    ("一般情况下30分钟内响应。", ["一般情况下"]),
    ("故障原因以我公司工程师的检测结果为准。", ["以我公司工程师的检测结果为准"]),
    ("运输途中的损失我方不承担。", ["不承担"]),
    ("耗材及易损件除外。", ["除外"]),
])
def test_hedges_are_found(text, words):
    assert [c.words for c in find_conditions(text)] == words


@pytest.mark.parametrize("text", [
    "质保期内提供免费上门服务，不另行收费。",  # negated: a clean promise
    "质保期内我公司提供的各项售后服务均不向采购人收取任何费用。",
    "质保期内免费维修，不收取任何费用。",
    "质保期满后，备品备件按成本价收取费用。",  # after the warranty a fee is allowed
    "因采购人使用不当造成的损坏，我公司同样维修，仅收取零部件成本费用。",
    "上述服务采购人不承担任何费用。",  # the buyer bears nothing: a promise
    "具体培训时间由双方协商确定。",
    "我公司在2小时内到达现场，24小时内修复。",
])
def test_clean_promises_are_not_flagged(text):
    assert find_conditions(text) == []


def test_a_fee_after_the_warranty_is_allowed_by_the_paragraph_or_the_title():
    """维修所需零部件按成本价提供，按优惠价收取人工费: after the warranty, said in another sentence
    of the paragraph or in the clause title (质保期外维修服务), a fee is no condition."""
    fee = "维修所需零部件按成本价提供，按优惠价收取人工费。"
    assert [c.words for c in find_conditions(fee)] == ["收取人工费"]
    assert find_conditions("质保期满后，我公司继续提供维修服务。" + fee) == []
    assert find_conditions(fee, title="质保期外维修服务") == []


def test_every_hedge_says_why():
    assert all(h.reason and h.words for h in HEDGES)


def _renderings(version):
    """The version's text with its defaults and with each yes/no and choice value switched."""
    names = [n for n, s in version.params.items() if s.type in ("bool", "choice")]
    options = [[True, False] if version.params[n].type == "bool" else version.params[n].choices for n in names]
    defaults = {n: s.parse_value(s.default) for n, s in version.params.items() if s.default is not None}
    variables = bid_variables(bidfile.read(DEMO_BID))
    for combo in itertools.islice(itertools.product(*options), 64):
        yield version.title, templating.render(version.text, {**variables, **defaults, **dict(zip(names, combo))})


def test_starter_library_is_clean_of_conditions():
    """No shipped clause version, rendered with its defaults or any yes/no or choice value, hedges."""
    lib = library.load(shipped() / "clause_library", use_cache=False)
    found = [(entry.id, v.version, c.words) for entry in lib.clauses.values() for v in entry.versions.values()
             for title, text in _renderings(v) for c in find_conditions(text, title)]
    assert found == []


def _lib_with(tmp_path: Path, text: str, metric: str | None):
    spec = f", metric: {metric}" if metric else ""
    return library.load(library_with_clause(tmp_path, "hedged-clause",
                                            f"  note: {{label: 说明, type: text, default: 无{spec}}}", text),
                        use_cache=False)


@pytest.mark.parametrize("metric,blocking", [("warranty_period", True), (None, False)])
def test_condition_blocks_on_a_starred_clause_and_warns_elsewhere(tmp_path, metric, blocking):
    """The demo's ★ 质保期 is answered by a clause whose filled-in value hedges: blocking; the same
    words in a clause answering no ★ requirement: a warning. The value, not the template, says it."""
    lib = _lib_with(tmp_path, "'质保服务：{{ note }}。'", metric)
    bid = bidfile.read(DEMO_BID)
    bid.clauses.append(ClauseChoice(id="hedged-clause", version=1, params={"note": "原则上免费"}))
    found = [f for f in check(bid, lib).findings if f.kind == "condition"]
    assert [(f.status, f.blocking, f.offer) for f in found] == [("附加条件", blocking, "原则上")]
    assert found[0].message.startswith("整机保修：“质保服务：原则上免费。”中的“原则上”——“原则上”使承诺可以不兑现")
    assert ("导致废标" in found[0].message) is blocking


def test_a_row_answered_only_by_text_needs_the_writers_confirmation(tmp_path):
    """无偏离 comes only from a comparison: a present requirement answered by a sentence the writer
    typed is open until the writer confirms it by name, and the final chapter waits for it."""
    lib = _lib_with(tmp_path, "'{{ note }}'", "spare_parts")
    req = Requirement(metric="spare_parts", op="present", mandatory=True, text="★须提供备品备件库")
    bid = Bid(requirements=[req], clauses=[ClauseChoice(id="hedged-clause", version=1,
                                                        params={"note": "设有备品备件库"})])
    result = check(bid, lib)
    assert [f.status for f in open_rows(result)] == ["需人工确认"]
    bid.decisions = [RowDecision(requirement=req.text, metric="spare_parts", status="无偏离", response="设有备品备件库",
                                 decided_by="李明", decided_at=datetime(2026, 11, 29, tzinfo=timezone.utc))]
    result = check(bid, lib)
    assert open_rows(result) == [] and result.requirement_findings[0].decision.decided_by == "李明"
    assert result.requirement_findings[0].status == "无偏离"
