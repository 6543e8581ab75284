"""What bidkit writes: readable by whom the umask says, never through or into a symbolic link,
durable (file and folder flushed), under unique temporary names, with stray temporaries swept;
and clause ids unique across the library."""
from __future__ import annotations

import os
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest

from bidkit import cli, library, storage, workspace
from bidkit.errors import LibraryError
from bidkit.model import Bid, NewVersion, Template

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lib_root(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    return root


def _draft(clause_id: str, category: str, based_on: int = 0) -> NewVersion:
    return NewVersion(id=clause_id, based_on=based_on, category=category, title="质保期承诺", text="质保。")


def _writes(tmp_path: Path, lib_root: Path) -> dict[str, Path]:
    """Each kind of file bidkit writes, written once; what it wrote, by kind."""
    folders = workspace.Folders(lib_root, tmp_path / "templates", tmp_path / "ws")
    version = library.new_version(lib_root, _draft("new-clause", "warranty"), author="李明")
    library.record_review(lib_root, library.load(lib_root), "new-clause", version.version, "approved", "周律师")
    cli.write_output(tmp_path / "out.docx", b"docx")
    clause = lib_root / "warranty" / "new-clause"
    return {"version": clause / "v1.yaml", "review": clause / "v1.approved.yaml", "clause folder": clause,
            "bid": workspace.save_bid(folders, Bid(project="p"), "投标").path,
            "template": workspace.save_template(folders, Template(name="模板")).path,
            "bids folder": folders.bids, "output": tmp_path / "out.docx"}


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o027], ids=lambda u: f"umask-{u:03o}")
def test_files_and_folders_honour_the_umask(tmp_path, lib_root, umask):
    """A shared library or workspace stays readable by the group or everyone, as the umask says."""
    old = os.umask(umask)
    try:
        written = _writes(tmp_path, lib_root)
    finally:
        os.umask(old)
    for kind, path in written.items():
        full = 0o777 if path.is_dir() else 0o666
        assert stat.S_IMODE(path.stat().st_mode) == full & ~umask, kind


def test_folders_and_files_are_flushed(tmp_path, lib_root, monkeypatch):
    """Every write flushes its file and then the folder that holds the new name."""
    synced: list[tuple[int, int]] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            synced.append((st.st_dev, st.st_ino))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    for kind, path in _writes(tmp_path, lib_root).items():
        folder = path.parent.stat()
        assert (folder.st_dev, folder.st_ino) in synced, f"{kind}: {path.parent} was not flushed"


def test_stale_temporary_files_are_swept(tmp_path):
    """A write sweeps the temporary files killed writers left (over an hour old), its own and older
    bidkits', never a fresh one (a live writer's) or another program's."""
    stale = [".tmp-" + "0f" * 16, ".tmp-k2_x9abq", ".tmp-4711-.bidkit-index.marshal"]
    kept = [".tmp-" + "1e" * 16, ".tmp-notes.txt", "v1.yaml"]
    old = time.time() - storage.STALE_TMP_SECONDS - 60
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"half")
        if name != kept[0]:
            os.utime(tmp_path / name, (old, old))
    storage.write_atomic(tmp_path / "cache", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept + ["cache"])


@pytest.mark.parametrize("write", [storage.write_atomic, cli.write_output], ids=["write_atomic", "write_output"])
def test_threads_writing_one_file_never_collide(tmp_path, write):
    """Threads writing one file at once (the library cache, an output) each use their own
    temporary file: every write succeeds, the file holds one of them whole, nothing is left over."""
    target = tmp_path / "out.docx"
    datas = [bytes([i]) * 4096 for i in range(16)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(datas))

    def work(data: bytes) -> None:
        barrier.wait(timeout=30)
        try:
            for _ in range(20):
                write(target, data)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d,)) for d in datas]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert target.read_bytes() in datas
    assert [p.name for p in tmp_path.iterdir()] == ["out.docx"]


def test_new_version_cannot_take_an_id_of_another_category(lib_root):
    """`id: warranty-period`, `category: response`, `based_on: 0` is refused; the approved original
    and the demo bid are untouched."""
    with pytest.raises(LibraryError, match="'warranty-period' is already the id of a clause in category "
                                           "'warranty'; ids are unique across the library") as refused:
        library.new_version(lib_root, _draft("warranty-period", "response"), author="李明")
    assert refused.value.code == "library-id-taken"
    assert not (lib_root / "response" / "warranty-period" / "v1.yaml").exists()
    lib = library.load(lib_root)
    assert lib.issues == []
    assert lib.clause("warranty-period").category == "warranty"
    assert cli.main(["check", str(ROOT / "examples" / "demo-bid.yaml"), "--library", str(lib_root)]) == 0


def _link_category(root: Path, outside: Path) -> None:
    shutil.move(root / "training", outside / "training")
    (root / "training").symlink_to(outside / "training")


def _link_clause(root: Path, outside: Path) -> None:
    shutil.move(root / "training" / "onsite-training", outside / "onsite-training")
    (root / "training" / "onsite-training").symlink_to(outside / "onsite-training")


def _link_version(root: Path, outside: Path) -> None:
    version = root / "training" / "onsite-training" / "v1.yaml"
    shutil.move(version, outside / "v1.yaml")
    version.symlink_to(outside / "v1.yaml")


@pytest.mark.parametrize("link,rel", [(_link_category, "training"),
                                      (_link_clause, "training/onsite-training"),
                                      (_link_version, "training/onsite-training/v1.yaml")],
                         ids=["category", "clause", "version"])
def test_loader_reports_a_symlink(tmp_path, lib_root, link, rel):
    """A linked category, clause folder or file is an issue of its own path, not a silent gap."""
    outside = tmp_path / "outside"
    outside.mkdir()
    link(lib_root, outside)
    lib = library.load(lib_root)
    assert [str(i) for i in lib.issues if i.file == rel] == [
        f"{rel}: is a symbolic link, which the library does not follow: replace it with the folder or file itself"]


@pytest.mark.parametrize("link,rel", [(_link_category, "training"), (_link_clause, "training/onsite-training")],
                         ids=["category", "clause"])
def test_writer_refuses_a_symlinked_folder(tmp_path, lib_root, link, rel):
    """Neither a new version nor a review is written through a link out of the library."""
    lib = library.load(lib_root)
    latest = lib.clause("onsite-training").latest().version
    outside = tmp_path / "outside"
    outside.mkdir()
    link(lib_root, outside)
    before = sorted(p.name for p in outside.rglob("*"))
    message = f"{rel}: is a symbolic link; nothing is written through links: replace it with the folder itself"
    with pytest.raises(LibraryError) as refused:
        library.new_version(lib_root, _draft("onsite-training", "training", latest), author="李明")
    assert str(refused.value) == message and refused.value.code == "library-symlink"
    with pytest.raises(LibraryError) as refused:
        library.record_review(lib_root, lib, "onsite-training", latest, "retired", "周律师")
    assert str(refused.value) == message
    assert sorted(p.name for p in outside.rglob("*")) == before
