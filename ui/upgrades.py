"""Notices that keep templates and bids current: newer approved versions, and retired ones in use."""
from __future__ import annotations

import streamlit as st

from bidkit.library import Library
from bidkit.model import ClauseChoice
from bidkit.upgrade import UpgradeResult, available_upgrades, retired_in_use, upgrade_all
from ui.messages import t


def describe(results: list[UpgradeResult]) -> str:
    """One line per upgraded clause: the values kept and those dropped, with why."""
    lines = []
    for r in results:
        line = t("upgrade.result", id=r.choice.id, version=r.choice.version, kept=len(r.kept))
        if r.dropped:
            line += " " + t("upgrade.dropped", items="；".join(f"{name}：{why}" for name, why in r.dropped))
        lines.append(line)
    return "\n\n".join(lines)


def upgrade_notice(choices: list[ClauseChoice], lib: Library, key: str) -> tuple[list[ClauseChoice], list[UpgradeResult]] | None:
    """Warn about newer approved versions and retired ones; returns the upgrade when the user asks for it."""
    for choice in retired_in_use(choices, lib):
        st.warning(t("upgrade.retired", id=choice.id, version=choice.version), icon=":material/block:")
    upgrades = available_upgrades(choices, lib)
    if not upgrades:
        return None
    st.warning(t("upgrade.available", n=len(upgrades)), icon=":material/update:")
    with st.expander(t("upgrade.show", n=len(upgrades))):
        for upgrade in upgrades:
            st.html(upgrade.diff.to_html())
    if st.button(t("upgrade.apply"), key=f"upgrade:{key}"):
        return upgrade_all(choices, lib)
    return None
