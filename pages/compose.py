"""编写 Compose: start a bid, fill in its details and clauses, see the findings and the preview, download."""
from __future__ import annotations

import math
from dataclasses import replace

import streamlit as st

from bidkit import bidfile, workspace
from bidkit.compose import compose
from bidkit.library import Library
from bidkit.model import Bid, ClauseChoice, Office, StaffMember
from bidkit.render_docx import render_docx
from bidkit.render_html import render_html
from bidkit.userfile import MB
from ui.messages import t
from ui.state import folders, get_bid, get_library, key, load_template, set_bid, shown_errors
from ui.upgrades import describe, upgrade_notice
from ui.widgets import param_widget, rows_editor


def _pick(label: str, names: list[str], key_: str) -> int | None:
    """A list to choose from and a load button; the chosen index once the button is pressed."""
    chosen = st.selectbox(label, names, key=key_)
    return names.index(chosen) if st.button(t("compose.load"), key=f"{key_}:load") else None


def start_panel() -> None:
    with st.expander(t("compose.start"), expanded=False):
        tab_template, tab_blank, tab_upload, tab_saved = st.tabs(
            [t("compose.from_template"), t("compose.blank"), t("compose.upload"), t("compose.saved")])
        with tab_template:
            templates, _problems = workspace.list_templates(folders())
            if not templates:
                st.info(t("compose.no_templates"))
            elif (index := _pick(t("compose.from_template"), [s.model.name for s in templates],
                                 "start:template")) is not None:
                load_template(templates[index].model)
                st.rerun()
        with tab_blank:
            if st.button(t("compose.new_blank"), key="start:blank"):
                set_bid(Bid(), "new-bid")
                st.rerun()
        with tab_upload:
            upload = st.file_uploader(t("compose.upload"), type=["yaml", "yml"], key="start:upload",
                                      max_upload_size=math.ceil(bidfile.MAX_BYTES / MB))
            if upload is not None and st.button(t("compose.load"), key="start:upload:load"):
                with shown_errors():
                    # the browser holds to the limit above, but a request can come from elsewhere
                    bidfile.check_size(upload.size, upload.name)
                    bid = bidfile.parse(bidfile.decode(upload.getvalue(), upload.name), Bid, upload.name)
                    set_bid(bid, upload.name.rsplit(".", 1)[0])
                    st.rerun()
        with tab_saved:
            saved, problems = workspace.list_bids(folders())
            for problem in problems:
                st.warning(problem)
            if not saved:
                st.info(t("compose.no_saved"))
            elif (index := _pick(t("compose.saved"), [s.path.stem for s in saved], "start:saved")) is not None:
                set_bid(saved[index].model, saved[index].path.stem)
                st.session_state.bid_digest = saved[index].digest
                st.rerun()


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


def _remove(index: int) -> None:
    del st.session_state.bid.clauses[index]


def _add(lib: Library) -> None:
    clause_id = st.session_state.get(key("add_clause"))
    bid = st.session_state.bid
    if not clause_id or any(c.id == clause_id for c in bid.clauses):
        return
    entry = lib.clause(clause_id)
    version = entry.latest_approved() or entry.latest()
    bid.clauses.append(ClauseChoice(id=clause_id, version=version.version))


def _clause_label(lib: Library, clause_id: str) -> str:
    entry = lib.clauses[clause_id]
    category = lib.categories.get(entry.category)
    return f"{category.title if category else entry.category} · {entry.latest().title} ({clause_id})"


def clause_editor(bid: Bid, lib: Library) -> None:
    """The chosen clauses, one chapter section (category) at a time.

    Showing one section keeps each rerun to a few dozen widgets even for a bid of sixty clauses;
    values live in the bid, so a section's widgets come back with them when it is shown again.
    """
    chosen = {c.id for c in bid.clauses}
    available = [c for c in lib.clauses if c not in chosen]
    add_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
    with add_col:
        st.selectbox(t("compose.add_clause"), available, index=None, key=key("add_clause"),
                     format_func=lambda c: _clause_label(lib, c), placeholder=t("common.choose"))
    with button_col:
        st.button(t("compose.add"), key=key("add_button"), on_click=_add, args=(lib,))
    missing = [c for c in bid.clauses if c.id not in lib.clauses or c.version not in lib.clauses[c.id].versions]
    for choice in missing:
        entry = lib.clauses.get(choice.id)
        message = (t("err.version-missing", id=choice.id, version=choice.version,
                     have="、".join(f"v{n}" for n in entry.versions)) if entry
                   else t("err.clause-missing", id=choice.id))
        st.error(t("error.prefix", message=message))
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
        remove.button("✕", key=key("remove", choice.id), help=t("compose.remove"), on_click=_remove,
                      args=(index,))
        for name, spec in version.params.items():
            raw = choice.params.get(name, spec.default)
            choice.params[name] = param_widget(choice.id, name, spec, raw)


def people_editor(bid: Bid) -> None:
    st.markdown(f"**{t('compose.staff')}**")
    bid.staff = rows_editor(bid.staff, StaffMember, {"name": t("col.name"), "role": t("col.role"),
                                                     "certificate": t("col.certificate"),
                                                     "phone": t("col.phone")}, "staff")
    st.markdown(f"**{t('compose.offices')}**")
    bid.offices = rows_editor(bid.offices, Office, {"city": t("col.city"), "address": t("col.address"),
                                                    "phone": t("col.phone")}, "offices")


def findings_panel(result) -> None:
    """Blocking findings first, then what needs a look; what is met is folded away."""
    st.subheader(t("findings.title"))
    req = result.requirement_findings
    if not req:
        st.info(t("findings.none"))
    else:
        ok = sum(1 for f in req if f.status in ("正偏离", "无偏离"))
        st.caption(t("findings.summary", total=len(req), ok=ok, blocking=len(result.blocking)))
    if not result.blocking:
        st.success(t("findings.clean"), icon=":material/task_alt:")
    met, look = [], []
    for finding in result.findings:
        subject = finding.requirement.text if finding.requirement else ""
        line = f"**{finding.status}** {subject}  \n{finding.message}"
        if finding.blocking:
            st.error(f"{t('findings.blocking')} · {line}", icon=":material/block:")
        elif finding.kind == "requirement" and finding.status in ("正偏离", "无偏离"):
            met.append(line)
        else:
            look.append(line)
    for line in look:
        st.warning(line, icon=":material/help:")
    if met:
        with st.expander(t("findings.met", n=len(met))):
            for line in met:
                st.markdown(line)


def output_panel(bid: Bid, chapter, draft_chapter) -> None:
    st.subheader(t("output.title"))
    blocking = chapter.check.blocking
    name = st.session_state.get("bid_name", "bid")
    if blocking:
        st.error(t("output.final_blocked", n=len(blocking), first=blocking[0].message))
    st.download_button(t("output.final"), data=lambda: render_docx(chapter), file_name=f"{name}.docx",
                       disabled=bool(blocking), key="download:final", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("output.draft"), data=lambda: render_docx(draft_chapter),
                       file_name=f"{name}-草稿.docx", key="download:draft", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    st.download_button(t("output.yaml"), data=bidfile.to_yaml(bid), file_name=f"{name}.yaml",
                       mime="application/x-yaml", key="download:yaml", on_click="ignore")
    save_name = st.text_input(t("output.save_name"), name, key=key("save_name"))
    if st.button(t("output.save"), key="save"):
        with shown_errors():
            same = save_name == st.session_state.get("bid_name")
            saved = workspace.save_bid(folders(), bid, save_name,
                                       st.session_state.get("bid_digest") if same else None)
            st.session_state.bid_name = save_name
            st.session_state.bid_digest = saved.digest
            st.success(t("output.saved", path=saved.path))


st.title(t("compose.title"))
with shown_errors():
    library_ = get_library()
    bid_ = get_bid()
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
        tab_details, tab_clauses, tab_people = st.tabs(
            [t("compose.details"), t("compose.clauses"), f"{t('compose.staff')} / {t('compose.offices')}"])
        with tab_details:
            details_form(bid_)
        with tab_clauses:
            clause_editor(bid_, library_)
        with tab_people:
            people_editor(bid_)
    chapter_ = compose(bid_, library_)
    with right:
        output_panel(bid_, chapter_, replace(chapter_, draft=True))
        findings_panel(chapter_.check)
    with st.expander(t("preview.title"), expanded=True):
        st.html(render_html(chapter_))
