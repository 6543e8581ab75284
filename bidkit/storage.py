"""Writes that never lose what a user saved.

A file is first written in full to a temporary file of its own unique name beside its target,
flushed to disk, and only then put in place: with a hard link for an exclusive create (the link
fails if the name exists, so two writers racing for one name cannot both win), or with an atomic
rename for a replace. The folder is flushed after, so the new name survives a power cut too. A
crash in the middle leaves at most a stray temporary file, which a later write in that folder
sweeps away.

A save over what the user opened compares and replaces under the folder's lock, so of many people
saving one file at once exactly one wins and every other is told.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bidkit.errors import ConflictError

TMP_PREFIX = ".tmp-"
# The names of bidkit's temporary files: its own, and those older bidkits left (mkstemp's, the old
# library cache's). Nothing else is swept, as an output folder may hold other programs' files.
TMP_NAME = re.compile(r"\.tmp-(?:[0-9a-f]{32}|[a-z0-9_]{8}|[0-9]+-\.bidkit-index\.marshal)")
LOCK_NAME = ".bidkit-lock"
# A write takes well under a second: a temporary file this old was left by a writer that died.
STALE_TMP_SECONDS = 3600

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a name just created, linked or renamed in it is on disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some network file systems cannot sync a folder; the file itself was synced.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def _make_folder(folder: Path) -> None:
    """Create `folder` and its missing parents, each one flushed into its parent."""
    missing = []
    while folder != folder.parent and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        try:
            new.mkdir()
        except FileExistsError:
            pass  # made by a concurrent writer, or not a folder, which the write then reports
        _sync_folder(new.parent)


def _sweep(folder: Path) -> None:
    """Remove the temporary files that writers killed mid-write left in `folder`."""
    cutoff = time.time() - STALE_TMP_SECONDS
    try:
        with os.scandir(folder) as entries:
            names = [e.path for e in entries if TMP_NAME.fullmatch(e.name)]
    except OSError:
        return
    for name in names:
        try:
            st = os.lstat(name)
            if stat.S_ISREG(st.st_mode) and st.st_mtime < cutoff:
                os.unlink(name)
        except OSError:
            pass  # swept by another writer, or not ours to remove


def _write_temp(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, flushed to disk. The name is unique, so threads
    and processes writing one target never share a temporary file."""
    _sweep(path.parent)
    tmp = path.with_name(f"{TMP_PREFIX}{uuid.uuid4().hex}")
    # 0o666 less the umask, as for any file the user creates: a shared folder stays readable.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Put `data` at `path` whole or not at all, replacing whatever is there (a file the user asked
    for, a cache). The folder must exist."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def create_exclusive(path: Path, data: bytes) -> None:
    """Create `path` with `data`, or raise ConflictError if it already exists."""
    _make_folder(path.parent)
    tmp = _write_temp(path, data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ConflictError("was saved by someone else first; nothing was overwritten",
                            file=str(path), code="save-taken") from None
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def _thread_lock(folder: Path) -> threading.Lock:
    key = os.path.realpath(folder)
    with _thread_locks_guard:
        return _thread_locks.setdefault(key, threading.Lock())


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold `folder`'s lock, against the other threads of this process and other processes.

    flock alone excludes threads on a local disk, but on NFS Linux emulates it with POSIX locks,
    which a process holds for all of its threads: the thread lock covers that case.
    """
    _make_folder(folder)
    lock_path = folder / LOCK_NAME
    with _thread_lock(folder):
        flags = os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(lock_path, os.O_RDWR | flags, 0o666)
        except PermissionError:
            # Made by another user whose umask kept us from writing it: a local flock needs no
            # write access (NFS does, and there the owner's umask must allow the group).
            fd = os.open(lock_path, os.O_RDONLY | flags)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the flock


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The digest of a file's bytes, or None if it does not exist."""
    try:
        return digest(path.read_bytes())
    except FileNotFoundError:
        return None


def replace_atomic(path: Path, data: bytes, expected: str | None) -> str:
    """Replace `path` only if it still holds what the caller read (its digest, None = absent).

    Returns the new digest. Raises ConflictError when someone saved in between, so the caller can
    show both and let the user choose, rather than one save silently erasing the other.
    """
    with locked(path.parent):
        current = file_digest(path)
        if current != expected:
            raise save_refused(str(path), expected is None)
        write_atomic(path, data)
    return digest(data)


def save_refused(file: str, meant_new: bool) -> ConflictError:
    """The refusal of a save meant to be new over an existing save, or over one changed since read."""
    if meant_new:
        return ConflictError("already exists; choose another name, or open it and save from there",
                             file=file, code="save-exists")
    return ConflictError("was changed by someone else since you opened it; reload and redo your change",
                         file=file, code="save-changed")
