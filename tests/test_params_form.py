"""The clause editor's parameter rows (bidkit/params_form.py): to and from ParamSpec and YAML,
every problem worded per parameter and field, and the preview's highlighted fields."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bidkit import params_form as pf
from bidkit.model import MAX_CHOICE_CHARS, MAX_PARAM_HELP_CHARS, MAX_PARAM_LABEL_CHARS, ClauseVersion, ParamSpec
from bidkit.params_form import ParamRow

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = sorted(p for p in (ROOT / "clause_library").glob("*/*/v*.yaml") if p.name.count(".") == 1)


@pytest.mark.parametrize("path", VERSIONS, ids=[f"{p.parent.name}-{p.stem}" for p in VERSIONS])
def test_every_library_version_round_trips(path):
    """Form rows made from a version give back its parameters, and so does their YAML."""
    version = ClauseVersion(**yaml.safe_load(path.read_text(encoding="utf-8")))
    rows = pf.rows_from_params(version.params)
    assert pf.check_rows(rows) == (version.params, [])
    again, problems = pf.rows_from_mapping(yaml.safe_load(pf.as_yaml(rows)) or {})
    assert (again, problems) == (rows, [])


def _row(**fields) -> ParamRow:
    return ParamRow(**{"name": "warranty", "label": "质保期", "type": "duration", **fields})


@pytest.mark.parametrize("rows,code,field", [
    ([_row(default="6 year", max="5 year")], "param-form-default-above-max", "default"),
    ([_row(default="6 month", min="1 year")], "param-form-default-below-min", "default"),
    ([_row(min="3 year", max="1 year")], "param-form-min-above-max", "min"),
    ([_row(default="3 person")], "param-form-default", "default"),
    ([_row(max="abc")], "param-form-max", "max"),
    ([_row(name="Warranty")], "param-form-name", "name"),
    ([_row(), _row(label="另一个")], "param-form-name-taken", "name"),
    ([_row(name="bidder")], "param-form-name-taken", "name"),
    ([_row(label="")], "param-form-label-empty", "label"),
    ([_row(type="choice")], "param-form-no-choices", "choices"),
    ([_row(type="choice", choices=["甲", "甲"])], "param-form-invalid", ""),
    ([_row(type="choice", choices=[str(i) for i in range(pf.MAX_CHOICES + 1)])], "param-form-too-many-choices",
     "choices"),
    ([_row(type="choice", choices=["甲", "乙"], default="丙")], "param-form-default", "default"),
    ([_row(help="说" * (MAX_PARAM_HELP_CHARS + 1))], "param-form-help-long", "help"),
    ([_row(type="choice", choices=["甲", "乙" * (MAX_CHOICE_CHARS + 1)])], "param-form-choices-long", "choices"),
    ([_row(type="bool", default="也许")], "param-form-default", "default"),
    ([_row(name=f"p{i}") for i in range(pf.MAX_PARAMS + 1)], "param-form-too-many", None),
])
def test_problems_name_the_parameter_and_field(rows, code, field):
    specs, problems = pf.check_rows(rows)
    assert specs is None and problems[0].code == code
    if field is not None:  # on the row it is about, named by its label (or its name while it has none)
        row = rows[-1]
        assert problems[0].field == f"params.{row.name}" + (f".{field}" if field else "")
        assert problems[0].values["label"] == (row.label or row.name)


def test_a_pasted_page_as_a_label_is_refused_and_quoted_short():
    """A label is a few words beside an input: a page pasted into it is refused, and the message
    quotes its start only."""
    [problem] = pf.check_rows([_row(label="质保期" * 1000)])[1]
    assert problem.code == "param-form-label-long" and problem.field == "params.warranty.label"
    assert problem.values["n"] == 3000 and problem.values["limit"] == MAX_PARAM_LABEL_CHARS
    assert len(problem.values["label"]) == MAX_PARAM_LABEL_CHARS + 1


def test_a_library_file_with_a_long_label_does_not_load():
    with pytest.raises(ValidationError, match="at most 40 characters"):
        ParamSpec(label="质" * (MAX_PARAM_LABEL_CHARS + 1), type="text")


def test_default_above_max_carries_the_values_the_page_words():
    [problem] = pf.check_rows([_row(default="6 year", max="5 year")])[1]
    assert problem.values == {"label": "质保期", "name": "warranty", "value": "6年", "bound": "5年"}
    assert problem.message == "parameter 质保期: the default 6年 is above the maximum 5年"


def test_fields_of_another_type_are_left_out():
    """A row keeps what its widgets held; the version gets only what its type uses."""
    specs, problems = pf.check_rows([_row(type="text", default="原厂", min="1 year", max="2 year",
                                          choices=["甲"], metric="warranty_period")])
    assert problems == [] and specs == {"warranty": ParamSpec(label="质保期", type="text", default="原厂",
                                                              metric="warranty_period")}


@pytest.mark.parametrize("data,code", [
    ({"a": "not a mapping"}, "param-form-not-mapping"),
    ({"a": {"label": "甲", "type": "duration", "colour": "red"}}, "param-form-field"),
    ({"a": {"label": "甲", "type": "money"}}, "param-form-field"),
    ({f"p{i}": {"label": "甲", "type": "text"} for i in range(pf.MAX_PARAMS + 1)}, "param-form-too-many"),
])
def test_yaml_that_is_no_parameter_list_is_refused(data, code):
    rows, problems = pf.rows_from_mapping(data)
    assert rows == [] and problems[0].code == code


def test_yaml_numbers_become_text():
    """YAML reads `default: 12` as a number: the row holds it as the text it was."""
    [row], _ = pf.rows_from_mapping({"n": {"label": "人数", "type": "count", "default": 12, "max": 20.5}})
    assert (row.default, row.max) == ("12", "20.5")


@pytest.mark.parametrize("raw,parts", [("36 month", (36.0, "month")), ("0.5 hour", (0.5, "hour")),
                                       (None, (None, None)), ("7×24", (None, None))])
def test_amounts_split_and_join(raw, parts):
    assert pf.split_amount(raw) == parts
    if parts[0] is not None:
        assert pf.join_amount(*parts) == raw
    assert pf.join_amount(None, "month") is None


def test_preview_marks_what_each_field_printed():
    params = {"years": ParamSpec(label="质保期", type="duration", default="3 year"),
              "free": ParamSpec(label="免费", type="bool", default=True)}
    text = "{{ bidder }}提供{{ years }}质保（{{ years | number }}年）{% if free %}，免费{% endif %}。"
    assert pf.preview(text, params) == [("（投标人）", True), ("提供", False), ("3年", True), ("质保（", False),
                                        ("3", True), ("年），免费。", False)]


def test_preview_of_a_text_the_marks_would_break_is_plain():
    text = "a" * (20_000 - 8) + "{{ x }}"
    params = {"x": ParamSpec(label="甲", type="text", default="乙")}
    assert pf.preview(text, params) == [("a" * (20_000 - 8) + "乙", False)]
