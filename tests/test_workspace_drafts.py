"""Drafts in the workspace, templates that bring their parts only, our company from the settings,
and download names (issue 12, points 6, 9 and 10)."""
from __future__ import annotations

from pathlib import Path

import pytest

from bidkit import bidfile, workspace
from bidkit.errors import BidError
from bidkit.model import Bid, Bidder, Template
from bidkit.settings import load_settings
from bidkit.workspace import Folders

ROOT = Path(__file__).resolve().parent.parent
DEMO = bidfile.read(ROOT / "examples" / "demo-bid.yaml")
TEMPLATE = bidfile.read(ROOT / "templates" / "通用设备-基础承诺.yaml", Template)
OURS = Bidder(name="佛山粤信分公司", hotline="0757-1234")


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    return Folders(tmp_path / "lib", tmp_path / "templates", tmp_path / "workspace")


def test_a_draft_round_trips_per_user(folders):
    workspace.save_draft(folders, "user:张三", DEMO, "demo-bid")
    workspace.save_draft(folders, "user:李四", Bid(project="李四的项目"), "")
    draft = workspace.read_draft(folders, "user:张三")
    assert (draft.bid, draft.name) == (DEMO, "demo-bid") and draft.saved.tzinfo
    assert workspace.read_draft(folders, "user:李四").bid.project == "李四的项目"
    assert workspace.read_draft(folders, "user:王五") is None
    assert [p.name for p in folders.drafts.iterdir() if p.name.startswith(".tmp-")] == []


@pytest.mark.parametrize("a, b", [("user:张 三", "user:张-三"), ("user:../../etc/passwd", "user:passwd"),
                                  ("browser:" + "a" * 32, "browser:" + "b" * 32)])
def test_user_keys_are_hashed_into_the_drafts_folder(folders, a, b):
    """A user's words never become a path, and names alike after cleaning keep drafts of their own."""
    path_a, path_b = workspace.draft_path(folders, a), workspace.draft_path(folders, b)
    assert path_a != path_b
    assert path_a.parent == path_b.parent == folders.drafts


def test_a_newer_draft_replaces_the_older_one_whole(folders):
    workspace.save_draft(folders, "user:张三", DEMO, "demo-bid")
    workspace.save_draft(folders, "user:张三", Bid(project="新的"), "new-bid")
    assert workspace.read_draft(folders, "user:张三").bid.project == "新的"
    assert len(list(folders.drafts.glob("*.yaml"))) == 1


def test_a_damaged_draft_is_a_bid_error(folders):
    path = workspace.draft_path(folders, "user:张三")
    path.parent.mkdir(parents=True)
    path.write_text("saved: [\n", encoding="utf-8")
    with pytest.raises(BidError):
        workspace.read_draft(folders, "user:张三")


def test_the_digest_tells_a_change():
    changed = DEMO.model_copy(deep=True)
    assert workspace.bid_digest(changed) == workspace.bid_digest(DEMO)
    changed.project += "（二期）"
    assert workspace.bid_digest(changed) != workspace.bid_digest(DEMO)


# ---------------------------------------------------------------- templates and our company

def test_a_template_into_a_new_bid_brings_its_parts_only():
    bid = workspace.bid_from_template(TEMPLATE, None, OURS)
    assert (bid.project, bid.project_number, bid.buyer, bid.requirements) == ("", "", "", [])
    assert (bid.clauses, bid.staff, bid.offices, bid.bidder) == (TEMPLATE.clauses, TEMPLATE.staff,
                                                                 TEMPLATE.offices, TEMPLATE.bidder)


def test_a_template_into_the_current_bid_keeps_its_project_and_requirements():
    bid = workspace.bid_from_template(TEMPLATE, DEMO, OURS)
    assert (bid.project, bid.project_number, bid.buyer, bid.requirements) == (
        DEMO.project, DEMO.project_number, DEMO.buyer, DEMO.requirements)
    assert bid.clauses == TEMPLATE.clauses
    bid.clauses[0].params["x"] = 1
    assert "x" not in TEMPLATE.clauses[0].params  # the bid's edits never reach the template


@pytest.mark.parametrize("template_bidder, default, expected", [
    (Bidder(name="模板公司"), OURS, "模板公司"),  # the template's own bidder wins
    (Bidder(), OURS, OURS.name),                   # a template without one takes ours
    (Bidder(), None, ""),                          # and without settings stays as it is
])
def test_the_bidder_of_a_template(template_bidder, default, expected):
    template = TEMPLATE.model_copy(update={"bidder": template_bidder})
    assert workspace.bid_from_template(template, None, default).bidder.name == expected


def test_a_blank_bid_keeps_our_company():
    assert workspace.new_bid(OURS) == Bid(bidder=OURS)
    assert workspace.new_bid() == Bid()


def test_the_settings_name_our_company(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("reviewers: [legal@example.com]\nbidder: {name: 佛山粤信分公司, hotline: 0757-1234}\n",
                    encoding="utf-8")
    assert load_settings(path).bidder == OURS
    path.write_text("reviewers: []\n", encoding="utf-8")
    assert load_settings(path).bidder is None


# ---------------------------------------------------------------- download names

@pytest.mark.parametrize("project_number, project, draft, ext, expected", [
    ("FSCG-2026-0088", "佛山项目", False, "docx", "FSCG-2026-0088.docx"),
    ("FSCG-2026-0088", "佛山项目", True, "docx", "FSCG-2026-0088-草稿.docx"),
    ("", "佛山市南海区医院设备采购", False, "yaml", "佛山市南海区医院设备采购.yaml"),
    ("FS/CG:2026*88?", "", False, "docx", "FS-CG-2026-88.docx"),  # Windows' forbidden characters
    ("  项目. ", "", True, "docx", "项目-草稿.docx"),                 # no trailing dot or space
    ("CON", "", False, "docx", "CON-投标.docx"),                      # a device name on Windows
    ("", "", True, "docx", "投标-草稿.docx"),
    ("甲" * 200, "", False, "docx", "甲" * workspace.MAX_STEM_CHARS + ".docx"),
])
def test_download_names_come_from_the_bid(project_number, project, draft, ext, expected):
    bid = Bid(project=project, project_number=project_number)
    assert workspace.download_name(bid, draft, ext) == expected
