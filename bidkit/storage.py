"""Writes that never lose what a user saved.

A file is first written in full to a temporary file beside its target, flushed to disk, and only
then put in place: with a hard link for an exclusive create (the link fails if the name exists,
so two writers racing for one name cannot both win), or with an atomic rename for a replace.
A crash in the middle leaves at most a stray temporary file, never a partial or empty target.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from bidkit.errors import ConflictError

TMP_PREFIX = ".tmp-"


def _write_temp(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def create_exclusive(path: Path, data: bytes) -> None:
    """Create `path` with `data`, or raise ConflictError if it already exists."""
    tmp = _write_temp(path, data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ConflictError("was saved by someone else first; nothing was overwritten",
                            file=str(path)) from None
    finally:
        tmp.unlink(missing_ok=True)


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
    current = file_digest(path)
    if current != expected:
        if expected is None:
            raise ConflictError("already exists; choose another name, or open it and save from there",
                                file=str(path))
        raise ConflictError("was changed by someone else since you opened it; reload and redo "
                            "your change", file=str(path))
    tmp = _write_temp(path, data)
    os.replace(tmp, path)
    return digest(data)
