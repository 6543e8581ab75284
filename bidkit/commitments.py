"""A bid's chosen clauses resolved against the library: their values, rendered text and commitments.

Checking and composing both start here, so the deviation table quotes exactly the sentence the
chapter prints and the two can never disagree.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bidkit import templating
from bidkit.errors import BidError, ValueProblem
from bidkit.library import Library
from bidkit.model import Bid, ClauseChoice, ClauseVersion, ParamValue, Status
from bidkit.quantity import Quantity, ServiceHours

SENTENCE_END = re.compile(r"(?<=[。；;！!？?])|\n+")


def format_value(value: ParamValue) -> str:
    """A value as the chapter prints it: 36个月, 7×24小时, 是/否, or the text."""
    if isinstance(value, (Quantity, ServiceHours)):
        return value.format()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def clause_ref(title: str, version: int) -> str:
    """A clause as a sentence a user reads names it: by its title, never its id."""
    return f"“{title}” v{version}"


@dataclass(frozen=True)
class Commitment:
    """One value a clause commits to for one metric."""

    metric: str
    value: ParamValue
    clause_id: str
    version: int
    param: str
    label: str
    clause_title: str = ""

    @property
    def ref(self) -> str:
        return clause_ref(self.clause_title or self.clause_id, self.version)

    @property
    def offer(self) -> str:
        return format_value(self.value)


@dataclass
class ResolvedClause:
    """A chosen clause with its values resolved and its text rendered (or why it could not be)."""

    choice: ClauseChoice
    version: ClauseVersion
    status: Status
    values: dict[str, ParamValue] = field(default_factory=dict)
    problems: list[tuple[str, ValueProblem]] = field(default_factory=list)  # (parameter, problem): unfilled, unknown
    out_of_bounds: list[tuple[str, ValueProblem]] = field(default_factory=list)  # (parameter, problem)
    text: str | None = None
    render_error: str | None = None

    @property
    def ref(self) -> str:
        return clause_ref(self.version.title, self.version.version)

    def commitments(self) -> list[Commitment]:
        return [Commitment(spec.metric, self.values[name], self.version.id, self.version.version,
                           name, spec.label, self.version.title)
                for name, spec in self.version.params.items()
                if spec.metric and name in self.values]

    def paragraphs(self) -> list[str]:
        """The rendered text split into paragraphs at blank lines."""
        if not self.text:
            return []
        return templating.paragraphs(self.text)

    def sentence_with(self, commitment: Commitment) -> str:
        """The sentence of the rendered text that states the commitment, for the deviation table."""
        offer = commitment.offer
        for sentence in SENTENCE_END.split(self.text or ""):
            if offer and offer in sentence:
                return sentence.strip()
        return f"{commitment.label}：{offer}"


# What a 暗标 chapter prints for the bidder and its hotline: the starter clauses read 我公司 for the
# bidder already, and a number would identify it, so the hotline is said without one.
ANONYMOUS_BIDDER = "我公司"
ANONYMOUS_HOTLINE = "（号码另行提供）"


def bid_variables(bid: Bid) -> dict[str, str]:
    """The bid details every clause may print without declaring them; in a 暗标 bid none names the
    bidder, so the check blocks only what a clause's own text or the writer's values name."""
    bidder, hotline = (ANONYMOUS_BIDDER, ANONYMOUS_HOTLINE) if bid.anonymous else (bid.bidder.name, bid.bidder.hotline)
    return {"bidder": bidder, "hotline": hotline, "buyer": bid.buyer, "project": bid.project}


def resolve_clause(choice: ClauseChoice, lib: Library, bid: Bid, index: int) -> ResolvedClause:
    try:
        version = lib.version(choice.id, choice.version)
    except BidError as exc:
        raise BidError(exc.message, field=f"clauses[{index}]") from None
    resolved = ResolvedClause(choice, version, lib.status(choice.id, choice.version))
    render_values: dict[str, ParamValue] = {}
    for name, spec in version.params.items():
        raw = choice.params.get(name, spec.default)
        try:
            value = spec.parse_value(raw, field=spec.label)
        except ValueProblem as exc:
            resolved.problems.append((name, exc))
            if spec.default is not None:
                render_values[name] = spec.parse_value(spec.default)
            continue
        resolved.values[name] = render_values[name] = value
        if problem := spec.out_of_bounds(value):
            resolved.out_of_bounds.append((name, problem))
    for name in sorted(set(choice.params) - set(version.params)):
        resolved.problems.append((name, ValueProblem(f"{name} is not a parameter of {resolved.ref}",
                                                     code="param-unknown", name=name)))
    try:
        resolved.text = templating.render(version.text, {**bid_variables(bid), **render_values})
    except templating.RENDER_ERRORS as exc:  # any failure of the clause's text: a finding, never a crash
        resolved.render_error = f"{resolved.ref}: {exc.message}"
    return resolved


def resolve(bid: Bid, lib: Library) -> list[ResolvedClause]:
    """Every chosen clause, in the bid's order; BidError for a clause or version that does not exist."""
    seen: set[str] = set()
    for i, choice in enumerate(bid.clauses):
        if choice.id in seen:
            raise BidError(f"clause {choice.id!r} is chosen twice", field=f"clauses[{i}]")
        seen.add(choice.id)
    return [resolve_clause(choice, lib, bid, i) for i, choice in enumerate(bid.clauses)]
