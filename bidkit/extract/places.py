"""Which parts of a tender speak of after-sales service: every heading, table title, numbered
item's topic (质保期：…) and scoring row is classified from the words below. A domain expert
extends the lists; the code only reads them.

- AFTER_SALES: the places where a tender states its after-sales demands (售后服务, 质保, 技术支持,
  服务要求 sections). Here a demand with no comparable metric is still shown to the writer
  (metric other).
- DEMANDS: the places where a tender states what it demands in general (商务要求, 技术要求,
  采购需求, qualification and 符合性审查 lists, the scoring rubric). They hold after-sales demands
  among technical ones: their compared requirements are kept, their other sentences are shown
  only when they speak of after-sales work (AFTER_SALES_WORDS).
- TERMS: penalty articles (违约责任, 罚则, 扣款): a tender hides real demands in them (供应商须提供
  7×24小时售后支持 inside 违约责任), so they are read as DEMANDS.
- DELIVERY: contract money, delivery and inspection articles (付款, 交货, 包装, 开箱检验): their compared
  requirements are kept (a 质保期 inside 付款方式), their other sentences only when they speak in
  the core after-sales words: 卖方应补齐、更换 at the opening of the crates is no after-sales demand.
- BOILERPLATE: procedure and policy text that never holds an after-sales demand of the buyer
  (投标人须知, 质疑/投诉 procedures, SME policies, bid formats, deposits, the evaluation panel's
  procedure). Nothing found there is kept but sentences in the core after-sales words
  (CORE_AFTER_SALES_WORDS: 质保, 维修, 备品备件…), which a tender sometimes hides among its rules.
- NEUTRAL (anything else, e.g. a contract's title): read as DEMANDS.

The innermost classified heading decides: 第四章 合同条款 (neutral) > 8. 质量保证 (after-sales);
第三章 投标人须知 (boilerplate) > 14 质保期 (after-sales); 第五章 磋商程序 (boilerplate) > 五、评分办法
(demands). Within one title the word that ends last names it, as the head of a Chinese noun
phrase comes last: 售后服务承诺函 is a form, 质量保证金 a deposit, 投标人在质保期内的售后服务方案 an
after-sales place, 质疑与投诉 procedure but 投诉处理 after-sales.
"""
from __future__ import annotations

import re

AFTER_SALES = "after_sales"
DEMANDS = "demands"
TERMS = "terms"
BOILERPLATE = "boilerplate"
DELIVERY = "delivery"
NEUTRAL = ""

# Headings of the places where after-sales demands stand.
AFTER_SALES_TITLES = [
    "售后", "质保", "质量保证", "保修", "维保", "维修", "维护", "运维", "保养", "巡检",
    "技术支持", "技术服务", "服务保障", "服务承诺", "服务响应", "服务人员", "驻场", "人员配置",
    "培训", "备品", "备件", "故障", "应急", "投诉处理", "回访", "响应时间", "到场",
]

# Headings of the places where a tender states what it demands in general (technical and
# commercial requirements, qualification, the 符合性审查 list, the scoring rubric): they hold
# after-sales demands among others.
DEMANDS_TITLES = [
    "商务要求", "技术要求", "采购需求", "需求", "供货要求", "其他要求", "实质性要求", "总体要求",
    # in a service tender the service itself is the goods: its 服务要求 are its specification
    "服务要求", "服务内容", "服务标准", "服务质量", "服务方案", "服务期", "服务时间", "服务范围",
    "资格要求", "资格条件", "符合性审查", "响应性评审",
    "评分标准", "评分细则", "评分办法", "评审因素", "评审标准", "评分", "分值",
]

# The heads that say only "what is demanded" of the words before them: after an after-sales
# word (售后服务要求, 运维服务内容, 质保服务方案) the place is after-sales.
GENERIC_HEADS = frozenset(["服务要求", "服务内容", "服务标准", "服务质量", "服务方案", "需求", "其他要求",
                           "总体要求", "技术要求"])

# Headings whose items are conditions a bidder must meet or be excluded: a qualification
# condition (资格要求) is mandatory like a ★ item.
# (资格审查 names the panel's procedure as often as the conditions: it is neither.)
MANDATORY_TITLES = ["资格要求", "资格条件"]

# Headings of procedure, policy and form text.
BOILERPLATE_TITLES = [
    # the procedure of the tender
    "须知", "招标公告", "采购公告", "邀请", "公告", "递交", "开标", "评标程序", "评审程序",
    "磋商程序", "谈判程序", "评标委员会", "磋商小组", "谈判小组", "定标", "中标候选", "成交候选",
    "中标通知", "成交通知", "澄清", "投标有效期", "投标报价", "报价", "联合体", "分包",
    "代理服务费", "联系方式", "补充事宜", "废标", "重新招标", "信用记录", "招标文件的", "采购文件的",
    # complaints against the procedure (the buyer's 投诉处理 demand is after-sales)
    "质疑", "异议", "投诉",
    # policies
    "中小企业", "小微企业", "残疾人", "监狱企业", "节能", "环保", "环境标志", "政策", "进口产品",
    # forms to fill in
    "文件格式", "投标函", "响应函", "承诺函", "声明函", "授权委托", "授权书", "身份证明",
    "一览表", "报价表", "报价单", "价格表", "偏离表", "应答表", "明细表", "情况表", "封面", "目录",
    "投标文件", "响应文件", "应答文件", "资料表",
    # money and guarantees
    "保证金", "保函",
    # other contract boilerplate
    "知识产权", "保密", "不可抗力", "争议", "税费", "合同生效", "解除", "转让", "适用法律", "业绩",
    # definitions of the words of a contract
    "定义", "释义", "术语",
]

# Penalty articles.
TERMS_TITLES = ["违约", "罚则", "扣款", "扣罚"]

# Contract money, delivery and inspection articles.
DELIVERY_TITLES = ["付款", "支付", "结算", "价款", "交货", "交付", "运输", "包装", "检验", "验货", "到货",
                   "储存", "贮存"]

# Words that show a sentence is an after-sales demand even inside boilerplate (the 须知's
# "投标人应根据货物的技术状况列出随机备品备件的清单": a demand among pricing rules). Words such as 响应
# (响应文件) or 投诉 (质疑投诉) say nothing there.
CORE_AFTER_SALES_WORDS = [
    "售后", "质保", "保修", "保固", "包修", "包换", "维修", "维保", "保养", "巡检", "备品", "备件",
    "备机", "故障", "技术支持", "到达现场", "驻场",
]

# Words that show a sentence speaks of after-sales work. (响应 alone says nothing: 响应文件,
# 是否响应了招标文件的要求.)
AFTER_SALES_WORDS = [
    "售后", "质保", "保修", "保固", "包修", "包换", "包退", "维修", "维护", "维保", "保养", "巡检",
    "故障", "技术支持", "技术服务", "到场", "到达现场", "现场服务", "现场指导", "派员", "服务人员", "驻场",
    "响应时间", "响应机制", "响应速度", "响应支持", "及时响应", "快速响应", "小时响应", "分钟响应",
    "应急响应", "故障响应", "响应保障", "响应并", "内响应", "立即响应",
    "工程师", "培训", "备品", "备件", "备机", "投诉", "回访", "升级", "应急", "服务方案", "服务承诺",
    "服务体系", "服务制度", "服务网点", "服务机构", "更换", "调换", "退换", "退货", "换货", "补货", "7×24", "7*24", "7x24", "5×8",
]


# Sentences that are no demand on the bidder, wherever they stand: a definition (指卖方按合同约定应
# 提供的设备、备品、备件…), a clause of purpose (以便买方…), a condition alone (如果乙方不履行…),
# the buyer's own duties and rights (买方应免费为卖方技术人员提供工作条件; 费用由买方承担; 用户有权…)
# unless a clause names the vendor, and a property of the goods that merely names maintenance
# (应便于维护, 不得影响设备维护). (需(?!要): 甲方需要时 is no duty of the buyer.)
BUYERS = ["买方", "甲方", "采购人", "招标人", "业主", "用户", "采购单位", "使用单位", "采购方", "需方"]
BUYER_DUTIES = ["应", "须", "需(?!要)", "必须", "有权", "可", "负责", "将", "承担", "自行", "不得"]
VENDORS = ["乙方", "卖方", "供方", "供货方", "供应商", "中标人", "中标方", "投标人", "成交人", "承包人", "服务商"]
EASE_WORDS = ["便于", "方便", "易于", "利于", "不影响", "不得影响", "不应影响"]
MAINTENANCE_WORDS = ["维护", "维修", "检修", "更换", "巡检", "保养"]


def _alternation(words: list[str]) -> re.Pattern:
    return re.compile("|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)))


_TITLE_RES = [(_alternation(AFTER_SALES_TITLES), AFTER_SALES), (_alternation(DEMANDS_TITLES), DEMANDS),
              (_alternation(TERMS_TITLES), TERMS), (_alternation(DELIVERY_TITLES), DELIVERY),
              (_alternation(BOILERPLATE_TITLES), BOILERPLATE)]
_WORDS_RE = _alternation(AFTER_SALES_WORDS)
_MANDATORY_TITLE_RE = _alternation(MANDATORY_TITLES)
_CORE_RE = _alternation(CORE_AFTER_SALES_WORDS)
_SPACES_RE = re.compile(r"\s+")
_PARENTHESIS_RE = re.compile(r"[(（][^)）]*[)）]")
# A title names its place: 二、商务要求 (the numbering is already gone), 质保期：3年 (the topic
# before a colon), not a long sentence that merely mentions 售后服务.
_TOPIC_RE = re.compile(r"^([^，,。；;:：]{1,20})[:：]")
_CLAUSE_RE = re.compile(r"[，,。；;]")
# A short sentence is no title: one that ends as a sentence ends (接到投诉后24小时内处理完毕。) or
# states a quantity (24小时内处理完毕) says what to do, not where it stands.
_SENTENCE_END_RE = re.compile(r"[。；;！!]\s*$")
_QUANTITY_RE = re.compile(r"\d\s*(?:个?小时|分钟|个?工作日|天|日|周|个月|月|年|人|名|次|%)")
TITLE_MAX = 24


def title_of(content: str) -> str:
    """The part of a heading, item or table row that names its section: the whole text when
    short, the topic before a colon, else ""."""
    text = _SPACES_RE.sub("", content).lstrip("★☆▲△#※●◆■█")
    sentence = bool(_SENTENCE_END_RE.search(text))
    text = _PARENTHESIS_RE.sub("", text).rstrip("，,。；;:：、")
    if not text:
        return ""
    m = _TOPIC_RE.match(text)
    if m:
        return m.group(1)
    if len(text) <= TITLE_MAX and not sentence and not _CLAUSE_RE.search(text) and not _QUANTITY_RE.search(text):
        return text
    return ""


def classify(title: str) -> str:
    """The place a title names: AFTER_SALES, DEMANDS, TERMS, DELIVERY, BOILERPLATE or NEUTRAL ("").

    A generic head (GENERIC_HEADS: 服务要求, 服务方案, 需求…) right after an after-sales word
    names no other place: 售后服务要求 and 运维服务内容 are after-sales places, 售后服务评分 a
    scoring one."""
    if not title:
        return NEUTRAL
    best, best_start, best_end, best_len = NEUTRAL, -1, -1, 0
    after_sales_end = -1
    for regex, place in _TITLE_RES:
        for m in regex.finditer(title):
            end, size = m.end(), m.end() - m.start()
            if place == AFTER_SALES:
                after_sales_end = max(after_sales_end, end)
            if end > best_end or (end == best_end and size > best_len):
                best, best_start, best_end, best_len = place, m.start(), end, size
    if best == DEMANDS and 0 <= after_sales_end < best_end and title[best_start:best_end] in GENERIC_HEADS:
        between = title[after_sales_end:best_start] if after_sales_end < best_start else ""
        if not between.strip("服务的及与和"):
            return AFTER_SALES
    return best


def makes_mandatory(title: str) -> bool:
    """Whether a title heads conditions a bidder must meet (资格要求)."""
    return bool(title) and bool(_MANDATORY_TITLE_RE.search(title))


_DEFINITION_RE = re.compile(r"^(?:[^，,。；;]{0,16}?(?:是指|系指)|指)")
# A clause of purpose (使买方有足够的时间考虑备品备件的需求量, 以便买方持续获得上述备品备件) says why,
# the demand stands in the clause before it.
_PURPOSE_RE = re.compile(r"^(?:以便|以使|使得|以免|从而|使(?!用))")
# A condition or a cause alone (如果乙方不履行售后服务承诺, 或乙方提供的技术资料有错误, 而造成…停止运行):
# the demand is the clause that follows it.
_CONDITION_RE = re.compile(r"^(?:如果|如因|如若|倘若|假如|若|如(?!期|实|下|约)|或因|或者|或|而|因)")
_DEMAND_VERB_RE = re.compile(r"应|须|需|必须|负责|保证|确保|不得|承担|赔偿|免费|提供(?!的)")
_BUYER_RE = re.compile(r"^(?:则|但|且|并|同时|此时)?(?:" + "|".join(BUYERS) + r")(?:" + "|".join(BUYER_DUTIES) + r")"
                       r"|由(?:" + "|".join(BUYERS) + r")(?:承担|负责|自行)")
_VENDOR_CLAUSE_RE = re.compile(r"[，,；;：:](?:则|由)?(?:" + "|".join(VENDORS) + r")")
_EASE_RE = re.compile(r"(?:" + "|".join(EASE_WORDS) + r")[^，,。；;]{0,10}?(?:" + "|".join(MAINTENANCE_WORDS) + ")")


def no_demand_on_the_bidder(text: str) -> bool:
    """Whether a sentence demands nothing of the bidder: a definition, a clause of purpose, a
    condition with no demand of its own, the buyer's duty or right, a property of the goods
    (便于维护)."""
    text = _SPACES_RE.sub("", text)
    if _CONDITION_RE.search(text) and not _DEMAND_VERB_RE.search(text):
        return True
    # 甲方应及时通知，乙方须…: the demand is the vendor's
    buyers = bool(_BUYER_RE.search(text)) and not _VENDOR_CLAUSE_RE.search(text)
    return buyers or bool(_DEFINITION_RE.search(text) or _PURPOSE_RE.search(text) or _EASE_RE.search(text))


def speaks_of_after_sales(text: str) -> bool:
    return bool(_WORDS_RE.search(_SPACES_RE.sub("", text)))


def is_after_sales_demand(text: str) -> bool:
    """Whether a sentence found in boilerplate is still an after-sales demand (CORE words)."""
    return bool(_CORE_RE.search(_SPACES_RE.sub("", text)))
