"""A long tender's analyses are made by a companion process alongside the walk (workers.Companion):
every result comes back in order whoever computed it, a companion that fails, dies or hangs
costs time and never a result, and a tender reads the same with a companion and without."""
from __future__ import annotations

import os
import random
import re
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
    """A companion is started whatever this machine's cores."""
    monkeypatch.setattr(workers, "cores", lambda: 2)


def square(x: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough for both processes to take items
    return x * x, os.getpid()


def test_every_result_comes_back_in_order_from_both_processes() -> None:
    with Companion(square) as companion:
        for x in range(400):
            companion.feed(x)
        results = companion.results()
    assert [value for value, _ in results] == [x * x for x in range(400)]
    pids = {pid for _, pid in results}
    assert PARENT in pids and len(pids) == 2, "both processes computed a share"


def test_one_core_computes_everything_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "cores", lambda: 1)
    companion = Companion(square)
    for x in range(50):
        companion.feed(x)
    assert companion.results() == [(x * x, PARENT) for x in range(50)]


def fails_on_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x


def test_an_items_error_is_raised_here() -> None:
    with Companion(fails_on_seven) as companion:
        for x in range(300):
            companion.feed(x)
        with pytest.raises(ValueError, match="seven"):
            companion.results()


def dies_in_the_companion(x: int) -> int:
    if os.getpid() != PARENT and x == 5:
        os._exit(3)
    return x + 1


def test_a_companion_that_dies_costs_no_result() -> None:
    with Companion(dies_in_the_companion) as companion:
        for x in range(300):
            companion.feed(x)
        assert companion.results() == [x + 1 for x in range(300)]


def hangs_in_the_companion(x: int) -> int:
    if os.getpid() != PARENT and x == 0:
        time.sleep(3600)
    return -x


def test_a_companion_that_hangs_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Companion, "WAIT_SECONDS", 0.5)
    companion = Companion(hangs_in_the_companion)
    pid = companion._process.pid
    for x in range(100):
        companion.feed(x)
    time.sleep(0.3)  # the first batch has gone: the companion is stuck on its first item
    assert companion.results() == [-x for x in range(100)]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped


def test_leaving_early_stops_the_companion() -> None:
    with pytest.raises(RuntimeError):
        with Companion(square) as companion:
            pid = companion._process.pid
            companion.feed(1)
            raise RuntimeError("the walk failed")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


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
