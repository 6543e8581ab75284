"""`make bench`: time what users wait for, print a table, write bench/results.json.

Each benchmark returns a figure and its target; the figures go into the issue notes, never into
timed assertions in tests.
"""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Callable

from bench.synthetic import write_library
from bidkit import library

HERE = Path(__file__).parent
DATA = HERE / "_data"
BENCHMARKS: list[Callable[[], dict]] = []


def benchmark(func: Callable[[], dict]) -> Callable[[], dict]:
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


def main() -> int:
    results = []
    print(f"{'benchmark':<24}{'value':>10}  {'unit':<6}{'target':>8}  ok")
    for func in BENCHMARKS:
        row = func()
        ok = row["value"] <= row["target"]
        print(f"{row['name']:<24}{row['value']:>10}  {row['unit']:<6}{row['target']:>8}  {'yes' if ok else 'NO'}")
        results.append(row)
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
