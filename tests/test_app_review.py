"""The library page for legal reviewers, through AppTest: edit as a new version, conflicts, review, diff."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit import library
from bidkit.model import NewVersion

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lib_root(tmp_path, monkeypatch):
    root = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", root)
    monkeypatch.setenv("BIDKIT_LIBRARY", str(root))
    monkeypatch.setenv("BIDKIT_WORKSPACE", str(tmp_path / "workspace"))
    monkeypatch.setenv("BIDKIT_TEMPLATES", str(tmp_path / "templates"))
    monkeypatch.setenv("BIDKIT_SETTINGS", str(tmp_path / "settings.yaml"))
    return root


def library_page(clause_id: str, name: str = "王芳") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/library.py")
    # AppTest runs a switched-to page on its own, without app.py's sidebar: set what the sidebar's
    # name field would hold
    at.session_state["typed_name"] = name
    at.run()
    at.selectbox(key="library:pick").set_value(clause_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def save_button(at: AppTest, clause_id: str):
    return at.button(key=f"edit:{clause_id}:save")


def test_without_sign_in_the_sidebar_says_so(lib_root):
    """No [auth] configured: the sidebar says so and asks for a name; without one nobody reviews."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert any("未启用登录" in c.value for c in at.sidebar.caption)
    assert at.sidebar.text_input(key="typed_name").label == "您的姓名"
    at = library_page("response-time", name="")
    assert at.button(key="review:response-time:record").disabled
    assert any("请先在侧栏填写您的姓名" in i.value for i in at.info)


def test_edit_saves_the_next_version_as_draft(lib_root):
    """Edited text is previewed, then saved as the next version, a draft by the typed author."""
    at = library_page("response-time")
    latest = library.load(lib_root).clause("response-time").latest()
    text = at.text_area(key="edit:response-time:text")
    text.set_value(latest.text + "\n\n节假日期间响应时限不变。").run()
    assert any("节假日期间响应时限不变" in str(h.proto.body) for h in at.get("html"))
    assert save_button(at, "response-time").disabled  # a note is required
    at.text_input(key="edit:response-time:note").set_value("写明节假日响应").run()
    save_button(at, "response-time").click().run()
    assert not at.exception
    lib = library.load(lib_root)
    saved = lib.clause("response-time").latest()
    assert saved.version == latest.version + 1 and saved.author == "王芳" and saved.note == "写明节假日响应"
    assert lib.status("response-time", saved.version) == "draft"
    assert any(f"v{saved.version}" in s.value for s in at.success)


def test_edit_shows_validation_errors_before_saving(lib_root):
    """An undeclared name or a broken parameter list is shown and the save is disabled."""
    at = library_page("response-time")
    at.text_area(key="edit:response-time:text").set_value("{{ no_such_param }}").run()
    at.text_input(key="edit:response-time:note").set_value("x").run()
    assert any("no_such_param" in e.value for e in at.error)
    assert save_button(at, "response-time").disabled
    at.text_area(key="edit:response-time:params").set_value("a: [").run()
    at.button(key="edit:response-time:yaml_apply").click().run()
    assert any("无法解析" in e.value for e in at.error)


def test_conflict_shows_their_version_and_redoes_on_top(lib_root):
    """Someone saves first: the user sees a diff against their version and can redo on top; nothing lost."""
    at = library_page("response-time")
    latest = library.load(lib_root).clause("response-time").latest()
    at.text_area(key="edit:response-time:text").set_value(latest.text + "\n\n我的补充。")
    at.text_input(key="edit:response-time:note").set_value("我的修改").run()
    library.new_version(lib_root, NewVersion(id="response-time", category=latest.category, based_on=latest.version,
                                             title=latest.title, params=latest.params,
                                             text=latest.text + "\n\n对方的补充。"), author="李明", note="对方")
    save_button(at, "response-time").click().run()
    assert any("保存冲突" in e.value and "李明" in e.value for e in at.error)
    assert any("<ins>" in str(h.proto.body) or "<del>" in str(h.proto.body) for h in at.get("html"))
    at.button(key="edit:response-time:rebase").click().run()
    # both added a paragraph at the end: a conflict, both sides in the editor between markers, and
    # nothing saves until the writer resolves it
    merged = at.text_area(key="edit:response-time:text").value
    assert "我的补充。" in merged and "对方的补充。" in merged and "<<<<<<< 我的修改" in merged
    assert any("改了同一段" in w.value for w in at.warning)
    assert save_button(at, "response-time").disabled
    at.text_area(key="edit:response-time:text").set_value(latest.text + "\n\n对方的补充。\n\n我的补充。").run()
    save_button(at, "response-time").click().run()
    entry = library.load(lib_root).clause("response-time")
    assert entry.versions[latest.version + 1].text.endswith("对方的补充。")
    assert entry.versions[latest.version + 2].text.endswith("对方的补充。\n\n我的补充。")


def test_review_records_the_typed_name(lib_root):
    """Approving a draft writes an event with the reviewer; the history lists it."""
    lib = library.load(lib_root)
    at = library_page("complaint-handling", name="周律师")
    at.selectbox(key="review:complaint-handling:version").set_value(2)
    at.text_input(key="review:complaint-handling:comment").set_value("同意")
    at.button(key="review:complaint-handling:record").click().run()
    assert not at.exception
    lib = library.load(lib_root)
    assert lib.status("complaint-handling", 2) == "approved"
    review = lib.clause("complaint-handling").reviews[2][0]
    assert (review.reviewer, review.comment) == ("周律师", "同意")


def test_diff_panel_shows_changes_and_parameter_list(lib_root):
    """The diff tab shows insertions and deletions and the parameter changes."""
    at = library_page("complaint-handling")
    bodies = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "<ins>" in bodies and "5个工作日" in bodies


def test_template_upgrade_notice_and_upgrade(lib_root, tmp_path):
    """A newer approved version shows on the templates page; upgrading rewrites the template."""
    from bidkit import bidfile
    from bidkit.model import Template
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(ROOT / "templates" / "通用设备-基础承诺.yaml", templates)
    lib = library.load(lib_root)
    library.record_review(lib_root, lib, "complaint-handling", 2, "approved", "周律师")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/templates.py")
    at.run()
    assert any("1 条条款有更新的已审批版本" in w.value for w in at.warning)
    at.button(key="upgrade:template:通用设备-基础承诺.yaml").click().run()
    assert not at.exception
    assert any("升级完成" in s.value and "complaint-handling" in s.value for s in at.success)
    template = bidfile.read(templates / "通用设备-基础承诺.yaml", Template)
    assert next(c for c in template.clauses if c.id == "complaint-handling").version == 2
    assert not any("有更新的已审批版本" in w.value for w in at.warning)


def test_retired_version_in_a_bid_is_named(lib_root, tmp_path, monkeypatch):
    """Opening a bid that uses a retired version says so."""
    from bidkit import bidfile
    bid = bidfile.read(ROOT / "examples" / "demo-bid.yaml")
    next(c for c in bid.clauses if c.id == "warranty-period").version = 1
    path = tmp_path / "old-bid.yaml"
    path.write_bytes(bidfile.to_yaml(bid))
    monkeypatch.setenv("BIDKIT_BID", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert any("warranty-period" in w.value and "已停用" in w.value for w in at.warning)


def test_a_review_records_whether_the_reviewer_signed_in(lib_root, tmp_path, monkeypatch):
    """Signed in (st.login) as a listed reviewer: the event says verified; a typed name does not."""
    from ui import auth, clause_editor
    from ui.auth import Identity

    (tmp_path / "settings.yaml").write_text("reviewers: [legal@example.com]\n", encoding="utf-8")
    signed_in = Identity("周律师", "legal@example.com", True)
    monkeypatch.setattr(auth, "auth_configured", lambda: True)
    monkeypatch.setattr(auth, "current_identity", lambda: signed_in)
    monkeypatch.setattr(clause_editor, "current_identity", lambda: signed_in)
    at = library_page("complaint-handling", name="")
    at.selectbox(key="review:complaint-handling:version").set_value(2)
    at.button(key="review:complaint-handling:record").click().run()
    assert not at.exception
    review = library.load(lib_root).clause("complaint-handling").reviews[2][0]
    assert (review.reviewer, review.verified) == ("legal@example.com", True)


def test_a_review_by_a_typed_name_is_not_verified(lib_root):
    at = library_page("complaint-handling", name="周律师")
    at.selectbox(key="review:complaint-handling:version").set_value(2)
    at.button(key="review:complaint-handling:record").click().run()
    review = library.load(lib_root).clause("complaint-handling").reviews[2][0]
    assert (review.reviewer, review.verified) == ("周律师", False)


def test_redo_on_top_keeps_their_change_and_waits_for_a_click(lib_root):
    """The issue's loss: they added a sentence while I edited another; redoing mine on top keeps
    theirs, shows the merged text, and saves only on a fresh click of the save button."""
    at = library_page("response-time")
    base = library.load(lib_root).clause("response-time").latest()
    first, rest = base.text.split("\n", 1) if "\n" in base.text else (base.text, "")
    mine = base.text + "\n\n我的补充。"
    theirs = "对方加的开头。" + base.text
    at.text_area(key="edit:response-time:text").set_value(mine)
    at.text_input(key="edit:response-time:note").set_value("我的修改").run()
    library.new_version(lib_root, NewVersion(id="response-time", category=base.category, based_on=base.version,
                                             title=base.title, params=base.params, text=theirs),
                        author="李明", note="对方")
    save_button(at, "response-time").click().run()
    at.button(key="edit:response-time:rebase").click().run()
    assert at.text_area(key="edit:response-time:text").value == "对方加的开头。" + mine
    assert any("已把您的修改合并到 v2 上" in i.value for i in at.info)
    assert len(library.load(lib_root).clause("response-time").versions) == 2  # not saved by the merge
    assert not save_button(at, "response-time").disabled
    save_button(at, "response-time").click().run()
    assert library.load(lib_root).clause("response-time").versions[3].text == "对方加的开头。" + mine


def add_version(lib_root, clause_id: str, text_added: str, author: str = "李明") -> int:
    entry = library.load(lib_root).clause(clause_id)
    latest = entry.latest()
    saved = library.new_version(lib_root, NewVersion(id=clause_id, category=entry.category, based_on=latest.version,
                                                     title=latest.title, params=latest.params,
                                                     text=latest.text + text_added), author=author, note="另一位")
    return saved.version


@pytest.mark.parametrize("comment_rerun", [True, False])
def test_approval_records_the_version_read_though_another_was_saved(lib_root, comment_rerun):
    """v1 selected and read; someone saves two versions meanwhile; typing the comment reruns the page
    (or not): the click approves v1, never the newest version."""
    at = library_page("complaint-handling", name="周律师")
    at.selectbox(key="review:complaint-handling:version").set_value(1).run()
    assert any("您正在审核 v1" in m.value for m in at.markdown)
    add_version(lib_root, "complaint-handling", "\n\n第三版的补充。")
    add_version(lib_root, "complaint-handling", "\n\n第四版的补充。")
    at.radio(key="review:complaint-handling:event").set_value("retired")
    at.text_input(key="review:complaint-handling:comment").set_value("v1 停用")
    if comment_rerun:
        at.run()
        assert at.selectbox(key="review:complaint-handling:version").value == 1
        assert any("您正在审核 v1" in m.value for m in at.markdown)
    at.button(key="review:complaint-handling:record").click().run()
    assert not at.exception
    lib = library.load(lib_root)
    assert [lib.status("complaint-handling", n) for n in (1, 2, 3, 4)] == ["retired", "draft", "draft", "draft"]
    assert lib.clause("complaint-handling").reviews[1][-1].comment == "v1 停用"


def test_a_changed_version_file_is_not_approved(lib_root):
    """The core refuses a review whose text digest is not the file's any more."""
    from bidkit.errors import ConflictError
    lib = library.load(lib_root)
    seen = library.version_digest(lib.version("complaint-handling", 2))
    path = lib_root / "complaints" / "complaint-handling" / "v2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("处理结果以书面形式", "处理结果以口头形式"), encoding="utf-8")
    with pytest.raises(ConflictError) as caught:
        library.record_review(lib_root, lib, "complaint-handling", 2, "approved", "周律师", seen_digest=seen)
    assert caught.value.code == "review-stale"
    assert lib.status("complaint-handling", 2) == "draft" and not (path.parent / "v2.approved.yaml").exists()
    fresh = library.load(lib_root)
    library.record_review(lib_root, fresh, "complaint-handling", 2, "approved", "周律师",
                          seen_digest=library.version_digest(fresh.version("complaint-handling", 2)))
    assert library.load(lib_root).status("complaint-handling", 2) == "approved"


@pytest.mark.parametrize("reviewer, aliases, one_person_team, refused", [
    ("陈静", (), False, True),                             # the author
    (" 陈静 ", (), False, True),
    ("chen@example.com", ("陈静",), False, True),          # signed in: email, display name the author's
    ("周律师", (), False, False),
    ("陈静", (), True, False),                             # a one-person team approves its own work
])
def test_four_eyes_in_the_core(lib_root, reviewer, aliases, one_person_team, refused):
    from bidkit.errors import LibraryError
    lib = library.load(lib_root)
    record = lambda: library.record_review(lib_root, lib, "complaint-handling", 2, "approved", reviewer,  # noqa: E731
                                           also_known_as=aliases, one_person_team=one_person_team)
    if refused:
        with pytest.raises(LibraryError) as caught:
            record()
        assert caught.value.code == "review-own-version" and caught.value.values["author"] == "陈静"
        assert library.load(lib_root).status("complaint-handling", 2) == "draft"
    else:
        record()
        assert library.load(lib_root).status("complaint-handling", 2) == "approved"


def test_four_eyes_on_the_page(lib_root, tmp_path):
    """The review tab shows the version's diff against the approved one; its author sees why they
    cannot approve it; retiring it stays open to them; a one-person team approves its own version."""
    at = library_page("complaint-handling", name="陈静")
    at.selectbox(key="review:complaint-handling:version").set_value(2).run()
    assert any("与最近批准的 v1 对比" in c.value for c in at.caption)
    bodies = " ".join(str(h.proto.body) for h in at.get("html"))
    assert "v1 → v2" in bodies and "<ins>" in bodies
    assert any("作者不能批准自己的版本" in w.value for w in at.warning)
    assert at.button(key="review:complaint-handling:record").disabled
    at.radio(key="review:complaint-handling:event").set_value("retired").run()
    assert not at.button(key="review:complaint-handling:record").disabled
    (tmp_path / "settings.yaml").write_text("one_person_team: true\n", encoding="utf-8")
    at.radio(key="review:complaint-handling:event").set_value("approved").run()
    at.button(key="review:complaint-handling:record").click().run()
    assert library.load(lib_root).status("complaint-handling", 2) == "approved"
