"""The tender's own forms (issue 13): deviation-table forms and 售后服务承诺函 found in a tender, and our
偏离表 rendered in the chosen form's title and columns, blank where we have nothing."""
from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from bench import eval_extract
from bidkit import bidfile, cli
from bidkit.compose import compose
from bidkit.extract.forms import extract_tender_text, find_forms, map_columns
from bidkit.extract.read import read_tender
from bidkit.model import MAX_FORM_COLUMNS, Bid, FormColumn, TenderForm
from bidkit.render_docx import render_docx
from bidkit.render_html import render_html
from bidkit.yamlio import parse_model

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"
DOCUMENTS = eval_extract.SHARED_TENDERS / "documents"
needs_corpus = pytest.mark.skipif(
    not DOCUMENTS.is_dir(),
    reason=f"the real tender corpus is not beside this checkout ({DOCUMENTS} missing); the forms are read there")

D2_COLUMNS = ("序号", "重要性", "内容", "要求标准", "偏离情况（正偏离、负偏离、无偏离、不涉及）")


# The forms in the development corpus: file -> [(title, fields, choices, chosen)] in document order.
CORPUS_FORMS = {
    "D1.pdf": [("商务要求及合同条款偏离表", ["number", "ref", "requirement", "response", "status"],
                ["正偏离", "负偏离", "符合"], True),
               ("技术要求偏离表", ["number", "ref", "requirement", "response", "status"],
                ["正偏离", "负偏离", "符合"], False)],
    "D2.docx": [("技术需求偏离表", ["number", "mark", "topic", "requirement", "status"],
                 ["正偏离", "负偏离", "无偏离", "不涉及"], False),
                ("服务需求偏离表", ["number", "mark", "topic", "requirement", "status"],
                 ["正偏离", "负偏离", "无偏离", "不涉及"], True)],
    "D3.pdf": [("商务和技术偏差表", ["number", "ref", None, "note"], [], True)],
    "D4.docx": [],
    "D5.docx": [("要求应答表", ["number", "requirement", "response", "status"], [], True)],
}


@needs_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_FORMS))
def test_corpus_forms_are_found_and_mapped(name):
    forms = [f for f in find_forms(read_tender(DOCUMENTS / name)) if f.kind == "deviation"]
    assert [(f.title, [c.field for c in f.columns], f.choices, f.chosen) for f in forms] == CORPUS_FORMS[name]
    assert all(f.where is not None and f.where.file == name for f in forms)


# Column shapes real tenders use beyond the corpus: header -> our field.
SHAPES = [
    (("条目号", "招标文件要求", "投标文件响应", "偏离", "说明"), ["ref", "requirement", "response", "status", "note"]),
    (("序号", "商务条款", "招标要求", "投标响应", "偏离说明"), ["number", "topic", "requirement", "response", "note"]),
    (("编号", "招标文件条款号", "招标文件商务要求", "投标文件响应内容", "偏离情况", "备注"),
     ["number", "ref", "requirement", "response", "status", "note"]),
    (("序号", "项目", "招标文件要求", "投标人承诺", "是否偏离", "投标文件页码"),
     ["number", "topic", "requirement", "response", "status", None]),
    (("序号", "★", "技术参数", "实际响应", "偏差"), ["number", "mark", "requirement", "response", "status"]),
    (("序号", "采购需求", "响应情况", "偏离情况", "说明", "备注"),
     ["number", "requirement", "response", "status", "note", None]),
]


@pytest.mark.parametrize("headers, fields", SHAPES)
def test_columns_map_by_their_words(headers, fields):
    assert [c.field for c in map_columns(headers)] == fields


TENDER = """第六章 投标文件格式
五、技术偏离表
| 序号 | 条目号 | 技术参数 | 投标响应 | 偏离情况 |
| 1 | | | | |
六、售后服务偏离表（加盖公章）
项目编号：
| 序号 | 商务条款 | 招标要求 | 投标响应 | 偏离说明 |
| 1 | | | | |
七、售后服务承诺函
致：（采购人名称）
我公司承诺：质保期为____年，接到报修后____小时内到达现场。
投标人（盖章）：________
日期：____年____月____日
八、其他材料
"""


def test_a_text_tender_gives_its_forms_and_letter():
    forms = extract_tender_text(TENDER).forms
    tables = [f for f in forms if f.kind == "deviation"]
    assert [(f.title, f.chosen) for f in tables] == [("技术偏离表", False), ("售后服务偏离表", True)]
    letter, = [f for f in forms if f.kind == "letter"]
    assert letter.title == "售后服务承诺函"
    assert letter.text.splitlines()[1] == "我公司承诺：质保期为____年，接到报修后____小时内到达现场。"
    assert letter.text.splitlines()[-1].startswith("日期")


def test_forms_do_not_change_the_requirements():
    from bidkit.extract import extract_text

    assert extract_tender_text(TENDER).requirements == extract_text(TENDER)


def _bid_with(form: TenderForm) -> Bid:
    bid = bidfile.read(DEMO)
    bid.forms = [form]
    return bid



D2_FORM = TenderForm(title="服务需求偏离表", columns=map_columns(D2_COLUMNS),
                     choices=["正偏离", "负偏离", "无偏离", "不涉及"], chosen=True)


def test_the_chapter_renders_in_the_tenders_form(lib):
    chapter = compose(_bid_with(D2_FORM), lib)
    table = chapter.tables()[-1]
    assert (table.title, table.header) == ("服务需求偏离表", D2_COLUMNS)
    ours = compose(bidfile.read(DEMO), lib).tables()[-1]
    assert len(table.rows) == len(ours.rows)
    for row, old in zip(table.rows, ours.rows):
        number, mark, _topic, requirement, status = row
        assert (number, status) == (old[0], old[4])
        assert mark == ("★" if old[2].startswith("★") else "")
        assert requirement == old[2].removeprefix("★")
    document = docx.Document(io.BytesIO(render_docx(chapter)))
    assert [c.text for c in document.tables[-1].rows[0].cells] == list(D2_COLUMNS)
    headings = [p.text for p in document.paragraphs if p.text.endswith("偏离表")]
    assert headings and headings[-1].endswith("服务需求偏离表")
    html = render_html(chapter)
    assert "服务需求偏离表" in html and all(f"<th>{h}</th>" in html for h in D2_COLUMNS)


def test_without_a_form_the_table_is_ours(lib):
    table = compose(bidfile.read(DEMO), lib).tables()[-1]
    assert (table.title, table.header) == (
        "售后服务偏离表", ("序号", "招标文件条目号", "招标文件要求", "投标文件响应", "偏离情况", "说明"))
    assert table.widths == (0.7, 1.3, 2.6, 3.0, 1.1, 2.6) and table.centred == (0, 4)


def test_statuses_are_spelt_as_the_tender_lists_them_and_unknown_columns_stay_blank(lib):
    form = TenderForm(title="商务要求偏离表", chosen=True, choices=["正偏离", "负偏离", "符合"], columns=[
        FormColumn(header="序号", field="number"), FormColumn(header="投标文件页码"),
        FormColumn(header="偏离及影响", field="status")])
    rows = compose(_bid_with(form), lib).tables()[-1].rows
    ours = [r[4] for r in compose(bidfile.read(DEMO), lib).tables()[-1].rows]
    assert [r[2] for r in rows] == [{"无偏离": "符合"}.get(s, s) for s in ours]
    assert {r[1] for r in rows} == {""}


def test_a_form_without_a_status_column_says_it_in_its_note(lib):
    form = TenderForm(title="商务和技术偏差表", chosen=True, columns=map_columns(
        ("序号", "招标文件章节及条款号", "投标文件章节及条款号", "偏差说明")))
    rows = compose(_bid_with(form), lib).tables()[-1].rows
    ours = compose(bidfile.read(DEMO), lib).tables()[-1].rows
    assert [r[3].split("；")[0] for r in rows] == [r[4] for r in ours]


def test_old_bid_files_load_and_a_hostile_form_is_refused():
    assert bidfile.read(DEMO).forms == []
    wide = "forms:\n- title: 偏离表\n  columns:\n" + "  - {header: 列}\n" * (MAX_FORM_COLUMNS + 1)
    bid, problems = parse_model(wide, Bid)
    assert bid is None and f"over the {MAX_FORM_COLUMNS}-columns limit" in problems[0].message


def test_cli_extract_shows_the_forms(tmp_path, capsys):
    tender = tmp_path / "tender.md"
    tender.write_text(TENDER, encoding="utf-8")
    assert cli.main(["extract", str(tender), "--format", "json"]) == 0
    forms = json.loads(capsys.readouterr().out)["forms"]
    chosen, = [f for f in forms if f.get("chosen")]
    assert chosen["title"] == "售后服务偏离表"
    assert [c["header"] for c in chosen["columns"]] == ["序号", "商务条款", "招标要求", "投标响应", "偏离说明"]
    assert cli.main(["extract", str(tender)]) == 0
    assert "- {header: 偏离说明, field: note}" in capsys.readouterr().out
