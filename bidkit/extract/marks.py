"""What makes text mandatory: a ★, or another mark the tender's legend makes mandatory (see
legend.py; but not a mark in a legend such as 标注★的为实质性条款), and the 实质性 / 无效投标
phrases, which cover their sentence, the whole item, or the items above. 必须 alone is a plain
demand, not a mandatory one: only the tender's marks and 无效/废标 words void a bid."""
from __future__ import annotations

import bisect
import functools
import re

from bidkit.extract.legend import DEFAULT_MANDATORY, MARKS
from bidkit.extract.merge import Found
from bidkit.extract.outline import is_title
from bidkit.extract.sentences import SENTENCE_RE


# A mark that explains the convention (标注★的为实质性条款, 凡标有“▲”的地方) is a legend, not a mark.
LEGEND_RE = re.compile(r"(?:标注?|带有?|注有|注明|标有|打|加|有|含)\s*[“\"'「『【(（]?\s*[★☆▲△※●◆■█*＊]|"
                       r"[★☆▲△※●◆■█*＊]\s*[”\"'」』】)）]?\s*(?:号|标记|标志|符号)|[“\"「『][★☆▲△#※●◆■█*＊][”\"」』]")
# Every branch starts with a plain character (作废标|废标, not 作?废标): then the regex engine
# jumps to the candidate characters instead of trying each position; it runs on every line.
MANDATORY_RE = re.compile(
    r"实质性(?:条款|要求|内容|条件|指标|参数)|无效投标|投标无效|无效标|作废标|废标|无效响应|响应无效|"
    r"否决(?:其)?投标|不得负偏离|不允许负偏离|不接受负偏离|不能负偏离|投标将被拒绝|视为无效|按无效|"
    r"非实质性响应|不允许偏离|不接受任何偏离|不得偏离")
SCOPE_FORWARD_RE = re.compile(r"以下|下列|如下")
_SCOPE_WHOLE_RE = re.compile(r"本节|本章|本部分|本条|本项|本款|本表|以下|下列|如下|各项|所有|均为|均须|全部")
_SCOPE_BACK_RE = re.compile(r"(?:^|[，,。；;：:\s(（])(?:以上|上述|前述)")
_STAR_RE = re.compile(r"[★☆]")
_LEGEND_MARK_RE = re.compile("[" + re.escape(MARKS) + "]")


def mandatory_marks(norm: str, pos: int, marks: frozenset[str] = DEFAULT_MANDATORY
                    ) -> tuple[bool, bool, list[tuple[int, int]]]:
    """What makes a line's text mandatory, from `pos` on: (whole, back, spans).

    `whole`: a 实质性/无效投标 phrase that speaks of the whole item (本节, 以下, a title) covers the
    line and everything under it; `back`: one that speaks of the items above (以上条款为实质性条款);
    `spans`: a plain phrase covers its sentence, a mandatory mark (★, or what `marks` holds, see
    legend.py) the rest of its sentence. A mark in a legend (标注★的为实质性条款) marks nothing,
    and neither does the legend's phrase.
    """
    content = norm[pos:]
    star_re = _STAR_RE if marks == DEFAULT_MANDATORY else _marks_re(marks)
    has_star = bool(star_re.search(content)) if marks else False
    # every legend names a mark
    legend = _LEGEND_MARK_RE.search(content) is not None and LEGEND_RE.search(content) is not None
    phrase = None if legend else MANDATORY_RE.search(content)
    starts: list[int] = []
    ends: list[int] = []

    def sentence_of(at: int) -> tuple[int, int]:
        if not starts:
            for m in SENTENCE_RE.finditer(norm, pos):
                starts.append(m.start())
                ends.append(m.end())
        i = bisect.bisect_right(starts, at) - 1
        return (starts[i], ends[i]) if i >= 0 and at < ends[i] else (pos, len(norm))

    whole = back = False
    spans: list[tuple[int, int]] = []
    if phrase:
        s, e = sentence_of(pos + phrase.start())
        scope_text = norm[s:e]
        if _SCOPE_BACK_RE.search(scope_text) and not SCOPE_FORWARD_RE.search(scope_text):
            back = True
        elif _SCOPE_WHOLE_RE.search(scope_text) or is_title(content):
            whole = True
        else:
            spans.append((s, e))
    for m in star_re.finditer(norm, pos) if has_star else ():
        if legend and LEGEND_RE.search(norm[max(pos, m.start() - 4):m.end() + 4]):
            continue
        spans.append((m.start(), sentence_of(m.start())[1]))
    return whole, back, spans


@functools.lru_cache(maxsize=16)
def _marks_re(marks: frozenset[str]) -> re.Pattern:
    # An asterisk is a mark on its own only: 7*24 is service hours, **…** a markdown emphasis.
    plain = "".join(sorted(marks - {"*"}))
    branches = (["[" + re.escape(plain) + "]"] if plain else []) + ([r"(?<![0-9*])\*(?![0-9*])"] if "*" in marks else [])
    return re.compile("|".join(branches)) if branches else re.compile(r"(?!)")


def mark_back(found: list[Found], parent: int | None, marked: dict) -> None:
    """'以上条款为实质性条款': everything found so far under the same parent is mandatory (`marked`:
    a parent's uid -> len(found) at its last such line)."""
    done = marked.get(parent, 0)
    for i in range(len(found) - 1, done - 1, -1):
        if parent is not None and parent not in found[i].path:
            break  # found is in document order: the parent's items are the last ones
        found[i].mandatory = True
    marked[parent] = len(found)
