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
from bidkit.library.entries import LibraryIssue
from bidkit.model import Category, ClauseVersion, NewVersion, Review

VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")
EVENT_FILE = re.compile(r"^v(\d+)\.(approved|retired)\.ya?ml$")


def _issues(rel: str, problems: list[yamlio.Problem]) -> list[LibraryIssue]:
    return [LibraryIssue(rel, p.line, p.message) for p in problems]


def _validate(rel: str, text: str, model: type[BaseModel]) -> tuple[Any, list[LibraryIssue]]:
    result, problems = yamlio.parse_model(text, model)
    return result, _issues(rel, problems)


def _template_line(text: str, template: str, lineno: int) -> int | None:
    """The file line of line `lineno` of the clause text (a block scalar starts below its key)."""
    key_line = yamlio.line_of(text, ("text",))
    if key_line is None:
        return None
    header = text.splitlines()[key_line - 1] if key_line <= len(text.splitlines()) else ""
    block = header.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+"))
    return key_line + (1 if block else 0) + lineno - 1


def template_issues(rel: str, text: str, version: ClauseVersion | NewVersion) -> list[LibraryIssue]:
    """Jinja syntax errors and names the text uses that no parameter declares."""
    names, problems = templating.template_names(version.text)
    if problems:
        return [LibraryIssue(rel, _template_line(text, version.text, lineno or 1), f"text: {msg}")
                for lineno, msg in problems]
    unknown = names - set(version.params) - set(templating.BID_VARIABLES)
    lines = version.text.splitlines()
    return [LibraryIssue(rel, _template_line(text, version.text,
                                             next((i for i, l in enumerate(lines, 1) if name in l), 1)),
                         f"text: uses {{{{ {name} }}}} but no parameter {name!r} is declared")
            for name in sorted(unknown)]


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
    """Parse one library file by what its path says it is."""
    parts = rel.split("/")
    try:
        with open(os.path.join(root, rel), "rb") as fh:  # plain open: pathlib costs more than the read
            text = fh.read().decode("utf-8")
    except UnicodeDecodeError:
        return None, [LibraryIssue(rel, None, "is not UTF-8 text")]
    except OSError as exc:
        return None, [LibraryIssue(rel, None, f"cannot be read: {exc.strerror}")]
    if len(parts) == 2 and parts[1] in ("_category.yaml", "_category.yml"):
        return _parse_category(rel, text)
    if len(parts) == 3:
        category, clause_id, name = parts
        if m := VERSION_FILE.match(name):
            return _parse_version(rel, text, category, clause_id, int(m.group(1)))
        if m := EVENT_FILE.match(name):
            return _parse_event(rel, text, clause_id, int(m.group(1)), m.group(2))
    return None, [LibraryIssue(rel, None, "is not a library file: expected <category>/_category.yaml, "
                                          "<category>/<id>/vN.yaml or <category>/<id>/vN.approved.yaml")]


def _library_files(root: Path) -> Iterator[tuple[str, tuple[int, int]]]:
    """Every YAML file below root as (relative path, (mtime_ns, size)), skipping hidden files."""
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
                if entry.is_dir(follow_symlinks=False):
                    stack.append(rel)
                elif name.endswith((".yaml", ".yml")):
                    st = entry.stat(follow_symlinks=False)
                    yield rel, (st.st_mtime_ns, st.st_size)
