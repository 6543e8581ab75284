"""`make bench`: time what users wait for, print a table, write bench/results.json.

Each benchmark returns a figure and its target; the figures go into the issue notes, never into
timed assertions in tests.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from bench.synthetic import write_library
from bidkit import library

HERE = Path(__file__).parent
DATA = HERE / "_data"
BENCHMARKS: list[Callable[[], dict | list[dict]]] = []


def benchmark(func: Callable[[], dict | list[dict]]) -> Callable[[], dict | list[dict]]:
    BENCHMARKS.append(func)
    return func


def best_of(func: Callable[[], object], repeat: int = 5) -> float:
    """The median of `repeat` runs, in seconds: steadier than one run, fairer than the minimum."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def big_library() -> Path:
    root = DATA / "library-2000x5"
    if not (root / "warranty").is_dir():
        write_library(root, clauses=2000, versions=5)
    return root


@benchmark
def library_load_cold() -> dict:
    root = big_library()
    seconds = best_of(lambda: library.load(root, use_cache=False), repeat=3)
    return {"name": "library_load_cold", "value": round(seconds, 3), "unit": "s", "target": 2.0}


@benchmark
def library_load_warm() -> dict:
    root = big_library()
    library.load(root)
    seconds = best_of(lambda: library.load(root))
    return {"name": "library_load_warm", "value": round(seconds, 3), "unit": "s", "target": 0.2}


def synthetic_bid(clauses: int, requirements: int):
    """A bid choosing `clauses` clauses of the benchmark library, against `requirements` requirements."""
    from bidkit.model import Bid, ClauseChoice, Requirement, StaffMember
    from bench.synthetic import METRIC_PARAMS

    root = DATA / "library-60x2"
    if not (root / "warranty").is_dir():
        write_library(root, clauses=60, versions=2)
    lib = library.load(root)
    metrics = [(m[0], m[2]) for m in METRIC_PARAMS]
    reqs = []
    for i in range(requirements):
        metric, kind = metrics[i % len(metrics)]
        value, unit = {"warranty_period": (24 + i % 13, "month"), "response_time": (60, "minute"),
                       "onsite_arrival": (4, "hour"), "staff_count": (3, "person")}[metric]
        reqs.append(Requirement(metric=metric, op="<=" if kind == "duration" and metric != "warranty_period" else ">=",
                                value=value, unit=unit, mandatory=i % 3 == 0, text=f"要求{i}", ref=f"第三章 {i}"))
    bid = Bid(project="基准项目", requirements=reqs,
              clauses=[ClauseChoice(id=f"clause-{i:05d}", version=1) for i in range(clauses)],
              staff=[StaffMember(name=f"工程师{i}", role="售后工程师") for i in range(8)])
    return bid, lib


@benchmark
def check_60x50() -> dict:
    from bidkit.check import check

    bid, lib = synthetic_bid(60, 50)
    seconds = best_of(lambda: check(bid, lib), repeat=7)
    return {"name": "check_60x50", "value": round(seconds, 4), "unit": "s", "target": 0.1}


def tender_texts() -> list[str]:
    """The demo tender and the test passages, as text."""
    root = HERE.parent
    sources = [root / "examples" / "demo-tender.txt"]
    sources += sorted((root / "tests" / "extract_passages").glob("*.txt"))
    texts = []
    for path in sources:
        raw = path.read_bytes()
        try:
            texts.append(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            texts.append(raw.decode("gb18030"))
    return texts


_NUMBER_RE = r"(?<![0-9])[0-9]{1,2}(?![0-9])"


@benchmark
def extract_300k() -> dict:
    """A ~300,000-character tender: the demo tender and the test passages, numbers varied."""
    import random
    import re

    from bidkit.extract import extract_text

    texts = tender_texts()
    rnd = random.Random(300)
    parts, size = [], 0
    while size < 300_000:
        part = re.sub(_NUMBER_RE, lambda m: str(rnd.randint(1, 72)), rnd.choice(texts))
        parts.append(part)
        size += len(part) + 1
    tender = "\n".join(parts)[:300_000]
    seconds = best_of(lambda: extract_text(tender), repeat=3)
    return {"name": "extract_300k", "value": round(seconds, 3), "unit": "s", "target": 1.0}


@benchmark
def extract_long_line() -> dict:
    """A 4 MB tender in one line (its lines joined without breaks, numbers varied) against the
    same lines with their breaks: the ratio of the times, which a long line must not blow up."""
    import random
    import re

    from bidkit.extract import extract_text

    lines = [ln.strip() for text in tender_texts() for ln in text.splitlines() if ln.strip()]
    rnd = random.Random(4)
    out, size = [], 0
    while size < 4 * 1024 * 1024:
        line = re.sub(_NUMBER_RE, lambda m: str(rnd.randint(1, 72)), rnd.choice(lines))
        out.append(line)
        size += len(line.encode("utf-8"))
    one_line, broken = "".join(out), "\n".join(out)
    ours = best_of(lambda: extract_text(one_line), repeat=3)
    theirs = best_of(lambda: extract_text(broken), repeat=3)
    return {"name": "extract_long_line", "value": round(ours / theirs, 2), "unit": "ratio", "target": 2.0,
            "seconds": round(ours, 3), "broken_seconds": round(theirs, 3)}


@benchmark
def check_conflicts_10k() -> dict:
    """The conflict check of a bid of 10,000 clauses on four metrics, two of them promising
    another value than the rest (about 5,000 conflicts)."""
    from bench.synthetic import METRIC_PARAMS
    from bidkit.check import conflict_findings
    from bidkit.commitments import Commitment
    from bidkit.quantity import parse_quantity

    commitments = []
    for i in range(10_000):
        metric, label, _kind, default, _low = METRIC_PARAMS[i % len(METRIC_PARAMS)]
        value = parse_quantity(default)
        if i in (4_000, 8_000):
            value = type(value)(value.value + 1, value.unit)
        commitments.append(Commitment(metric, value, f"clause-{i:05d}", 1, "p", label))
    seconds = best_of(lambda: conflict_findings(commitments), repeat=3)
    return {"name": "check_conflicts_10k", "value": round(seconds, 3), "unit": "s", "target": 0.5}


CORPUS_PDFS = HERE.parent.parent / "shared" / "tenders" / "documents"


@benchmark
def extract_pdf() -> list[dict]:
    """extract_file on the 99-page D3.pdf: pages a second, and the time over `pdftotext` (poppler,
    a subprocess, the same file in the same run); then pages a second over all corpus PDFs."""
    import subprocess

    from bidkit.extract import extract_file
    from bidkit.extract.read_pdf import _PDFIUM_LOCK

    d3 = CORPUS_PDFS / "D3.pdf"
    if not d3.is_file():
        return [{"name": "extract_pdf", "skipped": f"{CORPUS_PDFS} is absent"}]

    def pages(path: Path) -> int:
        import pypdfium2 as pdfium

        with _PDFIUM_LOCK:
            doc = pdfium.PdfDocument(str(path))
            try:
                return len(doc)
            finally:
                doc.close()

    def pdftotext() -> None:
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(d3), "-"], capture_output=True, check=True)

    def cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    extract_file(d3)  # imports and first-call costs are not what a user waits for on the next file
    runs = [("ours", lambda: extract_file(d3))]
    if shutil.which("pdftotext"):
        runs.append(("theirs", pdftotext))
    else:
        print("note: pdftotext (poppler-utils) is not installed; no ratio")
    # Interleaved, so that load from other processes hits both alike; medians of wall and CPU time.
    walls: dict[str, list[float]] = {who: [] for who, _ in runs}
    cpus: dict[str, list[float]] = {who: [] for who, _ in runs}
    for _ in range(7):
        for who, func in runs:
            c, start = cpu(), time.perf_counter()
            func()
            walls[who].append(time.perf_counter() - start)
            cpus[who].append(cpu() - c)
    ours = statistics.median(walls["ours"])
    theirs = statistics.median(walls["theirs"]) if "theirs" in walls else None
    corpus = sorted(CORPUS_PDFS.glob("*.pdf"))
    total_pages = sum(pages(p) for p in corpus)
    total = sum(best_of(lambda p=p: extract_file(p), repeat=3) for p in corpus)
    rows = [{"name": "extract_pdf_D3", "value": round(pages(d3) / ours, 1), "unit": "pages/s",
             "target": 40, "better": "higher", "seconds": round(ours, 3)}]
    if theirs:
        rows.append({"name": "extract_pdf_vs_pdftotext", "value": round(ours / theirs, 2), "unit": "ratio",
                     "target": 3.0, "pdftotext_seconds": round(theirs, 3),
                     "cpu_ratio": round(statistics.median(cpus["ours"]) / statistics.median(cpus["theirs"]), 2)})
    rows.append({"name": "extract_pdf_corpus", "value": round(total_pages / total, 1), "unit": "pages/s",
                 "target": 40, "better": "higher", "files": [p.name for p in corpus],
                 "pages": total_pages, "seconds": round(total, 3)})
    return rows


def synthetic_chapter():
    from bidkit.compose import compose
    from bidkit.model import Office

    bid, lib = synthetic_bid(60, 50)
    bid.offices = [Office(city="湛江市", address="赤坎区", phone="0759-1234567")]
    return compose(bid, lib, draft=True)


@benchmark
def render_60() -> dict:
    from bidkit.render_docx import render_docx

    chapter = synthetic_chapter()
    seconds = best_of(lambda: render_docx(chapter), repeat=5)
    return {"name": "render_60", "value": round(seconds, 3), "unit": "s", "target": 0.5}


@benchmark
def render_vs_docxtpl() -> dict:
    from bench import docxtpl_baseline
    from bidkit.render_docx import render_docx

    chapter = synthetic_chapter()
    DATA.mkdir(exist_ok=True)
    template = docxtpl_baseline.build_template(DATA / "docxtpl-template.docx", chapter)
    data = docxtpl_baseline.context(chapter)
    ours = best_of(lambda: render_docx(chapter), repeat=5)
    theirs = best_of(lambda: docxtpl_baseline.render(template, data), repeat=5)
    return {"name": "render_vs_docxtpl", "value": round(ours / theirs, 2), "unit": "ratio", "target": 1.0}


@benchmark
def compose_rerun() -> dict:
    """Median time of a compose-page rerun after a parameter change, 2,000-clause library, AppTest."""
    import os
    import tempfile

    from streamlit.testing.v1 import AppTest

    from bidkit import bidfile

    bid, _lib = synthetic_bid(30, 50)
    root = big_library()
    library.load(root)  # the app's first load is not what a rerun costs
    # (Streamlit warns, once, that the benchmark's own thread has no script context: it needs none.)
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    # AppTest leaves the page it ran as __main__; a forkserver started later (bench/pg.py's workers)
    # would import that page, and so run the whole app, in every worker
    main = sys.modules["__main__"]
    try:
        with tempfile.TemporaryDirectory(prefix="bidkit-bench-") as tmp:
            bid_path = Path(tmp) / "bid.yaml"
            bid_path.write_bytes(bidfile.to_yaml(bid))
            os.environ.update(BIDKIT_LIBRARY=str(root), BIDKIT_BID=str(bid_path),
                              BIDKIT_WORKSPACE=str(Path(tmp) / "workspace"))
            at = AppTest.from_file(str(HERE.parent / "app.py"), default_timeout=120)
            at.run()
            label = next(w.label for w in at.number_input)
            times = []
            for value in range(20, 40):
                widget = next(w for w in at.number_input if w.label == label)
                widget.set_value(value)
                start = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
    finally:
        sys.modules["__main__"] = main
    return {"name": "compose_rerun", "value": round(statistics.median(times), 3), "unit": "s", "target": 0.3}


@benchmark
def postgres() -> list[dict]:
    """The PostgreSQL store's figures (bench/pg.py), on the library of library_load_cold."""
    from bench import pg

    return pg.benchmarks(big_library())


def main() -> int:
    results = []
    print(f"{'benchmark':<24}{'value':>10}  {'unit':<6}{'target':>8}  ok")
    for func in BENCHMARKS:
        got = func()
        for row in got if isinstance(got, list) else [got]:  # a benchmark may give several figures
            if "skipped" in row:
                print(f"{row['name']:<24}  skipped: {row['skipped']}")
                continue
            higher = row.get("better") == "higher"
            if row["target"] == "report":  # a figure to record, with no bar to pass
                ok = "-"
            else:
                ok = "yes" if (row["value"] >= row["target"] if higher else row["value"] <= row["target"]) else "NO"
            print(f"{row['name']:<24}{row['value']:>10}  {row['unit']:<6}{row['target']:>8}  {ok}")
            results.append(row)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
