"""`make eval`: how well extraction does on annotated tenders, per folder, per metric, per file.

A folder holds tenders (NN.txt / .md / .docx / .pdf) beside their `NN.expected.yaml`. Matching is
the one of ../shared/tools/score_extract.py: a found requirement counts when its metric, operator,
mandatory flag and value (in comparable units) equal those of an expected entry or one of its `alt`
readings; `other` rows are left out of the score; a missed `optional` entry is no miss. So a rule
change shows at once what it fixed and what it broke, the misses and the spurious rows of each file
are printed, and the figures are those of the scorer the project is judged with.

    python -m bench.eval_extract [FOLDER ...] [--quiet]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bidkit.errors import BidkitError
from bidkit.extract import extract_file, requirements_json

ROOT = Path(__file__).resolve().parent.parent
SHARED_TENDERS = ROOT.parent / "shared" / "tenders"
DEFAULT_FOLDERS = (SHARED_TENDERS / "passages", SHARED_TENDERS / "documents",
                   ROOT / "tests" / "extract_passages")
SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_MINUTES = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
_MONTHS = {"month": 1, "year": 12}


def _norm_value(r: dict):
    if r.get("op") == "present":
        return None
    v, u = r.get("value"), str(r.get("unit") or "").lower().rstrip("s")
    if r.get("metric") == "service_hours" or isinstance(v, str):
        return ("text", re.sub(r"[×*xX]", "x", str(v)).replace("小时", "").replace(" ", ""))
    try:
        v = float(v)
    except (TypeError, ValueError):
        return ("raw", str(v))
    if u in _MINUTES:
        return ("minutes", round(v * _MINUTES[u], 3))
    if u in _MONTHS:
        return ("months", round(v * _MONTHS[u], 3))
    return (u, round(v, 3))


def key(r: dict) -> tuple:
    """What two requirements must share to be the same: metric, op, mandatory, comparable value."""
    op = r.get("op")
    if r.get("metric") == "service_hours" and op == "==":
        op = ">="
    return (r.get("metric"), op, bool(r.get("mandatory")), _norm_value(r))


def _keys(r: dict) -> list[tuple]:
    return [key(r)] + [key(dict(r, **a)) for a in r.get("alt") or []]


@dataclass
class FileScore:
    path: Path
    found: int = 0        # expected entries matched
    expected: int = 0     # expected entries that count (matched, or missed and not optional)
    extracted: int = 0    # compared requirements the extractor gave
    misses: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)
    error: str = ""
    by_metric: Counter = field(default_factory=Counter)  # (metric, found|expected|matched|extracted)


def tender_files(folder: Path) -> list[Path]:
    return [p for p in sorted(folder.iterdir())
            if p.suffix in SUFFIXES and p.with_suffix(".expected.yaml").exists()]


def score_file(path: Path) -> FileScore:
    """Extract `path` and match it against its expected.yaml."""
    expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8")) or {}
    exp = [r for r in expected.get("requirements") or [] if r.get("metric") != "other"]
    out = FileScore(path)
    try:
        pred = [r for r in requirements_json(extract_file(path))["requirements"] if r["metric"] != "other"]
    except BidkitError as exc:
        out.error, pred = str(exc), []
    out.extracted = len(pred)
    left = list(pred)
    left_keys = [key(r) for r in pred]
    for r in exp:
        hit = next((k for k in _keys(r) if k in left_keys), None)
        if hit is not None:
            i = left_keys.index(hit)
            out.by_metric[(r["metric"], "found")] += 1            # recall: by the expected metric
            out.by_metric[(left[i]["metric"], "matched")] += 1    # precision: by the one given
            del left[i], left_keys[i]
            out.found += 1
        elif r.get("optional"):
            continue
        else:
            out.misses.append(r)
        out.expected += 1
        out.by_metric[(r["metric"], "expected")] += 1
    for r in pred:
        out.by_metric[(r["metric"], "extracted")] += 1
    out.spurious = left
    return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _row(r: dict) -> str:
    value = "" if r.get("op") == "present" else f" {r.get('value')}{r.get('unit') or ''}"
    star = "★" if r.get("mandatory") else " "
    where = f"  [{r['ref']}]" if r.get("ref") else ""
    return f"{star} {r['metric']} {r['op']}{value}: {' '.join(str(r.get('text', '')).split())[:70]}{where}"


def report(folder: Path, scores: list[FileScore], quiet: bool) -> str:
    lines = [f"== {folder}"]
    if not quiet:
        for s in scores:
            if s.error:
                lines.append(f"  {s.path.name}: ERROR {s.error}")
            for r in s.misses:
                lines.append(f"  {s.path.name} missed    {_row(r)}")
            for r in s.spurious:
                lines.append(f"  {s.path.name} spurious  {_row(r)}")
    metrics = Counter()
    for s in scores:
        metrics.update(s.by_metric)
    lines.append(f"  {'metric':22} {'recall':>14} {'precision':>14}")
    for metric in sorted({m for m, _ in metrics}):
        f, e = metrics[(metric, "found")], metrics[(metric, "expected")]
        m, x = metrics[(metric, "matched")], metrics[(metric, "extracted")]
        lines.append(f"  {metric:22} {_ratio(f, e):5.2f} ({f:3}/{e:3}) {_ratio(m, x):5.2f} ({m:3}/{x:3})")
    f, e, x = (sum(s.found for s in scores), sum(s.expected for s in scores), sum(s.extracted for s in scores))
    lines.append(f"  {'ALL':22} {_ratio(f, e):5.2f} ({f:3}/{e:3}) {_ratio(f, x):5.2f} ({f:3}/{x:3})"
                 f"  in {len(scores)} files")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses or spurious rows")
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    if not args.folders and not SHARED_TENDERS.is_dir():
        print(f"note: {SHARED_TENDERS} is absent; scoring the project's own passages only")
    for folder in folders:
        if not folder.is_dir():
            print(f"no such folder: {folder}", file=sys.stderr)
            return 2
        print(report(folder, [score_file(p) for p in tender_files(folder)], args.quiet))
    return 0


if __name__ == "__main__":
    sys.exit(main())
