"""The library cache: a warm load always equals a cold one, whatever the cache file holds."""
from __future__ import annotations

import marshal
import os
import pickle
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pydantic
import pytest

from bidkit import library
from bidkit.library import cache

ROOT = Path(__file__).resolve().parent.parent
OLD_CACHE_NAME = ".bidkit-index.marshal"  # where bidkit before issue 11 kept (and trusted) its cache
REVIEW = "warranty/warranty-period/v2.approved.yaml"  # its comment says 验收


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch) -> Path:
    """Each test's own cache folder; stamps taken this instant are trusted (files are written just
    before they are loaded here), except where a test says otherwise."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr(cache, "RACY_NS", -10**15)
    return home


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root, ignore=shutil.ignore_patterns(".*"))
    return root


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The files a load parses (rather than takes from the cache)."""
    calls: list[str] = []
    real = cache._parse_file
    monkeypatch.setattr(cache, "_parse_file", lambda root, rel: calls.append(rel) or real(root, rel))
    return calls


def snapshot(lib: library.Library) -> tuple:
    """Everything a load gives, comparable with ==."""
    return (lib.summary(), lib.categories,
            {cid: (e.category, [(n, e.versions[n], e.status(n)) for n in e.versions], e.reviews)
             for cid, e in lib.clauses.items()})


def cold(root: Path) -> tuple:
    return snapshot(library.load(root, use_cache=False))


def test_cached_load_equals_cold_load(lib_root, parsed):
    """The starter library from its cache is exactly what a cold load gives, and nothing is parsed."""
    expected = cold(lib_root)
    parsed.clear()
    assert snapshot(library.load(lib_root)) == expected
    assert len(parsed) > 50
    parsed.clear()
    assert snapshot(library.load(lib_root)) == expected
    assert parsed == []


def test_cache_is_the_users_own_not_in_the_library(lib_root, cache_home):
    before = sorted(p.name for p in lib_root.iterdir())
    library.load(lib_root)
    assert sorted(p.name for p in lib_root.iterdir()) == before
    path = cache.cache_file(lib_root)
    assert path.is_file() and cache_home in path.parents
    assert (path.parent.stat().st_mode & 0o777) == 0o700


def test_no_cache_folder_still_loads(lib_root, tmp_path, monkeypatch):
    """Where the cache folder cannot be made, the library loads (only more slowly next time)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert snapshot(library.load(lib_root)) == cold(lib_root)


@pytest.mark.parametrize("change, keep_mtime", [
    ("title", False),
    ("text, same size, mtime put back", True),
])
def test_changed_file_is_parsed_again(lib_root, parsed, change, keep_mtime):
    """A changed file is read again, even with its size and mtime kept (the old cache key)."""
    library.load(lib_root)
    path = lib_root / "warranty/warranty-period/v1.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    new = text.replace("免费", "收费", 1) if keep_mtime else text.replace("title: ", "title: 新", 1)
    assert new != text and (len(new.encode()) == len(text.encode())) == keep_mtime
    path.write_text(new, encoding="utf-8")
    if keep_mtime:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    parsed.clear()
    lib = library.load(lib_root)
    assert parsed == ["warranty/warranty-period/v1.yaml"]
    assert snapshot(lib) == cold(lib_root)


def test_file_changed_just_before_the_load_is_not_kept(lib_root, parsed, monkeypatch):
    """A file changed within a clock tick of the walk may change again unseen: it is read again."""
    monkeypatch.setattr(cache, "RACY_NS", 10**15)
    library.load(lib_root)
    parsed.clear()
    library.load(lib_root)
    assert len(parsed) > 50


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


DAMAGES = {
    "garbage": lambda data: b"garbage",
    "empty": lambda data: b"",
    "truncated": lambda data: data[:len(data) // 2],
    "one more byte": lambda data: data + b"\0",
    "bit in the checksum": lambda data: flip(data, 3),
    "bit in the header": lambda data: flip(data, 40),
    "验收 -> 骍收 in an approval": lambda data: data.replace("验收".encode(), "骍收".encode(), 1),
    "bit in the last byte": lambda data: flip(data, len(data) - 1),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_damaged_cache_gives_the_cold_result_and_is_rebuilt(lib_root, parsed, damage):
    expected = cold(lib_root)
    library.load(lib_root)
    path = cache.cache_file(lib_root)
    good = path.read_bytes()
    assert "验收".encode() in good
    path.write_bytes(DAMAGES[damage](good))
    lib = library.load(lib_root)
    assert snapshot(lib) == expected
    assert "验收" in lib.clause("warranty-period").reviews[2][0].comment
    parsed.clear()
    assert snapshot(library.load(lib_root)) == expected
    assert parsed == []  # rebuilt by the load that found it damaged


class _Payload:
    """Unpickling this creates a file: proof that a crafted cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


def old_format_cache(root: Path, blob: bytes) -> bytes:
    """A cache in the library folder as bidkit before issue 11 wrote and trusted it: the approval
    of v2 of warranty-period holds `blob` (a pickle)."""
    st = (root / REVIEW).stat()
    row = (REVIEW, (st.st_mtime_ns, st.st_size), "review", ("warranty-period", 2), blob, ())
    version = f"2-{sys.version_info[0]}.{sys.version_info[1]}-{pydantic.VERSION}"
    return marshal.dumps((version, [row]))


def test_crafted_cache_never_runs_code(lib_root, tmp_path):
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Payload(marker))
    (lib_root / OLD_CACHE_NAME).write_bytes(old_format_cache(lib_root, payload))
    path = cache.cache_file(lib_root)
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    lib = library.load(lib_root)
    lib.clause("warranty-period").status(2)
    assert not marker.exists()
    assert snapshot(lib) == cold(lib_root)


def test_forged_entries_are_ignored(lib_root):
    """A forged approval in the shared folder's old cache, or in a cache for a file not on disk,
    shows nothing that is not on disk."""
    real = library.load(lib_root, use_cache=False).clause("warranty-period").reviews[2][0]
    forged = real.model_copy(update={"comment": "伪造的批准"})
    (lib_root / OLD_CACHE_NAME).write_bytes(old_format_cache(lib_root, pickle.dumps(forged)))
    library.load(lib_root)
    path = cache.cache_file(lib_root)
    files = cache._read_cache(path, lib_root)
    ghost = files[REVIEW]._replace(key=("warranty-period", 3), data=forged.model_dump_json().encode())
    files["warranty/warranty-period/v3.approved.yaml"] = ghost
    path.write_bytes(cache._encode(lib_root, files))
    lib = library.load(lib_root)
    assert snapshot(lib) == cold(lib_root)
    assert "伪造的批准" not in str(snapshot(lib))


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_another_users_cache_file_is_ignored(lib_root, parsed):
    library.load(lib_root)
    os.chown(cache.cache_file(lib_root), 12345, 12345)
    parsed.clear()
    assert snapshot(library.load(lib_root)) == cold(lib_root)
    assert len(parsed) > 50


LOAD = """
import sys
from bidkit import library
print(len(library.load(sys.argv[1]).clauses))
"""


def limited() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


ODD = {
    "link to /dev/zero": lambda path: path.symlink_to("/dev/zero"),
    "FIFO": lambda path: os.mkfifo(path),
    "folder": lambda path: path.mkdir(),
    "over the size limit": lambda path: path.write_bytes(b"") or os.truncate(path, cache.MAX_CACHE_BYTES + 1),
}


@pytest.mark.parametrize("odd", ODD, ids=list(ODD))
def test_odd_cache_file_is_ignored_without_hanging(lib_root, cache_home, odd):
    """Placed as the cache (and as the old cache in the library folder), in a separate process
    with a memory limit: the load neither waits on it nor reads it."""
    path = cache.cache_file(lib_root)
    path.parent.mkdir(parents=True)
    for place in (path, lib_root / OLD_CACHE_NAME):
        ODD[odd](place)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", LOAD, str(lib_root)], capture_output=True, text=True,
                          timeout=60, env=env, preexec_fn=limited)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(library.load(lib_root, use_cache=False).clauses)


def test_concurrent_loads_never_read_a_torn_cache(lib_root):
    """Threads loading while files are touched (each touch makes the next load rewrite the cache):
    every load gives the cold result, and the cache left behind is whole."""
    expected = cold(lib_root)
    files = sorted(lib_root.rglob("*.yaml"))
    results, errors = [], []
    stop = threading.Event()

    def toucher() -> None:
        i = 0
        while not stop.is_set():
            os.utime(files[i % len(files)])
            i += 1

    def loader() -> None:
        try:
            for _ in range(4):
                results.append(snapshot(library.load(lib_root)))
        except Exception as exc:  # reported below, with what it was
            errors.append(exc)

    threads = [threading.Thread(target=loader) for _ in range(3)]
    touching = threading.Thread(target=toucher)
    touching.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    touching.join()
    assert errors == []
    assert len(results) == 12 and all(r == expected for r in results)
    assert len(cache._read_cache(cache.cache_file(lib_root), lib_root)) == len(files)


def test_default_that_json_turns_into_other_text_is_an_issue(tmp_path):
    """A choice default YAML reads as a timestamp is text once kept as JSON, and no longer one of
    the choices: the version is an issue on a cold and a warm load alike, never a surprise later."""
    root = tmp_path / "lib"
    (root / "warranty" / "dated").mkdir(parents=True)
    (root / "warranty" / "_category.yaml").write_text("title: 质保\norder: 1\n", encoding="utf-8")
    (root / "warranty" / "dated" / "v1.yaml").write_text(
        "id: dated\nversion: 1\ncategory: warranty\ntitle: 日期\nauthor: 李明\n"
        "created: 2026-11-01T10:00:00+08:00\nparams:\n"
        "  day: {label: 日期, type: choice, choices: ['2026-01-01 10:00:00'], default: 2026-01-01 10:00:00}\n"
        "text: '{{ day }}'\n", encoding="utf-8")
    for lib in (library.load(root, use_cache=False), library.load(root), library.load(root)):
        assert [i.message for i in lib.issues] == [cache.UNKEPT]
        assert lib.clauses == {}
