"""The library's cache: each file's parsed result kept at the library's root, so reopening a
large library parses only the files that changed; a cold parse of many files is spread over
worker processes."""
from __future__ import annotations

import marshal
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, NamedTuple

import pydantic

from bidkit.library.files import _parse_file
from bidkit.model import Category, ClauseVersion, Review
from bidkit.storage import TMP_PREFIX

CACHE_NAME = ".bidkit-index.marshal"
CACHE_FORMAT = 2


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
