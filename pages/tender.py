"""招标要求 Tender: paste or upload the tender, extract its requirements, see where each was read
and which need reading by hand, edit them as the bid's."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from bidkit import extract
from bidkit.errors import BidkitError
from bidkit.model import METRICS, Requirement, Where
from ui.evidence import section_counts, several_files, where_label
from ui.messages import lang, metric_label, op_label, t, unit_label
from ui.state import get_bid, key, shown_errors
from ui.widgets import edited_rows, show_row_error

OPS = [">=", "<=", "==", "present"]
UNITS = ["", "minute", "hour", "day", "workday", "week", "month", "year", "person", "times"]
COLUMNS = ("mandatory", "metric", "op", "value", "unit", "text", "ref", "scoring")
EDITOR_ORDER = ("mandatory", "metric", "op", "value", "unit", "text", "evidence", "ref", "scoring", "where",
                "section")
ROW_HEIGHT = 35  # Streamlit's dataframe row, in pixels


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
        try:
            found = extract_upload(upload.name, upload.getvalue()) if upload is not None else extract.extract_text(text)
        except BidkitError:
            status.update(label=t("tender.failed"), state="error")  # the error itself shows below, once
            raise
        status.update(label=t("tender.found", n=len(found)) if found else t("tender.nothing"), state="complete")
    bid = get_bid()
    bid.requirements = found if mode == t("tender.replace") else bid.requirements + found
    st.session_state.requirements_gen = st.session_state.get("requirements_gen", 0) + 1
    return found


def _row(req: Requirement, with_file: bool) -> dict:
    """A requirement as an editor row. Its evidence rides along: `evidence` is shown (read-only) in
    words; `where` (as JSON: a table cell holds no object) and `section` are hidden columns that
    give the row its evidence back, so an edit to a row never loses where it was read."""
    data = req.model_dump()
    data["value"] = "" if req.value is None else str(req.value)
    data["unit"] = req.unit or ""
    row = {c: data[c] for c in COLUMNS}
    row["evidence"] = where_label(req.where, with_file)
    row["where"] = req.where.model_dump_json(exclude_defaults=True) if req.where else None
    row["section"] = req.section
    # 出处 right after the text it locates: the table is wider than a laptop's page, and the
    # column cut off at the right should be the item number, which the text rarely needs.
    return {c: row[c] for c in EDITOR_ORDER}


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
                       ref=row.get("ref") or "", scoring=row.get("scoring"),
                       where=Where.model_validate_json(row["where"]) if row.get("where") else None,
                       section=row.get("section") or "")


def requirements_table() -> None:
    """The bid's requirements as an editable table; the scoring hint rides along in a hidden column."""
    bid = get_bid()
    st.subheader(t("tender.table"))
    with_file = several_files(bid.requirements)
    # The language is in the key: the evidence column holds words, built when the editor starts.
    kept = edited_rows([_row(r, with_file) for r in bid.requirements],
                       key("requirements", st.session_state.get("requirements_gen", 0), lang()), {
        "mandatory": st.column_config.CheckboxColumn(t("col.mandatory"), width=90),
        "metric": st.column_config.SelectboxColumn(t("col.metric"), options=list(METRICS), required=True,
                                                   format_func=metric_label, width=120),
        "op": st.column_config.SelectboxColumn(t("col.op"), options=OPS, required=True, width=80,
                                               format_func=op_label),
        "value": st.column_config.TextColumn(t("col.value"), width=70),
        "unit": st.column_config.SelectboxColumn(t("col.unit"), options=UNITS, width=80, format_func=unit_label),
        "text": st.column_config.TextColumn(t("col.text"), width="large"),
        "ref": st.column_config.TextColumn(t("col.ref"), width=120),
        "evidence": st.column_config.TextColumn(t("col.where"), width=110, disabled=True,
                                                help=t("col.where_help")),
        "scoring": None, "where": None, "section": None,
    }, {"mandatory": False, "metric": "other", "op": "present", "scoring": None,
        "evidence": "", "where": None, "section": ""})
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


def section_summary() -> None:
    """Per section of the tender: how many rows were found there and how many need reading."""
    counts = section_counts(get_bid().requirements)
    if not counts:
        return
    st.subheader(t("tender.sections"))
    st.caption(t("tender.sections_summary", sections=len(counts), found=sum(c.found for c in counts),
                 to_check=sum(c.to_check for c in counts)))
    st.dataframe([{t("col.section"): c.section or t("tender.no_section"), t("col.found"): c.found,
                   t("col.to_check"): c.to_check} for c in counts],
                 hide_index=True, width="content", key="tender:sections",
                 # every section at once up to a screenful; a tender of many chapters scrolls
                 height=ROW_HEIGHT * (min(len(counts), 15) + 1) + 3)


_MARKDOWN_RE = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def _plain(text: str) -> str:
    """Tender text shown as markdown: its * _ $ | are the tender's characters, not formatting."""
    return _MARKDOWN_RE.sub(r"\\\1", text)


def to_check_list() -> None:
    """The `other` rows, apart from the compared ones: what the writer must read, and where."""
    requirements = get_bid().requirements
    if not requirements:
        return
    rows = [r for r in requirements if r.metric == "other"]
    st.subheader(t("tender.to_check", n=len(rows)))
    if not rows:
        st.caption(t("tender.to_check_none"))
        return
    st.caption(t("tender.to_check_help"))
    with_file = several_files(requirements)
    by_section: dict[str, list[Requirement]] = {}
    for r in rows:
        by_section.setdefault(r.section, []).append(r)
    for section, items in by_section.items():
        title = t("tender.section_rows", section=section or t("tender.no_section"), n=len(items))
        with st.expander(title, expanded=len(rows) <= 12):
            st.markdown("\n".join(_to_check_line(r, with_file) for r in items))


def _to_check_line(r: Requirement, with_file: bool) -> str:
    """- ★ 质保期自货物验收合格之日起计算 — *第28行 · 第三章 二、1*"""
    place = " · ".join(p for p in (where_label(r.where, with_file) or t("where.unknown"), r.ref) if p)
    return f"- {'★ ' if r.mandatory else ''}{_plain(r.text)} — *{_plain(place)}*"


st.title(t("tender.title"))
with shown_errors():
    extraction_panel()
    # The counts stand above the table but are drawn after it, so they include this run's edits.
    summary = st.container()
    requirements_table()
    with summary:
        section_summary()
    to_check_list()
