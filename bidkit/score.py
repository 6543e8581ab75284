"""What the bid earns against the tender's scoring rules (评分自查), and what would earn the rest.

The bid's offers are its clauses' committed values, read as the check reads them (commitments);
a presence rule is met when the check would find the promise met. A value that would earn more
is proposed only within the clause parameter's bounds (ParamSpec min/max): one the library does
not allow is named as such. Subjective rows are listed with their maximum, never guessed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from bidkit.check import comparable, judge, clauses_for
from bidkit.commitments import Commitment, ResolvedClause, format_value, resolve
from bidkit.library import Library
from bidkit.model import Bid, Requirement, ScoringRule
from bidkit.quantity import Quantity, Verdict, compare

_MET = (Verdict.BETTER, Verdict.EQUAL)


@dataclass(frozen=True)
class Suggestion:
    """A value that would earn `gain` more points: `allowed` False when the parameter's bounds
    forbid it (`bound` then says which). `code` names the case for a page to word:
    set-value, not-allowed, add-clause (`clause_id` is a library clause answering the metric)."""

    code: str
    clause_id: str
    param: str = ""
    label: str = ""
    value: str = ""
    gain: float = 0
    bound: str = ""  # the parameter's limit the value breaks (5年), with `bound_kind` min or max
    bound_kind: str = ""

    @property
    def allowed(self) -> bool:
        return self.code != "not-allowed"

    def text(self) -> str:
        if self.code == "add-clause":
            return f"add clause {self.clause_id} to earn up to {_more(self.gain)}"
        if not self.allowed:
            word = "at least" if self.bound_kind == "min" else "at most"
            return (f"{self.label} {self.value} would earn {_more(self.gain)}, but the library allows "
                    f"{word} {self.bound}")
        return f"set {self.label} ({self.clause_id}) to {self.value} to earn {_more(self.gain)}"


@dataclass(frozen=True)
class RuleScore:
    """One rule against the bid. `earned` is None where it cannot be known: a subjective row
    (status subjective), a base the tender never stated (no-base), an offer in units the rule
    does not compare with (not-comparable). status: scored, subjective, no-offer, no-base,
    not-comparable."""

    rule: ScoringRule
    status: str
    offer: str = ""
    earned: float | None = None
    suggestion: Suggestion | None = None

    @property
    def to_gain(self) -> float | None:
        return None if self.earned is None else self.rule.max_points - self.earned


@dataclass(frozen=True)
class ScoreResult:
    rules: list[RuleScore]

    @property
    def earned(self) -> float:
        return sum(r.earned or 0 for r in self.rules)

    @property
    def max(self) -> float:
        return sum(r.rule.max_points for r in self.rules)

    @property
    def left(self) -> float:
        """Points not earned, the subjective ones included (the panel may give them or not)."""
        return self.max - self.earned

    def to_json(self) -> dict:
        return {"earned": self.earned, "max": self.max, "rules": [
            {"rule": r.rule.factor or r.rule.metric, "kind": r.rule.kind, "metric": r.rule.metric, "status": r.status,
             "evidence": {"text": r.rule.text, "ref": r.rule.ref,
                          "where": r.rule.where.model_dump(exclude_defaults=True) if r.rule.where else None},
             "offer": r.offer, "earned": r.earned, "max": r.rule.max_points, "to_gain": r.to_gain,
             "suggestion": r.suggestion.text() if r.suggestion else None} for r in self.rules]}


def _more(value: float) -> str:
    return f"{value:g} more point" + ("" if value == 1 else "s")


def score(bid: Bid, lib: Library, rules: list[ScoringRule] | None = None,
          clauses: list[ResolvedClause] | None = None) -> ScoreResult:
    """Each rule (by default the bid's own) against the bid's committed values (`clauses`: the
    bid's clauses already resolved, when the caller has them)."""
    clauses = resolve(bid, lib) if clauses is None else clauses
    commitments = [c for clause in clauses for c in clause.commitments()]
    by_id = {c.version.id: c for c in clauses}
    return ScoreResult([_rule_score(rule, commitments, bid, lib, by_id)
                        for rule in (bid.scoring_rules if rules is None else rules)])


def _rule_score(rule: ScoringRule, commitments: list[Commitment], bid: Bid, lib: Library,
                clauses: dict[str, ResolvedClause]) -> RuleScore:
    if rule.kind == "subjective":
        return RuleScore(rule, "subjective")
    mine = [c for c in commitments if c.metric == rule.metric]
    if not mine:
        offered = clauses_for(rule.metric, lib, bid)
        hint = Suggestion("add-clause", offered[0].id, gain=rule.max_points) if offered else None
        return RuleScore(rule, "no-offer", earned=0.0, suggestion=hint)
    scored = [(points(rule, c.value, bid, c), c) for c in mine]
    known = [(p, c) for p, c in scored if p is not None]
    if not known:
        status = "no-base" if rule.kind in ("increment", "count") and _base(rule, bid) is None else "not-comparable"
        return RuleScore(rule, status, offer="、".join(c.offer for c in mine))
    earned, commitment = max(known, key=lambda pc: pc[0])
    hint = None
    if earned < rule.max_points:
        spec = clauses[commitment.clause_id].version.params[commitment.param]
        hint = _best_for(rule, commitment, spec, bid, earned)
    return RuleScore(rule, "scored", offer=commitment.offer, earned=earned, suggestion=hint)


def _base(rule: ScoringRule, bid: Bid) -> Quantity | None:
    """The base of an increment: the rule's own, else the tender's requirement for the metric
    (the first one stated as a number)."""
    if rule.base is not None:
        return rule.base_quantity()
    for req in bid.requirements:
        if req.metric == rule.metric and req.op in (">=", "<=") and isinstance(q := req.quantity(), Quantity):
            return q
    return None


def points(rule: ScoringRule, value, bid: Bid, commitment: Commitment | None = None) -> float | None:
    """The points `value` earns under `rule`, or None where it cannot be known."""
    if rule.kind == "presence":
        if commitment is None:
            return None
        req = Requirement(metric=rule.metric, op="present", text=rule.text)
        status, _reason = judge(req, commitment, bid)
        return rule.max_points if status in ("无偏离", "正偏离") else 0.0
    if not isinstance(value, Quantity):
        return None
    if rule.kind == "tiers":
        earned, compared = 0.0, False
        for tier in rule.tiers:
            threshold = tier.quantity()
            if not comparable(value, threshold):
                continue
            verdict = compare(value, threshold, tier.op[0] + "=")
            if verdict == Verdict.UNDETERMINED:
                continue
            compared = True
            if verdict == Verdict.BETTER or (verdict == Verdict.EQUAL and tier.op.endswith("=")):
                earned = max(earned, tier.points)
        return min(earned, rule.max_points) if compared else None
    base, step = _base(rule, bid), rule.step_quantity()
    if base is None or not (value.comparable_with(base) and value.comparable_with(step)):
        return None
    beyond = (value.magnitude() - base.magnitude()) * (-1 if rule.down else 1)
    if beyond < 0:
        return 0.0
    steps = math.floor(beyond / step.magnitude() + 1e-9)
    return min(rule.max_points, rule.base_points + steps * rule.step_points)


def _candidates(rule: ScoringRule, bid: Bid) -> list[Quantity]:
    """The values at which a rule's points change: each tier's threshold (one unit past it when
    strict), each step of an increment up to its maximum."""
    if rule.kind == "tiers":
        return [Quantity(t.value + {">": 1, "<": -1}.get(t.op, 0), t.unit) for t in rule.tiers
                if t.value + {">": 1, "<": -1}.get(t.op, 0) >= 0]
    base, step = _base(rule, bid), rule.step_quantity()
    if rule.kind == "presence" or base is None or not base.comparable_with(step):
        return []
    needed = math.ceil(max(0.0, rule.max_points - rule.base_points) / rule.step_points - 1e-9)
    sign = -1 if rule.down else 1
    per_unit = Quantity(1, step.unit).magnitude()
    out = []
    for n in range(needed + 1):
        magnitude = base.magnitude() + sign * n * step.magnitude()
        if magnitude >= 0:
            out.append(Quantity(round(magnitude / per_unit, 6), step.unit))
    return out


def _best_for(rule: ScoringRule, commitment: Commitment, spec, bid: Bid, earned: float) -> Suggestion | None:
    """The value nearest the current one that earns the most; when the library's bounds forbid
    it, it is named as not allowed (best_values finds the best value within them)."""
    if rule.kind == "presence":
        if spec.type == "bool" and commitment.value is False:
            return Suggestion("set-value", commitment.clause_id, commitment.param, spec.label, format_value(True),
                              rule.max_points - earned)
        return None
    ranked = []
    for value in _candidates(rule, bid):
        gained = (points(rule, value, bid) or 0.0) - earned
        if gained > 0 and isinstance(commitment.value, Quantity) and commitment.value.comparable_with(value):
            distance = abs(value.magnitude() - commitment.value.magnitude())
            ranked.append((-gained, distance, value))
    if not ranked:
        return None
    ranked.sort(key=lambda r: (r[0], r[1]))
    best = ranked[0]
    allowed = [r for r in ranked if spec.out_of_bounds(r[2]) is None]
    if allowed and allowed[0][0] == best[0]:
        return Suggestion("set-value", commitment.clause_id, commitment.param, spec.label, allowed[0][2].format(),
                          -best[0])
    return Suggestion("not-allowed", commitment.clause_id, commitment.param, spec.label, best[2].format(),
                      -best[0], **_bound(spec.out_of_bounds(best[2])))


def _bound(problem) -> dict:
    return {"bound": problem.values["bound"], "bound_kind": "min" if problem.code == "param-below-min" else "max"}


@dataclass(frozen=True)
class Change:
    clause_id: str
    param: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class BestValues:
    """The changes that earn the most within bounds, the bid with them applied, and its score
    before and after them."""

    changes: list[Change]
    bid: Bid
    before: ScoreResult
    after: ScoreResult

    @property
    def earned_before(self) -> float:
        return self.before.earned

    @property
    def earned_after(self) -> float:
        return self.after.earned

    @property
    def max(self) -> float:
        return self.before.max


def best_values(bid: Bid, lib: Library, rules: list[ScoringRule] | None = None) -> BestValues:
    """For each scored parameter, the value nearest its current one that earns the most its rules
    allow within the parameter's bounds (never a value that earns less, never one out of bounds);
    the bid is not changed, a copy with the values is returned."""
    rules = bid.scoring_rules if rules is None else rules
    clauses = resolve(bid, lib)
    before = score(bid, lib, rules, clauses)
    chosen = {c.id: i for i, c in enumerate(bid.clauses)}
    new_params: dict[str, dict] = {}
    changes = []
    for clause in clauses:
        for commitment in clause.commitments():
            spec = clause.version.params[commitment.param]
            mine = [r for r in rules if r.metric == commitment.metric and r.kind in ("tiers", "increment", "count")]
            if not mine or not isinstance(commitment.value, Quantity):
                continue

            def total(value, mine=mine) -> float:
                return sum(points(r, value, bid) or 0.0 for r in mine)

            current = total(commitment.value)
            options = [v for r in mine for v in _candidates(r, bid)
                       if v.comparable_with(commitment.value) and spec.out_of_bounds(v) is None]
            better = [(total(v), -abs(v.magnitude() - commitment.value.magnitude()), v) for v in options]
            better = [b for b in better if b[0] > current]
            if not better:
                continue
            _, _, value = max(better, key=lambda b: (b[0], b[1]))
            new_params.setdefault(clause.version.id, dict(bid.clauses[chosen[clause.version.id]].params))
            new_params[clause.version.id][commitment.param] = value.format()
            changes.append(Change(clause.version.id, commitment.param, spec.label, commitment.offer, value.format()))
    new_clauses = [c.model_copy(update={"params": new_params[c.id]}) if c.id in new_params else c
                   for c in bid.clauses]
    after_bid = bid.model_copy(update={"clauses": new_clauses})
    return BestValues(changes, after_bid, before, score(after_bid, lib, rules))
