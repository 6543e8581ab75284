"""The after-sales vocabulary: the keyword families of each metric and the contexts that rule a
keyword out, the units each metric accepts, and finding the keywords of a text."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable


KEYWORDS: dict[str, tuple[str, ...]] = {
    "warranty_period": (
        "质保期", "保修期", "质量保证期", "质量保修期", "免费保修期", "免费质保期", "免费维保期",
        "免费维护期", "免费运维期", "免费维修期", "维保期", "维保服务期", "免费维保", "免费保修",
        "免费质保", "原厂质保",
        "原厂保修", "整机质保", "整机保修", "质保", "保修", "包修", "质量保证"),
    "response_time": (
        "响应时间", "响应", "答复", "回复", "回应", "远程指导", "远程诊断", "远程支持", "远程技术支持",
        "远程协助", "电话支持", "做出反应", "作出反应", "接收时限", "接单时限", "工单接收", "受理时限"),
    "onsite_arrival": (
        "到达现场", "到达用户现场", "到达采购人现场", "赶到现场", "赶赴现场", "抵达现场", "到现场",
        "到场", "上门", "到达", "抵达", "赶到", "派员", "派人", "到院", "到校", "到馆", "赶往现场",
        "前往现场", "赶赴", "出发", "维修到位", "响应到位", "抢修到位", "现场解决", "现场处理", "到位"),
    "repair_completion": (
        "修复", "排除故障", "故障排除", "排除", "恢复", "解决", "修好", "维修完毕", "维修完成",
        "处理完毕", "处理完成", "修理完毕", "故障处理", "处理时间", "维修时间", "修复时间",
        "修不好", "修不了", "修复不了", "排除不了", "解决不了", "处理时长", "处理时限", "处理期限",
        "修复时限"),
    "replacement_time": (
        "更换", "换货", "换新", "调换", "退换", "补货"),
    "substitute_equipment": (
        "备用机", "备用设备", "备机", "代用设备", "代用机", "替代设备", "替代机", "替代产品",
        "周转机", "周转设备", "备用产品", "借用设备", "临时替代", "代用车", "备用车", "替代车",
        "周转车", "代步车", "替换机", "替换设备", "应急设备", "临时设备", "备用车辆", "代用车辆",
        "备用终端", "替换装置", "备用装置", "备用模块", "替代装置", "替换终端", "替换模块"),
    "local_office": (
        "售后服务机构", "服务机构", "售后服务网点", "服务网点", "维修网点", "维修站", "服务站",
        "办事处", "分支机构", "常驻机构", "售后服务中心", "服务中心", "维修中心", "本地化服务",
        "本地服务", "服务点", "维修点", "服务部", "分公司", "常驻点", "驻点", "维修场所", "服务场所",
        "维保站点", "维修站点", "服务站点", "售后站点", "维保站", "保养站", "4S店", "4s店", "售后网点",
        "常驻服务点", "驻地化服务", "驻地服务", "经营场所"),
    "staff_count": (
        "售后服务人员", "售后人员", "售后服务团队", "售后团队", "服务团队", "服务人员", "运维人员",
        "维保人员", "驻场人员", "项目组人员", "专职人员", "人员配置", "人数", "服务小组", "团队",
        "岗位配置", "岗位数量", "岗位设置",
        "人员"),
    "engineer_count": (
        "工程师", "技术人员", "维修人员", "技术支持人员", "专业人员", "技术骨干", "电工", "持证人员"),
    "training": ("培训人数", "培训人次", "培训时间", "培训天数", "培训次数", "培训课时", "培训时长",
                 "培训人员", "受训人员", "参训人员", "培训",),
    "spare_parts": ("备品备件", "备件", "零配件", "配件", "零部件", "易损件", "备品"),
    "return_visit": ("回访",),
    "complaint_response": ("投诉",),
    # Verbs that finish something: repair in a repair sentence, a complaint in a complaint one.
    "completion": ("完成", "完毕", "办结"),
    # Words around a number that is no after-sales requirement.
    "exclude": (
        "质保金", "保证金", "质量保证金", "预算", "限价", "控制价", "业绩", "注册资本", "投标有效期", "有效期",
        "付款", "支付", "违约金", "违约", "罚款", "扣款", "扣除", "减免", "赔偿", "经验", "从业", "工龄",
        "社保", "社会保险", "成立", "合同签订", "签订合同", "签订后", "签订之日", "工期", "竣工", "开标",
        "截止", "安装", "调试", "公告", "报名", "质疑", "履约", "年龄", "学历",
        # Staff turnover in a labour contract: how fast a leaver is replaced is no after-sales time.
        "补员", "人员补充", "补充人员", "人员更换", "更换人员", "离职", "替换人员"),
    "delivery": ("交货", "供货", "发货", "到货", "送货"),
}
# Context a keyword must not have: 响应文件 is a bid document, 货物到达 a delivery, 供货商 the
# supplier (供货商须在12小时内响应 is no delivery time).
_NOT_AFTER = {"响应": re.compile(r"文件|供应商|人|表|偏离|情况|内容|程度|方案|条款|的条款|招标|磋商|谈判|询价|采购(?:文件|需求|要求)"),
              "供货": re.compile(r"商|方|单位|企业|厂家|厂商"),
              "解决": re.compile(r"方案|措施|办法|争议|纠纷|不成"), "恢复": re.compile(r"期"), "回复": re.compile(r"函"),
              "服务中心": re.compile(r"热线"), "到达": re.compile(r"率"), "排除": re.compile(r"在外|责任"),
              "人数": re.compile(r"比例")}
# 实质性响应 / 响应招标文件: answering the tender, not a fault; 协商解决 / 解决争议: settling a dispute.
_NOT_BEFORE = {"响应": re.compile(r"(?:逐条|全部|完全|均须|实质性|无效|文件)$"), "到达": re.compile(r"(?:货物|产品)$"),
               "解决": re.compile(r"(?:协商|调解|诉讼|仲裁|争议的|纠纷的)$"),
               # 服务人员更换空档期: replacing a worker is staffing, not replacing faulty goods.
               "更换": re.compile(r"(?:人员|员工)\s*$")}

# Metrics and the units they accept; the first group are deadlines (a flat number is a ceiling).
TIME = ("minute", "hour", "day", "workday", "week")
DEADLINES = ("response_time", "onsite_arrival", "repair_completion", "replacement_time",
             "substitute_equipment", "complaint_response")
UNITS: dict[str, tuple[str, ...]] = {
    **{m: TIME for m in DEADLINES},
    "warranty_period": ("month", "year", "day", "week"),
    "spare_parts": TIME + ("month", "year"),
    "training": ("day", "workday", "hour", "person", "times"),
    "staff_count": ("person",),
    "engineer_count": ("person",),
    "return_visit": ("times",),
}
FLOORS = ("warranty_period", "staff_count", "engineer_count", "training", "return_visit",
          "service_hours")

_WEAK_TERMS = {"人员"}

_NEGATABLE = {"response_time", "onsite_arrival", "repair_completion", "replacement_time",
              "substitute_equipment", "local_office", "completion", "complaint_response"}

DIGIT_RE = re.compile(r"[0-9零〇一二三四五六七八九十两壹贰叁肆伍陆柒捌玖拾半全]")

_TERM_METRIC = {term: metric for metric, words in KEYWORDS.items() for term in words}


def trie_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regex for many words, factored by common prefixes: it tries a handful of branches at
    each character instead of every word, and prefers the longest word (质保期 over 质保)."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (body if len(branches) > 1 else "(?:" + body + ")") + "?"
        return body

    return re.compile(emit(trie))


_KEYWORD_RE = trie_regex(_TERM_METRIC)


def keyword_matches(norm: str) -> list[tuple[str, str, int, int]]:
    """(term, metric, start, end) of every keyword, longest first, skipping excluded contexts."""
    out = []
    # 详见《…分公司代维考核办法》: words inside a document's title are its name, not a demand.
    titles = [t.span() for t in _TITLE_RE.finditer(norm)] if "《" in norm else ()
    ti = 0  # titles and keywords come in text order, titles never overlap: one pass for both
    for m in _KEYWORD_RE.finditer(norm):
        term = m.group()
        k0, k1 = m.span()
        if titles:
            while ti < len(titles) and titles[ti][1] <= k0:
                ti += 1
            if ti < len(titles) and titles[ti][0] < k0:
                continue
        if term in _HAS_CONTEXT:  # only a few terms have a context to check
            after = _NOT_AFTER.get(term)
            before = _NOT_BEFORE.get(term)
            if (after and after.match(norm, k1)) or (before and before.search(norm, max(0, k0 - 4), k0)):
                continue
        out.append((term, _TERM_METRIC[term], k0, k1))
    return out


_HAS_CONTEXT = frozenset(_NOT_AFTER) | frozenset(_NOT_BEFORE)
_TITLE_RE = re.compile(r"《[^《》]{1,80}》")

NEGATION_RE = re.compile(r"(?:不能|未能|无法|不可|难以|没有|不到|未)[^，,。；;]{0,7}$")
_NEGATION_WORD_RE = re.compile(r"不能|未能|无法|不可|难以|没有|不到|未")
# 到达现场后30分钟内定位故障: the clock starts at the arrival, which times nothing here.
_AFTER_EVENT = ("以后", "之后", "后")  # (str.startswith: a regex call costs more on every keyword)
_NON_ANCHOR_AFTER_RE = re.compile(r"(?:内|满|届满|到期|结束|以外|外|后|期间|间|起)")

# 每天顺延保修期2天 / 质保期相应顺延: a penalty that extends the warranty, not its length.
_EXTENDED_AFTER_RE = re.compile(r"(?:将|则|予以|亦|也|应|须|同时|均)*\s*(?:(?:相应|自动)?\s*顺延|(?:相应|自动)\s*延长)")
_EXTENDED_BEFORE_RE = re.compile(r"(?:顺延|相应延长|自动延长)\s*$")
_TEMPORARY_UNIT_RE = re.compile(r"临时[^，,。；;：:|停]{0,6}?(?:设备|机组|车辆|用车|机器)")

_BUYER_RE = re.compile(r"(?:采购人|采购单位|用户|院方|校方|学校|医院|甲方|买方|使用单位|使用科室|业主|客户)"
                       r"[^，,。；;]{0,4}$")


# (收到通知后48小时内到达: a notice that starts the clock, not what arrives; hence no 通知, no 后.)
_PAPER_BEFORE_RE = re.compile(r"(?:报告|文件|资料|函件?|报表|邮件|单据|发票)[^，,。；;|后]{0,20}$")
_STAFF_NOUN_RE = re.compile(r"人员|员工|工程师|技术员|项目经理|负责人")
_GOODS_NOUN_RE = re.compile(r"设备|货物|产品|部件|配件|备件|零件|材料|器材|商品|食品|物品|硬件|模块|终端|机器|整机|主机|备机|器件|元件")


def _sentence_before(norm: str, k0: int) -> str:
    """The sentence before k0, at most 40 characters of it."""
    start = max(0, k0 - 40)
    for stop in "。；;":
        start = max(start, norm.rfind(stop, start, k0) + 1)
    return norm[start:k0]


def _replaces_staff(norm: str, k0: int) -> bool:
    """Whether the 更换 at k0 replaces people: its sentence names staff before it and no goods."""
    before = _sentence_before(norm, k0)
    return bool(_STAFF_NOUN_RE.search(before)) and not _GOODS_NOUN_RE.search(before)


def _people_arrive(norm: str, k0: int) -> bool:
    """Whether the 到位 at k0 is people arriving: staff are named after the last goods before it
    (设备故障时，维修人员须2小时内到位, not 备品备件24小时内到位)."""
    before = _sentence_before(norm, k0)
    staff = [m.end() for m in _STAFF_NOUN_RE.finditer(before)]
    goods = [m.end() for m in _GOODS_NOUN_RE.finditer(before)]
    return bool(staff) and (not goods or staff[-1] > goods[-1])


# Training the vendor gives its own staff (岗前培训, 对队员开展…培训) is how it runs its service,
# not training of the buyer's people; the search stays inside the clause before 培训.
_OWN_STAFF_RE = re.compile(
    r"(?:对|为|给|组织)[^，,。；;|]{0,10}?(?:服务人员|队员|员工|保安员?|保洁员?|外包人员|派遣人员|驻场人员|"
    r"工作人员|从业人员|自有人员|项目人员|作业人员)[^，,。；;|]{0,14}$|对其[^，,。；;|]{0,8}$|"
    r"(?:岗前|上岗|入职|新员工|安全生产)[^，,。；;|]{0,3}$")


@dataclass(slots=True)
class Kw:
    metric: str
    start: int
    end: int
    negated: bool
    anchor: bool  # can govern a number (质保期内 / 质保期满后 cannot)
    weak: bool = False  # governs a number only when no other keyword can (人员)


def find_keywords(norm: str) -> list[Kw]:
    keywords = []
    previous_end = 0
    negations = _NEGATION_WORD_RE.search(norm) is not None
    for term, metric, k0, k1 in keyword_matches(norm):
        # 不能修复 / 未到达现场: the negation must reach this keyword, not one before it.
        negated = metric in _NEGATABLE and (
            (negations and NEGATION_RE.search(norm, max(previous_end, k0 - 9), k0) is not None)
            or "不" in term)
        anchor = not (metric == "warranty_period" and (
            _NON_ANCHOR_AFTER_RE.match(norm, k1) or _EXTENDED_AFTER_RE.match(norm, k1)
            or _EXTENDED_BEFORE_RE.search(norm, max(0, k0 - 4), k0))) \
            and not (metric in DEADLINES and norm.startswith(_AFTER_EVENT, k1))
        if metric == "onsite_arrival" and _PAPER_BEFORE_RE.search(norm, max(0, k0 - 30), k0):
            continue  # 书面报告…当日到达用户: a document arrives, not an engineer
        if metric == "replacement_time" and _replaces_staff(norm, k0):
            continue  # 若服务人员无法胜任，须在5个工作日内更换: a worker, not faulty goods
        if term == "到位" and not _people_arrive(norm, k0):
            continue  # 备品备件24小时内到位 / 资金到位: goods or money, not an engineer on site
        if metric == "training" and _OWN_STAFF_RE.search(norm, max(0, k0 - 24), k0):
            continue  # 对服务人员进行保密培训 / 岗前培训: the vendor trains its own people
        if metric in ("staff_count", "engineer_count") and _BUYER_RE.search(norm, max(0, k0 - 6), k0):
            metric = "trainee"  # 采购人技术人员: the buyer's people, counted only when trained
        keywords.append(Kw(metric, k0, k1, negated, anchor, term in _WEAK_TERMS))
        previous_end = k1
    if "临时" in norm:
        # 提供临时制冷设备 / 临时替代车辆: a temporary unit stands in for the one in repair.
        # (The keywords are in text order and never overlap: the last one starting before the
        # match's end is the only one that can overlap it.)
        starts = [k.start for k in keywords]
        extra = []
        for m in _TEMPORARY_UNIT_RE.finditer(norm):
            i = bisect.bisect_left(starts, m.end()) - 1
            if i < 0 or keywords[i].end <= m.start():
                extra.append(m)
        if extra:
            keywords.extend(Kw("substitute_equipment", m.start(), m.end(), False, True) for m in extra)
            keywords.sort(key=lambda k: k.start)
    return keywords
