"""招标要求 Tender: paste or upload the tender, extract its requirements, see where each was read
and which need reading by hand, edit them as the bid's."""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from bidkit.errors import BidkitError
from bidkit.extract.forms import Extraction, extract_tender_file, extract_tender_text
from bidkit.model import MAX_FORMS, MAX_SCORING_RULES, METRICS, Requirement, ScoringRule, TenderForm, Where
from ui.evidence import section_counts, several_files, where_label
from ui.messages import lang, metric_label, op_label, t, unit_label
from ui.state import autosave_draft, confirm, confirm_dialog, get_bid, key, remember, shown_errors, undo_button
from ui.widgets import edited_rows, show_row_error

OPS = [">=", "<=", "==", "present"]
UNITS = ["", "minute", "hour", "day", "workday", "week", "month", "year", "person", "times"]
COLUMNS = ("mandatory", "metric", "op", "value", "unit", "text", "ref", "scoring")
EDITOR_ORDER = ("mandatory", "metric", "op", "value", "unit", "text", "evidence", "ref", "scoring", "where",
                "section")
ROW_HEIGHT = 35  # Streamlit's dataframe row, in pixels


def extract_upload(name: str, data: bytes) -> Extraction:
    """Run the extractor on an uploaded file (it reads by extension, so keep the name's suffix).
    An error names the upload as the user knows it, never the temporary copy on the server."""
    with tempfile.TemporaryDirectory(prefix="bidkit-tender-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        try:
            return extract_tender_file(path)
        except BidkitError as exc:
            exc.file = Path(name).name
            raise


def _same_requirement(r: Requirement) -> tuple:
    return r.metric, r.op, r.value, r.unit, r.text


def _same_rule(r: ScoringRule) -> tuple:
    return r.kind, r.metric, r.max_points, r.text


def _same_form(f: TenderForm) -> tuple:
    return f.kind, f.title, tuple(c.header for c in f.columns), f.text


def merged(current: list, found: list, same=_same_requirement) -> list:
    """`found` added after `current`, less the rows already there (`same` gives the same key; for
    requirements: metric, operator, value, unit and text): appending the same tender twice adds
    nothing, and the first row keeps its evidence and edits."""
    seen = {same(r) for r in current}
    added = []
    for r in found:
        if same(r) not in seen:
            seen.add(same(r))
            added.append(r)
    return current + added


def _source(text: str, upload) -> str | None:
    """Which of the two inputs the extraction reads, said on the page: "file", "text" or None.
    Both given: the writer picks; nothing is preferred silently."""
    if upload is not None and text.strip():
        labels = {"file": t("tender.source_file", name=upload.name), "text": t("tender.source_text")}
        return st.radio(t("tender.source_both"), list(labels), format_func=labels.get, horizontal=True,
                        key="tender:source")
    if upload is not None:
        st.caption(t("tender.uses_file", name=upload.name))
        return "file"
    if text.strip():
        st.caption(t("tender.uses_text"))
        return "text"
    return None


def _apply(extraction: Extraction, replace: bool) -> None:
    bid = get_bid()
    found = extraction.requirements
    before = len(bid.requirements)
    rules = list(extraction.scoring_rules) if replace else merged(bid.scoring_rules, extraction.scoring_rules,
                                                                   _same_rule)
    if len(rules) > MAX_SCORING_RULES:
        raise BidkitError(f"{len(rules)} scoring rules with those already kept, over the "
                          f"{MAX_SCORING_RULES}-rule limit of a bid: replace them instead of appending",
                          field="scoring_rules", code="scoring-rules-too-many", n=len(rules),
                          limit=MAX_SCORING_RULES)
    if replace and before:
        remember(t("undo.requirements"))
    bid.requirements = list(found) if replace else merged(bid.requirements, found)
    bid.scoring_rules = rules
    # the tender's own 偏离表 / 承诺函, kept with its requirements: a tender without any keeps the
    # forms read before; appending keeps the form already chosen
    if extraction.forms:
        forms = list(extraction.forms) if replace else merged(bid.forms, extraction.forms, _same_form)[:MAX_FORMS]
        chosen = next((f for f in forms if f.chosen), None)
        for form in forms:
            form.chosen = form is chosen
        bid.forms = forms
    st.session_state.requirements_gen = st.session_state.get("requirements_gen", 0) + 1
    added = len(bid.requirements) - before
    if not before:
        _tell("success", "tender.found", n=len(found))
    elif replace:
        _tell("success", "tender.replaced", n=len(found), old=before)
    else:
        _tell("success", "tender.appended", n=len(found), same=len(found) - added)


def _tell(kind: str, message: str, **values) -> None:
    """The outcome of the last extraction, shown (in the page's language) until the next one."""
    st.session_state["tender:outcome"] = (kind, message, values)


def extraction_panel() -> None:
    text = st.text_area(t("tender.paste"), height=180, key="tender:text", placeholder=t("tender.paste_hint"))
    upload = st.file_uploader(t("tender.upload"), type=["txt", "md", "docx", "pdf"], key="tender:upload")
    source = _source(text, upload)
    modes = {"replace": t("tender.replace"), "append": t("tender.append")}
    mode = st.radio("mode", list(modes), format_func=modes.get, horizontal=True, label_visibility="collapsed",
                    key="tender:mode")
    if st.button(t("tender.extract"), type="primary", key="tender:extract"):
        st.session_state.pop("tender:outcome", None)
        if source is None:
            st.warning(t("tender.empty"))
            return
        with st.spinner(t("tender.extracting")):
            # an error leaves the requirements as they were; it is shown by the caller
            extraction = (extract_upload(upload.name, upload.getvalue()) if source == "file"
                          else extract_tender_text(text))
        found = extraction.requirements
        if not found:
            _tell("warning", "tender.nothing_kept")
        elif mode == "replace" and get_bid().requirements:
            confirm(t("tender.confirm_replace", old=len(get_bid().requirements), n=len(found)),
                    t("tender.replace_yes"), lambda: _apply(extraction, replace=True))
        else:
            _apply(extraction, replace=mode == "replace")
    undo_button("tender")
    if outcome := st.session_state.get("tender:outcome"):
        kind, message, values = outcome
        getattr(st, kind)(t(message, **values))


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
        # defaults for a new row: a required cell left empty would say "Please fill out this cell"
        "mandatory": st.column_config.CheckboxColumn(t("col.mandatory"), width=90, default=False),
        "metric": st.column_config.SelectboxColumn(t("col.metric"), options=list(METRICS), required=True,
                                                   format_func=metric_label, width=120, default="other"),
        "op": st.column_config.SelectboxColumn(t("col.op"), options=OPS, required=True, width=80,
                                               format_func=op_label, default="present"),
        "value": st.column_config.TextColumn(t("col.value"), width=70),
        "unit": st.column_config.SelectboxColumn(t("col.unit"), options=UNITS, width=80, format_func=unit_label,
                                                 default=""),
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


EXCERPT_CHARS = 60  # of a scoring row's text in the rules table; the whole row is its tooltip


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS - 1] + "…"


def scoring_rules_table() -> None:
    """The after-sales rows of the tender's scoring table the extraction kept (评分自查 on the
    compose page scores the bid against them)."""
    bid = get_bid()
    if not bid.scoring_rules:
        return
    st.subheader(t("tpage.rules", n=len(bid.scoring_rules)))
    with_file = several_files(bid.requirements)
    st.dataframe([{t("tpage.col.factor"): r.factor or metric_label(r.metric),
                   t("tpage.col.kind"): t("tpage.kind." + r.kind),
                   t("tpage.col.points"): f"{r.max_points:g}",
                   t("tpage.col.text"): _excerpt(r.text),
                   t("col.where"): " · ".join(p for p in (where_label(r.where, with_file), r.ref) if p)}
                  for r in bid.scoring_rules], hide_index=True, key="tender:rules",
                 height=ROW_HEIGHT * (min(len(bid.scoring_rules), 15) + 1) + 3)


NO_FORM = -1  # the choice of no tender form: our 偏离表 in bidkit's own layout


def _form_label(form: TenderForm | None) -> str:
    if form is None:
        return t("tpage.form_none")
    return form.title or t("tpage.form_untitled")


def forms_panel() -> None:
    """The tender's own forms: each deviation table with its columns, the one our 偏离表 is
    rendered in chosen (the writer may pick another, or none: our own layout), and its letters."""
    bid = get_bid()
    if not bid.forms:
        return
    st.subheader(t("tpage.forms", n=len(bid.forms)))
    tables = [f for f in bid.forms if f.kind == "deviation"]
    if tables:
        st.dataframe([{t("tpage.col.form"): _form_label(f),
                       t("tpage.col.columns"): " | ".join(c.header for c in f.columns),
                       t("tpage.col.used"): "✓" if f.chosen else ""} for f in tables],
                     hide_index=True, key="tender:forms")
        options = [NO_FORM, *range(len(tables))]
        current = next((i for i, f in enumerate(tables) if f.chosen), NO_FORM)
        picked = st.selectbox(t("tpage.form_pick"), options, index=options.index(current), key=key("tender:form"),
                              format_func=lambda i: _form_label(None if i == NO_FORM else tables[i]))
        for i, form in enumerate(tables):
            form.chosen = i == picked
    for letter in (f for f in bid.forms if f.kind == "letter"):
        with st.expander(t("tpage.letter", title=letter.title)):
            st.text(letter.text)


st.title(t("tender.title"))
confirm_dialog()
# Each part shows its own error, so a tender that cannot be read leaves the table and the lists
# of the requirements as they were, under the message.
with shown_errors():
    extraction_panel()
# The counts stand above the table but are drawn after it, so they include this run's edits.
summary = st.container()
with shown_errors():
    requirements_table()
with summary, shown_errors():
    section_summary()
with shown_errors():
    to_check_list()
with shown_errors():
    scoring_rules_table()
    forms_panel()
autosave_draft()  # a reload on this page keeps the requirements just extracted or edited
