"""Extraction on the real development corpus (../shared/tenders): real passages and whole tenders,
scored as `make eval` scores them. The corpus is read where it lies, never copied here; in a
clone without ../shared these tests skip and say why.

The floors are the figures reached, so that a rule change that loses real requirements fails
here; `make eval` shows which ones.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bench import eval_extract
from bidkit.extract import extract_file

SHARED = eval_extract.SHARED_TENDERS
pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason=f"the real tender corpus is not beside this checkout ({SHARED.parent.name}/{SHARED.name} missing); "
           "these tests and `make eval` read it there")

FLOORS = {"passages": (0.95, 0.95), "documents": (0.93, 0.91)}  # (recall, precision)


def _scores(folder: str) -> tuple[float, float, str]:
    scores = [eval_extract.score_file(p) for p in eval_extract.tender_files(SHARED / folder)]
    found = sum(s.found for s in scores)
    expected = sum(s.expected for s in scores)
    extracted = sum(s.extracted for s in scores)
    return found / expected, found / extracted, eval_extract.report(SHARED / folder, scores, quiet=False)


@pytest.mark.parametrize("folder", sorted(FLOORS))
def test_recall_and_precision_hold_on_real_tenders(folder: str) -> None:
    recall, precision, report = _scores(folder)
    floor_recall, floor_precision = FLOORS[folder]
    assert recall >= floor_recall and precision >= floor_precision, report


def _documents() -> list[Path]:
    return eval_extract.tender_files(SHARED / "documents") if SHARED.is_dir() else []


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_every_requirement_of_a_whole_tender_says_where_it_stands(path: Path) -> None:
    for r in extract_file(path):
        assert r.where is not None and r.where.file == path.name, r
        if path.suffix == ".pdf":
            assert r.where.page, r
        else:
            assert r.where.paragraph or r.where.row, r


@pytest.mark.parametrize("path", _documents(), ids=lambda p: p.name)
def test_a_whole_tender_gives_a_list_a_writer_reads(path: Path) -> None:
    """Procedure and policy boilerplate yields nothing: the rows to look at stay few."""
    needs_a_look = [r for r in extract_file(path) if r.metric == "other"]
    assert len(needs_a_look) <= 40, [r.text for r in needs_a_look]
