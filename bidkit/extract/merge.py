"""Merging the requirements found: the same requirement stated twice is one, with both places
in its ref; value keys and subjects tell apart what only looks the same."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bidkit.extract.normalise import normalise
from bidkit.extract.vocabulary import DEADLINES, DIGIT_RE, keyword_matches
from bidkit.extract.location import Location, evidence
from bidkit.model import Requirement
from bidkit.quantity import Quantity


@dataclass(slots=True)
class Found:
    metric: str
    op: str
    value: float | str | None
    unit: str | None
    mandatory: bool
    text: str
    ref: str
    scoring: str | None = None
    path: tuple[int, ...] = ()
    # The evidence a writer checks the requirement against: the block's place in its file and
    # the heading of the section it stands in (set by `place` once the block is analysed).
    where: Location | None = None
    section: str = ""

    def copy(self) -> Found:
        # dataclasses.replace inspects the fields on every call; this runs once a requirement.
        return Found(self.metric, self.op, self.value, self.unit, self.mandatory, self.text,
                     self.ref, self.scoring, self.path, self.where, self.section)


def place(found: list[Found], start: int, where: Location | None, section: str) -> None:
    """Give the places found from one block (found[start:]) that block's where and section.

    Done after the block is analysed rather than inside the analysis, which is cached by the
    block's text: the same line on two pages is analysed once but stands in two places."""
    for f in found[start:]:
        f.where = where
        f.section = section


def _value_key(f: Found) -> tuple:
    if f.op == "present" or f.value is None:
        return (None,)
    if f.metric == "service_hours":
        return ("sh", str(f.value))
    return _quantity_key(f.value, f.unit)


@functools.lru_cache(maxsize=4096, typed=True)
def _quantity_key(value, unit) -> tuple:
    # A tender states 2小时 and 3年 hundreds of times: build and check each Quantity once.
    # typed=True: 3 and 3.0 stay apart, as str() tells them apart below.
    try:
        q = Quantity(float(value), unit)
    except Exception:
        return ("raw", str(value), unit)
    return (q.family(), round(q.magnitude(), 6))


_SUBJECT_CUT_RE = re.compile(r".*[，,：:；;的]")
_SUBJECT_GENERAL_RE = re.compile(
    r"投标人|中标人|供应商|成交人|乙方|卖方|必须|应当|应|须|需|要求|承诺|提供|保证|确保|其中|本项目|本次|项目|"
    r"采购|所投|所供|所有|全部|整体|系统|各类|各项|设备|产品|货物|硬件|免费|原厂|均|为|在|内|期|之|及|和|、|\s")


@functools.lru_cache(maxsize=4096)
def _subject(metric: str, text: str) -> str:
    """What a requirement is about, from the words before its keyword: 电池、电机 in 电池、电机质保期
    不少于8年, 车身骨架防腐 in 车身骨架防腐质保期8年; "" when the words name no particular part."""
    norm = normalise(text)
    for _term, m, k0, _k1 in keyword_matches(norm):
        if m == metric:
            break
    else:
        return ""
    before = _SUBJECT_CUT_RE.sub("", norm[:k0])
    if not before or DIGIT_RE.search(before) or len(before) > 16:
        return ""
    return _SUBJECT_GENERAL_RE.sub("", before)


_SUBJECT_METRICS = ("warranty_period",)  # demands made per part of the goods


def merge(found: list[Found], hints: list[tuple[str, str]]) -> list[Requirement]:
    """One requirement per (metric, op, value): refs joined with ；, mandatory if any place is;
    where and section are the first place's, the one a writer reads first.

    The same demand on two different parts (电池、电机质保期8年 and 车身骨架防腐质保期8年) is two
    requirements: a place joins a requirement unless both name their subject and the subjects differ."""
    merged: dict[tuple, Found] = {}
    refs: dict[tuple, dict[str, None]] = {}   # an ordered set
    verbs: dict[tuple[str, str], set[str]] = {}  # (metric, text) -> its words, see _same_verb
    for f in found:
        key: tuple = (f.metric, f.op, _value_key(f)) if f.metric != "other" else ("other", f.text)
        if key in merged and f.metric in _SUBJECT_METRICS:
            subject = _subject(f.metric, f.text)
            n = 0
            while key in merged:
                theirs = _subject(merged[key].metric, merged[key].text)
                if not subject or not theirs or subject == theirs:
                    break
                n += 1
                key = key[:3] + (n,)
        # 三个工作日内处理，并在处理完毕后三个工作日内反馈: two clauses of one block with the same
        # value are two demands; a restatement stands elsewhere or quotes the same words.
        n = 0
        while key in merged and _two_demands(merged[key], f, verbs):
            n += 1
            key = key[:3] + ("same block", n)
        if key not in merged:
            merged[key] = f.copy()
            refs[key] = {f.ref: None} if f.ref else {}
            continue
        m = merged[key]
        m.mandatory = m.mandatory or f.mandatory
        m.scoring = m.scoring or f.scoring
        if f.ref and len(refs[key]) < MAX_REFS:
            refs[key][f.ref] = None
    # A rule that names no minimum (每增加1年加1分) is a hint on the requirement of its metric.
    unhinted: dict[str, list[Found]] = {}
    for m in merged.values():
        if not m.scoring and m.metric != "other":
            unhinted.setdefault(m.metric, []).append(m)
    for metric, hint in hints:
        if unhinted.get(metric):
            unhinted[metric].pop(0).scoring = hint
    return [Requirement(metric=f.metric, op=f.op, value=f.value, unit=f.unit, mandatory=f.mandatory,  # type: ignore[arg-type]
                        text=f.text[:MAX_TEXT], ref="；".join(refs[key]),
                        scoring=f.scoring[:MAX_TEXT] if f.scoring else None,
                        where=evidence(f.where), section=f.section)
            for key, f in merged.items()]


def _two_demands(seen: Found, f: Found, verbs: dict) -> bool:
    if f.text in seen.text or seen.text in f.text:
        return False
    if f.metric in DEADLINES and f.op != "present" and not _same_verb(f.metric, seen.text, f.text, verbs):
        # 60分钟以内予以退还补货 and 1小时内更换: one value, two different things to do.
        return True
    if f.op == "present":
        # 按规定时间内答复, then 立即提供电话支持 in the same section: without a number, different
        # words in one section are different demands; a restatement stands in another section.
        return f.metric != "other" and f.section == seen.section
    return f.where is not None and f.where is seen.where and f.metric in DEADLINES


def _same_verb(metric: str, a: str, b: str, verbs: dict) -> bool:
    """Whether two texts name the metric with the same word (响应 and 响应时间 do). `verbs`
    keeps the words of each text read, for the next comparison of one merge."""
    def words(text: str) -> set[str]:
        got = verbs.get((metric, text))
        if got is None:
            got = verbs[metric, text] = {t for t, m, _, _ in keyword_matches(normalise(text)) if m == metric}
        return got

    words_a, words_b = words(a), words(b)
    if not words_a or not words_b:
        return True
    return any(x in y or y in x for x in words_a for y in words_b)


MAX_REFS = 50     # a requirement restated more often than this lists its first places
MAX_TEXT = 300
