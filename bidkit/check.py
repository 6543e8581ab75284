"""Check a bid against the tender's requirements and against itself.

Every requirement gets one finding (正偏离, 无偏离, 负偏离, 未响应, 需人工确认). The bid itself is
checked for what goes wrong with copy-paste: two clauses promising different values, staff or
offices that do not back a promise, placeholders, unapproved versions, values out of bounds,
characters Word cannot store. The deviation table is computed from the findings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bidkit import anonymous, conditions, places_cn, templating
from bidkit.commitments import Commitment, ResolvedClause, resolve
from bidkit.errors import ValueProblem
from bidkit.library import Library
from bidkit.model import Bid, ClauseVersion, Finding, Requirement, RowDecision, Where
from bidkit.quantity import Quantity, ServiceHours, Verdict, compare
from bidkit.settings import load_settings

VERDICT_STATUS = {Verdict.BETTER: "正偏离", Verdict.EQUAL: "无偏离", Verdict.WORSE: "负偏离",
                  Verdict.UNDETERMINED: "需人工确认"}
# Rows the check cannot decide: a buyer reads 未响应 against ★ as grounds to void the bid, so the
# final chapter carries none of them; the writer decides each (RowDecision).
OPEN_STATUSES = ("未响应", "需人工确认")
# Leftovers of copy-paste that must never reach a buyer (template markup: templating.TEMPLATE_MARK).
PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:X{2,}|x{3,})(?![A-Za-z])|×{2,}|【\s*】|＿{2,}|_{3,}")
# Characters XML 1.0 cannot hold; Word text pasted into a field often carries them.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ENGINEER_ROLE = re.compile(r"工程师|技术")
HEADCOUNT = {"staff_count": lambda staff: len(staff),
             "engineer_count": lambda staff: sum(1 for s in staff if ENGINEER_ROLE.search(s.role))}


@dataclass(frozen=True)
class DeviationRow:
    """One row of 售后服务偏离表."""

    number: int
    ref: str
    requirement: str
    response: str
    status: str
    note: str


@dataclass
class CheckResult:
    findings: list[Finding]
    clauses: list[ResolvedClause]
    requirement_findings: list[Finding]
    # a 暗标 bid's identifying words (anonymous.identifying), which its chapter and workbook mask
    identifying: list[anonymous.Identifying]

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def to_json(self) -> dict:
        return {"blocking": bool(self.blocking),
                "findings": [{"requirement": f.requirement.model_dump(exclude_none=True) if f.requirement else None,
                              "status": f.status, "blocking": f.blocking, "offer": f.offer,
                              "message": f.message} for f in self.findings]}


def comparable(offer, required) -> bool:
    """Whether a commitment speaks to a requirement's dimension. Working days count with calendar
    time here, so 5个工作日 against 7天 reaches compare() and is reported as 需人工确认, while a
    training head-count never answers a training-days requirement."""
    if isinstance(required, ServiceHours):
        return isinstance(offer, ServiceHours)
    return isinstance(offer, Quantity) and (offer.comparable_with(required) or
                                            {offer.unit, required.unit} <= {"day", "workday", "hour", "minute", "week"})


def judge(req: Requirement, commitment: Commitment, bid: Bid) -> tuple[str, str]:
    """(status, reason) for one commitment against one requirement."""
    value = commitment.value
    if req.op == "present":
        if value is False or value == "":
            return "负偏离", f"未承诺{commitment.label}"
        if req.metric == "local_office":
            return local_office_judgement(req, commitment, bid)
        if isinstance(value, str):
            # a sentence the writer typed is no computed answer: 无偏离 needs their confirmation
            return "需人工确认", f"{commitment.label}以文字承诺（{commitment.offer}），请人工确认是否满足"
        return "无偏离", "满足招标要求"
    required = req.quantity()
    if isinstance(value, bool) or isinstance(value, str):
        return "需人工确认", f"{commitment.label}以文字承诺（{commitment.offer}），请人工比较"
    verdict = compare(value, required, req.op)
    required_text = required.format()
    reason = {Verdict.BETTER: f"承诺{commitment.offer}，优于招标要求的{required_text}",
              Verdict.EQUAL: "满足招标要求",
              Verdict.WORSE: f"承诺{commitment.offer}，未达到招标要求的{required_text}",
              Verdict.UNDETERMINED: f"承诺{commitment.offer}与要求的{required_text}计量方式不同"
                                    f"{_why_undetermined(value, required)}，无法确定优劣，请人工确认"}[verdict]
    return VERDICT_STATUS[verdict], reason


def _why_undetermined(offer, required) -> str:
    """The units that keep two quantities from a verdict, as they are: （工作日与日历天）."""
    units = {getattr(offer, "unit", None), getattr(required, "unit", None)}
    if "workday" in units:
        return "（工作日与日历天）"
    if units & {"month", "year"}:
        return "（月、年不折算为天）"
    return ""


STATUS_ZH = {"draft": "草稿", "approved": "已审批", "retired": "已停用"}
STATUS_RANK = {"负偏离": 0, "需人工确认": 1, "无偏离": 2, "正偏离": 3}


def requirement_finding(req: Requirement, commitments: list[Commitment], bid: Bid,
                        clauses: dict[str, ResolvedClause]) -> Finding:
    """One finding per requirement: the worst verdict among the clauses committing its metric."""
    if req.metric == "other":
        # "other" requirements are shown to the writer but never compared: no clause parameter
        # can answer them, so they ask for a look and never block on their own.
        note = "该要求无可比较的指标，请人工确认投标文件已响应"
        return Finding(kind="requirement", requirement=req, status="需人工确认", message=note, note=note)
    candidates = [c for c in commitments if c.metric == req.metric]
    unanswered = "所选条款均未响应该要求"
    if req.op != "present":
        required = req.quantity()
        fitting = [c for c in candidates if comparable(c.value, required)]
        if candidates and not fitting:
            # 备品备件供应不少于8年 against a 12-hour parts delivery: another dimension answers
            # nothing, and the reason names both quantities as they are.
            offers = "、".join(dict.fromkeys(c.offer for c in candidates))
            unanswered = f"所选条款只承诺了{offers}，与要求的{required.format()}不是同一计量，未响应该要求"
        candidates = fitting
    if not candidates:
        note = unanswered + ("；★实质性要求未响应将导致废标" if req.mandatory else "")
        return Finding(kind="requirement", requirement=req, status="未响应", blocking=req.mandatory,
                       message=note, note=note)
    judged = sorted(((*judge(req, c, bid), c) for c in candidates), key=lambda j: STATUS_RANK[j[0]])
    status, reason, commitment = judged[0]
    blocking = req.mandatory and status == "负偏离"
    if blocking:
        reason += "；★实质性要求负偏离将导致废标"
    return Finding(kind="requirement", requirement=req, status=status, blocking=blocking,
                   offer=clauses[commitment.clause_id].sentence_with(commitment),
                   message=f"{commitment.ref}：{reason}", note=reason,
                   clause_id=commitment.clause_id)


def decided(finding: Finding, decisions: dict[str, RowDecision]) -> Finding:
    """A row the check cannot decide, as the writer decided it (decisions keyed by requirement
    text); any other finding as it is: a decision never overrides the check's own verdict."""
    decision = decisions.get(finding.requirement.text) if finding.status in OPEN_STATUSES else None
    if decision is None:
        return finding
    blocking = finding.requirement.mandatory and decision.status == "负偏离"
    message = f"由{decision.decided_by}于{decided_at_text(decision)}确认为{decision.status}"
    return finding.model_copy(update={
        "status": decision.status, "blocking": blocking, "offer": decision.response, "note": decision.note,
        "decision": decision, "message": message + ("；★实质性要求负偏离将导致废标" if blocking else "")})


def decided_at_text(decision: RowDecision) -> str:
    """2026年11月29日 10:25, in the time zone the decision was recorded in."""
    at = decision.decided_at
    return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"


def suggested_response(finding: Finding) -> str:
    """The response sentence offered to the writer deciding an open row: the chosen clause's own
    sentence when one speaks to the requirement, else a plain promise to meet it."""
    return finding.offer or f"我公司完全响应并满足：{finding.requirement.text.lstrip('★▲ ')}"


def open_rows(result: CheckResult) -> list[Finding]:
    """The deviation-table rows still waiting for the writer's decision."""
    return [f for f in result.requirement_findings if f.status in OPEN_STATUSES]


def clauses_for(metric: str, lib: Library, bid: Bid) -> list[ClauseVersion]:
    """What a 未响应 row can add: the latest approved version of each library clause the bid has not
    chosen with a parameter answering `metric`, in the library's category order."""
    if metric == "other":
        return []
    chosen = {c.id for c in bid.clauses}
    order = {c: i for i, c in enumerate(lib.category_order())}
    found = [v for clause_id, entry in lib.clauses.items()
             if clause_id not in chosen and (v := entry.latest_approved()) and metric in v.metrics()]
    return sorted(found, key=lambda v: (order.get(v.category, len(order)), v.id))


def stale_decisions(bid: Bid) -> list[tuple[RowDecision, Requirement | None]]:
    """The decisions whose requirement text is no longer in the bid (the tender was extracted again,
    or a row edited): each with the requirement now at its item number for that metric (its text
    changed), or None (it is gone)."""
    texts = {r.text for r in bid.requirements}
    at_ref: dict[tuple[str, str], Requirement] = {}
    for r in bid.requirements:
        if r.ref:
            at_ref.setdefault((r.ref, r.metric), r)
    return [(d, at_ref.get((d.ref, d.metric)) if d.ref else None)
            for d in bid.decisions if d.requirement not in texts]


def conflict_findings(commitments: list[Commitment]) -> list[Finding]:
    """Two clauses committing one metric to different values: the chapter contradicts itself.

    A bid of 10,000 commitments is 50 million pairs, so the commitments are grouped by metric,
    then by value (a quantity's family and magnitude): values are compared once a pair of groups,
    and only the pairs that differ are visited. The findings come in the order of the pairs."""
    groups: dict[str, dict[tuple, list[int]]] = {}
    for i, c in enumerate(commitments):
        if c.metric == "other":
            continue
        if isinstance(c.value, Quantity):
            key = (Quantity, c.value.family(), c.value.magnitude())
        else:
            key = (type(c.value), c.value)
        groups.setdefault(c.metric, {}).setdefault(key, []).append(i)
    pairs = []
    for by_value in groups.values():
        values = list(by_value.values())
        for n, first in enumerate(values):
            for second in values[n + 1:]:
                if _differ(commitments[first[0]].value, commitments[second[0]].value):
                    pairs += [(min(i, j), max(i, j)) for i in first for j in second
                              if commitments[i].clause_id != commitments[j].clause_id]
    findings = []
    for i, j in sorted(pairs):
        a, b = commitments[i], commitments[j]
        findings.append(Finding(
            kind="conflict", status="条款冲突", blocking=True, offer=f"{a.offer} / {b.offer}",
            clause_id=b.clause_id,
            message=f"{a.ref} 承诺{a.label}{a.offer}，而 {b.ref} 承诺{b.offer}，前后矛盾"))
    return findings


def _differ(a, b) -> bool:
    """Whether two values of one metric contradict each other (values of unlike kinds do not)."""
    if isinstance(a, Quantity) and isinstance(b, Quantity):
        return a.comparable_with(b) and compare(a, b, "==") != Verdict.EQUAL
    return type(a) is type(b) and a != b


def staffing_findings(commitments: list[Commitment], bid: Bid) -> list[Finding]:
    findings = []
    for c in commitments:
        count = HEADCOUNT.get(c.metric)
        if count is None or not isinstance(c.value, Quantity) or c.value.unit != "person":
            continue
        listed = count(bid.staff)
        if listed < c.value.value:
            findings.append(Finding(
                kind="staff", status="人员不足", blocking=True, offer=c.offer, clause_id=c.clause_id,
                message=f"{c.ref} 承诺{c.label}{c.offer}，但人员配置表只列出{listed}人"))
    return findings


def local_office_judgement(req: Requirement, commitment: Commitment, bid: Bid) -> tuple[str, str]:
    """(status, reason) of a local-office clause against a requirement: the place the requirement
    names (项目所在地（佛山市）, 在广东省内设有) against the bid's offices and the place the clause
    writes; a requirement naming no place (本市, 项目所在地) needs only an office."""
    if not bid.offices:
        return "负偏离", "条款承诺设有本地服务机构，但投标文件未列出任何服务网点"
    place = places_cn.required_place(req.text)
    if place is None:
        return "无偏离", "满足招标要求"
    offices = "、".join(dict.fromkeys(o.city for o in bid.offices))
    wanted = f"要求在{place.name}设有服务机构"
    written = places_cn.parse_place(commitment.value) if isinstance(commitment.value, str) else None
    clause = places_cn.locate(written.name, "", place) if written else None
    found = {places_cn.locate(o.city, o.address, place) for o in bid.offices}
    if clause is places_cn.Located.OUT:
        missing = "" if places_cn.Located.IN in found else f"，投标的服务网点在{offices}"
        return "负偏离", f"{wanted}，条款写明服务机构在{written.name}{missing}"
    if found == {places_cn.Located.OUT}:
        return "负偏离", f"{wanted}，投标的服务网点在{offices}"
    if clause is places_cn.Located.UNKNOWN:
        return "需人工确认", f"{wanted}，无法确定条款写明的{written.name}是否在{place.name}，请人工确认"
    if places_cn.Located.IN not in found:
        return "需人工确认", f"{wanted}，无法确定投标的服务网点（{offices}）是否在{place.name}，请人工确认"
    return "无偏离", "满足招标要求"


def office_findings(commitments: list[Commitment], bid: Bid) -> list[Finding]:
    arrivals = [c for c in commitments if c.metric == "onsite_arrival"]
    if arrivals and not bid.offices:
        c = arrivals[0]
        return [Finding(kind="office", status="无本地网点", blocking=False, offer=c.offer, clause_id=c.clause_id,
                        message=f"{c.ref} 承诺{c.offer}到达现场，但投标文件未列出任何服务网点")]
    return []


def _texts_of(bid: Bid, clauses: list[ResolvedClause]):
    """(where, text) for every text of the bid that reaches the chapter."""
    for field in ("project", "project_number", "buyer"):
        yield field, getattr(bid, field)
    for field, value in bid.bidder.model_dump().items():
        yield f"bidder.{field}", value
    for i, row in enumerate(bid.staff):
        for field, value in row.model_dump().items():
            yield f"staff[{i + 1}].{field}", value
    for i, row in enumerate(bid.offices):
        for field, value in row.model_dump().items():
            yield f"offices[{i + 1}].{field}", value
    for clause in clauses:
        for name, value in clause.choice.params.items():
            if isinstance(value, str):
                spec = clause.version.params.get(name)
                yield f"{clause.ref} {spec.label if spec else name}", value
        if clause.text:
            yield clause.ref, clause.text
    for decision in bid.decisions:
        yield f"偏离表 {decision.ref or decision.requirement[:20]}", decision.response
        yield f"偏离表 {decision.ref or decision.requirement[:20]} 说明", decision.note


def text_findings(bid: Bid, clauses: list[ResolvedClause]) -> list[Finding]:
    findings = []
    marked: list[str] = []  # texts reported for template markup; a clause's rendered text repeats them
    for where, text in _texts_of(bid, clauses):
        if m := PLACEHOLDER.search(text or ""):
            findings.append(Finding(kind="placeholder", status="未填写", blocking=True, offer=m.group(0),
                                    message=f"{where}：残留占位符“{m.group(0)}”，请填写"))
        if m := templating.TEMPLATE_MARK.search(text or ""):
            if not any(value in text for value in marked):
                findings.append(Finding(kind="placeholder", status="模板标记", blocking=True, offer=m.group(0),
                                        message=f"{where}：含有模板标记“{m.group(0)}”；填写的值不会作为模板执行，"
                                                "会原样印进文档，请删除"))
            marked.append(text.strip())
        if ILLEGAL_XML.search(text or ""):
            findings.append(Finding(kind="characters", status="非法字符", blocking=False,
                                    message=f"{where}：含有不可见的控制字符（多见于从Word粘贴），"
                                            "生成文档时已删除"))
    return findings


def clause_findings(clauses: list[ResolvedClause]) -> list[Finding]:
    findings = []
    for clause in clauses:
        if clause.status != "approved":
            findings.append(Finding(kind="status", status="未审批", blocking=True, clause_id=clause.version.id,
                                    message=f"{clause.ref} 的状态为“{STATUS_ZH[clause.status]}”，未经法务审批"))
        for kind, status, problems in (("placeholder", "未填写", clause.problems),
                                       ("bounds", "超出范围", clause.out_of_bounds)):
            for _name, problem in problems:
                coded = ValueProblem(f"{clause.ref}：{problem.message}", code="clause-param", ref=clause.ref,
                                     problem=problem)
                findings.append(Finding(kind=kind, status=status, blocking=True, clause_id=clause.version.id,
                                        message=coded.message, problem=coded))
        if clause.render_error:
            findings.append(Finding(kind="placeholder", status="无法生成", blocking=True,
                                    clause_id=clause.version.id, message=clause.render_error))
    return findings


def check(bid: Bid, lib: Library) -> CheckResult:
    """All findings of a bid, blocking ones first, then in requirement order."""
    clauses = resolve(bid, lib)
    by_id = {c.version.id: c for c in clauses}
    commitments = [c for clause in clauses for c in clause.commitments()]
    decisions = {d.requirement: d for d in bid.decisions}
    per_requirement = [decided(requirement_finding(r, commitments, bid, by_id), decisions)
                       for r in bid.requirements]
    findings = list(per_requirement)
    findings += conflict_findings(commitments)
    findings += staffing_findings(commitments, bid)
    findings += office_findings(commitments, bid)
    findings += clause_findings(clauses)
    findings += text_findings(bid, clauses)
    findings += conditions.condition_findings(bid, clauses)
    words = anonymous.identifying(bid, load_settings().bidder) if bid.anonymous else []
    if words:
        findings += anonymous.anonymous_findings(bid, clauses, words)
    findings.sort(key=lambda f: not f.blocking)
    return CheckResult(findings, clauses, per_requirement, words)


# The chapter is written in Chinese whatever the app's language.
_PLACE_WORDS = {"page": "第{n}页", "table": "表{n}", "row": "第{n}行", "cell": "第{n}列", "paragraph": "第{n}段",
                "line": "第{n}行"}


def _place(where: Where | None) -> str:
    """招标文件条目号 of a requirement the tender gave no item number: where it stands (第3页)."""
    return "".join(_PLACE_WORDS[kind].format(n=n) for kind, n in where.parts()) if where else ""


def deviation_rows(result: CheckResult) -> list[DeviationRow]:
    """售后服务偏离表: one row per requirement, in the tender's order, quoting the chapter's own words."""
    rows = []
    for number, finding in enumerate(result.requirement_findings, start=1):
        req = finding.requirement
        star = "★" if req.mandatory and not req.text.startswith("★") else ""
        rows.append(DeviationRow(number, req.ref or _place(req.where), star + req.text, finding.offer or "未响应",
                                 finding.status, finding.note))
    return rows
