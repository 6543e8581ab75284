"""Session state of the app: the library (cached), the bid being written, and error display.

The bid lives in st.session_state as a pydantic Bid; widgets read their first value from it and
write back to it, so a value survives when its page is not shown (Streamlit drops the state of
widgets that are not rendered). Loading another bid bumps a generation number that is part of
every widget key, so no stale widget state leaks into the new bid.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

from bidkit import bidfile, library, workspace
from bidkit.errors import BidkitError, ConflictError
from bidkit.library import Library
from bidkit.model import Bid, Template
from bidkit.workspace import PROJECT_ROOT, Folders
from ui.messages import error_text, t

DEMO_BID = PROJECT_ROOT / "examples" / "demo-bid.yaml"


def first_bid_path() -> Path:
    """The bid a new session opens on: $BIDKIT_BID, else the demo bid."""
    return Path(os.environ.get("BIDKIT_BID") or DEMO_BID)


def folders() -> Folders:
    return Folders.from_env()


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_library(root: str, stamp: tuple[int, int]) -> Library:
    return library.load(root)


def get_library() -> Library:
    """The library, reloaded whenever a file is added to or removed from its folders."""
    root = folders().library
    return _load_library(str(root), library.change_stamp(root))


def get_bid() -> Bid:
    if "bid" not in st.session_state:
        path = first_bid_path()
        st.session_state.bid = bidfile.read(path) if path.exists() else Bid()
        st.session_state.bid_name = path.stem
        st.session_state.bid_gen = 0
    return st.session_state.bid


def set_bid(bid: Bid, name: str) -> None:
    """Replace the bid being written; widget keys change so nothing of the old bid lingers."""
    st.session_state.bid = bid
    st.session_state.bid_name = name
    st.session_state.bid_gen = st.session_state.get("bid_gen", 0) + 1
    st.session_state.pop("bid_digest", None)


def load_template(template: Template) -> None:
    """Start the bid from a template, keeping the tender-specific parts of the current bid."""
    bid = workspace.bid_from_template(template, get_bid())
    set_bid(bid, bid.project_number or template.name)


def key(*parts: object) -> str:
    """A widget key tied to the current bid."""
    return ":".join(str(p) for p in (st.session_state.get("bid_gen", 0), *parts))


@contextmanager
def shown_errors():
    """Show the core's errors as a message in the page, never as a traceback."""
    try:
        yield
    except ConflictError as exc:
        st.error(t("error.conflict", message=error_text(exc)))
    except BidkitError as exc:
        st.error(t("error.prefix", message=error_text(exc)))


def project_root() -> Path:
    return PROJECT_ROOT
