"""条款库 Library: search the clauses; see, edit, review and diff a clause's versions."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import streamlit as st

from bidkit import templating
from bidkit.library import ClauseEntry, Library
from bidkit.model import METRICS
from bidkit.settings import load_settings
from ui.clause_editor import diff_panel, edit_panel, render_with_defaults, review_panel
from ui.messages import date_text, error_text, metric_label, t
from ui.state import get_library, get_store, shown_errors
from ui.widgets import clause_titles

STATUSES = ["approved", "draft", "retired"]


def matches(entry: ClauseEntry, text: str, categories: list[str], metric: str | None, statuses: list[str]) -> bool:
    latest = entry.latest()
    if categories and entry.category not in categories:
        return False
    if metric and metric not in latest.metrics():
        return False
    if statuses and entry.status(latest.version) not in statuses:
        return False
    return not text or text in latest.title or text in latest.text or text in entry.id


def is_stale(entry: ClauseEntry, days: int, now: datetime) -> bool:
    reviewed = entry.last_reviewed()
    return reviewed is None or now - reviewed > timedelta(days=days)


def versions_panel(entry: ClauseEntry) -> None:
    st.dataframe([{t("col.version"): f"v{n}", t("col.author"): v.author,
                   t("col.created"): date_text(v.created), t("col.note"): v.note,
                   t("col.status"): t("status." + entry.status(n)),
                   t("col.params"): "、".join(s.label for s in v.params.values())}
                  for n, v in sorted(entry.versions.items(), reverse=True)],
                 hide_index=True, width="stretch",
                 column_config={t("col.note"): st.column_config.TextColumn(width="large")})
    numbers = sorted(entry.versions, reverse=True)
    # keyed without the version count and labelled without the status (the browser sends the label
    # back), so a version saved or reviewed meanwhile does not move the selection
    number = st.selectbox(t("col.version"), numbers, format_func=lambda n: f"v{n}", key=f"library:version:{entry.id}")
    st.markdown(f"**{t('library.rendered')}**")
    try:
        st.info(render_with_defaults(entry.versions[number]))
    except templating.RENDER_ERRORS as exc:
        st.error(error_text(exc))


def clause_detail(lib: Library, entry: ClauseEntry, title: str, uses: int, stale: bool, stale_days: int) -> None:
    st.subheader(title)
    reviewed = entry.last_reviewed()
    st.caption(t("library.freshness", reviewed=date_text(reviewed.date()) if reviewed else "—", uses=uses))
    if stale:
        st.warning(t("library.stale", days=stale_days))
    tab_versions, tab_edit, tab_review, tab_diff = st.tabs(
        [t("library.versions"), t("library.edit"), t("library.review"), t("library.diff")])
    with tab_versions:
        versions_panel(entry)
    with tab_edit:
        edit_panel(lib, entry)
    with tab_review:
        review_panel(entry)
    with tab_diff:
        diff_panel(entry)


st.title(t("library.title"))
# A container that is always there keeps the positions of everything below it stable, so a message
# appearing after a save does not reset the open tab of the clause below.
notice = st.container()
with shown_errors():
    if message := st.session_state.pop("library_message", None):
        notice.success(message)
    lib = get_library()
    settings = load_settings()
    usage = get_store().clause_usage()
    now = datetime.now(timezone.utc)
    if lib.issues:
        with st.expander(f"{t('library.issues')} ({len(lib.issues)})"):
            for issue in lib.issues:
                st.code(str(issue), language=None)
    c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
    text = c1.text_input(t("library.search"), key="library:text").strip()
    categories = c2.multiselect(t("library.category"), lib.category_order(), key="library:category",
                                format_func=lambda c: lib.categories[c].title, placeholder=t("common.choose"))
    metric = c3.selectbox(t("library.metric"), [m for m in METRICS if m != "other"], index=None,
                          format_func=metric_label, key="library:metric", placeholder=t("common.choose"))
    statuses = c4.multiselect(t("library.status"), STATUSES, format_func=lambda s: t("status." + s),
                              key="library:status", placeholder=t("common.choose"))
    found = [e for e in lib.clauses.values() if matches(e, text, categories, metric, statuses)]
    stale = {e.id for e in found if is_stale(e, settings.stale_after_days, now)}
    st.caption(t("library.results", n=len(found)) + (" · " + t("library.stale_count", n=len(stale),
                                                              days=settings.stale_after_days) if stale else ""))
    order = {c: i for i, c in enumerate(lib.category_order())}
    found.sort(key=lambda e: (order.get(e.category, 99), e.id))
    titles = clause_titles(lib)
    # (a table of no rows would say "empty" on its canvas, in English; the count above says it)
    if found:
        st.dataframe([{t("col.title"): titles[e.id],
                       t("library.category"): (lib.categories[e.category].title if e.category in lib.categories
                                               else e.category),
                       t("col.latest"): f"v{e.latest().version}",
                       t("col.status"): t("status." + e.status(e.latest().version)),
                       t("col.reviewed"): date_text(e.last_reviewed().date()) if e.last_reviewed() else "—",
                       t("col.uses"): usage.get(e.id, 0),
                       t("col.stale"): "⚠" if e.id in stale else ""} for e in found[:500]],
                     hide_index=True, width="stretch")
        picked = st.selectbox(t("library.pick"), [e.id for e in found], key="library:pick",
                              format_func=titles.get)
        clause_detail(lib, lib.clauses[picked], titles[picked], usage.get(picked, 0), picked in stale,
                      settings.stale_after_days)
