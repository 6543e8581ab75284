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


def extracted(lang: str = "zh") -> AppTest:
    """The tender page after pasting the demo tender and extracting it."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang != "zh":
        at.session_state["lang"] = lang
    at.switch_page("pages/tender.py")
    at.run()
    at.text_area[0].set_value(TENDER).run()
    next(b for b in at.button if b.key == "tender:extract").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


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
