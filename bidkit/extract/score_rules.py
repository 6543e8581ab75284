"""The after-sales rows of a tender's scoring table (评分标准 / 评分细则 / 评审因素) as typed rules.

A row (评分因素 | 分值 | 评分标准) or a text rubric ((1)质保期（3分）：…) is read in this order:
per-person rewards (每配备1名持证工程师得0.5分) are counts; a quantity after 每增加 / 每延长 /
每缩短 is an increment (its base the quantity the row names before it, or the tender's own
requirement: 在满足招标要求基础上); quantities that each earn points in their own clause are
tiers (5分钟内响应的得2分，10分钟内响应的得1分); a row that rewards a promise with no number
(设有售后服务机构的得2分) is presence; anything judged (方案完善 / 优良中差 / 0-5分) is subjective,
listed with its maximum and never guessed. The metric is read with the requirements' own
vocabulary, the after-sales test with their places' words, so the two never disagree.
"""
from __future__ import annotations

import re
from typing import Iterable

from bidkit.extract.blocks import Block, bounded
from bidkit.extract.location import evidence
from bidkit.extract.normalise import normalise
from bidkit.extract.places import classify, speaks_of_after_sales, title_of, AFTER_SALES
from bidkit.extract.scoring import INCREMENT_RE, awards_points, per_person_rewards
from bidkit.extract.sentences import clean_text
from bidkit.extract.vocabulary import DEADLINES, UNITS, find_keywords
from bidkit.model import MAX_SCORE_TIERS, METRICS, ScoreTier, ScoringRule
from bidkit.quantity import Quantity, find_quantities

_NUMBER = r"(\d+(?:\.\d+)?)"
_AWARD_RE = re.compile(r"(?:得|加|计|记|给)\s*" + _NUMBER + r"\s*分")
_MAX_RE = re.compile(r"(?:最高|最多|满分|上限|封顶|本项满分|本小项满分)\s*(?:为|得|加|可得)?\s*" + _NUMBER + r"\s*分")
_PAREN_MAX_RE = re.compile(r"[(（]\s*" + _NUMBER + r"\s*分\s*[)）]")
_RANGE_POINTS_RE = re.compile(_NUMBER + r"\s*[-~～至到—]\s*" + _NUMBER + r"\s*分")
_POINTS_CELL_RE = re.compile(r"^\s*" + _NUMBER + r"\s*分?\s*$")
# Words of a judgement: a row reading them is scored by the panel, whatever numbers it names.
_JUDGED_RE = re.compile(r"方案|详实|详细|完整|完善|合理|可行|优|良|一般|较好|较差|酌情|综合评|评审|评价|针对性")
_BASE_IS_REQUIREMENT_RE = re.compile(r"满足[^，,。；;]{0,12}?(?:要求|需求)|在此基础上")
_DOWN_RE = re.compile(r"缩短|减少|提前|少")
_AT_MOST_RE = re.compile(r"(?:以内|之内|内|不超过|不大于|以下|≤|<=|不多于|及以内)\s*$")
_AT_LEAST_RE = re.compile(r"^\s*(?:以上|及以上|或以上|不少于|不低于)|(?:不少于|不低于|≥|>=|至少)\s*$")
_STRICT_MORE_RE = re.compile(r"(?:超过|多于|大于|高于)\s*$")
_RANGE_LOW_RE = re.compile(_NUMBER + r"\s*[-~～至到—]\s*$")
_CLAUSE_END = "，,；;。"
_TOPIC_RE = re.compile(r"^[(（]?\d{0,2}[)）.、]?\s*([^，,。；;:：(（]{2,20})\s*(?:[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）])?\s*[:：]")
# Presence rules reward a promise, not a level: only metrics a clause answers with yes/no or a place.
_PRESENCE_METRICS = ("local_office", "spare_parts", "substitute_equipment", "training", "return_visit",
                     "service_hours", "complaint_response")
_NO_METRIC = frozenset({"exclude", "delivery", "completion", "trainee"})


def extract_scoring(blocks: Iterable[Block]) -> list[ScoringRule]:
    """The after-sales scoring rules of a tender's blocks (read_tender / text_blocks), in order.
    A judged rubric spread over several lines (a PDF's 评分细则) is one rule: its lines until the
    next rule of another kind are read together."""
    rules: list[ScoringRule] = []
    since_judged = None  # blocks since the last subjective rule read from lines
    for block in bounded(blocks):
        if block.kind == "header" or not block.text.strip():
            continue
        norm = normalise(block.text)
        if not (block.scoring or _scores(norm)):
            since_judged = None if since_judged is None or since_judged >= 3 else since_judged + 1
            continue
        found = parse_rule(block.text, where=evidence(block.where), ref=block.label,
                           cells=block.kind == "row")
        if len(found) == 1 and found[0].kind == "subjective" and block.kind != "row" and since_judged is not None \
                and rules and rules[-1].kind == "subjective":
            last = rules[-1]
            rules[-1] = last.model_copy(update={"text": f"{last.text} {found[0].text}",
                                                "max_points": max(last.max_points, found[0].max_points)})
            since_judged = 0
            continue
        rules += found
        since_judged = 0 if found and found[-1].kind == "subjective" and block.kind != "row" else None
    return rules


def parse_rule(text: str, *, where=None, ref: str = "", cells: bool | None = None) -> list[ScoringRule]:
    """The after-sales scoring rules of one row or line of a scoring table (none when it scores
    something else: 业绩, 报价, 资质)."""
    parts = [c.strip() for c in text.split("|")] if cells or (cells is None and "|" in text) else [text]
    parts = [c for c in parts if c]
    factor, row_max, rubric = _cells(parts)
    pieces = _metric_pieces(rubric)
    if len(pieces) > 1:
        # Each piece is a rule of its own, capped by its own words (最多得4分), not by the row's
        # points; unless a piece is judged, and the panel scores the row as a whole.
        rules = [rule for piece, metric in pieces
                 for rule in _rules(factor, None, piece, clean_text(piece), where, ref, metric)]
        if rules and all(rule.kind != "subjective" for rule in rules):
            return rules
    return _rules(factor, row_max, rubric, clean_text(text.replace("|", " ").strip()), where, ref)


def _metric_pieces(rubric: str) -> list[tuple[str, str | None]]:
    """A rubric that scores several metrics in turn (质保期…最多得4分；响应时间≤1小时得3分…；本地设有
    服务机构得3分): (piece, its metric) for each, split at the ；or 。 where the next metric starts.
    One piece when it scores one metric, or a piece names none or awards no points."""
    norm = normalise(rubric)
    pieces: list[list] = []  # [start, end, metric]
    start = 0
    for end in [m.end() for m in _PIECE_END_RE.finditer(norm)] + [len(norm)]:
        if end <= start:
            continue
        metric = _metric(norm[start:end])
        if pieces and metric in (None, pieces[-1][2]):
            pieces[-1][1] = end
        else:
            pieces.append([start, end, metric])
        start = end
    if len(pieces) < 2 or any(metric is None or not _scores(norm[s:e]) for s, e, metric in pieces):
        return [(rubric, None)]
    return [(rubric[s:e], metric) for s, e, metric in pieces]


_PIECE_END_RE = re.compile(r"[；;。]")


def _rules(factor: str, row_max: float | None, rubric: str, text: str, where, ref: str,
           metric: str | None = None) -> list[ScoringRule]:
    """The rules of one rubric (a row's, or a piece of it whose `metric` is known) under its factor
    (评分因素)."""
    norm = normalise(rubric)
    if not factor and (m := _TOPIC_RE.match(norm)):
        factor = m.group(1).strip()
    if metric is None and factor:
        metric = _metric(normalise(factor))
    if metric is None:
        metric = _metric(norm)
    if metric is None and not (speaks_of_after_sales(norm) or classify(title_of(factor)) == AFTER_SALES):
        return []
    if metric in _NO_METRIC:
        return []
    evidence = {"factor": factor, "text": text, "ref": ref, "where": where}
    cap, extra_only = _cap(norm, row_max)
    found = _counts(norm, cap, evidence)
    if found:
        return found
    judged = _JUDGED_RE.search(norm.replace(factor, "", 1) if factor else norm) or _RANGE_POINTS_RE.search(norm)
    if metric is not None and not judged:
        rule = _increment(norm, metric, cap, evidence, extra_only) or _tiers(norm, metric, cap, evidence)
        if rule is None and metric in _PRESENCE_METRICS:
            points = cap or _best_award(norm)
            if points:
                rule = ScoringRule(kind="presence", metric=metric, max_points=points, **evidence)
        if rule is not None:
            return [rule]
    points = cap or _best_award(norm)
    if not points:
        return []
    judged = _metric(normalise(factor)) if factor else None  # a plan's rubric names metrics it does not score
    return [ScoringRule(kind="subjective", metric=judged if judged in METRICS else "other", max_points=points,
                        **evidence)]


def _cells(parts: list[str]) -> tuple[str, float | None, str]:
    """(factor, the row's points column, the rubric) of a row's cells: the rubric is the last
    cell that awards points (or the longest), the factor the first short cell of words before
    it, the points column a bare number after the factor (序号 comes before it)."""
    if len(parts) == 1:
        return "", None, parts[0]
    scored = [i for i, c in enumerate(parts) if _scores(normalise(c))]
    r = scored[-1] if scored else max(range(len(parts)), key=lambda i: len(parts[i]))
    factor_at = next((i for i, c in enumerate(parts) if i != r and 2 <= len(c) <= 20 and not _POINTS_CELL_RE.match(c)
                      and not _scores(normalise(c))), None)
    row_max = None
    if factor_at is not None:
        row_max = next((float(m.group(1)) for c in parts[factor_at + 1:] if (m := _POINTS_CELL_RE.match(c))), None)
        paren = _PAREN_MAX_RE.search(normalise(parts[factor_at]))
        row_max = row_max or (float(paren.group(1)) if paren else None)
    return (parts[factor_at] if factor_at is not None else ""), row_max, parts[r]


def _scores(norm: str) -> bool:
    """Whether a text awards points: 得3分, 最高5分, or a judged range (0-2分)."""
    return awards_points(norm) or _RANGE_POINTS_RE.search(norm) is not None


def _metric(norm: str) -> str | None:
    """The metric the text names first (a metric the after-sales vocabulary knows, or one ruling
    the text out: 业绩, 付款)."""
    for k in find_keywords(norm):
        if not k.negated and not k.weak:  # 人员 alone is anyone's staff: 项目组成员具有…证书
            return k.metric
    return None


def _cap(norm: str, row_max: float | None) -> tuple[float | None, bool]:
    """The row's maximum, and whether it bounds only what is added (最多加3分) rather than the
    row (a points column says the row's own maximum)."""
    if row_max is not None:
        return row_max, False
    if m := _MAX_RE.search(norm):
        return float(m.group(1)), "加" in m.group(0)
    if m := _PAREN_MAX_RE.search(norm):
        return float(m.group(1)), False
    return None, False


def _best_award(norm: str) -> float | None:
    points = [float(m.group(1)) for m in _AWARD_RE.finditer(norm)]
    points += [float(m.group(2)) for m in _RANGE_POINTS_RE.finditer(norm)]
    return max(points) if points else None


def _clause_of(norm: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between ，；。) around norm[start:end]."""
    left = max(norm.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (norm.find(ch, end) for ch in _CLAUSE_END) if i >= 0]
    return left, min(rights) if rights else len(norm)


def _award_in(norm: str, start: int, end: int) -> float | None:
    m = _AWARD_RE.search(norm, start, end)
    return float(m.group(1)) if m else None


def _fitting(norm: str, metric: str) -> list:
    units = UNITS.get(metric, ())
    return [q for q in find_quantities(norm) if isinstance(q.quantity, Quantity) and q.quantity.unit in units]


def _counts(norm: str, cap: float | None, evidence: dict) -> list[ScoringRule]:
    """每多提供一个电工证得0.5分，满分2.5分: one count rule per reward, its own cap when it names one."""
    rules = []
    rewards = per_person_rewards(norm)
    for n, (metric, start, end) in enumerate(rewards):
        points = _award_in(norm, start, end)
        stop = rewards[n + 1][1] if n + 1 < len(rewards) else len(norm)
        own = _MAX_RE.search(norm, end, stop)
        limit = float(own.group(1)) if own else (cap if len(rewards) == 1 else None)
        if not points or not limit:
            continue
        above_requirement = "多" in norm[start:start + 3] or "增加" in norm[start:start + 4] or \
            _BASE_IS_REQUIREMENT_RE.search(norm, max(0, start - 30), start) is not None
        rules.append(ScoringRule(kind="count", metric=metric, max_points=limit, step="1 person", step_points=points,
                                 base=None if above_requirement else "0 person", **evidence))
    return rules


def _increment(norm: str, metric: str, cap: float | None, evidence: dict,
               extra_only: bool = False) -> ScoringRule | None:
    """质保期在3年基础上每增加1年加1分，最高3分 / 满足招标要求得3分，在此基础上每延长一年加1分;
    `extra_only` when the cap bounds the steps alone (最多加3分), not the row."""
    fitting = _fitting(norm, metric)
    for n, q in enumerate(fitting):
        if not INCREMENT_RE.search(norm[max(0, q.start - 6):q.start]):
            continue
        clause_start, clause_end = _clause_of(norm, q.start, q.end)
        points = _award_in(norm, q.end, clause_end)
        if points is None or cap is None:
            return None
        base, base_points = None, 0.0
        before = [b for b in fitting[:n] if b.quantity.comparable_with(q.quantity)]
        if before:
            b = before[-1]
            base = str(b.quantity)
            base_points = _award_in(norm, b.end, min(_clause_of(norm, b.start, b.end)[1], q.start)) or 0.0
        elif m := _BASE_IS_REQUIREMENT_RE.search(norm, 0, q.start):
            base_points = _award_in(norm, m.start(), q.start) or 0.0
        if extra_only:
            cap += base_points
        kind = "count" if q.quantity.unit == "person" else "increment"
        return ScoringRule(kind=kind, metric=metric, max_points=cap, base=base, base_points=base_points,
                           step=str(q.quantity), step_points=points,
                           down=bool(_DOWN_RE.search(norm[max(0, q.start - 6):q.start])), **evidence)
    return None


def _tiers(norm: str, metric: str, cap: float | None, evidence: dict) -> ScoringRule | None:
    """承诺5分钟内响应的得2分，10分钟内响应的得1分: each quantity earning points in its clause."""
    tiers = []
    fitting = _fitting(norm, metric)
    for n, q in enumerate(fitting):
        clause_start, clause_end = _clause_of(norm, q.start, q.end)
        after = fitting[n + 1] if n + 1 < len(fitting) else None
        if after is not None and after.start < clause_end and after.quantity.comparable_with(q.quantity) \
                and norm[q.end:after.start].strip() in ("-", "~", "～", "至", "到", "—"):
            continue  # 30分钟-1小时: the range's far end is the tier's threshold
        points = _award_in(norm, q.end, clause_end)
        if points is None:
            continue
        op, value = _op(norm, q, metric, clause_start)
        tiers.append(ScoreTier(op=op, value=value, unit=q.quantity.unit, points=points))
        if len(tiers) == MAX_SCORE_TIERS:
            break
    if not tiers:
        return None
    best = max(t.points for t in tiers)
    return ScoringRule(kind="tiers", metric=metric, max_points=max(cap or 0, best), tiers=tiers, **evidence)


def _op(norm: str, q, metric: str, clause_start: int) -> tuple[str, float]:
    """The comparison a tier's threshold makes, from the words around it, else the metric's
    direction (a deadline is at most, a period at least); the low end of 2-3天 for "at least"."""
    before, after = norm[max(clause_start, q.start - 4):q.start], norm[q.end:q.end + 4]
    value = q.quantity.value
    if _STRICT_MORE_RE.search(before):
        return ">", value
    if _AT_MOST_RE.search(before) or after.startswith(("内", "以内", "之内", "以下")):
        return "<=", value
    low = _RANGE_LOW_RE.search(norm, max(clause_start, q.start - 8), q.start)
    at_least = _AT_LEAST_RE.match(after) or _AT_LEAST_RE.search(before) or metric not in DEADLINES
    if at_least:
        return ">=", float(low.group(1)) if low else value
    return "<=", value
