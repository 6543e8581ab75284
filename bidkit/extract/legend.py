"""What a tender's marks mean, from its own legend: "凡标有“▲”的地方…未响应或不满足…将按无效标处理"
makes ▲ mandatory; "“★”代表最关键指标，不满足该指标项将导致应答被拒绝；“#”代表重要指标" makes ★
mandatory and # not. A legend may stand anywhere, even after the items it explains, so the whole
document is read for legends before its items are walked. Without a legend, ★ is mandatory (the
usual convention) and ▲, #, ※, ●, * are not.
"""
from __future__ import annotations

import re
from typing import Iterable

# The marks a legend can explain, and those mandatory when no legend says otherwise.
MARKS = "★☆▲△#※●◆■█*＊"
_ANY_MARK_RE = re.compile("[" + re.escape(MARKS) + "]")
DEFAULT_MANDATORY = frozenset("★☆")

# A mark named as a convention: quoted (“▲”), or 标有/带/标注 ▲, or ▲ 号/标记/的条款/代表/为.
_MARK_CLASS = "[" + re.escape(MARKS) + "]"
_LEGEND_MARK_RE = re.compile(
    rf"[“\"'「『【]\s*({_MARK_CLASS})\s*[”\"'」』】]|"
    rf"(?:标有|标注|标明|注明|注有|带有|带|打|加|有|以|用)\s*({_MARK_CLASS})|"
    rf"({_MARK_CLASS})\s*(?:号|标记|标志|符号|标识|的条款|的指标|的参数|的内容|的项|项|条款|代表|表示|为)")

# What a legend says the mark means: the words of a disqualifying item, of a scored or merely
# important one. A domain expert extends the lists.
MANDATORY_WORDS = [
    "实质性", "无效", "废标", "否决", "拒绝", "被拒", "不合格", "不予通过", "不通过", "不得负偏离",
    "不允许负偏离", "不接受负偏离", "不得偏离", "不允许偏离", "必须满足", "必须完全满足", "不可偏离",
    "不可负偏离", "取消", "资格审查不通过", "符合性审查不通过",
]
NOT_MANDATORY_WORDS = [
    "非实质性", "重要指标", "重要参数", "重要条款", "重要的", "一般", "加分", "评分", "得分", "扣分",
    "不作为无效", "不导致", "不作为废标", "不会导致",
]


def _alternation(words: list[str]) -> re.Pattern:
    return re.compile("|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)))


_MANDATORY_RE = _alternation(MANDATORY_WORDS)
_NOT_MANDATORY_RE = _alternation(NOT_MANDATORY_WORDS)
_SENTENCE_RE = re.compile(r"[^。；;！!\n]+")


def _meaning(segment: str) -> bool | None:
    """True when a legend's words make its mark mandatory, False when they make it scored or
    important only, None when they say neither."""
    negatives = [n.span() for n in _NOT_MANDATORY_RE.finditer(segment)]
    for m in _MANDATORY_RE.finditer(segment):
        if any(a <= m.start() < b for a, b in negatives):
            continue  # 非实质性, 不作为无效
        return True
    return False if negatives else None


def read_legend(texts: Iterable[str]) -> frozenset[str]:
    """The marks that make an item mandatory in this document."""
    says: dict[str, bool] = {}
    for text in texts:
        if not text or _ANY_MARK_RE.search(text) is None:
            continue
        for sentence in _SENTENCE_RE.finditer(text):
            s = sentence.group()
            mentions = [(m.start(), next(g for g in m.groups() if g)) for m in _LEGEND_MARK_RE.finditer(s)]
            if not mentions:
                continue
            # Each mark's words run to the next mark named: “★”代表最关键…，“#”代表重要指标.
            bounds = [p for p, _ in mentions] + [len(s)]
            for (start, mark), end in zip(mentions, bounds[1:]):
                segment = s[start:end]
                if len(segment.strip()) <= 3 and end < len(s):
                    segment = s[start:]  # “★”、“▲”的条款为实质性条款: the words follow the last mark
                meaning = _meaning(segment)
                if meaning is None:
                    continue
                mark = {"☆": "★", "＊": "*"}.get(mark, mark)
                says[mark] = says.get(mark, False) or meaning
    marks = set(DEFAULT_MANDATORY)
    for mark, mandatory in says.items():
        if mandatory:
            marks.add(mark)
        elif mark not in says or not says[mark]:
            marks.discard(mark)
    if "★" in marks:
        marks.add("☆")
    else:
        marks.discard("☆")
    return frozenset(marks)


# "实质性要求和条件：招标范围、供货要求、交货期…" and "…供货要求、招标范围等实质性内容": the sections a
# tender names as its substantive requirements (all of them, not "第五章中的实质性要求", a subset).
_SUBSTANTIVE = r"实质性(?:要求|条款|内容)(?:和条件|及条件)?"
_NAMES_AFTER_RE = re.compile(_SUBSTANTIVE + r"[\s:：|]*((?:[^\s、，,。；;:：“”\"|]{2,10}、)+[^\s、，,。；;:：“”\"|]{2,10})")
_NAMES_BEFORE_RE = re.compile(r"((?:[^\s、，,。；;:：“”\"|]{2,10}、)+[^\s、，,。；;:：“”\"|]{2,10})等" + _SUBSTANTIVE)
_NAME_CUT_RE = re.compile(r"^(?:有关|关于|对|招标文件的?|采购文件的?|本项目的?)+")
# A 符合性审查 condition that voids a bid: "对招标文件提出的商务要求及合同条款未完全响应" makes the
# sections named (商务要求, 合同条款) substantive.
_NAMES_UNANSWERED_RE = re.compile(
    r"对(?:招标|采购|磋商|谈判|询价)文件中?(?:提出|规定|要求|所列)?的?"
    r"((?:[^\s、，,。；;:：“”\"]{2,8}(?:及|和|与|、))*[^\s、，,。；;:：“”\"]{2,8})未(?:完全|实质性)?响应")
_NAME_SPLIT_RE = re.compile(r"及|和|与|、")


def substantive_sections(texts: Iterable[str]) -> frozenset[str]:
    """The names of the sections a tender lists as its 实质性要求 (供货要求 in D3's 前附表), or
    whose incomplete answer voids a bid (对招标文件提出的商务要求及合同条款未完全响应)."""
    names: set[str] = set()
    for text in texts:
        if not text:
            continue
        if "响应" in text:
            for m in _NAMES_UNANSWERED_RE.finditer("".join(text.split())):
                names.update(n for n in _NAME_SPLIT_RE.split(m.group(1)) if 2 <= len(n) <= 10)
        if "实质性" not in text:
            continue
        flat = "".join(text.split())
        for regex in (_NAMES_AFTER_RE, _NAMES_BEFORE_RE):
            for m in regex.finditer(flat):
                for name in m.group(1).split("、"):
                    name = _NAME_CUT_RE.sub("", name)
                    if 2 <= len(name) <= 10:
                        names.add(name)
    return frozenset(names)
