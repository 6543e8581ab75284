"""评分自查 on the compose page: the bid against the tender's scoring rules (bidkit/score.py), what
each rule would still earn and how, and 争取满分, which sets the scored parameters to the values
that earn the most within the library's bounds, each change kept for the writer to keep or undo."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from bidkit.library import Library
from bidkit.model import Bid
from bidkit.score import BestValues, Change, RuleScore, ScoreResult, best_values
from ui.messages import metric_label, t
from ui.state import confirm, get_bid, remember
from ui.widgets import clause_titles

APPLIED = "score:applied"  # the changes 争取满分 made, each with the value it replaced
MESSAGE = "score:message"


@dataclass(frozen=True)
class Applied:
    """One parameter 争取满分 changed: `old` is the value the bid held (None: the default)."""

    clause_id: str
    param: str
    label: str
    old: Any
    new: str
    old_text: str
    new_text: str


def _n(value: float) -> str:
    return f"{value:g}"


def _spec(lib: Library, bid: Bid, clause_id: str, param: str):
    choice = next(c for c in bid.clauses if c.id == clause_id)
    return lib.version(choice.id, choice.version).params[param]


def _change_gains(best: BestValues, before: ScoreResult, after: ScoreResult, rest: Bid, lib: Library) -> list[float]:
    """The points each change earns: the rules of its parameter's metric, before and after. Two
    changes answering one metric share its rules, so the first of them carries the points."""
    gained: dict[str, float] = {}
    for old, new in zip(before.rules, after.rules):
        gained[old.rule.metric] = gained.get(old.rule.metric, 0.0) + (new.earned or 0) - (old.earned or 0)
    gains = []
    for change in best.changes:
        metric = _spec(lib, rest, change.clause_id, change.param).metric
        gains.append(gained.pop(metric, 0.0))
    return gains


def _advice(row: RuleScore, within: float, changes: list[Change], titles: dict[str, str]) -> str:
    """The suggestion in the writer's words: the value that earns more, the library's bound that
    forbids it (and what the bound itself still earns), or the clause to add, by its title."""
    if row.status == "subjective":
        return t("scorep.subjective")
    hint = row.suggestion
    if hint is None:
        return t("score." + row.status) if row.status != "scored" else ""
    if hint.code == "add-clause":
        return t("scorep.add-clause", title=titles.get(hint.clause_id, hint.clause_id), gain=_n(hint.gain))
    if hint.code == "set-value":
        return t("score.set-value", label=hint.label, value=hint.value, gain=_n(hint.gain))
    word = t("scorep.at_least" if hint.bound_kind == "min" else "scorep.at_most")
    reachable = next((c for c in changes if (c.clause_id, c.param) == (hint.clause_id, hint.param)), None)
    if reachable is not None and within > 0:
        return t("scorep.bounded", label=hint.label, word=word, bound=hint.bound, value=reachable.new,
                 gain=_n(within))
    return t("scorep.out_of_bounds", label=hint.label, word=word, bound=hint.bound)


def _rows(result: ScoreResult, after: ScoreResult, changes: list[Change], lib: Library) -> list[dict]:
    titles = clause_titles(lib)
    rows = []
    for row, best in zip(result.rules, after.rules):
        rule = row.rule
        earned = "—" if row.earned is None else _n(row.earned)
        rows.append({t("scorep.col.factor"): rule.factor or metric_label(rule.metric),
                     t("scorep.col.offer"): row.offer or "—",
                     t("scorep.col.points"): f"{earned} / {_n(rule.max_points)}",
                     t("scorep.col.gain"): "—" if row.to_gain is None else _n(row.to_gain),
                     t("scorep.col.advice"): _advice(row, (best.earned or 0) - (row.earned or 0), changes, titles)})
    return rows


def _totals(result: ScoreResult) -> str:
    judged = sum(r.rule.max_points for r in result.rules if r.status == "subjective")
    gain = sum(r.to_gain or 0 for r in result.rules)
    text = t("scorep.totals", earned=_n(result.earned), max=_n(result.max), gain=_n(gain))
    return text + (t("scorep.judged", points=_n(judged)) if judged else "")


def _apply_best(best: BestValues, lib: Library) -> None:
    """Set each changed parameter of the bid (as the bid file writes it: 5 year) and keep what
    it held, for 撤销 one at a time; the page's own 撤销 puts the whole bid back."""
    remember(t("scorep.undo_best"))
    bid = get_bid()
    applied = []
    for change in best.changes:
        choice = next(c for c in bid.clauses if c.id == change.clause_id)
        new = str(_spec(lib, bid, change.clause_id, change.param).parse_value(change.new))
        applied.append(Applied(choice.id, change.param, change.label, choice.params.get(change.param), new,
                               change.old, change.new))
        choice.params[change.param] = new
    st.session_state[APPLIED] = applied
    st.session_state[MESSAGE] = t("scorep.applied", n=len(applied), earned=_n(best.earned_after),
                                  max=_n(best.max))
    st.session_state.bid_gen = st.session_state.get("bid_gen", 0) + 1  # the parameters' widgets show the new values


def _undo_one(index: int) -> None:
    applied: list[Applied] = st.session_state[APPLIED]
    change = applied.pop(index)
    choice = next((c for c in get_bid().clauses if c.id == change.clause_id), None)
    if choice is not None:
        if change.old is None:
            choice.params.pop(change.param, None)
        else:
            choice.params[change.param] = change.old
    st.session_state[MESSAGE] = t("scorep.undone", label=change.label, value=change.old_text)
    st.session_state.bid_gen = st.session_state.get("bid_gen", 0) + 1


def _still_applied(bid: Bid, lib: Library) -> list[Applied]:
    """The changes the bid (less the clauses the library lacks) still holds: one the writer
    changed again since (or the page's 撤销 took back) is theirs, and no longer offered for undo."""
    kept = []
    for change in st.session_state.get(APPLIED, []):
        choice = next((c for c in bid.clauses if c.id == change.clause_id), None)
        spec = choice and lib.version(choice.id, choice.version).params.get(change.param)
        if spec is None:
            continue
        try:
            same = spec.parse_value(choice.params.get(change.param, spec.default)) == spec.parse_value(change.new)
        except ValueError:
            same = False
        if same:
            kept.append(change)
    st.session_state[APPLIED] = kept
    return kept


def _ask_best(best: BestValues, result: ScoreResult, after: ScoreResult, rest: Bid, lib: Library) -> None:
    gains = _change_gains(best, result, after, rest, lib)
    lines = [t("scorep.change", label=c.label, old=c.old, new=c.new, gain=_n(g)) for c, g in zip(best.changes, gains)]
    message = "\n".join([t("scorep.confirm"), "", *lines, "", t("scorep.confirm_total", before=_n(best.earned_before),
                                                              after=_n(best.earned_after), max=_n(best.max))])
    confirm(message, t("scorep.confirm_yes"), lambda: _apply_best(best, lib))


def score_panel(bid: Bid, rest: Bid, lib: Library) -> None:
    """The rules table and totals, 争取满分, and the changes it made. `rest` is the bid less the
    clauses the library lacks (they commit nothing that can be scored)."""
    if not bid.scoring_rules:
        st.info(t("scorep.no_rules"))
        return
    best = best_values(rest, lib)
    result, after = best.before, best.after
    st.dataframe(_rows(result, after, best.changes, lib), hide_index=True, key="score:table")
    st.markdown(f"**{_totals(result)}**")
    if message := st.session_state.pop(MESSAGE, None):
        st.success(message)
    if st.button(t("scorep.best"), key="score:best", type="primary", help=t("scorep.best_help")):
        if best.changes:
            _ask_best(best, result, after, rest, lib)
        else:
            st.info(t("scorep.best_none"))
    applied = _still_applied(rest, lib)
    if applied:
        st.markdown(f"**{t('scorep.applied_title')}**")
    for index, change in enumerate(applied):
        text_col, undo_col = st.columns([4, 1], vertical_alignment="center")
        text_col.markdown(t("scorep.applied_row", label=change.label, old=change.old_text, new=change.new_text))
        undo_col.button(t("scorep.undo"), key=f"score:undo:{index}", on_click=_undo_one, args=(index,))
