"""Work spread over the machine's cores in forked worker processes: a cold library load's thousands
of files, a long PDF's pages, a long tender's analyses.

Processes, not threads: the work is Python code (and PDFium, which is not thread-safe), and
threads of one process would take turns on the interpreter. Forked, not spawned: a fork starts at
once with every module already imported, where a spawned worker would import bidkit again first.
A worker only computes and returns plain data; it never touches a file, a socket or a lock of the
app, and it leaves by os._exit (multiprocessing's way), so nothing of the parent is flushed or
closed twice.
"""
from __future__ import annotations

import collections
import contextlib
import fcntl
import mmap
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["BrokenProcessPool", "Companion", "cores", "in_processes"]


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


class Companion:
    """A forked process that works through a list alongside this one: it computes func(item) for
    the items as they are fed, from the first on, while this process goes on with what makes
    them (a tender's walk makes its blocks' analyses). `results` then computes the rest here,
    from the last item back, until the two meet, and returns every result in order.

    Without a second core, or when the process cannot be forked, everything is computed here by
    `results`; an item the companion failed on, or all of them when it died, is computed here
    again, so that its error (if any) is raised where the caller sees it.
    """

    BATCH = 64              # items sent together: one pipe write per batch, not per item
    WAIT_SECONDS = 60.0     # how long the results of a companion that stopped answering are awaited

    def __init__(self, func: Callable[[T], R], start: bool = True) -> None:
        self._func = func
        self._items: list[T] = []
        self._batch: list[T] = []
        self._process = None
        if start and cores() > 1:
            with contextlib.suppress(OSError):
                self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        inbox, self._feed = context.Pipe(duplex=False)
        self._answer, outbox = context.Pipe(duplex=False)
        # Two counters both processes see: [0] the first item this process has taken from the
        # end, [1] one past the item the companion has taken from the start.
        self._counters = memoryview(mmap.mmap(-1, 16)).cast("q")
        self._counters[0] = 1 << 62
        with contextlib.suppress(OSError, AttributeError):  # a larger pipe: feeding never waits
            fcntl.fcntl(self._feed.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
        self._process = context.Process(target=_companion, args=(self._func, inbox, outbox, self._feed,
                                                                  self._counters), daemon=True)
        try:
            self._process.start()
        except BaseException:
            self._process = None
            self._feed.close()
            self._answer.close()
            raise
        finally:
            inbox.close()
            outbox.close()

    @property
    def items(self) -> list[T]:
        """The items fed so far, in order."""
        return self._items

    def feed(self, item: T) -> None:
        self._items.append(item)
        if self._process is not None:
            self._batch.append(item)
            if len(self._batch) >= self.BATCH:
                self._send(self._batch)
                self._batch = []

    def _send(self, message) -> None:
        try:
            self._feed.send(message)
        except OSError:  # the companion is gone: what it did not send back is computed here
            self._stop()

    def results(self) -> list[R]:
        """func(item) for every item fed, in order."""
        done: dict[int, R] = {}
        if self._process is not None:
            if self._batch:
                self._send(self._batch)
                self._batch = []
            if self._process is not None:
                self._send(None)
            counters = self._counters
            for j in range(len(self._items) - 1, -1, -1):
                counters[0] = j
                if self._process is None or j < counters[1]:
                    break  # the companion has taken it
                done[j] = self._func(self._items[j])
            done.update(self._collect())
        return [done[i] if i in done else self._func(item) for i, item in enumerate(self._items)]

    def _collect(self) -> dict:
        """What the companion computed ({} when it died or stopped answering)."""
        if self._process is None:
            return {}
        try:
            if self._answer.poll(self.WAIT_SECONDS):
                return self._answer.recv()
            return {}
        except (EOFError, OSError):
            return {}
        finally:
            self._stop()

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        self._feed.close()
        self._answer.close()
        process.join(1.0)
        if process.is_alive():
            process.kill()
            process.join()

    def __enter__(self) -> Companion:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()


def _companion(func: Callable, inbox, outbox, feed, counters) -> None:
    """The companion's loop: take the items as they come, in order, until the parent's `results`
    has taken the next one from the end; send back what was computed."""
    feed.close()  # (the parent's end, inherited: the inbox ends when the parent closes its own)
    queue: collections.deque = collections.deque()
    ended = False
    done = {}
    i = 0
    while True:
        # Wait for items only when there is nothing to do; else take what has come, if anything.
        while not ended and (not queue or inbox.poll()):
            try:
                batch = inbox.recv()
            except EOFError:
                return  # the parent gave up on us
            if batch is None:
                ended = True
            else:
                queue.extend(batch)
        if not queue:
            break
        counters[1] = i + 1
        if i >= counters[0]:
            break
        item = queue.popleft()
        try:
            done[i] = func(item)
        except Exception:  # the parent computes it again and raises it to its caller
            pass
        i += 1
    with contextlib.suppress(OSError):  # (the parent may have given up meanwhile)
        outbox.send(done)
