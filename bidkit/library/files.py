"""One library file: what its path says it is, parsed and validated into a model or problems
with their lines; and the walk that finds the files of a library folder."""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bidkit import templating, yamlio
from bidkit.errors import BidkitError, LibraryError
from bidkit.library.entries import LibraryIssue
from bidkit.model import Category, ClauseVersion, NewVersion, Review
from bidkit.userfile import read_user_file

MAX_FILE_BYTES = 1024 * 1024  # a clause version is a few KB; the longest shipped one is under 3 KB
VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")
EVENT_FILE = re.compile(r"^v(\d+)\.(approved|retired)\.ya?ml$")


def _issues(rel: str, problems: list[yamlio.Problem]) -> list[LibraryIssue]:
    return [LibraryIssue(rel, p.line, p.message) for p in problems]


def _validate(rel: str, text: str, model: type[BaseModel]) -> tuple[Any, list[LibraryIssue]]:
    result, problems = yamlio.parse_model(text, model)
    return result, _issues(rel, problems)


def _template_line(text: str, problem: LibraryError, field_lines: dict[str, int | None] | None = None) -> int | None:
    """The file line of a template problem: its parameter's, or its line of the clause text (a
    block scalar starts below its key). `field_lines` keeps the lines found, for the next problem."""
    field = problem.field or "text"
    field_lines = {} if field_lines is None else field_lines
    if field not in field_lines:
        field_lines[field] = yamlio.line_of(text, tuple(field.split(".")))
    key_line = field_lines[field]
    if field != "text" or key_line is None:
        return key_line
    header = text.splitlines()[key_line - 1] if key_line <= len(text.splitlines()) else ""
    block = header.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+"))
    return key_line + (1 if block else 0) + (problem.line or 1) - 1


def template_issues(rel: str, text: str, version: ClauseVersion | NewVersion) -> list[LibraryIssue]:
    """What the clause text may not do, names no parameter declares, template markup in a value."""
    field_lines: dict[str, int | None] = {}
    return [LibraryIssue(rel, _template_line(text, p, field_lines), f"{p.field}: {p.message}")
            for p in templating.clause_problems(version.text, version.params)]


def _parse_version(rel: str, text: str, category: str, clause_id: str, number: int):
    version, issues = _validate(rel, text, ClauseVersion)
    if version is None:
        return None, issues
    for name, expected in (("id", clause_id), ("category", category), ("version", number)):
        if getattr(version, name) != expected:
            issues.append(LibraryIssue(rel, yamlio.line_of(text, (name,)),
                                       f"{name}: is {getattr(version, name)!r} but the file's path says {expected!r}"))
    issues += template_issues(rel, text, version)
    return (None if issues else version), issues


def _parse_event(rel: str, text: str, clause_id: str, number: int, event: str):
    review, issues = _validate(rel, text, Review)
    if review is None:
        return None, issues
    for name, expected in (("id", clause_id), ("version", number), ("event", event)):
        if getattr(review, name) != expected:
            issues.append(LibraryIssue(rel, yamlio.line_of(text, (name,)),
                                       f"{name}: is {getattr(review, name)!r} but the file's name says {expected!r}"))
    return (None if issues else review), issues


def _parse_category(rel: str, text: str):
    return _validate(rel, text, Category)


def _parse_file(root: Path, rel: str) -> tuple[Any, list[LibraryIssue]]:
    """Parse one library file by what its path says it is; whatever goes wrong is an issue of this
    file, so the rest of the library loads."""
    text, issue = read_text(root, rel)
    return (None, [issue]) if issue else parse_text(rel, text)


def read_text(root: Path, rel: str) -> tuple[str, LibraryIssue | None]:
    """The text of the library file at `rel`, or why it cannot be read (as the file's issue)."""
    try:
        # (a FIFO or a huge file dropped into a shared library must neither hang nor swamp a load)
        return read_user_file(os.path.join(root, rel), MAX_FILE_BYTES, LibraryError).decode("utf-8"), None
    except UnicodeDecodeError:
        return "", LibraryIssue(rel, None, "is not UTF-8 text")
    except LibraryError as exc:
        return "", LibraryIssue(rel, None, exc.message)


def parse_text(rel: str, text: str) -> tuple[Any, list[LibraryIssue]]:
    """Parse the text of the library file at `rel` (a folder's, or a database row's under the path
    it is exported to) by what that path says it is."""
    parts = rel.split("/")
    try:
        if len(parts) == 2 and parts[1] in ("_category.yaml", "_category.yml"):
            return _parse_category(rel, text)
        if len(parts) == 3:
            category, clause_id, name = parts
            if m := VERSION_FILE.match(name):
                return _parse_version(rel, text, category, clause_id, int(m.group(1)))
            if m := EVENT_FILE.match(name):
                return _parse_event(rel, text, clause_id, int(m.group(1)), m.group(2))
    except Exception as exc:  # noqa: BLE001 -- one file, whatever its fault, must not stop the library
        return None, [_failure(rel, exc)]
    return None, [LibraryIssue(rel, None, "is not a library file: expected <category>/_category.yaml, "
                                          "<category>/<id>/vN.yaml or <category>/<id>/vN.approved.yaml")]


def _failure(rel: str, exc: Exception) -> LibraryIssue:
    """A failure no check foresaw while parsing a file, said in one line (never a traceback)."""
    if isinstance(exc, BidkitError):
        return LibraryIssue(rel, exc.line, exc.message)
    if isinstance(exc, RecursionError):
        return LibraryIssue(rel, None, "is nested too deeply to be read")
    if isinstance(exc, MemoryError):
        return LibraryIssue(rel, None, "needs more memory than there is to be read")
    detail = next(iter(str(exc).splitlines()), "")[:200]
    return LibraryIssue(rel, None, f"cannot be read: {type(exc).__name__}" + (f": {detail}" if detail else ""))


def _library_files(root: Path, issues: list[LibraryIssue]) -> Iterator[tuple[str, tuple[int, int, int, int]]]:
    """Every YAML file below root as (relative path, stamp), skipping hidden files; the stamp is
    (size, mtime_ns, ctime_ns, inode), what the cache keys each file's parse on (see cache._Parsed).

    A symbolic link is not followed (it could lead out of the library, and the writer refuses to
    write through one): it becomes an issue in `issues`, so a linked category does not just vanish.
    """
    stack = [""]
    base = str(root)
    while stack:
        rel_dir = stack.pop()
        with os.scandir(os.path.join(base, rel_dir) if rel_dir else base) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if entry.is_symlink():
                    issues.append(LibraryIssue(rel, None, "is a symbolic link, which the library does not "
                                                          "follow: replace it with the folder or file itself"))
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(rel)
                elif name.endswith((".yaml", ".yml")):
                    st = entry.stat(follow_symlinks=False)
                    yield rel, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
