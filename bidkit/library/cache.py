"""The library's cache: each file's parsed result kept between loads, so reopening a large library
parses only the files that changed; a cold parse of many files is spread over worker processes.

The cache is the user's own ($XDG_CACHE_HOME/bidkit/library/, one file per library folder), never
in the library folder: that folder is often shared, and a cache there would let anyone who can
write to it show every other user text or approvals that are not on disk. It holds plain data only
(numbers, names, messages and each model's JSON, which pydantic validates when the model is first
used), under a checksum; anything that is not a regular file of this user, too large, damaged or
written by another version of bidkit is ignored, and the next write replaces it.
"""
from __future__ import annotations

import functools
import hashlib
import marshal
import os
import stat
import struct
import sys
from functools import partial
from itertools import accumulate, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Callable, NamedTuple

import jinja2
import pydantic
import yaml

import bidkit
from bidkit.library.entries import LibraryIssue
from bidkit.library.files import _parse_file, parse_text
from bidkit.model import Category, ClauseVersion, Review
from bidkit.storage import write_atomic
from bidkit.workers import BrokenProcessPool, cores, in_processes

CACHE_FORMAT = 3
# The cache of a 10,000-version library is about 8 MB; a larger file is not one bidkit wrote.
MAX_CACHE_BYTES = 512 * 2**20
# A file changed this close before the walk that stamped it may change again within the same tick
# of its file system's clock (2 s on FAT) without its stamp changing: its entry is not kept, so the
# next load reads the file again.
RACY_NS = 2_000_000_000

_MODELS: dict[str, type[pydantic.BaseModel]] = {"category": Category, "version": ClauseVersion, "review": Review}
# One letter per file in the cache: what the file is, or "-" for a file that did not load.
_KIND_LETTERS = {"category": "c", "version": "v", "review": "r", None: "-"}
_LETTER_KINDS = {letter: kind for kind, letter in _KIND_LETTERS.items()}
# The key of each kind: (category,), (category, clause id, version) and (clause id, version).
_KEY_LENGTHS = {"c": 1, "v": 3, "r": 2, "-": 0}
# Per file: size, mtime_ns, ctime_ns, inode (its stamp) and the length of its model's JSON.
_RECORD = struct.Struct("<QqqQQ")
_DIGEST_BYTES = 32
# Every model keeps its values as JSON, the same for a cold load and a warm one. A parameter's
# default may be any YAML value, and one that YAML reads as a date, binary data or a set becomes
# text in JSON: such a version is checked to still validate as that text.
_PLAIN = (str, int, float, bool, type(None))
UNKEPT = ("params: a default YAML reads as a date, binary data or another typed value is not valid "
          "once written as text: put the default in quotes")


class _Parsed(NamedTuple):
    """One file's parse, as cached: its stamp, what it is (kind, key), its model as JSON, its issues.

    The stamp is (size, mtime_ns, ctime_ns, inode). No program can set a ctime (writing, renaming or
    touching a file sets it to the present), so a changed file always shows a new stamp; hashing
    each file's bytes instead would read the whole library on every load, which for 10,000 versions
    costs more than the rest of a warm load together.

    The model stays JSON until someone asks for it, so reopening a library of thousands of versions
    validates only the few it needs (the review events, which give each status). A cold load goes
    through the same JSON, so it gives exactly what a warm one does.
    """

    stamp: tuple[int, int, int, int]
    kind: str | None  # "category", "version", "review", or None when the file did not load
    key: tuple
    data: bytes  # empty when the file did not load
    issues: tuple[tuple[str, int | None, str], ...]  # (file, line, message), as LibraryIssue takes them

    def model(self) -> Any:
        return _MODELS[self.kind].model_validate_json(self.data)


class _Header(pydantic.BaseModel):
    """The cache's first line: what wrote it, for which library, and the files, in record order."""

    model_config = pydantic.ConfigDict(strict=True, extra="forbid")

    format: str
    root: str
    files: list[str]
    kinds: str  # one of _KIND_LETTERS per file
    keys: list[tuple[str | int, ...]]
    issues: list[tuple[int, str, int | None, str]]  # (index in files, file, line, message)


@functools.cache
def _format_key() -> str:
    """What a usable cache was written by: this format, this bidkit's code (its parse rules) and the
    libraries that parse; a cache from any other gives way to a fresh parse."""
    source = hashlib.sha256()
    for path in sorted(Path(bidkit.__file__).parent.rglob("*.py")):
        source.update(path.read_bytes())
    return (f"{CACHE_FORMAT} bidkit {source.hexdigest()[:16]} pydantic {pydantic.VERSION} "
            f"pyyaml {yaml.__version__} jinja2 {jinja2.__version__} python {sys.version_info[0]}.{sys.version_info[1]}")


def cache_file(root: Path) -> Path | None:
    """Where this user's cache of the library at root is kept, or None where there is no cache folder."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
        if not os.path.isabs(base):
            return None
    name = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return Path(base, "bidkit", "library", name)


def _read_cache(path: Path, root: Path) -> dict[str, _Parsed]:
    """The cached parse of every file, or {} when the cache is missing, odd, damaged or stale."""
    data = _read_own_file(path)
    if data is None or hashlib.sha256(memoryview(data)[_DIGEST_BYTES:]).digest() != data[:_DIGEST_BYTES]:
        return {}
    end = data.find(b"\n", _DIGEST_BYTES)
    if end < 0:
        return {}
    try:
        header = _Header.model_validate_json(data[_DIGEST_BYTES:end])
    except pydantic.ValidationError:
        return {}
    count = len(header.files)
    if (header.format != _format_key() or header.root != os.path.realpath(root)
            or not set(header.kinds) <= _KEY_LENGTHS.keys()
            or list(map(_KEY_LENGTHS.__getitem__, header.kinds)) != list(map(len, header.keys))):
        return {}
    blob_start = end + 1 + count * _RECORD.size
    records = list(_RECORD.iter_unpack(memoryview(data)[end + 1:blob_start]))
    ends = list(accumulate(map(itemgetter(4), records), initial=blob_start))
    if len(records) != count or ends[-1] != len(data):
        return {}
    issues: dict[int, list[tuple[str, int | None, str]]] = {}
    for index, *issue in header.issues:
        issues.setdefault(index, []).append(tuple(issue))
    # Built by maps, not a loop of Python code per file: this is most of a warm load's own work.
    rows = zip(map(itemgetter(0, 1, 2, 3), records), map(_LETTER_KINDS.__getitem__, header.kinds),
               header.keys, map(data.__getitem__, map(slice, ends, ends[1:])),
               map(tuple, map(issues.get, range(count), repeat(()))))
    return dict(zip(header.files, map(partial(tuple.__new__, _Parsed), rows)))


def _read_own_file(path: Path) -> bytes | None:
    """The bytes of a regular file of this user of at most MAX_CACHE_BYTES, else None: a link, a
    device, a pipe or another user's file is never read (nor waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_size > MAX_CACHE_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(info.st_size + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == info.st_size else None


def _store(path: Path, root: Path, files: dict[str, _Parsed], cached: dict[str, _Parsed],
           walk_started_ns: int) -> None:
    """Write the cache when it would hold something new; best effort: without a cache folder the
    library still loads, only more slowly next time."""
    keep = {rel: parsed for rel, parsed in files.items() if parsed.stamp[2] < walk_started_ns - RACY_NS}
    if keep.keys() == cached.keys() and all(keep[rel] is cached[rel] for rel in keep):
        return
    data = _encode(root, keep)
    if len(data) > MAX_CACHE_BYTES:
        return
    try:
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        write_atomic(path, data)
    except OSError:
        pass


def _encode(root: Path, files: dict[str, _Parsed]) -> bytes:
    header = _Header(format=_format_key(), root=os.path.realpath(root), files=list(files),
                     kinds="".join(_KIND_LETTERS[p.kind] for p in files.values()),
                     keys=[p.key for p in files.values()],
                     issues=[(i, *issue) for i, p in enumerate(files.values()) for issue in p.issues])
    body = b"".join([header.model_dump_json().encode(), b"\n",
                     *(_RECORD.pack(*p.stamp, len(p.data)) for p in files.values()),
                     *(p.data for p in files.values())])
    return hashlib.sha256(body).digest() + body


def _parse_to_cache(root: Path, rel: str, stamp: tuple[int, int, int, int]) -> _Parsed:
    return parsed_of(rel, stamp, *_parse_file(root, rel))


# A database row has no file stamp: its parse is kept by its text instead (see PgStore.load_library).
NO_STAMP = (0, 0, 0, 0)


def parse_stored_text(rel: str, text: str) -> _Parsed:
    """The parse of a library text a database row holds under the path a folder keeps it at."""
    return parsed_of(rel, NO_STAMP, *parse_text(rel, text))


def parsed_of(rel: str, stamp: tuple[int, int, int, int], result: Any, issues: list[LibraryIssue]) -> _Parsed:
    """A file's parse (files.parse_text) as load._assemble takes it."""
    if isinstance(result, Category):
        kind, key = "category", (rel.split("/")[0],)
    elif isinstance(result, ClauseVersion):
        kind, key = "version", (result.category, result.id, result.version)
    elif isinstance(result, Review):
        kind, key = "review", (result.id, result.version)
    else:
        kind, key = None, ()
    data = b""
    if kind:
        try:
            data = result.model_dump_json().encode()
            if kind == "version" and any(type(p.default) not in _PLAIN for p in result.params.values()):
                ClauseVersion.model_validate_json(data)
        except ValueError:
            kind, key, data, issues = None, (), b"", [*issues, LibraryIssue(rel, None, UNKEPT)]
    return _Parsed(stamp, kind, key, data, tuple((i.file, i.line, i.message) for i in issues))


def _parse_batch(parse_one: Callable[..., _Parsed], batch: list[tuple]) -> list[_Parsed]:
    return [parse_one(*item) for item in batch]


def _parse_batch_marshalled(parse_one: Callable[..., _Parsed], batch: list[tuple]) -> bytes:
    """A worker's batch as one marshal blob of plain tuples: sending thousands of named tuples
    back through pickle cost the parent a third of what the workers saved. (Only this process's
    own workers' output is ever unmarshalled, never a file.)"""
    return marshal.dumps([tuple(p) for p in _parse_batch(parse_one, batch)])


# A cold load of thousands of files is spread over the machine's cores; below this many files
# starting worker processes costs more than it saves.
PARALLEL_FROM = 400


def parse_all(parse_one: Callable[..., _Parsed], todo: list[tuple]) -> list[_Parsed]:
    """parse_one(*item) of every item, in order: a folder's files ((rel, stamp), with parse_one
    bound to its root) or a database's rows ((rel, text)), spread over worker processes when many."""
    workers = cores()
    if len(todo) < PARALLEL_FROM or workers < 2:
        return _parse_batch(parse_one, todo)
    size = -(-len(todo) // (workers * 4))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    try:
        blobs = in_processes(partial(_parse_batch_marshalled, parse_one), batches, workers)
    except (OSError, BrokenProcessPool):
        return _parse_batch(parse_one, todo)
    return [_Parsed._make(row) for blob in blobs for row in marshal.loads(blob)]
