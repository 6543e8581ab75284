"""Tender -> requirements: the sample passages scored as score_extract.py scores them, the rules
one by one, every bad input, the file formats, and a fuzz test that extraction never raises."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidkit import extract
from bidkit.errors import ExtractError
from bidkit.extract.location import Location
from bidkit.extract import Block, extract_file, extract_text, read_tender, requirements_json

import build_fixtures
from bench import eval_extract

HERE = Path(__file__).parent
OWN = HERE / "extract_passages"
SHARED = HERE / "extract_samples"  # a copy of ../shared/samples, so CI has them on any checkout
HELD_OUT = HERE / "extract_heldout"  # written without reading the extractor; see its README
HELD_OUT_2 = HERE / "extract_heldout2"  # a second such set; see its README
SUFFIXES = (".txt", ".md", ".docx", ".pdf")


# ---------------------------------------------------------------- scoring, as score_extract.py

def score(path: Path) -> tuple[int, int, int, list, list]:
    """(found, expected, extracted, misses, extras) for one passage, matched as the scorer does."""
    s = eval_extract.score_file(path)
    return s.found, s.expected, s.extracted, s.misses, s.spurious


def passages() -> list[Path]:
    out = []
    for folder in (SHARED, OWN, HELD_OUT, HELD_OUT_2):
        if folder.is_dir():
            out += [p for p in sorted(folder.iterdir())
                    if p.suffix in SUFFIXES and p.with_suffix(".expected.yaml").exists()]
    return out


@pytest.mark.parametrize("path", passages(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_passage(path: Path) -> None:
    tp, n_exp, n_pred, misses, extras = score(path)
    assert n_exp == 0 or tp / n_exp >= 0.75, f"missed {misses}"
    assert n_pred == 0 or tp / n_pred >= 0.75, f"spurious {extras}"


def test_passages_overall_recall_and_precision() -> None:
    assert len([p for p in passages() if p.parent == OWN]) >= 12
    assert len([p for p in passages() if p.parent == SHARED]) == 4
    tp = n_exp = n_pred = 0
    for path in passages():
        a, b, c, _, _ = score(path)
        tp, n_exp, n_pred = tp + a, n_exp + b, n_pred + c
    assert tp / n_exp >= 0.9, f"recall {tp}/{n_exp}"
    assert tp / n_pred >= 0.9, f"precision {tp}/{n_pred}"


# ---------------------------------------------------------------- rules

def reqs(text: str) -> list[tuple]:
    return [(r.metric, r.op, r.value, r.unit, r.mandatory) for r in extract_text(text)]


def one(text: str, metric: str):
    found = [r for r in extract_text(text) if r.metric == metric]
    assert len(found) == 1, found
    return found[0]


def test_compound_sentence_gives_one_requirement_per_clause() -> None:
    assert reqs("接到通知后30分钟内响应，2小时内到达现场，24小时内排除故障。") == [
        ("response_time", "<=", 30, "minute", False),
        ("onsite_arrival", "<=", 2, "hour", False),
        ("repair_completion", "<=", 24, "hour", False),
    ]


def test_condition_belongs_to_the_substitute_it_triggers() -> None:
    got = reqs("72小时内修复；72小时内不能修复的，须免费提供不低于原设备性能的备用设备。")
    assert got == [("repair_completion", "<=", 72, "hour", False),
                   ("substitute_equipment", "<=", 72, "hour", False)]
    assert reqs("乙方维修时间超过3天的，须提供同等规格的代用设备。") == [
        ("substitute_equipment", "<=", 3, "day", False)]


@pytest.mark.parametrize("text, metric, op, value, unit", [
    ("质保期不少于五年", "warranty_period", ">=", 5, "year"),
    ("质保期24个月", "warranty_period", ">=", 24, "month"),
    ("整机质保叁年", "warranty_period", ">=", 3, "year"),
    ("质保期不少于３６个月", "warranty_period", ">=", 36, "month"),
    ("半小时内到达现场", "onsite_arrival", "<=", 30, "minute"),
    ("一个半小时内到达现场", "onsite_arrival", "<=", 90, "minute"),
    ("质保期两年半", "warranty_period", ">=", 30, "month"),
    ("两小时内响应", "response_time", "<=", 2, "hour"),
    ("故障修复时间不超过5个工作日", "repair_completion", "<=", 5, "workday"),
    ("2小时到达现场", "onsite_arrival", "<=", 2, "hour"),
    ("响应时间：≤30分钟", "response_time", "<=", 30, "minute"),
    ("配备不少于6人的专职售后服务团队", "staff_count", ">=", 6, "person"),
    ("驻场工程师不少于2名", "engineer_count", ">=", 2, "person"),
    ("培训人数不少于10人次", "training", ">=", 10, "person"),
    ("培训时间不少于两天", "training", ">=", 2, "day"),
    ("零配件供货期不超过7天", "spare_parts", "<=", 7, "day"),
    ("每月至少回访1次", "return_visit", ">=", 1, "times"),
    ("接到投诉后4小时内答复", "complaint_response", "<=", 4, "hour"),
    ("7日内无法修复的，须更换同型号新设备", "replacement_time", "<=", 7, "day"),
    ("设备3天内修不好的，须提供备用机", "substitute_equipment", "<=", 3, "day"),
    ("城区学校2小时内到校", "onsite_arrival", "<=", 2, "hour"),
    ("2. 人员配置：安保人员不少于20人（持证上岗）", "staff_count", ">=", 20, "person"),
    ("回访每月不少于1次", "return_visit", ">=", 1, "times"),
    ("质保期内每月回访一次", "return_visit", ">=", 1, "times"),
    ("客户投诉处理时间不超过24小时", "complaint_response", "<=", 24, "hour"),
    ("到场时间≤2h", "onsite_arrival", "<=", 2, "hour"),
    ("提供不低于2年的原厂质量保证", "warranty_period", ">=", 2, "year"),
    # 到位: people arriving, when staff are the last named before it; else goods
    ("设备发生故障时，维修人员须2小时内到位", "onsite_arrival", "<=", 2, "hour"),
    ("承诺备品备件24小时内到位", "spare_parts", "<=", 24, "hour"),
    # 供货商 / 供货方 is the supplier, not a delivery: its deadline stays a service one.
    ("出现质量问题时，供货商须在十二小时内响应", "response_time", "<=", 12, "hour"),
    ("供货方必须在接到维修电话后1小时内赶赴现场", "onsite_arrival", "<=", 1, "hour"),
])
def test_metric_operator_and_unit(text, metric, op, value, unit) -> None:
    r = one(text, metric)
    assert (r.op, r.value, r.unit) == (op, value, unit)


def test_service_hours_value_is_days_by_hours() -> None:
    r = one("提供7×24小时运维服务", "service_hours")
    assert (r.op, r.value, r.unit) == (">=", "7x24", None)
    assert [r.value for r in extract_text("工作日5×8小时驻场，其余时间7*24小时电话支持")] == ["5x8", "7x24"]


@pytest.mark.parametrize("text, metric", [
    ("接到报修电话后立即响应", "response_time"),
    ("中标人应在项目所在地设有售后服务机构", "local_office"),
    ("维修期间须提供替代设备", "substitute_equipment"),
    ("投标人须在XX小时内到达现场", "onsite_arrival"),
    ("投标人须在____小时内提供备用设备", "substitute_equipment"),
    ("中标人应定期回访用户", "return_visit"),
    ("中标人须为采购人免费培训操作人员3~5名", "training"),
    # times means per month: a visit per quarter, half year or year is no number to compare.
    ("回访频率：每季度不少于1次", "return_visit"),
    ("质保期内每半年回访一次", "return_visit"),
    ("每季度回访", "return_visit"),
    ("质保期满后每年回访两次", "return_visit"),
    ("回访不少于2次/年", "return_visit"),
    # local offices under other names.
    ("投标人须在项目所在地设有维保站点", "local_office"),
    ("中标人须在本市设有4S店", "local_office"),
    ("须以本市一类维修企业作为售后服务网点", "local_office"),
    ("在项目所在地设立常驻服务点", "local_office"),
    ("投标人在本地设有办事处或分支机构", "local_office"),
    ("维修期间须提供备用车", "substitute_equipment"),
])
def test_a_demand_without_a_number_is_present(text, metric) -> None:
    r = one(text, metric)
    assert (r.op, r.value, r.unit) == ("present", None, None)


@pytest.mark.parametrize("text", [
    "合同签订后45日内完成供货、安装、调试。",
    "本项目采购预算为人民币268万元。",
    "开标时间：2026年11月30日9时30分。",
    "投标人近三年(2023年1月至今)具有不少于2个同类项目业绩。",
    "交货期：签订合同后15个工作日内交货。",
    "合同签订后，供货方须在30日内供货。",
    "供货期：合同签订后15日内。",
    "投标有效期：投标截止之日起90日历天。",
    "项目负责人须具有5年以上相关工作经验。",
    "付款方式：验收合格后30日内支付合同金额的100%。",
    "每逾期一日按合同总价的0.5%支付违约金。",
    "近6个月内任意1个月的社保缴纳证明。",
    "售后服务要求：余款3%作为质量保证金，验收满两年后无息退还。",
    "售后服务要求：项目资金须在3日内到位。",
    # settling a dispute, answering the tender: no repair, no response to a fault
    "售后服务要求：双方应在30日内协商解决，协商解决不成的，提交仲裁。",
    "售后服务要求：投标人须在3日内对招标文件作出实质性响应。",
    "售后服务要求：供应商须在5个工作日内响应采购需求。",
    # a company's name: 有限公司…分公司 sets up no office
    "售后服务要求：中国移动通信集团浙江有限公司杭州分公司（以下简称采购人）。",
])
def test_dates_budgets_delivery_and_past_performance_are_no_requirements(text) -> None:
    assert [r for r in extract_text(text) if r.metric != "other"] == []


def test_star_heading_covers_its_items_until_the_next_heading_of_its_level() -> None:
    text = ("第五章 采购需求\n★四、售后服务要求\n1. 质保期不少于3年。\n2. 2小时内到达现场。\n"
            "五、其他要求\n1. 培训不少于2天。\n")
    got = {r.metric: (r.mandatory, r.ref) for r in extract_text(text)}
    assert got == {"warranty_period": (True, "第五章 四、1"), "onsite_arrival": (True, "第五章 四、2"),
                   "training": (False, "第五章 五、1")}


def test_decimal_headings_and_their_items() -> None:
    text = "★3.4 运维服务要求\n1. 响应时间：15分钟\n(1)一级故障：1小时内修复\n3.5 其他\n(2)培训：2天\n"
    got = {r.metric: (r.mandatory, r.ref) for r in extract_text(text)}
    assert got == {"response_time": (True, "3.4 1"), "repair_completion": (True, "3.4 1 (1)"),
                   "training": (False, "3.5 (2)")}


def test_an_unnumbered_title_ends_the_items_above_it() -> None:
    text = "第三部分 服务要求\n3.5 供应商应设立服务热线。\n评分细则\n| 序号 | 评分项 | 评分标准 |\n| 1 | 响应时间 | 10分钟内响应的得2分 |\n"
    [r] = extract_text(text)
    assert (r.metric, r.value, r.ref) == ("response_time", 10, "第三部分 评分细则 1")


def test_enumerated_people_keep_their_own_role() -> None:
    assert reqs("供应商须为本项目配置项目经理1名、驻场工程师不少于3名。") == [
        ("engineer_count", ">=", 3, "person", False)]


def test_a_star_item_without_a_metric_is_still_shown() -> None:
    got = extract_text("5. ★质保期内，中标供应商每学期至少对全部设备巡检一次。")
    assert [(r.metric, r.op, r.mandatory) for r in got] == [("other", "present", True)]


def test_mandatory_words_and_their_reach() -> None:
    assert reqs("投标人须配备不少于6人的售后服务团队，否则投标无效。")[0][-1] is True
    # 必须 alone is a demand, not a voiding condition: real tenders write 必须 on ordinary items.
    assert reqs("中标人必须在接到报修后15分钟内响应")[0][-1] is False
    got = reqs("提供3年质保，质保期内更换的备件必须为原厂全新备件。")
    assert got[0] == ("warranty_period", ">=", 3, "year", False)
    # A closing line makes the items above it mandatory, not those after it.
    text = ("三、售后\n1. 质保期不少于3年；\n2. 2小时内到达现场；\n以上条款均为实质性条款，不满足的按无效投标处理。\n"
            "四、其他\n1. 培训2天。\n")
    assert [r[-1] for r in reqs(text)] == [True, True, False]
    # A lead-in line makes the items after it mandatory, until the next heading.
    text = ("五、商务条款\n以下条款为实质性条款，不满足的作废标处理：\n1. 质保期不少于1年。\n六、其他\n1. 培训2天。\n")
    assert [r[-1] for r in reqs(text)] == [True, False]


def test_a_legend_of_the_star_convention_is_no_star() -> None:
    text = ("说明：本章中标注“★”的条款为实质性要求，不满足的按无效投标处理。\n"
            "二、售后服务要求（标注★的为实质性条款，不满足按无效投标处理）\n1. 质保期不少于3年。\n★2. 30分钟内响应。\n")
    assert [(r.metric, r.mandatory) for r in extract_text(text)] == [
        ("warranty_period", False), ("response_time", True)]


def test_triangle_is_scored_not_mandatory() -> None:
    assert reqs("▲1. 接到报修后半小时内响应。") == [("response_time", "<=", 30, "minute", False)]


def test_scoring_rule_gives_its_minimum_with_the_rule_as_a_hint() -> None:
    text = ("| 序号 | 评分项 | 分值 | 评分标准 |\n"
            "| 1 | 质保期 | 4 | 满足招标文件最低要求(1年)得1分;每增加半年加1分,最高4分 |\n"
            "| 2 | 到场时间 | 3 | 承诺2小时内到达现场得3分,4小时内得1分,其余不得分 |\n"
            "| 3 | 履约能力 | 3 | 近三年同类项目业绩每个得1分,最高3分 |\n")
    got = extract_text(text)
    assert [(r.metric, r.op, r.value, r.unit, r.mandatory) for r in got] == [
        ("warranty_period", ">=", 1, "year", False), ("onsite_arrival", "<=", 4, "hour", False)]
    assert got[0].scoring == "满足招标文件最低要求(1年)得1分;每增加半年加1分,最高4分"
    assert got[1].scoring.startswith("承诺2小时内到达现场得3分")


def test_a_rule_without_a_minimum_is_a_hint_on_the_requirement() -> None:
    text = "1. 质保期不少于3年。\n评分标准：质保期每增加1年加1分，最高3分。\n"
    [r] = extract_text(text)
    assert (r.metric, r.value, r.unit) == ("warranty_period", 3, "year")
    assert r.scoring == "评分标准：质保期每增加1年加1分，最高3分"


def test_the_same_requirement_twice_is_one_with_both_places() -> None:
    text = "一、售后\n1. 本项目质保期为36个月。\n二、商务\n★1. 质保期不少于3年。\n"
    [r] = extract_text(text)
    assert (r.metric, r.op, r.value, r.unit) == ("warranty_period", ">=", 36, "month")
    assert r.ref == "一、1；二、1"
    assert r.mandatory is True


def test_different_demands_on_one_metric_stay_apart() -> None:
    got = reqs("一级故障15分钟内响应；二级故障30分钟内响应。")
    assert got == [("response_time", "<=", 15, "minute", False), ("response_time", "<=", 30, "minute", False)]


def test_text_quotes_the_clause() -> None:
    r = one("2. 设备出现故障时，中标人应在接到采购人报修电话后20分钟内响应，3小时内到达现场。", "response_time")
    assert r.text == "接到采购人报修电话后20分钟内响应"


def test_requirements_json_shape() -> None:
    data = requirements_json(extract_text("质保期不少于3年。\n质保期每增加1年加1分，最高3分。\n接到报修后立即响应。"))
    json.dumps(data, ensure_ascii=False)
    first, second = data["requirements"]
    assert list(first) == ["metric", "op", "value", "unit", "mandatory", "text", "ref", "scoring", "where"]
    assert list(second) == ["metric", "op", "value", "unit", "mandatory", "text", "ref", "where"]


# ---------------------------------------------------------------- files

def test_gb18030_text(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("★质保期不少于叁年，接到报修后两小时内到达现场。".encode("gb18030"))
    assert [(r.metric, r.value, r.mandatory) for r in extract_file(path)] == [
        ("warranty_period", 3, True), ("onsite_arrival", 2, True)]


def test_utf8_with_bom_and_markdown(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_bytes(b"\xef\xbb\xbf" + "## 3.5 售后\n1. 质保期5年\n".encode("utf-8"))
    [r] = extract_file(path)
    assert (r.value, r.ref) == (5, "3.5 1")


def test_docx_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    path = build_fixtures.build_docx(tmp_path / "t.docx")
    blocks = read_tender(path)
    texts = [b.text for b in blocks]
    assert texts[0] == "第六章 商务要求" and blocks[0].kind == "heading"
    header = texts.index("序号 | ★ | 要求项 | 具体要求")
    rows = blocks[header + 1:header + 8]
    assert [b.kind for b in rows] == ["row"] * 7
    assert rows[0] == Block("质保期 | 设备免费质保期不少于2年，自验收合格之日起计算", kind="row",
                            mandatory=True, label="1", where=Location("t.docx", table=1, row=2))
    assert [b.mandatory for b in rows] == [True, True, False, False, True, False, False]
    assert texts[-1].startswith("▲售后服务承诺")
    got = {(r.metric, r.value): (r.mandatory, r.ref) for r in extract_file(path)}
    assert got[("response_time", 15)] == (True, "第六章 二、2；第六章 三、")
    assert got[("onsite_arrival", 4)] == (False, "第六章 二、3")


def test_docx_merged_cells_are_read_once(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "要求"
    table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(1, 0).text = "1"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "质保期不少于2年"
    doc.save(tmp_path / "m.docx")
    rows = [b for b in read_tender(tmp_path / "m.docx") if b.kind == "row"]
    assert rows == [Block("质保期不少于2年", kind="row", label="1", where=Location("m.docx", table=1, row=2))]


def test_docx_auto_numbers_are_read(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_paragraph("售后服务要求", style="Heading 1")
    doc.add_paragraph("质保期不少于3年", style="List Number")
    doc.add_paragraph("★30分钟内响应", style="List Number")
    doc.save(tmp_path / "auto.docx")
    assert [b.text for b in read_tender(tmp_path / "auto.docx")][1:] == ["1. 质保期不少于3年", "2. ★30分钟内响应"]
    got = [(r.metric, r.mandatory, r.ref) for r in extract_file(tmp_path / "auto.docx")]
    assert got == [("warranty_period", False, "售后服务要求 1"), ("response_time", True, "售后服务要求 2")]


def test_pdf_text_layer() -> None:
    got = {(r.metric, r.op, r.value, r.unit) for r in extract_file(OWN / "10.pdf")}
    assert ("warranty_period", ">=", 36, "month") in got
    assert ("onsite_arrival", "<=", 48, "hour") in got


@pytest.mark.skipif(build_fixtures.cjk_font() is None, reason="no CJK font to write a PDF")
def test_pdf_wrapped_lines_are_joined(tmp_path: Path) -> None:
    long = "4.4 质保期满后，中标人应保证以优惠价格向采购人持续提供设备维修所需的原厂零配件，供应期限自质保期满之日起不少于5年。"
    path = build_fixtures.build_pdf(tmp_path / "t.pdf", ["四、售后服务", long, "4.5 接到报修后2小时内响应。"])
    got = [(r.metric, r.value, r.ref) for r in extract_file(path)]
    assert ("spare_parts", 5, "四、4.4") in got and ("response_time", 2, "四、4.5") in got


# ---------------------------------------------------------------- bad input

def bad(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "the file is empty"),
    ("blank.txt", b"  \n\n \t\n", "the file is empty"),
    ("binary.txt", b"\x00\x01\x02PK\x00\x00" * 100, "this is a binary file"),
    ("control.md", bytes(range(1, 9)) * 200, "this is a binary file"),
    ("latin.txt", bytes(range(0x80, 0x100)) * 4, "neither UTF-8 nor GBK"),
    ("fake.docx", b"this is not a word document", "is not a .docx file"),
    ("fake.pdf", b"this is not a pdf", "is not a PDF file"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage", "the PDF is corrupt"),
    ("tender.doc", b"\xd0\xcf\x11\xe0 old word", "save the tender as .docx"),
    ("tender.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
])
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = bad(tmp_path, name, content)
    with pytest.raises(ExtractError) as info:
        extract_file(path)
    assert message in str(info.value)
    assert name in str(info.value) and "\n" not in str(info.value)


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ExtractError, match="is not a readable .docx file"):
        extract_file(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = (OWN / "10.pdf").read_bytes()
    path = bad(tmp_path, "cut.pdf", data[: len(data) // 3])
    with pytest.raises(ExtractError, match="the PDF"):
        extract_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="file not found"):
        extract_file(tmp_path / "nothing.txt")


def test_password_protected_pdf(tmp_path: Path) -> None:
    if build_fixtures.cjk_font() is None:
        pytest.skip("no CJK font to write a PDF")
    path = build_fixtures.build_encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(ExtractError) as info:
        extract_file(path)
    assert "is password-protected; remove the password and try again" in str(info.value)
    assert "locked.pdf" in str(info.value)


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    path = build_fixtures.build_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ExtractError) as info:
        extract_file(path)
    assert "has no text layer (a scanned document?); it needs OCR first" in str(info.value)


def test_a_huge_text_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a 50 MB text"))
    with pytest.raises(ExtractError) as info:
        extract_file(path)
    assert "50.0 MB, over the 20.0 MB limit" in str(info.value) and "huge.txt" in str(info.value)


def test_extract_text_refuses_what_is_not_text() -> None:
    with pytest.raises(ExtractError):
        extract_text(b"bytes")  # type: ignore[arg-type]


# ---------------------------------------------------------------- fuzz

VOCABULARY = (
    "质保期", "保修期", "不少于", "不超过", "以内", "内", "小时", "分钟", "天", "工作日", "个月", "年", "人", "名",
    "次", "人次", "响应", "到达现场", "修复", "不能修复的", "备用机", "更换", "7×24", "投诉", "回访", "培训",
    "售后服务机构", "工程师", "备品备件", "★", "▲", "否则投标无效", "必须", "得3分", "每增加1年加1分", "最高3分",
    "以上", "以下条款为实质性条款：", "立即", "XX", "____", "半", "一个半", "两", "叁", "３６", "2026年11月",
    "，", "。", "；", ":", "：", "(", "（", ")", "）", "|", "\t", "\n", "一、", "(1)", "1.", "3.4 ", "第五章 ",
    "# ", "| 序号 | 评分项 |\n", "0", "1", "2", "24", "72", "99999999999", "0.5", "十", "百", "万",
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    json.dumps(requirements_json(extract_text(text)), ensure_ascii=False)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(VOCABULARY), max_size=60).map("".join))
def test_tender_like_text_never_raises(text: str) -> None:
    for r in extract_text(text):
        assert r.op == "present" or r.value is not None
        assert r.metric == "service_hours" or r.op == "present" or r.unit in extract.vocabulary.UNITS[r.metric]


# ---------------------------------------------------------------- patterns from the held-out review

@pytest.mark.parametrize("text, expected", [
    ("城区2小时、乡镇4小时内到达现场。", [("onsite_arrival", "<=", 2, "hour"), ("onsite_arrival", "<=", 4, "hour")]),
    ("接到报修后30分钟内响应，城区2小时、郊区4小时到达现场。",
     [("response_time", "<=", 30, "minute"), ("onsite_arrival", "<=", 2, "hour"), ("onsite_arrival", "<=", 4, "hour")]),
    ("市内1小时、市外3小时内派员到达。", [("onsite_arrival", "<=", 1, "hour"), ("onsite_arrival", "<=", 3, "hour")]),
    ("一般故障4小时、重大故障12小时内修复完毕。",
     [("repair_completion", "<=", 4, "hour"), ("repair_completion", "<=", 12, "hour")]),
    # a keyword between the two numbers still governs the first one.
    ("2小时响应、4小时到达现场。", [("response_time", "<=", 2, "hour"), ("onsite_arrival", "<=", 4, "hour")]),
])
def test_durations_joined_by_a_comma_share_the_verb_after_the_last(text, expected) -> None:
    assert [r[:4] for r in reqs(text)] == expected


@pytest.mark.parametrize("text, value, unit", [
    ("设备故障时，损坏的部件应在48小时内完成更换。", 48, "hour"),
    ("出现故障须在4小时内修复，损坏的应在48小时内完成更换。", 48, "hour"),
    ("故障部件须在24小时内更换。", 24, "hour"),
    ("因质量问题损坏的零部件，应在72小时内予以更换。", 72, "hour"),
])
def test_replacing_a_damaged_unit_is_replacement_time(text, value, unit) -> None:
    r = one(text, "replacement_time")
    assert (r.op, r.value, r.unit) == ("<=", value, unit)


@pytest.mark.parametrize("text", [
    "设24小时维修值班电话。", "建立24小时值班制度。", "开通24小时服务热线。", "全天24小时受理报修。",
    "提供24小时道路救援服务。", "投标人应提供全天24小时服务。",
])
def test_twenty_four_hours_of_availability_is_round_the_clock_service(text) -> None:
    assert reqs(text) == [("service_hours", ">=", "7x24", None, False)]


@pytest.mark.parametrize("text, metric", [
    ("24小时内修复。", "repair_completion"), ("24小时响应。", "response_time"),
    ("接到报修后24小时内到达现场。", "onsite_arrival"), ("提供24小时电话响应服务。", "response_time"),
])
def test_twenty_four_hours_as_a_deadline_stays_a_deadline(text, metric) -> None:
    assert [r[:4] for r in reqs(text)] == [(metric, "<=", 24, "hour")]


@pytest.mark.parametrize("text, value, unit", [
    ("空调故障超过48小时仍未排除的，中标人应提供临时制冷设备。", 48, "hour"),
    ("车辆维修时间超过3个工作日的，应免费提供代用车。", 3, "workday"),
    ("维修超过5天的，须提供备用车。", 5, "day"),
    ("设备故障48小时内无法修复的，应提供同等性能的替换机。", 48, "hour"),
    ("故障设备维修超过5天的，须提供应急设备。", 5, "day"),
    ("维修期间超过72小时的，须提供同档次周转设备。", 72, "hour"),
])
def test_substitute_units_under_other_names(text, value, unit) -> None:
    r = one(text, "substitute_equipment")
    assert (r.op, r.value, r.unit) == ("<=", value, unit)


@pytest.mark.parametrize("text, expected", [
    ("培训不少于20人次，不少于三期，每期不少于3天。",
     [(20, "person"), (3, "times"), (3, "day")]),
    ("对采购人培训不少于2次，每次不少于10人，每次培训时间不少于1天。",
     [(2, "times"), (10, "person"), (1, "day")]),
    ("提供免费培训，不少于3次，每次培训人数不少于15人。", [(3, "times"), (15, "person")]),
    ("免费培训3天，培训人员不少于8人。", [(3, "day"), (8, "person")]),
])
def test_each_training_item_is_its_own_requirement(text, expected) -> None:
    assert [(r[2], r[3]) for r in reqs(text) if r[0] == "training" and r[1] == ">="] == expected
    assert not [r for r in reqs(text) if r[0] == "training" and r[1] == "present"]


@pytest.mark.parametrize("text, metric", [
    ("一般故障当日修复。", "repair_completion"), ("一般维修当天完成。", "repair_completion"),
    ("小故障当日解决。", "repair_completion"), ("接到报修当日到达现场。", "onsite_arrival"),
])
def test_same_day_is_a_deadline_of_one_day(text, metric) -> None:
    assert [r[:4] for r in reqs(text)] == [(metric, "<=", 1, "day")]


@pytest.mark.parametrize("text", [
    "质保期内因供应商原因未能按时修复的，每天顺延保修期2天。",
    "逾期未到达现场的，质保期顺延1个月。",
    "维修期间，质保期相应顺延。",
    "项目负责人1名。",
    "其中：项目经理1名。",
])
def test_no_warranty_from_a_penalty_extension_nor_a_count_from_a_role(text) -> None:
    assert [r for r in reqs(text) if r[0] in ("warranty_period", "staff_count", "engineer_count")] == []


def test_a_role_in_a_team_is_not_an_engineer_count() -> None:
    assert reqs("技术团队不少于5人，其中：项目经理1名，工程师3名。") == [
        ("staff_count", ">=", 5, "person", False), ("engineer_count", ">=", 3, "person", False)]
    assert reqs("其中项目经理1名、高级工程师2名。") == [("engineer_count", ">=", 2, "person", False)]
    assert one("质保期延长至5年。", "warranty_period").value == 5


# ---------------------------------------------------------------- merging, spares, wording


def test_same_value_for_different_parts_stays_two_requirements() -> None:
    got = reqs("1. ★电池、电机质保期不少于8年。\n2. 车身骨架防腐质保期8年。")
    assert got == [("warranty_period", ">=", 8, "year", True), ("warranty_period", ">=", 8, "year", False)]
    # A general restatement (质保期为36个月) is the same requirement.
    got = reqs("1. ★整机质保期不少于3年。\n2. 本项目质保期为36个月。")
    assert got == [("warranty_period", ">=", 3, "year", True)]


def test_monthly_and_half_yearly_visits_are_two_requirements() -> None:
    assert reqs("质保期内每月电话回访1次，每半年上门回访一次。") == [
        ("return_visit", ">=", 1, "times", False), ("return_visit", "present", None, None, False)]
    assert one("每季度提交维保报告，并进行满意度回访。", "return_visit").op == "present"


def test_spare_stock_as_a_percentage_is_present() -> None:
    for text in ("按设备总量的2%储备备品备件。", "投标人须提供3%的备用模块。", "校内储备不少于5%的备用终端。"):
        assert reqs(text) == [("spare_parts", "present", None, None, False)], text


def test_local_spare_warehouse_is_a_local_office() -> None:
    for text in ("投标人在省内设有原厂备件库。", "供应商须在本市设有备件仓库。"):
        assert one(text, "local_office").op == "present"


def test_certified_staff_and_remote_guidance_and_substitute_nouns() -> None:
    assert reqs("维保人员中持有特种设备作业证书的不少于3人。") == [("engineer_count", ">=", 3, "person", False)]
    assert reqs("持证电工不少于2人。") == [("engineer_count", ">=", 2, "person", False)]
    assert reqs("接报后1小时内远程指导。") == [("response_time", "<=", 1, "hour", False)]
    assert reqs("无法及时修复的，3日内提供替换装置。") == [("substitute_equipment", "<=", 3, "day", False)]
    assert reqs("终端故障2个工作日内无法修复的，须提供备用终端。") == [
        ("substitute_equipment", "<=", 2, "workday", False)]


# ---------------------------------------------------------------- real tenders' wordings

@pytest.mark.parametrize("text, expected", [
    ("接到报修后24小时维修到位。", [("onsite_arrival", "<=", 24, "hour", False)]),
    ("接到通知后2小时内响应到位。", [("onsite_arrival", "<=", 2, "hour", False)]),
    ("须委派技术人员进行现场解决。", [("onsite_arrival", "present", None, None, False)]),
    ("修复时限：小修1天，中修3天。", [("repair_completion", "<=", 1, "day", False),
                                   ("repair_completion", "<=", 3, "day", False)]),
    ("零配件及时供应。", [("spare_parts", "present", None, None, False)]),
    ("备品备件供应不少于8年。", [("spare_parts", ">=", 8, "year", False)]),
    ("3小时内电话答复，48小时内到达现场，96小时内更换设备。", [
        ("response_time", "<=", 3, "hour", False), ("onsite_arrival", "<=", 48, "hour", False),
        ("replacement_time", "<=", 96, "hour", False)]),
    ("质保期内必须提供24×7、4小时到达现场的响应服务。", [
        ("service_hours", ">=", "7x24", None, False), ("onsite_arrival", "<=", 4, "hour", False)]),
    ("针对业务异常须在15分钟内响应并于1小时内实施应急处置。", [("response_time", "<=", 15, "minute", False)]),
    ("对于甲方提出的服务需求，应在1-2个工作日内相应并回复。", [("response_time", "<=", 2, "workday", False)]),
    ("操作系统厂商提供工作日每日不少于8h技术支持服务。", [("service_hours", ">=", "5x8", None, False)]),
])
def test_metrics_from_meaning(text, expected) -> None:
    assert [r for r in reqs(text) if r[0] != "other"] == expected


@pytest.mark.parametrize("text", [
    "并在不晚于故障修复后30分钟内反馈故障结果，3个工作日内提供故障分析报告。",  # reports, not repairs
    "电缆 YJV5*6（投标人自行勘查现场）",                                   # a cable size
    "其质量保证期最长为签署验收款支付函后6个月。",                           # a contract's cap
    "若现场服务人员无法胜任，供应商须在5个工作日内更换。",                   # replacing a worker
    "书面报告内容应当发现相关漏洞当日到达用户。",                             # a report arrives
    "供应商对质疑答复不满意的，可以向财政部门投诉，财政部门应在收到投诉后30个工作日内作出处理决定。",
    "详见《中国联合通信有限公司重庆市分公司代维考核办法》。",                  # a document's title
    "对队员开展岗前培训，要求队员持证上岗。",                                 # the vendor's own staff
])
def test_what_real_tenders_say_that_is_no_after_sales_number(text) -> None:
    assert [r for r in reqs(text) if r[0] != "other"] == []


def test_a_page_number_line_does_not_break_a_sentence() -> None:
    text = "中标人均应三个工作日内进行处理，并在处理完毕\n\n21\n后三个工作日内以书面形式反馈结果至采购人。"
    blocks = [b.text for b in extract.text_blocks(text.splitlines())]
    assert blocks == ["中标人均应三个工作日内进行处理，并在处理完毕后三个工作日内以书面形式反馈结果至采购人。"]


def test_a_count_of_posts_and_a_breakdown_of_a_total() -> None:
    assert reqs("本项目岗位配置建议为 44 个。") == [("staff_count", ">=", 44, "person", False)]
    assert reqs("管理人员 4 人（项目经理 1 人、办公室主任 1 人、人事兼出纳 1 人）。") == [
        ("staff_count", ">=", 4, "person", False)]
