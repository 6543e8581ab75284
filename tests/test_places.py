"""The whole-document layer of the extractor: where a sentence stands (places.py), what the
tender's own marks mean (legend.py), which sections a ★ item or a 实质性要求 list makes mandatory,
and the lines that are no headings (outline.py). Each table is a rule; the texts are small
tenders written for the rule (tables as | a | b | lines), run through extract_text."""
from __future__ import annotations

import pytest

from bidkit.extract import extract_text
from bidkit.extract.legend import read_legend, substantive_sections
from bidkit.extract.outline import is_toc_line
from bidkit.extract.places import (
    AFTER_SALES, BOILERPLATE, DELIVERY, DEMANDS, NEUTRAL, TERMS, classify, is_after_sales_demand,
    makes_mandatory, no_demand_on_the_bidder, speaks_of_after_sales, title_of)


def rows(text: str) -> list[tuple]:
    return [(r.metric, r.op, r.value, r.unit, r.mandatory) for r in extract_text(text)]


def compared(text: str) -> list[tuple]:
    return [row for row in rows(text) if row[0] != "other"]


# ---------------------------------------------------------------- places: classifying titles

@pytest.mark.parametrize("title, place", [
    # after-sales places
    ("售后服务", AFTER_SALES),
    ("技术支持与售后服务", AFTER_SALES),
    ("质保期及售后服务", AFTER_SALES),
    ("保修期", AFTER_SALES),
    ("质量保证期", AFTER_SALES),
    ("驻场人员配置", AFTER_SALES),
    ("培训要求", AFTER_SALES),
    ("服务承诺", AFTER_SALES),
    ("投诉处理", AFTER_SALES),            # the buyer's complaint handling, not the procedure's
    # an after-sales word before a generic head (要求, 内容, 方案) keeps its place
    ("售后服务要求", AFTER_SALES),
    ("售后服务方案", AFTER_SALES),
    ("运维服务内容", AFTER_SALES),
    ("投标人在质保期内的售后服务方案", AFTER_SALES),
    # the places of demands in general
    ("商务要求", DEMANDS),
    ("技术要求", DEMANDS),
    ("采购需求", DEMANDS),
    ("服务要求", DEMANDS),
    ("资格要求", DEMANDS),
    ("符合性审查", DEMANDS),
    ("评分标准", DEMANDS),
    ("售后服务评分", DEMANDS),            # a scoring row is scoring, whatever it scores
    # penalties; contract money, delivery and inspection
    ("违约责任", TERMS),
    ("付款方式", DELIVERY),
    ("交货期", DELIVERY),
    ("开箱检验", DELIVERY),
    ("包装、运输和储存", DELIVERY),
    # procedure, policy, forms, deposits
    ("投标人须知", BOILERPLATE),
    ("第三章投标人须知", BOILERPLATE),
    ("投标人须知前附表", BOILERPLATE),
    ("质疑", BOILERPLATE),
    ("质疑与投诉", BOILERPLATE),          # 投诉 ends last but is the procedure's
    ("中小企业声明函", BOILERPLATE),
    ("投标文件格式", BOILERPLATE),
    ("投标保证金", BOILERPLATE),
    ("知识产权", BOILERPLATE),
    ("词语定义", BOILERPLATE),
    # the word that ends last wins: the head of a Chinese noun phrase comes last
    ("售后服务承诺函", BOILERPLATE),      # a form to fill in
    ("质量保证金", BOILERPLATE),          # a deposit
    ("售后服务响应偏离表", BOILERPLATE),  # a form
    # no place named
    ("合同条款", NEUTRAL),
    ("项目概况", NEUTRAL),
    ("", NEUTRAL),
])
def test_a_title_names_its_place(title: str, place: str) -> None:
    assert classify(title) == place


@pytest.mark.parametrize("content, title", [
    ("二、商务要求", "二、商务要求"),               # short: the whole text
    ("★售后服务要求：", "售后服务要求"),           # marks and closing colon off
    ("质保期：质保期不少于3年，自验收合格之日起计算。", "质保期"),  # the topic before a colon
    ("售后服务（含培训）", "售后服务"),            # a parenthesis says no place
    ("投标人应提供完善的售后服务，接到通知后2小时内到达现场，24小时内修复。", ""),  # a sentence
    ("★", ""),
])
def test_the_title_of_a_line(content: str, title: str) -> None:
    assert title_of(content) == title


@pytest.mark.parametrize("title, mandatory", [
    ("资格要求", True), ("供应商资格条件", True), ("资格审查", False), ("商务要求", False), ("", False),
])
def test_qualification_titles_make_their_items_mandatory(title: str, mandatory: bool) -> None:
    assert makes_mandatory(title) is mandatory


@pytest.mark.parametrize("text, core, after_sales", [
    ("投标人应根据货物的技术状况列出随机备品备件的清单", True, True),
    ("质保期内免费维修", True, True),
    ("提供7×24小时技术支持", True, True),
    ("接到用户投诉后24小时内回复", False, True),   # 投诉 says nothing in a 质疑投诉 procedure
    ("响应文件应加盖公章", False, False),            # 响应 alone is a word of the procedure
    ("审查投标文件是否响应了招标文件的资格要求", False, False),
    ("建立7×24小时响应机制", False, True),
    ("中标方须派有关人员到设备使用现场指导", False, True),
    ("采购人应在收到质疑后7个工作日内作出答复", False, False),
    ("投标保证金在5个工作日内退还", False, False),
])
def test_the_words_of_an_after_sales_sentence(text: str, core: bool, after_sales: bool) -> None:
    assert is_after_sales_demand(text) is core
    assert speaks_of_after_sales(text) is after_sales


# ---------------------------------------------------------------- places: what each place keeps

_ITEMS = ("一、{heading}\n"
          "1. 对用户投诉须在3日内作出答复。\n"
          "2. 提供7×24小时技术支持。\n")


@pytest.mark.parametrize("heading, kept", [
    ("售后服务要求", [("complaint_response", "<=", 3, "day", False), ("service_hours", ">=", "7x24", None, False)]),
    ("商务要求", [("complaint_response", "<=", 3, "day", False), ("service_hours", ">=", "7x24", None, False)]),
    # boilerplate yields nothing but sentences in the core after-sales words (技术支持)
    ("投标人须知", [("service_hours", ">=", "7x24", None, False)]),
    ("质疑", [("service_hours", ">=", "7x24", None, False)]),
    ("中小企业", [("service_hours", ">=", "7x24", None, False)]),
    ("投标文件格式", [("service_hours", ">=", "7x24", None, False)]),
    ("投标保证金", [("service_hours", ">=", "7x24", None, False)]),
    ("评标程序", [("service_hours", ">=", "7x24", None, False)]),
])
def test_a_place_keeps_what_it_may_hold(heading: str, kept: list) -> None:
    assert compared(_ITEMS.format(heading=heading)) == kept


def test_a_deadline_of_the_procedure_yields_nothing() -> None:
    text = ("第二章 投标人须知\n"
            "1. 投标保证金\n"
            "投标保证金在中标通知书发出后5个工作日内退还。\n"
            "2. 质疑\n"
            "采购人应在收到书面质疑后3日内作出答复。\n"
            "供应商对质疑答复不满意的，可在答复期满后15个工作日内投诉。\n")
    assert rows(text) == []


def test_a_core_after_sales_sentence_among_the_rules_is_kept() -> None:
    text = ("第二章 投标人须知\n"
            "1. 质疑\n"
            "采购人应在收到质疑后3日内作出答复。\n"
            "2. 备品备件\n"
            "投标人应根据货物的技术状况列出随机备品备件的清单，质保期不少于2年。\n")
    assert ("warranty_period", ">=", 2, "year", False) in rows(text)
    assert not any(r[0] == "complaint_response" for r in rows(text))


def test_the_innermost_heading_decides() -> None:
    # 第三章 投标人须知 (boilerplate) > 14 质保期 (after-sales): the demand is kept
    text = ("第三章 投标人须知\n"
            "14. 质保期\n"
            "14.1 对用户投诉须在3日内作出答复。\n"
            "15. 质疑\n"
            "15.1 对用户投诉须在3日内作出答复。\n")
    reqs = extract_text(text)
    assert [(r.metric, r.ref) for r in reqs] == [("complaint_response", "第三章 14.1")]
    # 第五章 采购需求 (demands) > 一、投标文件格式 (boilerplate): nothing is kept
    text = ("第五章 采购需求\n"
            "一、投标文件格式\n"
            "1. 对用户投诉须在3日内作出答复。\n"
            "二、售后服务\n"
            "1. 对用户投诉须在3日内作出答复。\n")
    assert [r.ref for r in extract_text(text)] == ["第五章 二、1"]


def test_a_row_names_its_own_place() -> None:
    # a 前附表 row titled 质保期 is read in the 须知 as after-sales; a 质疑 row is not
    text = ("第二章 投标人须知前附表\n"
            "| 条款号 | 名称 | 内容 |\n"
            "| 1 | 质保期 | 对用户投诉须在3日内作出答复 |\n"
            "| 2 | 质疑答复 | 采购人在3日内作出答复 |\n")
    assert compared(text) == [("complaint_response", "<=", 3, "day", False)]


@pytest.mark.parametrize("text, none", [
    # a definition
    ("指卖方按合同约定应向买方提供的设备、装置、备品、备件", True),
    ("质保期是指自验收合格之日起的保修期限", True),
    # the buyer's duty or right
    ("买方应免费为卖方技术人员提供工作条件及便利", True),
    ("则买方应免费为卖方技术人员提供工作条件及便利", True),
    ("则对合同设备进行修理和更换的费用应由买方承担", True),
    ("用户有权根据技术质量监督部门出具的检验书提出索赔", True),
    ("用户如有需要，中标方须派有关人员到设备使用现场指导", False),   # 如 is no duty: the vendor's
    ("甲方需要时，乙方应派工程师到场", False),
    ("甲方应及时通知，乙方须在2小时内响应", False),
    # a property of the goods
    ("并留有足够的空间便于维护检修", True),
    ("电缆的敷设不得影响设备和管道维护", True),
    # a clause of purpose, a condition alone
    ("使买方有足够的时间考虑备品备件的需求量", True),
    ("以便买方持续获得上述备品备件", True),
    ("如果乙方不履行售后服务承诺", True),
    ("或乙方提供的技术资料有错误", True),
    ("如需更换零部件，供应商须免费提供", False),                      # the condition holds a demand
    ("因产品质量问题造成的损失由供应商承担", False),
    # demands
    ("卖方应自负费用提供质保期服务", False),
    ("使用单位的操作人员由供应商负责培训", False),
    ("中标方应派技术人员免费提供现场服务", False),
])
def test_a_sentence_that_demands_nothing_of_the_bidder(text: str, none: bool) -> None:
    assert no_demand_on_the_bidder(text) is none


def test_the_needs_a_look_list_leaves_out_what_demands_nothing() -> None:
    text = ("第四章 合同条款\n"
            "1. 词语定义\n"
            "1.1 合同设备：指卖方按合同约定应向买方提供的设备、备品、备件。\n"
            "7. 开箱检验\n"
            "7.1 卖方应自负费用派遣代表到场参加开箱检验。\n"
            "7.2 开箱发现缺损的，卖方应补齐、更换。\n"
            "8. 质保期服务\n"
            "8.1 卖方应为质保期服务配备充足的技术人员、工具和备件。\n"
            "8.2 买方应免费为卖方技术人员提供工作条件及便利。\n"
            "8.3 收到买方通知后24小时内做出响应。\n")
    others = [r.text for r in extract_text(text) if r.metric == "other"]
    assert others == ["卖方应为质保期服务配备充足的技术人员、工具和备件"]
    assert compared(text) == [("response_time", "<=", 24, "hour", False)]


def test_a_deadline_in_a_delivery_article_is_kept() -> None:
    text = ("第四章 合同条款\n"
            "7. 开箱检验\n"
            "7.1 检验不合格的货物，卖方应在3日内免费更换。\n")
    assert [r.metric for r in extract_text(text) if r.metric != "other"] == ["replacement_time"]


# ---------------------------------------------------------------- legends

@pytest.mark.parametrize("legend, mandatory", [
    # no legend: ★ mandatory, ▲ and # not
    ([], {"★", "☆"}),
    (["质保期不少于3年。"], {"★", "☆"}),
    (["“★”代表最关键指标，不满足该指标项将导致应答被拒绝；“#”代表重要指标。"], {"★", "☆"}),
    (["凡标有“▲”的地方均被视为重要的指标要求，投标人若有一项带“▲”的指标未响应或不满足，将按无效标处理。"],
     {"★", "☆", "▲"}),
    (["“★”、“▲”的条款为实质性条款，不满足按无效投标处理。"], {"★", "☆", "▲"}),
    (["标注“▲”的为重要参数，不作为无效投标条件。"], {"★", "☆"}),
    (["标注“▲”的为评分项，不满足的扣分。"], {"★", "☆"}),
    (["“#”号条款为实质性条款，不允许负偏离。"], {"★", "☆", "#"}),
    (["注：带*号的为必须满足的条款，负偏离将作无效投标处理。"], {"★", "☆", "*"}),
    (["标注“＊”的条款为实质性要求。"], {"★", "☆", "*"}),
    (["标注*的为核心参数。"], {"★", "☆"}),
])
def test_a_legend_says_what_a_mark_means(legend: list[str], mandatory: set[str]) -> None:
    assert read_legend(legend) == frozenset(mandatory)


_TRIANGLE_LEGEND = "说明：凡标有“▲”的地方均被视为重要的指标要求，投标人若有一项带“▲”的指标未响应或不满足，将按无效标处理。\n"
_TRIANGLE_ITEMS = ("一、售后服务\n"
                   "▲1. 质保期不少于3年。\n"
                   "2. 接到通知后2小时内到达现场。\n")


@pytest.mark.parametrize("text", [_TRIANGLE_LEGEND + _TRIANGLE_ITEMS, _TRIANGLE_ITEMS + _TRIANGLE_LEGEND],
                         ids=["legend before", "legend after"])
def test_a_legend_makes_its_mark_mandatory_wherever_it_stands(text: str) -> None:
    assert compared(text) == [("warranty_period", ">=", 3, "year", True),
                              ("onsite_arrival", "<=", 2, "hour", False)]


@pytest.mark.parametrize("legend, star, triangle, hash_", [
    ("", True, False, False),
    ("“★”代表最关键指标，不满足该指标项将导致应答被拒绝；“#”代表重要指标。\n", True, False, False),
    ("凡标有“▲”的条款为实质性条款，不满足的按无效投标处理。\n", True, True, False),
    ("标有“#”的条款为实质性条款，负偏离将导致投标被否决。\n", True, False, True),
])
def test_marked_items_under_a_legend(legend: str, star: bool, triangle: bool, hash_: bool) -> None:
    text = legend + ("一、售后服务\n"
                     "★1. 质保期不少于3年。\n"
                     "▲2. 接到通知后2小时内到达现场。\n"
                     "#3. 接到报修后30分钟内响应。\n")
    assert [r[4] for r in compared(text)] == [star, triangle, hash_]


@pytest.mark.parametrize("legend, mandatory", [
    ("注：带*号的为必须满足的条款，负偏离将作无效投标处理。\n", True),
    ("", False),
])
def test_an_asterisk_is_a_mark_where_it_stands_alone(legend: str, mandatory: bool) -> None:
    """*1. and ＊质保期 are marks (mandatory where the legend says so); 7*24 and **…** are not."""
    text = legend + ("一、售后服务\n"
                     "*1. 质保期不少于3年。\n"
                     "2. ＊接到通知后2小时内到达现场。\n"
                     "3. 提供7*24小时服务，**30分钟**内响应。\n")
    assert compared(text) == [("warranty_period", ">=", 3, "year", mandatory),
                              ("onsite_arrival", "<=", 2, "hour", mandatory),
                              ("service_hours", ">=", "7x24", None, False),
                              ("response_time", "<=", 30, "minute", False)]
    assert extract_text(text)[0].text == "质保期不少于3年"


# ---------------------------------------------------------------- sections mandatory by reference / name

def test_a_starred_row_pointing_to_a_section_makes_it_mandatory() -> None:
    text = ("第三章 服务要求\n"
            "| 序号 | 要求 | 说明 |\n"
            "| ★ | 技术支持与售后服务要求 | 详见“4.1技术支持与售后服务”章节 |\n"
            "4. 详细要求\n"
            "4.1 技术支持与售后服务\n"
            "（1）接到故障通知后30分钟内响应。\n"
            "（2）供应商须提供7×24小时售后支持。\n"
            "4.2 其他\n"
            "（1）接到通知后1小时内到达现场。\n")
    assert compared(text) == [("response_time", "<=", 30, "minute", True),
                              ("service_hours", ">=", "7x24", None, True),
                              ("onsite_arrival", "<=", 1, "hour", False)]


def test_an_unstarred_pointer_makes_nothing_mandatory() -> None:
    text = ("第三章 服务要求\n"
            "| 序号 | 要求 | 说明 |\n"
            "| 1 | 技术支持与售后服务要求 | 详见“4.1技术支持与售后服务”章节 |\n"
            "4.1 技术支持与售后服务\n"
            "（1）接到故障通知后30分钟内响应。\n")
    assert compared(text) == [("response_time", "<=", 30, "minute", False)]


@pytest.mark.parametrize("sentence, names", [
    ("实质性要求和条件：招标范围、供货要求、交货期、质量标准", {"招标范围", "供货要求", "交货期", "质量标准"}),
    ("招标范围、供货要求、交货期等实质性内容", {"招标范围", "供货要求", "交货期"}),
    ("第五章中的实质性要求", set()),
    ("质保期不少于3年", set()),
])
def test_the_sections_a_tender_names_substantive(sentence: str, names: set[str]) -> None:
    assert substantive_sections([sentence]) == frozenset(names)


def test_a_section_named_substantive_is_mandatory() -> None:
    text = ("第一章 招标公告\n"
            "实质性要求和条件：招标范围、供货要求、交货期\n"
            "第五章 供货要求\n"
            "1. 质保期不少于3年。\n"
            "第六章 其他\n"
            "1. 接到通知后2小时内到达现场。\n")
    assert compared(text) == [("warranty_period", ">=", 3, "year", True),
                              ("onsite_arrival", "<=", 2, "hour", False)]


def test_a_void_condition_names_substantive_sections() -> None:
    # 符合性审查: an incomplete answer to 商务要求 and 合同条款 voids a bid; the contract chapter is
    # the 合同条款 whatever its title
    assert substantive_sections(["（4）对招标文件提出的商务要求及合同条款未完全响应；"]) == frozenset({"商务要求", "合同条款"})
    text = ("第四章 货物采购合同格式\n"
            "8.1 乙方接到通知后24小时内到达现场。\n"
            "第五章 采购内容\n"
            "一、技术要求\n"
            "1. 接到通知后1小时内响应。\n"
            "二、商务要求\n"
            "1. 质保期不少于2年。\n"
            "第七章 评标办法\n"
            "（4）对招标文件提出的商务要求及合同条款未完全响应；\n")
    assert compared(text) == [("onsite_arrival", "<=", 24, "hour", True),
                              ("response_time", "<=", 1, "hour", False),
                              ("warranty_period", ">=", 2, "year", True)]


@pytest.mark.parametrize("heading", ["二、资格要求", "二、供应商资格条件"])
def test_qualification_conditions_are_mandatory(heading: str) -> None:
    text = (f"{heading}\n"
            "1. 供应商须在本地设有售后服务机构。\n"
            "2. 配备不少于5名售后服务人员。\n"
            "三、其他要求\n"
            "1. 配备不少于3名工程师。\n")
    assert compared(text) == [("local_office", "present", None, None, True),
                              ("staff_count", ">=", 5, "person", True),
                              ("engineer_count", ">=", 3, "person", False)]


# ---------------------------------------------------------------- lines that are no headings

@pytest.mark.parametrize("line, toc", [
    ("第五章 采购需求........26", True),
    ("一、售后服务要求…………12", True),
    ("投标函……（页码）", True),
    ("一、项目概况\t5", True),
    ("一、售后服务要求", False),
    ("质保期不少于3年。", False),
])
def test_a_table_of_contents_line(line: str, toc: bool) -> None:
    assert is_toc_line(line) is toc


def test_the_table_of_contents_yields_nothing_and_names_no_section() -> None:
    text = ("目录\n"
            "第一章 招标公告........1\n"
            "第二章 售后服务要求：质保期3年........5\n"
            "第三章 服务要求\n"
            "1. 接到通知后2小时内到达现场。\n")
    reqs = extract_text(text)
    assert [(r.metric, r.ref, r.section) for r in reqs] == [("onsite_arrival", "第三章 1", "服务要求")]


def test_the_list_of_chapters_is_no_outline() -> None:
    # 招标文件组成: 第一章…第四章 one after another are a list, not the headings of what follows
    text = ("本招标文件包括：\n"
            "第一章 投标人须知\n"
            "第二章 售后服务要求\n"
            "第三章 投标文件格式\n"
            "1. 接到通知后2小时内到达现场。\n")
    assert compared(text) == [("onsite_arrival", "<=", 2, "hour", False)]


def test_a_decimal_number_names_its_parent() -> None:
    # 2. after 1.9 is the next section, not an item of 1.9; 2.1 stands under 2
    text = ("1.9 投标报价不得高于最高限价。\n"
            "2. 投标人资格要求\n"
            "2.1 投标人须具有独立法人资格。\n"
            "2.2 投标人须在本地设有售后服务机构。\n"
            "2.3 服务要求：配备不少于5名驻场服务人员。\n")
    reqs = [r for r in extract_text(text) if r.metric != "other"]
    assert [(r.metric, r.mandatory, r.ref) for r in reqs] == [("local_office", True, "2.2"),
                                                               ("staff_count", True, "2.3")]


def test_a_line_ending_on_a_conjunction_is_no_title() -> None:
    text = ("7. 合同文本\n"
            "某某运营管理中心有限公司与\n"
            "2025年查询服务采购合同\n"
            "3、服务方式及标准\n"
            "3.1 乙方应在接到通知后2小时内到达现场。\n")
    assert [r.section for r in extract_text(text) if r.metric != "other"] == ["服务方式及标准"]


def test_a_chapter_named_in_a_sentence_is_no_heading() -> None:
    text = ("第二章 售后服务要求\n"
            "第四章“合同条款及格式”中的实质性要求按无效投标处理。\n"
            "1. 接到通知后2小时内到达现场。\n")
    assert [r.ref for r in extract_text(text) if r.metric != "other"] == ["第二章 1"]


@pytest.mark.parametrize("text, shown", [
    # a number no metric takes does not hide the demand it stands in
    ("中标人须每月对系统进行一次巡检。", "中标人须每月对系统进行一次巡检"),
    ("质保期内，中标人须每半年对设备进行一次免费巡检保养。", "中标人须每半年对设备进行一次免费巡检保养"),
    ("外包服务人员更换空档期不应超过30日。", "外包服务人员更换空档期不应超过30日"),
    # what the vendor does free of charge is a demand, whatever verb it comes without
    ("质保期内所有零配件免费更换。", "质保期内所有零配件免费更换"),
    # social insurance is the vendor's duty as an employer, no after-sales demand
    ("供应商须为驻场服务人员缴纳近6个月社会保险。", None),
])
def test_an_after_sales_demand_no_metric_takes_needs_a_look(text: str, shown: str | None) -> None:
    others = [r.text for r in extract_text("售后服务要求：\n1. " + text) if r.metric == "other"]
    assert others == ([shown] if shown else [])


@pytest.mark.parametrize("heading, shown", [
    ("四、售后服务要求", ["乙方须于1个工作日内书面报告甲方"]),
    ("二、项目概况", []),
    ("第二章 投标人须知", []),
    # a lead-in line that names the after-sales place is its title; one that only opens a list is not
    ("售后服务要求：", ["乙方须于1个工作日内书面报告甲方"]),
    ("投标人须提供以下材料：", []),
])
def test_a_demand_in_any_words_needs_a_look_in_an_after_sales_place_only(heading: str, shown: list[str]) -> None:
    """A demand of the after-sales place needs no after-sales word; a clause too short to say
    what it demands (乙方承诺) and a penalty (减免使用费) are no demand to show."""
    text = (heading + "\n1. 乙方须于1个工作日内书面报告甲方。\n2. 乙方承诺。\n"
            "3. 单次服务不可用超过1小时的，应减免该服务当月使用费的20%。\n")
    assert [r.text for r in extract_text(text) if r.metric == "other"] == shown
