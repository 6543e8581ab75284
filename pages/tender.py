"""招标要求 Tender: paste or upload the tender, extract its requirements, edit them as the bid's."""
from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from bidkit import extract
from bidkit.model import METRICS, Requirement
from ui.messages import metric_label, op_label, t, unit_label
from ui.state import get_bid, key, shown_errors
from ui.widgets import edited_rows, show_row_error

OPS = [">=", "<=", "==", "present"]
UNITS = ["", "minute", "hour", "day", "workday", "week", "month", "year", "person", "times"]
COLUMNS = ("mandatory", "metric", "op", "value", "unit", "text", "ref", "scoring")


def extract_upload(name: str, data: bytes) -> list[Requirement]:
    """Run the extractor on an uploaded file (it reads by extension, so keep the name's suffix)."""
    with tempfile.TemporaryDirectory(prefix="bidkit-tender-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        return extract.extract_file(path)


def extraction_panel() -> list[Requirement] | None:
    text = st.text_area(t("tender.paste"), height=180, key="tender:text")
    upload = st.file_uploader(t("tender.upload"), type=["txt", "md", "docx", "pdf"], key="tender:upload")
    mode = st.radio("mode", [t("tender.replace"), t("tender.append")], horizontal=True,
                    label_visibility="collapsed", key="tender:mode")
    if not st.button(t("tender.extract"), type="primary", key="tender:extract"):
        return None
    if upload is None and not text.strip():
        st.warning(t("tender.empty"))
        return None
    with st.status(t("tender.extracting"), expanded=False) as status:
        found = extract_upload(upload.name, upload.getvalue()) if upload is not None else extract.extract_text(text)
        status.update(label=t("tender.found", n=len(found)) if found else t("tender.nothing"), state="complete")
    bid = get_bid()
    bid.requirements = found if mode == t("tender.replace") else bid.requirements + found
    st.session_state.requirements_gen = st.session_state.get("requirements_gen", 0) + 1
    return found


def _row(req: Requirement) -> dict:
    data = req.model_dump()
    data["value"] = "" if req.value is None else str(req.value)
    data["unit"] = req.unit or ""
    return {c: data[c] for c in COLUMNS}


def _requirement(row: dict) -> Requirement:
    value = (row.get("value") or "").strip() if isinstance(row.get("value"), str) else row.get("value")
    if isinstance(value, str) and value:
        try:
            value = float(value) if "." in value else int(value)
        except ValueError:
            pass  # service hours such as 7x24 stay text
    return Requirement(metric=row.get("metric") or "other", op=row.get("op") or "present",
                       value=value if value not in ("", None) else None, unit=row.get("unit") or None,
                       mandatory=bool(row.get("mandatory")), text=row.get("text") or "",
                       ref=row.get("ref") or "", scoring=row.get("scoring"))


def requirements_table() -> None:
    """The bid's requirements as an editable table; the scoring hint rides along in a hidden column."""
    bid = get_bid()
    st.subheader(t("tender.table"))
    kept = edited_rows([_row(r) for r in bid.requirements],
                       key("requirements", st.session_state.get("requirements_gen", 0)), {
        "mandatory": st.column_config.CheckboxColumn(t("col.mandatory"), width=90),
        "metric": st.column_config.SelectboxColumn(t("col.metric"), options=list(METRICS), required=True,
                                                   format_func=metric_label, width=120),
        "op": st.column_config.SelectboxColumn(t("col.op"), options=OPS, required=True, width=80,
                                               format_func=op_label),
        "value": st.column_config.TextColumn(t("col.value"), width=70),
        "unit": st.column_config.SelectboxColumn(t("col.unit"), options=UNITS, width=80, format_func=unit_label),
        "text": st.column_config.TextColumn(t("col.text"), width="large"),
        "ref": st.column_config.TextColumn(t("col.ref"), width=120),
        "scoring": None,
    }, {"mandatory": False, "metric": "other", "op": "present", "scoring": None})
    requirements = []
    for index, row in kept:
        try:
            requirements.append(_requirement(row))
        except (ValidationError, ValueError) as exc:
            show_row_error(index, exc)
    bid.requirements = requirements
    for r in requirements:
        if r.scoring:
            st.caption(f"{metric_label(r.metric)} · {r.scoring}")


st.title(t("tender.title"))
with shown_errors():
    extraction_panel()
    requirements_table()
