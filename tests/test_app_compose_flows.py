"""The compose page keeps a writer's work (issue 12): a draft at every change that a reload takes
back, confirmation and 撤销 for what replaces or cuts the bid, templates that bring their parts only,
tables that start with their columns, and a clause the library lacks shown as a card, not a wall."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from bidkit import workspace

ROOT = Path(__file__).resolve().parent.parent
DEMO_PROJECT = "湛江市第一中学教学设备采购项目"
TEMPLATE = "通用设备·基础承诺"


@pytest.fixture(autouse=True)
def folders(app_env: Path) -> Path:
    return app_env


def open_app(query: dict | None = None, name: str = "") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/compose.py")
    at.query_params.update(query or {})
    if name:
        at.session_state["typed_name"] = name  # as typed in the sidebar
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def gen_key(at: AppTest, *parts: str) -> str:
    return ":".join([str(at.session_state["bid_gen"]), *parts])


def set_project(at: AppTest, value: str) -> AppTest:
    return at.text_input(key=gen_key(at, "project")).set_value(value).run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for kind in ("markdown", "caption", "error", "warning", "success", "info")
                     for m in getattr(at, kind))


def drafts(folder: Path) -> list[Path]:
    return sorted((folder / "workspace" / "drafts").glob("*.yaml"))


# ---------------------------------------------------------------- 6: drafts

@pytest.mark.parametrize("who", ["typed name", "address token"])
def test_a_reload_takes_the_bid_back(folders, who):
    """A change is kept as the user's draft; a new session of the same user (the same typed name,
    or the same token in the address when there is none) offers it, and 恢复 puts it back."""
    name = "张三" if who == "typed name" else ""
    at = open_app(name=name)
    set_project(at, "佛山市南海区医院设备采购")
    assert len(drafts(folders)) == 1
    query = {} if name else {"draft": at.query_params["draft"]}
    again = open_app(query, name=name)
    assert again.session_state["bid"].project == DEMO_PROJECT
    assert "佛山市南海区医院设备采购" in texts(again) and "自动保存于" in texts(again)
    button(again, "恢复未保存的投标").click().run()
    assert again.session_state["bid"].project == "佛山市南海区医院设备采购"
    assert "恢复未保存的投标" not in labels(again)


def test_no_draft_is_written_without_a_change_and_none_is_offered_to_another_user(folders):
    at = open_app(name="张三")
    at.run()
    assert drafts(folders) == []  # opening and rerunning change nothing
    set_project(at, "佛山项目")
    before = drafts(folders)[0].read_bytes()
    at.run()
    at.run()
    assert drafts(folders)[0].read_bytes() == before  # the same bid is not written again
    other = open_app(name="李四")
    assert "恢复未保存的投标" not in labels(other)


def test_an_offered_draft_is_not_overwritten_before_the_user_chose(folders):
    """Changing the new session's bid before choosing keeps the draft offered; 不恢复 lets it go."""
    set_project(open_app(name="张三"), "佛山项目")
    again = open_app(name="张三")
    set_project(again, "另一个项目")
    saved = workspace.read_draft(workspace.Folders.from_env(), "user:张三")
    assert saved.bid.project == "佛山项目"
    button(again, "不恢复").click().run()
    set_project(again, "另一个项目2")
    assert workspace.read_draft(workspace.Folders.from_env(), "user:张三").bid.project == "另一个项目2"


# ---------------------------------------------------------------- 7: confirm and undo

def test_blank_bid_over_changes_asks_and_can_be_undone():
    at = open_app()
    set_project(at, "改过的项目")
    at.button(key="start:blank").click().run()
    assert at.session_state["bid"].project == "改过的项目"  # nothing yet: a dialog asks
    assert "新建空白投标？" in texts(at)
    at.button(key="confirm:no").click().run()
    assert at.session_state["bid"].project == "改过的项目"
    at.button(key="start:blank").click().run()
    at.button(key="confirm:yes").click().run()
    assert at.session_state["bid"].project == ""
    button(at, "撤销：新建空白投标").click().run()
    assert at.session_state["bid"].project == "改过的项目"
    assert "已撤销：新建空白投标" in texts(at)


def test_removing_a_clause_asks_and_can_be_undone():
    at = open_app()
    at.button(key=gen_key(at, "remove", "general-commitment")).click().run()
    assert "general-commitment" in [c.id for c in at.session_state["bid"].clauses]
    at.button(key="confirm:yes").click().run()
    assert "general-commitment" not in [c.id for c in at.session_state["bid"].clauses]
    next(b for b in at.button if b.label.startswith("撤销：移除条款")).click().run()
    assert at.session_state["bid"].clauses[0].id == "general-commitment"


# ---------------------------------------------------------------- 10: templates bring their parts only

def test_template_into_a_new_bid_leaves_the_old_project_behind():
    at = open_app()
    at.button(key="start:template:new").click().run()  # the demo bid is unchanged: no question
    bid = at.session_state["bid"]
    assert (bid.project, bid.project_number, bid.buyer, bid.requirements) == ("", "", "", [])
    assert bid.bidder.name == "广东粤信科技有限公司" and bid.clauses


def test_template_into_the_current_bid_keeps_its_project_and_asks_over_changed_clauses():
    at = open_app()
    demo = at.session_state["bid"]
    number, requirements = demo.project_number, list(demo.requirements)
    set_project(at, "佛山项目")  # the project is the bid's: no question
    at.button(key="start:template:load").click().run()
    bid = at.session_state["bid"]
    assert (bid.project, bid.project_number, bid.requirements) == ("佛山项目", number, requirements)
    at.button(key=gen_key(at, "remove", "general-commitment")).click().run()
    at.button(key="confirm:yes").click().run()
    at.button(key="start:template:load").click().run()
    assert "套用到当前投标？" in texts(at)


def test_blank_bid_takes_our_company_from_the_settings(folders, monkeypatch):
    settings = folders / "settings.yaml"
    settings.write_text("bidder: {name: 佛山粤信分公司, hotline: 0757-1234}\n", encoding="utf-8")
    monkeypatch.setenv("BIDKIT_SETTINGS", str(settings))
    at = open_app()
    at.button(key="start:blank").click().run()
    assert at.session_state["bid"].bidder.name == "佛山粤信分公司"
    assert at.text_input(key=gen_key(at, "hotline")).value == "0757-1234"


# ---------------------------------------------------------------- 8: empty tables

def test_empty_staff_and_offices_tables_have_their_columns():
    at = open_app()
    at.button(key="start:blank").click().run()
    columns = [list(d.value.columns) for d in at.dataframe]
    assert ["name", "role", "certificate", "phone"] in columns
    assert ["city", "address", "phone"] in columns


# ---------------------------------------------------------------- 11: a clause the library lacks

def test_a_clause_the_library_lacks_is_a_card_and_the_rest_still_works(folders, monkeypatch):
    bid = yaml.safe_load((ROOT / "examples" / "demo-bid.yaml").read_text(encoding="utf-8"))
    for clause in bid["clauses"]:
        if clause["id"] == "warranty-period":
            clause["version"] = 99
    bid["clauses"].append({"id": "no-such-clause", "version": 1})
    path = folders / "bad.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("BIDKIT_BID", str(path))
    at = open_app()
    errors = [e.value for e in at.error]
    assert any("“no-such-clause”不在条款库中" in e for e in errors), errors
    assert any("条款“质保期承诺”没有本投标选用的 v99（条款库现有 v2、v1）" in e for e in errors), errors
    assert not any(e.startswith("出错了") for e in errors), errors
    assert at.get("html") and len(at.get("download_button")) == 4  # preview and downloads (.docx ×2, .yaml, .xlsx) stay
    assert any("条款缺失" in e for e in errors)  # a blocking finding: the final would lack them
    final = next(d for d in at.get("download_button") if d.proto.label == "下载正式 .docx")
    assert final.proto.disabled
    at.button(key=gen_key(at, "use_version", "warranty-period")).click().run()
    assert next(c for c in at.session_state["bid"].clauses if c.id == "warranty-period").version == 2
    at.button(key=gen_key(at, "remove", "no-such-clause")).click().run()
    at.button(key="confirm:yes").click().run()
    assert not [e.value for e in at.error if "条款缺失" in e.value or "不在条款库" in e.value]


def test_a_clause_values_problems_are_worded_in_the_pages_language(folders, monkeypatch):
    """A bid file with a value above the clause's maximum, one that does not read and a parameter
    the clause does not have: blocking findings, each in the page's language, no English inside
    the Chinese page."""
    bid = yaml.safe_load((ROOT / "examples" / "demo-bid.yaml").read_text(encoding="utf-8"))
    for clause in bid["clauses"]:
        if clause["id"] == "warranty-period":
            clause["params"] = {"warranty_period": "15 year", "colour": "red"}
        if clause["id"] == "response-time":
            clause["params"] = {"response_time": "很快"}
    path = folders / "values.yaml"
    path.write_text(yaml.safe_dump(bid, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("BIDKIT_BID", str(path))
    at = open_app()
    errors = "\n".join(e.value for e in at.error)
    assert "“质保期承诺” v2：“质保期”为 15年，超过上限 120个月" in errors, errors
    assert "“colour”不是该条款的参数" in errors, errors
    assert "“报修响应时间” v1：“响应时间”的值“很快”无法读取：“很快”不是数量" in errors, errors
    for english in ("is above", "is not a parameter", "is not a quantity"):
        assert english not in errors
    at.session_state["lang"] = "en"
    at.run()
    errors = "\n".join(e.value for e in at.error)
    assert "质保期 15年 is above the maximum 120个月" in errors, errors
