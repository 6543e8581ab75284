"""模板 Templates: list the saved templates, load one into Compose, save the bid as one, delete."""
from __future__ import annotations

import streamlit as st

from bidkit import workspace
from bidkit.errors import BidError
from ui.messages import date_text, t
from ui.state import ask_template, autosave_draft, confirm_dialog, folders, get_bid, get_library, shown_errors, undo_button
from ui.upgrades import describe, upgrade_notice


def template_row(saved, lib) -> None:
    template = saved.model
    with st.container(border=True):
        info, new, load, delete = st.columns([5, 2, 2, 1], vertical_alignment="center")
        created = template.created or saved.modified
        info.markdown(f"**{template.name}**  \n{template.owner or '—'} · {date_text(created)} · "
                      f"{t('templates.clauses', n=len(template.clauses))}"
                      + (f"  \n{template.description}" if template.description else ""))
        if new.button(t("templates.new"), key=f"templates:new:{saved.path.name}", help=t("compose.template_new_help")):
            ask_template(template, new=True, message_key="templates_message")
        if load.button(t("templates.load"), key=f"templates:load:{saved.path.name}",
                       help=t("compose.template_into_help")):
            ask_template(template, new=False, message_key="templates_message")
        if delete.button(t("templates.delete"), key=f"templates:delete:{saved.path.name}"):
            st.session_state.templates_confirm = str(saved.path)
        upgraded = upgrade_notice(template.clauses, lib, f"template:{saved.path.name}")
        if upgraded is not None:
            clauses, results = upgraded
            workspace.save(saved.path, template.model_copy(update={"clauses": clauses}), saved.digest)
            st.session_state.templates_message = t("upgrade.done") + "\n\n" + describe(results)
            st.rerun()
        if st.session_state.get("templates_confirm") == str(saved.path):
            st.warning(t("templates.confirm", name=template.name))
            yes, no = st.columns(2)
            if yes.button(t("templates.delete"), type="primary", key=f"templates:yes:{saved.path.name}"):
                moved = workspace.delete_template(folders(), saved.path)
                st.session_state.templates_confirm = None
                st.session_state.templates_message = t("templates.deleted", name=template.name, path=moved)
                st.rerun()
            if no.button(t("templates.cancel"), key=f"templates:no:{saved.path.name}"):
                st.session_state.templates_confirm = None
                st.rerun()


def save_form() -> None:
    with st.form("templates:save", clear_on_submit=False):
        st.subheader(t("templates.save"))
        name = st.text_input(t("templates.name"), key="templates:name")
        owner = st.text_input(t("templates.owner"), key="templates:owner")
        description = st.text_input(t("templates.description"), key="templates:description")
        if st.form_submit_button(t("templates.save")):
            with shown_errors():
                if not name.strip():
                    raise BidError("a template needs a name", field=t("templates.name"))
                template = workspace.template_from_bid(get_bid(), name.strip(), owner.strip(), description.strip())
                workspace.save_template(folders(), template)
                st.session_state.templates_message = t("templates.saved", name=name.strip())
                st.rerun()


st.title(t("templates.title"))
with shown_errors():
    if message := st.session_state.pop("templates_message", None):
        st.success(message)
    confirm_dialog()
    undo_button("templates")
    templates, problems = workspace.list_templates(folders())
    if not templates:
        st.info(t("templates.none"))
    lib = get_library()
    for saved in templates:
        template_row(saved, lib)
    if problems:
        with st.expander(t("templates.problems")):
            for problem in problems:
                st.warning(problem)
    save_form()
    autosave_draft()
