"""Findings link to what fixes them: a finding about a clause opens its card; a 未响应 row adds the
library's clause that answers it."""
from __future__ import annotations

import hashlib

import streamlit as st

from bidkit.check import clauses_for
from bidkit.library import Library
from bidkit.model import ClauseChoice, ClauseVersion, Finding
from ui.messages import t
from ui.state import COMPOSE_TABS, get_bid, key

# Buttons offered under one 未响应 row: a metric rarely has more clauses, and a long list is no help.
MAX_SUGGESTIONS = 3


def row_id(requirement_text: str) -> str:
    """A short stable id of a deviation-table row for widget keys: its requirement's text (the
    rows before it come and go as they are decided)."""
    return hashlib.sha1(requirement_text.encode("utf-8")).hexdigest()[:12]


def _focus(category: str) -> None:
    """Show the clause's section in the clause editor, which shows one section's cards at a time
    (a callback: it runs before the editor's section list is drawn)."""
    st.session_state[key("section")] = category
    st.session_state[COMPOSE_TABS] = t("compose.clauses")


def open_clause_button(finding: Finding, slot: str, lib: Library) -> None:
    """A button opening the card of the chosen clause a finding is about, when there is one (`slot`
    tells apart two buttons for one clause)."""
    entry = lib.clauses.get(finding.clause_id or "")
    if entry is None or not any(c.id == finding.clause_id for c in get_bid().clauses):
        return  # a clause the library lacks has its own card at the top of the editor
    st.button(t("fix.open_clause", title=entry.latest().title), key=key("fix:open", slot), icon=":material/edit:",
              on_click=_focus, args=(entry.category,))


def _add(version: ClauseVersion) -> None:
    bid = get_bid()
    if not any(c.id == version.id for c in bid.clauses):
        bid.clauses.append(ClauseChoice(id=version.id, version=version.version))
    _focus(version.category)


def row_fix_buttons(finding: Finding, lib: Library) -> None:
    """For an open row: open the clause that answers it in other terms (需人工确认), or add the
    library's latest approved clause answering its metric (未响应)."""
    row = row_id(finding.requirement.text)
    open_clause_button(finding, row, lib)
    if finding.status != "未响应":
        return
    for version in clauses_for(finding.requirement.metric, lib, get_bid())[:MAX_SUGGESTIONS]:
        st.button(t("fix.add_clause", title=version.title), key=key("fix:add", row, version.id),
                  icon=":material/add:", on_click=_add, args=(version,))
