"""The limits on every YAML text bidkit reads (yamlio.MAX_YAML_DEPTH, MAX_YAML_NODES): deep nesting
crashed the process in libyaml's composer, alias bombs ran out of memory downstream; and one bad
library file, whatever its fault, is an issue of its own while the rest of the library loads."""
from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bidkit import bidfile, library, yamlio
from bidkit.errors import BidError, LibraryError
from bidkit.library import files
from bidkit.model import Bid

ROOT = Path(__file__).resolve().parent.parent
DEMO_BID = ROOT / "examples" / "demo-bid.yaml"


def _alias_bomb(levels: int = 10) -> str:
    """2 KB of YAML that means 10**levels strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _block_mappings(levels: int) -> str:
    """`levels` mappings, each the value of the one above, one a line."""
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(levels - 1)) + f"{'  ' * (levels - 1)}k: 1\n"


def _deep_aliases(anchors: int) -> str:
    """Each anchor ten levels deep around the one before: deep only once the aliases are followed."""
    lines = ["a0: &a0 " + "[" * 10 + "1" + "]" * 10]
    lines += [f"a{i}: &a{i} " + "[" * 10 + f"*a{i - 1}" + "]" * 10 for i in range(1, anchors)]
    return "\n".join(lines) + "\n"


TOO_DEEP = f"YAML is nested deeper than the {yamlio.MAX_YAML_DEPTH}-level limit"
TOO_MANY = f"YAML holds over {yamlio.MAX_YAML_NODES:,} values, the limit (each repeat of an alias counts)"

REFUSED = [  # (name, text, line, message, code)
    ("51 nested lists", "a: " + "[" * 50 + "]" * 50, 1, TOO_DEEP, "yaml-too-deep"),
    ("10,000 nested mappings", "a: " + "{a: " * 10_000 + "1" + "}" * 10_000, 1, TOO_DEEP, "yaml-too-deep"),
    ("60 block mappings", _block_mappings(60), yamlio.MAX_YAML_DEPTH + 1, TOO_DEEP, "yaml-too-deep"),
    ("60 compact block sequences", "a:\n" + "- " * 60 + "x\n", 2, TOO_DEEP, "yaml-too-deep"),
    ("unclosed 100,000 brackets", "title: " + "[" * 100_000, 1, TOO_DEEP, "yaml-too-deep"),
    ("nesting made by aliases", _deep_aliases(6), 5, TOO_DEEP, "yaml-too-deep"),
    ("alias bomb", _alias_bomb(), 5, TOO_MANY, "yaml-too-many-nodes"),
    ("too many plain values", "a: [" + ",".join(["1"] * yamlio.MAX_YAML_NODES) + "]", 1, TOO_MANY,
     "yaml-too-many-nodes"),
    ("alias inside its own anchor", "a: 1\nb: &x {c: [*x]}\n", 2, "alias *x refers to a node that contains it (a loop)",
     "yaml-alias-loop"),
    ("5,000-digit number", "version: " + "1" * 5000, 1,
     f"YAML does not parse: a number over {sys.get_int_max_str_digits()} digits long", None),
    ("date that does not exist", "id: x\ncreated: 2026-02-30\n", 2,
     "YAML does not parse: a date or time that does not exist (day is out of range for month)", None),
]


@pytest.mark.parametrize("name, text, line, message, code", REFUSED, ids=[c[0] for c in REFUSED])
def test_load_refuses_past_the_limits(name, text, line, message, code) -> None:
    data, problems = yamlio.load_mapping(text)
    assert data is None
    assert problems == [(line, message)]
    assert problems[0].code == code


ACCEPTED = [  # (name, text): at the limits, or aliases used as a writer might
    ("50 nested lists", "a: " + "[" * 49 + "]" * 49),
    ("50 block mappings", _block_mappings(yamlio.MAX_YAML_DEPTH)),
    ("a repeated mapping", "bidder: &b {name: 广东粤信, contact: 王磊}\nbuyer: *b\n"),
    ("a merge key", "base: &b {x: 1, y: 2}\nmore: {<<: *b, z: 3}\n"),
    ("as many values as the limit", "a: [" + ",".join(["1"] * (yamlio.MAX_YAML_NODES - 3)) + "]"),
]


@pytest.mark.parametrize("name, text", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_load_accepts_what_is_within_the_limits(name, text) -> None:
    data, problems = yamlio.load_mapping(text)
    assert problems == [] and data == yaml.load(text, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000 + "]" * 100_000, _alias_bomb()])
def test_line_of_is_guarded_too(text) -> None:
    assert yamlio.line_of(text, ("a", 0)) is None


def test_every_problem_keeps_its_line() -> None:
    text = "project: x\nrequirements:\n  - {metric: 1}\n  - 2\n  - {text: 3}\nbogus: 1\n"
    _, problems = yamlio.parse_model(text, Bid)
    assert sorted({p.line for p in problems}) == [3, 4, 5, 6]


def test_bid_error_carries_the_code_and_limit() -> None:
    with pytest.raises(BidError) as err:
        bidfile.parse("project: x\nclauses:\n" + "  - " * 60 + "x\n", Bid, "bid.yaml")
    assert (err.value.file, err.value.line, err.value.code, err.value.values) == \
        ("bid.yaml", 3, "yaml-too-deep", {"limit": yamlio.MAX_YAML_DEPTH})
    assert str(err.value) == f"bid.yaml:3: {TOO_DEEP}"


@pytest.mark.parametrize("code, values", [("yaml-too-deep", {"limit": 50}),
                                          ("yaml-too-many-nodes", {"limit": 100_000}),
                                          ("yaml-alias-loop", {"anchor": "x"})])
def test_each_code_has_the_page_wording(code, values) -> None:
    from ui.messages import MESSAGES
    zh, en = MESSAGES[f"err.{code}"]
    assert zh.format(**values) and en.format(**values)


def test_dump_writes_shared_values_in_full() -> None:
    shared = {"name": "王磊", "phone": ["400-1"]}
    text = yamlio.dump({"a": shared, "b": shared, "c": [shared["phone"]] * 2}).decode("utf-8")
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text) == {"a": shared, "b": shared, "c": [["400-1"]] * 2}


# ------------------------------------------------------------------ in a process of their own

def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          preexec_fn=_limits)


HOSTILE_BIDS = [  # (name, text before the demo bid, what the one line says)
    ("100,000 nested lists", "clauses: " + "[" * 100_000 + "]" * 100_000 + "\n", TOO_DEEP),
    ("100,000 nested mappings", "clauses: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", TOO_DEEP),
    ("alias bomb", _alias_bomb(), TOO_MANY),
]


@pytest.mark.parametrize("name, text, says", HOSTILE_BIDS, ids=[c[0] for c in HOSTILE_BIDS])
def test_hostile_bid_is_one_line_and_the_process_survives(tmp_path, name, text, says) -> None:
    demo = DEMO_BID.read_text(encoding="utf-8")
    if text.startswith("clauses:"):
        demo = demo.replace("\nclauses:", "\nold_clauses:")
    else:
        demo = demo.replace("{warranty_period: 5 year}", "{warranty_period: *a9}")
    bid = tmp_path / "bid.yaml"
    bid.write_text(text + demo, encoding="utf-8")
    done = _run(["-m", "bidkit", "check", str(bid)], ROOT)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and says in done.stderr


def _version(root: Path, clause_id: str, body: str) -> str:
    """A version file in the warranty category whose fields after `id` are `body`."""
    rel = f"warranty/{clause_id}/v1.yaml"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(f"id: {clause_id}\n{body}", encoding="utf-8")
    return rel


HEAD = "version: 1\ncategory: warranty\ntitle: 测试\nauthor: 李明\ncreated: 2026-11-01T10:00:00+08:00\n"
BAD_FILES = [  # (clause id, the file after its id line, the line of the issue, what it says)
    ("deep-nesting", "title: " + "[" * 100_000, 2, TOO_DEEP),
    ("deep-title", HEAD.replace("title: 测试", "title: " + "[" * 3000 + "]" * 3000), 4, TOO_DEEP),
    ("bomb-default", HEAD + "params:\n  " + _alias_bomb().replace("\n", "\n  ")
     + "p: {label: 质保期, type: duration, default: *a9}\ntext: '{{ p }}'\n", 12, TOO_MANY),
    ("huge-number", HEAD.replace("version: 1", "version: " + "9" * 5000) + "text: x\n", 2, "a number over"),
    ("no-such-date", HEAD.replace("2026-11-01", "2026-13-01") + "text: x\n", 6, "a date or time that does not exist"),
    ("alias-loop", HEAD + "params: &p {x: *p}\ntext: x\n", 7, "alias *p refers to a node that contains it"),
]


def test_bad_library_files_are_issues_and_the_rest_loads(tmp_path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    shipped = sorted(library.load(root, use_cache=False).clauses)
    rels = {clause_id: _version(root, clause_id, body) for clause_id, body, _, _ in BAD_FILES}
    (root / "deep-category").mkdir()
    (root / "deep-category" / "_category.yaml").write_text("title: " + "{a: " * 100_000, encoding="utf-8")
    script = ("import json, sys\nfrom bidkit import library\nlib = library.load(sys.argv[1], use_cache=False)\n"
              "print(json.dumps({'clauses': sorted(lib.clauses), "
              "'issues': [[i.file, i.line, i.message] for i in lib.issues]}))")
    done = _run(["-c", script, str(root)], ROOT)
    assert done.returncode == 0 and "Traceback" not in done.stderr, (done.returncode, done.stderr[-500:])
    loaded = json.loads(done.stdout)
    assert loaded["clauses"] == shipped
    issues = {file: (line, message) for file, line, message in loaded["issues"]}
    assert issues.pop("deep-category/_category.yaml") == (1, TOO_DEEP)
    for clause_id, _, line, says in BAD_FILES:
        assert issues[rels[clause_id]][0] == line and says in issues[rels[clause_id]][1], clause_id


FAILURES = [  # (what parsing one file raised, the issue's line, what it says)
    (RecursionError("maximum recursion depth exceeded"), None, "is nested too deeply to be read"),
    (MemoryError(), None, "needs more memory than there is to be read"),
    (ValueError("Exceeds the limit (4300 digits) for integer string conversion\nmore"), None,
     "cannot be read: ValueError: Exceeds the limit (4300 digits) for integer string conversion"),
    (TypeError(), None, "cannot be read: TypeError"),
    (LibraryError("text: too long", line=7), 7, "text: too long"),
]


@pytest.mark.parametrize("exc, line, says", FAILURES, ids=[type(f[0]).__name__ for f in FAILURES])
def test_any_failure_of_one_file_is_its_issue(tmp_path, monkeypatch, exc, line, says) -> None:
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    shipped = set(library.load(root, use_cache=False).clauses)
    parse_version = files._parse_version

    def failing(rel, text, category, clause_id, number):
        if clause_id == "warranty-period" and number == 1:
            raise exc
        return parse_version(rel, text, category, clause_id, number)

    monkeypatch.setattr(files, "_parse_version", failing)
    lib = library.load(root, use_cache=False)
    assert ("warranty/warranty-period/v1.yaml", line, says) in [(i.file, i.line, i.message) for i in lib.issues]
    assert all(i.file.startswith("warranty/warranty-period/v1.") for i in lib.issues)  # and its reviews
    assert set(lib.clauses) == shipped
