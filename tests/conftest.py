"""Shared test helpers."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bidkit import library

ROOT = Path(__file__).resolve().parent.parent
DEMO_BID = ROOT / "examples" / "demo-bid.yaml"


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


def demo_bid_with_warranty(tmp_path: Path, warranty: str) -> Path:
    """The demo bid file with another warranty period promised (e.g. one that fails the ★ 3 years)."""
    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    for clause in bid["clauses"]:
        if clause["id"] == "warranty-period":
            clause["params"]["warranty_period"] = warranty
    path = tmp_path / "bid.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch) -> None:
    """Library caches of the tests' throwaway libraries go to a temporary folder, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch) -> Path:
    """The app run on its own workspace, a copy of the shipped templates and the shipped library."""
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates, ignore=shutil.ignore_patterns("*.docx", "*.py"))
    monkeypatch.setenv("BIDKIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("BIDKIT_TEMPLATES", str(templates))
    monkeypatch.setenv("BIDKIT_LIBRARY", str(ROOT / "clause_library"))
    monkeypatch.chdir(ROOT)
    return tmp_path
