"""Work that grows with the input, never with its square: a tender in one long line, a line full
of one construct, a bid of thousands of commitments. Work is counted (Python lines run, values
compared), never timed; bench/run.py times them (extract_long_line, check_conflicts_10k)."""
from __future__ import annotations

import random
import sys
from itertools import combinations

import pytest

from bidkit import check
from bidkit.commitments import Commitment
from bidkit.extract import extract_text, requirements_json
from bidkit.extract.blocks import MAX_BLOCK_CHARS
from bidkit.quantity import Quantity, ServiceHours, Verdict, compare

# Sentences of a tender, each ending its line with 。 and holding no other sentence end, so that
# one line of them cut at its sentences gives the same lines.
SENTENCES = [
    "一、售后服务要求。",
    "1.★质保期不少于{n}年，质保期内免费维修。",
    "2.接到报修后{n}分钟内响应，{m}小时内到达现场，24小时内修复，否则按无效投标处理。",
    "3.维修时间超过{n}天的，须提供同档次的备用设备。",
    "4.供应商须在本地设立售后服务网点，配备不少于{n}名专职工程师。",
    "5.提供7×24小时服务热线，每季度巡检一次。",
    "二、培训要求。",
    "（1）对采购人技术人员进行不少于{n}天的操作培训。",
    "（2）岗位配置为{m}个，保安{n}人。",
    "故障修复时限：详见考核管理办法。",
]


def _sentences(count: int) -> list[str]:
    rnd = random.Random(count)
    return [SENTENCES[i % len(SENTENCES)].format(n=rnd.randint(1, 9), m=rnd.randint(2, 48)) for i in range(count)]


def _without_where(reqs) -> list[dict]:
    rows = requirements_json(reqs)["requirements"]
    return [{k: v for k, v in row.items() if k != "where"} for row in rows]


def test_a_long_line_reads_as_the_same_text_broken_at_its_sentences() -> None:
    lines = _sentences(800)
    line = "".join(lines)
    assert len(line) > 3 * MAX_BLOCK_CHARS
    broken = _without_where(extract_text("\n".join(lines)))
    assert len(broken) > 20
    assert _without_where(extract_text(line)) == broken


def _work(text: str) -> int:
    """Python lines run by extract_text(text), once the caches that outlive a call are warm."""
    extract_text(text)
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        extract_text(text)
    finally:
        sys.settrace(None)
    return count


def _line_of(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("unit, size", [
    # a clause pointing elsewhere after a colon, many times in one paragraph
    ("故障修复时限：详见考核管理办法，", 1_200),
    # posts counted as people (岗位…个) among many quantities
    ("岗位配置为4个，保安3人，", 1_200),
    # a tender's sentences in one line, far longer than a block
    ("".join(SENTENCES).format(n=3, m=12), 4 * MAX_BLOCK_CHARS),
], ids=["pointers", "posts", "tender in one line"])
def test_extraction_work_grows_linearly(unit: str, size: int) -> None:
    small, large = _work(_line_of(unit, size)), _work(_line_of(unit, 4 * size))
    assert large < 5 * small, (small, large)


# --------------------------------------------------------------------- conflicts in a bid

def _pairwise(commitments: list[Commitment]) -> list[tuple[str, str, str]]:
    """The definition: every pair of clauses committing one metric to values that differ."""
    out = []
    for a, b in combinations(commitments, 2):
        if a.metric != b.metric or a.clause_id == b.clause_id or a.metric == "other":
            continue
        if isinstance(a.value, Quantity) and isinstance(b.value, Quantity):
            differ = a.value.comparable_with(b.value) and compare(a.value, b.value, "==") != Verdict.EQUAL
        else:
            differ = type(a.value) is type(b.value) and a.value != b.value
        if differ:
            out.append((b.clause_id, f"{a.offer} / {b.offer}",
                        f"{a.ref} 承诺{a.label}{a.offer}，而 {b.ref} 承诺{b.offer}，前后矛盾"))
    return out


VALUES = [Quantity(1, "year"), Quantity(12, "month"), Quantity(24, "month"), Quantity(2, "hour"),
          Quantity(120, "minute"), Quantity(0.1, "hour"), Quantity(6, "minute"), Quantity(3, "day"),
          Quantity(3, "workday"), Quantity(3, "person"), ServiceHours(7, 24), ServiceHours(5, 8), "有", "无",
          True, False]


@pytest.mark.parametrize("seed", range(40))
def test_conflicts_are_every_pair_that_differs_in_order(seed: int) -> None:
    rnd = random.Random(seed)
    commitments = [Commitment(rnd.choice(["warranty_period", "response_time", "other"]), rnd.choice(VALUES),
                              f"clause-{rnd.randint(0, 9)}", 1, "p", "质保期") for _ in range(rnd.randint(0, 40))]
    findings = check.conflict_findings(commitments)
    assert [(f.clause_id, f.offer, f.message) for f in findings] == _pairwise(commitments)
    assert all(f.kind == "conflict" and f.blocking for f in findings)


def test_conflicts_compare_values_not_pairs(monkeypatch) -> None:
    """2,000 commitments of one metric, two of them to another value: one comparison of the two
    values, not two million of the pairs; the 2 x 1,998 pairs that differ are the findings."""
    calls = []
    monkeypatch.setattr(check, "compare", lambda *a: calls.append(a) or compare(*a))
    commitments = [Commitment("warranty_period", Quantity(3 + (i < 2), "year"), f"clause-{i}", 1, "p", "质保期")
                   for i in range(2_000)]
    assert len(check.conflict_findings(commitments)) == 2 * 1_998
    assert len(calls) == 1
