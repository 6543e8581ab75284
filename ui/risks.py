"""The compose page's 暗标 switch: the setting is the bid's own (saved with it, default off)."""
from __future__ import annotations

import streamlit as st

from ui.messages import t
from ui.state import get_bid, key


def anonymous_toggle() -> None:
    bid = get_bid()
    bid.anonymous = st.checkbox(t("risks.anonymous"), bid.anonymous, help=t("risks.anonymous_help"),
                                key=key("anonymous"))
