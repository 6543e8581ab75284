"""The extractor compiled to C with mypyc, used in place of its Python modules when it was built
from the very sources beside it.

Reading a tender is thousands of lines through pure-Python rules; compiled, the same code takes
about a quarter fewer instructions (the 300,000-character tender of `make bench`: 4.12 G against
3.17 G; about half of what is left is the regex engine's). The modules stay plain
Python: `make` compiles them (`python -m bidkit.native_build`) into this environment's own folder
(`sys.prefix`/bidkit-native, which no checkout shares), beside a manifest of the sources they
were compiled from. At import, the compiled modules are put first on their packages' paths only
when every one of those sources (the modules compiled and the bidkit modules they import) is
unchanged: a module edited since the build is run as Python, never stale. Set
BIDKIT_NATIVE=0 to run everything as Python (the tests compare the two).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from pathlib import Path

# The modules of the extractor's hot path (reading lines into blocks, the walk, the analyses of
# every clause, merging); the readers of .docx and .pdf and the worker processes stay Python. So
# does bidkit.quantity, which checks the values users give: compiled code refuses an argument of
# another type than its annotation says (TypeError) before the function can word the error, so
# an entry point compiled here takes `object` and checks what it was given itself.
COMPILED = (
    "bidkit/extract/blocks.py",
    "bidkit/extract/clauses.py",
    "bidkit/extract/marks.py",
    "bidkit/extract/merge.py",
    "bidkit/extract/normalise.py",
    "bidkit/extract/outline.py",
    "bidkit/extract/places.py",
    "bidkit/extract/present.py",
    "bidkit/extract/quantities.py",
    "bidkit/extract/scoring.py",
    "bidkit/extract/sentences.py",
    "bidkit/extract/vocabulary.py",
    "bidkit/extract/walk.py",
)
GROUP = "bidkit_native"   # the name of the shared library the compiled modules load
MANIFEST = "manifest.json"
ROOT = Path(__file__).resolve().parent.parent   # the checkout: bidkit/ and its siblings


def native_dir() -> Path:
    return Path(sys.prefix) / "bidkit-native"


def enable(package_path: list[str], package: str) -> None:
    """Put the compiled modules of `package` (bidkit, bidkit.extract) before its Python ones,
    when they were built from the sources as they are now."""
    if usable():
        package_path.insert(0, str(native_dir().joinpath(*package.split("."))))


@functools.cache
def usable() -> bool:
    """Whether the compiled modules are there, for this Python, from the sources as they are."""
    if os.environ.get("BIDKIT_NATIVE") == "0" or not fresh(native_dir()):
        return False
    if str(native_dir()) not in sys.path:
        sys.path.append(str(native_dir()))  # the shared library is a top-level module
    return True


def fresh(directory: Path) -> bool:
    """Whether the build in `directory` was made by this Python from the sources as they are now."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        return manifest["python"] == sys.version and manifest["digest"] == digest(manifest["sources"])
    except (OSError, ValueError, KeyError, TypeError):
        return False  # no build, or one cut short: run as Python


def digest(sources: list[str]) -> str:
    """The digest of the named sources (paths relative to the checkout) as they are now."""
    h = hashlib.sha256()
    for name in sources:
        h.update(name.encode() + b"\0" + (ROOT / name).read_bytes() + b"\0")
    return h.hexdigest()
