"""The Chapter as HTML, for the in-app preview: the same headings, numbers and tables as the .docx."""
from __future__ import annotations

from html import escape

from bidkit.check import ILLEGAL_XML
from bidkit.compose import DRAFT_MARK, Block, Chapter, Closing, Heading, Paragraph, Table, Tracked

# Mirrors the house style: 黑体 headings, 宋体 小四 body at 1.5 lines with a two-character indent,
# 五号 tables with full grid borders. Scoped under .bidkit-chapter so it cannot leak into the app.
CSS = """
.bidkit-chapter{font-family:"SimSun","宋体","Noto Serif CJK SC","Songti SC",serif;font-size:12pt;
  line-height:1.5;color:#111;background:#fff;padding:2.54cm 3.17cm;max-width:21cm;margin:auto;
  box-shadow:0 1px 4px rgba(0,0,0,.2);position:relative}
.bidkit-chapter .running{text-align:center;white-space:pre-wrap;font-size:9pt;color:#555;
  border-bottom:1px solid #999;margin-bottom:1.5em;text-indent:0}
.bidkit-chapter .running b{color:#c00000}
.bidkit-chapter h1,.bidkit-chapter h2,.bidkit-chapter h3{font-family:"SimHei","黑体","Noto Sans CJK SC",
  sans-serif;margin:1em 0 .5em}
.bidkit-chapter h1{font-size:16pt;text-align:center}
.bidkit-chapter h2{font-size:14pt}
.bidkit-chapter h3{font-size:12pt}
.bidkit-chapter p{text-indent:2em;margin:0}
.bidkit-chapter table{border-collapse:collapse;width:100%;font-size:10.5pt;line-height:1.3;margin:.5em 0 1em}
.bidkit-chapter th,.bidkit-chapter td{border:1px solid #000;padding:3px 5px;vertical-align:top}
.bidkit-chapter th{font-weight:bold;text-align:center;background:#f2f2f2;word-break:keep-all}
.bidkit-chapter td.c{text-align:center;white-space:nowrap}
.bidkit-chapter .closing{margin-top:3em;text-align:right;text-indent:0}
.bidkit-chapter ins{background:#ccffd8;color:#055d20;text-decoration:underline}
.bidkit-chapter del{background:#ffd7d5;color:#82071e}
.bidkit-chapter .draft{position:absolute;top:40%;left:0;right:0;text-align:center;font-size:96pt;
  color:rgba(200,0,0,.12);transform:rotate(-30deg);pointer-events:none}
"""


def _text(value: str) -> str:
    return escape(ILLEGAL_XML.sub("", value))


def _heading(block: Heading) -> str:
    tag = ("h1", "h2", "h3")[min(block.level, 2)]
    return f"<{tag}>{_text(block.full)}</{tag}>"


def _table(block: Table) -> str:
    total = sum(block.widths) or 1
    cols = "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in block.widths)
    head = "".join(f"<th>{_text(h)}</th>" for h in block.header)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=c" if i in block.centred else ""}>{_text(cell)}</td>'
                         for i, cell in enumerate(row)) + "</tr>"
        for row in block.rows)
    return f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _closing(block: Closing) -> str:
    return (f'<p class="closing">投标人名称（盖章）：{_text(block.bidder)}<br>'
            f"日期：{_text(block.date)}</p>")


def _tracked(block: Tracked) -> str:
    tags = {"insert": "ins", "delete": "del"}
    pieces = []
    for op, text in block.changes:
        body = _text(text).replace("\n", "<br>")
        pieces.append(f"<{tags[op]}>{body}</{tags[op]}>" if op in tags else body)
    return f'<p class="tracked">{"".join(pieces)}</p>'


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return _heading(block)
    if isinstance(block, Paragraph):
        return f"<p>{_text(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Tracked):
        return _tracked(block)
    return _closing(block)


def render_html(chapter: Chapter) -> str:
    """A self-contained HTML fragment (with its own <style>) of the chapter."""
    # The .docx header's words: 草稿 — 项目  项目编号：…
    mark = f"<b>{DRAFT_MARK}</b> — " if chapter.draft else ""
    running = f'<div class="running">{mark}{_text(chapter.running_header)}</div>'
    draft = f'<div class="draft">{DRAFT_MARK}</div>' if chapter.draft else ""
    body = "\n".join(_block(b) for b in chapter.blocks)
    return f'<style>{CSS}</style><div class="bidkit-chapter">{draft}{running}{body}</div>'
