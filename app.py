"""bidkit's Streamlit entry: navigation over the pages, the sidebar and the language switch."""
from __future__ import annotations

import json

import streamlit as st

from ui.auth import sidebar_identity
from ui.messages import LANGUAGES, t
from ui.state import get_bid, get_library, shown_errors, unavailable_shown

st.set_page_config(page_title="bidkit", page_icon=":material/contract:", layout="wide")

# Streamlit 1.67 has no locale: its own words (the uploader's button and size line, the "press
# Enter to apply" hints) are replaced here with the page's, drawn by CSS over the hidden English.
_OWN_WORDS = {
    "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p": t("st.upload"),
    "[data-testid='stFileUploaderDropzoneInstructions'] span":
        t("st.upload_limit", limit=st.get_option("server.maxUploadSize")),
    "[data-testid='stTextArea'] [data-testid='InputInstructions']": t("st.apply_text_area"),
    "[data-testid='stTextInput'] [data-testid='InputInstructions']": t("st.apply_text_input"),
    "[data-testid='stNumberInput'] [data-testid='InputInstructions']": t("st.apply_text_input"),
    # a table's choice cell being edited, while it has no value ("Select...")
    ".glide-select [class$='-placeholder']": t("common.choose"),
}
st.html("<style>" + "".join(
    f"{selector} {{font-size: 0 !important}} {selector}::after {{content: {json.dumps(words, ensure_ascii=False)}; "
    "font-size: 0.875rem}" for selector, words in _OWN_WORDS.items()) + "</style>")

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


def _home() -> None:
    """The root URL opens the compose page at /compose, so the address a writer copies works."""
    st.switch_page(compose)


compose = st.Page("pages/compose.py", title=t("nav.compose"), icon=":material/edit_note:", url_path="compose")
pages = [
    st.Page(_home, title=t("nav.compose"), url_path="start", default=True, visibility="hidden"),
    compose,
    st.Page("pages/tender.py", title=t("nav.tender"), icon=":material/description:", url_path="tender"),
    st.Page("pages/library.py", title=t("nav.library"), icon=":material/library_books:", url_path="library"),
    st.Page("pages/templates.py", title=t("nav.templates"), icon=":material/folder_copy:", url_path="templates"),
]
page = st.navigation(pages)

with unavailable_shown():
    page.run()
