"""The same chapter rendered by docxtpl, the usual way to fill a Word template, as a yardstick.

The template is built from our house style with docxtpl's paragraph and row loops ({%p %}, {%tr %}),
holding the same sections, clause paragraphs and four tables as our renderer writes.
"""
from __future__ import annotations

import io
from pathlib import Path

import docx
from docxtpl import DocxTemplate

from bidkit import docx_xml
from bidkit.compose import Chapter, Heading, Paragraph, Table
from bidkit.render_docx import DEFAULT_HOUSE_STYLE

def build_template(path: Path, chapter: Chapter) -> Path:
    doc = docx.Document(str(DEFAULT_HOUSE_STYLE))
    docx_xml.clear_body(doc)
    doc.add_paragraph("{{ title }}", style="Chapter Title")
    doc.add_paragraph("{%p for s in sections %}", style="Body Text")
    doc.add_paragraph("{{ s.heading }}", style="Heading 1")
    doc.add_paragraph("{%p for c in s.clauses %}", style="Body Text")
    doc.add_paragraph("{{ c.heading }}", style="Heading 2")
    doc.add_paragraph("{%p for p in c.paragraphs %}", style="Body Text")
    doc.add_paragraph("{{ p }}", style="Body Text")
    doc.add_paragraph("{%p endfor %}", style="Body Text")
    doc.add_paragraph("{%p endfor %}", style="Body Text")
    doc.add_paragraph("{%p endfor %}", style="Body Text")
    for index, table in enumerate(t for t in chapter.blocks if isinstance(t, Table)):
        doc.add_paragraph(table.title, style="Heading 1")
        grid = doc.add_table(rows=4, cols=len(table.header), style="Table Grid")
        for cell, text in zip(grid.rows[0].cells, table.header):
            cell.text = text
        grid.rows[1].cells[0].text = f"{{%tr for row in tables[{index}] %}}"
        for col, cell in enumerate(grid.rows[2].cells):
            cell.text = f"{{{{ row[{col}] }}}}"
        grid.rows[3].cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("投标人名称（盖章）：{{ bidder }}", style="Closing")
    doc.save(str(path))
    return path


def context(chapter: Chapter) -> dict:
    sections, tables = [], []
    for block in chapter.blocks:
        if isinstance(block, Heading) and block.level == 1:
            sections.append({"heading": block.full, "clauses": []})
        elif isinstance(block, Heading) and block.level == 2:
            sections[-1]["clauses"].append({"heading": block.full, "paragraphs": []})
        elif isinstance(block, Paragraph):
            sections[-1]["clauses"][-1]["paragraphs"].append(block.text)
        elif isinstance(block, Table):
            tables.append([list(r) for r in block.rows])
    sections = [s for s in sections if s["clauses"]]
    return {"title": chapter.title, "sections": sections, "tables": tables, "bidder": "投标人"}


def render(template: Path, data: dict) -> bytes:
    tpl = DocxTemplate(str(template))
    tpl.render(data)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()
