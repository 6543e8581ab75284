"""Every page of the app through Streamlit's AppTest: widgets, findings, templates, language."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bidkit import bidfile
from bidkit.model import Template

ROOT = Path(__file__).resolve().parent.parent
TENDER = (ROOT / "examples" / "demo-tender.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def folders(app_env: Path) -> Path:
    return app_env


def open_page(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for kind in ("markdown", "caption", "error", "warning", "success", "info")
             for m in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def number_input(at: AppTest, label: str):
    return next(w for w in at.number_input if w.label == label)


def show_section(at: AppTest, category: str) -> AppTest:
    """Pick the chapter section (a library category id) whose clauses the compose page shows."""
    return next(r for r in at.selectbox if r.label == "章节").set_value(category).run()


def final_download(at: AppTest):
    return next(e for e in at.get("download_button") if e.proto.label == "下载正式 .docx")


# ---------------------------------------------------------------- compose

def test_compose_opens_on_the_demo_bid():
    """The compose page starts with the demo bid: details, clauses, staff, findings, no blocking."""
    at = open_page()
    assert at.title[0].value == "编写售后服务方案"
    labels = {w.label for w in at.text_input}
    assert {"项目名称", "项目编号", "采购人", "投标人名称", "服务热线"} <= labels
    show_section(at, "warranty")
    assert any(w.label == "质保期" for w in at.number_input)
    assert len(at.get("arrow_data_frame")) + len(at.get("data_editor") or []) >= 0
    assert "没有阻断项" in texts(at)
    assert not final_download(at).proto.disabled


def test_changing_a_parameter_changes_the_findings():
    """Setting the warranty below the ★ requirement blocks, and disables the final download."""
    at = show_section(open_page(), "warranty")
    number_input(at, "质保期").set_value(2).run()
    assert not at.exception
    blocking = [e.value for e in at.error if "负偏离" in e.value]
    assert blocking, texts(at)
    assert final_download(at).proto.disabled
    number_input(at, "质保期").set_value(3).run()
    assert not [e.value for e in at.error if "负偏离" in e.value]
    assert not final_download(at).proto.disabled


def test_out_of_bounds_value_is_shown_at_the_widget():
    """A response time beyond the parameter's maximum is an error next to the widget, and a
    blocking finding, both in the page's language."""
    at = show_section(open_page(), "response")
    number_input(at, "响应时间").set_value(300).run()
    errors = [e.value for e in at.error]
    assert "“响应时间”为 300分钟，超过上限 2小时" in errors
    assert "阻断 · **超出范围**   \n“报修响应时间” v1：“响应时间”为 300分钟，超过上限 2小时" in errors
    assert not any("above the maximum" in e for e in errors)


def test_bid_details_reach_the_preview():
    """A changed project name shows up in the findings-free preview's header."""
    at = open_page()
    next(w for w in at.text_input if w.label == "项目名称").set_value("湛江市第二中学设备采购").run()
    html = "".join(str(h.proto.body) for h in at.get("html"))
    assert "湛江市第二中学设备采购" in html


def test_placeholder_in_bidder_blocks():
    """XX left in the bidder's name is a blocking finding."""
    at = open_page()
    next(w for w in at.text_input if w.label == "投标人名称").set_value("XX公司").run()
    assert any("占位符" in e.value for e in at.error)


def test_save_bid_to_workspace(folders):
    """Saving writes the bid into the workspace; it loads back equal."""
    at = open_page()
    next(w for w in at.text_input if w.label == "保存名称").set_value("湛江一中").run()
    next(b for b in at.button if b.label == "保存到工作区").click().run()
    saved = folders / "workspace" / "bids" / "湛江一中.yaml"
    assert saved.exists()
    assert bidfile.read(saved).project == bidfile.read(ROOT / "examples/demo-bid.yaml").project


# ---------------------------------------------------------------- tender

def test_extracting_the_demo_tender_fills_the_table():
    """Pasting the demo tender and extracting fills the requirements table and the bid."""
    at = open_page("tender")
    at.text_area[0].set_value(TENDER).run()
    next(b for b in at.button if b.label == "提取要求").click().run()
    assert not at.exception
    bid = at.session_state["bid"]
    assert len(bid.requirements) >= 12
    assert any(r.mandatory for r in bid.requirements)
    assert at.get("arrow_data_frame") or at.get("data_editor")


def test_extract_without_input_warns():
    """Clicking extract with nothing pasted says what to do."""
    at = open_page("tender")
    next(b for b in at.button if b.label == "提取要求").click().run()
    assert any("请先粘贴" in w.value for w in at.warning)


# ---------------------------------------------------------------- library

def test_library_search_and_versions():
    """Searching narrows the list; a clause shows its versions and rendered text."""
    at = open_page("library")
    at.text_input[0].set_value("质保").run()
    assert not at.exception
    pick = next(s for s in at.selectbox if s.label == "查看条款")
    assert "质保期承诺" in pick.options  # titles, never ids
    pick.set_value("warranty-period").run()
    assert "质保期承诺" in [s.value for s in at.subheader]  # a title, never its id
    assert any("5" in i.value or "36个月" in i.value for i in at.info)


# ---------------------------------------------------------------- templates

def test_templates_round_trip(folders):
    """Save the current bid as a template, see it listed, load it, delete it (moved to trash)."""
    at = open_page("templates")
    assert "通用设备·基础承诺" in texts(at)
    at.text_input(key="templates:name").set_value("测试模板")
    at.text_input(key="templates:owner").set_value("测试员")
    next(b for b in at.button if b.label == "将当前投标保存为模板").click().run()
    assert not at.exception
    assert "测试模板" in texts(at)
    saved = folders / "templates" / "测试模板.yaml"
    assert Template.model_validate(bidfile.read(saved, Template).model_dump()).owner == "测试员"
    at.button(key="templates:load:通用设备-基础承诺.yaml").click().run()
    bid = at.session_state["bid"]
    warranty = next(c for c in bid.clauses if c.id == "warranty-period")
    assert warranty.params["warranty_period"] == "24 month"
    at.button(key="templates:delete:测试模板.yaml").click().run()
    at.button(key="templates:yes:测试模板.yaml").click().run()
    assert not saved.exists()
    assert list((folders / "workspace" / "trash").glob("测试模板.*.yaml"))


def test_template_name_taken(folders):
    """Saving a template under an existing name is refused with a clear message."""
    at = open_page("templates")
    at.text_input(key="templates:name").set_value("通用设备·基础承诺")
    next(b for b in at.button if b.label == "将当前投标保存为模板").click().run()
    assert any("已有同名文件" in e.value for e in at.error)


# ---------------------------------------------------------------- language

def test_language_switch():
    """English labels come from the same messages table."""
    at = open_page()
    at.selectbox(key="lang").set_value("en").run()
    assert at.title[0].value == "Compose the after-sales chapter"
    assert any(w.label == "Project" for w in at.text_input)


def test_add_move_and_remove_a_clause():
    """A clause is added from the library, moved within its section, and removed."""
    at = open_page()
    bid = at.session_state["bid"]
    bid.clauses = [c for c in bid.clauses if c.id != "hotline"]
    at.run()
    adder = next(s for s in at.selectbox if s.label == "添加条款")
    adder.set_value("hotline").run()
    next(b for b in at.button if b.label == "添加").click().run()
    ids = [c.id for c in at.session_state["bid"].clauses]
    assert ids[-1] == "hotline"
    show_section(at, "service-hours")
    up = next(b for b in at.button if b.key and b.key.endswith(":up:hotline"))
    up.click().run()
    ids = [c.id for c in at.session_state["bid"].clauses]
    assert ids.index("hotline") < ids.index("service-hours")
    next(b for b in at.button if b.key and b.key.endswith(":remove:hotline")).click().run()
    at.button(key="confirm:yes").click().run()  # the removal is confirmed in a dialog
    assert "hotline" not in [c.id for c in at.session_state["bid"].clauses]


def test_upload_a_bid_and_a_broken_one():
    """An uploaded bid YAML replaces the bid; a broken one is a clear message, not a traceback."""
    at = open_page()
    demo = (ROOT / "examples/demo-bid.yaml").read_bytes().replace("湛江市第一中学教学设备采购项目".encode(),
                                                                  "上传的项目".encode())
    at.file_uploader(key="start:upload").upload("mine.yaml", demo, "application/x-yaml").run()
    next(b for b in at.button if b.key == "start:upload:load").click().run()
    assert at.session_state["bid"].project == "上传的项目"
    at.file_uploader(key="start:upload").upload("bad.yaml", b"clauses: [\n", "application/x-yaml").run()
    next(b for b in at.button if b.key == "start:upload:load").click().run()
    assert not at.exception
    assert any("bad.yaml" in e.value and "YAML does not parse" in e.value for e in at.error)


def test_blank_bid_lists_no_findings():
    """A blank bid says there are no requirements yet and offers no clause cards."""
    at = open_page()
    next(b for b in at.button if b.key == "start:blank").click().run()
    assert "没有招标要求" in texts(at)
    assert "还没有选择条款" in texts(at)


@pytest.mark.parametrize("page", [None, "tender", "library", "templates"])
def test_missing_library_is_a_message_not_a_traceback(monkeypatch, tmp_path, page):
    """A library folder that does not exist is named in an error box on every page."""
    monkeypatch.setenv("BIDKIT_LIBRARY", str(tmp_path / "nowhere"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page:
        at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception
    if page in (None, "library"):
        assert any("is not a folder" in e.value for e in at.error)


def test_broken_template_file_is_listed_not_fatal(folders):
    """A template file that does not parse is listed as a problem; the others still show."""
    (folders / "templates" / "坏模板.yaml").write_text("name: [\n", encoding="utf-8")
    at = open_page("templates")
    assert "通用设备·基础承诺" in texts(at)
    assert any("坏模板.yaml" in w.value for w in at.warning)


def test_a_bid_upload_over_its_limit_is_refused_unread(monkeypatch):
    """The bid upload holds to bidfile.MAX_BYTES, not the tenders' 200 MB: refused by its size,
    said with one decimal, before its bytes are copied out and decoded."""
    read = []
    real_decode = bidfile.decode
    monkeypatch.setattr(bidfile, "decode", lambda data, name: read.append(name) or real_decode(data, name))
    at = open_page()
    assert at.file_uploader(key="start:upload").proto.max_upload_size_mb == 2
    big = b"project: x\n" + b"#" * int(2.05 * 1024 * 1024)
    at.file_uploader(key="start:upload").upload("big.yaml", big, "application/x-yaml").run()
    next(b for b in at.button if b.key == "start:upload:load").click().run()
    assert not at.exception
    assert any("big.yaml" in e.value and "2.1 MB" in e.value for e in at.error), [e.value for e in at.error]
    assert "big.yaml" not in read
    assert at.session_state["bid"].project != "x"
