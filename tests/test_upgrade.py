"""Templates and bids stay current: upgrades keep what still applies; retired versions are named."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bidkit import library
from bidkit.model import ClauseChoice, NewVersion
from bidkit.settings import Settings, load_settings
from bidkit.upgrade import available_upgrades, retired_in_use, upgrade_all, upgrade_choice

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lib_root(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    return root


def test_upgrade_keeps_values_that_still_apply(lib_root):
    """Moving to a new version keeps fitting values and names the ones that no longer fit."""
    lib = library.load(lib_root)
    v2 = lib.version("complaint-handling", 2)
    library.record_review(lib_root, lib, "complaint-handling", 2, "approved", "周律师")
    lib = library.load(lib_root)
    choice = ClauseChoice(id="complaint-handling", version=1,
                          params={"complaint_response": "2 hour", "closure_deadline": "15 workday", "gone": "x"})
    assert [u.latest for u in available_upgrades([choice], lib)] == [2]
    result = upgrade_choice(choice, lib, 2)
    assert result.choice.version == 2
    assert result.kept == ["complaint_response"]
    dropped = dict(result.dropped)
    assert "no longer has the parameter gone" in dropped["gone"]
    assert "closure_deadline" in dropped and "default applies" in dropped["closure_deadline"]
    assert set(result.choice.params) <= set(v2.params)


def test_upgrade_all_leaves_current_choices_alone(lib_root):
    """Only clauses with a newer approved version move."""
    lib = library.load(lib_root)
    choices = [ClauseChoice(id="warranty-period", version=1, params={"warranty_period": "5 year"}),
               ClauseChoice(id="response-time", version=1)]
    upgraded, results = upgrade_all(choices, lib)
    assert [c.version for c in upgraded] == [2, 1]
    assert upgraded[0].params["warranty_period"] == "5 year"
    assert len(results) == 1


def test_retired_version_in_use_is_named(lib_root):
    """The shipped library retires warranty-period v1 after approving v2."""
    lib = library.load(lib_root)
    retired = retired_in_use([ClauseChoice(id="warranty-period", version=1)], lib)
    assert [c.id for c in retired] == ["warranty-period"]


def test_draft_versions_are_not_offered(lib_root):
    """A newer draft is not an upgrade until it is approved."""
    lib = library.load(lib_root)
    entry = lib.clause("response-time")
    latest = entry.latest()
    library.new_version(lib_root, NewVersion(**{**latest.model_dump(include={"id", "category", "title", "params", "text"}),
                                                "based_on": latest.version}), author="王芳", note="草稿")
    lib = library.load(lib_root)
    assert available_upgrades([ClauseChoice(id="response-time", version=latest.version)], lib) == []


def test_reviewer_rules(tmp_path):
    """Only listed emails may review, case-insensitively; the settings file is validated."""
    settings = Settings(reviewers=["Legal@Example.com"])
    assert settings.may_review("legal@example.com")
    assert not settings.may_review("sales@example.com") and not settings.may_review(None)
    path = tmp_path / "s.yaml"
    path.write_text("reviewers: [not-an-email]\n", encoding="utf-8")
    with pytest.raises(Exception, match="not an email"):
        load_settings(path)
    assert load_settings(tmp_path / "missing.yaml").stale_after_days == 180
