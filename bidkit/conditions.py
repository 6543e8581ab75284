"""附加条件: words in a clause's rendered text that hedge a promise or add a condition to it.

A bid carrying conditions the buyer cannot accept is invalid, and evaluators read hedges (原则上,
尽量) and fees within the warranty (另行收费) as such conditions. The vocabulary below is data a
domain expert reads and extends: each entry is the words, why they are a risk, and the contexts
in which the same words are a clean promise (不另行收费, 采购人不承担任何费用, a fee after the
warranty ends).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bidkit.commitments import ResolvedClause
from bidkit.model import Bid, Finding

# The words just before a fee word that turn it into a promise: 不另行收费, 均不向采购人收取任何费用.
_NEGATED = r"(?:不|免|无需|无须)(?:再|予|得|会|另|额外)?(?:向[^，,。；;]{1,8})?\s*$"
# A fee is a condition only within the warranty and the promised service: after it, or for damage
# the buyer caused, charging is what every tender allows (said in the paragraph or the clause title).
_OUTSIDE_WARRANTY = (r"质保期(?:满|外|届满|结束|以外|过后)|保修期(?:满|外|届满|结束|以外)|过保|出保|"
                     r"使用不当|人为|不可抗力|保修范围以外|超出.{0,8}范围")
# Who does not bear a cost decides whether 不承担 is a promise (采购人不承担) or a hedge (我方不承担).
_BUYER_SUBJECT = r"(?:采购人|招标人|用户|甲方|买方|业主|贵方|贵单位|使用单位|学校|医院)[^，,。；;]{0,8}$"


@dataclass(frozen=True)
class Hedge:
    words: str  # a regular expression
    reason: str  # why a buyer may read it as a condition, as the finding says it
    clean_before: str | None = None  # text just before the words (same clause) that makes them a promise
    clean_context: str | None = None  # anywhere in the paragraph or the clause's title: allowed there


HEDGES: tuple[Hedge, ...] = (
    Hedge(r"另行收费|另收费用?|额外收费|费用另计|另行计费|另计费用|收取[^，,。；;]{0,6}费用?|费用[^，,。；;]{0,4}另行协商",
          "在承诺的服务中另收费用，是买方不能接受的附加条件", _NEGATED, _OUTSIDE_WARRANTY),
    Hedge(r"原则上", "“原则上”使承诺可以不兑现"),
    Hedge(r"视(?:具体|实际)?情况", "“视情况”使承诺取决于我方判断"),
    Hedge(r"尽量|尽可能|尽力", "“尽量”只是努力，不是承诺"),
    Hedge(r"力争|争取", "“力争”“争取”是目标，不是承诺"),
    Hedge(r"如有(?:需要|必要)", "“如有需要”给承诺加了前提，且未说明由谁判断"),
    Hedge(r"(?:一般|通常|正常)情况下", "“一般情况下”暗示有不兑现承诺的情况"),
    Hedge(r"以(?:我方|我公司|本公司|投标人|供应商|厂家|厂商)[^，,。；;]{0,12}为准",
          "“以我方……为准”把认定权留给投标人"),
    Hedge(r"不(?:承担|负责)", "“不承担”免除了投标人的责任", _BUYER_SUBJECT),
    Hedge(r"除外", "“除外”缩小了承诺的范围"),
)
_COMPILED = tuple((re.compile(h.words), h) for h in HEDGES)
_SENTENCE = re.compile(r"[^。；;！!？?\n]*[。；;！!？?]?")
_PARAGRAPH = re.compile(r"[^\n]+")
_CLAUSE_START = re.compile(r"[，,、：:]")
EXCERPT_CHARS = 12  # characters of context on each side of the words in a finding


@dataclass(frozen=True)
class Condition:
    words: str
    reason: str
    excerpt: str  # the words with a little of the sentence around them


def find_conditions(text: str, title: str = "") -> list[Condition]:
    """Every hedge or added condition in `text` (a clause titled `title`), in reading order."""
    found = []
    for paragraph in _PARAGRAPH.finditer(text or ""):
        found += _in_paragraph(paragraph.group(0), paragraph.start(), title)
    return [c for _, c in sorted(found, key=lambda f: f[0])]


def _in_paragraph(paragraph: str, offset: int, title: str) -> list[tuple[int, Condition]]:
    found = []
    context = f"{title}\n{paragraph}"
    active = [(p, h) for p, h in _COMPILED if not (h.clean_context and re.search(h.clean_context, context))]
    for sentence in _SENTENCE.finditer(paragraph):
        s = sentence.group(0)
        for pattern, hedge in active:
            for m in pattern.finditer(s):
                before = _CLAUSE_START.split(s[:m.start()])[-1]
                if hedge.clean_before and re.search(hedge.clean_before, before):
                    continue
                start, end = max(0, m.start() - EXCERPT_CHARS), m.end() + EXCERPT_CHARS
                excerpt = ("…" if start else "") + s[start:end].strip() + ("…" if end < len(s) else "")
                found.append((offset + sentence.start() + m.start(), Condition(m.group(0), hedge.reason, excerpt)))
    return found


def condition_findings(bid: Bid, clauses: list[ResolvedClause]) -> list[Finding]:
    """One finding for each hedge in a chosen clause's rendered text: blocking when the clause
    answers a ★ requirement (the buyer voids the bid for it), else a warning."""
    starred = {r.metric for r in bid.requirements if r.mandatory}
    findings = []
    for clause in clauses:
        answers_star = bool(starred & set(clause.version.metrics()))
        for c in find_conditions(clause.text or "", clause.version.title):
            consequence = ("；该条款响应★实质性要求，附加条件将导致废标" if answers_star
                           else "，可能被认定为附加条件，请改为明确的承诺")
            findings.append(Finding(kind="condition", status="附加条件", blocking=answers_star, offer=c.words,
                                    clause_id=clause.version.id,
                                    message=f"{clause.version.title}：“{c.excerpt}”中的“{c.words}”——"
                                            f"{c.reason}{consequence}"))
    return findings
