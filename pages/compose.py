"""编写 Compose: start a bid, fill in its details and clauses, see the findings and the preview, download."""
from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

from bidkit import bidfile, workspace
from bidkit.check import open_rows
from bidkit.compose import compose
from bidkit.library import Library
from bidkit.model import Bid, ClauseChoice, Finding, Office, StaffMember
from bidkit.render_docx import render_docx
from bidkit.render_html import render_html
from bidkit.userfile import MB
from ui.decisions import decisions_panel
from ui.fixes import open_clause_button
from ui.messages import finding_text, t
from ui.risks import anonymous_toggle
from ui.score import score_panel
from ui.state import (COMPOSE_TABS, actor, ask_template, autosave_draft, confirm, confirm_dialog, dismiss_draft,
                      draft_offer, draft_saved_text, get_bid, get_library, get_store, key, mark_saved, new_bid,
                      remember, replace_asking, restore_draft, saved_revision, set_bid, shown_errors, undo_button,
                      without_missing)
from ui.upgrades import describe, upgrade_notice
from ui.xlsx import xlsx_download_button
from ui.widgets import clause_titles, param_widget, rows_editor


def _pick(label: str, names: list[str], key_: str) -> int | None:
    """A list to choose from and a load button; the chosen index once the button is pressed."""
    chosen = st.selectbox(label, names, key=key_)
    return names.index(chosen) if st.button(t("compose.load"), key=f"{key_}:load") else None


def _opened(name: str) -> None:
    st.session_state.compose_message = t("compose.loaded", name=name)


def template_tab() -> None:
    """A template into a new bid (its own project details and requirements start empty) or into
    the current one (which keeps them): the writer says which."""
    templates, _problems = get_store().list_saved("template")
    if not templates:
        st.info(t("compose.no_templates"))
        return
    names = [s.model.name for s in templates]
    chosen = st.selectbox(t("compose.from_template"), names, key="start:template")
    new_col, into_col = st.columns(2)
    new = new_col.button(t("compose.template_new"), key="start:template:new", help=t("compose.template_new_help"))
    into = into_col.button(t("compose.template_into"), key="start:template:load",
                           help=t("compose.template_into_help"))
    if new or into:
        ask_template(templates[names.index(chosen)].model, new=new, message_key="compose_message")


def start_panel() -> None:
    with st.expander(t("compose.start"), expanded=False):
        tab_template, tab_blank, tab_upload, tab_saved = st.tabs(
            [t("compose.from_template"), t("compose.blank"), t("compose.upload"), t("compose.saved")])
        with tab_template:
            template_tab()
        with tab_blank:
            if st.button(t("compose.new_blank"), key="start:blank"):
                replace_asking(t("confirm.blank"), new_bid)
        with tab_upload:
            upload = st.file_uploader(t("compose.upload"), type=["yaml", "yml"], key="start:upload",
                                      max_upload_size=math.ceil(bidfile.MAX_BYTES / MB))
            if upload is not None and st.button(t("compose.load"), key="start:upload:load"):
                with shown_errors():
                    # the browser holds to the limit above, but a request can come from elsewhere
                    bidfile.check_size(upload.size, upload.name)
                    bid = bidfile.parse(bidfile.decode(upload.getvalue(), upload.name), Bid, upload.name)

                    def open_upload() -> None:
                        set_bid(bid, upload.name.rsplit(".", 1)[0], t("undo.open", name=upload.name))
                        _opened(upload.name)
                    replace_asking(t("confirm.open", name=upload.name), open_upload)
        with tab_saved:
            saved, problems = get_store().list_saved("bid")
            for problem in problems:
                st.warning(problem)
            if not saved:
                st.info(t("compose.no_saved"))
            elif (index := _pick(t("compose.saved"), [s.key for s in saved], "start:saved")) is not None:
                chosen = saved[index]

                def open_saved() -> None:
                    set_bid(chosen.model, chosen.key, t("undo.open", name=chosen.key), chosen)
                    _opened(chosen.key)
                replace_asking(t("confirm.open", name=chosen.key), open_saved)


def draft_panel() -> None:
    """The bid a reload or another tab left unsaved, to take back (or leave) at the top of the page."""
    offer = draft_offer()
    if offer is None:
        return
    with st.container(border=True, key="draft:offer"):
        st.info(draft_saved_text(offer), icon=":material/history:")
        restore, dismiss = st.columns(2)
        restore.button(t("draft.restore"), type="primary", key="draft:restore", on_click=restore_draft)
        dismiss.button(t("draft.dismiss"), key="draft:dismiss", on_click=dismiss_draft,
                       help=t("draft.dismiss_help"))


def details_form(bid: Bid) -> None:
    col1, col2 = st.columns(2)
    with col1:
        bid.project = st.text_input(t("field.project"), bid.project, key=key("project"))
        bid.project_number = st.text_input(t("field.project_number"), bid.project_number, key=key("number"))
        bid.buyer = st.text_input(t("field.buyer"), bid.buyer, key=key("buyer"))
        bid.chapter.number = int(st.number_input(t("field.chapter_number"), 1, 99, bid.chapter.number,
                                                 key=key("chapter_number")))
        bid.chapter.title = st.text_input(t("field.chapter_title"), bid.chapter.title, key=key("chapter_title"))
    with col2:
        bid.bidder.name = st.text_input(t("field.bidder"), bid.bidder.name, key=key("bidder"))
        bid.bidder.address = st.text_input(t("field.address"), bid.bidder.address, key=key("address"))
        bid.bidder.hotline = st.text_input(t("field.hotline"), bid.bidder.hotline, key=key("hotline"))
        bid.bidder.contact = st.text_input(t("field.contact"), bid.bidder.contact, key=key("contact"))


def _move(index: int, neighbour: int) -> None:
    clauses = st.session_state.bid.clauses
    clauses[index], clauses[neighbour] = clauses[neighbour], clauses[index]


def _remove(clause_id: str, title: str) -> None:
    remember(t("undo.remove", title=title))
    bid = st.session_state.bid
    bid.clauses = [c for c in bid.clauses if c.id != clause_id]


def _remove_button(place, clause_id: str, title: str, label: str) -> None:
    """Remove a clause from the bid once the writer confirms; 撤销 puts it back."""
    if place.button(label, key=key("remove", clause_id), help=t("compose.remove")):
        confirm(t("confirm.remove", title=title), t("compose.remove"), lambda: _remove(clause_id, title))


def _use_version(clause_id: str, version: int) -> None:
    for choice in st.session_state.bid.clauses:
        if choice.id == clause_id:
            choice.version = version
    st.session_state.bid_gen += 1  # the clause's widgets start again from its values


def missing_card(choice: ClauseChoice, lib: Library) -> None:
    """A chosen clause the library does not have, or not in this version: what is wrong, and the
    way out (another version of it, when there is one, or removing it)."""
    entry = lib.clauses.get(choice.id)
    with st.container(border=True):
        if entry is None:
            st.error(t("compose.missing_clause", id=choice.id), icon=":material/error:")
            _remove_button(st, choice.id, choice.id, t("compose.remove"))
            return
        title = entry.latest().title
        versions = sorted(entry.versions, reverse=True)
        st.error(t("compose.missing_version", title=title, version=choice.version,
                   have="、".join(f"v{n}" for n in versions)), icon=":material/error:")
        pick, use, remove = st.columns([4, 2, 1], vertical_alignment="bottom")
        offered = (entry.latest_approved() or entry.latest()).version
        version = pick.selectbox(t("compose.other_version"), versions, index=versions.index(offered),
                                 key=key("other_version", choice.id),
                                 format_func=lambda v: t("compose.version", version=v,
                                                         status=t("status." + entry.status(v))))
        use.button(t("compose.use_version"), key=key("use_version", choice.id), type="primary",
                   on_click=_use_version, args=(choice.id, version))
        _remove_button(remove, choice.id, title, t("compose.remove"))


def _add(lib: Library) -> None:
    clause_id = st.session_state.get(key("add_clause"))
    bid = st.session_state.bid
    if not clause_id or any(c.id == clause_id for c in bid.clauses):
        return
    entry = lib.clause(clause_id)
    version = entry.latest_approved() or entry.latest()
    bid.clauses.append(ClauseChoice(id=clause_id, version=version.version))


def _clause_label(lib: Library, titles: dict[str, str], clause_id: str) -> str:
    entry = lib.clauses[clause_id]
    category = lib.categories.get(entry.category)
    return f"{category.title if category else entry.category} · {titles[clause_id]}"


def clause_editor(bid: Bid, lib: Library, missing: list[ClauseChoice]) -> None:
    """The chosen clauses, one chapter section (category) at a time; those the library does not
    have (`missing`) first, each as a card that says so.

    Showing one section keeps each rerun to a few dozen widgets even for a bid of sixty clauses;
    values live in the bid, so a section's widgets come back with them when it is shown again.
    """
    chosen = {c.id for c in bid.clauses}
    available = [c for c in lib.clauses if c not in chosen]
    titles = clause_titles(lib)
    add_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
    with add_col:
        st.selectbox(t("compose.add_clause"), available, index=None, key=key("add_clause"),
                     format_func=lambda c: _clause_label(lib, titles, c), placeholder=t("common.choose"))
    with button_col:
        st.button(t("compose.add"), key=key("add_button"), on_click=_add, args=(lib,))
    for choice in missing:
        missing_card(choice, lib)
    by_category: dict[str, list[int]] = {}
    for index, choice in enumerate(bid.clauses):
        if choice not in missing:
            by_category.setdefault(lib.clauses[choice.id].category, []).append(index)
    if not by_category:
        st.info(t("compose.no_clauses"))
        return
    categories = [c for c in lib.category_order() if c in by_category]
    categories += sorted(set(by_category) - set(categories))

    def title(category: str) -> str:
        meta = lib.categories.get(category)
        return f"{meta.title if meta else category} ({len(by_category[category])})"

    category = st.selectbox(t("compose.section"), categories, format_func=title, key=key("section"))
    indices = by_category[category or categories[0]]
    for position, index in enumerate(indices):
        before = indices[position - 1] if position > 0 else None
        after = indices[position + 1] if position + 1 < len(indices) else None
        clause_card(bid.clauses[index], lib.clauses[bid.clauses[index].id], index, before, after)


def clause_card(choice: ClauseChoice, entry, index: int, before: int | None, after: int | None) -> None:
    version = entry.versions[choice.version]
    status = entry.status(choice.version)
    with st.container(border=True):
        head, up, down, remove = st.columns([6, 1, 1, 1], vertical_alignment="center")
        with head:
            st.markdown(f"**{version.title}**  \n"
                        + t("compose.version", version=choice.version, status=t("status." + status)))
            newest = entry.latest_approved()
            if newest and newest.version > choice.version:
                st.warning(t("compose.newer", version=newest.version))
        up.button("↑", key=key("up", choice.id), help=t("compose.up"), on_click=_move,
                  args=(index, before), disabled=before is None)
        down.button("↓", key=key("down", choice.id), help=t("compose.down"), on_click=_move,
                    args=(index, after), disabled=after is None)
        _remove_button(remove, choice.id, version.title, "✕")
        for name, spec in version.params.items():
            raw = choice.params.get(name, spec.default)
            choice.params[name] = param_widget(choice.id, name, spec, raw)


def missing_finding(choice: ClauseChoice, lib: Library) -> Finding:
    """A clause the library does not have blocks the final chapter, which would silently lack it."""
    entry = lib.clauses.get(choice.id)
    return Finding(kind="status", status=t("compose.missing_status"), blocking=True, clause_id=choice.id,
                   message=t("compose.missing_finding", title=entry.latest().title if entry else choice.id))


def people_editor(bid: Bid) -> None:
    st.markdown(f"**{t('compose.staff')}**")
    bid.staff = rows_editor(bid.staff, StaffMember, {"name": t("col.name"), "role": t("col.role"),
                                                     "certificate": t("col.certificate"),
                                                     "phone": t("col.phone")}, "staff")
    st.markdown(f"**{t('compose.offices')}**")
    bid.offices = rows_editor(bid.offices, Office, {"city": t("col.city"), "address": t("col.address"),
                                                    "phone": t("col.phone")}, "offices")


def findings_panel(result, lib: Library) -> None:
    """Blocking findings first, then what needs a look; what is met is folded away."""
    st.subheader(t("findings.title"))
    req = result.requirement_findings
    if not req:
        st.info(t("findings.none"))
    else:
        ok = sum(1 for f in req if f.status in ("正偏离", "无偏离"))
        st.caption(t("findings.summary", total=len(req), ok=ok, blocking=len(result.blocking)))
    undecided = open_rows(result)
    open_ids = {id(f) for f in undecided}
    if not result.blocking and not undecided:
        st.success(t("findings.clean"), icon=":material/task_alt:")
    met, look = [], []
    for n, finding in enumerate(result.findings):
        subject = finding.requirement.text if finding.requirement else ""
        line = f"**{finding.status}** {subject}  \n{finding_text(finding)}"
        if finding.blocking:
            st.error(f"{t('findings.blocking')} · {line}", icon=":material/block:")
            open_clause_button(finding, f"finding{n}", lib)
        elif finding.kind == "requirement" and finding.status in ("正偏离", "无偏离"):
            met.append(line)
        elif id(finding) not in open_ids:  # an open row is shown once, with the form that decides it
            look.append((n, line, finding))
    for n, line, finding in look:
        st.warning(line, icon=":material/help:")
        open_clause_button(finding, f"finding{n}", lib)
    decisions_panel(result, lib)
    if met:
        with st.expander(t("findings.met", n=len(met))):
            for line in met:
                st.markdown(line)


def output_panel(bid: Bid, chapter, draft_chapter, lib: Library) -> None:
    st.subheader(t("output.title"))
    blocking = chapter.check.blocking
    undecided = open_rows(chapter.check)
    name = st.session_state.get("bid_name", "bid")
    if blocking:
        st.error(t("output.final_blocked", n=len(blocking), first=finding_text(blocking[0])))
    if undecided:
        st.warning(t("decide.open_count", n=len(undecided)), icon=":material/rule:")
    st.download_button(t("output.final"), data=lambda: render_docx(chapter),
                       file_name=workspace.download_name(bid, False, "docx"),
                       disabled=bool(blocking or undecided), key="download:final", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("output.draft"), data=lambda: render_docx(draft_chapter),
                       file_name=workspace.download_name(bid, True, "docx"), key="download:draft", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("output.yaml"), data=lambda: bidfile.to_yaml(bid), file_name=workspace.download_name(bid, False, "yaml"),
                       mime="application/x-yaml", key="download:yaml", on_click="ignore")
    xlsx_download_button(bid, lib, chapter.check)
    save_name = st.text_input(t("output.save_name"), name, key=key("save_name"))
    if st.button(t("output.save"), key="save"):
        with shown_errors():
            same = save_name == st.session_state.get("bid_name")
            saved = get_store().save("bid", save_name, bid, saved_revision() if same else None, actor())
            st.session_state.bid_name = save_name
            mark_saved(saved)
            st.success(t("output.saved", name=saved.key))


st.title(t("compose.title"))
with shown_errors():
    library_ = get_library()
    bid_ = get_bid()
    confirm_dialog()
    draft_panel()
    undo_button("compose")
    start_panel()
    if message := st.session_state.pop("compose_message", None):
        st.success(message)
    upgraded = upgrade_notice(bid_.clauses, library_, "bid")
    if upgraded is not None:
        bid_.clauses, results = upgraded
        st.session_state.bid_gen += 1  # the upgraded clauses get fresh widgets
        st.session_state.compose_message = t("upgrade.done") + "\n\n" + describe(results)
        st.rerun()
    left, right = st.columns([3, 2], gap="large")
    with left:
        # keyed, so that a finding's "open the clause" can switch to the clauses tab (ui/fixes.py)
        tab_details, tab_clauses, tab_people, tab_score = st.tabs(
            [t("compose.details"), t("compose.clauses"), f"{t('compose.staff')} / {t('compose.offices')}",
             t("scorep.tab")], key=COMPOSE_TABS, on_change="rerun")
        with tab_details:
            details_form(bid_)
            anonymous_toggle()
        rest_, missing_ = without_missing(bid_, library_)
        with tab_clauses:
            clause_editor(bid_, library_, missing_)
        with tab_people:
            people_editor(bid_)
        with tab_score:
            score_panel(bid_, rest_, library_)
    chapter_ = compose(rest_, library_)
    chapter_.check.findings[:0] = [missing_finding(c, library_) for c in missing_]
    with right:
        output_panel(bid_, chapter_, replace(chapter_, draft=True), library_)
        findings_panel(chapter_.check, library_)
    with st.expander(t("preview.title"), expanded=True):
        st.html(render_html(chapter_))
    autosave_draft()
