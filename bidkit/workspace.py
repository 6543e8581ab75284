"""Where the app keeps what users save: bids in the workspace, templates in the templates folder.

Folders come from the environment (BIDKIT_WORKSPACE, BIDKIT_LIBRARY, BIDKIT_TEMPLATES) so a team can
point the app at a shared drive. Saves are atomic and refuse to overwrite a file someone else
changed since it was opened; a deleted template is moved aside, never erased.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from bidkit import bidfile, storage
from bidkit.errors import BidError
from bidkit.model import Bid, Bidder, Strict, Template
from bidkit.userfile import read_user_file

M = TypeVar("M", bound=BaseModel)
PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff-]+")
MAX_STEM_CHARS = 80   # what a folder listing shows whole
# A file name is at most 255 bytes, and a Chinese character takes 3 (some 4): 80 of them fit,
# with room for ".yaml".
MAX_STEM_BYTES = 240


@dataclass(frozen=True)
class Folders:
    library: Path
    templates: Path
    workspace: Path

    @classmethod
    def from_env(cls) -> "Folders":
        def folder(var: str, default: str) -> Path:
            value = os.environ.get(var)
            return Path(value) if value else PROJECT_ROOT / default
        return cls(folder("BIDKIT_LIBRARY", "clause_library"), folder("BIDKIT_TEMPLATES", "templates"),
                   folder("BIDKIT_WORKSPACE", "workspace"))

    @property
    def bids(self) -> Path:
        return self.workspace / "bids"

    @property
    def drafts(self) -> Path:
        return self.workspace / "drafts"


@dataclass(frozen=True)
class Saved:
    """A saved file: its path, what it holds, and the digest it had when read (for safe saves)."""

    path: Path
    model: BaseModel
    digest: str
    modified: datetime


def file_stem(name: str) -> str:
    """A file name from a user's title (Chinese kept, path characters dropped).

    A long title is cut to MAX_STEM_CHARS characters and MAX_STEM_BYTES bytes and ends with a
    digest of the whole, so two titles that differ only past the cut keep files of their own; a
    stem given again is returned as it is, so a saved bid saves back to its own file.
    """
    stem = SAFE_NAME.sub("-", name.strip()).strip("-")
    if not stem:
        raise BidError("needs a name with at least one letter, digit or Chinese character", field="name")
    if len(stem) <= MAX_STEM_CHARS and len(stem.encode()) <= MAX_STEM_BYTES:
        return stem
    tag = "-" + hashlib.sha256(stem.encode()).hexdigest()[:8]
    cut = stem[:MAX_STEM_CHARS - len(tag)].encode()[:MAX_STEM_BYTES - len(tag)].decode("utf-8", "ignore")
    return cut.rstrip("-") + tag


def _read(path: Path, model: type[M]) -> Saved:
    # (a FIFO or a huge file dropped into a shared folder must not hang or swamp the listing)
    data = read_user_file(path, bidfile.MAX_BYTES, BidError)
    text = bidfile.decode(data, str(path))
    parsed = bidfile.parse(text, model, path.name)
    modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).astimezone()
    return Saved(path, parsed, storage.digest(data), modified)


def _list(folder: Path, model: type[M]) -> tuple[list[Saved], list[str]]:
    """Every valid file in a folder, newest first, and a message for each one that does not load."""
    saved, problems = [], []
    if not folder.is_dir():
        return saved, problems
    for path in sorted(folder.glob("*.yaml")):
        try:
            saved.append(_read(path, model))
        except BidError as exc:
            problems.append(str(exc))
    saved.sort(key=lambda s: s.modified, reverse=True)
    return saved, problems


def list_templates(folders: Folders) -> tuple[list[Saved], list[str]]:
    return _list(folders.templates, Template)


def list_bids(folders: Folders) -> tuple[list[Saved], list[str]]:
    return _list(folders.bids, Bid)


def save(path: Path, model: BaseModel, expected_digest: str | None) -> str:
    """Save atomically; ConflictError when the file changed since it was read (None: must be new)."""
    return storage.replace_atomic(path, bidfile.to_yaml(model), expected_digest)


def save_template(folders: Folders, template: Template, expected_digest: str | None = None,
                  name: str | None = None) -> Saved:
    """Save a template under its name (or `name`: the file it was read from); a new name must not exist yet."""
    path = folders.templates / f"{file_stem(name or template.name)}.yaml"
    if template.created is None:
        template = template.model_copy(update={"created": datetime.now(timezone.utc).astimezone()})
    digest = save(path, template, expected_digest)
    return Saved(path, template, digest, datetime.now(timezone.utc).astimezone())


def save_bid(folders: Folders, bid: Bid, name: str, expected_digest: str | None = None) -> Saved:
    path = folders.bids / f"{file_stem(name)}.yaml"
    digest = save(path, bid, expected_digest)
    return Saved(path, bid, digest, datetime.now(timezone.utc).astimezone())


class Draft(Strict):
    """What a user was writing, kept at every change so a reload or a new tab can take it back."""

    saved: datetime
    name: str = ""  # the name the bid was opened or saved under
    bid: Bid


def bid_digest(bid: Bid) -> str:
    """A digest of the bid's content: equal digests, nothing changed. (Its JSON, which pydantic
    writes in a few milliseconds, where the YAML of a large bid takes tens: the page takes this
    digest on every rerun.)"""
    return storage.digest(bid.model_dump_json().encode())


def draft_path(folders: Folders, user_key: str) -> Path:
    """A user's draft file. The key (a name, an email, a browser's token) is hashed: a user's own
    words never become a path, and two users whose names differ only in punctuation stay apart."""
    return folders.drafts / f"{hashlib.sha256(user_key.encode()).hexdigest()[:32]}.yaml"


def save_draft(folders: Folders, user_key: str, bid: Bid, name: str) -> Draft:
    """Keep `bid` as the user's draft, replacing their previous one (atomically: a crash leaves one
    or the other whole)."""
    draft = Draft(saved=datetime.now(timezone.utc).astimezone(), name=name, bid=bid)
    path = draft_path(folders, user_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    storage.write_atomic(path, bidfile.to_yaml(draft))
    return draft


def read_draft(folders: Folders, user_key: str) -> Draft | None:
    """The user's draft, or None when they have none; BidError when the file is damaged."""
    path = draft_path(folders, user_key)
    return _read(path, Draft).model if path.exists() else None


# Characters Windows refuses in a file name, and the names it reserves for devices.
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")


def download_name(bid: Bid, draft: bool, ext: str) -> str:
    """The file name of a download of `bid`: its project number, else its project name, plus 草稿
    for a draft, in characters every system (Windows too) accepts, at most MAX_STEM_CHARS long."""
    title = (bid.project_number or bid.project).strip()
    stem = WINDOWS_FORBIDDEN.sub("-", title).strip(" .-")[:MAX_STEM_CHARS].rstrip(" .")
    if not stem or WINDOWS_RESERVED.fullmatch(stem):
        stem = f"{stem}-投标" if stem else "投标"
    return f"{stem}-草稿.{ext}" if draft else f"{stem}.{ext}"


def delete_template(folders: Folders, path: Path) -> Path:
    """Move a template into the workspace's trash, never erase it; returns where it went."""
    trash = folders.workspace / "trash"
    trash.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    # the stamp must fit beside the longest stem within a file name's 255 bytes
    stem = path.stem.encode()[:255 - len(stamp) - len("..yaml")].decode("utf-8", "ignore")
    target = trash / f"{stem}.{stamp}.yaml"
    os.replace(path, target)
    return target


def new_bid(bidder: Bidder | None = None) -> Bid:
    """A blank bid that keeps our own company's details (from the settings, or the bid before)."""
    return Bid(bidder=bidder.model_copy() if bidder else Bidder())


def bid_from_template(template: Template, base: Bid | None = None, bidder: Bidder | None = None) -> Bid:
    """A template's parts (clauses, staff, offices, bidder) in a bid.

    With `base`, they go into that bid, which keeps its own project details and requirements; without
    it, into a new bid whose project details and requirements start empty. A template without a
    bidder name takes `bidder` (the settings' default), so our own company is never blanked.
    """
    template = template.model_copy(deep=True)  # the bid's edits must not reach the template
    parts = {"bidder": template.bidder if template.bidder.name or bidder is None else bidder.model_copy(),
             "clauses": template.clauses, "staff": template.staff, "offices": template.offices}
    return (base or Bid()).model_copy(update=parts, deep=True)


def template_from_bid(bid: Bid, name: str, owner: str, description: str = "") -> Template:
    return Template(name=name, owner=owner, description=description, bidder=bid.bidder,
                    clauses=list(bid.clauses), staff=list(bid.staff), offices=list(bid.offices))
