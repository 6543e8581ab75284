"""Session state of the app: the library (cached), the bid being written, its draft, undo and
confirmation of what discards work, and error display.

The bid lives in st.session_state as a pydantic Bid; widgets read their first value from it and
write back to it, so a value survives when its page is not shown (Streamlit drops the state of
widgets that are not rendered). Loading another bid bumps a generation number that is part of
every widget key, so no stale widget state leaks into the new bid.

Every change is kept as the user's draft in the workspace (workspace/drafts/), keyed by who they
are (the signed-in or typed name, else a token in the page's address), so a reload or a new tab
can take the bid back. Whatever replaces or cuts the bid keeps the bid before it for 撤销.
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from bidkit import bidfile, workspace
from bidkit.errors import BidkitError, ConflictError, DatabaseUnavailable
from bidkit.library import Library
from bidkit.model import Bid, Bidder, ClauseChoice, Template
from bidkit.settings import load_settings
from bidkit.store import Store, configured_url, store_for
from bidkit.store.base import Saved
from bidkit.workspace import PROJECT_ROOT, Draft, Folders
from ui.auth import current_identity
from ui.messages import date_text, error_text, t

DEMO_BID = PROJECT_ROOT / "examples" / "demo-bid.yaml"


COMPOSE_TABS = "compose:tabs"  # the key of the compose page's tabs, which a finding can switch


def first_bid_path() -> Path:
    """The bid a new session opens on: $BIDKIT_BID, else the demo bid."""
    return Path(os.environ.get("BIDKIT_BID") or DEMO_BID)


def _store_config() -> tuple[tuple[str, str] | None, Folders]:
    """What decides the store: the database's (URL, where) (None: folders) and the folders."""
    return configured_url(), Folders.from_env()


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(configured: tuple[str, str] | None, folders_: Folders) -> Store:
    # one per process and configuration (the arguments are the cache's key: another URL or folder
    # opens another store); every session shares a database's connection pool
    return store_for(configured, folders_)


def get_store() -> Store:
    return _open_store(*_store_config())


@st.cache_resource(show_spinner=False, max_entries=4)
def _load_library(config: tuple[tuple[str, str] | None, Folders], stamp, _store: Store) -> Library:
    return _store.load_library()


def get_library() -> Library:
    """The library, reloaded whenever the store says it changed (another instance's save too)."""
    config = _store_config()
    store = _open_store(*config)
    return _load_library(config, store.library_stamp(), store)


def get_bid() -> Bid:
    if "bid" not in st.session_state:
        path = first_bid_path()
        bid = bidfile.read(path) if path.exists() else Bid()
        st.session_state.bid = bid
        st.session_state.bid_name = path.stem
        st.session_state.bid_gen = 0
        st.session_state.bid_base = bid.model_copy(deep=True)
        st.session_state.draft_digest = workspace.bid_digest(bid)  # opening is not a change to keep
    return st.session_state.bid


def set_bid(bid: Bid, name: str, undo: str, saved: Saved | None = None, unsaved: bool = False) -> None:
    """Replace the bid being written, keeping the one it replaces for 撤销 (`undo` says what
    replaced it); widget keys change so nothing of the old bid lingers. `saved`: the bid is a saved
    one, as read; `unsaved`: it holds changes no saved bid has (a restored draft)."""
    remember(undo)
    state = st.session_state
    state.bid = bid
    state.bid_name = name
    state.bid_gen = state.get("bid_gen", 0) + 1
    state.bid_base = None if unsaved else bid.model_copy(deep=True)
    mark_saved(saved)


def mark_saved(saved: Saved | None) -> None:
    """The bid was read from or saved as `saved` (None: it is no saved bid's): its revision goes
    back with the next save over it, and its digest tells whether the bid changed since."""
    _set_saved((saved.revision, workspace.bid_digest(saved.model)) if saved else None)


def _set_saved(revision_digest: tuple[str, str] | None) -> None:
    if revision_digest:
        st.session_state.bid_saved = revision_digest
    else:
        st.session_state.pop("bid_saved", None)


def saved_revision() -> str | None:
    """The revision of the saved bid the one being written was read from or last saved as."""
    return st.session_state.get("bid_saved", (None, None))[0]


def has_unsaved(*parts: str) -> bool:
    """Whether the bid's `parts` (all of it when none are named) changed since it was opened and
    the bid is not as last saved: what a replacement would throw away."""
    state, bid = st.session_state, get_bid()
    base = state.get("bid_base")
    if state.get("bid_saved", (None, None))[1] == workspace.bid_digest(bid):
        return False
    return base is None or any(getattr(bid, p) != getattr(base, p) for p in parts or Bid.model_fields)


def default_bidder() -> Bidder:
    """Our own company: the settings' `bidder`, else the current bid's."""
    return load_settings().bidder or get_bid().bidder


def new_bid() -> None:
    set_bid(workspace.new_bid(default_bidder()), "new-bid", t("undo.blank"))


TEMPLATE_PARTS = ("bidder", "clauses", "staff", "offices")


def load_template(template: Template, new: bool) -> None:
    """A template's parts into a new bid (project details and requirements start empty) or into the
    current one (which keeps its project details and requirements)."""
    bid = workspace.bid_from_template(template, None if new else get_bid(), default_bidder())
    set_bid(bid, template.name if new else st.session_state.get("bid_name", template.name),
            t("undo.template", name=template.name))


def ask_template(template: Template, new: bool, message_key: str) -> None:
    """Load a template as `load_template`, asking first when that would throw away unsaved changes;
    the page's message (session key `message_key`) then says it was loaded."""
    def load() -> None:
        load_template(template, new)
        st.session_state[message_key] = t("templates.loaded", name=template.name)

    replace_asking(t("confirm.template_new" if new else "confirm.template_into", name=template.name), load,
                   *(() if new else TEMPLATE_PARTS))


def replace_asking(message: str, action: Callable[[], None], *parts: str) -> None:
    """Run `action`, which replaces the bid (or its `parts`), asking first with `message` when that
    would throw unsaved changes away; then the page reruns."""
    if has_unsaved(*parts):
        confirm(message, t("confirm.replace_yes"), action)
    else:
        action()
        st.rerun()


# ------------------------------------------------------------------ undo and confirmation

@dataclass(frozen=True)
class Undo:
    """The bid as it was before a change that replaced or cut it."""

    label: str
    bid: Bid
    name: str
    base: Bid | None
    saved: tuple[str, str] | None  # (revision, digest), as mark_saved keeps them


def remember(label: str) -> None:
    """Keep the bid as it is now, before a change that replaces or cuts it; 撤销 puts it back.
    (The tender page calls this before 提取要求 replaces the requirements.)"""
    state = st.session_state
    state.undo = Undo(label, get_bid().model_copy(deep=True), state.get("bid_name", ""),
                      state.get("bid_base"), state.get("bid_saved"))


def undo_last() -> None:
    """Put back the bid kept by the last `remember` (a button's callback)."""
    state = st.session_state
    last: Undo | None = state.pop("undo", None)
    if last is None:
        return
    state.bid, state.bid_name, state.bid_base = last.bid, last.name, last.base
    state.bid_gen = state.get("bid_gen", 0) + 1
    _set_saved(last.saved)
    state.undone = last.label


def undo_button(place: str) -> None:
    """The 撤销 button for the last change that replaced or cut the bid, and what the last 撤销 did."""
    if undone := st.session_state.pop("undone", None):
        st.success(t("undo.done", label=undone), icon=":material/undo:")
    if last := st.session_state.get("undo"):
        st.button(t("undo.button", label=last.label), key=f"undo:{place}", icon=":material/undo:",
                  on_click=undo_last)


def confirm(message: str, yes: str, action: Callable[[], None]) -> None:
    """Ask in a dialog before a change that throws work away; `action` runs on `yes`. The page
    reruns, and its `confirm_dialog()` shows the question."""
    st.session_state.confirm_pending = (message, yes, action)
    st.rerun()


def confirm_dialog() -> None:
    """The question `confirm` asked, until it is answered or dismissed: call it at the top of every
    page that asks. (Shown on every run, not only the one that asked, so that the answer is seen
    by a whole rerun as well as by the dialog's own.)"""
    if "confirm_pending" in st.session_state:
        _confirm_dialog()


def _dismissed() -> None:
    st.session_state.pop("confirm_pending", None)


@st.dialog(" ", on_dismiss=_dismissed)
def _confirm_dialog() -> None:
    pending = st.session_state.get("confirm_pending")
    if pending is None:  # answered already
        return
    message, yes, action = pending
    st.markdown(message)
    st.caption(t("confirm.undo_hint"))
    yes_col, no_col = st.columns(2)
    if yes_col.button(yes, type="primary", key="confirm:yes"):
        st.session_state.pop("confirm_pending", None)
        action()
        st.rerun()
    if no_col.button(t("confirm.cancel"), key="confirm:no"):
        st.session_state.pop("confirm_pending", None)
        st.rerun()


# ------------------------------------------------------------------ drafts

DRAFT_PARAM = "draft"  # the query parameter that keeps a browser's draft token without a name
DRAFT_TOKEN = re.compile(r"[0-9a-f]{32}")


def draft_key() -> str:
    """Whose draft: the signed-in or typed name, else a token kept in the page's address (so that
    a reload finds it)."""
    who = current_identity()
    if who.email or who.name:
        return "user:" + (who.email or who.name).strip().lower()
    token = st.query_params.get(DRAFT_PARAM, "")
    if not DRAFT_TOKEN.fullmatch(token):
        token = st.session_state.get("draft_token") or uuid.uuid4().hex
    st.session_state.draft_token = token
    if st.query_params.get(DRAFT_PARAM) != token:
        st.query_params[DRAFT_PARAM] = token  # the navigation drops it on a page change
    return "browser:" + token


def actor() -> str:
    """Who a save is recorded as in the audit log: the signed-in or typed name, else the browser's
    draft token (so one anonymous writer's saves still read as one person's)."""
    who = current_identity()
    return who.email or who.name or draft_key()


def draft_offer() -> Draft | None:
    """The draft a reload or another tab left for this user, differing from the bid open here,
    until the user restores or dismisses it."""
    state, user = st.session_state, draft_key()
    if state.get("draft_user") != user:
        state.draft_offer = None
        try:
            draft = get_store().read_draft(user)
        except DatabaseUnavailable:
            raise  # not the draft's fault: said by the page, and looked for again on the next run
        except BidkitError as exc:  # a damaged draft is said, and replaced at the next change
            st.warning(t("draft.unreadable", message=error_text(exc)))
            draft = None
        state.draft_user = user
        if draft and workspace.bid_digest(draft.bid) not in (state.get("draft_digest"),
                                                             workspace.bid_digest(get_bid())):
            state.draft_offer = draft
    return state.get("draft_offer")


def restore_draft() -> None:
    draft = st.session_state.draft_offer
    st.session_state.draft_offer = None
    set_bid(draft.bid, draft.name, t("undo.restore"), unsaved=True)
    st.session_state.draft_digest = workspace.bid_digest(draft.bid)


def dismiss_draft() -> None:
    st.session_state.draft_offer = None


def draft_saved_text(draft: Draft) -> str:
    return t("draft.found", project=draft.bid.project or t("sidebar.no_project"), saved=date_text(draft.saved))


def autosave_draft() -> None:
    """Keep the bid as the user's draft when it changed since last kept (its digest differs).
    Held while an earlier draft is offered, so that it is not overwritten before the user chose."""
    if draft_offer() is not None:
        return
    bid = get_bid()
    digest = workspace.bid_digest(bid)
    if digest == st.session_state.get("draft_digest"):
        return
    try:
        get_store().save_draft(draft_key(), bid, st.session_state.get("bid_name", ""))
    except OSError:
        st.warning(t("draft.not_kept"))  # a read-only or full workspace: the work goes on, unkept
        return
    st.session_state.draft_digest = digest


def without_missing(bid: Bid, lib: Library) -> tuple[Bid, list[ClauseChoice]]:
    """The bid without the chosen clauses the library does not have (or not in the chosen
    version), and those clauses: the rest is checked, previewed and downloaded while the writer
    removes or replaces them."""
    missing = []
    for choice in bid.clauses:
        try:
            lib.version(choice.id, choice.version)
        except BidkitError:
            missing.append(choice)
    if not missing:
        return bid, missing
    return bid.model_copy(update={"clauses": [c for c in bid.clauses if c not in missing]}), missing


def key(*parts: object) -> str:
    """A widget key tied to the current bid."""
    return ":".join(str(p) for p in (st.session_state.get("bid_gen", 0), *parts))


@contextmanager
def shown_errors():
    """Show the core's errors as a message in the page, never as a traceback."""
    try:
        yield
    except DatabaseUnavailable:
        _say_unavailable()
    except ConflictError as exc:
        st.error(t("error.conflict", message=error_text(exc)))
    except BidkitError as exc:
        st.error(t("error.prefix", message=error_text(exc)))


@contextmanager
def unavailable_shown():
    """A database gone (restarting, unreachable) anywhere in a page: said, with a retry, never a
    traceback. app.py runs every page inside it; nothing of the failed write was recorded."""
    try:
        yield
    except DatabaseUnavailable:
        _say_unavailable()
        st.button(t("store.retry"), key="store:retry")  # a click reruns the page


def _say_unavailable() -> None:
    st.error(t("err.db-unavailable"), icon=":material/cloud_off:")


def project_root() -> Path:
    return PROJECT_ROOT
