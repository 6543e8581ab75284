"""模板 Templates: list the saved templates, load one into Compose, save the bid as one, delete."""
from __future__ import annotations

import streamlit as st

from bidkit import workspace
from bidkit.errors import BidError
from ui.messages import date_text, t
from ui.state import (actor, ask_template, autosave_draft, confirm_dialog, get_bid, get_library, get_store, shown_errors,
                      undo_button)
from ui.upgrades import describe, upgrade_notice


def template_row(saved, lib) -> None:
    template = saved.model
    row = f"{saved.key}.yaml"  # the widget keys of when templates were only files, which tests click
    with st.container(border=True):
        info, new, load, delete = st.columns([5, 2, 2, 1], vertical_alignment="center")
        created = template.created or saved.modified
        info.markdown(f"**{template.name}**  \n{template.owner or '—'} · {date_text(created)} · "
                      f"{t('templates.clauses', n=len(template.clauses))}"
                      + (f"  \n{template.description}" if template.description else ""))
        if new.button(t("templates.new"), key=f"templates:new:{row}", help=t("compose.template_new_help")):
            ask_template(template, new=True, message_key="templates_message")
        if load.button(t("templates.load"), key=f"templates:load:{row}",
                       help=t("compose.template_into_help")):
            ask_template(template, new=False, message_key="templates_message")
        if delete.button(t("templates.delete"), key=f"templates:delete:{row}"):
            st.session_state.templates_confirm = saved.key
        upgraded = upgrade_notice(template.clauses, lib, f"template:{row}")
        if upgraded is not None:
            clauses, results = upgraded
            get_store().save("template", saved.key, template.model_copy(update={"clauses": clauses}),
                             saved.revision, actor())
            st.session_state.templates_message = t("upgrade.done") + "\n\n" + describe(results)
            st.rerun()
        if st.session_state.get("templates_confirm") == saved.key:
            st.warning(t("templates.confirm", name=template.name))
            yes, no = st.columns(2)
            if yes.button(t("templates.delete"), type="primary", key=f"templates:yes:{row}"):
                get_store().delete_template(saved.key, actor())
                st.session_state.templates_confirm = None
                st.session_state.templates_message = t("templates.deleted", name=template.name)
                st.rerun()
            if no.button(t("templates.cancel"), key=f"templates:no:{row}"):
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
                get_store().save("template", template.name, template, None, actor())
                st.session_state.templates_message = t("templates.saved", name=name.strip())
                st.rerun()


st.title(t("templates.title"))
with shown_errors():
    if message := st.session_state.pop("templates_message", None):
        st.success(message)
    confirm_dialog()
    undo_button("templates")
    templates, problems = get_store().list_saved("template")
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
