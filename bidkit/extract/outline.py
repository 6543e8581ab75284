"""The outline of a tender: item numbers (第一章, 一、, (一), 1., 3.4, (1), ①), titles, and the
stack of numbered headings and lead-in scopes that tells every requirement where it stands
(`ref`) and whether a heading above it makes it mandatory."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bidkit.extract.places import AFTER_SALES, NEUTRAL, classify, makes_mandatory, title_of

TITLED = "titled"  # a heading with a title of its own that names no place


_CN_NUM = "一二三四五六七八九十百零〇两"
NUMBERING_RE = re.compile(
    r"(?:"
    rf"(?P<chapter>第[{_CN_NUM}\d]+(?:章|部分|篇|卷|册))"
    rf"|(?P<section>第[{_CN_NUM}\d]+节)"
    rf"|(?P<article>第[{_CN_NUM}\d]+条)"
    r"|(?P<annex>附\s*[件表录]\s*[\d一二三四五六七八九十]*)(?=[\s:：]|$)"
    r"|(?P<cn>[一二三四五六七八九十]{1,3})\s*[、.]"
    r"|(?P<cnparen>[(（]\s*[一二三四五六七八九十]{1,3}\s*[)）])"
    r"|(?P<dec>\d{1,2}(?:\.\d{1,2}){1,4})\.?(?=\s|[^\x00-\x7f小时分钟天日年个月周人名次倍%万元])"
    r"|(?P<num>\d{1,2})(?:\s*[.、](?!\d)|\s+(?![小分天日年个月周人名次工%万元]))"
    r"|(?P<paren>[(（]\s*\d{1,2}\s*[)）])"
    r"|(?P<half>\d{1,2}\s*[)）])"
    r"|(?P<circle>[①-⑳⑴-⒇])"
    r")\s*"
)
_RANKS = {"chapter": 0.0, "annex": 0.0, "section": 1.0, "article": 1.5, "cn": 2.0, "cnparen": 3.0,
          "num": 4.0, "paren": 5.0, "half": 6.0, "circle": 7.0}
BARE_LABEL_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)\s*$")
MARKS_RE = re.compile(r"[\s★☆▲△◆■●※#█*]*")
MD_HEADING_RE = re.compile(r"\s*(#{1,6})\s+")


def item_number(text: str, pos: int) -> tuple[str, float, str, int] | None:
    """(label, rank, style, end) of the item number at `pos` in normalised text, or None.

    The rank orders the usual Chinese outline 第一章 > 一、 > (一) > 1. > (1) > 1) > ①; the
    style tells two numbering kinds apart (1. and 1 are different, so are 3.4 and 3.4.1).
    """
    m = NUMBERING_RE.match(text, pos)
    if not m:
        return None
    kind = m.lastgroup or ""
    raw = "".join(m.group(kind).split())
    style = kind
    if kind == "num" and "." not in m.group(0) and "、" not in m.group(0):
        style = "num_space"
    if kind == "dec":
        raw = raw.rstrip(".")
        style = f"dec{raw.count('.')}"
        label, rank = raw, 4.0 + 0.1 * raw.count(".")
    elif kind == "cn":
        label, rank = raw + "、", _RANKS[kind]
    elif kind in ("cnparen", "paren"):
        label, rank = "(" + raw.strip("(（)）") + ")", _RANKS[kind]
    elif kind == "half":
        label, rank = raw.rstrip(")）") + ")", _RANKS[kind]
    else:
        label, rank = raw, _RANKS[kind]
    return label, rank, style, m.end()


ITEM_STYLES = ("num", "num_space", "paren", "half", "circle")
TITLE_RANK = 3.9  # an unnumbered title sits below 一、 and (一), above 1. and 3.4
TITLE_RE = re.compile(r"^[^，,。；;：:！!？?|]{2,20}$")
VERB_RE = re.compile(r"须|应(?<![响回供相对适反]应)|需|承诺|不得|提供|设有|具有|配备|进行")  # see clauses._DEMAND_RE


def is_title(content: str) -> bool:
    bare = (_PARENTHESIS_RE.sub("", content) if "(" in content or "（" in content else content).strip()
    return len(bare) <= 20 and not _COMMA_RE.search(bare)


_PARENTHESIS_RE = re.compile(r"[(（][^)）]*[)）]")
_COMMA_RE = re.compile(r"[，,。；;]")


@dataclass(slots=True)
class Node:
    label: str
    rank: float
    mandatory: bool
    uid: int
    style: str = ""
    place: str | None = ""   # what its title names, see places.classify; None until asked
    heading: str = ""  # its text, for its place
    # The node under it on the stack, and the labels and uids of the stack from the bottom up
    # to it: what a block below it reads as its place, section, ref and path (what stands under
    # a node never changes while it is on the stack).
    below: Node | None = field(default=None, repr=False, compare=False)
    labels: tuple[str, ...] = field(default=(), repr=False, compare=False)
    path: tuple[int, ...] = field(default=(), repr=False, compare=False)


ROOT = Node("", -1.0, False, 0)  # what the outermost heading stands on (shared: never written to)


@dataclass(slots=True)
class _Scope:
    """A lead-in line (说明：/ 以下条款为实质性条款：) governing the items after it."""

    mandatory: bool
    depth: int                    # stack depth when it started
    parent_rank: float            # rank of the node it sits under (-1 at the top)
    child_rank: float | None = None


@dataclass
class Outline:
    stack: list[Node] = field(default_factory=list)
    scopes: list[_Scope] = field(default_factory=list)
    next_uid: int = 0
    parsed: dict = field(default_factory=dict)  # a line's text -> walk._Parsed, see walk._line
    titles: dict = field(default_factory=dict)  # a heading's uid -> its text, see section()
    section_titles: dict = field(default_factory=dict)  # a heading's text -> its section_title
    places: dict = field(default_factory=dict)  # a heading's text -> its place, see place_named
    refs: dict = field(default_factory=dict)  # the labels of the headings above -> their ref
    marks: frozenset = frozenset("★☆")  # the marks that make an item mandatory, see legend.py
    referenced: list = field(default_factory=list)  # (number, title) of sections a ★ item points to
    substantive: frozenset = frozenset()  # names of the sections listed as 实质性要求, see legend.py

    def named_substantive(self, content: str, chapter: bool = False) -> bool:
        """Whether a heading's title is one the tender lists as its 实质性要求 (第五章 供货要求); a
        chapter of the contract (第四章 货物采购合同格式) is the 合同条款 named."""
        if not self.substantive:
            return False
        bare = "".join(MARKS_RE.sub("", content, count=1).split())
        if chapter and "合同" in bare and "合同条款" in self.substantive:
            return True
        return any(bare == name or (bare.endswith(name) and len(bare) <= len(name) + 2)
                   for name in self.substantive)

    def refer(self, text: str) -> None:
        """A ★ item that points to a section (★ 技术支持与售后服务要求 | 详见“4.1技术支持与售后服务”
        章节) makes that section mandatory when it comes."""
        for m in _SECTION_REFERENCE_RE.finditer(text):
            self.referenced.append((m.group(1), "".join(m.group(2).split())))

    def referenced_here(self, label: str, content: str) -> bool:
        """Whether the heading just read (its number and text) is a section a ★ item pointed to."""
        if not self.referenced:
            return False
        bare = "".join(MARKS_RE.sub("", content, count=1).split())
        return any(number == label and bare[:4] == title[:4] for number, title in self.referenced)

    def push(self, label: str, rank: float, mandatory: bool, style: str = "") -> Node:
        placed = self._climb_by_number(label, style)
        same = None
        if style and not placed:
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].style == style:
                    same = i
                    break
        if same is not None:
            # A numbering kind seen above is a sibling of that item (2. after 1.).
            del self.stack[same:]
        elif not placed and not (self.stack and self.stack[-1].style.startswith("dec") and style in ITEM_STYLES):
            # A kind not seen yet: nest or climb by the usual outline order; items numbered
            # 1. under a decimal heading 3.4 nest under it.
            while self.stack and self.stack[-1].rank >= rank:
                self.stack.pop()
        # A lead-in scope lasts while the items keep the level of its first item.
        depth = len(self.stack)
        kept = []
        for scope in self.scopes:
            if scope.depth > depth or rank <= scope.parent_rank:
                continue
            if scope.child_rank is None:
                scope.child_rank = rank
            elif rank < scope.child_rank:
                continue
            kept.append(scope)
        self.scopes = kept
        self.next_uid += 1
        below = self.stack[-1] if self.stack else ROOT
        node = Node(label, rank, mandatory, self.next_uid, style, below=below,
                     labels=below.labels + (label,) if label else below.labels, path=below.path + (self.next_uid,))
        self.stack.append(node)
        return node

    def _climb_by_number(self, label: str, style: str) -> bool:
        """A number that names its place: 2.1 stands under the heading 2 wherever the stack
        has it; 2. after 1.9 (with no 1. item above) is the next section after 1, not an item
        of 1.9, so the decimals of 1 end there. True when the number found its parent."""
        if style.startswith("dec"):
            parent = label.rsplit(".", 1)[0]
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].label == parent:
                    del self.stack[i + 1:]
                    return True
        elif style == "num" and label.isdigit() and label != "1":
            if any(n.style == "num" for n in self.stack):
                return False  # a list of items goes on: 2. after 1.
            previous = str(int(label) - 1)
            for i, node in enumerate(self.stack):
                if node.style.startswith("dec") and node.label.split(".")[0] == previous:
                    del self.stack[i:]
                    break
        return False

    def title(self, label: str, mandatory: bool) -> None:
        while self.stack and self.stack[-1].rank >= TITLE_RANK:
            self.stack.pop()
        self.push(label, TITLE_RANK, mandatory, "title")

    def open_scope(self, mandatory: bool) -> None:
        depth = len(self.stack)
        self.scopes = [s for s in self.scopes if s.depth < depth]
        parent_rank = self.stack[-1].rank if self.stack else -1.0
        self.scopes.append(_Scope(mandatory, depth, parent_rank))

    def mandatory(self) -> bool:
        for n in self.stack:
            if n.mandatory:
                return True
        for s in self.scopes:
            if s.mandatory:
                return True
        return False

    def top(self) -> Node:
        """The innermost heading, ROOT when there is none: `ref`, `place` and `section` read the
        stack from it down (the walk keeps it where a block stood)."""
        return self.stack[-1] if self.stack else ROOT

    def ref(self, top: Node, extra: str = "") -> str:
        key = top.labels
        if extra:
            key += (extra,)
        ref = self.refs.get(key)
        if ref is None:
            ref = self.refs[key] = _ref(list(key))
        return ref

    def name(self, text: str) -> None:
        """Remember the text of the heading or title just pushed, for `section` (which reads its
        title only when a requirement below asks)."""
        if self.stack:
            self.titles[self.stack[-1].uid] = text

    def classify(self, content: str) -> None:
        """Classify the heading or title just pushed by its text (places.classify): at once
        whether it makes its items mandatory, its place when `place` first asks."""
        if self.stack:
            node = self.stack[-1]
            node.place, node.heading = None, content
            # (makes_mandatory looks for 资格要求 in the title, which is made of the text's characters)
            if "资" in content and makes_mandatory(title_of(content)):
                node.mandatory = True

    def place_named(self, content: str) -> str:
        """The place a heading's text names, read once a document (a tender repeats its headings:
        一、服务要求 under every lot)."""
        place = self.places.get(content)
        if place is None:
            place = self.places[content] = heading_place(content)
        return place

    def learn(self, content: str, place: str, title: str) -> None:
        """What a heading's text names, read elsewhere (with the block's analysis, see
        analyses.py): its `heading_place` and `section_title`."""
        self.places[content] = place
        self.section_titles[content] = title

    def place(self, top: Node) -> str:
        """The place of the innermost classified heading above (places: after-sales, demands,
        terms, boilerplate), "" when none is classified. A titled heading of its own topic
        ((二)试验 under 七、质量保证) ends an after-sales place above it, not boilerplate."""
        titled = False
        node = top
        while node is not ROOT:
            place = node.place
            if place is None:
                place = node.place = self.place_named(node.heading)
            if place == TITLED:
                titled = True
            elif place:
                return NEUTRAL if titled and place == AFTER_SALES else place
            node = node.below or ROOT
        return NEUTRAL

    def section(self, top: Node) -> str:
        """The text of the nearest heading or title above: the section a requirement stands in."""
        node = top
        while node is not ROOT:
            text = self.titles.get(node.uid)
            if text is not None:
                title = self.section_titles.get(text)
                if title is None:
                    title = self.section_titles[text] = section_title(text)
                if title:
                    return title
            node = node.below or ROOT
        return ""


def heading_place(content: str) -> str:
    """The place a heading's text names (places.classify of its title); TITLED when it has a
    title of its own that names no place."""
    title = title_of(content)
    return classify(title) or (TITLED if title else NEUTRAL)


def _ref(labels: list[str]) -> str:
    """A ref from the labels of the headings above: 第三章 一、 2.1 (1)."""
    # 2 > 2.1 reads as 2.1: a decimal number already names its parent.
    labels = [a for a, b in zip(labels, labels[1:] + [""]) if not b.startswith(a + ".")]
    out = ""
    for label in labels:
        out += label if (not out or out.endswith("、")) else " " + label
    return out


SECTION_MAX = 30
# A PDF's running header (招标文件) read as a title would name the section of every requirement
# on its page; item lines (质保期：3年) and page numbers (第 3 页: any digit) are no section either.
_RUNNING_RE = re.compile(r"招标文件|采购文件|磋商文件|谈判文件")
_NOT_TITLE_RE = re.compile(r"[，,。；;:：|]|\d")
# A table's header read as a line (序号 内容) or the end of a parenthesis a PDF wrapped (分)).
_NO_NAME_RE = re.compile(r"^(?:序号|编号)|^[)）]|[(（][^)）]*$|^[^(（]*[)）]")


def section_title(text: str) -> str:
    """A heading's text as a section name: marks, numbers and a closing colon taken off; "" when
    the text is a running header or reads as an item rather than a title."""
    if _has_leader(text):
        return ""
    title = MARKS_RE.sub("", text.strip(), count=1).strip(_EDGE).rstrip(":：").strip()
    title = _PARENTHESIS_END_RE.sub("", title).strip()
    # Most texts asked are items (质保期不少于3年，…), which the cheap tests turn down first.
    if not title or len(title) > SECTION_MAX or _NOT_TITLE_RE.search(title):
        return ""
    bare = "".join(title.split())  # 招 标 文 件: a PDF's letter-spaced heading
    if _RUNNING_RE.search(bare) or _NO_NAME_RE.search(title):
        return ""
    return title


# A contents line (对商务要求的响应………… 12) names a section far from where it stands; an item
# number may leave its 、 behind (3 、控制柜).
_LEADER_RE = re.compile(r"\.{3,}|…{2,}|·{3,}|．{3,}")
_EDGE = " \t、.．,，"
_PARENTHESIS_END_RE = re.compile(r"[(（][^)）]*[)）]$")  # 商务部分评分（满分30分） -> 商务部分评分


def _has_leader(text: str) -> bool:
    # The regex is tried at every character (its branches start with a repeat); the substring
    # tests it needs are C-level scans, and most texts fail them.
    return ("..." in text or "……" in text or "···" in text or "．．．" in text) and bool(_LEADER_RE.search(text))


# 详见服务要求详情“4.1技术支持与售后服务”章节: the number and title of the section pointed to.
_SECTION_REFERENCE_RE = re.compile(
    r"(?:详见|见|参见|按照|按)[^“\"「『]{0,16}[“\"「『]\s*(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.、．]?\s*([^”\"」』\d][^”\"」』]{1,30})[”\"」』]")


# A table of contents line: 第五章 采购内容 ........ 26, 一、项目概况\t5, 投标函……（页码）.
_TOC_RE = re.compile(r"(?:\.{4,}|…{2,}|·{4,}).{0,12}$|\t\s*[-—]?\s*\d{1,3}\s*[-—]?\s*$|…+\s*[(（]页码[)）]")
# A page's number on a line of its own (21, - 51 -, — 3 —, 第 3 页 共 9 页, 3/99), which text copied
# from a PDF leaves inside sentences.
# (Every branch of PAGE_NUMBER_RE ends on one of these before its spaces: see is_page_number.)
_PAGE_NUMBER_ENDS = "0123456789-—–页"
PAGE_NUMBER_RE = re.compile(r"\s*(?:[-—–]\s*)?[0-9]{1,4}(?:\s*[-—–])?\s*$|\s*第\s*[0-9]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9]{1,4}\s*页)?\s*$"
                            r"|\s*[0-9]{1,4}\s*/\s*[0-9]{1,4}\s*$")


def is_page_number(line: str) -> bool:
    """Whether a line is only a page's number (PAGE_NUMBER_RE); the test of its last character
    turns down most lines before the regex is tried."""
    return line.rstrip()[-1:] in _PAGE_NUMBER_ENDS and PAGE_NUMBER_RE.match(line) is not None


_CHAPTER_RE = re.compile(rf"\s*第[{_CN_NUM}\d]+\s*(章|部分|篇|卷|册)")
# 第四章“合同条款及格式”中的实质性要求: a chapter named inside a sentence, not its heading.
_CHAPTER_REFERENCE_RE = re.compile(r"\s*[“\"'《「『]|.{0,24}(?:规定|详见|所列|中的|要求的)")


def is_toc_line(text: str) -> bool:
    # Every branch of _TOC_RE needs one of these (the regex is tried at every character of
    # every line, the substring tests are C-level scans): most lines have none.
    if "...." not in text and "…" not in text and "····" not in text and "\t" not in text:
        return False
    return bool(_TOC_RE.search(text))


def not_headings(texts: list[str | None]) -> tuple[set[int], set[int]]:
    """(skipped, demoted) indexes among the texts of a document's lines: a table of contents
    line, or a chapter line in a run of chapter lines (the 招标文件组成 list: 第一章 招标公告,
    第二章 投标人须知, … one after another) is skipped; a chapter named in a sentence
    (第四章“合同条款及格式”中的…) is read as a plain line, not as a chapter heading."""
    skipped: set[int] = set()
    demoted: set[int] = set()
    chapters: list[tuple[int, str]] = []   # (index, kind) of the lines that start with 第X章
    for i, text in enumerate(texts):
        if text is None:
            continue
        if is_toc_line(text):
            skipped.add(i)
            continue
        m = _CHAPTER_RE.match(text)
        if m:
            if _CHAPTER_REFERENCE_RE.match(text, m.end()):
                demoted.add(i)
            else:
                chapters.append((i, m.group(1)))
    # A run: chapter lines of one kind with nothing but page numbers between them.
    for (i, kind), (j, kind2) in zip(chapters, chapters[1:]):
        if kind == kind2 and all((between := texts[k]) is not None and (is_page_number(between) or k in skipped)
                                 for k in range(i + 1, j)):
            skipped.update((i, j))
    return skipped, demoted
