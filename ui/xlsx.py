"""The compose page's Excel download: the findings, the deviation table and the score estimate."""
from __future__ import annotations

import streamlit as st

from bidkit import workspace
from bidkit.check import CheckResult, open_rows
from bidkit.export_xlsx import findings_workbook
from bidkit.library import Library
from bidkit.model import Bid
from bidkit.score import score
from ui.messages import finding_text, t
from ui.state import without_missing

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download_button(bid: Bid, lib: Library, result: CheckResult) -> None:
    """`result` is the page's check of the bid; the workbook is built only when downloaded. It is
    named as a draft while the chapter could not be final (blocking findings, undecided rows)."""
    # the score of the clauses the library has, as the check (whose resolved clauses it reuses)
    rest, _missing = without_missing(bid, lib)
    draft = bool(result.blocking or open_rows(result))
    # worded here, in the page's run: the workbook is built later, outside it, when downloaded
    messages = [finding_text(f) for f in result.findings]
    st.download_button(t("xlsx.download"),
                       data=lambda: findings_workbook(rest, lib, result, score(rest, lib, clauses=result.clauses),
                                                      messages),
                       file_name=workspace.download_name(bid, draft, "xlsx"), mime=XLSX_MIME,
                       help=t("xlsx.help"), key="download:xlsx", on_click="ignore")
