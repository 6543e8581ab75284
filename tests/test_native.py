"""The compiled extractor (bidkit/native.py): used only when built from the sources as they are,
and yielding exactly what the Python modules yield.

`make` builds it; CI (BIDKIT_REQUIRE_NATIVE=1) fails when it could not, as `make bench` would
then measure the Python modules. Elsewhere (no C compiler) the tests that need it skip."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import eval_extract
from bench.run import tender_texts
from bidkit import native
from bidkit.extract import clauses, extract_file, extract_text, walk
from bidkit.extract.walk import requirements_json

ROOT = Path(__file__).resolve().parent.parent

needs_native = pytest.mark.skipif(
    not native.usable() and os.environ.get("BIDKIT_REQUIRE_NATIVE") != "1",
    reason="the extractor is not compiled here (`make` compiles it; it needs a C compiler)")


@needs_native
def test_the_compiled_extractor_is_the_one_in_use() -> None:
    assert native.usable(), "the compiled extractor is missing or stale: `python -m bidkit.native_build` says why"
    for module in (clauses, walk):
        assert Path(module.__file__).parent.parent.parent == native.native_dir(), module.__file__


def _corpus() -> list[Path]:
    files = sorted((ROOT / "tests").glob("extract_*/*.txt")) + [ROOT / "examples" / "demo-tender.txt"]
    if eval_extract.SHARED_TENDERS.is_dir():
        for folder in ("passages", "documents"):
            files += eval_extract.tender_files(eval_extract.SHARED_TENDERS / folder)
    return files


def _long_tender() -> str:
    """The demo tender and the test passages (`make bench`'s) eight times over: past the length at
    which a companion process helps."""
    return "\n".join(tender_texts() * 8)


_AS_PYTHON = """
import json, sys
from bidkit import native
from bidkit.extract import extract_file, extract_text
from bidkit.extract.walk import requirements_json
assert not native.usable()
files, text = json.loads(sys.stdin.read())
out = {path: requirements_json(extract_file(path)) for path in files}
out["long tender"] = requirements_json(extract_text(text))
print(json.dumps(out, ensure_ascii=False))
"""


@needs_native
def test_the_compiled_extractor_finds_what_the_python_one_finds() -> None:
    files = [str(path) for path in _corpus()]
    text = _long_tender()
    assert sum(1 for line in text.splitlines() if line.strip()) > walk.PARALLEL_BLOCKS
    ours = {path: requirements_json(extract_file(path)) for path in files}
    ours["long tender"] = requirements_json(extract_text(text))
    python = subprocess.run([sys.executable, "-c", _AS_PYTHON], input=json.dumps([files, text]), text=True,
                            capture_output=True, cwd=ROOT, env={**os.environ, "BIDKIT_NATIVE": "0"}, timeout=600)
    assert python.returncode == 0, python.stderr
    theirs = json.loads(python.stdout)
    for name in ours:
        assert ours[name] == theirs[name], name


def _build(tmp_path: Path, **manifest: object) -> Path:
    """A build folder holding only its manifest (what `fresh` reads)."""
    sources = ["bidkit/extract/clauses.py", "bidkit/extract/walk.py"]
    fields = {"python": sys.version, "sources": sources, "digest": native.digest(sources), **manifest}
    (tmp_path / native.MANIFEST).write_text(json.dumps(fields), encoding="utf-8")
    return tmp_path


def test_a_build_from_the_sources_as_they_are_is_used(tmp_path: Path) -> None:
    assert native.fresh(_build(tmp_path))


@pytest.mark.parametrize("manifest", [
    {"digest": "0" * 64},                          # a source edited since the build
    {"python": "2.7.18"},                          # another Python's build
    {"sources": ["bidkit/no_such_module.py"]},     # a source gone
    {"sources": 3},                                # a manifest someone wrote by hand
])
def test_a_stale_or_foreign_build_is_never_used(tmp_path: Path, manifest: dict) -> None:
    assert not native.fresh(_build(tmp_path, **manifest))


@pytest.mark.parametrize("content", [None, "", "{not json", "[]", '{"python": 1}'])
def test_a_missing_or_broken_manifest_means_python(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / native.MANIFEST).write_text(content, encoding="utf-8")
    assert not native.fresh(tmp_path)


def test_bidkit_native_0_runs_everything_as_python() -> None:
    script = ("from bidkit import native; from bidkit.extract import clauses; "
              "print(native.usable(), clauses.__file__.endswith('.py'))")
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "BIDKIT_NATIVE": "0"}, timeout=120)
    assert shown.stdout.split() == ["False", "True"], shown.stderr
