"""The render command and the HTML preview: same chapter, same words, blocking rules."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from bidkit import bidfile, library
from bidkit.compose import Heading, Table, compose
from bidkit.render_html import render_html
from tests.conftest import demo_bid_with_warranty, library_with_clause
from tests.test_cli import run

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-bid.yaml"


@pytest.fixture(scope="module")
def chapter():
    return compose(bidfile.read(DEMO), library.load(ROOT / "clause_library"))


def test_render_demo_bid(tmp_path):
    """The demo bid renders to a .docx whose text is the chapter."""
    out = tmp_path / "chapter.docx"
    p = run("render", str(DEMO), "-o", str(out))
    assert p.returncode == 0, p.stderr
    text = "\n".join(par.text for par in docx.Document(str(out)).paragraphs)
    assert "第六章 售后服务方案" in text and "一、服务承诺总则" in text


def test_blocking_bid_renders_only_as_draft(tmp_path):
    """Without --draft a blocking bid exits 1 naming the finding and writes nothing; --draft marks it."""
    bid = demo_bid_with_warranty(tmp_path, "2 year")
    out = tmp_path / "chapter.docx"
    p = run("render", str(bid), "-o", str(out))
    assert p.returncode == 1 and "blocked" in p.stderr and "质保期承诺" in p.stderr
    assert not out.exists()
    p = run("render", str(bid), "-o", str(out), "--draft")
    assert p.returncode == 0, p.stderr
    header = docx.Document(str(out)).sections[0].header.paragraphs[0].text
    assert "草稿" in header


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path):
    """Asking for a PDF where LibreOffice is missing says so and exits 2."""
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    p = subprocess.run([sys.executable, "-m", "bidkit", "render", str(DEMO), "-o", str(tmp_path / "c.pdf")],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert p.returncode == 2 and "LibreOffice is not installed" in p.stderr


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_pdf_through_libreoffice(tmp_path):
    """With LibreOffice, -o OUT.pdf writes a PDF."""
    out = tmp_path / "c.pdf"
    p = run("render", str(DEMO), "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_output_must_be_docx_or_pdf(tmp_path):
    """Another extension is a one-line error."""
    p = run("render", str(DEMO), "-o", str(tmp_path / "c.txt"))
    assert p.returncode == 2 and ".docx or .pdf" in p.stderr


def test_html_preview_has_the_same_headings_and_tables(chapter):
    """The preview prints every heading with its number and every table row of the chapter."""
    html = render_html(chapter)
    for block in chapter.blocks:
        if isinstance(block, Heading):
            assert block.full in html
        if isinstance(block, Table):
            assert f"<th>{block.header[0]}</th>" in html
            assert html.count("<tr>") >= len(block.rows)


def test_html_escapes_and_drops_control_characters(tmp_path):
    """Bid text is escaped, and characters XML forbids are dropped, as in the .docx."""
    bid = bidfile.read(DEMO)
    bid.project = "<b>项目</b>\x0b"
    html = render_html(compose(bid, library.load(ROOT / "clause_library")))
    assert "&lt;b&gt;项目&lt;/b&gt;" in html and "\x0b" not in html


def test_template_failing_at_render_time_names_clause_and_parameter(tmp_path):
    """A clause whose template fails when rendered is a blocking finding naming clause, version, name."""
    root = library_with_clause(tmp_path, "warranty-odd", "  years: {label: 年限, type: text, default: 三}",
                               "'{% if years > 3 %}{{ years }}年{% endif %}'")
    bid = bidfile.read(DEMO)
    from bidkit.model import ClauseChoice
    bid.clauses.append(ClauseChoice(id="warranty-odd", version=1))
    result = compose(bid, library.load(root)).check
    messages = [f.message for f in result.blocking]
    assert any(re.search(r"“整机保修” v1: cannot be rendered: .*not supported", m) for m in messages), messages


@pytest.mark.parametrize("draft", [False, True])
def test_html_preview_header_is_the_docx_header(chapter, draft):
    """The preview's running header says what the .docx header says, word for word (it split the
    project and 项目编号 apart and left out 草稿)."""
    import dataclasses
    import io

    from bidkit.render_docx import render_docx
    shown = dataclasses.replace(chapter, draft=draft)
    running = re.search(r'<div class="running">(.*?)</div>', render_html(shown)).group(1)
    docx_header = docx.Document(io.BytesIO(render_docx(shown))).sections[0].header.paragraphs[0].text
    assert re.sub(r"<[^>]+>", "", running) == docx_header
    assert docx_header.startswith("草稿 — ") == draft
