"""暗标: a technical bid read without knowing whose it is.

Evaluators of an anonymous (暗标) bid void it when anything names the bidder: its name or short
name, an address, a phone, a staff member's name, a logo. This module lists what identifies the
bidder (from the bid and the company in the settings), finds it in what the writer typed, and
scrubs it from a rendered package (headers, footers, properties), so that the check blocks what
is left in clause text and the draft shows none of it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bidkit import places_cn
from bidkit.commitments import ResolvedClause
from bidkit.model import Bid, Bidder, Finding

MASK = "＊＊＊"  # what a scrubbed word prints as in a draft; the check blocks the final chapter
MIN_WORD_CHARS = 2  # a one-character "name" would match everywhere
MIN_PHONE_DIGITS = 7  # shorter digit runs (400, 2026) are not a phone number
# Company forms and trade words a short name drops: 广东粤信科技有限公司 is also 粤信科技 and 粤信.
_COMPANY_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|分公司)$")
_TRADE = re.compile(r"(?:科技|信息技术|信息|技术|电子|网络|智能|系统|工程|实业|发展|贸易|电气|设备|服务)+$")
_PHONE_GAP = r"[\s\-－—–()（）.]?"
_APP_NAMES = re.compile(rb"<(Company|Manager|HyperlinkBase)>[^<]*</\1>")


@dataclass(frozen=True)
class Identifying:
    text: str  # as the bid holds it
    what: str  # 投标人名称, 投标人简称, 服务网点地址, 联系电话, 人员姓名, …
    pattern: re.Pattern[str]


def short_names(name: str) -> list[str]:
    """The names a company goes by besides its full one: without its place (广东, 湛江市) and form
    (有限公司), then without its trade (科技)."""
    rest = name.strip()
    for places in (places_cn.PROVINCES, tuple(places_cn.CITY_PROVINCE)):
        head = next((p for p in places if rest.startswith(p)), None)
        if head:
            rest = re.sub(rf"^{head}(?:省|市|自治区)?", "", rest)
    rest = _COMPANY_FORM.sub("", rest)
    names = [rest, _TRADE.sub("", rest)]
    return [n for n in dict.fromkeys(names) if len(n) >= MIN_WORD_CHARS and n != name.strip()]


def _word(text: str, what: str, phone: bool = False) -> Identifying | None:
    text = (text or "").strip()
    if phone:
        digits = re.sub(r"\D", "", text)
        if len(digits) < MIN_PHONE_DIGITS:
            return None
        return Identifying(text, what, re.compile(rf"(?<!\d){_PHONE_GAP.join(digits)}(?!\d)"))
    if len(text) < MIN_WORD_CHARS:
        return None
    return Identifying(text, what, re.compile(re.escape(text)))


def identifying(bid: Bid, company: Bidder | None = None) -> list[Identifying]:
    """Everything that names the bidder: the bid's bidder and the company from the settings (name,
    short names, address, hotline, contact), the offices' addresses and phones, the staff's names
    and phones; longest first, so that a scrub masks 广东粤信科技有限公司 before 粤信."""
    found: list[Identifying | None] = []
    for who in (bid.bidder, company or Bidder()):
        found += [_word(who.name, "投标人名称"), _word(who.address, "投标人地址"),
                  _word(who.hotline, "联系电话", phone=True), _word(who.contact, "联系人姓名")]
        found += [_word(n, "投标人简称") for n in short_names(who.name)]
    for office in bid.offices:
        found += [_word(office.address, "服务网点地址"), _word(office.phone, "联系电话", phone=True)]
    for person in bid.staff:
        found += [_word(person.name, "人员姓名"), _word(person.phone, "联系电话", phone=True)]
    unique = {w.pattern.pattern: w for w in found if w}
    return sorted(unique.values(), key=lambda w: -len(w.text))


def occurrences(text: str, words: list[Identifying]) -> list[tuple[Identifying, int]]:
    """(word, times) for each identifying word in `text`, a longer word's matches not counted again
    for the shorter words inside it (粤信 inside 广东粤信科技有限公司)."""
    return _masked(text, words)[1]


def scrub(text: str, words: list[Identifying]) -> str:
    return _masked(text, words)[0]


def _masked(text: str, words: list[Identifying]) -> tuple[str, list[tuple[Identifying, int]]]:
    found = []
    for word in words:
        text, n = word.pattern.subn(MASK, text or "")
        if n:
            found.append((word, n))
    return text, found


def scrub_package(document, headers: list) -> None:
    """An anonymous chapter's package: headers and footers keep only the line the renderer wrote
    (a house style's logo or company line must not reach an anonymous bid, nor the pictures they
    point to), and every text property is empty (core.xml; app.xml's Company and Manager)."""
    for header in headers:
        ours = header.paragraphs[0]._p
        for child in list(header._element):
            if child is not ours:
                header._element.remove(child)
        for rel_id, rel in list(header.part.rels.items()):
            if rel.reltype.endswith("/image"):
                header.part.drop_rel(rel_id)
    props = document.core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category",
                 "content_status", "identifier", "language", "version"):
        setattr(props, name, "")
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = _APP_NAMES.sub(rb"<\1/>", part.blob)


def anonymous_findings(bid: Bid, clauses: list[ResolvedClause], words: list[Identifying]) -> list[Finding]:
    """For an anonymous bid, one blocking finding for each identifying word (`identifying`) left in
    a chosen clause's rendered text (its values filled in; a clause that cannot render, in its text
    values) and in the decided deviation-table rows, with how often it occurs there."""
    texts = []
    for clause in clauses:
        values = [v for v in clause.choice.params.values() if isinstance(v, str)]
        texts.append((clause.version.title, clause.version.id, [clause.text] if clause.text else values))
    for d in bid.decisions:
        texts.append((f"偏离表 {d.ref or d.requirement[:20]}", None, [d.response, d.note]))
    findings = []
    for where, clause_id, parts in texts:
        for word, n in occurrences("\n".join(parts), words):
            times = f"（{n}处）" if n > 1 else ""
            findings.append(Finding(kind="anonymous", status="暗标泄露", blocking=True, offer=word.text,
                                    clause_id=clause_id,
                                    message=f"{where}：含有{word.what}“{word.text}”{times}，"
                                            "暗标不得出现可识别投标人的信息，请删除"))
    return findings
