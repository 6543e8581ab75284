"""The versioned clause library: loading, every kind of broken file, versions, reviews, the cache."""
from __future__ import annotations

import multiprocessing
import os
import textwrap
from pathlib import Path

import pytest

from bidkit import library, storage
from bidkit.errors import ConflictError, LibraryError
from bidkit.model import NewVersion

GOOD = """\
id: warranty-period
version: {n}
category: warranty
title: 质保期承诺
author: 李明
created: 2026-11-20T10:00:00+08:00
note: first
params:
  warranty_period: {{label: 质保期, type: duration, default: 36 month, min: 12 month, metric: warranty_period}}
text: |
  我公司提供{{{{ warranty_period }}}}免费质保服务。
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    write(root, "warranty/_category.yaml", "title: 质保服务\ntitle_en: Warranty\norder: 1\n")
    write(root, "warranty/warranty-period/v1.yaml", GOOD.format(n=1))
    write(root, "warranty/warranty-period/v1.approved.yaml",
          "id: warranty-period\nversion: 1\nevent: approved\nreviewer: 周律师\nat: 2026-11-21T10:00:00+08:00\n")
    return root


def draft(based_on: int, text: str = "我公司提供{{ warranty_period }}质保。") -> NewVersion:
    return NewVersion(id="warranty-period", based_on=based_on, category="warranty", title="质保期承诺",
                      params={"warranty_period": {"label": "质保期", "type": "duration", "default": "3 year",
                                                  "metric": "warranty_period"}},
                      text=text)


def test_loads_good_library(lib_root):
    """A clean library loads with its status from the review event."""
    lib = library.load(lib_root)
    assert lib.issues == []
    assert lib.status("warranty-period", 1) == "approved"
    assert lib.latest_approved("warranty-period").version == 1
    assert lib.summary()["clauses"] == 1


BROKEN = [
    ("YAML does not parse", "id: [unclosed\n", "YAML does not parse", 2),
    ("version number differs from file name", GOOD.format(n=3), "version: is 3 but the file's path says 2", 2),
    ("unknown parameter type", GOOD.format(n=2).replace("type: duration", "type: money"), "params.warranty_period.type", 9),
    ("undeclared template name", GOOD.format(n=2).replace("{{ warranty_period }}", "{{ warranty_years }}"),
     "no parameter 'warranty_years' is declared", 11),
    ("jinja syntax error", GOOD.format(n=2).replace("{{ warranty_period }}", "{{ warranty_period "),
     "template syntax error", 11),
    ("unparseable quantity", GOOD.format(n=2).replace("default: 36 month", "default: three moons"),
     "three moons", 9),
    ("unknown field", GOOD.format(n=2).replace("note: first", "notes: first"), "notes: unknown field", 7),
    ("id with path tricks", GOOD.format(n=2).replace("id: warranty-period", "id: ../etc"), "id:", 1),
]


@pytest.mark.parametrize("name,text,expected,line", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_is_reported_and_rest_loads(lib_root, name, text, expected, line):
    """Each broken file is one precise issue with its line; the good versions still load."""
    write(lib_root, "warranty/warranty-period/v2.yaml", text)
    lib = library.load(lib_root)
    assert len(lib.issues) >= 1
    issue = lib.issues[0]
    assert issue.file == "warranty/warranty-period/v2.yaml"
    assert expected in issue.message
    assert issue.line == line
    assert lib.version("warranty-period", 1).version == 1


def test_duplicate_version_is_reported(lib_root):
    """v1.yaml and v01.yaml both claim version 1."""
    write(lib_root, "warranty/warranty-period/v01.yaml", GOOD.format(n=1))
    lib = library.load(lib_root)
    assert any("exists twice" in i.message for i in lib.issues)


def test_duplicate_id_across_categories(lib_root):
    """A clause id is unique across the whole library."""
    write(lib_root, "other/_category.yaml", "title: 其他\norder: 9\n")
    write(lib_root, "other/warranty-period/v1.yaml", GOOD.format(n=1).replace("category: warranty", "category: other"))
    lib = library.load(lib_root)
    assert any("ids must be unique" in i.message for i in lib.issues)


def test_stray_file_and_orphan_review(lib_root):
    """Files that are not library files, and reviews of missing versions, are reported."""
    write(lib_root, "warranty/notes.yaml", "a: 1\n")
    write(lib_root, "warranty/warranty-period/v7.approved.yaml",
          "id: warranty-period\nversion: 7\nevent: approved\nreviewer: x\nat: 2026-11-21T10:00:00+08:00\n")
    messages = [str(i) for i in library.load(lib_root).issues]
    assert any("is not a library file" in m for m in messages)
    assert any("v7, a version that does not load" in m for m in messages)


def test_missing_folder_is_an_error(tmp_path):
    """A library path that is not a folder is one clear error."""
    with pytest.raises(LibraryError, match="is not a folder"):
        library.load(tmp_path / "nope")


def test_new_version_and_conflict(lib_root):
    """The next version is saved as draft; an edit based on an older version conflicts."""
    v2 = library.new_version(lib_root, draft(1), author="王芳", note="三年")
    assert v2.version == 2
    lib = library.load(lib_root)
    assert lib.status("warranty-period", 2) == "draft"
    assert lib.latest_approved("warranty-period").version == 1
    with pytest.raises(ConflictError, match="v2 was saved .*王芳.* redo your change on top of v2"):
        library.new_version(lib_root, draft(1), author="李明")
    assert len(list((lib_root / "warranty/warranty-period").glob("v*.yaml"))) == 3


def test_new_version_rejects_bad_template(lib_root):
    """A new version whose text uses an undeclared name is refused before anything is written."""
    with pytest.raises(LibraryError, match="no parameter 'years'"):
        library.new_version(lib_root, draft(1, text="{{ years }}"), author="王芳")
    assert not (lib_root / "warranty/warranty-period/v2.yaml").exists()


def test_new_version_refuses_path_tricks(lib_root):
    """Ids with '/' or '..' never reach the file system."""
    with pytest.raises(ValueError):
        NewVersion(id="../x", based_on=0, category="warranty", title="t", text="t")


def test_review_rules(lib_root):
    """Approve a draft once; a retired version cannot be approved again; status is the latest event."""
    library.new_version(lib_root, draft(1), author="王芳")
    lib = library.load(lib_root)
    library.record_review(lib_root, lib, "warranty-period", 2, "approved", "周律师", "ok")
    lib = library.load(lib_root)
    assert lib.latest_approved("warranty-period").version == 2
    with pytest.raises(ConflictError, match="already approved"):
        library.record_review(lib_root, lib, "warranty-period", 2, "approved", "周律师")
    library.record_review(lib_root, lib, "warranty-period", 1, "retired", "周律师")
    lib = library.load(lib_root)
    assert lib.status("warranty-period", 1) == "retired"
    with pytest.raises(ConflictError, match="retired"):
        library.record_review(lib_root, lib, "warranty-period", 1, "approved", "周律师")


def _save_next(root: str, barrier, results) -> None:
    barrier.wait()
    try:
        library.new_version(root, draft(1), author=f"p{os.getpid()}")
        results.put("saved")
    except ConflictError as exc:
        results.put(f"conflict: {exc}")


def test_two_processes_save_at_once(lib_root):
    """Two processes saving the next version at once: exactly one wins, the other is told."""
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_save_next, args=(str(lib_root), barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert outcomes[1] == "saved"
    assert outcomes[0].startswith("conflict:") and "nothing was overwritten" in outcomes[0]
    lib = library.load(lib_root)
    assert sorted(lib.clause("warranty-period").versions) == [1, 2]
    assert lib.issues == []


def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    """A failure in the middle of a write leaves no partial, empty or temporary file."""
    target = tmp_path / "v2.yaml"

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        storage.create_exclusive(target, b"id: x\n")
    assert list(tmp_path.iterdir()) == []


def test_replace_atomic_detects_concurrent_change(tmp_path):
    """A save based on stale content conflicts instead of overwriting."""
    path = tmp_path / "bid.yaml"
    first = storage.replace_atomic(path, b"a", expected=None)
    storage.replace_atomic(path, b"b", expected=first)
    with pytest.raises(ConflictError):
        storage.replace_atomic(path, b"c", expected=first)
    assert path.read_bytes() == b"b"


def test_parallel_cold_load_gives_the_same_library(lib_root, monkeypatch):
    """Parsing in worker processes (as a large cold load does) yields what a serial parse does."""
    write(lib_root, "warranty/warranty-period/v2.yaml", "id: [\n")
    serial = library.load(lib_root, use_cache=False)
    monkeypatch.setattr(library.cache, "PARALLEL_FROM", 1)
    parallel = library.load(lib_root, use_cache=False)
    assert parallel.summary() == serial.summary()
    assert parallel.version("warranty-period", 1) == serial.version("warranty-period", 1)
