"""Loading a library folder: every file parsed (or taken from the cache), then put together,
with what only shows across files (duplicate ids, orphan reviews, missing categories)."""
from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

from bidkit.errors import LibraryError
from bidkit.library.cache import _Parsed, _parse_to_cache, _read_cache, _store, cache_file, parse_all
from bidkit.library.entries import ClauseEntry, Library, LibraryIssue
from bidkit.library.files import _library_files


def load(root: str | Path, use_cache: bool = True) -> Library:
    """Load the library folder at root; problems are collected, never raised."""
    root = Path(root)
    if not root.is_dir():
        raise LibraryError("is not a folder (set --library or BIDKIT_LIBRARY)", file=str(root))
    cache_path = cache_file(root) if use_cache else None
    cached = _read_cache(cache_path, root) if cache_path else {}
    files: dict[str, _Parsed] = {}
    todo = []
    walk_issues: list[LibraryIssue] = []
    walk_started_ns = time.time_ns()
    for rel, stamp in _library_files(root, walk_issues):
        hit = cached.get(rel)
        if hit is not None and hit.stamp == stamp:
            files[rel] = hit
        else:
            todo.append((rel, stamp))
    for (rel, _stamp), parsed in zip(todo, parse_all(partial(_parse_to_cache, root), todo)):
        files[rel] = parsed
    if cache_path and (todo or len(files) != len(cached)):
        _store(cache_path, root, files, cached, walk_started_ns)
    lib = _assemble(root, files)
    lib.issues.extend(walk_issues)
    return lib


def _assemble(root: Path, files: dict[str, _Parsed]) -> Library:
    """Put parsed files together and find what only shows across files (duplicates, orphans)."""
    lib = Library(root=root)
    events: list[tuple[str, _Parsed]] = []
    for rel in sorted(files):
        parsed = files[rel]
        lib.issues.extend(LibraryIssue(*issue) for issue in parsed.issues)
        if parsed.kind == "category":
            lib.categories[parsed.key[0]] = parsed.model()
        elif parsed.kind == "version":
            _add_version(lib, rel, parsed)
        elif parsed.kind == "review":
            events.append((rel, parsed))
    for rel, parsed in events:
        clause_id, number = parsed.key
        entry = lib.clauses.get(clause_id)
        if entry is None or number not in entry.versions:
            lib.issues.append(LibraryIssue(rel, None, f"review of v{number}, a version that does not load"))
            continue
        entry.reviews.setdefault(number, []).append(parsed.model())
    for category in {c.category for c in lib.clauses.values()} - set(lib.categories):
        lib.issues.append(LibraryIssue(f"{category}/_category.yaml", None, "is missing: the category has no title or order"))
    return lib


def _add_version(lib: Library, rel: str, parsed: _Parsed) -> None:
    category, clause_id, number = parsed.key
    entry = lib.clauses.get(clause_id)
    if entry is None:
        lib.clauses[clause_id] = entry = ClauseEntry(clause_id, category)
    elif entry.category != category:
        lib.issues.append(LibraryIssue(rel, None, f"id: clause {clause_id!r} also exists in category "
                                                  f"{entry.category!r}; ids must be unique"))
        return
    if number in entry.versions:
        lib.issues.append(LibraryIssue(rel, None, f"version: v{number} of {clause_id!r} exists twice"))
        return
    entry.versions.add(number, parsed)


def change_stamp(root: str | Path) -> tuple[int, int]:
    """A cheap fingerprint of the library's folders: it changes whenever a file is added, removed or
    renamed in a clause folder (every save of bidkit adds a file), without reading each file."""
    root = str(root)
    try:
        latest, count = os.stat(root).st_mtime_ns, 1
        with os.scandir(root) as categories:
            folders = [c.path for c in categories if c.is_dir(follow_symlinks=False) and c.name[0] != "."]
    except OSError:
        return 0, 0
    for folder in folders:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name[0] != "." and entry.is_dir(follow_symlinks=False):
                    latest, count = max(latest, entry.stat(follow_symlinks=False).st_mtime_ns), count + 1
        latest, count = max(latest, os.stat(folder).st_mtime_ns), count + 1
    return latest, count
