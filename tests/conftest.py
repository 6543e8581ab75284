"""Shared test helpers."""
from __future__ import annotations

import shutil
from pathlib import Path

from bidkit import library

ROOT = Path(__file__).resolve().parent.parent


def library_with_clause(tmp_path: Path, clause_id: str, params: str, text: str) -> Path:
    """A copy of the shipped library with one more approved warranty clause (params as YAML flow)."""
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    folder = root / "warranty" / clause_id
    folder.mkdir()
    (folder / "v1.yaml").write_text(
        f"id: {clause_id}\nversion: 1\ncategory: warranty\ntitle: 整机保修\nauthor: 李明\n"
        f"created: 2026-11-01T10:00:00+08:00\nparams:\n{params}\ntext: {text}\n", encoding="utf-8")
    library.record_review(root, library.load(root), clause_id, 1, "approved", "周律师")
    return root
