"""Evidence: every extracted requirement says where it was read (file, page, paragraph, table and
row, line) and the section heading it stands under, through the CLI's JSON/YAML and the bid file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
import yaml

from bidkit import bidfile, cli, extract
from bidkit.extract.location import Location
from bidkit.extract.merge import Found, merge
from bidkit.extract.outline import section_title
from bidkit.model import Bid, Requirement, Where

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-tender.txt"
PASSAGES = ROOT / "tests" / "extract_passages"


def _line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _find(reqs: list[Requirement], metric: str) -> Requirement:
    return next(r for r in reqs if r.metric == metric)


# ---------------------------------------------------------------- text

def test_text_requirements_carry_their_line_and_section():
    """A pasted text has no file name: each requirement gives its line and the heading above it."""
    text = DEMO.read_text(encoding="utf-8")
    reqs = extract.extract_text(text)
    warranty = _find(reqs, "warranty_period")
    assert warranty.where == Where(line=_line_of(text, "★质保期：所投全部设备"))
    assert warranty.section == "售后服务要求"
    assert _find(reqs, "complaint_response").where.line == _line_of(text, "投诉处理：")
    assert all(r.where is not None and r.where.line for r in reqs)


def test_merged_restatement_keeps_the_first_place():
    """质保期 stated in 售后服务要求 and again in the scoring table: one requirement, both refs,
    the where and section of the first place."""
    text = DEMO.read_text(encoding="utf-8")
    warranty = _find(extract.extract_text(text), "warranty_period")
    assert warranty.ref == "第三章 二、1；第四章 三、1"
    assert warranty.where.line == _line_of(text, "★质保期：所投全部设备")
    assert warranty.section == "售后服务要求"


def test_merge_keeps_where_and_section_of_the_first_found():
    first = Found("warranty_period", ">=", 3, "year", True, "质保期3年", "一、1",
                  where=Location("a.pdf", page=2), section="售后服务")
    again = Found("warranty_period", ">=", 3, "year", False, "质保期3年", "三、1",
                  where=Location("a.pdf", page=9), section="评分标准")
    [req] = merge([first, again], [])
    assert req.ref == "一、1；三、1"
    assert req.where == Where(file="a.pdf", page=2)
    assert req.section == "售后服务"


def test_text_file_gives_its_name_not_its_path(tmp_path):
    path = tmp_path / "招标文件节选.txt"
    path.write_text("二、售后服务要求\n1. 质保期不少于3年。\n2. 接到报修后2小时内到达现场。\n", encoding="utf-8")
    reqs = extract.extract_file(path)
    assert _find(reqs, "warranty_period").where == Where(file="招标文件节选.txt", line=2)
    assert _find(reqs, "onsite_arrival").where == Where(file="招标文件节选.txt", line=3)
    assert {r.section for r in reqs} == {"售后服务要求"}
    assert str(tmp_path) not in json.dumps(extract.requirements_json(reqs), ensure_ascii=False)


def test_table_rows_of_a_text_give_their_line(tmp_path):
    text = "售后服务要求\n\n| 序号 | 内容 |\n|---|---|\n| 1 | 质保期不少于5年 |\n| 2 | 2小时内响应 |\n"
    reqs = extract.extract_text(text)
    assert _find(reqs, "warranty_period").where.line == 5
    assert _find(reqs, "response_time").where.line == 6


# ---------------------------------------------------------------- sections

@pytest.mark.parametrize("heading, section", [
    ("★售后服务要求", "售后服务要求"),
    ("售后服务要求：", "售后服务要求"),
    ("商务部分评分（满分30分）", "商务部分评分"),
    ("售后服务（含培训）要求", "售后服务（含培训）要求"),
    ("XX市政府采购招标文件", ""),      # a running header
    ("招 标 文 件", ""),
    ("第 3 页", ""),
    ("- 12 -", ""),
    ("质保期：3年", ""),                # an item, not a title
    ("序号 内容", ""),                  # a table header read as a line
    ("分)", ""),                        # the end of a wrapped parenthesis
    ("很长" * 16, ""),
])
def test_section_title_is_cleaned(heading, section):
    assert section_title(heading) == section


def test_section_follows_the_outline():
    """A requirement's section is its nearest heading: a new chapter's items are not under the old one."""
    text = ("第三章 采购需求\n一、售后服务要求\n1. 质保期不少于3年。\n"
            "第四章 评分标准\n1. 响应时间不超过2小时的得2分。\n")
    reqs = extract.extract_text(text)
    assert _find(reqs, "warranty_period").section == "售后服务要求"
    assert _find(reqs, "response_time").section == "评分标准"


# ---------------------------------------------------------------- .docx and .pdf

def _docx(path: Path) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("售后服务要求", level=1)
    document.add_paragraph("1. 质保期：设备质保期不少于3年。")
    document.add_paragraph("2. 培训：提供不少于2天的操作培训。")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(table.rows, [("序号", "要求"), ("1", "接到报修后30分钟内响应"),
                                       ("2", "4小时内到达现场")]):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    document.save(path)
    return path


def test_docx_requirements_give_paragraph_and_table_row(tmp_path):
    reqs = extract.extract_file(_docx(tmp_path / "tender.docx"))
    warranty = _find(reqs, "warranty_period")
    training = _find(reqs, "training")
    assert warranty.where.file == "tender.docx"
    assert warranty.where.paragraph is not None and warranty.where.table is None
    assert training.where.paragraph == warranty.where.paragraph + 1
    response = _find(reqs, "response_time")
    arrival = _find(reqs, "onsite_arrival")
    assert (response.where.table, response.where.row) == (1, 2)   # the header is row 1
    assert (arrival.where.table, arrival.where.row) == (1, 3)
    assert {r.section for r in reqs} == {"售后服务要求"}


def test_pdf_requirements_give_their_page():
    pdf = PASSAGES / "10.pdf"
    reqs = extract.extract_file(pdf)
    assert reqs
    assert all(r.where is not None and r.where.file == "10.pdf" for r in reqs)
    assert all(r.where.page and r.where.page >= 1 for r in reqs)


# ---------------------------------------------------------------- output

def test_requirements_json_names_only_the_set_fields():
    reqs = [Requirement(metric="warranty_period", op=">=", value=3, unit="year", text="质保期3年",
                        ref="二、1", where=Where(file="a.pdf", page=3), section="售后服务要求"),
            Requirement(metric="other", op="present", text="须提供原厂授权")]
    with_where, without = extract.requirements_json(reqs)["requirements"]
    assert with_where["where"] == {"file": "a.pdf", "page": 3}
    assert with_where["section"] == "售后服务要求"
    assert "where" not in without and "section" not in without
    assert list(without) == ["metric", "op", "value", "unit", "mandatory", "text", "ref"]


def test_cli_extract_prints_where_and_section(capsys):
    assert cli.main(["extract", str(DEMO), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["requirements"]
    warranty = next(r for r in rows if r["metric"] == "warranty_period")
    assert warranty["where"] == {"file": "demo-tender.txt",
                                 "line": _line_of(DEMO.read_text(encoding="utf-8"), "★质保期：所投全部设备")}
    assert warranty["section"] == "售后服务要求"
    assert warranty["ref"] == "第三章 二、1；第四章 三、1"


def test_cli_extract_yaml_prints_a_place_on_one_line(capsys):
    assert cli.main(["extract", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "  where: {file: demo-tender.txt, line: " in out
    assert "  section: 售后服务要求" in out
    rows = yaml.safe_load(out)["requirements"]
    assert all(set(r["where"]) == {"file", "line"} for r in rows)


def test_bid_file_keeps_where_and_section(tmp_path):
    bid = Bid(requirements=extract.extract_text(DEMO.read_text(encoding="utf-8")))
    bid.requirements.append(Requirement(metric="other", op="present", text="手工添加"))
    path = tmp_path / "bid.yaml"
    path.write_bytes(bidfile.to_yaml(bid))
    again = bidfile.read(path)
    assert again.requirements == bid.requirements
    assert again.requirements[0].where.line and again.requirements[0].section == "售后服务要求"
    assert again.requirements[-1].where is None


def test_old_bid_files_without_evidence_still_load():
    bid = bidfile.read(ROOT / "examples" / "demo-bid.yaml")
    assert all(r.section == "" for r in bid.requirements if r.where is None)


# ---------------------------------------------------------------- wording

@pytest.fixture
def language():
    def use(code: str) -> None:
        st.session_state["lang"] = code
    yield use
    st.session_state.pop("lang", None)


@pytest.mark.parametrize("where, zh, en", [
    (Where(page=3), "第3页", "p. 3"),
    (Where(paragraph=12), "第12段", "para. 12"),
    (Where(table=2, row=4), "表2 第4行", "table 2, row 4"),
    (Where(line=15), "第15行", "line 15"),
    (Where(page=5, line=15), "第5页 第15行", "p. 5, line 15"),
    (None, "", ""),
])
def test_where_is_worded_in_the_ui_language(language, where, zh, en):
    from ui.evidence import where_label

    language("zh")
    assert where_label(where) == zh
    language("en")
    assert where_label(where) == en


def test_where_names_the_file_only_when_asked(language):
    from ui.evidence import several_files, where_label

    language("zh")
    where = Where(file="D1.pdf", page=3)
    assert where_label(where) == "第3页"
    assert where_label(where, with_file=True) == "D1.pdf 第3页"
    assert where_label(Where(file="/srv/uploads/D1.pdf", page=3), with_file=True) == "D1.pdf 第3页"
    one = [Requirement(metric="other", op="present", where=where)] * 2
    assert not several_files(one)
    assert several_files(one + [Requirement(metric="other", op="present", where=Where(file="D2.docx"))])


def test_section_counts_in_order_of_first_appearance():
    from ui.evidence import section_counts

    reqs = [Requirement(metric="warranty_period", op="present", section="售后"),
            Requirement(metric="other", op="present", section="评分"),
            Requirement(metric="other", op="present", section="售后")]
    counts = section_counts(reqs)
    assert [(c.section, c.found, c.to_check) for c in counts] == [("售后", 2, 1), ("评分", 1, 1)]



_PAGED = ("XX市政府采购项目招标文件\n"
          "三、售后服务要求\n"
          "1. 中标人须提供不少于3年的免费质保服务。\n"
          "第 12 页 共 40 页\n"
          "XX市政府采购项目招标文件\n"
          "2. 接到报修后，中标人须在30分钟内响应。\n"
          "- 13 -\n"
          "XX市政府采购项目招标文件\n"
          "3. 质保期内每季度回访一次。\n"
          "14\n"
          "XX市政府采购项目招标文件\n"
          "4. 提供7×24小时服务。\n")


def test_a_running_header_copied_with_its_pages_is_no_heading() -> None:
    """Text copied from a PDF keeps the header of every page beside the page's number: it is
    dropped, as the page numbers are, so that no ref reads 三、XX市政府采购项目招标文 2."""
    reqs = extract.extract_text(_PAGED)
    assert [r.ref for r in reqs] == ["三、1", "三、2", "三、3", "三、4"]
    assert [r.where.line for r in reqs] == [3, 6, 9, 12]


def test_a_repeated_line_away_from_the_page_numbers_is_kept() -> None:
    """A heading each lot repeats is content, wherever the page numbers fall."""
    lot = "一、售后服务要求\n1. 质保期不少于3年。\n2. 接到报修后2小时内到达现场。\n3. 提供备用机。\n"
    text = "".join(f"第{n}包\n{lot}第 {n} 页\n" for n in range(1, 5))
    assert [(r.metric, r.ref, r.section) for r in extract.extract_text(text)] == [
        ("warranty_period", "一、1", "售后服务要求"), ("onsite_arrival", "一、2", "售后服务要求"),
        ("substitute_equipment", "一、3", "售后服务要求")]
