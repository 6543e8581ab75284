"""Keeping templates and saved bids current with the library.

A template or bid pins clause versions. When a newer approved version exists it can be upgraded,
keeping every parameter value that still applies and naming the ones that do not. A retired
version in use is reported when the bid or template is opened.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from bidkit.diff import VersionDiff, diff_versions
from bidkit.library import Library
from bidkit.model import ClauseChoice


@dataclass(frozen=True)
class Upgrade:
    """A newer approved version of a chosen clause."""

    clause_id: str
    current: int
    latest: int
    diff: VersionDiff


@dataclass
class UpgradeResult:
    choice: ClauseChoice
    kept: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (parameter, why)


def available_upgrades(choices: list[ClauseChoice], lib: Library) -> list[Upgrade]:
    upgrades = []
    for choice in choices:
        entry = lib.clauses.get(choice.id)
        if entry is None or choice.version not in entry.versions:
            continue
        latest = entry.latest_approved()
        if latest is not None and latest.version > choice.version:
            upgrades.append(Upgrade(choice.id, choice.version, latest.version,
                                    diff_versions(entry.versions[choice.version], latest)))
    return upgrades


def retired_in_use(choices: list[ClauseChoice], lib: Library) -> list[ClauseChoice]:
    return [c for c in choices if c.id in lib.clauses and c.version in lib.clauses[c.id].versions
            and lib.clauses[c.id].status(c.version) == "retired"]


def upgrade_choice(choice: ClauseChoice, lib: Library, to: int) -> UpgradeResult:
    """The choice moved to version `to`, with the values that still fit it."""
    target = lib.version(choice.id, to)
    result = UpgradeResult(ClauseChoice(id=choice.id, version=to, params={}))
    for name, value in choice.params.items():
        spec = target.params.get(name)
        if spec is None:
            result.dropped.append((name, f"v{to} no longer has the parameter {name}"))
            continue
        try:
            parsed = spec.parse_value(value, field=spec.label)
        except ValueError as exc:
            result.dropped.append((name, f"{exc} in v{to}; its default applies"))
            continue
        if problem := spec.out_of_bounds(parsed):
            result.dropped.append((name, f"{problem} in v{to}; its default applies"))
            continue
        result.choice.params[name] = value
        result.kept.append(name)
    return result


def upgrade_all(choices: list[ClauseChoice], lib: Library) -> tuple[list[ClauseChoice], list[UpgradeResult]]:
    """Every choice with a newer approved version moved to it; the others unchanged."""
    targets = {u.clause_id: u.latest for u in available_upgrades(choices, lib)}
    upgraded, results = [], []
    for choice in choices:
        if choice.id in targets:
            result = upgrade_choice(choice, lib, targets[choice.id])
            upgraded.append(result.choice)
            results.append(result)
        else:
            upgraded.append(choice)
    return upgraded, results
