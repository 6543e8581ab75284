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
import threading
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
    """A process that works through a list alongside this one: it computes func(item) for the
    items as they are fed, from the first on, while this process goes on with what makes them (a
    tender's walk makes its blocks' analyses). `results` then computes the rest here, from the
    last item back, until the two meet, and returns every result in order.

    This process never waits on the companion but in `results`, and there at most WAIT_SECONDS:
    a batch is sent only when the pipe has room for it (the rest is computed here), and the pipe
    never blocks (see `_Worker`). Without a second core, or when no process can be forked,
    everything is computed here by `results`; an item the companion failed on, or all of them
    when it died or stopped answering, is computed here again, so that its error (if any) is
    raised where the caller sees it.

    The process is a `_Worker`, kept from one list to the next (see `_Worker` for why).
    """

    BATCH = 64              # items sent together: one pipe write per batch, not per item
    WAIT_SECONDS = 60.0     # how long the results of a companion that stopped answering are awaited

    def __init__(self, func: Callable[[T], R], start: bool = True) -> None:
        self._func = func
        self._items: list[T] = []
        self._batch: list[T] = []
        self._unsent: collections.deque[bytes] = collections.deque()
        self._worker: _Worker | None = None
        if start and cores() > 1 and time.monotonic() >= _fork_again_at:
            try:
                self._worker = _checkout(func)
            except OSError:
                _fork_failed()

    @property
    def items(self) -> list[T]:
        """The items fed so far, in order."""
        return self._items

    def feed(self, item: T) -> None:
        self._items.append(item)
        if self._worker is not None:
            self._batch.append(item)
            if len(self._batch) >= self.BATCH:
                self._seal()
                self._send()

    def _seal(self) -> None:
        """The batch being gathered, pickled to wait for its turn in the pipe."""
        self._unsent.append(pickle.dumps(self._batch, pickle.HIGHEST_PROTOCOL))
        self._batch = []

    def _send(self, end: bool = False) -> None:
        """Send the batches waiting, in order, while the pipe has room for the next one (a
        companion stuck on an item reads nothing: its items are then computed here). At the
        `end`, what found no room is left to this process, and the end is sent: an empty message
        (see `_work_through`).

        The pipe never blocks this process (see `_Worker`): a write it turns down stops the
        companion, whose work is then all done here."""
        worker = self._worker
        try:
            while self._unsent:
                if len(self._unsent[0]) + _MESSAGE_HEADER + _SPARE_ROOM > worker.room():
                    break
                worker.feed.send_bytes(self._unsent.popleft())
            if end:
                self._unsent.clear()
                worker.feed.send_bytes(b"")
        except OSError:  # the companion is gone or stuck: what it did not send back is computed here
            self._stop()

    def results(self) -> list[R]:
        """func(item) for every item fed, in order."""
        done: dict[int, R] = {}
        if self._worker is not None:
            if self._batch:
                self._seal()
            self._send(end=True)
        if self._worker is not None:
            counters = self._worker.counters
            for j in range(len(self._items) - 1, -1, -1):
                counters[0] = j
                if self._worker is None or j < counters[1]:
                    break  # the companion has taken it
                with contextlib.suppress(Exception):  # (raised below, the first one first, as alone)
                    done[j] = self._func(self._items[j])
            done.update(self._collect())
        # Every item missing is computed here: those the companion failed on, all of them when it
        # died, and the one both processes may pass over where they meet (each can read the
        # other's counter before the other's last write reaches it).
        return [done[i] if i in done else self._func(item) for i, item in enumerate(self._items)]

    def _collect(self) -> dict:
        """What the companion computed ({} when it died or stopped answering). A companion that
        answered is kept for the next list; any other is stopped."""
        worker, self._worker = self._worker, None
        try:
            if worker.answer.poll(self.WAIT_SECONDS):
                done = worker.answer.recv()
                _checkin(worker)
                worker = None
                return done
            return {}
        except (EOFError, OSError):
            return {}
        finally:
            if worker is not None:
                worker.stop()

    def _stop(self) -> None:
        """End the companion: it is gone, or its work is no longer wanted (it may be half done)."""
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def __enter__(self) -> Companion:
        return self

    def __exit__(self, *exc) -> None:
        self._stop()


_MESSAGE_HEADER = 16        # what a pipe message takes besides its bytes (at most)
# Room left in the pipe beyond a batch's bytes: the pipe holds pages, and a message can leave part
# of one unused, so that the room counted in bytes is more than the pipe takes.
_SPARE_ROOM = 4 * mmap.PAGESIZE


class _Worker:
    """A forked process that computes func(item) for the items fed to it, list after list.

    It is kept when a list is done, for the next one (`_checkout`, `_checkin`): a fork shares
    every page of memory between the two processes until one of them writes to it, and the
    first write then costs a copy. Python writes wherever it reads (reference counts), so both
    processes copied most of the memory they used, for every tender; a kept worker's pages are
    copied once.

    It computes with the code and data it was forked with: `func` must depend on its item alone.

    Its feeding pipe never blocks the parent (it is non-blocking): a companion stuck on an item
    reads nothing more, and a list's end is a message like its items.
    """

    PIPE_BYTES = 1 << 20    # the pipe asked for (Linux's default ceiling for a user)

    def __init__(self, func: Callable) -> None:
        context = multiprocessing.get_context("fork")
        ends = []
        try:
            inbox, feed = context.Pipe(duplex=False)
            ends += [inbox, feed]
            answer, outbox = context.Pipe(duplex=False)
            ends += [answer, outbox]
            with contextlib.suppress(OSError):  # (a user over its pipe quota keeps the default)
                fcntl.fcntl(feed.fileno(), fcntl.F_SETPIPE_SZ, self.PIPE_BYTES)
            os.set_blocking(feed.fileno(), False)
            # Two counters both processes see: [0] the first item the parent has taken from the
            # end, [1] one past the item the worker has taken from the start.
            counters = memoryview(mmap.mmap(-1, 16)).cast("q")
            process = context.Process(target=_companion, args=(func, inbox, outbox, counters), daemon=True)
            process.start()
        except BaseException:
            for end in ends:
                end.close()
            raise
        inbox.close()
        outbox.close()
        self.func, self.feed, self.answer, self.counters, self.process = func, feed, answer, counters, process
        self.pipe_bytes = fcntl.fcntl(feed.fileno(), fcntl.F_GETPIPE_SZ)

    def start_list(self) -> None:
        """Counters for a new list: the parent has taken nothing from the end, the worker nothing."""
        self.counters[0] = 1 << 62
        self.counters[1] = 0

    def room(self) -> int:
        """The bytes the feeding pipe has room for."""
        unread = array.array("i", [0])
        fcntl.ioctl(self.feed.fileno(), termios.FIONREAD, unread, True)
        return self.pipe_bytes - unread[0]

    def stop(self) -> None:
        self.feed.close()
        self.answer.close()
        self.process.kill()
        self.process.join()


# A worker waits this long for its next list, then leaves: it holds a copy of the memory it was
# forked with, which is the parent's to use again once no long tender is being read.
IDLE_SECONDS = 300.0
_idle: list[_Worker] = []   # the workers kept, the latest last
_idle_lock = threading.Lock()


def _checkout(func: Callable) -> _Worker:
    """The latest kept worker of `func` that is still there, else a new one (OSError when none
    can be forked); the other kept workers stay kept."""
    while True:
        with _idle_lock:
            worker = next((w for w in reversed(_idle) if w.func is func), None)
            if worker is not None:
                _idle.remove(worker)
        if worker is None:
            worker = _Worker(func)
            break
        if worker.process.is_alive():
            break
        worker.stop()  # it left, idle too long
    worker.start_list()
    return worker


def _checkin(worker: _Worker) -> None:
    """Keep a worker that answered for the next list: one per core beside this process's own,
    the latest ones (an older one may be of a function no longer used)."""
    with _idle_lock:
        _idle.append(worker)
        surplus = _idle[:max(0, len(_idle) - (cores() - 1))]
        del _idle[:len(surplus)]
    for old in surplus:
        old.stop()


def _forget_workers() -> None:
    # A forked child's copies of the kept workers are its parent's children, not its own.
    global _idle_lock
    _idle.clear()
    _idle_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_workers)


# After a failed fork (the user's process limit reached, no memory), no companion is started for a
# while: each attempt leaves multiprocessing's two pipes of the failed start open.
FORK_RETRY_SECONDS = 60.0
_fork_again_at = 0.0


def _fork_failed() -> None:
    global _fork_again_at
    _fork_again_at = time.monotonic() + FORK_RETRY_SECONDS


def _companion(func: Callable, inbox, outbox, counters) -> None:
    """The worker's loop: a list at a time, until no list has come for IDLE_SECONDS or the
    parent is gone."""
    # Only its own two pipe ends stay open: another thread's companion pipes, the app's sockets
    # and files are not ours to hold (a pipe end held here would never read as ended there).
    # Ctrl-C is the parent's to handle; it ends us.
    keep = sorted((inbox.fileno(), outbox.fileno()))
    os.closerange(3, keep[0])
    os.closerange(keep[0] + 1, keep[1])
    os.closerange(keep[1] + 1, os.sysconf("SC_OPEN_MAX"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while inbox.poll(IDLE_SECONDS):
            outbox.send(_work_through(func, inbox, counters))
    except (EOFError, OSError):
        pass  # the parent is gone, or has given up on us


def _work_through(func: Callable, inbox, counters) -> dict:
    """One list: take the items as they come, in order, until the parent has taken the next one
    from the end or the feeding has ended (an empty message) and none is left; then read what is
    left of the list, so that the next list starts clean."""
    queue: collections.deque = collections.deque()
    ended = False
    done = {}
    i = 0
    while True:
        # Wait for items only when there is nothing to do; else take what has come, if anything.
        while not ended and (not queue or inbox.poll()):
            message = inbox.recv_bytes()
            if message:
                queue.extend(pickle.loads(message))
            else:
                ended = True
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
    while not ended:
        ended = not inbox.recv_bytes()
    return done
