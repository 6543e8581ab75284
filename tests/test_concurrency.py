"""Many writers at once: saves of one bid or template, and reviews of one version, by threads (the
app's sessions) and by processes (the command line, other app instances). Exactly one writer wins
each race; every other one is told, and nothing is silently overwritten."""
from __future__ import annotations

import multiprocessing
import queue
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bidkit import library, workspace
from bidkit.errors import ConflictError
from bidkit.model import Bid, NewVersion, Template

SAVERS = 32
ROUNDS = 20
REVIEWERS = 8  # half approve, half retire


def race(mode: str, workers: int, rounds: int, task: Callable[[int, int], str]) -> list[list[str]]:
    """task(round, worker) run by `workers` threads or processes released together, round after
    round; the outcomes by round, in worker order ("conflict: ..." for a ConflictError)."""
    if mode == "threads":
        barrier, results, start = threading.Barrier(workers), queue.Queue(), threading.Thread
    else:
        ctx = multiprocessing.get_context("fork")
        barrier, results, start = ctx.Barrier(workers), ctx.Queue(), ctx.Process

    def work(i: int) -> None:
        for r in range(rounds):
            barrier.wait(timeout=60)
            try:
                outcome = task(r, i)
            except ConflictError as exc:
                outcome = f"conflict: {exc}"
            except Exception as exc:  # reported, so the test fails with it instead of hanging
                outcome = f"error: {exc!r}"
            results.put((r, i, outcome))

    runners = [start(target=work, args=(i,)) for i in range(workers)]
    for runner in runners:
        runner.start()
    outcomes = [[""] * workers for _ in range(rounds)]
    for _ in range(workers * rounds):
        r, i, outcome = results.get(timeout=120)
        outcomes[r][i] = outcome
    for runner in runners:
        runner.join(60)
    return outcomes


def _save_bid(folders, r, i, expected):
    return workspace.save_bid(folders, Bid(project=f"writer {i}"), f"bid-{r}", expected)


def _save_template(folders, r, i, expected):
    return workspace.save_template(folders, Template(name=f"tpl-{r}", owner=f"writer {i}"), expected)


@pytest.mark.parametrize("mode", ["threads", "processes"])
@pytest.mark.parametrize("save,field", [(_save_bid, "project"), (_save_template, "owner")],
                         ids=["bid", "template"])
def test_concurrent_saves_have_one_winner(tmp_path, mode, save, field):
    """32 saves at once of one file, opened at the same digest: one is saved, 31 conflict, and the
    file holds the winner's data."""
    folders = workspace.Folders(tmp_path / "lib", tmp_path / "templates", tmp_path / "ws")
    opened = [save(folders, r, "first", None) for r in range(ROUNDS)]

    def task(r: int, i: int) -> str:
        save(folders, r, i, opened[r].digest)
        return "saved"

    for r, outcomes in enumerate(race(mode, SAVERS, ROUNDS, task)):
        winners = [i for i, outcome in enumerate(outcomes) if outcome == "saved"]
        assert len(winners) == 1, f"round {r}: {outcomes}"
        losers = [o for o in outcomes if o != "saved"]
        assert all(o.startswith("conflict:") and "changed by someone else" in o for o in losers), losers
        on_disk = yaml.safe_load(opened[r].path.read_text(encoding="utf-8"))
        assert on_disk[field] == f"writer {winners[0]}"


def _library_with_drafts(tmp_path: Path, count: int) -> Path:
    root = tmp_path / "lib"
    (root / "warranty").mkdir(parents=True)
    (root / "warranty" / "_category.yaml").write_text("title: 质保服务\ntitle_en: Warranty\norder: 1\n",
                                                      encoding="utf-8")
    for n in range(count):
        library.new_version(root, NewVersion(id="warranty-period", based_on=n, category="warranty",
                                             title="质保期承诺", text=f"第{n + 1}版。"), author="李明")
    return root


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_concurrent_approve_and_retire(tmp_path, mode):
    """Approvals and retirements of one draft at once, all from one library loaded before: one
    retirement is recorded, at most one approval, and only before the retirement; retired stays
    final."""
    root = _library_with_drafts(tmp_path, ROUNDS)
    stale = library.load(root)

    def task(r: int, i: int) -> str:
        event = "approved" if i % 2 == 0 else "retired"
        library.record_review(root, stale, "warranty-period", r + 1, event, f"reviewer {i}")
        return event

    results = race(mode, REVIEWERS, ROUNDS, task)
    lib = library.load(root)
    assert lib.issues == []
    entry = lib.clause("warranty-period")
    for r, outcomes in enumerate(results):
        assert outcomes.count("retired") == 1, f"round {r}: {outcomes}"
        assert outcomes.count("approved") <= 1, f"round {r}: {outcomes}"
        refused = [o for o in outcomes if o not in ("approved", "retired")]
        assert all(o.startswith("conflict:") and ("retired" in o or "already approved" in o) for o in refused), refused
        assert entry.status(r + 1) == "retired"
        events = {e.event: e for e in entry.reviews[r + 1]}
        if "approved" in outcomes:
            assert events["approved"].at <= events["retired"].at


def test_approve_from_a_stale_view_after_retirement_is_refused(tmp_path):
    """A reviewer whose page still shows the draft cannot approve what someone has since retired."""
    root = _library_with_drafts(tmp_path, 1)
    stale = library.load(root)
    library.record_review(root, library.load(root), "warranty-period", 1, "retired", "周律师")
    with pytest.raises(ConflictError, match="v1 is retired"):
        library.record_review(root, stale, "warranty-period", 1, "approved", "王律师")
    assert library.load(root).status("warranty-period", 1) == "retired"


def test_retired_is_final_whatever_the_clocks(tmp_path):
    """An old library where an approval was recorded after the retirement (or by a clock ahead)
    still reads as retired."""
    root = _library_with_drafts(tmp_path, 1)
    folder = root / "warranty" / "warranty-period"
    for event, at in (("retired", "2026-11-21T10:00:00+08:00"), ("approved", "2026-11-22T10:00:00+08:00")):
        (folder / f"v1.{event}.yaml").write_text(
            f"id: warranty-period\nversion: 1\nevent: {event}\nreviewer: 周律师\nat: {at}\n", encoding="utf-8")
    lib = library.load(root)
    assert lib.issues == []
    assert lib.status("warranty-period", 1) == "retired"


def test_the_app_shows_a_save_conflict_as_one_message(app_env):
    """A bid saved from the compose page, then by someone else: saving it again from the page gives
    one conflict message and leaves the other save on disk."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=60)
    at.run()
    next(w for w in at.text_input if w.label == "保存名称").set_value("湛江一中").run()
    save = next(b for b in at.button if b.label == "保存到工作区")
    save.click().run()
    saved = app_env / "workspace" / "bids" / "湛江一中.yaml"
    theirs = saved.read_bytes().replace("湛江".encode(), "佛山".encode())
    saved.write_bytes(theirs)
    next(b for b in at.button if b.label == "保存到工作区").click().run()
    assert not at.exception
    assert [e.value for e in at.error if "保存冲突" in e.value] == [
        "保存冲突：在您打开之后已被他人修改；没有覆盖任何内容：请重新载入后再做一次您的修改（湛江一中.yaml）"]
    assert saved.read_bytes() == theirs
