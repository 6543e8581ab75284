"""Cutting a block's text into sentences (。；) and clauses (，：| outside brackets); the
candidate requirement a clause yields, and the source words it quotes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bidkit.extract.vocabulary import DIGIT_RE
from bidkit.quantity import Quantity, ServiceHours


SENTENCE_RE = re.compile(r"[^。；;！!？?]+[。；;！!？?]*")
# 1,860,000 and 8:30 stay whole; plain runs match in one step ([^…]+), not a character a loop.
_CLAUSE_RE = re.compile(r"(?:[^，,：:|]+|(?<=[0-9])[,:](?=[0-9]))+")

_OPEN, _CLOSE = "(（[【", ")）]】"
_SEPARATOR_RE = re.compile(r"[(（\[【)）\]】，,：:|]")
_OPEN_RE = re.compile(r"[(（\[【]")


MAX_CLAUSE = 160  # a longer "clause" has lost its punctuation; cut it so work stays linear


def cut_clauses(sentence: str, s0: int) -> list[tuple[int, int]]:
    """Clause spans of a sentence, cut at ，：| outside brackets."""
    spans = _clause_spans(sentence, s0)
    if len(sentence) <= MAX_CLAUSE or all(b - a <= MAX_CLAUSE for a, b in spans):
        return spans
    return [(i, min(i + MAX_CLAUSE, b)) for a, b in spans for i in range(a, b, MAX_CLAUSE)]


def _clause_spans(sentence: str, s0: int) -> list[tuple[int, int]]:
    if _OPEN_RE.search(sentence) is None:
        return [(s0 + c.start(), s0 + c.end()) for c in _CLAUSE_RE.finditer(sentence)]
    out, start, depth = [], 0, 0
    for m in _SEPARATOR_RE.finditer(sentence):
        ch, i = m.group(), m.start()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and not (ch in ",:" and 0 < i < len(sentence) - 1 and sentence[i - 1].isdigit()
                                 and sentence[i + 1].isdigit()):
            if i > start:
                out.append((s0 + start, s0 + i))
            start = i + 1
    if len(sentence) > start:
        out.append((s0 + start, s0 + len(sentence)))
    return out


@dataclass(slots=True)
class Cand:
    metric: str
    op: str
    value: float | str | None
    unit: str | None
    start: int
    end: int
    condition: bool = False
    quantity: Quantity | ServiceHours | None = None
    clause_start: int | None = None


_SUBJECT_RE = re.compile(r"^(?:中标人|投标人|供应商|中标供应商|成交供应商|成交人|乙方|卖方|承包人)?"
                         r"(?:必须|应当|应|须|需|需要)?(?:在)?(?=接到|收到)")


def clean_text(text: str) -> str:
    text = text.strip().strip("，,。；;：:|").strip().rstrip(".")
    text = text.lstrip("★☆▲△ \t")
    return text


_BRACKET_RE = re.compile(r"[(（][^()（）]*[)）]")


def span_text(raw: str, c0: int, c1: int, c: Cand) -> str:
    """The source words of a requirement: its clause, from the condition for a substitute; a
    number in brackets quotes the brackets, one outside them drops brackets holding other numbers."""
    start = c0 if c.clause_start is None else min(c0, c.clause_start)
    piece = raw[start:c1]
    if c.op != "present" and ("(" in piece or "（" in piece):
        at = c.start - start
        for m in _BRACKET_RE.finditer(piece):
            if m.start() < at < m.end():
                piece = m.group()[1:-1]
                break
        else:
            piece = _BRACKET_RE.sub(lambda m: "" if DIGIT_RE.search(m.group()) else m.group(), piece)
    text = clean_text(piece)
    if "接到" not in text and "收到" not in text:
        return text  # what _SUBJECT_RE's lookahead needs: most texts have neither
    return _SUBJECT_RE.sub("", text) or text
