"""`python -m bidkit` on inputs that used to end in a traceback or a wrong message: each run ends with
its exit code and at most one line on stderr, never a traceback; an internal error exits 3.

The encrypted PDFs in tests/encrypted_pdfs were made from a one-page PDF of tests/build_fixtures.py
with qpdf: `qpdf --encrypt "" owner-pw 128 --use-aes=y -- plain.pdf aes128-open.pdf` (and 256;
"user-pw" for the -password ones).
"""
from __future__ import annotations

import codecs
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from bidkit import bidfile, cli, workspace
from bidkit.compose import chinese_ordinal
from bidkit.errors import BidError, ExtractError
from bidkit.extract.read import _decode, read_tender
from bidkit.settings import sign_in_configured
from bidkit.userfile import megabytes, read_user_file

ROOT = Path(__file__).resolve().parent.parent
DEMO_BID = ROOT / "examples" / "demo-bid.yaml"
PDFS = Path(__file__).parent / "encrypted_pdfs"
TENDER = ("第三章 售後服務要求\n★1. 質保期：所投全部設備須提供不少於3年的原廠免費質保服務。\n"
          "2. 接到報修通知後30分鐘內響應。\n")


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], list[str]]  # makes the files in a folder, returns the command's arguments
    exit: int
    says: tuple[str, ...] = ()          # what the one line on stderr holds (or stdout, for exit 0)


# ------------------------------------------------------------------ building blocks

def _demo(**changes) -> dict:
    data = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _write_bid(tmp: Path, data: dict, name: str = "bid.yaml") -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _check(bid: Path) -> list[str]:
    return ["check", str(bid), "--library", str(ROOT / "clause_library")]


def _requirement(value, unit="year") -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        data = _demo()
        data["requirements"][0] = dict(data["requirements"][0], value=value, unit=unit)
        return _check(_write_bid(tmp, data))
    return build


def _fifo(name: str, command: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        os.mkfifo(tmp / name)
        return command(tmp / name)
    return build


def _folder(name: str, command: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / name).mkdir()
        return command(tmp / name)
    return build


def _render(bid: Path, tmp: Path, *more: str) -> list[str]:
    return ["render", str(bid), "-o", str(tmp / "out.docx"), "--draft", "--library", str(ROOT / "clause_library"),
            *more]


def _new_version(text: str, based_on: int = 2, **more) -> Callable[[Path], list[str]]:
    """A new version of warranty-period (which has v1 and v2) in a copy of the library."""
    def build(tmp: Path) -> list[str]:
        shutil.copytree(ROOT / "clause_library", tmp / "lib")
        draft = {"id": "warranty-period", "category": "warranty", "based_on": based_on, "title": "质保期",
                 **more, "text": text}
        (tmp / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return ["library", "new-version", str(tmp / "draft.yaml"), "--author", "王芳", "--library", str(tmp / "lib")]
    return build


def _many_clauses(tmp: Path) -> list[str]:
    """120 clauses in one category, all chosen: headings （一百二十） and beyond."""
    lib = tmp / "lib"
    shutil.copytree(ROOT / "clause_library", lib)
    source = (lib / "commitment" / "general-commitment" / "v1.yaml").read_text(encoding="utf-8")
    data = _demo()
    for n in range(1, 121):
        folder = lib / "commitment" / f"extra-{n}"
        folder.mkdir()
        (folder / "v1.yaml").write_text(source.replace("id: general-commitment", f"id: extra-{n}"), encoding="utf-8")
        data["clauses"].append({"id": f"extra-{n}", "version": 1, "params": {"free_service": True}})
    return ["render", str(_write_bid(tmp, data)), "-o", str(tmp / "out.docx"), "--draft", "--library", str(lib)]


def _review(reviewer: str) -> Callable[[Path], list[str]]:
    """Sign-in configured (an [auth] section in the secrets of the folder the command runs in) and
    one reviewer listed in the settings."""
    def build(tmp: Path) -> list[str]:
        shutil.copytree(ROOT / "clause_library", tmp / "lib")
        (tmp / ".streamlit").mkdir()
        (tmp / ".streamlit" / "secrets.toml").write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
        return ["library", "approve", "complaint-handling", "2", "--reviewer", reviewer, "--library", str(tmp / "lib")]
    return build


def _tender(name: str, data: bytes) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        (tmp / name).write_bytes(data)
        return ["extract", str(tmp / name)]
    return build


def _copy_pdf(name: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        shutil.copy(PDFS / name, tmp / name)
        return ["extract", str(tmp / name)]
    return build


def _deep_bid(tmp: Path) -> list[str]:
    (tmp / "deep.yaml").write_text("project: " + "[" * 10_000 + "]" * 10_000 + "\n", encoding="utf-8")
    return _check(tmp / "deep.yaml")


def _big_bid(tmp: Path) -> list[str]:
    path = tmp / "big.yaml"
    path.write_bytes(b"project: x\n" + b"#" * int(2.05 * 1024 * 1024) + b"\n")
    return _check(path)


CASES = [
    Case("AES-128 PDF without a password is read", _copy_pdf("aes128-open.pdf"), 0, ("warranty_period",)),
    Case("AES-256 PDF without a password is read", _copy_pdf("aes256-open.pdf"), 0, ("warranty_period",)),
    Case("AES-128 PDF with a password", _copy_pdf("aes128-password.pdf"), 2, ("password-protected",)),
    Case("AES-256 PDF with a password", _copy_pdf("aes256-password.pdf"), 2, ("password-protected",)),
    Case("a folder as the bid", _folder("bid.yaml", _check), 2, ("bid.yaml", "folder")),
    Case("a FIFO as the bid", _fifo("bid.yaml", _check), 2, ("bid.yaml", "not a regular file")),
    Case("a FIFO as the tender", _fifo("t.txt", lambda p: ["extract", str(p)]), 2, ("not a regular file",)),
    Case("a FIFO as the new version", _fifo("new.yaml", lambda p: ["library", "new-version", str(p), "--author", "a"]),
         2, ("new.yaml", "not a regular file")),
    Case("a FIFO as the house style", lambda tmp: _fifo("s.docx", lambda p: _render(DEMO_BID, tmp, "--style", str(p)))(tmp),
         2, ("s.docx", "not a regular file")),
    Case("a folder as the house style", lambda tmp: _folder("s.docx", lambda p: _render(DEMO_BID, tmp, "--style", str(p)))(tmp),
         2, ("s.docx", "folder")),
    Case("project and number over 255 characters",
         lambda tmp: _render(_write_bid(tmp, _demo(project="项" * 200, project_number="N" * 100)), tmp), 0, ("wrote",)),
    Case("120 clauses in one category", _many_clauses, 0, ("wrote",)),
    Case("an empty --author", lambda tmp: _new_version("x")(tmp)[:-4] + ["--author", "", "--library", str(tmp / "lib")],
         2, ("--author", "empty")),
    Case("a blank --reviewer", lambda tmp: ["library", "approve", "complaint-handling", "2", "--reviewer", " "], 2,
         ("--reviewer", "empty")),
    Case("a bid nested 10,000 deep", _deep_bid, 2, ("deep.yaml",)),
    Case("a bid of 2.1 MB", _big_bid, 2, ("2.1 MB", "2.0 MB limit")),
    Case("a Big5 tender", _tender("big5.txt", TENDER.encode("big5")), 0, ("质保期", "unit: year")),
    Case("a UTF-16-LE tender without BOM", _tender("le.txt", TENDER.encode("utf-16-le")), 0, ("质保期",)),
    Case("a Shift-JIS tender", _tender("sjis.txt", ("保証期間は3年以上とする。応答時間は30分以内。" * 3).encode("shift_jis")),
         2, ("sjis.txt", "neither UTF-8 nor GBK/GB18030 nor Big5")),
    Case("a requirement in an unknown unit", _requirement(3, "parsec"), 2, ("bid.yaml:", "requirements.0", "unknown unit")),
    Case("a requirement of -1", _requirement(-1), 2, ("bid.yaml:", "requirements.0", "negative")),
    Case("a requirement of NaN", _requirement(float("nan")), 2, ("bid.yaml:", "requirements.0", "not a quantity")),
    Case("a requirement of inf", _requirement(float("inf")), 2, ("bid.yaml:", "requirements.0", "not a quantity")),
    Case("a requirement of 1e308", _requirement(1e308), 2, ("bid.yaml:", "requirements.0", "not a quantity")),
    Case("a clause not in the library",
         lambda tmp: _check(_write_bid(tmp, _demo(clauses=_demo()["clauses"] + [{"id": "no-such", "version": 1}]))),
         2, ("bid.yaml:", "clauses[", "no-such")),
    Case("a version not in the library",
         lambda tmp: _check(_write_bid(tmp, _demo(clauses=[{"id": "warranty-period", "version": 99}]))),
         2, ("bid.yaml:", "clauses[0]", "no version 99")),
    Case("a new version whose text uses an undeclared name", _new_version("质保{{ nope }}"), 2,
         ("draft.yaml:5", "nope")),
    Case("a new version with a NaN default",
         _new_version("质保{{ years }}", params={"years": {"label": "年", "type": "duration", "default": float("nan")}}),
         2, ("draft.yaml:", "default")),
    Case("a new version based on a stale version", _new_version("质保三年", based_on=1), 1, ("draft.yaml:3", "based_on")),
    Case("approve by a reviewer not in the settings, with sign-in", _review("mallory@example.com"), 2,
         ("--reviewer", "not one of the reviewers")),
    Case("approve by a listed reviewer, with sign-in", _review("LEGAL@example.com"), 0, ("approved by",)),
]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BIDKIT_LIBRARY": str(ROOT / "clause_library"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "bidkit", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=60, preexec_fn=_limits)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input_ends_in_one_line(case: Case, tmp_path: Path):
    settings = tmp_path / "settings.yaml"
    settings.write_text("reviewers: [legal@example.com]\n", encoding="utf-8")
    p = run(case.build(tmp_path), cwd=tmp_path, env={"BIDKIT_SETTINGS": str(settings), "HOME": str(tmp_path)})
    assert "Traceback" not in p.stderr
    assert p.returncode == case.exit, p.stderr
    assert len(p.stderr.splitlines()) <= 1, p.stderr
    said = p.stderr if case.exit else p.stdout
    for words in case.says:
        assert words.lower() in said.lower(), said[:2000]
    if case.exit == 2 and case.name.startswith("a new version"):
        assert "v3.yaml" not in p.stderr  # the input file is named, not the version it would have been


# ------------------------------------------------------------------ internal errors

@pytest.mark.parametrize("error", [RuntimeError("boom\nsecond line"), MemoryError(), RecursionError("too deep"),
                                   KeyError("x")])
def test_an_internal_error_exits_3_with_one_line(error, monkeypatch, capsys):
    def crash(*args, **kwargs):
        raise error
    monkeypatch.setattr(cli.check, "check", crash)
    monkeypatch.delenv(cli.DEBUG_VARIABLE, raising=False)
    assert cli.main(["check", str(DEMO_BID)]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("internal error: " + type(error).__name__)
    assert "BIDKIT_DEBUG=1" in err


def test_an_internal_error_in_a_process_has_no_traceback_unless_asked(tmp_path):
    script = ("import sys; from bidkit import cli, check\n"
              "def crash(*a, **k): raise ZeroDivisionError('division by zero')\n"
              "cli.check.check = crash\n"
              f"sys.exit(cli.main(['check', {str(DEMO_BID)!r}]))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BIDKIT_DEBUG", None)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert (p.returncode, "Traceback" in p.stderr, len(p.stderr.splitlines())) == (3, False, 1), p.stderr
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={**env, "BIDKIT_DEBUG": "1"})
    assert "Traceback" in p.stderr and "ZeroDivisionError" in p.stderr


@pytest.mark.parametrize("args", [["library", "new-version", "x.yaml", "--author", " \t"],
                                  ["library", "retire", "x", "1", "--reviewer", ""]])
def test_a_blank_name_is_refused_before_anything_is_read(args, capsys):
    assert cli.main(args) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip().endswith("is empty: give the person's name")


def test_help_lists_the_exit_codes():
    text = cli.build_parser().format_help()
    for line in ("0  success", "1  the bid has blocking findings", "2  bad input", "3  an internal error"):
        assert line in text


def test_a_file_without_permission_is_one_line(monkeypatch, capsys, tmp_path):
    """Tests may run as root, who reads anything: here the system call itself refuses."""
    tender = tmp_path / "t.txt"
    tender.write_text(TENDER, encoding="utf-8")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path) in (DEMO_BID, tender):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse)
    assert cli.main(["check", str(DEMO_BID)]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err.strip() == f"error: {DEMO_BID}: cannot be read: Permission denied"
    with pytest.raises(ExtractError, match="cannot be read: Permission denied"):
        read_tender(tender)


# ------------------------------------------------------------------ the pieces behind them

@pytest.mark.parametrize("n, words", [
    (1, "一"), (10, "十"), (12, "十二"), (21, "二十一"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (119, "一百一十九"), (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"),
    (10000, "一万"), (10010, "一万零一十"), (12345, "一万二千三百四十五"), (100000, "十万"),
    (100000001, "一亿零一"),
])
def test_chinese_ordinal_of_any_count(n, words):
    assert chinese_ordinal(n) == words


@pytest.mark.parametrize("name", ["𠀀" * 80, "项" * 81, "a" * 200, "𠀀" * 79 + "甲"])
def test_a_long_name_is_cut_by_bytes_and_stays_unique(name, tmp_path):
    stem = workspace.file_stem(name)
    assert len(stem.encode()) <= workspace.MAX_STEM_BYTES and len(stem) <= workspace.MAX_STEM_CHARS
    assert workspace.file_stem(stem) == stem          # a saved bid saves back to its own file
    assert stem[:3] == workspace.file_stem(name[:3])  # still readable
    folders = workspace.Folders(tmp_path / "lib", tmp_path / "templates", tmp_path / "ws")
    saved = workspace.save_bid(folders, bidfile.read(DEMO_BID), name)
    assert saved.path.exists()


def test_two_long_names_that_differ_at_the_end_keep_two_files():
    assert workspace.file_stem("𠀀" * 80 + "甲") != workspace.file_stem("𠀀" * 80 + "乙")


def test_short_names_keep_their_file_names():
    assert workspace.file_stem("湛江一中 2026/投标") == "湛江一中-2026-投标"


@pytest.mark.parametrize("data", [
    TENDER.encode("utf-8"), codecs.BOM_UTF8 + TENDER.encode("utf-8"), TENDER.encode("utf-16"),
    TENDER.encode("utf-16-le"), TENDER.encode("utf-16-be"), TENDER.encode("big5"), TENDER.encode("gb18030"),
    "第三章 售后服务要求\n质保期不少于3年。\n".encode("gb18030"), "质保期不少于3年。\n".encode("utf-16-le"),
], ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be", "big5", "gb18030-traditional", "gb18030",
        "utf-16-le-one-line"])
def test_every_chinese_encoding_is_read_as_written(data):
    text = _decode(data, "t.txt")
    assert "質保期" in text or "质保期" in text


def test_binary_is_still_refused():
    with pytest.raises(ExtractError, match="binary"):
        _decode(bytes(range(256)) * 40, "t.txt")


@pytest.mark.parametrize("size, shown", [(2 * 1024 * 1024, "2.0 MB"), (2 * 1024 * 1024 + 1, "2.1 MB"),
                                         (int(2.1 * 1024 * 1024), "2.1 MB"), (512 * 1024, "0.5 MB")])
def test_sizes_are_said_with_one_decimal_never_rounded_down_to_the_limit(size, shown):
    assert megabytes(size) == shown


def test_read_user_file_refuses_past_its_limit(tmp_path):
    (tmp_path / "x").write_bytes(b"x" * 11)
    with pytest.raises(BidError, match="over the"):
        read_user_file(tmp_path / "x", 10, BidError)
    assert read_user_file(tmp_path / "x", 11, BidError) == b"x" * 11


def test_sign_in_configured_reads_the_auth_section(tmp_path):
    secrets = tmp_path / "secrets.toml"
    assert not sign_in_configured([secrets])
    secrets.write_text("[other]\nx = 1\n")
    assert not sign_in_configured([secrets])
    secrets.write_text('[auth]\nredirect_uri = "x"\n')
    assert sign_in_configured([secrets])
