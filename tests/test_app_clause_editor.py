"""The clause editor for legal reviewers (issue 12, point 13), through AppTest: parameters as a form,
fields inserted into the text, a preview with the defaults, YAML as an expert view, and saving and
merging as before."""
from __future__ import annotations

import pytest

from bidkit import library
from bidkit.model import NewVersion, ParamSpec
import test_app_review as review

lib_root = review.lib_root  # the library page's fixture: a copy of the shipped library
library_page, save_button = review.library_page, review.save_button

P = "edit:response-time"


def field(row: int, name: str) -> str:
    return f"{P}:p:{row}:{name}"


def preview(at) -> str:
    return " ".join(str(h.proto.body) for h in at.get("html") if "clause-preview" in str(h.proto.body))


def test_add_a_parameter_insert_it_and_save(lib_root):
    """A reviewer adds 到场时间 with the form, inserts its field, sees its default in the preview
    and saves the next version with that parameter."""
    at = library_page("response-time")
    latest = library.load(lib_root).clause("response-time").latest()
    at.button(key=f"{P}:add").click().run()
    at.text_input(key=field(1, "label")).set_value("到场时间")
    at.text_input(key=field(1, "name")).set_value("arrival")
    at.number_input(key=field(1, "default_n")).set_value(4)
    at.selectbox(key=field(1, "default_unit")).set_value("hour")
    at.number_input(key=field(1, "max_n")).set_value(8)
    at.selectbox(key=field(1, "max_unit")).set_value("hour")
    at.selectbox(key=field(1, "metric")).set_value("onsite_arrival").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("{{ arrival }} = 到场时间" in c.value for c in at.caption)
    assert at.selectbox(key=field(1, "metric")).format_func("onsite_arrival") == "到达现场时间"
    at.selectbox(key=f"{P}:insert_field").set_value("arrival")
    at.button(key=f"{P}:insert").click().run()
    assert at.text_area(key=f"{P}:text").value == latest.text + "{{ arrival }}"
    assert '<mark class="clause-field">4小时</mark>' in preview(at)
    assert "arrival:\n  label: 到场时间\n  type: duration\n  default: 4 hour\n  max: 8 hour\n" \
           "  metric: onsite_arrival\n" in at.text_area(key=f"{P}:params").value
    at.text_input(key=f"{P}:note").set_value("增加到场时间").run()
    save_button(at, "response-time").click().run()
    saved = library.load(lib_root).clause("response-time").latest()
    assert saved.version == latest.version + 1 and saved.text == latest.text + "{{ arrival }}"
    assert saved.params["arrival"] == ParamSpec(label="到场时间", type="duration", default="4 hour", max="8 hour",
                                                metric="onsite_arrival")
    assert saved.params["response_time"] == latest.params["response_time"]


def test_a_default_above_its_maximum_is_shown_and_blocks_saving(lib_root):
    at = library_page("response-time")
    at.number_input(key=field(0, "default_n")).set_value(5)
    at.selectbox(key=field(0, "default_unit")).set_value("hour")
    at.text_input(key=f"{P}:note").set_value("x").run()
    assert any(e.value == "参数“响应时间”：默认值 5小时 高于上限 2小时" for e in at.error), [e.value for e in at.error]
    assert any("参数表中有 1 处问题" in w.value for w in at.warning)
    assert save_button(at, "response-time").disabled
    at.number_input(key=field(0, "default_n")).set_value(1).run()
    assert not at.error and not save_button(at, "response-time").disabled


def test_removing_a_used_parameter_names_the_field_left_in_the_text(lib_root):
    at = library_page("response-time")
    at.button(key=field(0, "remove")).click().run()
    at.text_input(key=f"{P}:note").set_value("x").run()
    assert any("response_time" in e.value for e in at.error)
    assert save_button(at, "response-time").disabled


def test_the_yaml_view_follows_the_form_and_replaces_it_when_applied(lib_root):
    at = library_page("response-time")
    at.text_input(key=field(0, "label")).set_value("报修响应时间").run()
    yaml_view = at.text_area(key=f"{P}:params").value
    assert "label: 报修响应时间" in yaml_view
    # an edit not applied keeps the form, and the save waits for it
    at.text_area(key=f"{P}:params").set_value(yaml_view.replace("default: 30 minute", "default: 1 hour"))
    at.text_input(key=f"{P}:note").set_value("改为一小时").run()
    assert any("有未应用的修改" in e.value for e in at.error)
    assert save_button(at, "response-time").disabled
    at.button(key=f"{P}:yaml_apply").click().run()
    assert at.number_input(key=field(1, "default_n")).value == 1
    assert at.selectbox(key=field(1, "default_unit")).value == "hour"
    assert at.text_input(key=field(1, "label")).value == "报修响应时间"
    assert '<mark class="clause-field">1小时</mark>' in preview(at)
    save_button(at, "response-time").click().run()
    saved = library.load(lib_root).clause("response-time").latest()
    assert (saved.params["response_time"].label, saved.params["response_time"].default) == ("报修响应时间", "1 hour")


@pytest.mark.parametrize("text,shown", [
    ("a: [", "参数 YAML 第"),
    ("a: &x [*x]", "别名"),
    ("response_time: {label: 甲, type: duration, colour: red}", "colour"),
])
def test_yaml_that_cannot_be_applied_leaves_the_form(lib_root, text, shown):
    at = library_page("response-time")
    at.text_area(key=f"{P}:params").set_value(text).run()
    at.button(key=f"{P}:yaml_apply").click().run()
    assert not at.exception
    assert any(shown in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_input(key=field(0, "label")).value == "响应时间"
    at.button(key=f"{P}:yaml_discard").click().run()
    assert "label: 响应时间" in at.text_area(key=f"{P}:params").value and not at.error


def their_version(lib_root, **changes) -> None:
    latest = library.load(lib_root).clause("response-time").latest()
    fields = {"title": latest.title, "params": latest.params, "text": latest.text, **changes}
    library.new_version(lib_root, NewVersion(id="response-time", category=latest.category, based_on=latest.version,
                                             **fields), author="李明", note="对方")


def test_redo_on_top_merges_their_text_with_my_parameters(lib_root):
    at = library_page("response-time")
    latest = library.load(lib_root).clause("response-time").latest()
    at.number_input(key=field(0, "default_n")).set_value(20)
    at.text_input(key=f"{P}:note").set_value("二十分钟").run()
    their_version(lib_root, text="对方的开头。" + latest.text)
    save_button(at, "response-time").click().run()
    at.button(key=f"{P}:rebase").click().run()
    assert at.text_area(key=f"{P}:text").value == "对方的开头。" + latest.text
    assert at.number_input(key=field(1, "default_n")).value == 20
    save_button(at, "response-time").click().run()
    saved = library.load(lib_root).clause("response-time").versions[3]
    assert saved.params["response_time"].default == "20 minute" and saved.text.startswith("对方的开头。")


def test_both_changed_a_parameter_the_yaml_view_holds_the_markers(lib_root):
    at = library_page("response-time")
    latest = library.load(lib_root).clause("response-time").latest()
    at.number_input(key=field(0, "default_n")).set_value(20)
    at.text_input(key=f"{P}:note").set_value("二十分钟").run()
    theirs = latest.params["response_time"].model_copy(update={"default": "15 minute"})
    their_version(lib_root, params={"response_time": theirs})
    save_button(at, "response-time").click().run()
    at.button(key=f"{P}:rebase").click().run()
    merged = at.text_area(key=f"{P}:params").value
    assert "<<<<<<< 我的修改" in merged and "default: 20 minute" in merged and "default: 15 minute" in merged
    assert any("参数 YAML中还有未解决的冲突标记" in e.value for e in at.error)
    assert save_button(at, "response-time").disabled
    at.button(key=f"{P}:yaml_apply").click().run()  # refused while markers stand
    assert any("冲突标记" in e.value for e in at.error)
    resolved = "\n".join(line for line in merged.splitlines()
                         if not line.startswith(("<<<<<<<", "=======", ">>>>>>>")) and "20 minute" not in line)
    at.text_area(key=f"{P}:params").set_value(resolved + "\n").run()
    at.button(key=f"{P}:yaml_apply").click().run()
    save_button(at, "response-time").click().run()
    assert library.load(lib_root).clause("response-time").versions[3].params["response_time"].default == "15 minute"


def test_review_history_shows_dates_in_chinese(lib_root):
    at = library_page("complaint-handling")
    created = [row for df in at.dataframe for row in df.value.get("日期", [])] if at.dataframe else []
    assert created and all("年" in c and "月" in c and "-" not in c for c in created), created


def test_edits_survive_a_visit_to_another_clause(lib_root):
    """Streamlit forgets a widget the page stops drawing: the title, text, note and the expert view
    typed into one clause are still there after the reviewer looks at another and comes back."""
    at = library_page("response-time")
    at.text_input(key=f"{P}:title").set_value("报修响应时间（改）")
    at.text_area(key=f"{P}:text").set_value("接到报修后{{ response_time }}内响应。")
    at.text_input(key=f"{P}:note").set_value("改写正文").run()
    yaml_view = at.text_area(key=f"{P}:params").value
    at.selectbox(key="library:pick").set_value("warranty-period").run()
    at.selectbox(key="library:pick").set_value("response-time").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key=f"{P}:title").value == "报修响应时间（改）"
    assert at.text_area(key=f"{P}:text").value == "接到报修后{{ response_time }}内响应。"
    assert at.text_input(key=f"{P}:note").value == "改写正文"
    assert at.text_area(key=f"{P}:params").value == yaml_view
    assert not save_button(at, "response-time").disabled
    save_button(at, "response-time").click().run()
    saved = library.load(lib_root).clause("response-time").latest()
    assert (saved.title, saved.text, saved.note) == ("报修响应时间（改）", "接到报修后{{ response_time }}内响应。", "改写正文")


def test_the_preview_splits_paragraphs_as_the_chapter_does():
    """A blank line holding spaces ends a paragraph in the .docx (ResolvedClause.paragraphs), so
    it does in the editor's preview too."""
    from ui.param_form import preview_html

    assert preview_html("甲段。\n   \n乙段。\n\n丙段。", {}).count("<p>") == 3
