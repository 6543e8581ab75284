"""Work spread over the machine's cores in forked worker processes: a cold library load's thousands
of files, a long PDF's pages.

Processes, not threads: the work is Python code (and PDFium, which is not thread-safe), and
threads of one process would take turns on the interpreter. Forked, not spawned: a fork starts at
once with every module already imported, where a spawned worker would import bidkit again first.
A worker only computes and returns plain data; it never touches a file, a socket or a lock of the
app, and it leaves by os._exit (multiprocessing's way), so nothing of the parent is flushed or
closed twice.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["BrokenProcessPool", "cores", "in_processes"]


def cores() -> int:
    """How many worker processes are worth starting: the cores this process may run on (at most 8)."""
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    return max(1, min(usable, 8))


def in_processes(func: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """func(item) for every item, in order, spread over `workers` forked processes.

    `func` must be a module-level function (or a partial of one): it is sent to the workers by
    pickle, as are the items and the results. Raises OSError when the processes cannot be
    started (the caller does the work itself) and BrokenProcessPool when one of them died, for
    instance when a library it calls crashed on the input.
    """
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(func, items))
