"""The pydantic models at bidkit's boundaries: clause versions, reviews, bids, templates, findings.

Every model forbids unknown fields, so a typo in a YAML key is an error the writer sees, not a
setting silently ignored. Messages are written for bid writers and reviewers, in plain words.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bidkit.quantity import UNITS, Quantity, ServiceHours, parse_quantity, parse_service_hours
from bidkit.errors import QuantityError, ValueProblem

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

METRICS = (
    "warranty_period", "response_time", "onsite_arrival", "repair_completion",
    "replacement_time", "substitute_equipment", "service_hours", "local_office",
    "staff_count", "engineer_count", "training", "spare_parts", "return_visit",
    "complaint_response", "other",
)
Metric = Literal[
    "warranty_period", "response_time", "onsite_arrival", "repair_completion",
    "replacement_time", "substitute_equipment", "service_hours", "local_office",
    "staff_count", "engineer_count", "training", "spare_parts", "return_visit",
    "complaint_response", "other",
]
Op = Literal[">=", "<=", "==", "present"]
ParamType = Literal["duration", "count", "text", "choice", "bool", "service_hours"]
ReviewEvent = Literal["approved", "retired"]
Status = Literal["draft", "approved", "retired"]

ParamValue = Quantity | ServiceHours | str | bool


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def check_id(value: str) -> str:
    """Ids become folder names: lower-case letters, digits and single hyphens only."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ValueError(
            f"id {value!r} may hold only lower-case letters, digits and single hyphens "
            "(no '/', '..', spaces or capitals)")
    return value


# A parameter's words are shown beside its input on the compose page: a label is a few words, its
# help a sentence or two, a choice a phrase.
MAX_PARAM_LABEL_CHARS = 40
MAX_PARAM_HELP_CHARS = 500
MAX_CHOICE_CHARS = 100


class ParamSpec(Strict):
    """One typed parameter of a clause; `metric` ties it to the tender requirements it answers."""

    label: str = Field(max_length=MAX_PARAM_LABEL_CHARS)
    type: ParamType
    default: Any = None
    min: str | int | None = None
    max: str | int | None = None
    choices: list[Annotated[str, Field(max_length=MAX_CHOICE_CHARS)]] | None = None
    metric: Metric | None = None
    help: str | None = Field(None, max_length=MAX_PARAM_HELP_CHARS)

    @model_validator(mode="after")
    def _consistent(self) -> "ParamSpec":
        if self.type == "choice":
            if not self.choices:
                raise ValueError("a choice parameter needs a non-empty 'choices' list")
            if len(set(self.choices)) != len(self.choices):
                raise ValueError("'choices' lists the same option twice")
        elif self.choices is not None:
            raise ValueError(f"'choices' is only for type choice, not {self.type}")
        if self.type not in ("duration", "count") and (self.min is not None or self.max is not None):
            raise ValueError(f"'min' and 'max' are only for duration and count, not {self.type}")
        low = self.bound("min")
        high = self.bound("max")
        if low is not None and high is not None and _magnitude(low) > _magnitude(high):
            raise ValueError(f"min {self.min} is larger than max {self.max}")
        if self.default is not None:
            self.parse_value(self.default, field="default")
        return self

    def bound(self, which: Literal["min", "max"]) -> Quantity | None:
        raw = getattr(self, which)
        if raw is None:
            return None
        return self._parse(raw, which)

    def _parse(self, raw: Any, field: str) -> Quantity | ServiceHours:
        try:
            if self.type == "service_hours":
                return parse_service_hours(str(raw))
            if self.type == "count":
                q = parse_quantity(str(raw), default_unit="times")
            else:
                q = parse_quantity(str(raw))
        except QuantityError as exc:
            raise ValueProblem(f"{field} {raw!r}: {exc.message}", code="param-unreadable", name=field, raw=raw,
                               problem=exc) from None
        if self.type == "duration" and q.unit in ("person", "times"):
            raise ValueProblem(f"{field} {raw!r} is a count, but this parameter is a duration",
                               code="param-count-not-duration", name=field, raw=raw)
        if self.type == "count" and q.unit not in ("person", "times", "day"):
            raise ValueProblem(f"{field} {raw!r} is a duration, but this parameter is a count",
                               code="param-duration-not-count", name=field, raw=raw)
        return q

    def parse_value(self, raw: Any, field: str | None = None) -> ParamValue:
        """Turn a value from YAML or a widget into its typed form, or raise ValueProblem (a ValueError)
        saying why; the message names `field`, by default the parameter's label."""
        field = field or self.label
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise ValueProblem(f"{field} is empty", code="param-empty", name=field)
        if self.type in ("duration", "count", "service_hours"):
            if isinstance(raw, (Quantity, ServiceHours)):
                return raw
            if isinstance(raw, bool):
                raise ValueProblem(f"{field} {raw!r} is not a {self.type}", code="param-wrong-type", name=field,
                                   raw=raw)
            return self._parse(raw, field)
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "yes", "是", "1"):
                return True
            if text in ("false", "no", "否", "0"):
                return False
            raise ValueProblem(f"{field} {raw!r} is not yes/no", code="param-not-yes-no", name=field, raw=raw)
        value = str(raw).strip()
        if self.type == "choice" and value not in (self.choices or []):
            raise ValueProblem(f"{field} {value!r} is not one of {', '.join(self.choices or [])}",
                               code="param-not-a-choice", name=field, raw=value, choices="、".join(self.choices or []))
        return value

    def out_of_bounds(self, value: ParamValue) -> ValueProblem | None:
        """The problem when a duration or count lies outside min/max (its str() the English
        message), else None."""
        if not isinstance(value, Quantity):
            return None
        for which, sign in (("min", -1), ("max", 1)):
            bound = self.bound(which)
            if bound is None:
                continue
            if _comparable(value, bound) and sign * (_magnitude(value) - _magnitude(bound)) > 0:
                word = "below the minimum" if which == "min" else "above the maximum"
                return ValueProblem(f"{self.label} {value.format()} is {word} {bound.format()}",
                                    code=f"param-{'below-min' if which == 'min' else 'above-max'}",
                                    name=self.label, value=value.format(), bound=bound.format())
        return None


def _comparable(a: Quantity, b: Quantity) -> bool:
    return a.comparable_with(b)


def _magnitude(q: Quantity) -> float:
    return q.magnitude()


class ClauseBody(Strict):
    """What a version file and a new-version file share: the clause's identity, text and params."""

    id: str
    category: str
    title: str = Field(min_length=1)
    note: str = ""
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    text: str = Field(min_length=1)

    _id = field_validator("id", "category")(check_id)

    @field_validator("params")
    @classmethod
    def _param_names(cls, params: dict[str, ParamSpec]) -> dict[str, ParamSpec]:
        for name in params:
            if not re.match(r"^[a-z_][a-z0-9_]*$", name):
                raise ValueError(f"parameter name {name!r} must be lower-case letters, digits and _")
        return params

    def metrics(self) -> dict[str, str]:
        """metric -> parameter name, for the parameters that answer a requirement."""
        return {spec.metric: name for name, spec in self.params.items() if spec.metric}


class ClauseVersion(ClauseBody):
    """One immutable version of a commitment clause, as stored in `vN.yaml`."""

    version: int = Field(ge=1)
    author: str = Field(min_length=1)
    created: datetime

    def to_file(self) -> dict[str, Any]:
        """The fields in the order a reviewer reads a version file."""
        data = self.model_dump(mode="json", exclude_none=True)
        order = ("id", "version", "category", "title", "author", "created", "note", "params", "text")
        return {k: data[k] for k in order}


class NewVersion(ClauseBody):
    """A new-version file: a version file without `version`, with the version it was based on."""

    based_on: int = Field(ge=0)
    author: str | None = None
    created: datetime | None = None


class Review(Strict):
    """A review event of one version, stored in `vN.<event>.yaml`; never rewritten."""

    id: str
    version: int = Field(ge=1)
    event: ReviewEvent
    reviewer: str = Field(min_length=1)
    at: datetime
    comment: str = ""
    # True only when the app recorded it for a reviewer signed in (st.login); a name typed in the
    # app or given on the command line is taken on trust, and this says so.
    verified: bool = False

    _id = field_validator("id")(check_id)


class Category(Strict):
    """A category folder's `_category.yaml`."""

    title: str
    title_en: str = ""
    order: int = 0


class Where(Strict):
    """Where in the tender a requirement was read: the evidence a writer checks it against.

    `file` is the file's name only (never a server path); the other fields are 1-based and set
    where the format has them: a PDF's page, a .docx paragraph or table/row/cell, a text's line.
    """

    file: str = ""
    page: int | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    line: int | None = None

    def parts(self) -> list[tuple[str, int]]:
        """The place as (kind, number) pairs, most telling first, for a reader to word: a PDF's
        page, then a table's row and cell, else a paragraph, else a text's line."""
        out = [("page", self.page)] if self.page is not None else []
        if self.table is not None:
            out.append(("table", self.table))
            out += [(kind, n) for kind, n in (("row", self.row), ("cell", self.cell)) if n is not None]
        elif self.paragraph is not None:
            out.append(("paragraph", self.paragraph))
        elif self.line is not None:
            out.append(("line", self.line))
        return out


class Requirement(Strict):
    """One tender requirement; the same fields as `bidkit extract` prints."""

    metric: Metric
    op: Op
    value: float | int | str | None = None
    unit: str | None = None
    mandatory: bool = False
    text: str = ""
    ref: str = ""
    # A scoring rule ("每增加1年加1分，最高3分") is a hint for the writer, never a threshold;
    # it is the one field beyond DESIGN.md's seven, and is left out of JSON when empty.
    scoring: str | None = None
    # Evidence beyond `ref` (the tender's own item number): where the text stands, and the
    # heading of the section it stands in; left out of JSON and YAML when unknown.
    where: Where | None = None
    section: str = ""

    @model_validator(mode="after")
    def _value_matches_op(self) -> "Requirement":
        if self.op == "present":
            return self
        if self.value is None:
            raise ValueError(f"op {self.op} needs a value; use op 'present' when the tender gives no number")
        if self.metric not in ("service_hours", "other"):
            if not self.unit:
                raise ValueError(f"value {self.value} needs a unit ({', '.join(UNITS)})")
            if self.unit not in UNITS:
                raise ValueError(f"unknown unit {self.unit!r}: use one of {', '.join(UNITS)}")
        try:
            self.quantity()
        except QuantityError as exc:  # a ValueError, so that the error names this field and line
            raise ValueError(exc.message) from None
        return self

    def quantity(self) -> Quantity | ServiceHours | None:
        """The required value as a quantity, or None for `present` and `other`."""
        if self.op == "present" or self.value is None or self.metric == "other":
            return None
        if self.metric == "service_hours":
            return parse_service_hours(str(self.value))
        return parse_quantity(f"{self.value} {self.unit}")


class Bidder(Strict):
    name: str = ""
    address: str = ""
    hotline: str = ""
    contact: str = ""


class ChapterInfo(Strict):
    number: int = Field(default=1, ge=1, le=99)
    title: str = "售后服务方案"


class ClauseChoice(Strict):
    """A chosen clause: its id, the pinned version and the writer's values."""

    id: str
    version: int = Field(ge=1)
    params: dict[str, Any] = Field(default_factory=dict)

    _id = field_validator("id")(check_id)


class StaffMember(Strict):
    name: str
    role: str = ""
    certificate: str = ""
    phone: str = ""


class Office(Strict):
    city: str
    address: str = ""
    phone: str = ""


# A row the check cannot decide is decided by the writer with one of the statuses a buyer accepts.
DecidedStatus = Literal["正偏离", "无偏离", "负偏离"]
# The sentence printed in a deviation-table cell: a long answer belongs in a clause, not a cell.
MAX_RESPONSE_CHARS = 1000


class RowDecision(Strict):
    """The writer's decision on a deviation-table row the check cannot decide (未响应, 需人工确认).

    Keyed by the requirement's text: that is what the writer read and what the response answers.
    Its metric, value, unit and ref are bidkit's reading of that text, which a new extraction or a
    correction in the table may change without the tender asking anything else; a changed text
    means the tender asks something else, so the decision no longer holds. `metric` and `ref` are
    kept to tell a changed requirement from a removed one.
    """

    requirement: str = Field(min_length=1)
    metric: Metric
    ref: str = ""
    status: DecidedStatus
    response: str = Field(min_length=1)
    note: str = ""
    decided_by: str = Field(min_length=1)
    decided_at: datetime

    @field_validator("response", "note")
    @classmethod
    def _cell_sized(cls, value: str) -> str:
        if len(value) > MAX_RESPONSE_CHARS:
            raise ValueProblem(f"{len(value)} characters, over the {MAX_RESPONSE_CHARS}-character limit of a "
                               "deviation-table cell", code="decision-too-long", n=len(value),
                               limit=MAX_RESPONSE_CHARS)
        return value


ScoreKind = Literal["tiers", "increment", "count", "presence", "subjective"]
# A scoring table with more rows or tiers than these is no after-sales table: a limit keeps a
# hostile bid file from making the score estimate slow.
MAX_SCORE_TIERS = 20
MAX_SCORING_RULES = 200
MAX_RULE_POINTS = 1000


class ScoreTier(Strict):
    """One level of a tiered rule: a value at or better than `value` earns `points` (响应时间≤1小时得3分).
    `>` and `<` are strict (超过3天得2分)."""

    op: Literal[">=", "<=", ">", "<"]
    value: float = Field(ge=0)
    unit: Literal["minute", "hour", "day", "workday", "week", "month", "year", "person", "times"]
    points: float = Field(ge=0, le=MAX_RULE_POINTS)

    def quantity(self) -> Quantity:
        return Quantity(self.value, self.unit)


class ScoringRule(Strict):
    """One after-sales row of the tender's scoring table (评分标准), typed.

    tiers: the best tier the offer meets; increment and count: `base_points` at `base`, plus
    `step_points` per `step` beyond it (down for a deadline: 每缩短1小时), up to `max_points`; a
    missing `base` is the tender's own requirement for the metric (在满足招标要求基础上);
    presence: `max_points` for promising it at all; subjective: a panel's judgement, never guessed.
    `text` and `where` are the evidence, as a requirement's are."""

    kind: ScoreKind
    metric: Metric
    max_points: float = Field(gt=0, le=MAX_RULE_POINTS)
    factor: str = ""
    tiers: list[ScoreTier] = Field(default_factory=list, max_length=MAX_SCORE_TIERS)
    base: str | None = None
    base_points: float = Field(default=0, ge=0, le=MAX_RULE_POINTS)
    step: str | None = None
    step_points: float | None = Field(default=None, gt=0, le=MAX_RULE_POINTS)
    down: bool = False
    text: str = ""
    ref: str = ""
    where: Where | None = None

    @model_validator(mode="after")
    def _complete(self) -> "ScoringRule":
        if self.kind == "tiers" and not self.tiers:
            raise ValueError("a tiers rule needs at least one tier")
        if self.kind in ("increment", "count") and (self.step is None or self.step_points is None):
            raise ValueError(f"an {self.kind} rule needs 'step' and 'step_points'")
        for field in ("base", "step"):
            raw = getattr(self, field)
            if raw is not None:
                try:
                    parse_quantity(raw)
                except QuantityError as exc:
                    raise ValueError(f"{field} {raw!r}: {exc.message}") from None
        return self

    def base_quantity(self) -> Quantity | None:
        return parse_quantity(self.base) if self.base is not None else None

    def step_quantity(self) -> Quantity | None:
        return parse_quantity(self.step) if self.step is not None else None


# A tender's form (偏离表, 售后服务承诺函) as found and saved in the bid; beyond these it is no form
# a writer fills in, and a hostile bid file cannot make rendering slow.
MAX_FORMS = 20
MAX_FORM_COLUMNS = 12
MAX_FORM_CHOICES = 12
MAX_FORM_TITLE_CHARS = 60
MAX_FORM_HEADER_CHARS = 60
MAX_LETTER_CHARS = 5000
# How a tender may spell our statuses among the choices it lists (D1: “符合”指与招标文件要求一致):
# the form reader knows them as status words, the chapter writes ours in the tender's spelling.
STATUS_SPELLINGS = {"无偏离": ("符合", "满足", "完全响应"), "负偏离": ("不符合", "不满足")}
# Our deviation row's parts a tender's column can take (compose.py fills them); `topic` names a
# requirement (内容) when another column holds its text (要求标准), `mark` is its ★.
FormField = Literal["number", "ref", "topic", "requirement", "response", "status", "note", "mark"]


class FormColumn(Strict):
    """One column of the tender's deviation form: its header as printed, and the field of ours it
    takes; None leaves it blank (a column we have nothing for)."""

    header: str = ""
    field: FormField | None = None

    @field_validator("header")
    @classmethod
    def _header_sized(cls, value: str) -> str:
        return _form_sized(value, MAX_FORM_HEADER_CHARS, "form-header-too-long")


class TenderForm(Strict):
    """A form the tender prescribes, with its evidence: a deviation table (its title, columns and
    the statuses it lists) or a 售后服务承诺函 (its title and text, blanks kept, for the writer).
    The one deviation form `chosen` is the one the chapter's 偏离表 is rendered in."""

    kind: Literal["deviation", "letter"] = "deviation"
    title: str = ""
    columns: list[FormColumn] = Field(default_factory=list)
    choices: list[str] = Field(default_factory=list)
    text: str = ""
    where: Where | None = None
    chosen: bool = False

    @field_validator("title")
    @classmethod
    def _title_sized(cls, value: str) -> str:
        return _form_sized(value, MAX_FORM_TITLE_CHARS, "form-title-too-long")

    @field_validator("text")
    @classmethod
    def _text_sized(cls, value: str) -> str:
        return _form_sized(value, MAX_LETTER_CHARS, "form-text-too-long")

    @field_validator("columns", "choices")
    @classmethod
    def _few(cls, value: list, info) -> list:
        limit = MAX_FORM_COLUMNS if info.field_name == "columns" else MAX_FORM_CHOICES
        if len(value) > limit:
            raise ValueProblem(f"{len(value)} {info.field_name}, over the {limit}-{info.field_name} limit of a "
                               "tender's form", code=f"form-too-many-{info.field_name}", n=len(value), limit=limit)
        return value


def _form_sized(value: str, limit: int, code: str) -> str:
    if len(value) > limit:
        raise ValueProblem(f"{len(value)} characters, over the {limit}-character limit of a tender's form",
                           code=code, n=len(value), limit=limit)
    return value


class Bid(Strict):
    """A bid being written: details, the tender's requirements, the chosen clauses, staff, offices."""

    project: str = ""
    project_number: str = ""
    buyer: str = ""
    bidder: Bidder = Field(default_factory=Bidder)
    chapter: ChapterInfo = Field(default_factory=ChapterInfo)
    requirements: list[Requirement] = Field(default_factory=list)
    clauses: list[ClauseChoice] = Field(default_factory=list)
    staff: list[StaffMember] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)
    # the writer's decisions on the rows the check cannot decide; bids saved before have none
    decisions: list[RowDecision] = Field(default_factory=list)
    # 暗标: the chapter carries nothing naming the bidder, and the check blocks what is left in
    # clause text; bids saved before are not anonymous
    anonymous: bool = False
    # the after-sales rows of the tender's scoring table; bids saved before have none
    scoring_rules: list[ScoringRule] = Field(default_factory=list, max_length=MAX_SCORING_RULES)
    # the tender's own forms (偏离表, 售后服务承诺函); bids saved before have none
    forms: list[TenderForm] = Field(default_factory=list, max_length=MAX_FORMS)


class Template(Strict):
    """The reusable part of a bid, with a name and an owner."""

    name: str = Field(min_length=1)
    owner: str = ""
    created: datetime | None = None
    description: str = ""
    bidder: Bidder = Field(default_factory=Bidder)
    clauses: list[ClauseChoice] = Field(default_factory=list)
    staff: list[StaffMember] = Field(default_factory=list)
    offices: list[Office] = Field(default_factory=list)


class Finding(Strict):
    """One result of checking a bid: a requirement's deviation, or a problem in the bid itself."""

    kind: Literal["requirement", "conflict", "staff", "office", "placeholder", "status", "bounds",
                  "characters", "condition", "anonymous"] = "requirement"
    requirement: Requirement | None = None
    status: str
    blocking: bool = False
    offer: str = ""
    message: str
    note: str = ""  # the short reason printed in the deviation table's 说明 column
    clause_id: str | None = None
    decision: RowDecision | None = None  # the writer's, when the check could not decide the row
    # The coded problem behind a clause's finding (a parameter's value), for a page to word in its
    # language; `message` is its English and Chinese mix for the command line.
    problem: Any = Field(default=None, exclude=True)
