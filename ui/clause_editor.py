"""Editing a clause as its next version, reviewing versions, and diffing them (the library page)."""
from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st
import yaml
from pydantic import ValidationError

from bidkit import library, templating, yamlio
from bidkit.diff import diff_versions, redline_chapter
from bidkit.errors import ConflictError, LibraryError
from bidkit.library import ClauseEntry, Library
from bidkit.model import ClauseVersion, NewVersion
from bidkit.render_docx import render_docx
from bidkit.settings import load_settings
from bidkit.yamlio import validation_problems
from ui.auth import current_identity, may_review
from ui.messages import coded_text, error_text, t
from ui.state import folders, shown_errors


def render_with_defaults(version: ClauseVersion | NewVersion) -> str:
    """The text with the defaults (a stand-in where a parameter has none) and sample bid details."""
    values, _others = templating.sample_values(version.params)
    return templating.render(version.text, {**templating.SAMPLE_BID, **values})


def _draft_from_form(entry: ClauseEntry, based_on: int, prefix: str) -> tuple[NewVersion | None, list[str]]:
    """The edited version as the user has it now, and every problem with it."""
    params_text = st.session_state.get(f"{prefix}:params", "")
    # the same guarded reader as every YAML file: depth and alias bombs are refused, never expanded
    params, problems = yamlio.load_mapping(params_text) if params_text.strip() else ({}, [])
    if problems:
        problem = problems[0]
        return None, [t("edit.params_yaml", line=problem.line or "?", problem=coded_text(problem))]
    try:
        draft = NewVersion(id=entry.id, category=entry.category, based_on=based_on,
                           title=st.session_state.get(f"{prefix}:title", ""),
                           note=st.session_state.get(f"{prefix}:note", ""), params=params,
                           text=st.session_state.get(f"{prefix}:text", ""))
    except ValidationError as exc:
        return None, [p.message for p in validation_problems("", exc)]
    # rendered with the defaults and each extreme value, as saving will: a problem shows before the click
    return draft, [error_text(p) for p in templating.clause_problems(draft.text, draft.params, render_samples=True)]


def _load_into_form(prefix: str, version: ClauseVersion, keep_text: bool = False) -> None:
    st.session_state[f"{prefix}:title"] = version.title
    st.session_state[f"{prefix}:params"] = yaml.safe_dump(
        {n: s.model_dump(exclude_none=True) for n, s in version.params.items()}, allow_unicode=True,
        sort_keys=False, width=1000)
    if not keep_text:
        st.session_state[f"{prefix}:text"] = version.text
        st.session_state[f"{prefix}:note"] = ""
    st.session_state[f"{prefix}:based_on"] = version.version


def edit_panel(lib: Library, entry: ClauseEntry) -> None:
    """Edit the latest version's text and parameters, see it rendered and checked, save the next version."""
    prefix = f"edit:{entry.id}"
    if f"{prefix}:based_on" not in st.session_state:
        _load_into_form(prefix, entry.latest())
    based_on = st.session_state[f"{prefix}:based_on"]
    st.caption(t("edit.based_on", version=based_on))
    left, right = st.columns(2)
    with left:
        st.text_input(t("edit.title"), key=f"{prefix}:title")
        st.text_area(t("edit.text"), key=f"{prefix}:text", height=220, help=t("edit.text_help"))
        st.text_area(t("edit.params"), key=f"{prefix}:params", height=180, help=t("edit.params_help"))
        st.text_input(t("edit.note"), key=f"{prefix}:note", placeholder=t("edit.note_placeholder"))
    draft, problems = _draft_from_form(entry, based_on, prefix)
    with right:
        st.markdown(f"**{t('library.rendered')}**")
        if problems:
            for problem in problems:
                st.error(problem)
        else:
            st.info(render_with_defaults(draft))
    author = current_identity().name
    if not author:
        st.warning(t("edit.need_name"))
    conflict = st.session_state.get(f"{prefix}:conflict")
    if conflict:
        conflict_panel(lib, entry, prefix, draft)
    saved = st.button(t("edit.save"), type="primary", key=f"{prefix}:save",
                      disabled=bool(problems) or not author or not (st.session_state.get(f"{prefix}:note") or "").strip())
    if saved and draft is not None:
        try:
            version = library.new_version(folders().library, draft, author=author, note=draft.note)
        except ConflictError as exc:
            st.session_state[f"{prefix}:conflict"] = error_text(exc)
            st.rerun()
        except LibraryError as exc:
            st.error(t("error.prefix", message=error_text(exc)))
        else:
            st.session_state.pop(f"{prefix}:based_on", None)
            st.session_state.pop(f"{prefix}:conflict", None)
            st.session_state.library_message = t("edit.saved", id=entry.id, version=version.version)
            st.rerun()


def conflict_panel(lib: Library, entry: ClauseEntry, prefix: str, draft: NewVersion | None) -> None:
    """Someone saved first: show what they saved against this edit, and offer to redo it on top."""
    latest = entry.latest()
    st.error(t("edit.conflict", message=st.session_state[f"{prefix}:conflict"]))
    if draft is not None:
        mine = ClauseVersion(id=entry.id, version=latest.version + 1, category=entry.category, title=draft.title,
                             author=current_identity().name or "—", created=datetime.now(timezone.utc),
                             note=draft.note, params=draft.params, text=draft.text)
        st.caption(t("edit.conflict_diff", version=latest.version))
        st.html(diff_versions(latest, mine).to_html())

    def rebase() -> None:
        _load_into_form(prefix, latest, keep_text=True)
        st.session_state.pop(f"{prefix}:conflict", None)

    st.button(t("edit.rebase", version=latest.version), key=f"{prefix}:rebase", on_click=rebase)


def review_panel(lib: Library, entry: ClauseEntry) -> None:
    """Approve or retire a version with a comment; the history is shown and cannot be changed."""
    with shown_errors():
        settings = load_settings()
        allowed, reason = may_review(settings)
        numbers = sorted(entry.versions, reverse=True)
        col1, col2 = st.columns(2)
        number = col1.selectbox(t("col.version"), numbers, key=f"review:{entry.id}:version:{len(numbers)}",
                                format_func=lambda n: f"v{n} · {t('status.' + entry.status(n))}")
        event = col2.radio(t("review.event"), ["approved", "retired"], horizontal=True,
                           format_func=lambda e: t("review." + e), key=f"review:{entry.id}:event")
        comment = st.text_input(t("review.comment"), key=f"review:{entry.id}:comment")
        if not allowed:
            st.info(reason)
        if st.button(t("review.record"), key=f"review:{entry.id}:record", disabled=not allowed, type="primary"):
            who = current_identity()
            library.record_review(folders().library, lib, entry.id, number, event,
                                  who.email or who.name, comment, verified=who.signed_in)
            st.session_state.library_message = t("review.recorded", id=entry.id, version=number,
                                                 event=t("review." + event))
            st.rerun()
    history = sorted((r for n in entry.versions for r in entry.reviews.get(n, [])), key=lambda r: r.at, reverse=True)
    st.markdown(f"**{t('review.history')}**")
    rows = [{t("col.version"): f"v{n}", t("col.author"): v.author, t("col.created"): f"{v.created:%Y-%m-%d %H:%M}",
             t("review.event"): t("review.created"), t("col.note"): v.note} for n, v in entry.versions.items()]
    rows += [{t("col.version"): f"v{r.version}", t("col.author"): r.reviewer, t("col.created"): f"{r.at:%Y-%m-%d %H:%M}",
              t("review.event"): t("review." + r.event), t("col.note"): r.comment} for r in history]
    rows.sort(key=lambda r: r[t("col.created")], reverse=True)
    st.dataframe(rows, hide_index=True, width="stretch")


def diff_panel(entry: ClauseEntry) -> None:
    numbers = sorted(entry.versions)
    if len(numbers) < 2:
        st.info(t("diff.one_version"))
        return
    col1, col2 = st.columns(2)
    # keys carry the version count, so a newly saved version becomes the default comparison
    old = col1.selectbox(t("diff.from"), numbers, index=len(numbers) - 2, key=f"diff:{entry.id}:from:{len(numbers)}",
                         format_func=lambda n: f"v{n}")
    new = col2.selectbox(t("diff.to"), numbers, index=len(numbers) - 1, key=f"diff:{entry.id}:to:{len(numbers)}",
                         format_func=lambda n: f"v{n}")
    diff = diff_versions(entry.versions[old], entry.versions[new])
    st.html(diff.to_html())
    st.download_button(t("diff.redline"), data=lambda: render_docx(redline_chapter(diff)),
                       file_name=f"{entry.id}-v{old}-v{new}-修订.docx", key=f"diff:{entry.id}:redline",
                       on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
