"""A battery of hostile and broken inputs given to `python -m bidkit`, as an attacker or a careless
colleague would: each run must end with its intended exit code and at most one line on stderr, no
traceback, no signal, within 10 s and 500 MB (the process's peak resident size, from wait4).

Each case builds its files in a fresh folder (a copy of the shipped library where it needs one)
and names the command to run there. Exit codes: 0 fine, 1 blocking findings, 2 bad input;
3 (an internal error) is never the intended end of any of these.
"""
from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEMO_BID = ROOT / "examples" / "demo-bid.yaml"
SECONDS = 10
PEAK_BYTES = 500 * 1024 * 1024
ADDRESS_SPACE = 3 * 1024 * 1024 * 1024  # a safety net only: the peak is what is asserted


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]  # makes the files in a folder, returns the command's arguments
    exits: tuple[int, ...]
    says: str = ""                      # a word the one line on stderr must hold (case-insensitive)


# ------------------------------------------------------------------ building blocks

def _library(tmp: Path) -> Path:
    root = tmp / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    return root


def _version(root: Path, clause_id: str, params: str, text: str, category: str = "warranty",
             number: int = 1) -> Path:
    folder = root / category / clause_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"v{number}.yaml"
    path.write_text(f"id: {clause_id}\nversion: {number}\ncategory: {category}\ntitle: 测试条款\nauthor: 李明\n"
                    f"created: 2026-11-01T10:00:00+08:00\nparams:\n{params}\ntext: {text}\n", encoding="utf-8")
    return path


def _draft(tmp: Path, text: str, clause_id: str = "hostile-clause", category: str = "warranty",
           based_on: int = 0, params: str = "  {}") -> Path:
    path = tmp / "draft.yaml"
    path.write_text(f"id: {clause_id}\nbased_on: {based_on}\ncategory: {category}\ntitle: 测试条款\n"
                    f"params:\n{params}\ntext: {json.dumps(text, ensure_ascii=False)}\n".replace("params:\n  {}", "params: {}"), encoding="utf-8")
    return path


def _new_version(text: str, **draft) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        root = _library(tmp)
        return ["library", "new-version", "--library", str(root), str(_draft(tmp, text, **draft)),
                "--author", "李明"]
    return build


def _bid_text(tmp: Path, text: str) -> list[str]:
    path = tmp / "bid.yaml"
    path.write_text(text, encoding="utf-8")
    return ["check", str(path), "--library", str(ROOT / "clause_library")]


def _demo_bid(change: Callable[[dict], None]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
        change(bid)
        return _bid_text(tmp, yaml.safe_dump(bid, allow_unicode=True))
    return build


def _set_param(clause_id: str, name: str, value) -> Callable[[dict], None]:
    def change(bid: dict) -> None:
        for clause in bid["clauses"]:
            if clause["id"] == clause_id:
                clause["params"][name] = value
    return change


def _alias_bomb(depth: int = 10) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, depth)]
    return "\n".join(lines)


def _bomb_bid(tmp: Path) -> list[str]:
    bomb = _alias_bomb()
    demo = DEMO_BID.read_text(encoding="utf-8")
    text = bomb + "\n" + demo.replace("{warranty_period: 5 year}", f"{{warranty_period: *a{9}}}")
    return _bid_text(tmp, text)


def _bomb_library(tmp: Path) -> list[str]:
    root = _library(tmp)
    bomb = _alias_bomb().replace("\n", "\n  ")
    _version(root, "bomb-clause", "  " + bomb + "\n  p: {label: 质保期, type: duration, default: *a9}", "{{ p }}")
    return ["library", "validate", "--library", str(root)]


def _nested_library(tmp: Path) -> list[str]:
    root = _library(tmp)
    (root / "warranty" / "deep-clause").mkdir()
    (root / "warranty" / "deep-clause" / "v1.yaml").write_text("title: " + "[" * 100_000, encoding="utf-8")
    return ["library", "validate", "--library", str(root)]


def _tender(name: str, data: bytes | Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        path = tmp / name
        if callable(data):
            data(path)
        else:
            path.write_bytes(data)
        return ["extract", str(path)]
    return build


def _docx_bomb(path: Path) -> None:
    """A .docx whose document.xml unpacks to 300 MB of one repeated paragraph (about 0.3 MB packed)."""
    para = b"<w:p><w:r><w:t>" + "质保期不少于3年".encode() + b"</w:t></w:r></w:p>"
    head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        with z.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(head)
            chunk = para * 10_000
            for _ in range(300 * 1024 * 1024 // len(chunk)):
                out.write(chunk)
            out.write(b"</w:body></w:document>")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _long_line(path: Path) -> None:
    sentence = "★质保期内，中标人接到报修通知后30分钟内响应，2小时内到达现场，24小时内修复。"
    path.write_text(sentence * (4 * 1024 * 1024 // len(sentence.encode())), encoding="utf-8")


def _symlinked_category(tmp: Path) -> list[str]:
    root = _library(tmp)
    outside = tmp / "outside"
    shutil.move(str(root / "training"), outside)
    (root / "training").symlink_to(outside, target_is_directory=True)
    return ["library", "validate", "--library", str(root)]


def _hijack(tmp: Path) -> list[str]:
    root = _library(tmp)
    path = _draft(tmp, "我公司承诺。", clause_id="warranty-period", category="response")
    return ["library", "new-version", "--library", str(root), str(path), "--author", "李明"]


def _crafted_cache(tmp: Path) -> list[str]:
    """A pickle that would write a file if anything unpickled it, under every name a cache had."""
    root = _library(tmp)
    evil = b"cos\nsystem\n(S'touch " + str(tmp / "owned").encode() + b"'\ntR."
    for name in (".bidkit-index.marshal", ".bidkit-index.pickle", ".bidkit-cache"):
        (root / name).write_bytes(evil)
    return ["library", "validate", "--library", str(root)]


def _many_clauses(tmp: Path) -> list[str]:
    root = _library(tmp)
    for i in range(105):
        _version(root, f"extra-{i:03d}", "  {}", "我公司承诺提供优质服务。")
    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    bid["clauses"] += [{"id": f"extra-{i:03d}", "version": 1, "params": {}} for i in range(105)]
    path = tmp / "bid.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    return ["render", str(path), "--library", str(root), "--draft", "-o", str(tmp / "out.docx")]


def _long_project(tmp: Path) -> list[str]:
    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    bid["project"] = "湛江市第一中学教学设备采购项目" * 20
    bid["project_number"] = "ZJCG-" + "9" * 250
    path = tmp / "bid.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    return ["render", str(path), "--draft", "-o", str(tmp / "out.docx")]


def _big_bid(tmp: Path) -> list[str]:
    text = DEMO_BID.read_text(encoding="utf-8") + "\n# " + "x" * 2_200_000 + "\n"
    return _bid_text(tmp, text)


def _empty_author(tmp: Path) -> list[str]:
    root = _library(tmp)
    return ["library", "new-version", "--library", str(root), str(_draft(tmp, "我公司承诺。")), "--author", " "]


SANDBOX = [
    "{{ 'a' * 10**9 }}", "{{ bidder * 10**9 }}", "{{ ([1] * 10**9) | length }}", "{{ 10**5000 }}", "{{ 1/0 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ lipsum(10**6) }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% set ns = namespace(s='a') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
    "{% include 'x' %}", "{% extends 'x' %}", "{% import 'x' as y %}", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
]

CASES = [
    Case("bid nested 100,000 deep", lambda tmp: _bid_text(tmp, "clauses: " + "[" * 100_000), (2,), "nest"),
    Case("bid nested 10,000 deep", lambda tmp: _bid_text(tmp, "clauses: " + "[" * 10_000), (2,), "nest"),
    Case("bid alias bomb", _bomb_bid, (2,), "alias"),
    Case("library alias bomb", _bomb_library, (2,)),
    Case("library file nested 100,000 deep", _nested_library, (2,)),
    Case("docx zip bomb", _tender("bomb.docx", _docx_bomb), (2,)),
    Case("tender FIFO", _tender("pipe.txt", _fifo), (2,)),
    Case("tender is a folder", lambda tmp: ["extract", str(tmp)], (2,)),
    Case("tender missing", lambda tmp: ["extract", str(tmp / "none.pdf")], (2,)),
    Case("tender 4 MB on one line", _tender("long.txt", _long_line), (0,)),
    Case("tender renamed .doc", _tender("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000), (2,)),
    Case("tender garbage pdf", _tender("x.pdf", b"%PDF-1.7\n" + os.urandom(3000)), (2,)),
    Case("tender binary", _tender("x.txt", bytes(range(256)) * 40), (2,)),
    Case("tender Big5", _tender("big5.txt", "質保期：三年，維修響應時間不超過兩小時。".encode("big5")), (0, 2)),
    Case("tender UTF-16 without BOM", _tender("u16.txt", "质保期不少于3年。\n".encode("utf-16-le")), (0,)),
    Case("symlinked category", _symlinked_category, (2,)),
    Case("new version hijacks an id", _hijack, (2,)),
    Case("crafted cache", _crafted_cache, (0,)),
    Case("105 clauses in one category", _many_clauses, (0, 1)),
    Case("project and number over 255 characters", _long_project, (0, 1)),
    Case("bid over 2 MB", _big_bid, (2,), "MB"),
    Case("author blank", _empty_author, (2,), "author"),
    Case("parameter -1", _demo_bid(_set_param("warranty-period", "warranty_period", "-1 year")), (1, 2)),
    Case("parameter NaN", _demo_bid(_set_param("warranty-period", "warranty_period", "nan year")), (1, 2)),
    Case("parameter inf", _demo_bid(_set_param("warranty-period", "warranty_period", "inf year")), (1, 2)),
    Case("parameter 1e308", _demo_bid(_set_param("warranty-period", "warranty_period", "1e308 year")), (1, 2)),
    Case("parameter unknown unit", _demo_bid(_set_param("warranty-period", "warranty_period", "5 fortnight")), (1, 2)),
    Case("missing clause", _demo_bid(lambda bid: bid["clauses"].append({"id": "no-such-clause", "version": 1})),
         (2,), "no-such-clause"),
    Case("template markup in a parameter value",
         _demo_bid(_set_param("service-contact", "channels", "{% if true %}热线{% endif %}")), (1, 2)),
] + [Case(f"clause text {text[:40]}", _new_version(text), (2,)) for text in SANDBOX]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_limited(args: list[str], cwd: Path) -> tuple[int, str, float, int]:
    """(exit status or -signal, stderr, seconds, peak resident bytes) of `python -m bidkit args`."""
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT), BIDKIT_LIBRARY=str(ROOT / "clause_library"))
    env.pop("BIDKIT_DEBUG", None)
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "bidkit", *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=_limits)
    timer = threading.Timer(SECONDS * 3, proc.kill)  # a hung run is killed, then fails on its time
    timer.start()
    err = io.BytesIO()
    try:
        shutil.copyfileobj(proc.stderr, err)
        _pid, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
        proc.returncode = 0  # reaped by wait4 above
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, err.getvalue().decode("utf-8", "replace"), time.monotonic() - start, usage.ru_maxrss * 1024


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    args = case.build(tmp_path)
    code, stderr, seconds, peak = run_limited(args, tmp_path)
    lines = stderr.strip().splitlines()
    assert code >= 0, f"killed by {signal.Signals(-code).name}: {stderr[-500:]}"
    assert "Traceback" not in stderr, stderr[-2000:]
    assert code in case.exits, f"exit {code}, expected {case.exits}: {stderr[-500:]}"
    assert len(lines) <= 1, f"{len(lines)} lines on stderr: {stderr[:500]}"
    assert not case.says or case.says.lower() in stderr.lower(), stderr
    assert seconds <= SECONDS, f"took {seconds:.1f} s"
    assert peak <= PEAK_BYTES, f"peak {peak / 2**20:.0f} MB"
    assert not (tmp_path / "owned").exists(), "a crafted cache ran code"
