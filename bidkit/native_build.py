"""`python -m bidkit.native_build`: compile the extractor's hot modules with mypyc (see native.py),
unless the build there is already of the sources as they are."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bidkit.native import COMPILED, GROUP, MANIFEST, ROOT, digest, fresh, native_dir


def _imported_sources() -> list[str]:
    """The bidkit sources the compiled modules depend on: themselves and every bidkit module they
    import (their types are what mypyc compiled against)."""
    import importlib

    for source in COMPILED:
        importlib.import_module(source[:-3].replace("/", "."))
    sources = set()
    for name in list(sys.modules):
        if name == "bidkit" or name.startswith("bidkit."):
            # (by the module's name: one loaded from an older build has its .so as its __file__)
            base = ROOT.joinpath(*name.split("."))
            sources.update(str(path.relative_to(ROOT)) for path in (base.with_suffix(".py"), base / "__init__.py")
                           if path.is_file())
    return sorted(sources)


def build() -> Path:
    """Compile COMPILED into native_dir(), replacing what was there only once the build is whole."""
    from mypyc.build import mypycify
    from setuptools import Distribution  # type: ignore[import-untyped]

    sources = _imported_sources()
    built_from = digest(sources)
    target = native_dir()
    work = Path(tempfile.mkdtemp(prefix=".bidkit-native-", dir=target.parent))
    try:
        cwd = os.getcwd()
        os.chdir(ROOT)  # mypyc names the modules by their paths from here
        try:
            # (the modules compiled must type-check; the others are read for their types only)
            extensions = mypycify(["--follow-imports=silent", *COMPILED], opt_level="3", group_name=GROUP,
                                  target_dir=str(work / "c"))
            dist = Distribution({"name": GROUP, "ext_modules": extensions})
            dist.verbose = 0
            command = dist.get_command_obj("build_ext")
            command.build_lib = str(work / "out")
            command.build_temp = str(work / "obj")
            command.parallel = os.cpu_count() or 1
            dist.run_command("build_ext")
        finally:
            os.chdir(cwd)
        out = work / "out"
        (out / MANIFEST).write_text(json.dumps({"python": sys.version, "sources": sources, "digest": built_from},
                                               indent=1), encoding="utf-8")
        old = work / "old"
        if target.exists():
            target.rename(old)
        out.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


if __name__ == "__main__":
    if fresh(native_dir()):
        sys.exit(0)  # built from these very sources
    try:
        print(f"bidkit: compiled the extractor into {build()}")
    except (Exception, SystemExit) as exc:  # no compiler, a type error: it all runs as Python, slower
        print(f"bidkit: the extractor was not compiled ({type(exc).__name__}: {exc}); it runs as Python",
              file=sys.stderr)
