"""The command line: every command has help, exit codes and one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bidkit import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bidkit", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def _leaf_commands(parser, prefix=()):
    for action in parser._actions:
        if getattr(action, "choices", None) and isinstance(action.choices, dict):
            for name, sub in action.choices.items():
                yield from _leaf_commands(sub, prefix + (name,))
            return
    yield prefix, parser


@pytest.mark.parametrize("words,parser", list(_leaf_commands(cli.build_parser())),
                         ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_help(words, parser):
    """Each command describes itself and each of its options."""
    assert parser.description or parser.format_usage()
    for action in parser._actions:
        if action.dest not in ("help",):
            assert action.help, f"{' '.join(words)} {action.dest} has no help text"


def test_validate_shipped_library_json():
    """The shipped library validates clean, with at least 30 clauses in 10 categories."""
    p = run("library", "validate", "--format", "json")
    data = json.loads(p.stdout)
    assert p.returncode == 0, data["errors"]
    assert data["errors"] == []
    assert data["clauses"] >= 30 and data["categories"] >= 10
    assert data["versions"] > data["clauses"]


def test_validate_reports_errors_and_exits_2(tmp_path):
    """A broken file is listed with file and line, and the exit code is 2."""
    (tmp_path / "warranty/x").mkdir(parents=True)
    (tmp_path / "warranty/_category.yaml").write_text("title: 质保\norder: 1\n", encoding="utf-8")
    (tmp_path / "warranty/x/v1.yaml").write_text("id: [\n", encoding="utf-8")
    p = run("library", "validate", "--library", str(tmp_path), "--format", "json")
    assert p.returncode == 2
    errors = json.loads(p.stdout)["errors"]
    assert errors == [{"file": "warranty/x/v1.yaml", "line": 2, "message": errors[0]["message"]}]
    assert "YAML does not parse" in errors[0]["message"]


def test_new_version_approve_and_conflict(tmp_path):
    """new-version saves a draft, approve records it, a stale base conflicts with exit 1."""
    import shutil
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    first = next(lib.glob("*/*/v1.yaml"))
    clause_id = first.parent.name
    latest = max(int(p.stem[1:]) for p in first.parent.glob("v*.yaml") if p.stem[1:].isdigit())
    import yaml
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    data.pop("version"); data.pop("author"); data.pop("created")
    data["based_on"] = latest
    data["text"] = data["text"] + "\n本条款由法务部复核。"
    new_file = tmp_path / "new.yaml"
    new_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    p = run("library", "new-version", str(new_file), "--author", "王芳", "--note", "补充", "--library", str(lib))
    assert p.returncode == 0, p.stderr
    assert f"v{latest + 1}" in p.stdout
    p = run("library", "new-version", str(new_file), "--author", "王芳", "--note", "补充", "--library", str(lib))
    assert p.returncode == 1
    assert p.stderr.startswith("conflict:") and len(p.stderr.strip().splitlines()) == 1
    p = run("library", "approve", clause_id, str(latest + 1), "--reviewer", "周律师", "--library", str(lib))
    assert p.returncode == 0, p.stderr
    p = run("library", "approve", clause_id, "99", "--reviewer", "周律师", "--library", str(lib))
    assert p.returncode == 2 and "has no version 99" in p.stderr


def test_missing_library_is_one_line(tmp_path):
    """A library folder that does not exist is a one-line error, exit 2."""
    p = run("library", "validate", "--library", str(tmp_path / "none"))
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "is not a folder" in p.stderr
