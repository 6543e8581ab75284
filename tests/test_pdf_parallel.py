"""A long PDF is read over worker processes, a stretch of pages each: what it gives is what one
process reading every page gives (tables crossing a stretch's first page included), a worker that
dies is the file's error and not the server's end, and the limits hold over the whole file."""
from __future__ import annotations

import faulthandler
import os
import signal
from pathlib import Path

import pytest

from bidkit.errors import ExtractError
from bidkit.extract import read_pdf
from bidkit.extract.read import read_tender
from bidkit.extract.walk import extract_file, requirements_json
from test_read_formats import FOOTERS, build_tender_pdf, needs_cjk_font

SHARED_D3 = Path(__file__).resolve().parents[2] / "shared" / "tenders" / "documents" / "D3.pdf"


@pytest.fixture(scope="module")
def tender(tmp_path_factory) -> Path:
    if needs_cjk_font.args[0]:
        pytest.skip("no CJK font to write a PDF")
    return build_tender_pdf(tmp_path_factory.mktemp("pdf") / "t.pdf", FOOTERS["N/M"], pages=7, table=True)


def _serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read_pdf, "PARALLEL_PAGES", 10**9)


def _parallel(monkeypatch: pytest.MonkeyPatch, workers: int = 3) -> None:
    """Every PDF read in `workers` stretches, whatever this machine's cores."""
    monkeypatch.setattr(read_pdf, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(read_pdf, "cores", lambda: workers)


def _read(path: Path) -> list[tuple]:
    return [(b.kind, b.text, b.mandatory, b.label, b.where) for b in read_tender(path)]


def test_stretches_read_what_one_reader_reads(tender: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serial(monkeypatch)
    blocks, found = _read(tender), requirements_json(extract_file(tender))
    for workers in (2, 3, 7):
        _parallel(monkeypatch, workers)
        assert _read(tender) == blocks, workers
        assert requirements_json(extract_file(tender)) == found, workers
    assert {w.page for *_, w in blocks} == set(range(1, 8))


@pytest.mark.skipif(not SHARED_D3.is_file(), reason=f"{SHARED_D3} is absent (the development corpus is at ../shared)")
def test_a_real_tender_reads_the_same_in_stretches(monkeypatch: pytest.MonkeyPatch) -> None:
    _serial(monkeypatch)
    serial = read_pdf.pdf_lines(SHARED_D3)
    _parallel(monkeypatch, 4)
    assert read_pdf.pdf_lines(SHARED_D3) == serial


_READ_STRETCH = read_pdf._read_stretch  # the reader itself, which _crash stands in for


def _crash(path, stretch):
    if stretch[0]:
        faulthandler.disable()  # (pytest's dump of the crash would only clutter the log)
        os.kill(os.getpid(), signal.SIGSEGV)  # as PDFium would on a file that breaks it
    return _READ_STRETCH(path, stretch)


def test_a_reader_that_dies_is_the_files_error(tender: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _parallel(monkeypatch, 2)
    monkeypatch.setattr(read_pdf, "_read_stretch", _crash)
    with pytest.raises(ExtractError) as caught:
        read_tender(tender)
    assert caught.value.code == "pdf-corrupt"
    monkeypatch.undo()
    assert _read(tender)  # and this process reads on


def test_the_character_limit_is_the_whole_files(tender: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each stretch under the limit, all of them over it: refused as one reader refuses it."""
    _serial(monkeypatch)
    total = sum(len(page.chars) for page in read_pdf.iter_pages(tender))
    monkeypatch.setattr(read_pdf, "MAX_PDF_CHARS", total - 1)
    with pytest.raises(ExtractError) as serial:
        read_tender(tender)
    _parallel(monkeypatch, 3)
    with pytest.raises(ExtractError) as parallel:
        read_tender(tender)
    assert parallel.value.code == serial.value.code == "pdf-too-many-chars"


def test_without_worker_processes_the_file_is_read_here(tender: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _serial(monkeypatch)
    blocks = _read(tender)

    def no_processes(*_args, **_kw):
        raise OSError("no fork here")

    _parallel(monkeypatch, 2)
    monkeypatch.setattr(read_pdf, "in_processes", no_processes)
    assert _read(tender) == blocks
