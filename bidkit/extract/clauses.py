"""One block's content -> its candidate requirements: sentence by sentence and clause by
clause, the quantities tied to their keywords, the requirements stated without a number, the
conditions and what they trigger, and, when nothing else, a demand shown as metric other."""
from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Sequence

from bidkit.extract.marks import MANDATORY_RE
from bidkit.extract.present import PRESENT_HINT_RE, PRESENT_METRICS, present_candidates
from bidkit.extract.quantities import clause_candidates, with_spoken_counts
from bidkit.extract.scoring import per_person_rewards, increments, loosest, scoring_rule
from bidkit.extract.sentences import SENTENCE_RE, Cand, clean_text, cut_clauses, span_text
from bidkit.extract.vocabulary import DEADLINES, DIGIT_RE, UNITS, Kw, find_keywords
from bidkit.quantity import Quantity, QuantityMatch, find_quantities


_OTHER_WORDS_RE = re.compile(r"巡检|保养|升级|开机率|原装|全新|正品|技术支持|维护")

_REPAIR_CONTEXT_RE = re.compile(r"修|故障")

# 应 / 保证 but not 响应, 质量保证; the lookbehind follows the word so that every branch starts
# with a plain character, which the regex engine scans for quickly (as in MANDATORY_RE).
_DEMAND_RE = re.compile(r"须|应(?<![响回供相对适反]应)|必须|需|要求|承诺|保证(?<!质量保证)|负责|不得|不允许|免费")

_OFFER_RE = re.compile(r"提供|配备|设立|设有|具备|具有|出具|承诺")
_CONDITION_END_RE = re.compile(r"(?:的|时|后|前)\s*$")

_NOT_METRICS = {"exclude", "delivery", "completion"}

_TRIGGERED = ("substitute_equipment", "replacement_time")
_NO_METRICS: frozenset[str] = frozenset()  # the metrics of a clause without keywords, shared
_METRIC_OF = operator.attrgetter("metric")  # in C: no comprehension frame on every clause
_PRESENT_IF_NO_NUMBER = ("training", "spare_parts", "return_visit", "substitute_equipment", "staff_count",
                         "complaint_response", "response_time", "onsite_arrival", "repair_completion")

# What requirements_of finds in a block: (metric, op, value, unit, mandatory, text, scoring)
# for each requirement, and the (metric, hint) scoring hints.
_Analysis = tuple[tuple[tuple, ...], tuple[tuple[str, str], ...]]


def requirements_of(raw: str, norm: str, base: bool, spans: Sequence[tuple[int, int]],
                    scoring: bool, topic: str | None, allow_other: bool) -> _Analysis:
    """The requirements of one block's content and its scoring hints, before the outline
    places them; see `walk._analysis_index`."""
    hints: list[tuple[str, str]] = []
    keywords = find_keywords(norm)
    # (quantities, spoken counts and posts: alike in their fields only)
    quantities: list = find_quantities(raw) if DIGIT_RE.search(norm) else []
    if "岗位" in norm:
        quantities = _with_posts(norm, raw, quantities)
    if "当日" in norm or "当天" in norm or ("培训" in norm and quantities):
        quantities = with_spoken_counts(norm, quantities)
    # Words searched clause by clause are looked for in the whole block first: most blocks have
    # none, and then no clause of theirs can.
    other_words = _OTHER_WORDS_RE.search(norm) is not None
    if not keywords and not quantities and not other_words and not (base or spans):
        return (), ()
    complaint_topic = topic is not None and "投诉" in topic
    complaint_block = complaint_topic or "投诉" in norm
    hint_words = PRESENT_HINT_RE.search(norm) is not None
    fault_words = _FAULT_RE.search(norm) is not None

    span_starts, span_ends = _merged(spans) if spans else ([], [])

    def mandatory_at(at: int) -> bool:
        if base:
            return True
        if not span_starts:
            return False
        i = bisect.bisect_right(span_starts, at) - 1
        return i >= 0 and at < span_ends[i]

    block_cands: list[tuple[Cand, str]] = []   # (candidate, its source words)
    scoring_text = scoring_rule(raw) if scoring else None
    ki = qi = 0
    for s_match in SENTENCE_RE.finditer(norm):
        s0, s1 = s_match.span()
        while ki < len(keywords) and keywords[ki].start < s0:
            ki += 1
        while qi < len(quantities) and quantities[qi].start < s0:
            qi += 1
        if ((ki == len(keywords) or keywords[ki].start >= s1)
                and (qi == len(quantities) or quantities[qi].start >= s1)
                and not (other_words and _OTHER_WORDS_RE.search(norm, s0, s1)) and not (base or spans)):
            continue
        sentence = norm[s0:s1]
        repair_context = bool(_REPAIR_CONTEXT_RE.search(sentence))
        training_context = "培训" in sentence
        procedure = complaint_block and bool(_PROCUREMENT_COMPLAINT_RE.search(sentence))
        complaint = complaint_block and (complaint_topic or "投诉" in sentence) and not procedure
        clauses = cut_clauses(sentence, s0)
        previous_metric: str | None = None
        pending: list[Cand] = []   # conditions (72小时内不能修复的) waiting for what they trigger
        waiting: list[Cand] = []   # deadlines (七天内，) waiting for their verb
        for ci, (c0, c1) in enumerate(clauses):
            while ki < len(keywords) and keywords[ki].start < c0:
                ki += 1
            kj = ki
            while kj < len(keywords) and keywords[kj].start < c1:
                kj += 1
            while qi < len(quantities) and quantities[qi].start < c0:
                qi += 1
            qj = qi
            while qj < len(quantities) and quantities[qj].start < c1:
                qj += 1
            if ci and ki == kj and qi == qj and norm[c0 - 1] in ":：" \
                    and _ELSEWHERE_RE.match(norm, c0, c1):
                # 故障修复时限：详见考核管理办法 — the tender sets the time elsewhere: present.
                # (the keywords of the clause before: back from ki, not a search of the block)
                first = ki
                while first and keywords[first - 1].start >= clauses[ci - 1][0]:
                    first -= 1
                named = [k for k in keywords[first:ki] if k.metric in DEADLINES]
                if named and _TIME_NOUN_RE.search(norm, clauses[ci - 1][0], c0):
                    c = Cand(named[-1].metric, "present", None, None, clauses[ci - 1][0], c1)
                    block_cands.append((c, clean_text(raw[clauses[ci - 1][0]:c1])))
                    continue
            if ki == kj and qi == qj and not base and not spans \
                    and not (other_words and _OTHER_WORDS_RE.search(norm, c0, c1)):
                continue
            kws = keywords[ki:kj]
            metrics = set(map(_METRIC_OF, kws)) if kws else _NO_METRICS
            if "completion" in metrics or "trainee" in metrics:
                # 完成更换 / 完成修复: the verb after 完成 says what is finished.
                kws = [k for i, k in enumerate(kws) if not (
                    k.metric == "completion" and i + 1 < len(kws) and kws[i + 1].start - k.end <= 2
                    and kws[i + 1].metric in DEADLINES)]
                kws = [c for c in [_contextual(k, repair_context, complaint, training_context)
                                   for k in kws] if c]
                metrics = {k.metric for k in kws}
            qs = quantities[qi:qj]
            if (not qs and not metrics - _NOT_METRICS
                    and not (other_words and _OTHER_WORDS_RE.search(norm, c0, c1)) and not mandatory_at(c0)):
                continue
            cands = clause_candidates(norm, c0, c1, kws, qs, previous_metric, scoring, complaint) if qs else []
            conditions = [c for c in cands if c.condition] if cands else []
            if conditions:
                cands = [c for c in cands if not c.condition]
            if waiting and not qs:
                verb = next((k for k in kws if k.metric in DEADLINES and k.anchor and not k.negated), None)
                if verb is not None and waiting[0].unit in UNITS[verb.metric]:
                    w = waiting[0]
                    cands.append(Cand(verb.metric, "<=", w.value, w.unit, w.start, c1, clause_start=w.clause_start))
            # (a waiting deadline reaches the next clause only)
            waiting = [c for c in cands if c.metric == "dangling"] if cands else []
            if waiting:
                cands = [c for c in cands if c.metric != "dangling"]
            follow = next((k.metric for k in kws if k.metric in _TRIGGERED and not k.negated),
                          None) if not metrics.isdisjoint(_TRIGGERED) else None
            if follow:
                source = conditions or pending
                if source and source[0].unit in UNITS[follow]:
                    q = source[0]
                    cands = [c for c in cands if c.metric != follow]
                    cands.append(Cand(follow, "<=", q.value, q.unit, q.start, c1,
                                      clause_start=q.clause_start))
                pending = []
            pending.extend(conditions)
            if complaint and not (fault_words and _FAULT_RE.search(norm, c0, c1)):
                # (受理投诉…，故障响应时间不超过10分钟: a fault's response stays a response.)
                for c in cands:
                    if c.metric in ("response_time", "repair_completion"):
                        c.metric = "complaint_response"
            hinted = hint_words and PRESENT_HINT_RE.search(norm, c0, c1) is not None
            if hinted or complaint or not metrics.isdisjoint(PRESENT_METRICS):
                cands.extend(present_candidates(norm[c0:c1], c0, kws, metrics, cands, complaint, hinted))
            if procedure and cands:
                cands = [c for c in cands if c.metric != "complaint_response"]
            # 响应时间：15分钟 quotes its topic too.
            t0 = c0
            if ci and norm[c0 - 1] in ":：" and clauses[ci - 1][1] - clauses[ci - 1][0] <= 16:
                t0 = clauses[ci - 1][0]
            for c in cands:
                previous_metric = c.metric
                block_cands.append((c, span_text(raw, t0, c1, c)))
            if not cands:
                own = [k.metric for k in kws if k.metric not in _NOT_METRICS and not k.negated
                       and not k.weak and k.anchor]
                if own:
                    previous_metric = own[-1]
                if allow_other and not scoring and _other_wanted(norm, c0, c1, qs, metrics, own,
                                                                 mandatory_at(c0), other_words):
                    block_cands.append((Cand("other", "present", None, None, c0, c1),
                                        clean_text(raw[c0:c1])))
    if scoring:
        for metric, start, end in per_person_rewards(norm) if "每" in norm else ():
            block_cands.append((Cand(metric, "present", None, None, start, end), clean_text(raw[start:end])))
        if len(_POINTS_RE.findall(norm)) >= 2:
            # ≤1小时得3分，≤2小时得2分: tiers of one rule, whose loosest level is the floor; a
            # deduction table's standards (≤4小时（A类站点≤3小时）…扣1分) are demands of their own.
            block_cands = loosest(block_cands)
        covered = {c.metric for c, _ in block_cands}
        for metric in increments(norm, keywords, quantities):
            if metric not in covered:
                hints.append((metric, scoring_text or clean_text(raw)))
                covered.add(metric)
    numeric = {c.metric for c, _ in block_cands if c.op != "present"}
    reqs = []
    for c, text in block_cands:
        # (每月回访1次，每半年上门回访一次: the visits per half year are a demand of their own.)
        if c.op == "present" and c.metric in _PRESENT_IF_NO_NUMBER and c.metric in numeric \
                and not (c.metric == "return_visit" and c.clause_start is not None):
            continue
        value, unit = _whole(c.value, c.unit, c.metric)
        reqs.append((c.metric, c.op, value, unit, mandatory_at(c.start), text,
                     scoring_text if (scoring and c.metric != "other") else None))
    return tuple(reqs), tuple(hints)


# A 质疑 or 投诉 to the procurement authorities is procedure, not the buyer's complaints.
_PROCUREMENT_COMPLAINT_RE = re.compile(r"质疑|财政|监督管理部门|行政监督|政府采购|采购代理|投诉书")
_ELSEWHERE_RE = re.compile(r"\s*(?:详见|参见|见附件|按照?[^，,。；;]{0,16}?(?:规定|办法|标准|细则)执行|另行(?:约定|规定))")
_TIME_NOUN_RE = re.compile(r"时限|时间|时长|期限")
_POINTS_RE = re.compile(r"[得加]\s*[0-9]+(?:\.[0-9]+)?\s*分")
_FAULT_RE = re.compile(r"故障|报修|维修|修复")


# 岗位配置为44个 / 设置保安岗位10个: a post is a person's, so a count of posts is a head count.
_POSTS_RE = re.compile(r"岗位[^，,。；;|0-9]{0,8}?(?<![0-9])([0-9]{1,4})\s*个(?!月)")


def _with_posts(norm: str, raw: str, quantities: list) -> list:
    # The quantities are in text order and never overlap: the last one starting before a post's
    # count ends is the only one that can overlap it.
    starts = [q.start for q in quantities]
    extra = []
    for m in _POSTS_RE.finditer(norm):
        i = bisect.bisect_left(starts, m.end()) - 1
        if i < 0 or quantities[i].end <= m.start(1):
            extra.append(QuantityMatch(m.start(1), m.end(), raw[m.start(1):m.end()],
                                       Quantity(int(m.group(1)), "person")))
    return sorted(quantities + extra, key=lambda q: q.start) if extra else quantities


def _other_wanted(norm: str, c0: int, c1: int, qs: list, metrics: set[str] | frozenset[str], own: list[str],
                  mandatory: bool, other_words: bool) -> bool:
    """Whether a clause that yields no requirement is still shown (as metric other, never
    compared): a demand in after-sales words; a demand of a few words more in any words, which
    the walk keeps in an after-sales place only (乙方须于1个工作日内书面报告甲方, see walk._sift);
    any demand in a ★ item, where nothing may be missed. Topics (质保期：), conditions (…的), the
    否则投标无效 clause itself and penalties (减免使用费) are not."""
    if (c1 < len(norm) and norm[c1] in ":：") or _CONDITION_END_RE.search(norm, c0, c1) \
            or MANDATORY_RE.search(norm, c0, c1):
        return False
    clean = not metrics & {"exclude", "delivery"}
    after_sales = bool(own or (other_words and _OTHER_WORDS_RE.search(norm, c0, c1)))
    demand = bool(_DEMAND_RE.search(norm, c0, c1))
    if mandatory and c1 - c0 >= 6 and (demand or _OFFER_RE.search(norm, c0, c1) or (after_sales and clean)):
        return True
    return clean and demand and (after_sales or c1 - c0 >= 6)


def _merged(spans: Sequence[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted, non-overlapping starts and ends of the mandatory spans of a line."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


_SMALLER = {"hour": ("minute", 60), "day": ("hour", 24), "year": ("month", 12)}


def _whole(value, unit, metric):
    """半小时 reads 30 minute and 一个半小时 90 minute, as a writer says them; whole numbers as int."""
    if isinstance(value, float):
        if not value.is_integer() and unit in _SMALLER and _SMALLER[unit][0] in UNITS.get(metric, ()):
            smaller, factor = _SMALLER[unit]
            if (value * factor).is_integer():
                return int(value * factor), smaller
        if value.is_integer():
            return int(value), unit
    return value, unit


def _contextual(k: Kw, repair_context: bool, complaint: bool, training: bool) -> Kw | None:
    """Keywords whose metric depends on the sentence: 完成 finishes a repair or a complaint, the
    buyer's people (采购人技术人员) count only as trainees."""
    if k.metric == "trainee":
        return Kw("training", k.start, k.end, k.negated, k.anchor) if training else None
    if k.metric != "completion":
        return k
    if complaint:
        return Kw("complaint_response", k.start, k.end, k.negated, k.anchor)
    if repair_context:
        return Kw("repair_completion", k.start, k.end, k.negated, k.anchor)
    return None
