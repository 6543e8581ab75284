"""The three-way merge behind "redo my edit on top of vN": neither side's change is lost."""
from __future__ import annotations

import pytest

from bidkit.merge3 import Conflict, has_markers, merge3

BASE = "我公司提供7×24小时服务。\n接到报修后2小时内响应。\n质保期满后提供终身维修。"


@pytest.mark.parametrize("mine, theirs, merged", [
    # different places: both changes kept (the case: their added sentence survives my edit)
    (BASE.replace("2小时", "1小时"), BASE + "\n节假日照常响应。",
     "我公司提供7×24小时服务。\n接到报修后1小时内响应。\n质保期满后提供终身维修。\n节假日照常响应。"),
    (BASE.replace("7×24", "5×8"), BASE.replace("终身维修", "有偿维修"),
     "我公司提供5×8小时服务。\n接到报修后2小时内响应。\n质保期满后提供有偿维修。"),
    # one side unchanged: the other side's text
    (BASE, BASE.replace("2小时", "4小时"), BASE.replace("2小时", "4小时")),
    (BASE.replace("2小时", "4小时"), BASE, BASE.replace("2小时", "4小时")),
    # the same change made on both sides is taken once
    (BASE.replace("2小时", "1小时"), BASE.replace("2小时", "1小时"), BASE.replace("2小时", "1小时")),
    (BASE + "\n节假日照常响应。", BASE + "\n节假日照常响应。", BASE + "\n节假日照常响应。"),
])
def test_clean_merges_keep_both_changes(mine, theirs, merged):
    result = merge3(BASE, mine, theirs)
    assert result.conflicts == []
    assert result.marked("我的修改", "v3") == merged


def test_overlapping_changes_are_a_conflict_of_whole_lines():
    result = merge3(BASE, BASE.replace("2小时", "1小时"), BASE.replace("2小时", "3小时"))
    assert result.conflicts == [Conflict("接到报修后2小时内响应。", "接到报修后1小时内响应。", "接到报修后3小时内响应。")]
    text = result.marked("我的修改", "v3（李明）")
    assert text == ("我公司提供7×24小时服务。\n<<<<<<< 我的修改\n接到报修后1小时内响应。\n======= v3（李明）\n"
                    "接到报修后3小时内响应。\n>>>>>>>\n质保期满后提供终身维修。")
    assert has_markers(text) and not has_markers(BASE)


def test_two_additions_at_one_place_are_a_conflict_holding_both():
    result = merge3(BASE, BASE + "\n我的补充。", BASE + "\n对方的补充。")
    [conflict] = result.conflicts
    assert "我的补充。" in conflict.mine and "对方的补充。" in conflict.theirs
    text = result.marked("我的修改", "v3")
    assert text.startswith(BASE.rsplit("\n", 1)[0]) and "我的补充。" in text and "对方的补充。" in text


def test_a_conflict_and_a_clean_change_on_other_lines():
    mine = BASE.replace("2小时", "1小时").replace("7×24", "5×8")
    theirs = BASE.replace("2小时", "3小时")
    result = merge3(BASE, mine, theirs)
    assert len(result.conflicts) == 1
    assert result.marked("m", "t").startswith("我公司提供5×8小时服务。\n<<<<<<< m\n")


def test_a_version_left_with_conflict_markers_is_refused_at_save(tmp_path):
    """The page holds the save while markers are left; the core refuses them for every other way in."""
    import shutil

    from bidkit import library
    from bidkit.errors import LibraryError
    from bidkit.model import NewVersion
    from tests.conftest import shipped

    root = tmp_path / "lib"
    shutil.copytree(shipped() / "clause_library", root)
    latest = library.load(root).clause("warranty-period").latest()
    merged = merge3(latest.text, latest.text.replace("原厂", "原厂正品"), latest.text.replace("原厂", "厂家")).marked("我的修改", "v3")
    assert has_markers(merged)
    draft = NewVersion(id=latest.id, category=latest.category, based_on=latest.version, title=latest.title,
                       note="合并", params=latest.params, text=merged)
    with pytest.raises(LibraryError) as caught:
        library.new_version(root, draft, author="李明")
    assert caught.value.code == "merge-markers-left" and caught.value.field == "text"
    assert library.load(root).clause("warranty-period").latest().version == latest.version
