"""Who is using the app: the signed-in user when Streamlit authentication is configured, else the
name the user types (and the sidebar says plainly that the app runs without sign-in)."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from bidkit.settings import Settings
from ui.messages import t


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (st.login works)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises its own not-found error
        return False


@dataclass(frozen=True)
class Identity:
    name: str
    email: str | None
    signed_in: bool


def current_identity() -> Identity:
    if auth_configured() and st.user.is_logged_in:
        email = st.user.get("email")
        return Identity(st.user.get("name") or email or "", email, True)
    return Identity(st.session_state.get("typed_name", "").strip(), None, False)


def sidebar_identity() -> None:
    """Sign-in status in the sidebar, or the name field when the app runs without sign-in."""
    if auth_configured():
        if st.user.is_logged_in:
            st.caption(t("auth.signed_in", name=st.user.get("name") or st.user.get("email")))
            st.button(t("auth.logout"), on_click=st.logout, key="auth:logout")
        else:
            st.button(t("auth.login"), on_click=st.login, key="auth:login")
    else:
        st.caption(t("auth.no_sign_in"))
        st.text_input(t("auth.your_name"), key="typed_name")


def may_review(settings: Settings) -> tuple[bool, str]:
    """(allowed, reason) for approving or retiring versions."""
    who = current_identity()
    if auth_configured():
        if not who.signed_in:
            return False, t("review.sign_in_first")
        if not settings.may_review(who.email):
            return False, t("review.not_reviewer", email=who.email or "")
        return True, ""
    if not who.name:
        return False, t("review.type_name")
    return True, ""
