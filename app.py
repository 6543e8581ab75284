"""bidkit's Streamlit entry: navigation over the pages, the sidebar and the language switch."""
from __future__ import annotations

import streamlit as st

from ui.auth import sidebar_identity
from ui.messages import LANGUAGES, t
from ui.state import get_bid, get_library, shown_errors

st.set_page_config(page_title="bidkit", page_icon=":material/contract:", layout="wide")

with st.sidebar:
    st.selectbox(t("sidebar.language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang")

with st.sidebar:
    with shown_errors():
        lib = get_library()
        st.caption(t("sidebar.library", clauses=len(lib.clauses), versions=lib.version_count()))
        if lib.issues:
            st.warning(t("sidebar.library_issues", n=len(lib.issues)))
        bid = get_bid()
        st.caption(t("sidebar.bid", project=bid.project or t("sidebar.no_project")))
    sidebar_identity()

pages = [
    st.Page("pages/compose.py", title=t("nav.compose"), icon=":material/edit_note:", url_path="compose", default=True),
    st.Page("pages/tender.py", title=t("nav.tender"), icon=":material/description:", url_path="tender"),
    st.Page("pages/library.py", title=t("nav.library"), icon=":material/library_books:", url_path="library"),
    st.Page("pages/templates.py", title=t("nav.templates"), icon=":material/folder_copy:", url_path="templates"),
]
page = st.navigation(pages)

page.run()
