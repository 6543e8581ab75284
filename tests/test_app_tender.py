"""The tender page through AppTest: the evidence column, the per-section counts, the list of rows
to check by hand, and edits that keep each row's evidence."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from bidkit.model import Where

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-tender.txt"
TENDER = DEMO.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def folders(app_env: Path) -> Path:
    return app_env


def tender_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang != "zh":
        at.session_state["lang"] = lang
    at.switch_page("pages/tender.py")
    return at.run()


def extracted(lang: str = "zh") -> AppTest:
    """The tender page after pasting the demo tender and extracting it."""
    at = tender_page(lang)
    at.text_area[0].set_value(TENDER).run()
    click(at, "tender:extract")
    click(at, "confirm:yes")  # the demo bid's requirements are replaced only when confirmed
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    return next(b for b in at.button if b.key == key).click().run()


def editor(at: AppTest):
    """The requirements editor (AppTest shows a data_editor as a dataframe whose key names it)."""
    return next(d for d in at.dataframe if ":requirements:" in d.proto.id)


def line_of(needle: str) -> int:
    return next(n for n, line in enumerate(TENDER.splitlines(), 1) if needle in line)


def test_requirements_table_has_the_evidence_column():
    at = extracted()
    table = editor(at).value
    assert "evidence" in table.columns
    bid = at.session_state["bid"]
    assert list(table["evidence"]) == [f"第{r.where.line}行" for r in bid.requirements]
    assert table["evidence"][0] == f"第{line_of('★质保期：所投全部设备')}行"
    config = json.loads(editor(at).proto.columns)
    assert config["evidence"]["label"] == "出处"
    assert config["evidence"]["disabled"] is True


def test_section_counts_are_shown():
    at = extracted()
    assert "各章节找到的要求" in [s.value for s in at.subheader]
    counts = next(d for d in at.dataframe if "章节" in d.value.columns).value
    bid = at.session_state["bid"]
    others = sum(r.metric == "other" for r in bid.requirements)
    assert list(counts["章节"]) == ["售后服务要求"]
    assert list(counts["找到"]) == [len(bid.requirements)]
    assert list(counts["需人工确认"]) == [others]
    assert any(f"共 {len(bid.requirements)} 项，其中 {others} 项需人工确认" in c.value for c in at.caption)


def test_rows_to_check_by_hand_are_listed_with_their_place():
    at = extracted()
    bid = at.session_state["bid"]
    others = [r for r in bid.requirements if r.metric == "other"]
    assert others
    assert f"需人工确认（{len(others)} 项）" in [s.value for s in at.subheader]
    assert [e.label for e in at.expander] == [f"售后服务要求（{len(others)} 项）"]
    listed = "\n".join(m.value for m in at.markdown)
    for r in others:
        assert f"*第{r.where.line}行 · {r.ref}*" in listed.replace("\\", "")
    assert "质保期自货物验收合格之日起计算" in listed
    assert "不少于3年的原厂免费质保服务" not in listed   # a compared requirement is not in the list


def test_the_page_speaks_english():
    at = extracted("en")
    assert "Requirements found per section" in [s.value for s in at.subheader]
    table = editor(at).value
    assert table["evidence"][0].startswith("line ")
    assert json.loads(editor(at).proto.columns)["evidence"]["label"] == "Where found"
    assert any(s.value.startswith("To check by hand (") for s in at.subheader)


def edit(at: AppTest, delta: dict) -> AppTest:
    """Send the requirements editor an edit, as the browser does (AppTest cannot type into it)."""
    target = editor(at).proto.id
    tree_states = at._tree.get_widget_states

    def with_edit():
        states = tree_states()
        state = WidgetState()
        state.id = target
        state.string_value = json.dumps({"edited_rows": {}, "added_rows": [], "deleted_rows": [], **delta})
        states.widgets.append(state)
        return states

    at._tree.get_widget_states = with_edit
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_edits_keep_the_evidence_of_the_rows():
    """Editing a row's value, deleting a row and adding one: every kept row keeps its where and
    section; the added row has none; the counts follow the edit."""
    at = extracted()
    before = list(at.session_state["bid"].requirements)
    at = edit(at, {"edited_rows": {"0": {"value": "5"}}, "deleted_rows": [1],
                   "added_rows": [{"text": "须提供原厂授权书", "metric": "other", "op": "present"}]})
    after = at.session_state["bid"].requirements
    assert after[0].value == 5
    assert after[0].where == before[0].where and after[0].section == "售后服务要求"
    assert [(r.where, r.section) for r in after[1:-1]] == [(r.where, r.section) for r in before[2:]]
    assert after[-1].text == "须提供原厂授权书" and after[-1].where is None and after[-1].section == ""
    counts = next(d for d in at.dataframe if "章节" in d.value.columns).value
    assert list(counts["章节"]) == ["售后服务要求", "（未识别章节）"]
    assert list(counts["找到"]) == [len(before) - 1, 1]


def test_appended_tenders_name_their_files(tmp_path):
    """Requirements from two files: the evidence names the file as well as the place."""
    at = extracted()
    bid = at.session_state["bid"]
    bid.requirements[0] = bid.requirements[0].model_copy(update={"where": Where(file="A.pdf", page=2)})
    bid.requirements[1] = bid.requirements[1].model_copy(update={"where": Where(file="B.docx", paragraph=7)})
    at.session_state["requirements_gen"] = at.session_state["requirements_gen"] + 1
    at.run()
    table = editor(at).value
    assert list(table["evidence"][:2]) == ["A.pdf 第2页", "B.docx 第7段"]


# ---------------------------------------------------------------- issue 12: extraction outcomes

def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("success", "warning", "error", "info", "caption", "markdown")
                     for e in getattr(at, kind))


def test_replacing_asks_first_and_cancel_keeps_the_rows():
    at = tender_page()
    before = list(at.session_state["bid"].requirements)
    assert before, "the demo bid has requirements to lose"
    at.text_area[0].set_value(TENDER).run()
    click(at, "tender:extract")
    assert at.session_state["bid"].requirements == before  # nothing replaced yet
    assert f"现有的 {len(before)} 项要求（包括您的修改）将被替换" in texts(at)
    click(at, "confirm:no")
    assert at.session_state["bid"].requirements == before
    assert "confirm:yes" not in [b.key for b in at.button]


def test_nothing_found_keeps_the_rows_and_is_no_success():
    at = tender_page()
    before = list(at.session_state["bid"].requirements)
    at.text_area[0].set_value("第一章 投标邀请\n本项目接受联合体投标。").run()
    click(at, "tender:extract")
    assert at.session_state["bid"].requirements == before
    assert [w.value for w in at.warning] == ["没有找到售后服务要求：现有要求未改动"]
    assert not at.success and "confirm:yes" not in [b.key for b in at.button]


def test_appending_the_same_tender_twice_adds_nothing_the_second_time():
    at = extracted()
    first = list(at.session_state["bid"].requirements)
    edit(at, {"edited_rows": {"0": {"ref": "我的修改"}}})
    at.radio(key="tender:mode").set_value("append").run()
    click(at, "tender:extract")
    after = at.session_state["bid"].requirements
    assert len(after) == len(first)
    assert after[0].ref == "我的修改" and after[0].where == first[0].where  # the first one is kept
    assert f"找到 {len(first)} 项售后服务要求，已追加；其中 {len(first)} 项与现有要求相同，未重复添加" in texts(at)


def test_an_unreadable_upload_keeps_the_page_and_names_the_upload_not_a_path():
    at = tender_page()
    before = list(at.session_state["bid"].requirements)
    at.file_uploader(key="tender:upload").upload("招标文件.pdf", b"not a pdf at all", "application/pdf").run()
    assert "将从上传的文件 招标文件.pdf 提取" in texts(at)
    click(at, "tender:extract")
    errors = [e.value for e in at.error]
    assert errors == ["出错了：不是 PDF 文件（文件开头没有 PDF 标记）：是否由其他格式改名而来？（招标文件.pdf）"]
    assert "/tmp" not in errors[0] and "bidkit-tender" not in errors[0]
    assert at.session_state["bid"].requirements == before
    assert editor(at) is not None and "要求列表（可编辑：增加、删除、修改、切换★）" in [s.value for s in at.subheader]
    assert "正在提取" not in texts(at)


def test_text_and_file_both_given_the_writer_chooses():
    at = tender_page()
    at.text_area[0].set_value(TENDER).run()
    at.file_uploader(key="tender:upload").upload("空.pdf", b"not a pdf", "application/pdf").run()
    source = at.radio(key="tender:source")
    assert source.label == "已粘贴文字，也已上传文件：从哪一个提取？"
    source.set_value("text").run()
    click(at, "tender:extract")
    assert not at.error  # the pasted text was read, not the broken file
    assert "confirm:yes" in [b.key for b in at.button]


def test_a_replace_can_be_undone():
    before = list(tender_page().session_state["bid"].requirements)
    at = extracted()
    assert at.session_state["bid"].requirements != before
    click(at, "undo:tender")
    assert at.session_state["bid"].requirements == before


def test_a_long_tender_reads_the_same_with_a_companion_from_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """A tender long enough for a companion process, extracted from the page (a session is a
    thread of the server: the companion is forked from it): the rows are those read without one."""
    from bidkit import workers
    from bidkit.extract import walk
    from test_companion import _long_tender

    text = _long_tender()
    monkeypatch.setattr(workers, "cores", lambda: 2)
    rows = {}
    for threshold in (10**9, 0):
        monkeypatch.setattr(walk, "PARALLEL_BLOCKS", threshold)
        at = tender_page()
        at.text_area[0].set_value(text).run()
        click(at, "tender:extract")
        click(at, "confirm:yes")
        assert not at.exception, [e.value for e in at.exception]
        rows[threshold] = [r.model_dump() for r in at.session_state["bid"].requirements]
    assert len(rows[0]) > 100
    assert rows[0] == rows[10**9]
