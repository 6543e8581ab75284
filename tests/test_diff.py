"""Diffs of clause versions: Chinese text character by character, parameters in plain words, redline."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest

from bidkit.diff import diff_versions, param_changes, redline_chapter, text_changes
from bidkit.model import ClauseVersion, ParamSpec
from bidkit.render_docx import render_docx
from bidkit.render_html import render_html
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent


def version(n: int, text: str, **params) -> ClauseVersion:
    return ClauseVersion(id="warranty-period", version=n, category="warranty", title="质保期承诺", author="李明",
                         created=datetime(2026, 11, n, tzinfo=timezone.utc), note=f"第{n}版", text=text,
                         params={k: ParamSpec(**v) for k, v in params.items()})


def test_cjk_text_diff_is_by_character():
    """One changed phrase inside a sentence without spaces is one deletion and one insertion."""
    changes = text_changes("质保期自到货之日起计算。", "质保期自验收合格之日起计算。")
    ops = [(c.op, c.text) for c in changes]
    assert ("equal", "质保期自") in ops
    assert ("delete", "到货") in ops and ("insert", "验收合格") in ops
    assert "".join(c.text for c in changes if c.op != "insert") == "质保期自到货之日起计算。"
    assert "".join(c.text for c in changes if c.op != "delete") == "质保期自验收合格之日起计算。"


@pytest.mark.parametrize("old,new,expected", [
    ({"p": {"label": "质保期", "type": "duration", "default": "24 month"}},
     {"p": {"label": "质保期", "type": "duration", "default": "36 month"}}, "质保期 默认值：24个月 → 36个月"),
    ({"p": {"label": "质保期", "type": "duration", "default": "3 year", "min": "12 month"}},
     {"p": {"label": "质保期", "type": "duration", "default": "3 year"}}, "质保期 下限：删除（原为 12个月）"),
    ({"p": {"label": "起算", "type": "choice", "choices": ["到货之日"], "default": "到货之日"}},
     {"p": {"label": "起算", "type": "choice", "choices": ["到货之日", "验收合格之日"], "default": "到货之日"}},
     "起算 选项：新增选项 验收合格之日"),
    ({}, {"cap": {"label": "违约金上限", "type": "text", "default": "百分之十"}}, "参数“违约金上限”（cap）新增"),
    ({"cap": {"label": "违约金上限", "type": "text"}}, {}, "参数“违约金上限”（cap）删除"),
])
def test_parameter_changes_in_plain_words(old, new, expected):
    """Defaults, bounds, choices, added and removed parameters read as a reviewer would say them."""
    messages = [c.message for c in param_changes({k: ParamSpec(**v) for k, v in old.items()},
                                                 {k: ParamSpec(**v) for k, v in new.items()})]
    assert any(expected in m for m in messages), messages


def test_same_quantity_in_other_units_is_no_change():
    """36 month and 3 year are the same default."""
    assert param_changes({"p": ParamSpec(label="质保期", type="duration", default="36 month")},
                         {"p": ParamSpec(label="质保期", type="duration", default="3 year")}) == []


def test_html_is_side_by_side_and_escaped():
    """Deletions on the left, insertions on the right, user text escaped."""
    d = diff_versions(version(1, "我公司<承诺>到货之日起计算。"), version(2, "我公司<承诺>验收合格之日起计算。"))
    html = d.to_html()
    assert "<del>到货</del>" in html and "<ins>验收合格</ins>" in html
    assert "&lt;承诺&gt;" in html and "<承诺>" not in html
    # the page shows the clause by its title, never its id
    assert f"“{d.new.title}” v1 → v2" in html and d.clause_id not in html


def test_redline_has_tracked_changes():
    """The redline .docx carries w:ins and w:del with the author, and reads as the new text."""
    d = diff_versions(version(1, "质保期自到货之日起计算。"), version(2, "质保期自验收合格之日起计算。"))
    data = render_docx(redline_chapter(d))
    document = docx.Document(io.BytesIO(data))
    xml = document.element.xml
    assert "<w:ins " in xml and "<w:del " in xml and 'w:author="李明"' in xml
    assert "<w:delText xml:space=\"preserve\">到货</w:delText>" in xml
    assert "验收合格" in render_html(redline_chapter(d))


def test_cli_diff_formats(tmp_path):
    """diff prints text, JSON and HTML, and writes a redline on request."""
    p = run("diff", "warranty-period", "1", "2")
    assert p.returncode == 0 and "{+" in p.stdout and "[-" in p.stdout
    p = run("diff", "complaint-handling", "1", "2", "--format", "json")
    import json
    data = json.loads(p.stdout)
    assert data["from"] == 1 and data["to"] == 2
    assert any("5个工作日" in c["message"] for c in data["params"])
    out = tmp_path / "r.docx"
    p = run("diff", "warranty-period", "1", "2", "--format", "html", "--redline", str(out))
    assert p.returncode == 0 and "<ins>" in p.stdout and out.exists()
    p = run("diff", "warranty-period", "1", "7")
    assert p.returncode == 2 and "has no version 7" in p.stderr
