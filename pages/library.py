"""条款库 Library: search the clauses, see a clause's versions and its text rendered with defaults."""
from __future__ import annotations

import streamlit as st

from bidkit import templating
from bidkit.library import ClauseEntry, Library
from bidkit.model import METRICS
from ui.messages import metric_label, t
from ui.state import get_library, shown_errors

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


def rendered_with_defaults(entry: ClauseEntry, number: int) -> str:
    version = entry.versions[number]
    values = {name: spec.parse_value(spec.default) for name, spec in version.params.items()
              if spec.default is not None}
    sample = {"bidder": "（投标人）", "hotline": "（服务热线）", "buyer": "（采购人）", "project": "（项目名称）"}
    try:
        return templating.render(version.text, {**sample, **values})
    except templating.RENDER_ERRORS as exc:
        return f"⚠ {exc}"


def clause_detail(lib: Library, entry: ClauseEntry) -> None:
    st.subheader(f"{entry.latest().title} · {entry.id}")
    st.markdown(f"**{t('library.versions')}**")
    st.dataframe([{t("col.version"): f"v{n}", t("col.author"): v.author,
                   t("col.created"): v.created.strftime("%Y-%m-%d %H:%M"), t("col.note"): v.note,
                   t("col.status"): t("status." + entry.status(n)),
                   t("col.params"): "、".join(s.label for s in v.params.values())}
                  for n, v in sorted(entry.versions.items(), reverse=True)],
                 hide_index=True, width="stretch")
    numbers = sorted(entry.versions, reverse=True)
    number = st.selectbox(t("col.version"), numbers, format_func=lambda n: f"v{n} · {t('status.' + entry.status(n))}",
                          key=f"library:version:{entry.id}")
    st.markdown(f"**{t('library.rendered')}**")
    st.info(rendered_with_defaults(entry, number))
    reviews = [r for n in numbers for r in entry.reviews.get(n, [])]
    for review in sorted(reviews, key=lambda r: r.at, reverse=True):
        st.caption(f"v{review.version} {t('status.' + review.event)} · {review.reviewer} · "
                   f"{review.at:%Y-%m-%d %H:%M}" + (f" · {review.comment}" if review.comment else ""))


st.title(t("library.title"))
with shown_errors():
    lib = get_library()
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
    st.caption(t("library.results", n=len(found)))
    order = {c: i for i, c in enumerate(lib.category_order())}
    found.sort(key=lambda e: (order.get(e.category, 99), e.id))
    st.dataframe([{t("col.clause"): e.id, t("col.title"): e.latest().title,
                   t("library.category"): lib.categories[e.category].title if e.category in lib.categories else e.category,
                   t("col.latest"): f"v{e.latest().version}",
                   t("col.status"): t("status." + e.status(e.latest().version))} for e in found[:500]],
                 hide_index=True, width="stretch")
    if found:
        picked = st.selectbox(t("library.pick"), [e.id for e in found], key="library:pick",
                              format_func=lambda c: f"{lib.clauses[c].latest().title} ({c})")
        clause_detail(lib, lib.clauses[picked])
