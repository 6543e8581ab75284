"""Deciding the open rows on the compose page: the final .docx is enabled only once each is decided."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit import bidfile
from bidkit.model import Requirement
from tests.test_app import final_download, open_page, texts

ROOT = Path(__file__).resolve().parent.parent
OPEN = [Requirement(metric="spare_parts", op=">=", value=8, unit="year", text="备品备件供应不少于8年", ref="二、12"),
        Requirement(metric="other", op="present", text="中标人须在设备使用年限内免费升级软件", ref="二、13")]


@pytest.fixture(autouse=True)
def open_bid(app_env: Path, monkeypatch) -> Path:
    """The demo bid with two requirements nothing in it answers."""
    bid = bidfile.read(ROOT / "examples" / "demo-bid.yaml")
    bid.requirements += OPEN
    path = app_env / "open-rows.yaml"
    path.write_bytes(bidfile.to_yaml(bid))
    monkeypatch.setenv("BIDKIT_BID", str(path))
    return path


def form_of(at: AppTest, text: str):
    """The decision form (its radio, response and confirm button) of the open row quoting text."""
    for form in at.get("form"):
        if any(text in m.value for m in form.markdown):
            return form
    raise AssertionError(f"no decision form for {text}")


def decide(at: AppTest, text: str, status: str | None, name: str = "王磊") -> AppTest:
    # AppTest runs the switched-to page on its own, without app.py's sidebar, so the sidebar's
    # name field is dropped after each run: set what it would hold
    at.session_state["typed_name"] = name
    form = form_of(at, text)
    if status:
        form.radio[0].set_value(status)
    form.button[0].click()
    return at.run()


def test_the_final_docx_waits_for_every_open_row():
    at = open_page()
    assert final_download(at).proto.disabled
    assert "还有 2 行需要您决定" in texts(at)
    assert "没有阻断项，可以生成正式文档" not in texts(at)
    decide(at, OPEN[1].text, None, name="")
    assert "请先在侧边栏填写您的姓名" in texts(at)  # no name yet: nothing is recorded
    decide(at, OPEN[1].text, None)
    assert "请选择偏离情况" in texts(at) and not at.session_state["bid"].decisions
    decide(at, OPEN[0].text, "正偏离")
    assert "还有 1 行需要您决定" in texts(at) and final_download(at).proto.disabled
    decide(at, OPEN[1].text, "无偏离")
    assert not at.exception, [e.value for e in at.exception]
    assert "还有" not in texts(at) and not final_download(at).proto.disabled
    bid = at.session_state["bid"]
    assert [(d.requirement, d.status, d.decided_by) for d in bid.decisions] == [
        (OPEN[0].text, "正偏离", "王磊"), (OPEN[1].text, "无偏离", "王磊")]
    # the suggested response was kept: the clause's own sentence is not there, so a plain promise
    assert bid.decisions[1].response.startswith("我公司完全响应并满足")
    # decided rows can be reopened
    next(b for b in at.button if b.label == "重新决定").click()
    at.run()
    assert "还有 1 行需要您决定" in texts(at) and final_download(at).proto.disabled


def test_a_decision_on_a_requirement_gone_is_dropped_with_a_notice():
    at = open_page()
    decide(at, OPEN[0].text, "无偏离")
    bid = at.session_state["bid"]
    bid.requirements = [r for r in bid.requirements if r.text != OPEN[0].text]  # extracted again without it
    at.run()
    assert f"招标要求中已没有“{OPEN[0].text}”" in texts(at)
    assert at.session_state["bid"].decisions == []
    next(b for b in at.button if b.label == "知道了").click()
    at.run()
    assert "招标要求中已没有" not in texts(at)


# ---------------------------------------------------------------- findings link to what fixes them

def test_a_finding_opens_its_clause_card(open_bid: Path):
    """The ★ warranty promised 1 year blocks; its button shows the warranty section of the editor."""
    bid = bidfile.read(open_bid)
    next(c for c in bid.clauses if c.id == "warranty-period").params["warranty_period"] = "1 year"
    open_bid.write_bytes(bidfile.to_yaml(bid))
    at = open_page()
    section = next(s for s in at.selectbox if s.label == "章节")
    assert section.value != "warranty"
    next(b for b in at.button if b.label == "打开条款：质保期承诺").click()
    at.run()
    assert next(s for s in at.selectbox if s.label == "章节").value == "warranty"
    assert any(w.label == "质保期" for w in at.number_input)  # the card's own widget is on screen


def test_an_unanswered_row_adds_the_suggested_clause(open_bid: Path):
    """Without the complaint clause, 投诉 4小时 is 未响应: 添加建议条款 adds the library's latest
    approved complaint clause, and the row is answered."""
    bid = bidfile.read(open_bid)
    bid.clauses = [c for c in bid.clauses if c.id != "complaint-handling"]
    open_bid.write_bytes(bidfile.to_yaml(bid))
    at = open_page()
    assert "还有 3 行需要您决定" in texts(at)
    next(b for b in at.button if b.label == "添加建议条款：投诉受理与处理时限").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    added = [c for c in at.session_state["bid"].clauses if c.id == "complaint-handling"]
    assert [c.version for c in added] == [1]
    assert "还有 2 行需要您决定" in texts(at)
    assert next(s for s in at.selectbox if s.label == "章节").value == "complaints"
