"""Editing a clause as its next version, reviewing versions, and diffing them (the library page)."""
from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st
import yaml
from pydantic import ValidationError

from bidkit import library, templating, yamlio
from bidkit.diff import diff_versions, redline_chapter
from bidkit.errors import BidkitError, ConflictError, LibraryError
from bidkit.library import ClauseEntry, Library
from bidkit.merge3 import has_markers, merge3
from bidkit.model import ClauseVersion, NewVersion
from bidkit.render_docx import render_docx
from bidkit.settings import load_settings
from bidkit.yamlio import validation_problems
from ui.auth import current_identity, may_review
from ui.messages import coded_text, date_text, error_text, t
from ui.state import folders, get_library, shown_errors

FORM_FIELDS = {"title": "edit.title", "params": "edit.params", "text": "edit.text"}


def render_with_defaults(version: ClauseVersion | NewVersion) -> str:
    """The text with the defaults (a stand-in where a parameter has none) and sample bid details."""
    values, _others = templating.sample_values(version.params)
    return templating.render(version.text, {**templating.SAMPLE_BID, **values})


def _draft_from_form(entry: ClauseEntry, based_on: int, prefix: str) -> tuple[NewVersion | None, list[str]]:
    """The edited version as the user has it now, and every problem with it."""
    if unresolved := [t("merge.unresolved", field=t(label)) for name, label in FORM_FIELDS.items()
                      if has_markers(st.session_state.get(f"{prefix}:{name}", ""))]:
        return None, unresolved
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


def _form_fields(version: ClauseVersion) -> dict[str, str]:
    """A version's title, parameters (as YAML) and text, as the form holds them."""
    params = yaml.safe_dump({n: s.model_dump(exclude_none=True) for n, s in version.params.items()},
                            allow_unicode=True, sort_keys=False, width=1000)
    return {"title": version.title, "params": params, "text": version.text}


def _load_into_form(prefix: str, version: ClauseVersion) -> None:
    for name, value in _form_fields(version).items():
        st.session_state[f"{prefix}:{name}"] = value
    st.session_state[f"{prefix}:note"] = ""
    st.session_state[f"{prefix}:based_on"] = version.version


def _as_version(entry: ClauseEntry, draft: NewVersion, number: int) -> ClauseVersion:
    """The draft as the version it would become, to diff it."""
    return ClauseVersion(id=entry.id, version=number, category=entry.category, title=draft.title,
                         author=current_identity().name or "—", created=datetime.now(timezone.utc),
                         note=draft.note, params=draft.params, text=draft.text)


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
        conflict_panel(entry, prefix, draft)
    elif merged := st.session_state.get(f"{prefix}:merged"):
        merged_panel(entry, merged, draft)
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
            for name in ("based_on", "conflict", "merged"):
                st.session_state.pop(f"{prefix}:{name}", None)
            st.session_state.library_message = t("edit.saved", id=entry.id, version=version.version)
            st.rerun()


def conflict_panel(entry: ClauseEntry, prefix: str, draft: NewVersion | None) -> None:
    """Someone saved first: show what they saved against this edit, and offer to redo it on top."""
    latest = entry.latest()
    st.error(t("edit.conflict", message=st.session_state[f"{prefix}:conflict"]))
    if draft is not None:
        st.caption(t("edit.conflict_diff", version=latest.version))
        st.html(diff_versions(latest, _as_version(entry, draft, latest.version + 1)).to_html())
    st.button(t("edit.rebase", version=latest.version), key=f"{prefix}:rebase", on_click=_merge_on_top,
              args=(prefix, entry.versions[st.session_state[f"{prefix}:based_on"]], latest))


def _merge_on_top(prefix: str, base: ClauseVersion, theirs: ClauseVersion) -> None:
    """Redo my edit of `base` on top of `theirs`: a three-way merge of the title, the parameters and
    the text, into the form; their changes are kept, and where both touched one passage both sides
    stand between markers, which keep the save disabled until the writer resolves them. Nothing is
    saved here: the writer reads the result and saves it with a click of their own."""
    state, conflicts = st.session_state, 0
    base_fields, their_fields = _form_fields(base), _form_fields(theirs)
    for name in FORM_FIELDS:
        merged = merge3(base_fields[name], state.get(f"{prefix}:{name}", ""), their_fields[name])
        state[f"{prefix}:{name}"] = merged.marked(t("merge.mine"),
                                                  t("merge.theirs", version=theirs.version, author=theirs.author))
        conflicts += len(merged.conflicts)
    state[f"{prefix}:based_on"] = theirs.version
    state[f"{prefix}:merged"] = {"version": theirs.version, "conflicts": conflicts}
    state.pop(f"{prefix}:conflict", None)


def merged_panel(entry: ClauseEntry, merged: dict, draft: NewVersion | None) -> None:
    """After a merge: what it did, where the two edits met, and the merged text against theirs."""
    if merged["conflicts"]:
        st.warning(t("merge.conflicts", n=merged["conflicts"], version=merged["version"]))
    else:
        st.info(t("merge.done", version=merged["version"]))
    if draft is not None and merged["version"] in entry.versions:
        st.caption(t("merge.diff", version=merged["version"]))
        theirs = entry.versions[merged["version"]]
        st.html(diff_versions(theirs, _as_version(entry, draft, theirs.version + 1)).to_html())


def review_panel(entry: ClauseEntry) -> None:
    """Approve or retire a version with a comment; the history is shown and cannot be changed."""
    with shown_errors():
        settings = load_settings()
        allowed, reason = may_review(settings)
        numbers = sorted(entry.versions, reverse=True)
        col1, col2 = st.columns(2)
        # a key without the version count, and labels without the status (the browser sends the
        # label back): a version saved or approved meanwhile leaves the selection where it was
        number = col1.selectbox(t("col.version"), numbers, key=f"review:{entry.id}:version",
                                format_func=lambda n: f"v{n}")
        event = col2.radio(t("review.event"), ["approved", "retired"], horizontal=True,
                           format_func=lambda e: t("review." + e), key=f"review:{entry.id}:event")
        version = entry.versions[number]
        _reading_panel(entry, version)
        st.text_input(t("review.comment"), key=f"review:{entry.id}:comment")
        who = current_identity()
        own = event == "approved" and not settings.one_person_team and library.authored_by(
            version, [who.email or "", who.name])
        if not allowed:
            st.info(reason)
        elif own:
            st.warning(t("err.review-own-version", id=entry.id, version=number, author=version.author))
        if error := st.session_state.pop(f"review:{entry.id}:error", None):
            st.error(error)
        # the click records the version and the text shown with this button, whatever the page
        # holds by the time the click arrives
        st.button(t("review.record"), key=f"review:{entry.id}:record", disabled=not allowed or own, type="primary",
                  on_click=_record_review, args=(entry.id, number, library.version_digest(version)))
    history = sorted((r for n in entry.versions for r in entry.reviews.get(n, [])), key=lambda r: r.at, reverse=True)
    st.markdown(f"**{t('review.history')}**")
    rows = [{t("col.version"): f"v{n}", t("col.author"): v.author, t("col.created"): f"{v.created:%Y-%m-%d %H:%M}",
             t("review.event"): t("review.created"), t("col.note"): v.note} for n, v in entry.versions.items()]
    rows += [{t("col.version"): f"v{r.version}", t("col.author"): r.reviewer, t("col.created"): f"{r.at:%Y-%m-%d %H:%M}",
              t("review.event"): t("review." + r.event), t("col.note"): r.comment} for r in history]
    rows.sort(key=lambda r: r[t("col.created")], reverse=True)
    st.dataframe(rows, hide_index=True, width="stretch")


def _reading_panel(entry: ClauseEntry, version: ClauseVersion) -> None:
    """The version under review: who wrote it and why, its text, and what it changes against the
    latest approved other version."""
    st.markdown(t("review.reading", version=version.version, status=t("status." + entry.status(version.version)),
                  author=version.author, created=date_text(version.created), note=version.note or "—"))
    approved = [n for n in entry.versions if n != version.version and entry.status(n) == "approved"]
    if approved:
        st.caption(t("review.against", version=max(approved)))
        st.html(diff_versions(entry.versions[max(approved)], version).to_html())
    else:
        st.caption(t("review.no_approved"))
        st.text_area(t("review.template"), version.text, disabled=True, height=160,
                     key=f"review:{entry.id}:text:{version.version}")
    try:
        st.info(render_with_defaults(version))
    except templating.RENDER_ERRORS as exc:
        st.error(error_text(exc))


def _record_review(clause_id: str, number: int, seen_digest: str) -> None:
    """The review button's click: record the event for the version it was shown with, if the
    selection still names it and its text is still the one read (the core checks that)."""
    state = st.session_state
    selected = state.get(f"review:{clause_id}:version")
    if selected != number:
        state[f"review:{clause_id}:error"] = t("review.moved", now=selected, seen=number)
        return
    event = state.get(f"review:{clause_id}:event", "approved")
    who = current_identity()
    try:
        settings = load_settings()
        if not may_review(settings)[0]:
            return
        library.record_review(folders().library, get_library(), clause_id, number, event, who.email or who.name,
                              state.get(f"review:{clause_id}:comment", ""), verified=who.signed_in,
                              seen_digest=seen_digest, also_known_as=[who.name],
                              one_person_team=settings.one_person_team)
    except ConflictError as exc:
        state[f"review:{clause_id}:error"] = t("error.conflict", message=error_text(exc))
    except BidkitError as exc:
        state[f"review:{clause_id}:error"] = t("error.prefix", message=error_text(exc))
    else:
        state.library_message = t("review.recorded", id=clause_id, version=number, event=t("review." + event))


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
