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

import array
import collections
import contextlib
import fcntl
import mmap
import multiprocessing
import os
import pickle
import signal
import termios
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Generic, Iterable, TypeVar

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


class Companion(Generic[T, R]):
    """A forked process that works through a list alongside this one: it computes func(item) for
    the items as they are fed, from the first on, while this process goes on with what makes
    them (a tender's walk makes its blocks' analyses). `results` then computes the rest here,
    from the last item back, until the two meet, and returns every result in order.

    This process never waits on the companion but in `results`, and there at most WAIT_SECONDS:
    a batch is sent only when the pipe has room for it (the rest is computed here), and the
    feeding ends by closing the pipe. Without a second core, or when no process can be forked,
    everything is computed here by `results`; an item the companion failed on, or all of them
    when it died or stopped answering, is computed here again, so that its error (if any) is
    raised where the caller sees it.
    """

    BATCH = 64              # items sent together: one pipe write per batch, not per item
    WAIT_SECONDS = 60.0     # how long the results of a companion that stopped answering are awaited
    PIPE_BYTES = 1 << 20    # the pipe asked for (Linux's default ceiling for a user)

    def __init__(self, func: Callable[[T], R], start: bool = True) -> None:
        self._func = func
        self._items: list[T] = []
        self._batch: list[T] = []
        self._unsent: collections.deque[bytes] = collections.deque()
        self._process = None
        if start and cores() > 1 and time.monotonic() >= _fork_again_at:
            try:
                self._start()
            except OSError:
                _fork_failed()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        ends = []
        try:
            inbox, feed = context.Pipe(duplex=False)
            ends += [inbox, feed]
            answer, outbox = context.Pipe(duplex=False)
            ends += [answer, outbox]
            with contextlib.suppress(OSError):  # (a user over its pipe quota keeps the default)
                fcntl.fcntl(feed.fileno(), fcntl.F_SETPIPE_SZ, self.PIPE_BYTES)
            # Two counters both processes see: [0] the first item this process has taken from
            # the end, [1] one past the item the companion has taken from the start.
            counters = memoryview(mmap.mmap(-1, 16)).cast("q")
            counters[0] = 1 << 62
            process = context.Process(target=_companion, args=(self._func, inbox, outbox, counters), daemon=True)
            process.start()
        except BaseException:
            for end in ends:
                end.close()
            raise
        inbox.close()
        outbox.close()
        self._feed, self._answer, self._counters, self._process = feed, answer, counters, process
        self._pipe_bytes = fcntl.fcntl(feed.fileno(), fcntl.F_GETPIPE_SZ)

    @property
    def items(self) -> list[T]:
        """The items fed so far, in order."""
        return self._items

    def feed(self, item: T) -> None:
        self._items.append(item)
        if self._process is not None:
            self._batch.append(item)
            if len(self._batch) >= self.BATCH:
                self._seal()
                self._send()

    def _seal(self) -> None:
        """The batch being gathered, pickled to wait for its turn in the pipe."""
        self._unsent.append(pickle.dumps(self._batch, pickle.HIGHEST_PROTOCOL))
        self._batch = []

    def _send(self) -> None:
        """Send the batches waiting, in order, while the pipe has room for the next one (a
        companion stuck on an item reads nothing: its items are then computed here)."""
        unread = array.array("i", [0])
        try:
            while self._unsent:
                fcntl.ioctl(self._feed.fileno(), termios.FIONREAD, unread, True)
                if len(self._unsent[0]) + 16 > self._pipe_bytes - unread[0]:  # (16: the message's header)
                    return
                self._feed.send_bytes(self._unsent.popleft())
        except OSError:  # the companion is gone: what it did not send back is computed here
            self._stop()

    def results(self) -> list[R]:
        """func(item) for every item fed, in order."""
        done: dict[int, R] = {}
        if self._process is not None:
            if self._batch:
                self._seal()
            self._send()
            self._unsent.clear()  # (what found no room is computed here)
            self._feed.close()  # the feeding has ended
            counters = self._counters
            for j in range(len(self._items) - 1, -1, -1):
                counters[0] = j
                if self._process is None or j < counters[1]:
                    break  # the companion has taken it
                with contextlib.suppress(Exception):  # (raised below, the first one first, as alone)
                    done[j] = self._func(self._items[j])
            done.update(self._collect())
        # Every item missing is computed here: those the companion failed on, all of them when it
        # died, and the one both processes may pass over where they meet (each can read the
        # other's counter before the other's last write reaches it).
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
        """End the companion: its results have come, or are no longer wanted."""
        process, self._process = self._process, None
        if process is None:
            return
        self._feed.close()
        self._answer.close()
        process.kill()
        process.join()

    def __enter__(self) -> Companion:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()


# After a failed fork (the user's process limit reached, no memory), no companion is started for a
# while: each attempt leaves multiprocessing's two pipes of the failed start open.
FORK_RETRY_SECONDS = 60.0
_fork_again_at = 0.0


def _fork_failed() -> None:
    global _fork_again_at
    _fork_again_at = time.monotonic() + FORK_RETRY_SECONDS


def _companion(func: Callable, inbox, outbox, counters) -> None:
    """The companion's loop: take the items as they come, in order, until the parent has taken
    the next one from the end or the feeding has ended and none is left; send back what was
    computed."""
    # Only its own two pipe ends stay open: another thread's companion pipes, the app's sockets
    # and files are not ours to hold (a pipe end held here would never read as ended there).
    # Ctrl-C is the parent's to handle; it ends us.
    keep = sorted((inbox.fileno(), outbox.fileno()))
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, os.sysconf("SC_OPEN_MAX"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    queue: collections.deque = collections.deque()
    ended = False
    done = {}
    i = 0
    while True:
        # Wait for items only when there is nothing to do; else take what has come, if anything.
        while not ended and (not queue or inbox.poll()):
            try:
                queue.extend(pickle.loads(inbox.recv_bytes()))
            except EOFError:
                ended = True  # the parent has closed the pipe: no more items
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
