"""The .xlsx export (issue 13, "Output people use"): findings, deviation table and score estimate as
one workbook, read back with openpyxl; `check --xlsx`; the compose page's download; and the bid
variables of a 暗标 bid (我公司, no hotline number), which keep the starter clauses from blocking."""
from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from bidkit import bidfile, commitments, export_xlsx
from bidkit.check import check
from bidkit.export_xlsx import MAX_CELL_CHARS, STAR_FILL, findings_workbook
from bidkit.extract import extract_scoring, text_blocks
from bidkit.extract.forms import map_columns
from bidkit.model import Requirement, TenderForm
from bidkit.score import score
from tests.conftest import DEMO_BID, ROOT

SCORING = """| 质保期 | 3 | 质保期在3年基础上每增加1年加1分，最高3分 |
| 响应时间 | 3 | 响应时间≤15分钟得3分，≤30分钟得2分，其余不得分 |
| 方案 | 5 | 售后服务方案完善得0-5分 |"""
FORM_HEADERS = ("序号", "★", "条目", "招标要求", "响应情况", "偏离说明")
NAME, HOTLINE = "广东粤信科技有限公司", "400-830-6618"


def _bid(**update):
    bid = bidfile.read(DEMO_BID)
    bid.scoring_rules = extract_scoring(text_blocks(SCORING.splitlines()))
    return bid.model_copy(update=update)


def _book(bid, lib) -> openpyxl.Workbook:
    data = findings_workbook(bid, lib, check(bid, lib), score(bid, lib))
    return openpyxl.load_workbook(io.BytesIO(data))


def _values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _texts(book) -> str:
    return "\n".join(str(v) for ws in book for row in _values(ws) for v in row if v is not None)


def test_three_sheets_in_chinese_with_a_frozen_filtered_header(lib):
    book = _book(_bid(), lib)
    assert book.sheetnames == ["检查结果", "偏离表", "评分自查"]
    headers = {ws.title: tuple(_values(ws)[0]) for ws in book}
    assert headers["检查结果"] == export_xlsx.FINDINGS_HEADER
    assert headers["偏离表"] == ("序号", "招标文件条目号", "招标文件要求", "投标文件响应", "偏离情况", "说明")
    assert headers["评分自查"] == export_xlsx.SCORE_HEADER
    for ws in book:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert all(c.font.b for c in ws[1])
    assert book.properties.creator == "bidkit"
    assert book.properties.title == "湛江市第一中学教学设备采购项目"


def test_the_sheets_hold_the_check_the_table_and_the_score(lib):
    bid = _bid()
    book = _book(bid, lib)
    result = check(bid, lib)
    findings = _values(book["检查结果"])[1:]
    assert len(findings) == len(result.findings)
    assert [r[6] for r in findings] == [f.message for f in result.findings]
    deviation = _values(book["偏离表"])[1:]
    assert len(deviation) == len(bid.requirements)
    assert deviation[0][2].startswith("★质保期")
    rows = {r[1]: r for r in _values(book["评分自查"])[1:]}
    assert rows["质保期"][3:8] == ["递增", "5年", 2, 3, 1]
    assert rows["质保期"][8] == "质保期改为6年可再得1分"
    assert rows["方案"][4:6] == [None, None] and rows["方案"][8] == "由评委评定，不作估算"
    assert rows[None][0] == "合计" and rows[None][5:8] == [4, 11, 7]  # 2 + 2 of 3 + 3 + 5


def test_star_rows_are_filled_and_keep_the_star(lib):
    bid = _bid()
    ws = _book(bid, lib)["偏离表"]
    for row, req in zip(ws.iter_rows(min_row=2), bid.requirements):
        filled = row[0].fill.fgColor.rgb.endswith(STAR_FILL.fgColor.rgb)
        assert filled == req.mandatory, req.text
        assert row[2].value.startswith("★") == req.mandatory
    findings = _book(bid, lib)["检查结果"]
    assert any(r[0].fill.fgColor.rgb.endswith(STAR_FILL.fgColor.rgb) for r in findings.iter_rows(min_row=2))


def test_column_widths_count_a_chinese_character_twice_and_long_columns_wrap(lib):
    ws = _book(_bid(), lib)["偏离表"]
    width = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    assert width["A"] == export_xlsx.MIN_COLUMN_WIDTH  # 序号
    assert width["C"] == width["D"] == export_xlsx.MAX_COLUMN_WIDTH  # requirement and response, capped
    assert ws["C2"].alignment.wrap_text and not ws["A2"].alignment.wrap_text
    assert ws.row_dimensions[2].height > export_xlsx.LINE_POINTS  # a wrapped row is as tall as its lines
    assert export_xlsx._width("质保期3年") == 9  # four CJK characters and a digit


def test_the_tenders_form_gives_the_deviation_sheet_its_columns(lib):
    form = TenderForm(title="服务需求偏离表", columns=map_columns(FORM_HEADERS), chosen=True)
    bid = _bid(forms=[form])
    ws = _book(bid, lib)["偏离表"]
    rows = _values(ws)
    assert tuple(rows[0]) == FORM_HEADERS
    assert rows[1][1] == "★" and not rows[1][3].startswith("★")
    assert rows[1][5].startswith("正偏离")  # no status column: 偏离说明 says it


def test_an_anonymous_workbook_names_no_bidder(lib):
    bid = _bid(anonymous=True)
    bid.decisions = []
    bid.requirements = bid.requirements + [Requirement(metric="other", op="present", text=f"联系{NAME}热线{HOTLINE}")]
    book = _book(bid, lib)
    text = _texts(book) + str(book.properties.title)
    assert NAME not in text and "粤信" not in text and HOTLINE not in text
    assert "＊＊＊" in text  # the requirement quoting them is masked, as the chapter's table is


def test_a_long_cell_is_cut_and_a_long_sheet_counted(lib, monkeypatch):
    bid = _bid(requirements=[Requirement(metric="other", op="present", text="长" * (MAX_CELL_CHARS + 100))])
    ws = _book(bid, lib)["偏离表"]
    cell = ws["C2"].value
    assert len(cell) == MAX_CELL_CHARS and cell.endswith("…")
    monkeypatch.setattr(export_xlsx, "MAX_SHEET_ROWS", 3)
    bid = _bid(requirements=[Requirement(metric="other", op="present", text=f"要求{i}") for i in range(5)])
    rows = _values(_book(bid, lib)["偏离表"])
    assert len(rows) == 1 + 3 + 1 and "另有 2 行未列出" in rows[-1][0]


def test_control_characters_pasted_from_word_do_not_break_the_workbook(lib):
    bid = _bid(project="湛江\x0b第一中学\x07项目")
    book = _book(bid, lib)
    assert book.properties.title == "湛江第一中学项目"


# ------------------------------------------------------------------ 暗标 variables

def test_an_anonymous_bid_prints_no_bidder_name_or_hotline(lib):
    bid = bidfile.read(DEMO_BID)
    assert commitments.bid_variables(bid)["bidder"] == NAME
    anonymous = bid.model_copy(update={"anonymous": True})
    variables = commitments.bid_variables(anonymous)
    assert (variables["bidder"], variables["hotline"]) == (commitments.ANONYMOUS_BIDDER, commitments.ANONYMOUS_HOTLINE)
    result = check(anonymous, lib)
    assert [f.message for f in result.findings if f.kind == "anonymous"] == []
    texts = "\n".join(c.text or "" for c in result.clauses)
    assert "我公司郑重承诺" in texts and HOTLINE not in texts and NAME not in texts


def test_a_clause_that_names_the_company_itself_still_blocks(lib, demo):
    clauses = [c.model_copy(update={"params": {**c.params, "service_manager": f"{NAME}售后部"}})
               if c.id == "service-contact" else c for c in demo.clauses]
    result = check(demo.model_copy(update={"anonymous": True, "clauses": clauses}), lib)
    assert [f.offer for f in result.findings if f.kind == "anonymous"] == [NAME]


# ------------------------------------------------------------------ command line

def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), BIDKIT_LIBRARY=str(ROOT / "clause_library"))
    env.pop("BIDKIT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "bidkit", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limits)


def test_cli_check_writes_the_workbook(tmp_path):
    out = tmp_path / "结果.xlsx"
    proc = _cli("check", str(DEMO_BID), "--xlsx", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith(f"wrote {out}")
    assert openpyxl.load_workbook(out).sheetnames == ["检查结果", "偏离表", "评分自查"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]  # written atomically
    proc = _cli("check", str(DEMO_BID), "--xlsx", str(out), "--format", "json", cwd=tmp_path)
    assert yaml.safe_load(proc.stdout)["xlsx"] == str(out)


@pytest.mark.parametrize("target, said", [
    ("out.txt", "error: --xlsx: the workbook's name must end in .xlsx"),
    ("missing/out.xlsx", "the folder does not exist"),
    ("folder.xlsx", "cannot be written: Is a directory"),
])
def test_cli_xlsx_errors_are_one_line(tmp_path, target, said):
    (tmp_path / "folder.xlsx").mkdir()
    proc = _cli("check", str(DEMO_BID), "--xlsx", str(tmp_path / target), cwd=tmp_path)
    assert proc.returncode == 2
    assert said in proc.stderr and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_cli_a_hostile_bid_makes_a_bounded_workbook(tmp_path):
    """A bid of nearly 2 MB in two requirements: each cell is cut at Excel's limit, the file stays
    small (the rows of a sheet are bounded too: test_a_long_cell_is_cut_and_a_long_sheet_counted)."""
    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    bid["requirements"] = [{"metric": "other", "op": "present", "text": "长" * 300_000} for _ in range(2)]
    path = tmp_path / "bid.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True, width=10 ** 9), encoding="utf-8")
    assert 1.5 * 1024 ** 2 < path.stat().st_size < 2 * 1024 ** 2
    out = tmp_path / "out.xlsx"
    proc = _cli("check", str(path), "--xlsx", str(out), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    book = openpyxl.load_workbook(out)
    assert max(len(str(c.value)) for ws in book for row in ws.iter_rows() for c in row) == MAX_CELL_CHARS
    assert out.stat().st_size < 200 * 1024


# ------------------------------------------------------------------ compose page

@pytest.fixture
def deferred(monkeypatch) -> dict:
    """The compose page's downloads by file name, each the callable the app builds it with when
    clicked (what AppTest does not do)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    built = {}
    add = MediaFileManager.add_deferred

    def recorded(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        built[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recorded)
    return built


def test_the_compose_page_offers_the_workbook(app_env, deferred):
    from tests.test_app_compose_flows import open_app

    at = open_app()
    button = next(d for d in at.get("download_button") if d.proto.label == "下载检查结果、偏离表和评分自查（Excel）")
    assert not button.proto.disabled
    name = "ZJCG-2026-0142.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(deferred[name]()))
    assert book.sheetnames == ["检查结果", "偏离表", "评分自查"]


def test_the_workbook_words_the_findings_as_the_page_does(app_env, deferred, monkeypatch):
    """A bid with a value over a clause's maximum: the 检查结果 sheet says it as the page does,
    in Chinese (the check's own message for the command line mixes in English)."""
    from tests.test_app_compose_flows import open_app

    bid = yaml.safe_load(DEMO_BID.read_text(encoding="utf-8"))
    for clause in bid["clauses"]:
        if clause["id"] == "warranty-period":
            clause["params"] = {"warranty_period": "15 year"}
    path = app_env / "over.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("BIDKIT_BID", str(path))
    open_app()
    [name] = [n for n in deferred if n.endswith(".xlsx")]
    book = openpyxl.load_workbook(io.BytesIO(deferred[name]()))
    messages = [row[-1] for row in _values(book["检查结果"])]
    assert "“质保期承诺” v2：“质保期”为 15年，超过上限 120个月" in messages, messages
    assert not any("is above" in str(m) for m in messages)
