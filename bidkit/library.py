"""The versioned clause library on disk: load it, validate it, add versions and review events.

Layout (DESIGN.md): <category>/_category.yaml, <category>/<id>/vN.yaml (immutable versions) and
<category>/<id>/vN.<event>.yaml (immutable review events). Loading never stops at a broken file:
each problem becomes a LibraryIssue with its file, line and field, and the rest loads.

Reopening a large library is fast because each file's parsed result is cached (keyed by its size
and modification time) in `.bidkit-index.marshal` at the library's root; only changed files are
parsed again.
"""
from __future__ import annotations

import marshal
import multiprocessing
import os
import pickle
import sys
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NamedTuple

import pydantic
import yaml
from pydantic import BaseModel

from bidkit import templating, yamlio
from bidkit.errors import BidError, ConflictError, LibraryError
from bidkit.model import ID_PATTERN, Category, ClauseVersion, NewVersion, Review, Status
from bidkit.storage import TMP_PREFIX, create_exclusive

CACHE_NAME = ".bidkit-index.marshal"
CACHE_FORMAT = 2
VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")
EVENT_FILE = re.compile(r"^v(\d+)\.(approved|retired)\.ya?ml$")
EVENT_ORDER = {"approved": 0, "retired": 1}


@dataclass(frozen=True)
class LibraryIssue:
    """One problem found in a library file."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class Versions(Mapping[int, ClauseVersion]):
    """A clause's versions by number, each unpickled from the cache on first use."""

    def __init__(self) -> None:
        self._parsed: dict[int, "_Parsed"] = {}
        self._loaded: dict[int, ClauseVersion] = {}

    def add(self, number: int, parsed: "_Parsed") -> None:
        self._parsed[number] = parsed

    def __getitem__(self, number: int) -> ClauseVersion:
        if number not in self._loaded:
            self._loaded[number] = self._parsed[number].model()
        return self._loaded[number]

    def __contains__(self, number: object) -> bool:
        return number in self._parsed

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._parsed))

    def __len__(self) -> int:
        return len(self._parsed)


@dataclass
class ClauseEntry:
    """All versions of one clause and their review events."""

    id: str
    category: str
    versions: Versions = field(default_factory=Versions)
    reviews: dict[int, list[Review]] = field(default_factory=dict)

    def status(self, version: int) -> Status:
        """A version's status is its latest review event, or draft where there is none."""
        events = self.reviews.get(version) or []
        if not events:
            return "draft"
        return max(events, key=lambda r: (r.at, EVENT_ORDER[r.event])).event

    def latest(self) -> ClauseVersion:
        return self.versions[max(self.versions)]

    def latest_approved(self) -> ClauseVersion | None:
        for number in sorted(self.versions, reverse=True):
            if self.status(number) == "approved":
                return self.versions[number]
        return None

    def last_reviewed(self) -> datetime | None:
        stamps = [r.at for events in self.reviews.values() for r in events]
        return max(stamps) if stamps else None


@dataclass
class Library:
    """A loaded clause library: categories, clauses and every problem found."""

    root: Path
    categories: dict[str, Category] = field(default_factory=dict)
    clauses: dict[str, ClauseEntry] = field(default_factory=dict)
    issues: list[LibraryIssue] = field(default_factory=list)

    def clause(self, clause_id: str) -> ClauseEntry:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise BidError(f"clause {clause_id!r} is not in the library at {self.root}") from None

    def version(self, clause_id: str, version: int) -> ClauseVersion:
        entry = self.clause(clause_id)
        try:
            return entry.versions[version]
        except KeyError:
            have = ", ".join(f"v{n}" for n in sorted(entry.versions))
            raise BidError(f"clause {clause_id!r} has no version {version} (it has {have})") from None

    def status(self, clause_id: str, version: int) -> Status:
        return self.clause(clause_id).status(version)

    def latest_approved(self, clause_id: str) -> ClauseVersion | None:
        return self.clause(clause_id).latest_approved()

    def version_count(self) -> int:
        return sum(len(c.versions) for c in self.clauses.values())

    def category_order(self) -> list[str]:
        """Category ids in chapter order; unknown categories last, by name."""
        return sorted(self.categories, key=lambda c: (self.categories[c].order, c))

    def summary(self) -> dict[str, Any]:
        return {"clauses": len(self.clauses), "versions": self.version_count(),
                "categories": len(self.categories),
                "errors": [{"file": i.file, "line": i.line, "message": i.message} for i in self.issues]}


# ---------------------------------------------------------------- reading one file

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


# ---------------------------------------------------------------- walking the folder

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


def _read_cache(path: Path) -> dict[str, "_Parsed"]:
    """The cached parse of every file, or {} when the cache is missing, stale or damaged.

    marshal, not pickle, for the index itself: it reads plain tuples several times faster, and
    the format key (which includes the Python version) makes a cache from another Python stale.
    """
    try:
        data = marshal.loads(path.read_bytes())
        if isinstance(data, tuple) and data[0] == _cache_format():
            return {row[0]: _Parsed._make(row[1:]) for row in data[1]}
    except (OSError, EOFError, ValueError, TypeError, IndexError):
        pass
    return {}


def _cache_format() -> str:
    return f"{CACHE_FORMAT}-{sys.version_info[0]}.{sys.version_info[1]}-{pydantic.VERSION}"


def _write_cache(path: Path, files: dict) -> None:
    """Best effort: a read-only library still loads, only more slowly next time."""
    tmp = path.with_name(f"{TMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        rows = [(rel, *parsed) for rel, parsed in files.items()]
        tmp.write_bytes(marshal.dumps((_cache_format(), rows)))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


class _Parsed(NamedTuple):
    """One file's parse, as cached: what it is (kind, key), its model pickled, and its issues.

    The model stays pickled until someone asks for it, so reopening a library of thousands of
    versions unpickles only the few it needs (the review events, which give each status).
    """

    stamp: tuple[int, int]
    kind: str | None  # "category", "version", "review", or None when the file did not load
    key: tuple
    blob: bytes | None
    issues: tuple[tuple[str, int | None, str], ...]  # (file, line, message), as LibraryIssue takes them

    def model(self) -> Any:
        return pickle.loads(self.blob)


def _parse_to_cache(root: Path, rel: str, stamp: tuple[int, int]) -> _Parsed:
    result, issues = _parse_file(root, rel)
    if isinstance(result, Category):
        kind, key = "category", (rel.split("/")[0],)
    elif isinstance(result, ClauseVersion):
        kind, key = "version", (result.category, result.id, result.version)
    elif isinstance(result, Review):
        kind, key = "review", (result.id, result.version)
    else:
        kind, key = None, ()
    blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL) if kind else None
    return _Parsed(stamp, kind, key, blob, tuple((i.file, i.line, i.message) for i in issues))


def _parse_batch(root: Path, batch: list[tuple[str, tuple[int, int]]]) -> list[_Parsed]:
    return [_parse_to_cache(root, rel, stamp) for rel, stamp in batch]


def _parse_batch_marshalled(root: Path, batch: list[tuple[str, tuple[int, int]]]) -> bytes:
    """A worker's batch as one marshal blob of plain tuples: sending thousands of named tuples
    back through pickle cost the parent a third of what the workers saved."""
    return marshal.dumps([tuple(p) for p in _parse_batch(root, batch)])


# A cold load of thousands of files is spread over the machine's cores; below this many files
# starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def _parse_all(root: Path, todo: list[tuple[str, tuple[int, int]]]) -> list[_Parsed]:
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) < PARALLEL_FROM or workers < 2:
        return _parse_batch(root, todo)
    size = -(-len(todo) // (workers * 4))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            blobs = pool.map(_parse_batch_marshalled, [root] * len(batches), batches)
            return [_Parsed._make(row) for blob in blobs for row in marshal.loads(blob)]
    except (OSError, BrokenProcessPool):
        return _parse_batch(root, todo)


def load(root: str | Path, use_cache: bool = True) -> Library:
    """Load the library folder at root; problems are collected, never raised."""
    root = Path(root)
    if not root.is_dir():
        raise LibraryError("is not a folder (set --library or BIDKIT_LIBRARY)", file=str(root))
    cache_path = root / CACHE_NAME
    cached = _read_cache(cache_path) if use_cache else {}
    files: dict[str, _Parsed] = {}
    todo = []
    for rel, stamp in _library_files(root):
        hit = cached.get(rel)
        if hit is not None and hit.stamp == stamp:
            files[rel] = hit
        else:
            todo.append((rel, stamp))
    for (rel, _stamp), parsed in zip(todo, _parse_all(root, todo)):
        files[rel] = parsed
    if use_cache and (todo or len(files) != len(cached)):
        _write_cache(cache_path, files)
    return _assemble(root, files)


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


# ---------------------------------------------------------------- writing

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
