"""The clause editor's parameters: a form with one expander per parameter, the fields a text can
print (inserted with a click), a preview with their values highlighted, and the YAML as an
expert view.

The rows live in session state apart from the widgets (Streamlit drops the state of a widget it
does not render, as the fields of another type are not): each run reads the widgets into the
rows first, and a widget shown again starts from its row.
"""
from __future__ import annotations

import hashlib
import html
from typing import get_args

import streamlit as st

from bidkit import params_form, templating, yamlio
from bidkit.errors import LibraryError
from bidkit.merge3 import has_markers
from bidkit.model import METRICS, ParamSpec, ParamType
from bidkit.params_form import UNITS_BY_TYPE, ParamRow
from ui.messages import coded_text, error_text, metric_label, t, unit_label

TYPES = get_args(ParamType)
BID_FIELDS = {name: f"pform.bid.{name}" for name in templating.BID_VARIABLES}
# What an empty field means: a select offers "" for "none", as it shows None as not chosen yet.
_EMPTY = {"metric": None, "help": ""}


def _rows_key(prefix: str) -> str:
    return f"{prefix}:rows"


def _key(prefix: str, rid: int, field: str) -> str:
    return f"{prefix}:p:{rid}:{field}"


def load_rows(prefix: str, rows: list[ParamRow]) -> None:
    """Put these rows in the form, replacing what it held, and the expert view in step with them."""
    state = st.session_state
    start = state.get(f"{prefix}:next_row", 0)
    state[_rows_key(prefix)] = {start + i: row.model_dump() for i, row in enumerate(rows)}
    state[f"{prefix}:next_row"] = start + len(rows)
    state[f"{prefix}:params"] = state[f"{prefix}:params_base"] = params_form.as_yaml(rows)


def form_rows(prefix: str) -> list[ParamRow]:
    """The rows as the form holds them now, the widgets' latest values read in."""
    state = st.session_state
    rows = state[_rows_key(prefix)]
    for rid, row in rows.items():
        for field in ("name", "label", "type", "metric", "help"):
            if (key := _key(prefix, rid, field)) in state:
                row[field] = _EMPTY[field] if field in _EMPTY and not state[key] else state[key]
        if row["type"] in UNITS_BY_TYPE:
            for which in ("default", "min", "max"):
                number, unit = _key(prefix, rid, f"{which}_n"), _key(prefix, rid, f"{which}_unit")
                if number in state and unit in state:
                    row[which] = params_form.join_amount(state[number], state[unit])
        elif row["type"] == "choice":
            if (key := _key(prefix, rid, "choices")) in state:
                row["choices"] = [line.strip() for line in state[key].splitlines() if line.strip()]
            if (key := _choice_key(prefix, rid, row["choices"])) in state:
                row["default"] = state[key]
        elif (key := _key(prefix, rid, f"default_{row['type']}")) in state:
            row["default"] = None if state[key] == "" else state[key]
    return [ParamRow(**row) for row in rows.values()]


def _choice_key(prefix: str, rid: int, choices: list[str]) -> str:
    # a select over other options is another widget: its key names them
    return _key(prefix, rid, "default_choice_" + hashlib.sha1("\n".join(choices).encode()).hexdigest()[:8])


def sync_yaml_view(prefix: str, rows: list[ParamRow]) -> None:
    """The expert view follows the form unless the writer has edited it and not yet applied that."""
    state = st.session_state
    shown = params_form.as_yaml(rows)
    if state.get(f"{prefix}:params") == state.get(f"{prefix}:params_base") and shown != state[f"{prefix}:params_base"]:
        state[f"{prefix}:params"] = state[f"{prefix}:params_base"] = shown


def yaml_unapplied(prefix: str) -> bool:
    return st.session_state.get(f"{prefix}:params") != st.session_state.get(f"{prefix}:params_base")


def params_panel(prefix: str, rows: list[ParamRow], problems: list[LibraryError]) -> None:
    """One expander per parameter, its problems inside it; add and remove; the expert view."""
    st.markdown(f"**{t('pform.title')}**")
    by_name: dict[str, list[LibraryError]] = {}
    for problem in problems:
        by_name.setdefault(str(problem.values.get("name", "")), []).append(problem)
    for problem in by_name.pop("", []):
        st.error(coded_text(problem))
    for rid, row in zip(list(st.session_state[_rows_key(prefix)]), rows):
        found = by_name.get(row.name, [])
        title = t("pform.row_title", label=row.label or t("pform.no_label"), name=row.name)
        with st.expander(("⚠️ " if found else "") + title, expanded=bool(found) or not row.label):
            for problem in found:
                st.error(coded_text(problem))
            _row_fields(prefix, rid, row)
            st.button(t("pform.remove"), key=_key(prefix, rid, "remove"), on_click=_remove, args=(prefix, rid))
    st.button(t("pform.add"), key=f"{prefix}:add", on_click=_add, args=(prefix,),
              disabled=len(rows) >= params_form.MAX_PARAMS, help=t("pform.add_help", limit=params_form.MAX_PARAMS))
    _yaml_view(prefix)


def _seed(prefix: str, rid: int, field: str, value) -> str:
    key = _key(prefix, rid, field)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def _row_fields(prefix: str, rid: int, row: ParamRow) -> None:
    left, right = st.columns(2)
    left.text_input(t("pform.label"), key=_seed(prefix, rid, "label", row.label), help=t("pform.label_help"))
    right.text_input(t("pform.name"), key=_seed(prefix, rid, "name", row.name), help=t("pform.name_help"))
    left.selectbox(t("pform.type"), TYPES, key=_seed(prefix, rid, "type", row.type),
                   format_func=lambda v: t(f"pform.type.{v}"), on_change=_type_changed, args=(prefix, rid))
    right.selectbox(t("pform.metric"), ("", *METRICS), key=_seed(prefix, rid, "metric", row.metric or ""),
                    format_func=lambda m: metric_label(m) if m else t("pform.no_metric"), help=t("pform.metric_help"))
    if row.type in UNITS_BY_TYPE:
        for which, column in (("default", left), ("min", right), ("max", left)):
            number, unit = params_form.split_amount(getattr(row, which))
            amount, measure = column.columns([3, 2])
            amount.number_input(t(f"pform.{which}"), min_value=0.0, step=1.0, format="%g",
                                key=_seed(prefix, rid, f"{which}_n", number))
            units = UNITS_BY_TYPE[row.type]
            measure.selectbox(t("pform.unit"), units, key=_seed(prefix, rid, f"{which}_unit",
                                                                 unit if unit in units else units[0]),
                              format_func=unit_label)
    elif row.type == "choice":
        right.text_area(t("pform.choices"), key=_seed(prefix, rid, "choices", "\n".join(row.choices)),
                        help=t("pform.choices_help", limit=params_form.MAX_CHOICES))
        key = _choice_key(prefix, rid, row.choices)
        if key not in st.session_state:
            st.session_state[key] = row.default if row.default in row.choices else None
        left.selectbox(t("pform.default"), row.choices, key=key, placeholder=t("pform.pick_default"))
    elif row.type == "bool":
        left.selectbox(t("pform.default"), ("", True, False),
                       key=_seed(prefix, rid, "default_bool", "" if row.default is None else row.default),
                       format_func=lambda v: t("pform.unset") if v == "" else t("pform.yes" if v else "pform.no"))
    else:
        left.text_input(t("pform.default"), key=_seed(prefix, rid, f"default_{row.type}", row.default or ""),
                        help=t("pform.service_hours_help") if row.type == "service_hours" else None)
    st.text_input(t("pform.help"), key=_seed(prefix, rid, "help", row.help), help=t("pform.help_help"))


def _type_changed(prefix: str, rid: int) -> None:
    """Another type: the old default and bounds mean nothing in it, so they start empty."""
    state = st.session_state
    row = state[_rows_key(prefix)][rid]
    row.update(type=state[_key(prefix, rid, "type")], default=None, min=None, max=None)
    for key in [k for k in state if k.startswith(_key(prefix, rid, "default")) or
                k.startswith(_key(prefix, rid, "min")) or k.startswith(_key(prefix, rid, "max"))]:
        del state[key]


def _add(prefix: str) -> None:
    state = st.session_state
    rows, rid = state[_rows_key(prefix)], state[f"{prefix}:next_row"]
    taken = {row["name"] for row in rows.values()}
    name = next(f"param_{n}" for n in range(1, len(taken) + 2) if f"param_{n}" not in taken)
    rows[rid] = ParamRow(name=name, label="").model_dump()
    state[f"{prefix}:next_row"] = rid + 1


def _remove(prefix: str, rid: int) -> None:
    st.session_state[_rows_key(prefix)].pop(rid, None)


def _yaml_view(prefix: str) -> None:
    unapplied = yaml_unapplied(prefix)
    with st.expander(t("pform.yaml"), expanded=unapplied):
        st.caption(t("pform.yaml_caption"))
        st.text_area(t("pform.yaml_label"), key=f"{prefix}:params", height=220, label_visibility="collapsed")
        if error := st.session_state.get(f"{prefix}:yaml_error"):
            st.error(error)
        apply, discard = st.columns(2)
        apply.button(t("pform.yaml_apply"), key=f"{prefix}:yaml_apply", on_click=apply_yaml, args=(prefix,),
                     disabled=not unapplied)
        discard.button(t("pform.yaml_discard"), key=f"{prefix}:yaml_discard", on_click=_discard_yaml,
                       args=(prefix,), disabled=not unapplied)


def apply_yaml(prefix: str) -> None:
    """The expert view's text replaces the form, read as every YAML file is: guarded against
    depth and alias bombs; a text that cannot be read leaves the form as it was."""
    state = st.session_state
    text = state.get(f"{prefix}:params", "")
    state.pop(f"{prefix}:yaml_error", None)
    if has_markers(text):
        state[f"{prefix}:yaml_error"] = t("merge.unresolved", field=t("pform.yaml_label"))
        return
    data, problems = yamlio.load_mapping(text) if text.strip() else ({}, [])
    if problems:
        problem = problems[0]
        state[f"{prefix}:yaml_error"] = t("edit.params_yaml", line=problem.line or "?", problem=coded_text(problem))
        return
    rows, problems = params_form.rows_from_mapping(data or {})
    if problems:
        state[f"{prefix}:yaml_error"] = error_text(problems[0])
        return
    load_rows(prefix, rows)


def _discard_yaml(prefix: str) -> None:
    st.session_state[f"{prefix}:params"] = st.session_state[f"{prefix}:params_base"]
    st.session_state.pop(f"{prefix}:yaml_error", None)


def field_inserter(prefix: str, rows: list[ParamRow]) -> None:
    """The fields a text can print, by their names, inserted at the end of the text with a click."""
    names = {row.name: row.label or row.name for row in rows if params_form.NAME_PATTERN.match(row.name)}
    names.update({name: t(key) for name, key in BID_FIELDS.items()})
    numeric = {row.name for row in rows if row.type in UNITS_BY_TYPE}
    st.caption(t("pform.fields", fields="；".join(
        f"{{{{ {name} }}}} = {label}" + (t("pform.numeric") if name in numeric else "")
        for name, label in names.items())))
    pick, plain, number = st.columns([4, 2, 2], vertical_alignment="bottom")
    chosen = pick.selectbox(t("pform.field"), list(names), key=f"{prefix}:insert_field",
                            format_func=lambda n: f"{names.get(n, n)}（{{{{ {n} }}}}）", help=t("pform.insert_help"))
    plain.button(t("pform.insert"), key=f"{prefix}:insert", on_click=_insert, args=(prefix, False),
                 disabled=chosen is None)
    number.button(t("pform.insert_number"), key=f"{prefix}:insert_number", on_click=_insert,
                  args=(prefix, True), disabled=chosen not in numeric)


def _insert(prefix: str, as_number: bool) -> None:
    # the field selected when the click arrives, which a selection just before it may have changed
    name = st.session_state.get(f"{prefix}:insert_field")
    if not name:
        return
    key = f"{prefix}:text"
    mark = f"{{{{ {name} | number }}}}" if as_number else f"{{{{ {name} }}}}"
    st.session_state[key] = st.session_state.get(key, "") + mark


def preview_html(text: str, params: dict[str, ParamSpec]) -> str:
    """The text rendered with the defaults, each field's value highlighted, paragraphs kept."""
    pieces = "".join(f'<mark class="clause-field">{html.escape(p)}</mark>' if field else html.escape(p)
                     for p, field in params_form.preview(text, params))
    paragraphs = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in templating.paragraphs(pieces))
    return ('<div class="clause-preview" style="line-height:1.8">'
            '<style>.clause-preview mark{background:#fde68a;padding:0 2px;border-radius:3px}</style>'
            f"{paragraphs}</div>")
