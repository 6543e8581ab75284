"""Widgets generated from the core's types: clause parameters and editable tables of rows."""
from __future__ import annotations

from collections import Counter
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from pydantic import BaseModel, ValidationError

from bidkit.model import ParamSpec
from bidkit.quantity import Quantity, ServiceHours
from bidkit.yamlio import validation_problems
from ui.messages import coded_text, t
from ui.state import key

R = TypeVar("R", bound=BaseModel)

DURATION_UNITS = {"minute": "分钟", "hour": "小时", "day": "天", "workday": "工作日", "week": "周",
                  "month": "个月", "year": "年"}
COUNT_UNITS = {"person": "人", "times": "次", "day": "天"}


def clause_titles(lib) -> dict[str, str]:
    """Each clause of the library named by its latest title; a title two clauses share gets the id
    beside it, the one way to tell them apart."""
    titles = {clause_id: entry.latest().title for clause_id, entry in lib.clauses.items()}
    shared = {title for title, n in Counter(titles.values()).items() if n > 1}
    return {clause_id: t("library.pick_same", title=title, id=clause_id) if title in shared else title
            for clause_id, title in titles.items()}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _quantity_widget(spec: ParamSpec, current: Quantity | None, units: dict[str, str], wkey: str) -> str:
    number_col, unit_col = st.columns([3, 2])
    unit_names = list(units)
    unit = current.unit if current and current.unit in units else unit_names[0]
    with number_col:
        value = st.number_input(spec.label, min_value=0.0, step=0.5 if spec.type == "duration" else 1.0,
                                value=float(current.value) if current else 0.0, key=f"{wkey}:n",
                                help=spec.help, format="%g")
    with unit_col:
        unit = st.selectbox(t("col.unit"), unit_names, index=unit_names.index(unit),
                            format_func=units.get, key=f"{wkey}:u")
    return f"{_number(value)} {unit}"


def _service_hours_widget(spec: ParamSpec, current: ServiceHours | None, wkey: str) -> str:
    days_col, hours_col = st.columns(2)
    with days_col:
        days = st.number_input(f"{spec.label}（天/周）", min_value=1, max_value=7, step=1,
                               value=current.days if current else 7, key=f"{wkey}:d")
    with hours_col:
        hours = st.number_input(f"{spec.label}（小时/天）", min_value=1, max_value=24, step=1,
                                value=current.hours if current else 24, key=f"{wkey}:h")
    return f"{days}x{hours}"


def param_widget(clause_id: str, name: str, spec: ParamSpec, raw: Any) -> Any:
    """One widget for one parameter, by its type; returns the value as the bid file stores it."""
    wkey = key("param", clause_id, name)
    try:
        current = spec.parse_value(raw)
    except ValueError:
        current = None
    if spec.type == "duration":
        value = _quantity_widget(spec, current, DURATION_UNITS, wkey)
    elif spec.type == "count":
        value = _quantity_widget(spec, current, COUNT_UNITS, wkey)
    elif spec.type == "service_hours":
        value = _service_hours_widget(spec, current, wkey)
    elif spec.type == "choice":
        choices = spec.choices or []
        index = choices.index(current) if current in choices else 0
        value = st.selectbox(spec.label, choices, index=index, key=wkey, help=spec.help)
    elif spec.type == "bool":
        value = st.checkbox(spec.label, value=bool(current), key=wkey, help=spec.help)
    else:
        value = st.text_input(spec.label, value=str(raw or ""), key=wkey, help=spec.help)
    try:
        problem = spec.out_of_bounds(spec.parse_value(value))
    except ValueError as exc:
        problem = exc
    if problem:
        st.error(coded_text(problem) if hasattr(problem, "message") else str(problem))
    return value


def edited_rows(rows: list[dict], editor_key: str, column_config: dict, new_row: dict) -> list[tuple[int, dict]]:
    """An editable table over `rows`; returns (index, row) for every row the user kept or added.

    The editor always gets the rows it started with (kept in session state) and its deltas (edited,
    added, deleted rows) are applied to them, instead of feeding its output back as its data, which
    loses every second edit (streamlit#7749). A column configured as None stays hidden but is kept.
    """
    if editor_key not in st.session_state:
        # a new editor (first show, or its page was left and its state dropped): start from the rows
        st.session_state[f"{editor_key}:base"] = rows
    base = st.session_state[f"{editor_key}:base"]
    # With no rows, a list gives the editor no columns, hence no add row: give it its columns.
    data = pd.DataFrame(base) if base else pd.DataFrame(columns=list(column_config))
    # A row the user adds leaves its checkboxes empty, which a bool column cannot hold (pandas
    # warns, and its next major version refuses): nullable booleans can.
    data = data.astype({c: "boolean" for c in data.columns if data[c].dtype == bool})
    # An empty cell would read "None" (an English word on a Chinese page): show a dash instead.
    st.data_editor(data, key=editor_key, num_rows="dynamic", width="stretch", column_config=column_config,
                   placeholder="—")
    delta = st.session_state.get(editor_key) or {}
    data = [dict(row) for row in base]
    for index, change in (delta.get("edited_rows") or {}).items():
        if int(index) < len(data):
            data[int(index)].update(change)
    data += [{**new_row, **added} for added in delta.get("added_rows") or []]
    deleted = set(delta.get("deleted_rows") or [])
    return [(index, row) for index, row in enumerate(data) if index not in deleted]


def show_row_error(index: int, exc: ValidationError | ValueError) -> None:
    """A row the user typed that does not validate, named by its number."""
    message = ("; ".join(coded_text(p) for p in validation_problems("", exc))
               if isinstance(exc, ValidationError) else coded_text(exc) if hasattr(exc, "message") else str(exc))
    st.error(t("compose.rows_invalid", row=index + 1, message=message))


def rows_editor(rows: list[R], model: type[R], columns: dict[str, str], editor_key: str) -> list[R]:
    """An editable table of pydantic rows; invalid rows are reported and kept out until fixed."""
    kept = edited_rows([{c: getattr(r, c) for c in columns} for r in rows], key("editor", editor_key),
                       {c: st.column_config.TextColumn(label) for c, label in columns.items()},
                       dict.fromkeys(columns))
    result = []
    for index, row in kept:
        clean = {k: (v or "").strip() if isinstance(v, str) or v is None else v for k, v in row.items()}
        if not any(clean.values()):
            continue
        try:
            result.append(model.model_validate(clean))
        except ValidationError as exc:
            show_row_error(index, exc)
    return result
