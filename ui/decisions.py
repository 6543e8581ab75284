"""Deciding the deviation-table rows the check cannot decide (未响应, 需人工确认).

A final chapter's 偏离表 carries only 正偏离, 无偏离 or 负偏离: the writer chooses the status of each
open row, keeps or rewrites the response sentence, and confirms under their name; the decision is
saved in the bid (bidkit.model.RowDecision) and applied by bidkit.check.
"""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from bidkit.check import CheckResult, decided_at_text, open_rows, stale_decisions, suggested_response
from bidkit.library import Library
from bidkit.model import MAX_RESPONSE_CHARS, Bid, Finding, RowDecision
from ui.auth import current_identity
from ui.fixes import row_fix_buttons, row_id
from ui.messages import t
from ui.state import get_bid, key

DECIDED_STATUSES = ("正偏离", "无偏离", "负偏离")
DROPPED = "decisions_dropped"  # notices of decisions removed, shown until the writer dismisses them


def _row_key(text: str, part: str) -> str:
    return key("decide", row_id(text), part)


def _drop_stale(bid: Bid) -> None:
    """Remove the decisions whose requirement is gone or was reworded, saying which."""
    stale = stale_decisions(bid)
    if not stale:
        return
    notices = st.session_state.setdefault(DROPPED, [])
    for decision, now in stale:
        values = {"requirement": decision.requirement, "status": decision.status, "by": decision.decided_by}
        notices.append(t("decide.changed", ref=decision.ref, new=now.text, **values) if now
                       else t("decide.dropped", **values))
    gone = {id(d) for d, _ in stale}
    bid.decisions = [d for d in bid.decisions if id(d) not in gone]


def _decide(finding: Finding) -> None:
    """The confirm button's callback: runs before the page, so the chapter is composed with it."""
    bid = get_bid()
    req = finding.requirement
    status = st.session_state.get(_row_key(req.text, "status"))
    response = (st.session_state.get(_row_key(req.text, "response")) or "").strip()
    who = current_identity().name
    problem = ("decide.need_name" if not who else "decide.need_status" if status is None
               else "decide.need_response" if not response else None)
    if problem:
        st.session_state[_row_key(req.text, "problem")] = problem
        return
    st.session_state.pop(_row_key(req.text, "problem"), None)
    decision = RowDecision(requirement=req.text, metric=req.metric, ref=req.ref, status=status, response=response,
                           note=(st.session_state.get(_row_key(req.text, "note")) or "").strip(),
                           decided_by=who, decided_at=datetime.now().astimezone())
    bid.decisions = [d for d in bid.decisions if d.requirement != req.text] + [decision]


def _reopen(text: str) -> None:
    bid = get_bid()
    bid.decisions = [d for d in bid.decisions if d.requirement != text]


def _decide_form(finding: Finding) -> None:
    req = finding.requirement
    with st.form(_row_key(req.text, "form")):
        st.markdown(f"**{finding.status}** {req.text}")
        st.caption(finding.note or finding.message)
        st.radio(t("decide.status"), DECIDED_STATUSES, index=None, horizontal=True,
                 format_func=lambda s: t("decide.status." + s), key=_row_key(req.text, "status"))
        st.text_area(t("decide.response"), suggested_response(finding), max_chars=MAX_RESPONSE_CHARS,
                     key=_row_key(req.text, "response"))
        st.text_input(t("decide.note"), "", max_chars=MAX_RESPONSE_CHARS, key=_row_key(req.text, "note"))
        who = current_identity().name
        st.caption(t("decide.as", name=who) if who else t("decide.need_name"))
        if problem := st.session_state.get(_row_key(req.text, "problem")):
            st.error(t(problem))
        st.form_submit_button(t("decide.confirm"), on_click=_decide, args=(finding,))


def decisions_panel(result: CheckResult, lib: Library) -> None:
    """The open rows, each with its decision form, then the rows the writer decided."""
    bid = get_bid()
    _drop_stale(bid)
    if notices := st.session_state.get(DROPPED):
        for notice in notices:
            st.warning(notice, icon=":material/history:")
        st.button(t("decide.dismiss"), key="decide:dismiss", on_click=st.session_state.pop, args=(DROPPED, None))
    rows = list({f.requirement.text: f for f in open_rows(result)}.values())  # one form for a repeated text
    if rows:
        st.markdown(f"**{t('decide.title', n=len(rows))}**")
    for finding in rows:
        row_fix_buttons(finding, lib)
        _decide_form(finding)
    decided = list({f.requirement.text: f for f in result.requirement_findings if f.decision}.values())
    if decided:
        with st.expander(t("decide.decided", n=len(decided))):
            for finding in decided:
                d = finding.decision
                st.markdown(t("decide.line", status=d.status, requirement=d.requirement, response=d.response,
                              by=d.decided_by, at=decided_at_text(d)))
                st.button(t("decide.reopen"), key=_row_key(d.requirement, "reopen"), on_click=_reopen,
                          args=(d.requirement,))
