"""Tie each quantity of a clause to the keyword that governs it ("2小时内到达现场",
"质保期不少于3年") and read its operator (不少于 / 以内 / a flat statement in the buyer's favour);
round-the-clock service (7×24), conditions (超过3天的) and spoken counts (当日, 两期)."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bidkit.extract.scoring import INCREMENT_RE, NO_POINTS_RE
from bidkit.extract.sentences import Cand
from bidkit.extract.vocabulary import DEADLINES, FLOORS, TIME, UNITS, Kw
from bidkit.quantity import Quantity, ServiceHours, chinese_number


_OP_BEFORE_RE = re.compile(
    r"(?P<ge>不少于|不低于|不小于|不短于|不得少于|不应少于|不能少于|不得低于|不应低于|至少|最少|最低|"
    r"起码|≥|>=|大于等于|大于或等于|不少於)"
    r"|(?P<le>不超过|不多于|不大于|不高于|不长于|不晚于|不迟于|不得超过|不应超过|不能超过|不宜超过|"
    r"最多|最长|最迟|≤|<=|小于等于|小于或等于|小于|少于|低于|短于|以内)"
    r"|(?P<cond>超过|超出|逾|大于|多于|长于)"
)
_OP_AFTER_RE = re.compile(
    r"\s*(?:[(（]含[)）])?\s*(?:(?P<le>以内|之内|内|以下|及以下|或以下|为限)|(?P<ge>以上|及以上|或以上|及其以上))")

_CAP_RE = re.compile(r"最长|最多")
# 七天内，…: a deadline that ends its clause, its verb in the next one.
_DANGLING_RE = re.compile(r"\s*(?:以内|之内|内)\s*")
# 1小时内实施应急处置: a deadline followed by a verb of its own, which the vocabulary does not
# know, inherits no metric from the clause before.
_OWN_VERB_RE = re.compile(r"\s*(?:以内|之内|内)\s*(?:实施|开展|组织|启动|采取)")
_TAKEN_RE = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以内|之内|内)?\s*")
_PAST_RE = re.compile(r"(?:近|最近|过去|前)\s*$")

_RESTATED_RE = re.compile(r"\s*[(（]\s*(?:即|合|共)?\s*")

_RANGE_RE = re.compile(r"[0-9零〇一二三四五六七八九十两]\s*(?:个)?\s*(?:[~～\-—–]|至|到)\s*$")
_DEADLINE_RE = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以内|之内|内)")


def clause_candidates(norm: str, c0: int, c1: int, kws: list[Kw], qs: list, inherited: str | None,
                      scoring: bool, complaint: bool = False) -> list[Cand]:
    """Tie each quantity of one clause to the keyword that governs it; in a sentence about
    complaints, feeding back the result is the complaint's own deadline."""
    out: list[Cand] = []
    real, excluded, delivery = _split_keywords(kws)
    last_metric: str | None = None
    last_end = -1
    metric: str | None
    for qi, q in enumerate(qs):
        qv = q.quantity
        if getattr(q, "same_day", False):
            # 当日修复 / 当天完成: a deadline of one day, for the verb right after it.
            k = next((k for k in real if 0 <= k.start - q.end <= 3), None)
            if k is not None and k.metric in DEADLINES and not k.negated:
                out.append(Cand(k.metric, "<=", qv.value, qv.unit, q.start, q.end, False, qv, c0))
                last_metric = inherited = k.metric
            last_end = q.end
            continue
        if isinstance(qv, Quantity) and qv.unit == "hour" and qv.value == 24 and _round_the_clock(norm, q, c0, c1, real):
            out.append(Cand("service_hours", ">=", str(_ALL_DAY), None, q.start, q.end, quantity=_ALL_DAY))
            last_end = q.end
            continue
        if isinstance(qv, ServiceHours):
            if not any(abs(k.start - q.start) <= 12 or abs(q.end - k.end) <= 12 for k in excluded):
                out.append(Cand("service_hours", ">=", str(qv), None, q.start, q.end, quantity=qv))
            continue
        if qv.value <= 0 or (norm.find("每", max(c0, q.start - 4), q.start) >= 0  # cheap test first
                             and INCREMENT_RE.search(norm, max(c0, q.start - 4), q.start)) \
                or _PAST_RE.search(norm, max(c0, q.start - 3), q.start):
            last_end = q.end
            continue
        if scoring and NO_POINTS_RE.search(norm[q.end:c1]):
            continue
        # A restatement in brackets (5年（60个月）) belongs to the quantity before it.
        if last_metric and last_end >= 0 and _RESTATED_RE.fullmatch(norm, last_end, q.start):
            metric = last_metric
        else:
            metric = _shared_verb(norm, q, qs, qi, real, c1) or _governing(norm, q, qv, real, qs, c0, c1, qi)
            topic_before = c0 > 0 and norm[c0 - 1] in ":："
            own_verb = _OWN_VERB_RE.match(norm, q.end, c1)
            if metric is None and inherited and not own_verb \
                    and (scoring or topic_before or qv.unit in TIME + ("month", "year", "times")
                         or inherited == "training") \
                    and qv.unit in UNITS.get(inherited, ()) \
                    and not any(k.metric == inherited and not k.anchor for k in kws):
                # (质保期内…的，每天顺延保修期2天: the clause's own 保修期 cannot govern, nor can one
                # inherited from the clauses before.)
                metric = inherited
        last_end = q.end
        if metric == "staff_count" and qv.unit == "person" \
                and _CERTIFIED_RE.search(norm, max(c0, q.start - 24), q.start):
            metric = "engineer_count"  # 维保人员中持有…证书的不少于3人: certified technical staff
        if qv.unit == "person" and metric in (None, "staff_count", "engineer_count") \
                and (_ROLE_BEFORE_RE.search(norm, max(0, q.start - 8), q.start) or _ROLE_AFTER_RE.match(norm, q.end)
                     or _breakdown(norm, q, c0)
                     or _BUYER_ASSIGNS_RE.search(norm, max(c0, q.start - 12), q.start)):
            continue  # 其中项目经理1名: a role in the team, not a head count of its staff
        if metric is None:
            # 维修时间超过3天的，须提供代用设备: a condition waiting for the clause it triggers.
            op, condition = _operator(norm, q, "substitute_equipment", qv, c0, c1)
            if condition and qv.unit in TIME:
                out.append(Cand("condition", op, qv.value, qv.unit, q.start, q.end, True, qv, c0))
            elif qv.unit in TIME and _DANGLING_RE.fullmatch(norm, q.end, c1):
                # 接到通知后七天内，根据合同…更换: the deadline's verb comes in a later clause.
                out.append(Cand("dangling", "<=", qv.value, qv.unit, q.start, q.end, False, qv, c0))
            continue
        # 合同签订后45日内 / 近三年业绩 / 5年以上工作经验: a number beside these is no requirement.
        lo, hi = max(c0, q.start - 10), min(c1, q.end + 10)
        if any(lo <= k.start < hi and not (metric == "warranty_period" and _start_event(norm, k, q))
               for k in excluded):
            continue
        if metric != "spare_parts" and any(lo <= k.start < hi for k in delivery):
            continue
        if metric == "warranty_period" and _CAP_RE.search(norm, max(c0, q.start - 16), q.start):
            continue  # 质量保证期最长为…后6个月: a contract's cap on a special case, no floor to meet
        op, condition = _operator(norm, q, metric, qv, c0, c1)
        if _RANGE_RE.search(norm, max(c0, q.start - 8), q.start):
            # 3~5名 / 2至4小时: a range is no threshold to compare; the writer reads it. But
            # 1-2个工作日内回复 is a deadline: its upper end is the one the bid must meet.
            if metric in DEADLINES and _DEADLINE_RE.match(norm, q.end, c1):
                out.append(Cand(metric, "<=", qv.value, qv.unit, q.start, q.end, False, qv, c0))
            else:
                out.append(Cand(metric, "present", None, None, q.start, q.end, False, None, c0))
            last_metric = inherited = metric
            continue
        negated = any(k.negated and k.metric == metric for k in real
                      if abs(k.start - q.end) <= 10 or abs(q.start - k.end) <= 10)
        if negated:
            condition = True
        if metric == "return_visit" and not condition and _visit_period(norm, q) == "other":
            # 每半年回访一次 / 每季度回访: times means per month here; another period is no
            # number to compare, never a guess.
            out.append(Cand(metric, "present", None, None, q.start, q.end, False, None, c0))
            last_metric = inherited = metric
            continue
        if metric in DEADLINES and not complaint and metric != "complaint_response" \
                and _REPORT_AFTER_RE.match(norm, q.end, c1):
            # 修复后30分钟内反馈故障结果 / 3个工作日内提供故障分析报告: the deadline of a report,
            # which the writer reads (other), not the repair or response it follows.
            out.append(Cand("other", "present", None, None, q.start, c1, False, None, c0))
            last_end = q.end
            continue
        out.append(Cand(metric, op, qv.value, qv.unit, q.start, q.end, condition, qv, c0))
        last_metric = metric
        inherited = metric
    return out


_REPORT_AFTER_RE = re.compile(
    r"\s*(?:[(（]含[)）])?\s*(?:以内|之内|内)\s*(?:以?书面(?:形式)?|向[^，,。；;]{0,8}?)?\s*"
    r"(?:提交|提供|反馈|出具|报送|上报|报告|通报|发送|递交|呈报)[^，,。；;]{0,10}?"
    r"(?:报告|结果|说明|清单|资料|记录|报表|总结)")


# 甲方指定1名管理人员 / 采购执行机构应当组织1名工作人员: the buyer's own people.
_BUYER_ASSIGNS_RE = re.compile(r"(?:采购人|采购单位|招标人|甲方|买方|业主|采购执行机构|采购代理机构)"
                               r"[^，,。；;]{0,6}?(?:指定|派出|委派|安排|组织|确定)[^，,。；;]{0,4}$")
_BREAKDOWN_RE = re.compile(r"\s*(?:包含|包括|含)[^，,。；;]*、")


def _breakdown(norm: str, q, c0: int) -> bool:
    """管理人员4人（项目经理1人、…） / 不少于31人，包含1名负责人、10名电工…: the counts that
    break a total down are its composition, not floors of their own (其中工程师不少于3名, with
    its own operator, is one)."""
    if _OP_BEFORE_RE.search(norm, max(c0, q.start - 6), q.start):
        return False
    window = norm[max(0, q.start - 400):q.start]
    if window.count("（") + window.count("(") > window.count("）") + window.count(")"):
        return True  # inside a bracket, however many closed brackets stand between
    return bool(_BREAKDOWN_RE.match(norm, c0))


_SINCE_RE = re.compile(r"后|起|之日|以来")
_OPEN_BRACKET_RE = re.compile(r"[(（]")


def _start_event(norm: str, k: Kw, q) -> bool:
    """验收合格后至少24个月 / 5年（自竣工验收合格之日起）: the word names when a warranty starts,
    not what the number counts, so it excludes nothing (合同签订后30日内 stays a procedure's
    deadline: only a period has a start event)."""
    if k.end <= q.start:
        return bool(_SINCE_RE.search(norm, k.end, q.start))
    return bool(_OPEN_BRACKET_RE.search(norm, q.end, k.start))


def _split_keywords(kws: list[Kw]) -> tuple[list[Kw], list[Kw], list[Kw]]:
    """The keywords of a clause that can govern a number, the excluding ones, the delivery ones."""
    real: list[Kw] = []
    excluded: list[Kw] = []
    delivery: list[Kw] = []
    for k in kws:
        if k.metric == "exclude":
            excluded.append(k)
        elif k.metric == "delivery":
            delivery.append(k)
        elif k.metric != "completion":
            real.append(k)
    return real, excluded, delivery


def _shared_verb(norm: str, q, qs: list, qi: int, kws: list[Kw], c1: int) -> str | None:
    """城区2小时、乡镇4小时内到达现场: durations joined by 、 share the verb after the last one."""
    unit = q.quantity.unit if isinstance(q.quantity, Quantity) else None
    if unit not in TIME:
        return None
    j = qi
    while j + 1 < len(qs):
        nxt = qs[j + 1]
        gap = norm[qs[j].end:nxt.start]
        if (not isinstance(nxt.quantity, Quantity) or nxt.quantity.unit not in TIME or len(gap) > 10
                or "、" not in gap or getattr(nxt, "same_day", False)
                or any(qs[j].end <= k.start < nxt.start and nxt.quantity.unit in UNITS.get(k.metric, ())
                       for k in kws)):
            break
        j += 1
    if j == qi and not (qi and "、" in norm[qs[qi - 1].end:q.start] and len(norm[qs[qi - 1].end:q.start]) <= 10):
        return None
    last = qs[j]
    for k in kws:
        if k.start < last.end:
            continue
        if k.start - last.end > 16 or "、" in norm[last.end:k.start] or not k.anchor:
            return None
        if all(o.quantity.unit in UNITS.get(k.metric, ()) for o in qs[qi:j + 1]):
            return k.metric
        return None
    return None


_ALL_DAY = ServiceHours(7, 24)
_CLOCK_BEFORE_RE = re.compile(r"(?:全天|全年|每天|每日|全日|昼夜|全天候)\s*$")
_CLOCK_AFTER_RE = re.compile(r"\s*(?:不间断|全天候|轮流|专人|有人)?[^，,。；;:：|]{0,6}?"
                             r"(?:值班|值守|热线|服务|待命|客服|技术支持|支持|报修|受理|救援|开机|电话|守候)")
_NOT_CLOCK_AFTER_RE = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以上|以后|之后|后|前|以前|之前|左右|之久|以内|之内|内|"
                                 r"及以|或以|连续|不能|未能|无法|仍)")


def _round_the_clock(norm: str, q, c0: int, c1: int, kws: list[Kw]) -> bool:
    """24小时值班电话 / 全天24小时服务: round-the-clock service, not a deadline of 24 hours."""
    if _NOT_CLOCK_AFTER_RE.match(norm, q.end) or any(
            k.metric in DEADLINES and 0 <= k.start - q.end <= 8 for k in kws):
        return False
    return bool(_CLOCK_BEFORE_RE.search(norm, max(c0, q.start - 4), q.start)
                or _CLOCK_AFTER_RE.match(norm, q.end, c1))


_CERTIFIED_RE = re.compile(r"持证|(?:持有|取得|具有|具备)[^，,。；;、]{0,14}(?:证书|证|资格|执照)")
# 配置一名项目负责人 / 一人多证可累积: one person in a role, or a person holding several
# certificates, is no head count.
_ROLE_AFTER_RE = re.compile(r"\s*(?:专职|专门|固定|常驻)?\s*(?:项目负责人|项目经理|负责人|联系人|联络人|客户代表|"
                            r"客户经理|协调人|总监|多证|兼)")
_ROLE_BEFORE_RE = re.compile(r"(?:项目经理|负责人|经理|主管|组长|队长|总监|联系人|联络人|协调人|调度员?|主任|班长)"
                             r"[^，,。；;、0-9一二三四五六七八九十两]{0,3}$")
_VISIT_PERIOD_RE = re.compile(
    r"(?P<month>每\s*(?:一|1)?\s*个?\s*月|月度)"
    r"|(?P<other>每\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?:年|季|周|星期|旬|天|日|月)|年度|季度|半年|全年)")
_VISIT_PERIOD_AFTER_RE = re.compile(r"\s*[/每]\s*(?:半|[0-9一二三四五六七八九十两]+\s*个?)?\s*(?P<p>月|年|季|周|星期|旬|天|日)")


def _visit_period(norm: str, q) -> str | None:
    """The period a count of visits is per: "month", "other" (半年, 季度, 每年) or None."""
    after = _VISIT_PERIOD_AFTER_RE.match(norm, q.end)
    if after:
        return "month" if after.group(0).strip().lstrip("/每").strip() in ("月", "个月", "1个月", "一个月") else "other"
    window = norm[max(0, q.start - 14):q.start]
    cut = max(window.rfind(ch) for ch in "。；;")
    last = None
    for last in _VISIT_PERIOD_RE.finditer(window, cut + 1):
        pass
    return None if last is None else last.lastgroup


@dataclass(frozen=True, slots=True)
class _Spoken:
    """A count the quantity reader does not know: 当日 (one day), 两期 (two sessions)."""

    start: int
    end: int
    text: str
    quantity: Quantity
    same_day: bool = False


_SAME_DAY_RE = re.compile(r"当[日天]\s*(?:内|之内)?")
_SESSIONS_RE = re.compile(r"(?<![第0-9.一二三四五六七八九十两])([0-9]{1,3}|[一二三四五六七八九十两]{1,3})\s*(?:个\s*)?"
                          r"(?:期|批次|批|轮)(?![间限满内末后中货款])")


def with_spoken_counts(norm: str, quantities: list) -> list:
    extra = []
    if "当日" in norm or "当天" in norm:
        extra += [_Spoken(m.start(), m.end(), m.group(), _ONE_DAY, True) for m in _SAME_DAY_RE.finditer(norm)]
    if "培训" in norm:
        for m in _SESSIONS_RE.finditer(norm):
            try:
                value = chinese_number(m.group(1))
            except Exception:  # 十十期: not a number
                continue
            extra.append(_Spoken(m.start(), m.end(), m.group(), Quantity(value, "times")))
    if not extra:
        return quantities
    starts = [q.start for q in quantities]
    kept = []
    for e in extra:
        i = bisect.bisect_right(starts, e.start)
        if (i and quantities[i - 1].end > e.start) or (i < len(quantities) and quantities[i].start < e.end):
            continue
        kept.append(e)
    return sorted(quantities + kept, key=lambda q: q.start) if kept else quantities


_ONE_DAY = Quantity(1, "day")


def _governing(norm: str, q, qv: Quantity, kws: list[Kw], qs: list, c0: int, c1: int,
               qi: int) -> str | None:
    """The metric whose keyword governs quantity q: the verb after a deadline (2小时内到达现场),
    else the noun before (质保期不少于3年), else the noun after (不少于6人的售后服务团队)."""
    # The reach of q ends at the quantity before and after it (up to 3 away; service hours
    # such as 7×24 do not count).
    prev_q_end = c0
    for o in qs[max(0, qi - 3):qi][::-1]:
        if not isinstance(o.quantity, ServiceHours):
            prev_q_end = o.end
            break
    next_q_start = c1
    for o in qs[qi + 1:qi + 4]:
        if not isinstance(o.quantity, ServiceHours):
            next_q_start = o.start
            break
    strong: list[Kw] = []
    weak: list[Kw] = []
    unit = qv.unit
    for k in kws:
        if k.anchor and unit in UNITS.get(k.metric, ()):
            (weak if k.weak else strong).append(k)
    if not strong and not weak:
        return None
    deadline = _DEADLINE_RE.match(norm, q.end, c1)
    after_quantity = prev_q_end > c0
    return (_nearest(norm, q, strong, prev_q_end, next_q_start, deadline, after_quantity)
            or _nearest(norm, q, weak, prev_q_end, next_q_start, deadline, after_quantity))


def _nearest(norm: str, q, fits: list[Kw], prev_q_end: int, next_q_start: int, deadline,
             after_quantity: bool) -> str | None:
    after: list[Kw] = []
    before: list[Kw] = []
    q0, q1 = q.start, q.end
    for k in fits:  # one pass for both sides
        # 项目经理1名、驻场工程师: an enumeration comma ends what a number can reach forward.
        if q1 <= k.start < next_q_start and k.start - q1 <= 16 and "、" not in norm[q1:k.start]:
            after.append(k)
        if prev_q_end <= k.end <= q0:
            before.append(k)
    # 4小时到达现场的响应服务: a verb right after a duration is what it times, whatever noun
    # the 的 phrase ends on.
    if after and q.quantity.unit in TIME and after[0].start - q1 <= 1:
        return after[0].metric
    # 2名经原厂培训认证的维修工程师: the head noun is the last one, after the 的.
    if after:
        head = after[0]
        for k in after[1:]:
            if "的" in norm[head.end:k.start]:
                head = k
            else:
                break
        if head is not after[0]:
            after = [head] + [k for k in after if k is not head]
    if deadline and after:
        return after[0].metric
    # 15分钟内响应并于1小时内实施应急处置: the verb right after the quantity before is that one's;
    # a deadline whose own verb is not in the vocabulary takes no verb from it.
    if deadline and before and after_quantity and _TAKEN_RE.fullmatch(norm, prev_q_end, before[-1].start):
        before = before[:-1]
        if not before:
            return None
    # 培训2名技术人员 / 培训不少于10人: the people are the ones trained.
    if before and before[-1].metric == "training" and q.quantity.unit == "person" \
            and q.start - before[-1].end <= 5:
        return "training"
    # 至少50名专业维修工程师: a count's measure word binds the noun right after it.
    if after and q.quantity.unit == "person" and after[0].start - q.end <= 8:
        return after[0].metric
    if before:
        return before[-1].metric
    if after:
        return after[0].metric
    return None


def _operator(norm: str, q, metric: str, qv: Quantity, c0: int, c1: int) -> tuple[str, bool]:
    """The operator a quantity carries, and whether it is a condition (超过3天的)."""
    last = None
    for m in _OP_BEFORE_RE.finditer(norm, max(c0, q.start - 8), q.start):  # the 8 characters before
        last = m
    op = None
    condition = False
    if last is not None and q.start - last.end() <= 4:
        if last.lastgroup == "ge":
            op = ">="
        elif last.lastgroup == "le":
            op = "<="
        else:
            condition = metric in DEADLINES or metric == "spare_parts"
    floor = metric in FLOORS or (metric == "spare_parts" and qv.unit in ("month", "year"))
    if op is None:
        after = _OP_AFTER_RE.match(norm, q.end, c1)
        if after:
            if after.group("ge"):
                op = ">="
            elif not floor:
                op = "<="
    if op is None:
        op = ">=" if floor else "<="
    return op, condition
