"""A clause's parameters as the clause editor's form holds them: one row per parameter, in plain
fields a legal reviewer fills in (label, type, default, bounds, choices, metric), and back.

The rows are the source of truth while a clause is edited; the YAML a version file holds is made
from them (and read into them for the expert view), so every problem is found here, per
parameter and field, before `ParamSpec` sees the result.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bidkit import templating
from bidkit.errors import LibraryError, ValueProblem
from bidkit.model import MAX_CHOICE_CHARS, MAX_PARAM_HELP_CHARS, MAX_PARAM_LABEL_CHARS, Metric, ParamSpec, ParamType
from bidkit.quantity import Quantity, _format_number

# One expander per parameter on the page, and every one is rendered at each sample value before
# saving: a clause with more than a screenful of either is not one commitment.
MAX_PARAMS = 30
MAX_CHOICES = 20

NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
# The units a number of each type may carry, in the order a writer most often wants them.
UNITS_BY_TYPE = {"duration": ("month", "year", "day", "workday", "week", "hour", "minute"),
                 "count": ("person", "times", "day")}


class ParamRow(BaseModel):
    """One parameter as the form shows it; bounds and defaults as written ("36 month", "7×24")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    label: str = ""
    type: ParamType = "duration"
    default: str | bool | None = None
    min: str | None = None
    max: str | None = None
    choices: list[str] = []
    metric: Metric | None = None
    help: str = ""

    @field_validator("default", "min", "max", mode="before")
    @classmethod
    def _as_written(cls, value: Any) -> Any:
        # YAML reads "12" as a number and "" means not given; the form holds both as text
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _format_number(float(value))
        return None if value == "" else value

    @field_validator("choices", mode="before")
    @classmethod
    def _choices(cls, value: Any) -> Any:
        return [] if value is None else value


def split_amount(raw: str | None) -> tuple[float | None, str | None]:
    """"36 month" -> (36.0, "month"); what is no plain number and unit -> (None, None)."""
    number, _, unit = (raw or "").partition(" ")
    try:
        return float(number), unit or None
    except ValueError:
        return None, None


def join_amount(number: float | None, unit: str | None) -> str | None:
    return None if number is None or not unit else f"{_format_number(float(number))} {unit}"


def rows_from_params(params: Mapping[str, ParamSpec]) -> list[ParamRow]:
    """A version's parameters as form rows."""
    return [ParamRow(name=name, **spec.model_dump(exclude_none=True)) for name, spec in params.items()]


def rows_from_mapping(data: Mapping[str, Any]) -> tuple[list[ParamRow], list[LibraryError]]:
    """The rows of a parameters mapping read from YAML (the expert view), or why it is not one."""
    if len(data) > MAX_PARAMS:
        return [], [_too_many(len(data))]
    rows, problems = [], []
    for name, fields in data.items():
        if not isinstance(fields, dict):
            problems.append(LibraryError(f"parameter {name} is not a mapping of label, type, default ...",
                                         field=f"params.{name}", code="param-form-not-mapping", name=name))
            continue
        try:
            rows.append(ParamRow(name=str(name), **{str(k): v for k, v in fields.items()}))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            problems.append(LibraryError(f"parameter {name}: {where}: {err['msg']}", field=f"params.{name}.{where}",
                                         code="param-form-field", name=name, entry=where))
    return rows, problems


def _fields(row: ParamRow) -> dict[str, Any]:
    """A row as a version file's parameter: the fields its type uses, in the file's order."""
    fields: dict[str, Any] = {"label": row.label, "type": row.type}
    if row.default is not None:
        fields["default"] = row.default
    if row.type in UNITS_BY_TYPE:
        fields.update({k: v for k, v in (("min", row.min), ("max", row.max)) if v is not None})
    if row.type == "choice":
        fields["choices"] = list(row.choices)
    fields.update({k: v for k, v in (("metric", row.metric), ("help", row.help)) if v})
    return fields


def as_mapping(rows: list[ParamRow]) -> dict[str, dict[str, Any]]:
    """The rows as the `params` of a version file (a later row of a name taken twice wins)."""
    return {row.name: _fields(row) for row in rows}


def as_yaml(rows: list[ParamRow]) -> str:
    """The expert view: one block per parameter, one field a line, so a three-way merge meets
    two edits only where they touch the same field."""
    data = as_mapping(rows)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) if data else ""


def check_rows(rows: list[ParamRow]) -> tuple[dict[str, ParamSpec] | None, list[LibraryError]]:
    """The parameters the rows make, or every problem, each naming its parameter by label."""
    problems: list[LibraryError] = [_too_many(len(rows))] if len(rows) > MAX_PARAMS else []
    seen: set[str] = set()
    specs: dict[str, ParamSpec] = {}
    for row in rows:
        label = row.label or row.name
        found = _row_problems(row, label, seen)
        seen.add(row.name)
        if not found:
            try:
                specs[row.name] = ParamSpec(**_fields(row))
            except ValidationError as exc:
                found.append(_invalid(row, label, exc))
        problems += found
    return (None, problems) if problems else (specs, [])


def _row_problems(row: ParamRow, label: str, seen: set[str]) -> list[LibraryError]:
    if not NAME_PATTERN.match(row.name):
        return [_problem(row, "param-form-name", f"parameter name {row.name!r} must be lower-case letters, "
                         "digits and _, starting with a letter", field="name")]
    if row.name in seen or row.name in templating.BID_VARIABLES:
        return [_problem(row, "param-form-name-taken", f"parameter name {row.name!r} is used twice", field="name")]
    if not row.label:
        return [_problem(row, "param-form-label-empty", f"parameter {row.name} has no label", field="label")]
    for field, text, limit in (("label", row.label, MAX_PARAM_LABEL_CHARS), ("help", row.help, MAX_PARAM_HELP_CHARS),
                               *(("choices", c, MAX_CHOICE_CHARS) for c in (row.choices or ()))):
        if len(text) > limit:
            return [_problem(row, f"param-form-{field}-long", f"parameter {row.name}: the {field} is {len(text)} "
                             f"characters long, over the {limit}-character limit", field=field,
                             n=len(text), limit=limit)]
    if row.type == "choice":
        if not row.choices:
            return [_problem(row, "param-form-no-choices", f"parameter {label} lists no choices", field="choices")]
        if len(row.choices) > MAX_CHOICES:
            return [_problem(row, "param-form-too-many-choices", f"parameter {label} lists {len(row.choices)} "
                             f"choices, over the {MAX_CHOICES}-choice limit", field="choices",
                             n=len(row.choices), limit=MAX_CHOICES)]
    try:
        bare = ParamSpec(label=label, type=row.type, choices=row.choices if row.type == "choice" else None)
    except ValidationError as exc:
        return [_invalid(row, label, exc)]
    values: dict[str, Any] = {}
    for which in ("min", "max", "default") if row.type in UNITS_BY_TYPE else ("default",):
        raw = getattr(row, which)
        if raw is None:
            continue
        try:
            values[which] = bare.parse_value(raw)
        except ValueProblem as exc:
            return [_problem(row, f"param-form-{which}", f"parameter {label}: {which}: {exc.message}", field=which,
                             problem=exc)]
    low, high = values.get("min"), values.get("max")
    if isinstance(low, Quantity) and isinstance(high, Quantity) and low.comparable_with(high) \
            and low.magnitude() > high.magnitude():
        return [_problem(row, "param-form-min-above-max", f"parameter {label}: the minimum {low.format()} is above "
                         f"the maximum {high.format()}", field="min", low=low.format(), high=high.format())]
    out = ParamSpec(label=label, type=row.type, min=row.min, max=row.max).out_of_bounds(values["default"]) \
        if "default" in values and row.type in UNITS_BY_TYPE else None
    if out is not None:
        word = "above the maximum" if out.code == "param-above-max" else "below the minimum"
        return [_problem(row, "param-form-default-" + out.code.removeprefix("param-"),
                         f"parameter {label}: the default {out.values['value']} is {word} {out.values['bound']}",
                         field="default", value=out.values["value"], bound=out.values["bound"])]
    return []


def _problem(row: ParamRow, code: str, message: str, field: str = "", **values: object) -> LibraryError:
    label = row.label or row.name
    if len(label) > MAX_PARAM_LABEL_CHARS:  # (a message quotes the label; a pasted page would drown it)
        label = label[:MAX_PARAM_LABEL_CHARS] + "…"
    return LibraryError(message, field=f"params.{row.name}" + (f".{field}" if field else ""), code=code,
                        label=label, name=row.name, **values)


def _invalid(row: ParamRow, label: str, exc: ValidationError) -> LibraryError:
    problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
    return _problem(row, "param-form-invalid", f"parameter {label}: {problem}", problem=problem)


def _too_many(n: int) -> LibraryError:
    return LibraryError(f"{n} parameters, over the {MAX_PARAMS}-parameter limit of a clause", field="params",
                        code="param-form-too-many", n=n, limit=MAX_PARAMS)


# An output mark of the text ({{ name }}, {{ name | number }}); a value it prints is highlighted.
_OUTPUT = re.compile(r"\{\{.*?\}\}", re.S)
_START, _END = "\x02", "\x03"
_FIELD = re.compile(f"{_START}(.*?){_END}", re.S)


def preview(text: str, params: Mapping[str, ParamSpec]) -> list[tuple[str, bool]]:
    """The text rendered with the defaults (a stand-in where there is none) and the sample bid
    details, as (piece, printed by a field) pairs for a page to highlight the fields' values.

    Raises LibraryError when the text cannot be rendered."""
    values = templating.sample_context(params)
    clean = text.replace(_START, "").replace(_END, "")
    try:
        rendered = templating.render(_OUTPUT.sub(lambda m: _START + m.group(0) + _END, clean), values)
    except LibraryError:  # the marks may push a text over a limit the text itself keeps
        return [(templating.render(text, values), False)]
    pieces = _FIELD.split(rendered)
    return [(piece, i % 2 == 1) for i, piece in enumerate(pieces) if piece]
