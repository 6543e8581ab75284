"""Tender text, .docx or .pdf -> the after-sales requirements a bid must answer.

The pipeline, one module a step:

1. read (`read`, `read_docx`, `read_pdf`, `blocks`): a file becomes blocks (lines, headings,
   table rows) in document order;
2. normalise (`normalise`): full-width ，：（ become ASCII, one character for one, so that
   offsets in the normalised text quote the source exactly;
3. outline (`outline`, `walk`): `extract_blocks` walks the blocks keeping the outline (numbered
   headings and items), so that every requirement knows where it stands (`ref`) and whether a
   ★ or "否则按无效投标处理" above or beside it makes it mandatory (`marks`);
4. vocabulary (`vocabulary`): the keyword families of each metric and the units they accept;
5. clauses into requirements (`clauses`, `sentences`, `quantities`, `present`, `scoring`):
   inside a block the text is cut into sentences (。；) and clauses (，：), each quantity is
   tied to the metric keyword that governs it ("2小时内到达现场", "质保期不少于3年"), the
   operator is read from the words around it (不少于 / 以内 / a flat statement in the buyer's
   favour);
6. merge (`merge`): the same requirement stated twice is merged.

Step 5 is most of the work, and each distinct block's analysis depends only on its text and
what the outline says of it: the walk notes each block's analysis and where it stands, a
companion process makes the analyses alongside the walk on a long tender (`analyses`,
`bidkit.workers.Companion`), and a replay then places and merges what each block yielded.

The rules are written from DOMAIN.md's conventions and generalise by keyword families, never
by sentence; the sample passages in tests/extract_passages check them.
"""
from __future__ import annotations

from bidkit.native import enable

enable(__path__, __name__)  # before the modules below are imported: see native.py

from bidkit.extract.blocks import Block, table_blocks, text_blocks
from bidkit.extract.score_rules import extract_scoring
from bidkit.extract.read import MAX_FILE_BYTES, MAX_TEXT_BYTES, SUFFIXES, TEXT_SUFFIXES, read_tender
from bidkit.extract.walk import extract_blocks, extract_file, extract_text, requirements_json

__all__ = [
    "Block", "read_tender", "text_blocks", "table_blocks", "extract_text", "extract_file",
    "extract_blocks", "requirements_json", "extract_scoring", "SUFFIXES", "TEXT_SUFFIXES", "MAX_TEXT_BYTES",
    "MAX_FILE_BYTES",
]
