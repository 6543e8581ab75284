"""A long tender's analyses are made by a companion process alongside the walk (workers.Companion):
every result comes back in order whoever computed it, a companion that fails, dies or hangs
costs time and never a result, a companion kept for the next list starts it clean, and a tender
reads the same with a companion and without."""
from __future__ import annotations

import multiprocessing
import os
import random
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from bidkit import workers
from bidkit.extract import analyses, walk
from bidkit.extract.walk import extract_file, extract_text, requirements_json
from bidkit.workers import Companion

TESTS = Path(__file__).resolve().parent
DOCUMENTS = TESTS.parents[1] / "shared" / "tenders" / "documents"
PARENT = os.getpid()


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """A companion is started whatever this machine's cores, and none is kept from another test."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    _forget_kept()
    yield
    _forget_kept()


def _forget_kept() -> None:
    for worker in workers._idle:
        worker.stop()
    workers._idle.clear()


def _kept() -> list:
    return [worker.process for worker in workers._idle]


def _taken(companion: Companion, count: int) -> None:
    """Wait until the companion has taken `count` items (a loaded machine may start it late)."""
    deadline = time.monotonic() + 30
    while companion._worker.counters[1] < count:
        assert time.monotonic() < deadline, "the companion never started"
        time.sleep(0.01)


def square(x: int) -> tuple[int, int]:
    if os.getpid() == PARENT:
        time.sleep(0.005)  # this process is the slow one: the companion surely takes a share
    return x * x, os.getpid()


def test_every_result_comes_back_in_order_from_both_processes() -> None:
    with Companion(square) as companion:
        for x in range(400):
            companion.feed(x)
        results = companion.results()
    assert [value for value, _ in results] == [x * x for x in range(400)]
    pids = {pid for _, pid in results}
    assert PARENT in pids and len(pids) == 2, "both processes computed a share"


def test_nothing_fed_is_nothing_computed() -> None:
    with Companion(square) as companion:
        assert companion.results() == []


def test_one_core_computes_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 1)
    companion = Companion(square)
    assert companion._worker is None
    for x in range(50):
        companion.feed(x)
    assert companion.results() == [(x * x, PARENT) for x in range(50)]


def test_a_failed_fork_computes_here_and_is_not_retried_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    tries = []

    def no_fork(process):
        tries.append(process)
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "_Popen", staticmethod(no_fork))
    monkeypatch.setattr(workers, "_fork_again_at", 0.0)
    for _ in range(3):
        companion = Companion(square)
        companion.feed(3)
        assert companion.results() == [(9, PARENT)]
    assert len(tries) == 1


def fails_on_seven(x: int) -> int:
    if os.getpid() == PARENT:
        time.sleep(0.005)
    if x == 7:
        raise ValueError("seven")
    return x


def fails_on_seven_and_on_the_last(x: int) -> int:
    if os.getpid() == PARENT:
        time.sleep(0.002)
    if x in (7, 299):
        raise ValueError(f"failed on {x}")
    return x


def test_the_first_error_is_raised_as_without_a_companion() -> None:
    """The parent works from the end: an item failing there is still raised after those before it."""
    with Companion(fails_on_seven_and_on_the_last) as companion:
        for x in range(300):
            companion.feed(x)
        with pytest.raises(ValueError, match="failed on 7"):
            companion.results()


def test_an_items_error_is_raised_here() -> None:
    with Companion(fails_on_seven) as companion:
        for x in range(300):
            companion.feed(x)
        _taken(companion, 8)  # the companion met item 7 first
        with pytest.raises(ValueError, match="seven"):
            companion.results()


def dies_in_the_companion(x: int) -> int:
    if os.getpid() != PARENT and x == 5:
        os._exit(3)
    if os.getpid() == PARENT:
        time.sleep(0.005)
    return x + 1


def test_a_companion_that_dies_costs_no_result() -> None:
    with Companion(dies_in_the_companion) as companion:
        process = companion._worker.process
        for x in range(300):
            companion.feed(x)
        _taken(companion, 6)
        assert companion.results() == [x + 1 for x in range(300)]
    assert process.exitcode == 3
    assert _kept() == []


def hangs_in_the_companion(x) -> int:
    if os.getpid() != PARENT and x == 0:
        time.sleep(3600)
    return len(x) if isinstance(x, str) else -x


def test_a_companion_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Companion, "WAIT_SECONDS", 0.5)
    with Companion(hangs_in_the_companion) as companion:
        process = companion._worker.process
        for x in range(100):
            companion.feed(x)
        _taken(companion, 1)
        assert companion.results() == [-x for x in range(100)]
    assert process.exitcode == -signal.SIGKILL
    assert _kept() == []


def test_a_stuck_companion_never_stops_the_feeding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many times the pipe's size fed to a companion stuck on its first item: the feeding goes
    on (what finds no room in the pipe is computed here)."""
    monkeypatch.setattr(Companion, "WAIT_SECONDS", 0.5)
    monkeypatch.setattr(Companion, "BATCH", 1)
    outcome = []

    def run() -> None:
        with Companion(hangs_in_the_companion) as companion:
            companion.feed(0)
            _taken(companion, 1)
            for n in range(1, 300):
                companion.feed(f"{n:08d}" * 4000)  # 32 KB each, 9.5 MB in all
            outcome.append(companion.results())

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the feeding waited on a stuck companion"
    assert outcome == [[0] + [32_000] * 299]


def test_leaving_early_stops_the_companion() -> None:
    with pytest.raises(RuntimeError):
        with Companion(square) as companion:
            process = companion._worker.process
            companion.feed(1)
            raise RuntimeError("the walk failed")
    assert process.exitcode is not None
    assert _kept() == []


def test_a_companion_holds_no_file_but_its_pipes() -> None:
    """Companions of two sessions (threads) at once: each holds its own two pipe ends only, not
    the other's (a pipe end held elsewhere would never read as ended) nor the app's files."""
    opened = [open(__file__, "rb") for _ in range(3)]
    try:
        with Companion(square) as first, Companion(square) as second:
            for x in range(100):
                first.feed(x)
                second.feed(x)
            for companion in (first, second):
                _taken(companion, 1)  # (it is at work: past what it does first)
                fds = Path(f"/proc/{companion._worker.process.pid}/fd")
                held = [os.readlink(fd) for fd in fds.iterdir() if int(fd.name) > 2]
                assert len(held) == 2 and all(h.startswith("pipe:") for h in held), held
            assert [v for v, _ in first.results()] == [v for v, _ in second.results()] == [x * x for x in range(100)]
    finally:
        for f in opened:
            f.close()


def test_the_companion_is_kept_for_the_next_list() -> None:
    lists = []
    for start in (0, 1000):
        with Companion(square) as companion:
            for x in range(start, start + 400):
                companion.feed(x)
            results = companion.results()
        assert [value for value, _ in results] == [x * x for x in range(start, start + 400)]
        lists.append({pid for _, pid in results} - {PARENT})
    assert len(lists[0]) == 1 and lists[0] == lists[1], "the same companion computed a share of both"
    assert len(_kept()) == 1 and _kept()[0].is_alive()


def slow_in_the_companion(x: int) -> tuple[int, int]:
    if os.getpid() != PARENT:
        time.sleep(0.002)
    return -x, os.getpid()


def test_a_list_met_early_leaves_nothing_for_the_next() -> None:
    """The parent, much faster, meets the companion before it has read most of the list: the
    companion reads the rest of it away, and the next list's items are that list's."""
    with Companion(slow_in_the_companion) as first:
        for x in range(3000):
            first.feed(x)
        _taken(first, 1)
        assert [v for v, _ in first.results()] == [-x for x in range(3000)]
    [kept] = _kept()
    with Companion(slow_in_the_companion) as second:
        for x in range(5000, 5400):
            second.feed(x)
        _taken(second, 5)
        results = second.results()
    assert [v for v, _ in results] == [-x for x in range(5000, 5400)]
    assert kept.pid in {pid for _, pid in results}


def test_an_idle_companion_leaves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "IDLE_SECONDS", 0.2)
    with Companion(square) as companion:
        companion.feed(3)
        assert [v for v, _ in companion.results()] == [9]
    [kept] = _kept()
    kept.join(30)
    assert kept.exitcode == 0, "it left of itself"
    with Companion(square) as companion:
        assert companion._worker.process is not kept, "a new one replaces it"
        companion.feed(4)
        assert [v for v, _ in companion.results()] == [16]


def test_one_companion_is_kept_per_spare_core() -> None:
    with Companion(square) as first, Companion(square) as second:
        processes = [first._worker.process, second._worker.process]
        for x in range(50):
            first.feed(x)
            second.feed(x)
        first.results()
        second.results()
    assert _kept() == [processes[1]], "the latest is kept"
    assert processes[0].exitcode is not None


def test_a_companion_taken_leaves_the_others_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """With two spare cores, two companions are kept; the next list takes the latest, and the
    other stays kept, not dropped."""
    monkeypatch.setattr(workers, "cores", lambda: 3)
    with Companion(square) as first, Companion(square) as second:
        for x in range(50):
            first.feed(x)
            second.feed(x)
        first.results()
        second.results()
    older, latest = _kept()
    with Companion(square) as companion:
        assert companion._worker.process is latest
        assert _kept() == [older]
        companion.feed(5)
        assert [v for v, _ in companion.results()] == [25]
    assert set(_kept()) == {older, latest}


def test_a_forked_process_keeps_none_of_its_parents_companions() -> None:
    with Companion(square) as companion:
        companion.feed(2)
        companion.results()
    assert len(_kept()) == 1
    pid = os.fork()
    if pid == 0:
        os._exit(0 if workers._idle == [] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def _long_tender() -> str:
    """The test passages and the demo tender, numbers varied, until past the companion's threshold."""
    texts = [_text(p) for p in sorted((TESTS / "extract_passages").glob("*.txt"))]
    texts.append(_text(TESTS.parent / "examples" / "demo-tender.txt"))
    rnd = random.Random(7)
    parts = [re.sub(r"\d+", lambda m: str(rnd.randint(1, 72)), rnd.choice(texts)) for _ in range(150)]
    return "\n".join(parts)


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030")  # (some passages were saved as a Windows Chinese editor saves them)


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(walk, "PARALLEL_BLOCKS", 10**9)


def _accompanied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(walk, "PARALLEL_BLOCKS", 0)


def test_a_long_tender_reads_the_same_with_a_companion(monkeypatch: pytest.MonkeyPatch) -> None:
    tender = _long_tender()
    _alone(monkeypatch)
    alone = requirements_json(extract_text(tender))
    assert len(alone["requirements"]) > 500
    _accompanied(monkeypatch)
    assert requirements_json(extract_text(tender)) == alone


def test_a_companion_that_dies_mid_tender_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    tender = _long_tender()
    _alone(monkeypatch)
    alone = requirements_json(extract_text(tender))
    real = analyses._analysis
    calls = iter(range(10**9))

    def dies_after_a_while(args: tuple):
        if os.getpid() != PARENT and next(calls) == 200:
            os._exit(9)
        return real(args)

    monkeypatch.setattr(analyses, "_analysis", dies_after_a_while)
    _accompanied(monkeypatch)
    assert requirements_json(extract_text(tender)) == alone


@pytest.mark.skipif(not DOCUMENTS.is_dir(), reason=f"{DOCUMENTS} is absent (the development corpus is at ../shared)")
@pytest.mark.parametrize("name", ["D1.pdf", "D2.docx", "D3.pdf", "D5.docx"])
def test_a_real_tender_reads_the_same_with_a_companion(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = DOCUMENTS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    _alone(monkeypatch)
    alone = requirements_json(extract_file(path))
    _accompanied(monkeypatch)
    assert requirements_json(extract_file(path)) == alone
