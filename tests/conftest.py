"""Shared test helpers."""
from __future__ import annotations

import atexit
import functools
import hashlib
import io
import itertools
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

from bidkit import bidfile, library

# No property test is timed: Hypothesis's default deadline (200 ms an example) fails an example
# that a busy 2-core machine happened to slow down (a run beside the browser test took 334 ms
# where it takes 0.05 ms). Speed is measured in bench/, never asserted here.
settings.register_profile("bidkit", deadline=None)
settings.load_profile("bidkit")

ROOT = Path(__file__).resolve().parent.parent
DEMO_BID = ROOT / "examples" / "demo-bid.yaml"
# The folders the app writes into when it runs on the working tree (`make run`); tests read a
# snapshot of what git holds instead, and never write here.
WORKING_FOLDERS = ("clause_library", "templates")


@functools.cache
def shipped() -> Path:
    """A snapshot of the committed clause_library/ and templates/ (git HEAD), made once a process.

    Approving a version in the app writes into the working clause_library/; tests that copied it
    then ran on whatever the app last did. Outside a git checkout (a release archive) the working
    folders are what was shipped."""
    root = Path(tempfile.mkdtemp(prefix="bidkit-shipped-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    try:
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD", *WORKING_FOLDERS], cwd=ROOT,
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        for name in WORKING_FOLDERS:
            shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        return root
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    return root


@pytest.fixture(scope="session")
def lib() -> library.Library:
    """The shipped clause library, read-only (a test that writes makes its own copy)."""
    return library.load(shipped() / "clause_library", use_cache=False)


@pytest.fixture
def demo():
    return bidfile.read(DEMO_BID)


def _digest(folder: Path) -> str:
    """One digest of a folder's file names and contents (bytecode caches left out)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="session", autouse=True)
def _working_folders_untouched():
    """No test writes into the working clause_library/ or templates/ (a user's approvals live there)."""
    before = {name: _digest(ROOT / name) for name in WORKING_FOLDERS}
    yield
    changed = [name for name in WORKING_FOLDERS if _digest(ROOT / name) != before[name]]
    assert not changed, (f"{', '.join(changed)}/ changed while the tests ran: a test wrote into the working "
                         "folders (use tests.conftest.shipped()), or someone used the app on them meanwhile")


def library_with_clause(tmp_path: Path, clause_id: str, params: str, text: str) -> Path:
    """A copy of the shipped library with one more approved warranty clause (params as YAML flow)."""
    root = tmp_path / "lib"
    shutil.copytree(shipped() / "clause_library", root)
    folder = root / "warranty" / clause_id
    folder.mkdir()
    (folder / "v1.yaml").write_text(
        f"id: {clause_id}\nversion: 1\ncategory: warranty\ntitle: 整机保修\nauthor: 李明\n"
        f"created: 2026-11-01T10:00:00+08:00\nparams:\n{params}\ntext: {text}\n", encoding="utf-8")
    library.record_review(root, library.load(root), clause_id, 1, "approved", "周律师")
    return root


def demo_bid_with_warranty(tmp_path: Path, warranty: str) -> Path:
    """The demo bid file with another warranty period promised (e.g. one that fails the ★ 3 years)."""
    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    for clause in bid["clauses"]:
        if clause["id"] == "warranty-period":
            clause["params"]["warranty_period"] = warranty
    path = tmp_path / "bid.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch) -> None:
    """Library caches of the tests' throwaway libraries go to a temporary folder, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(autouse=True)
def _main_module_kept(monkeypatch) -> None:
    """AppTest leaves the page it ran as __main__; a forkserver started by a later test (the store
    race) would import that page, and so run the whole app, in its server process."""
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch) -> Path:
    """The app run on its own workspace and copies of the shipped templates and library."""
    templates, lib = tmp_path / "templates", tmp_path / "clause_library"
    shutil.copytree(shipped() / "templates", templates, ignore=shutil.ignore_patterns("*.docx", "*.py"))
    shutil.copytree(shipped() / "clause_library", lib)
    monkeypatch.setenv("BIDKIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("BIDKIT_TEMPLATES", str(templates))
    monkeypatch.setenv("BIDKIT_LIBRARY", str(lib))
    monkeypatch.chdir(ROOT)
    return tmp_path


def folder_store(tmp_path: Path):
    """A FolderStore on copies of the shipped library and templates and an empty workspace: the
    folder side of the store contract suite (tests/test_store_contract.py)."""
    from bidkit.store.folders import FolderStore
    from bidkit.workspace import Folders

    folders = Folders(tmp_path / "clause_library", tmp_path / "templates", tmp_path / "workspace")
    shutil.copytree(shipped() / "clause_library", folders.library)
    shutil.copytree(shipped() / "templates", folders.templates, ignore=shutil.ignore_patterns("*.docx", "*.py"))
    return FolderStore(folders)


@pytest.fixture(scope="session")
def pg_server():
    """This test process's own PostgreSQL (tests/pg_server.py), started on first use; the tests that
    need it skip where PostgreSQL is not installed, and fail instead when BIDKIT_REQUIRE_POSTGRES=1 (CI)."""
    from tests import pg_server as pg

    pg.skip_unless_installed()
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """A URL of the test server's `postgres` database, for the role `bidkit` (password auth, CREATEDB)."""
    return pg_server.url()


_database_names = itertools.count()


@pytest.fixture
def db_url(pg_server, pg_url) -> str:
    """A new empty database owned by the test role, for this test alone."""
    import psycopg

    name = f"t{os.getpid()}_{next(_database_names)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return pg_server.url(name)
