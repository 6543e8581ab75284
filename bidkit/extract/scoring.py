"""Scoring rules (评分标准): which text awards points, the loosest level that still scores, and
the per-step rewards (每增加1年加1分) that hint at a metric."""
from __future__ import annotations

import re

from bidkit.extract.normalise import normalise
from bidkit.extract.sentences import Cand, clean_text
from bidkit.extract.vocabulary import UNITS, Kw
from bidkit.quantity import Quantity, ServiceHours


_SCORING_RE = re.compile(r"[得加扣减]\s*\d+(?:\.\d+)?\s*分|最高\s*\d+(?:\.\d+)?\s*分|不得分|满分|"
                         r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
NO_POINTS_RE = re.compile(r"不得分|得\s*0\s*分|不给分|不计分")

INCREMENT_RE = re.compile(r"每(?:增加|延长|提高|缩短|减少|提前|多|少|延迟|推迟|逾期|超过|超出|迟)?"
                          r"(?:提供|配备|派驻|投入|有)?\s*$")
# 每多提供一个电工证得0.5分 / 每提供一名技术人员得0.3分: points per person (or certificate
# holder) offered reward a head count; its floor is set elsewhere, so the row is `present`.
_PER_PERSON_RE = re.compile(r"每(?:多|增加)?(?:提供|配备|派驻|投入|增加)(?:一|1)\s*(?:个|名|位|人)\s*"
                            r"(?P<noun>[^，,。；;|得加]{1,18})[得加]\s*\d+(?:\.\d+)?\s*分")
_ENGINEER_NOUN_RE = re.compile(r"证|工程师|技术人员|技师|技工|电工|焊工|持证")


def per_person_rewards(norm: str) -> list[tuple[str, int, int]]:
    """(metric, start, end) of each points-per-person rule of a scoring text."""
    out = []
    for m in _PER_PERSON_RE.finditer(norm):
        noun = m.group("noun")
        if _ENGINEER_NOUN_RE.search(noun):
            out.append(("engineer_count", m.start(), m.end()))
        elif "人员" in noun or noun.endswith("员"):
            out.append(("staff_count", m.start(), m.end()))
    return out


def awards_points(text: str) -> bool:
    # Every scoring phrase names 分: most lines have none, and `in` is cheaper than the regex.
    return "分" in text and _SCORING_RE.search(text) is not None


def increments(norm: str, keywords: list[Kw], quantities: list) -> list[str]:
    """Metrics a scoring rule rewards per step (每增加1年加1分): the hint's metric."""
    out = []
    # Keywords and quantities are in text order: one pass keeps, for each unit, the last keyword
    # before the quantity whose metric takes it (a long scoring line costs no more than its length).
    last: dict[str, str] = {}
    ki = 0
    for q in quantities:
        if isinstance(q.quantity, ServiceHours):
            continue
        while ki < len(keywords) and keywords[ki].start < q.start:
            k = keywords[ki]
            for unit in UNITS.get(k.metric, ()):
                last[unit] = k.metric
            ki += 1
        if INCREMENT_RE.search(norm[max(0, q.start - 4):q.start]):
            metric = last.get(q.quantity.unit)
            if metric is not None:
                out.append(metric)
    return out


def loosest(cands: list[tuple[Cand, str]]) -> list[tuple[Cand, str]]:
    """In a scoring rule, the loosest level that still scores is the minimum the tender accepts."""
    best: dict[tuple, tuple[Cand, str]] = {}
    order: list[tuple] = []
    for c, text in cands:
        if c.op == "present" or c.metric == "other":
            key: tuple = (c.metric, c.op, id(c))
        elif isinstance(c.quantity, ServiceHours):
            key = (c.metric, c.op, "sh")
        else:
            family = c.quantity.family() if isinstance(c.quantity, Quantity) else c.unit
            key = (c.metric, c.op, family)
        if key not in best:
            best[key] = (c, text)
            order.append(key)
            continue
        old = best[key][0]
        if _looser(c, old):
            best[key] = (c, text)
    return [best[k] for k in order]


def _looser(new: Cand, old: Cand) -> bool:
    a, b = new.quantity, old.quantity
    if isinstance(a, ServiceHours) and isinstance(b, ServiceHours):
        return a.coverage < b.coverage
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        return a.magnitude() < b.magnitude() if new.op == ">=" else a.magnitude() > b.magnitude()
    return False


def scoring_rule(raw: str) -> str:
    """The scoring rule of a block: the cell that awards points, or the whole line."""
    cells = [c.strip() for c in raw.split("|")]
    scored = [c for c in cells if awards_points(normalise(c))]
    return clean_text(scored[-1] if scored else raw)
