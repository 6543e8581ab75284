"""Editing a clause as its next version, reviewing versions, and diffing them (the library page)."""
from __future__ import annotations

from datetime import datetime, timezone

import streamlit as st
from pydantic import ValidationError

from bidkit import library, params_form, templating
from bidkit.diff import diff_versions, redline_chapter
from bidkit.errors import BidkitError, ConflictError, LibraryError
from bidkit.library import ClauseEntry, Library
from bidkit.merge3 import has_markers, merge3
from bidkit.model import ClauseVersion, NewVersion
from bidkit.render_docx import render_docx
from bidkit.settings import load_settings
from bidkit.yamlio import validation_problems
from ui import param_form
from ui.auth import current_identity, may_review
from ui.messages import coded_text, date_text, error_text, t
from ui.state import get_library, get_store, shown_errors

# The fields a three-way merge redoes, by their state keys; the parameters as the expert view's YAML.
FORM_FIELDS = {"title": "edit.title", "params": "pform.yaml_label", "text": "pform.text"}


def render_with_defaults(version: ClauseVersion | NewVersion) -> str:
    """The text with the defaults (a stand-in where a parameter has none) and sample bid details."""
    return templating.render(version.text, templating.sample_context(version.params))


def _draft_from_form(entry: ClauseEntry, based_on: int, prefix: str,
                     params: dict | None) -> tuple[NewVersion | None, list[str]]:
    """The edited version as the user has it now, and every problem with it besides the
    parameters' own (`params` is None when they have some: the form shows them per parameter)."""
    if unresolved := [t("merge.unresolved", field=t(label)) for name, label in FORM_FIELDS.items()
                      if has_markers(st.session_state.get(f"{prefix}:{name}", ""))]:
        return None, unresolved
    if param_form.yaml_unapplied(prefix):
        return None, [t("pform.yaml_unapplied")]
    if params is None:
        return None, []
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
    """A version's title, parameters (as the expert view's YAML) and text."""
    return {"title": version.title, "params": params_form.as_yaml(params_form.rows_from_params(version.params)),
            "text": version.text}


def _load_into_form(prefix: str, version: ClauseVersion) -> None:
    st.session_state[f"{prefix}:title"] = version.title
    st.session_state[f"{prefix}:text"] = version.text
    param_form.load_rows(prefix, params_form.rows_from_params(version.params))
    st.session_state[f"{prefix}:note"] = ""
    st.session_state[f"{prefix}:based_on"] = version.version


# The editor's fields typed into widgets (the expert view's YAML included); the parameter rows
# are kept apart by param_form.
_TYPED = ("title", "text", "note", "params")


def _keep_typed(prefix: str) -> None:
    """Streamlit forgets a widget's value after a run that does not draw it, as when the reviewer
    picks another clause: what was typed is kept beside the widgets and put back on return, so
    going to another clause and back loses no edit."""
    state = st.session_state
    kept = state.setdefault(f"{prefix}:typed", {})
    for name in _TYPED:
        key = f"{prefix}:{name}"
        if key in state:
            kept[name] = state[key]
        elif name in kept:
            state[key] = kept[name]


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
    _keep_typed(prefix)
    based_on = st.session_state[f"{prefix}:based_on"]
    st.caption(t("edit.based_on", version=based_on))
    # the form is the source of truth: read the widgets in before anything is drawn from it
    rows = param_form.form_rows(prefix)
    param_form.sync_yaml_view(prefix, rows)
    params, param_problems = params_form.check_rows(rows)
    draft, problems = _draft_from_form(entry, based_on, prefix, params)
    left, right = st.columns(2)
    with left:
        st.text_input(t("edit.title"), key=f"{prefix}:title")
        st.text_area(t("pform.text"), key=f"{prefix}:text", height=220, help=t("pform.text_help"))
        param_form.field_inserter(prefix, rows)
    with right:
        st.markdown(f"**{t('pform.preview')}**")
        if param_problems:
            st.warning(t("pform.problems", n=len(param_problems)))
        for problem in problems:
            st.error(problem)
        if draft is not None and not problems:
            st.html(param_form.preview_html(draft.text, draft.params))
    param_form.params_panel(prefix, rows, param_problems)
    st.text_input(t("edit.note"), key=f"{prefix}:note", placeholder=t("edit.note_placeholder"))
    problems += [coded_text(p) for p in param_problems]
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
            version = get_store().new_version(draft, author=author, note=draft.note)
        except ConflictError as exc:
            st.session_state[f"{prefix}:conflict"] = error_text(exc)
            st.rerun()
        except LibraryError as exc:
            st.error(t("error.prefix", message=error_text(exc)))
        else:
            for name in ("based_on", "conflict", "merged"):
                st.session_state.pop(f"{prefix}:{name}", None)
            st.session_state.library_message = t("edit.saved", title=version.title, version=version.version)
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
    # my parameters as the expert view's YAML, with what was typed in the form just before the click
    param_form.sync_yaml_view(prefix, param_form.form_rows(prefix))
    for name in FORM_FIELDS:
        merged = merge3(base_fields[name], state.get(f"{prefix}:{name}", ""), their_fields[name])
        state[f"{prefix}:{name}"] = merged.marked(t("merge.mine"),
                                                  t("merge.theirs", version=theirs.version, author=theirs.author))
        conflicts += len(merged.conflicts)
    # merged parameters without markers replace the form; with markers they wait in the expert
    # view, unapplied, which keeps the save disabled until the writer resolves and applies them
    if not has_markers(state[f"{prefix}:params"]):
        param_form.apply_yaml(prefix)
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
    events = [(v.created, f"v{n}", v.author, t("review.created"), v.note) for n, v in entry.versions.items()]
    events += [(r.at, f"v{r.version}", r.reviewer, t("review." + r.event), r.comment) for r in history]
    # sorted by the moment itself: the shown date (2026年11月29日 10:25) does not sort as text
    events.sort(key=lambda e: e[0].timestamp(), reverse=True)
    st.dataframe([{t("col.version"): version, t("col.author"): who, t("col.created"): date_text(at),
                   t("review.event"): event, t("col.note"): note} for at, version, who, event, note in events],
                 hide_index=True, width="stretch")


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
        get_store().record_review(get_library(), clause_id, number, event, who.email or who.name,
                                  state.get(f"review:{clause_id}:comment", ""), verified=who.signed_in,
                                  seen_digest=seen_digest, also_known_as=[who.name],
                                  one_person_team=settings.one_person_team)
    except ConflictError as exc:
        state[f"review:{clause_id}:error"] = t("error.conflict", message=error_text(exc))
    except BidkitError as exc:
        state[f"review:{clause_id}:error"] = t("error.prefix", message=error_text(exc))
    else:
        state.library_message = t("review.recorded", title=get_library().version(clause_id, number).title, version=number, event=t("review." + event))


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
