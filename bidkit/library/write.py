"""Writing to the library: a new version of a clause, a review event; each an immutable file
created exclusively, so two writers racing for one name cannot both win."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import yaml

from bidkit import yamlio
from bidkit.errors import ConflictError, LibraryError
from bidkit.library.entries import Library
from bidkit.library.files import VERSION_FILE, template_issues
from bidkit.model import ID_PATTERN, ClauseVersion, NewVersion, Review
from bidkit.storage import create_exclusive


def _clause_dir(root: Path, category: str, clause_id: str) -> Path:
    for value in (category, clause_id):
        if not ID_PATTERN.match(value):
            raise LibraryError(f"{value!r} may hold only lower-case letters, digits and hyphens", field="id")
    return root / category / clause_id


def _versions_on_disk(folder: Path) -> list[int]:
    if not folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in folder.iterdir() if (m := VERSION_FILE.match(p.name)))


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
        raise ConflictError(_conflict_message(draft.id, draft.based_on, latest, folder), field="based_on")
    number = latest + 1
    version = ClauseVersion(
        id=draft.id, version=number, category=draft.category, title=draft.title,
        author=author, created=now or datetime.now(timezone.utc).astimezone(),
        note=note if note is not None else draft.note, params=draft.params, text=draft.text)
    rel = f"{draft.category}/{draft.id}/v{number}.yaml"
    data = yamlio.dump(version.to_file())
    problems = template_issues(rel, data.decode("utf-8"), version)
    if problems:
        raise LibraryError(problems[0].message, file=rel, line=problems[0].line, field="text")
    try:
        create_exclusive(folder / f"v{number}.yaml", data)
    except ConflictError:
        raise ConflictError(_conflict_message(draft.id, draft.based_on, number, folder),
                            field="based_on") from None
    return version


def _conflict_message(clause_id: str, based_on: int, latest: int, folder: Path) -> str:
    if latest < based_on:
        return f"{clause_id}: you based your edit on v{based_on}, but the latest version is v{latest}"
    who = ""
    try:
        saved = yaml.safe_load((folder / f"v{latest}.yaml").read_text(encoding="utf-8"))
        who = f" (saved by {saved.get('author')} at {saved.get('created')})"
    except (OSError, yaml.YAMLError, AttributeError):
        pass
    return (f"{clause_id}: v{latest} was saved{who} after the v{based_on} you edited; "
            f"nothing was overwritten, redo your change on top of v{latest}")


def record_review(root: str | Path, lib: Library, clause_id: str, version: int, event: str,
                  reviewer: str, comment: str = "", now: datetime | None = None) -> Review:
    """Record an approval or retirement as a file of its own; refuse what makes no sense."""
    entry = lib.clause(clause_id)
    lib.version(clause_id, version)
    status = entry.status(version)
    if not reviewer.strip():
        raise LibraryError("a review needs the reviewer's name", field="reviewer")
    if status == "retired":
        raise ConflictError(f"{clause_id} v{version} is retired; make a new version instead", field="event")
    if event == "approved" and status == "approved":
        raise ConflictError(f"{clause_id} v{version} is already approved", field="event")
    review = Review(id=clause_id, version=version, event=event, reviewer=reviewer.strip(),
                    at=now or datetime.now(timezone.utc).astimezone(), comment=comment)
    folder = _clause_dir(Path(root), entry.category, clause_id)
    create_exclusive(folder / f"v{version}.{event}.yaml", yamlio.dump(review.model_dump(mode="json")))
    return review


def read_new_version(path: str | Path) -> NewVersion:
    """Read a new-version file (a version file without `version`, with `based_on`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LibraryError(f"cannot be read: {exc}", file=str(path)) from None
    draft, problems = yamlio.parse_model(text, NewVersion)
    if draft is None:
        raise LibraryError(problems[0].message, file=str(path), line=problems[0].line)
    return draft
