"""Reading a file a user named (a bid, a new version, a house style): one line saying what is wrong
when it cannot be a file to read, never a traceback and never a wait.

A FIFO blocks whoever opens it until someone writes, and a device never ends: only a regular file
is read, opened without blocking and checked before a byte is read, then read no further than the
caller's limit.
"""
from __future__ import annotations

import math
import os
import stat
from pathlib import Path

from bidkit.errors import BidkitError

MB = 1024 * 1024  # as Streamlit counts its upload limits


def megabytes(size: int) -> str:
    """A size as people say it, with one decimal rounded up, so a file over a limit never reads as
    the limit itself ("2.1 MB", not "2 MB" beside "at most 2 MB")."""
    return f"{math.ceil(size * 10 / MB) / 10:.1f} MB"


def read_user_file(path: str | os.PathLike, limit: int, error: type[BidkitError] = BidkitError) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; `error` (a BidkitError
    subclass) naming the file when it is missing, unreadable, not a regular file, or too big."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error("file not found", file=name, code="file-missing") from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", file=name, code="file-unreadable",
                    reason=exc.strerror or str(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise error("is a folder, not a file", file=name, code="file-folder")
        if not stat.S_ISREG(mode):
            raise error("is not a regular file (a pipe, socket or device?); give a file saved on disk",
                        file=name, code="file-special")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", file=name, code="file-unreadable",
                    reason=exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        size = max(len(data), _size_now(path))
        raise error(f"is {megabytes(size)}, over the {megabytes(limit)} limit", file=name,
                    code="file-too-big", size=megabytes(size), limit=megabytes(limit))
    return data


def _size_now(path: str | os.PathLike) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0
