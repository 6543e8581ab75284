"""Requirements stated without a number: 设有售后服务机构, 提供备用机, 定期回访, 立即响应, a number
left blank (____小时内); each is `present`, never a guessed value."""
from __future__ import annotations

import re

from bidkit.extract.sentences import Cand
from bidkit.extract.vocabulary import KEYWORDS, NEGATION_RE, UNITS, Kw, trie_regex


_MASKED_RE = re.compile(r"(?:[X×]+|[x_＿□○*＊]{2,}|\s{3,})\s*(?:个\s*)?"
                        r"(?P<unit>分钟|小时|工作日|天|日|个月|月|年|人|名|次)")
_MASKED_UNIT = {"分钟": "minute", "小时": "hour", "工作日": "workday", "天": "day", "日": "day",
                "个月": "month", "月": "month", "年": "year", "人": "person", "名": "person",
                "次": "times"}
# 立即响应, and a time the tender sets elsewhere (按规定时间内答复, 约定时间内提供备机).
_IMMEDIATE_RE = re.compile(r"(?:立即|即时|立刻|马上|第一时间|实时|(?:规定|约定|要求|指定)的?时间(?:内|之内))")


_PROMPT_METRICS = ("response_time", "onsite_arrival", "repair_completion", "replacement_time",
                   "substitute_equipment", "complaint_response")


def _alternatives(metric: str, drop: tuple[str, ...] = ()) -> str:
    # Factored by prefixes (one regex branch a character, not one a word): these run on every clause.
    return trie_regex([w for w in KEYWORDS[metric] if w not in drop]).pattern


# 设有售后服务机构 / 以本市一类维修企业作为售后服务网点 / 在项目所在地设维保站点 (not 有限公司杭州分公司,
# a company's name).
_OFFICE_PRESENT_RE = re.compile(
    r"(?:(?<!无需)(?<!不需)(?<!不必)(?:设有|设立|设置|建立|建有|拥有|具有|具备|配备|提供|成立|开设|作为|有(?!限))"
    r"|(?:本地|本区|本市|本县|本省|当地|所在地|所在市|所在区|所在县|市内|区内|县内))"
    rf"[^，,。；;|]{{0,14}}?(?:{_alternatives('local_office')})")
_SUBSTITUTE_PRESENT_RE = re.compile(
    r"(?:提供|配备|调配|借用|安排|备有|配置|调拨)[^，,。；;|]{0,14}?"
    rf"(?:{_alternatives('substitute_equipment', ('借用设备', '临时替代', '应急设备', '临时设备'))})")
_TRAINING_PRESENT_RE = re.compile(r"(?:(?:提供|进行|组织|负责|开展|安排|实施)[^，,。；;|]{0,16}?培训"
                                  r"(?!计划|方案|费|资料|教材|记录|内容|课件|手册|证书|认证|合格|考核)"
                                  r"|培训(?:甲方|采购人|用户|使用单位|业主|院方|校方|买方))")
_SPARE_PRESENT_RE = re.compile(
    r"(?:建立|设立|设置|储备|备有|建有|提供|配备|列出|列明|开列)[^，,。；;|]{0,10}?(?:备品备件库|备件库|备品备件|备件中心|"
    r"备件仓库)|(?:备品备件|备件|零配件|配件|零部件|易损件)[^，,。；;|]{0,6}?(?:供应|供货)(?!商|方|单位)")
# 委派技术人员进行现场解决 / 派工程师上门维修: someone must come to fix it, at no stated time
# (not 派技术人员提供现场服务, a service given on site).
_ONSITE_PRESENT_RE = re.compile(r"(?:委派|派遣|派出|安排|派)[^，,。；;|]{0,12}?(?:人员|工程师|技术员|专人)"
                                r"[^，,。；;|]{0,8}?(?:现场(?:解决|处理|排除|维修|抢修)|上门(?:维修|处理|抢修))")
_PERIOD = r"每\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?:年|季度?|月|周|星期|旬)"
_VISIT_PRESENT_RE = re.compile(r"(?:定期|定时|不定期|回访制度|建立[^，,。；;|]{0,6}回访|满意度[^，,。；;|]{0,4}回访|"
                               r"回访[^，,。；;|]{0,4}满意度|(?:进行|开展|组织|做好)[^，,。；;|]{0,6}回访|"
                               rf"{_PERIOD}[^，,。；;|]{{0,8}}?回访|回访[^，,。；;|]{{0,4}}?{_PERIOD})")
# 按设备总量的2%储备备品备件 / 提供3%的备用模块: a stock as a share of the units is a spare-parts
# demand (present: a percentage is no time to compare), not a substitute for a repair.
_SPARE_NOUNS = (r"(?:备品备件|备件|备品|零配件|配件|易损件|备用(?:终端|模块|装置|设备|部件|机|产品)|"
                r"替换(?:装置|终端|模块))")
_SPARE_PERCENT_RE = re.compile(r"(?:[0-9]+(?:\.[0-9]+)?\s*[%％]|百分之[0-9一二三四五六七八九十点]+)"
                               rf"[^，,。；;|]{{0,8}}?{_SPARE_NOUNS}"
                               rf"|{_SPARE_NOUNS}[^，,。；;|]{{0,8}}?[0-9]+(?:\.[0-9]+)?\s*[%％]")
# 省内设有原厂备件库 / 本市设有备件仓库: a warehouse in the buyer's province or city is a local office.
_LOCAL_STORE_RE = re.compile(
    r"(?:本地|本区|本市|本县|本省|当地|所在地|所在市|所在区|所在县|所在省|市内|区内|县内|省内|全省|省会|城区)"
    r"[^，,。；;|]{0,10}?(?:备品备件|备件|配件)?(?:库|仓库|中心|储备点)")
# 提供足够数量驻场服务人员: enough service staff, a head count the tender leaves to the bid (not
# 充足的技术人员、工具和备件, resources listed together).
_STAFF_PRESENT_RE = re.compile(r"(?:足够|充足|足额)(?:数量)?的?(?:驻场|现场|专职|运维|维护|维保|售后)*(?:服务)?人员"
                               r"(?![、，,]\s*(?:工具|设备|备件|车辆|物资))")
# 用户投诉…，供应商应主动对接解决: in a sentence about complaints, a clause that demands they be
# handled, with no deadline given.
_COMPLAINT_PRESENT_RE = re.compile(r"(?:处理|解决|对接|回复|答复|整改|反馈)")
_CONDITION_RE = re.compile(r"的\s*$")
_EXCLUDE_REACH = 8
# 督促其他维护单位在规定的时间内完成故障修复: a demand the bidder passes on to another party.
_THIRD_PARTY_RE = re.compile(r"(?:督促|监督|协调|要求|配合)(?:其他|其它|第三方|相关|有关)")
_TOWARDS_RE = re.compile(r"(?:向|给)[^，,。；;|]{0,10}$")
# 做出详细的响应时间 / 明确到场时间: the bid is to state the time, the tender sets none.
_STATE_THE_TIME = r"(?:做出|作出|制定|明确|提供|给出|列明|承诺|说明)[^，,。；;|]{0,14}?"
_RESPONSE_PRESENT_RE = re.compile(_STATE_THE_TIME + r"响应时[间限]")
_ARRIVAL_PRESENT_RE = re.compile(_STATE_THE_TIME + r"(?:到场|到达现场|到达)时[间限]")
_REPAIR_PRESENT_RE = re.compile(_STATE_THE_TIME + r"(?:修复|维修|故障处理|排除故障)时[间限]")
# Metrics whose demand without a number is itself the requirement, with the words that say so.
_PRESENT_RULES = (
    ("local_office", _OFFICE_PRESENT_RE),
    ("substitute_equipment", _SUBSTITUTE_PRESENT_RE),
    ("training", _TRAINING_PRESENT_RE),
    ("spare_parts", _SPARE_PRESENT_RE),
    ("return_visit", _VISIT_PRESENT_RE),
    ("staff_count", _STAFF_PRESENT_RE),
    ("response_time", _RESPONSE_PRESENT_RE),
    ("onsite_arrival", _ONSITE_PRESENT_RE),
    ("onsite_arrival", _ARRIVAL_PRESENT_RE),
    ("repair_completion", _REPAIR_PRESENT_RE),
    ("complaint_response", _COMPLAINT_PRESENT_RE),
)

PRESENT_METRICS = {"local_office", "substitute_equipment", "training", "spare_parts", "return_visit",
                   "staff_count", "complaint_response", "response_time", "onsite_arrival", "repair_completion"}
PRESENT_HINT_RE = re.compile(r"[X×x_＿□○*＊]|\s{3}|立即|即时|立刻|马上|第一时间|实时|(?:规定|约定|要求|指定)的?时间")


def present_candidates(clause: str, c0: int, kws: list[Kw], metrics: set[str] | frozenset[str],
                       cands: list[Cand], complaint: bool, hinted: bool) -> list[Cand]:
    """Requirements stated without a number: 立即响应, 设有售后服务机构, 提供备用机, masked XX小时.
    `hinted`: whether the clause holds a mask or a word of PRESENT_HINT_RE (the caller knows)."""
    have = {c.metric for c in cands}
    out: list[Cand] = []

    excluded = [k.start - c0 for k in kws if k.metric == "exclude"]

    def add(metric: str, at: int, end: int | None = None) -> None:
        # 履约保证金…设有分公司: a demand beside a procedure word is the procedure's; one that
        # names it (负责安装并培训) is still a demand.
        end = at if end is None else end
        if any(at - _EXCLUDE_REACH <= e < at or end <= e <= end + _EXCLUDE_REACH for e in excluded):
            return
        if complaint and metric in ("response_time", "repair_completion"):
            metric = "complaint_response"
        if metric not in have:
            have.add(metric)
            out.append(Cand(metric, "present", None, None, c0 + at, c0 + len(clause)))

    # (Both need a mask or a word of PRESENT_HINT_RE: most clauses have neither.)
    # A number left blank or masked (____小时内, XX小时): present, never a guess.
    m: re.Match[str] | None
    for m in _MASKED_RE.finditer(clause) if hinted else ():
        unit = _MASKED_UNIT[m.group("unit")]
        near = [k for k in kws if unit in UNITS.get(k.metric, ()) and k.anchor and not k.negated
                and k.start >= c0 + m.start() - 12]
        after = [k for k in near if k.start >= c0 + m.end()]
        if after or near:
            add((after or near)[0].metric, m.start())
    # 立即响应 / 第一时间到达现场.
    for m in _IMMEDIATE_RE.finditer(clause) if hinted else ():
        hit = next((k for k in kws if 0 <= k.start - (c0 + m.end()) <= 6
                    and k.metric in _PROMPT_METRICS and not k.negated), None)
        if hit and not _THIRD_PARTY_RE.search(clause, 0, m.start()):
            add(hit.metric, m.start())
    if "%" in clause or "％" in clause or "百分之" in clause:
        m = _SPARE_PERCENT_RE.search(clause)
        if m:
            add("spare_parts", m.start())
            have.add("substitute_equipment")
    if "spare_parts" in metrics and "local_office" not in have:
        m = _LOCAL_STORE_RE.search(clause)
        if m and not NEGATION_RE.search(clause, max(0, m.start() - 3), m.start()):
            add("local_office", m.start())
    for metric, pattern in _PRESENT_RULES if complaint or not metrics.isdisjoint(PRESENT_METRICS) else ():
        if (metric in metrics or (complaint and metric == "complaint_response")) and metric not in have:
            if metric == "complaint_response" and _CONDITION_RE.search(clause):
                continue  # 如发生用户投诉未能妥善解决的: a condition, not the demand
            m = pattern.search(clause)
            if m and metric == "local_office" and _TOWARDS_RE.search(clause, max(0, m.start() - 12), m.start()):
                continue  # 向委托方的当地分公司报告: the buyer's office, not one the bid must have
            if m and not NEGATION_RE.search(clause, max(0, m.start() - 3), m.start()):
                add(metric, m.start(), m.end())
    return out
