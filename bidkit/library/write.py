"""Writing to the library: a new version of a clause, a review event; each an immutable file
created exclusively, so two writers racing for one name cannot both win."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from bidkit import bidfile, templating, yamlio
from bidkit.errors import ConflictError, LibraryError
from bidkit.library.entries import Library, status_of
from bidkit.library.files import EVENT_FILE, VERSION_FILE, _parse_file, _template_line
from bidkit.model import ID_PATTERN, ClauseVersion, NewVersion, Review
from bidkit.storage import create_exclusive, digest, locked
from bidkit.userfile import read_user_file


def _clause_dir(root: Path, category: str, clause_id: str) -> Path:
    """The clause's folder; never through a link, which could lead out of the library (and which
    the loader does not follow, so what was written there would not load)."""
    for value in (category, clause_id):
        if not ID_PATTERN.match(value):
            raise LibraryError(f"{value!r} may hold only lower-case letters, digits and hyphens", field="id")
    for rel in (category, f"{category}/{clause_id}"):
        if (root / rel).is_symlink():
            raise LibraryError("is a symbolic link; nothing is written through links: replace it with "
                               "the folder itself", file=rel, code="library-symlink", path=rel)
    return root / category / clause_id


def _versions_on_disk(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name)))


def _events_on_disk(folder: Path, version: int) -> list[str]:
    """The kinds of review events of `version` that are in the folder now, loaded or not."""
    return [m.group(2) for p in folder.iterdir()
            if (m := EVENT_FILE.match(p.name)) and int(m.group(1)) == version]


def _refuse_id_elsewhere(root: Path, category: str, clause_id: str) -> None:
    """Ids are unique across the library: a clause of another category keeps its id."""
    with os.scandir(root) as entries:
        for other in entries:
            if (other.name != category and other.name[0] != "." and other.is_dir(follow_symlinks=False)
                    and _versions_on_disk(Path(other.path) / clause_id)):
                raise id_taken(clause_id, other.name)


def id_taken(clause_id: str, category: str) -> LibraryError:
    return LibraryError(f"{clause_id!r} is already the id of a clause in category {category!r}; "
                        "ids are unique across the library: choose another id",
                        field="id", code="library-id-taken", id=clause_id, category=category)


def new_version(root: str | Path, draft: NewVersion, author: str, note: str | None = None,
                now: datetime | None = None) -> ClauseVersion:
    """Save the next version of a clause; ConflictError if `draft.based_on` is no longer the latest."""
    root = Path(root)
    folder = _clause_dir(root, draft.category, draft.id)
    if not (root / draft.category).is_dir():
        raise LibraryError(f"category {draft.category!r} does not exist in {root}", field="category")
    on_disk = _versions_on_disk(folder)
    latest = on_disk[-1] if on_disk else 0
    if draft.based_on != latest:
        raise _conflict(root, draft, latest)
    number = latest + 1
    version, data = prepare_version(draft, number, author, note, now)
    try:
        with locked(root):  # the id check and the create as one step, against a racing new clause
            _refuse_id_elsewhere(root, draft.category, draft.id)
            create_exclusive(folder / f"v{number}.yaml", data)
    except ConflictError:
        raise _conflict(root, draft, number) from None
    return version


def prepare_version(draft: NewVersion, number: int, author: str, note: str | None = None,
                    now: datetime | None = None) -> tuple[ClauseVersion, bytes]:
    """Version `number` of the draft and its file's bytes; LibraryError for what no version may hold."""
    version = ClauseVersion(
        id=draft.id, version=number, category=draft.category, title=draft.title,
        author=author, created=now or datetime.now(timezone.utc).astimezone(),
        note=note if note is not None else draft.note, params=draft.params, text=draft.text)
    rel = f"{draft.category}/{draft.id}/v{number}.yaml"
    data = yamlio.dump(version.to_file())
    # imported here: merge3 → diff → compose → check imports the library, which is loading this module
    from bidkit.merge3 import has_markers

    if has_markers(version.text):
        # (the page holds the save while they are left; the command line must refuse them too)
        raise LibraryError("still holds the conflict markers of a merge (<<<<<<< … >>>>>>>): resolve them and "
                           "delete the markers", file=rel, field="text", code="merge-markers-left")
    if problems := templating.clause_problems(version.text, version.params, render_samples=True):
        p = problems[0]
        raise LibraryError(p.message, file=rel, line=_template_line(data.decode("utf-8"), p), field=p.field,
                           code=p.code, **p.values)
    return version, data


def _conflict(root: Path, draft: NewVersion, latest: int) -> ConflictError:
    saved = _version_on_disk(root, draft.category, draft.id, latest) if latest >= draft.based_on else None
    return conflict_error(draft, latest, saved)


def conflict_error(draft: NewVersion, latest: int, saved: ClauseVersion | None) -> ConflictError:
    """The refusal of an edit based on a version that is no longer the latest, with who saved the
    latest (`saved`, as stored now) and when as values (a page words them in its language and its
    date format)."""
    clause_id, based_on = draft.id, draft.based_on
    if latest < based_on:
        return ConflictError(f"{clause_id}: you based your edit on v{based_on}, but the latest version is v{latest}",
                             field="based_on", code="edit-based-on-missing", id=clause_id, based_on=based_on,
                             latest=latest)
    if saved is None:  # (unreadable: the refusal stands without who and when)
        return ConflictError(f"{clause_id}: v{latest} was saved after the v{based_on} you edited; nothing was "
                             f"overwritten, redo your change on top of v{latest}", field="based_on",
                             code="edit-conflict", id=clause_id, based_on=based_on, latest=latest)
    return ConflictError(f"{clause_id}: v{latest} was saved (by {saved.author} at {saved.created.isoformat()}) after "
                         f"the v{based_on} you edited; nothing was overwritten, redo your change on top of v{latest}",
                         field="based_on", code="edit-conflict-by", id=clause_id, based_on=based_on,
                         latest=latest, author=saved.author, created=saved.created)


def version_digest(version: ClauseVersion) -> str:
    """What a reviewer reads of a version (its title, parameters and text) as a digest: a review
    carries the digest of what was read, and is recorded only while the version still says that."""
    read = version.model_dump(mode="json", include={"title", "params", "text"})
    return digest(json.dumps(read, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def authored_by(version: ClauseVersion, names: Iterable[str]) -> bool:
    """True when one of `names` (the ways a reviewer is known: email, name) is the version's author."""
    author = version.author.strip().casefold()
    return any(name.strip().casefold() == author for name in names if name and name.strip())


def _version_on_disk(root: Path, category: str, clause_id: str, number: int) -> ClauseVersion | None:
    """The version as its file says now (not as a loaded, perhaps stale, library has it)."""
    for suffix in ("yaml", "yml"):
        rel = f"{category}/{clause_id}/v{number}.{suffix}"
        if (root / rel).is_file():
            return _parse_file(root, rel)[0]
    return None


def record_review(root: str | Path, lib: Library, clause_id: str, version: int, event: str,
                  reviewer: str, comment: str = "", now: datetime | None = None, *,
                  verified: bool = False, seen_digest: str | None = None, also_known_as: Iterable[str] = (),
                  one_person_team: bool = False) -> Review:
    """Record an approval or retirement as a file of its own; refuse what makes no sense.
    `verified`: the reviewer signed in (the app), rather than typed a name.
    `seen_digest`: version_digest of the version as the reviewer read it; the review is refused
    when the version no longer says that.
    `also_known_as`: the reviewer's other names (a signed-in user's display name beside the email),
    against which the version's author is compared: nobody approves their own version (four-eyes),
    unless the settings say `one_person_team`.

    The status is decided from the events in the folder, under its lock, not from `lib`, which may
    be stale: so a version retired a moment ago is never approved, and of reviewers recording at
    once each sees what the one before wrote.
    """
    entry = lib.clause(clause_id)
    lib.version(clause_id, version)
    root = Path(root)
    folder = _clause_dir(root, entry.category, clause_id)
    with locked(folder):
        review = decide_review(_version_on_disk(root, entry.category, clause_id, version),
                               _events_on_disk(folder, version), clause_id, version, event, reviewer, comment, now,
                               verified=verified, seen_digest=seen_digest, also_known_as=also_known_as,
                               one_person_team=one_person_team)
        create_exclusive(folder / f"v{version}.{event}.yaml", yamlio.dump(review.model_dump(mode="json")))
    return review


def decide_review(on_disk: ClauseVersion | None, events: Iterable[str], clause_id: str, version: int, event: str,
                  reviewer: str, comment: str = "", now: datetime | None = None, *, verified: bool = False,
                  seen_digest: str | None = None, also_known_as: Iterable[str] = (),
                  one_person_team: bool = False) -> Review:
    """The review to record of a version as it is stored now (`on_disk`, None when gone) with the
    kinds of review events it has now; a refusal as record_review words it. The caller holds the
    version still (a lock, a row lock) from reading both until the review is recorded."""
    if not reviewer.strip():
        raise LibraryError("a review needs the reviewer's name", field="reviewer")
    if on_disk is None or (seen_digest is not None and version_digest(on_disk) != seen_digest):
        raise ConflictError(f"{clause_id} v{version} is no longer the text you read (its file changed "
                            "or is gone); nothing was recorded: read it again, then review it",
                            field="version", code="review-stale", id=clause_id, version=version)
    if event == "approved" and not one_person_team and authored_by(on_disk, [reviewer, *also_known_as]):
        raise LibraryError(f"{clause_id} v{version} was written by {on_disk.author}, who may not approve it: "
                           "another reviewer approves it (four-eyes), unless the settings say "
                           "one_person_team: true", field="reviewer", code="review-own-version",
                           id=clause_id, version=version, author=on_disk.author)
    status = status_of(events)
    if status == "retired":
        raise ConflictError(f"{clause_id} v{version} is retired; make a new version instead", field="event",
                            code="review-retired", id=clause_id, title=on_disk.title, version=version)
    if event == "approved" and status == "approved":
        raise ConflictError(f"{clause_id} v{version} is already approved", field="event",
                            code="review-already-approved", id=clause_id, title=on_disk.title, version=version)
    return Review(id=clause_id, version=version, event=event, reviewer=reviewer.strip(),
                  at=now or datetime.now(timezone.utc).astimezone(), comment=comment, verified=verified)


def read_new_version(path: str | Path) -> NewVersion:
    """Read a new-version file (a version file without `version`, with `based_on`)."""
    path = Path(path)
    # (a FIFO or a folder is refused before it is opened; a bid-sized file is the most a draft needs)
    data = read_user_file(path, bidfile.MAX_BYTES, LibraryError)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LibraryError(f"cannot be read: {exc}", file=str(path)) from None
    draft, problems = yamlio.parse_model(text, NewVersion)
    if draft is None:
        raise LibraryError(problems[0].message, file=str(path), line=problems[0].line)
    return draft
