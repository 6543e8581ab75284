"""Every raw-XML workaround bidkit needs in a .docx, in one place.

python-docx (1.2) covers paragraphs, runs, styles, tables, sections and core properties, but a
Chinese bid needs a few things its public API does not reach. Each function below says which
gap it fills and cites the upstream issue, so it can be dropped the day python-docx covers it.
The renderer (`bidkit.render_docx`) and the house-style builder (`templates/build_house_style.py`)
call these helpers and never touch `qn(...)` or OxmlElement themselves.
"""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape
import zipfile
from typing import Iterable

from docx.document import Document
from docx.oxml import OxmlElement, parse_xml
from docx.styles import BabelFish
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

# Characters XML 1.0 forbids (lxml raises ValueError on them): C0 controls except tab, LF, CR;
# lone surrogates; and the two non-characters U+FFFE, U+FFFF.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Schema order of the children we insert (ECMA-376 Part 1, CT_PPr / CT_RPr / CT_TrPr / CT_Settings).
_PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                   "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                   "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                   "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                   "w:rPr", "w:sectPr", "w:pPrChange")
_PPR_AFTER_CONTEXTUAL = _PPR_AFTER_PBDR[_PPR_AFTER_PBDR.index("w:mirrorIndents"):]
_RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")
_TBLPR_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                     "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TBLPR_AFTER_BORDERS = _TBLPR_AFTER_TBLW[_TBLPR_AFTER_TBLW.index("w:shd"):]
_SETTINGS_AFTER_UPDATE_FIELDS = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
                                 "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
                                 "w:themeFontLang", "w:clrSchemeMapping",
                                 "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
                                 "w:forceUpgrade", "w:captions", "w:readModeInkLockDown",
                                 "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
                                 "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
_SETTINGS_AFTER_THEME_FONT_LANG = _SETTINGS_AFTER_UPDATE_FIELDS[
    _SETTINGS_AFTER_UPDATE_FIELDS.index("w:clrSchemeMapping"):]
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_BORDER_EDGES = ("top", "left", "bottom", "right", "insideH", "insideV")


def style_ids(document: Document) -> dict[str, str]:
    """Style name -> styleId for every style of the document, read once.

    python-docx resolves a style name on every `paragraph.style = name` by scanning all styles
    (and their defaults) again; a chapter with hundreds of table cells spent most of its render
    time there. Reading the ids once and writing w:pStyle directly is the same XML, much faster.
    """
    ids = {}
    for style in document.styles.element.findall(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None:
            # python-docx shows built-in styles by their UI names ("heading 1" is "Heading 1")
            ids[BabelFish.internal2ui(name.get(qn("w:val")))] = style.get(qn("w:styleId"))
    return ids


def _append_to_body(document: Document, element: BaseOxmlElement) -> None:
    body = document.element.body
    if body.sectPr is not None:
        body.sectPr.addprevious(element)
    else:
        body.append(element)


def append_paragraph(document: Document, text: str, style_id: str) -> Paragraph:
    """Append a paragraph in a style (by id, see style_ids) to the body.

    python-docx's add_paragraph looks the style up by name and inserts through generic code that
    scans the body each time, which made long chapters slow; this writes the same XML directly.
    """
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    p = parse_xml(f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{run}</w:p>')
    _append_to_body(document, p)
    return Paragraph(p, document._body)


def _tracked_paragraphs(changes: Iterable[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """Split (op, text) pieces into paragraphs at line breaks, keeping each piece's op."""
    paragraphs: list[list[tuple[str, str]]] = [[]]
    for op, text in changes:
        for n, line in enumerate(text.split("\n")):
            if n:
                paragraphs.append([])
            if line:
                paragraphs[-1].append((op, line))
    return [p for p in paragraphs if p]


def append_tracked_paragraphs(document: Document, changes: Iterable[tuple[str, str]], style_id: str,
                              author: str, date: str) -> None:
    """Append text as Word tracked changes: insertions in w:ins, deletions in w:del/w:delText.

    python-docx has no revision API at all (#340); a reviewer opening the file in Word sees the
    change as if it had been typed with Track Changes on, and can accept or reject each piece.
    A line break inside a change starts a new paragraph.
    """
    revision = 0
    who = f'w:author="{escape(author, {chr(34): "&quot;"})}" w:date="{escape(date)}"'
    for pieces in _tracked_paragraphs(changes):
        runs = []
        for op, text in pieces:
            if op == "equal":
                runs.append(f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>')
                continue
            revision += 1
            if op == "insert":
                runs.append(f'<w:ins w:id="{revision}" {who}><w:r><w:t xml:space="preserve">'
                            f"{escape(text)}</w:t></w:r></w:ins>")
            else:
                runs.append(f'<w:del w:id="{revision}" {who}><w:r><w:delText xml:space="preserve">'
                            f"{escape(text)}</w:delText></w:r></w:del>")
        _append_to_body(document, parse_xml(
            f'<w:p {nsdecls("w")}><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{"".join(runs)}</w:p>'))


def strip_illegal_xml_chars(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (\\x00-\\x08, \\x0b, \\x0c, \\x0e-\\x1f...).

    python-docx hands strings to lxml, which raises ValueError on them ("All strings must be XML
    compatible"); a form feed pasted from a PDF must not crash a render, so they are dropped.
    """
    return _ILLEGAL_XML.sub("", text)


def _child(parent: BaseOxmlElement, tag: str, successors: Iterable[str] = ()) -> BaseOxmlElement:
    """The `tag` child of `parent`, created in schema order (before `successors`) if absent."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        after = next((c for c in parent if c.tag in {qn(t) for t in successors}), None)
        if after is not None:
            after.addprevious(found)
        else:
            parent.append(found)
    return found


# ---------------------------------------------------------------------------------------------
# Fonts and language


def _set_fonts(rPr: BaseOxmlElement, east_asian: str, latin: str | None) -> None:
    rFonts = rPr.get_or_add_rFonts()
    latin = latin or east_asian
    for attr in _THEME_FONT_ATTRS:
        rFonts.attrib.pop(qn(attr), None)
    rFonts.set(qn("w:ascii"), latin)
    rFonts.set(qn("w:hAnsi"), latin)
    rFonts.set(qn("w:cs"), latin)
    rFonts.set(qn("w:eastAsia"), east_asian)


def set_east_asian_font(target, east_asian: str, latin: str | None = None) -> None:
    """Name the font of Chinese text (w:eastAsia) and of Latin text, on a style or a run.

    `Font.name` in python-docx sets only w:ascii and w:hAnsi, so Chinese characters keep the
    template's theme font; and Word prefers w:eastAsiaTheme over w:eastAsia when both are
    present. Upstream: python-docx #346, #154, #1139, #1396. `target` is a style or a run.
    """
    element = target.element if hasattr(target, "style_id") else target._r
    _set_fonts(element.get_or_add_rPr(), east_asian, latin)


def east_asian_font(style) -> str | None:
    """The w:eastAsia font a style resolves to, following its base styles (None if unnamed).

    python-docx's `Font.name` reads w:ascii only, never the East Asian font (#346).
    """
    while style is not None:
        rPr = style.element.rPr
        rFonts = rPr.rFonts if rPr is not None else None
        if rFonts is not None and rFonts.get(qn("w:eastAsia")):
            return rFonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def _doc_defaults_rpr(document: Document) -> BaseOxmlElement:
    styles = document.styles.element
    defaults = _child(styles, "w:docDefaults", ("w:latentStyles", "w:style"))
    rpr_default = _child(defaults, "w:rPrDefault", ("w:pPrDefault",))
    return _child(rpr_default, "w:rPr")


def set_default_fonts(document: Document, east_asian: str, latin: str | None = None) -> None:
    """The document-wide default fonts (w:docDefaults), with w:eastAsia and no theme fonts.

    python-docx exposes no docDefaults at all; its default template points them at theme fonts
    (w:eastAsiaTheme="minorEastAsia"), which Word resolves to a Japanese font. Upstream #346.
    """
    _set_fonts(_doc_defaults_rpr(document), east_asian, latin)


def drop_theme_fonts(document: Document, east_asian: str) -> None:
    """Remove theme-font references from every style, and give every style that names a Latin
    font only (the default template's "macro" style: Courier) the East Asian font `east_asian`.

    The default template's unused styles (Heading 3-9, Title, their linked character styles)
    name theme fonts; Word shows Calibri Light / a Japanese font for them if someone applies
    one. Upstream #346, #1396 (theme fonts win over named ones).
    """
    for rFonts in document.styles.element.iter(qn("w:rFonts")):
        for attr in _THEME_FONT_ATTRS:
            rFonts.attrib.pop(qn(attr), None)
        if (rFonts.get(qn("w:ascii")) or rFonts.get(qn("w:hAnsi"))) and not rFonts.get(qn("w:eastAsia")):
            rFonts.set(qn("w:eastAsia"), east_asian)


def set_east_asian_language(document: Document, language: str = "zh-CN") -> None:
    """Mark East Asian text as `language` in docDefaults and in settings' w:themeFontLang.

    Word and LibreOffice use it to pick Simplified Chinese glyph forms and line-breaking rules
    (no 。 at the start of a line); python-docx has no API for w:lang (#700, #727) or for settings.
    """
    rPr = _doc_defaults_rpr(document)
    lang = _child(rPr, "w:lang", _RPR_AFTER_LANG)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), language)
    settings = document.settings.element
    theme_lang = _child(settings, "w:themeFontLang", _SETTINGS_AFTER_THEME_FONT_LANG)
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), language)


# ---------------------------------------------------------------------------------------------
# Paragraph formatting


def first_line_chars(style, chars: float = 2) -> None:
    """First-line indent in characters (w:ind/@w:firstLineChars, hundredths of a character).

    python-docx only offers `first_line_indent` as a length (#685). Word uses the character
    count when present, so the indent stays two characters whatever the font size; keep a
    `first_line_indent` length too as the fallback for readers that ignore the attribute.
    """
    pPr = style.element.get_or_add_pPr()
    pPr.get_or_add_ind().set(qn("w:firstLineChars"), str(round(chars * 100)))


def contextual_spacing(style) -> None:
    """Ignore space before/after between paragraphs of the same style (w:contextualSpacing).

    Lets the Closing lines share one "space above" without a gap between them; python-docx has
    no API for it (ParagraphFormat covers spacing but not this flag).
    """
    pPr = style.element.get_or_add_pPr()
    _child(pPr, "w:contextualSpacing", _PPR_AFTER_CONTEXTUAL)


def bottom_border(style, size_eighths: int = 6, space: int = 1) -> None:
    """A rule under every paragraph of `style` (w:pBdr/w:bottom), the usual line under a header.

    python-docx has no paragraph-border API (#105).
    """
    pPr = style.element.get_or_add_pPr()
    pBdr = _child(pPr, "w:pBdr", _PPR_AFTER_PBDR)
    bottom = _child(pBdr, "w:bottom", ("w:between", "w:bar"))
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), str(size_eighths))
    bottom.set(qn("w:space"), str(space))
    bottom.set(qn("w:color"), "auto")


# ---------------------------------------------------------------------------------------------
# Fields


def _fld_char_run(kind: str, dirty: bool = False) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    if dirty:
        char.set(qn("w:dirty"), "true")
    run.append(char)
    return run


def _instr_run(instruction: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {strip_illegal_xml_chars(instruction).strip()} "
    run.append(instr)
    return run


def _text_run(text: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    run.text = strip_illegal_xml_chars(text)  # CT_R.text turns \t and \n into w:tab / w:br
    return run


def _field_runs(instruction: str, result: str | None, dirty: bool = False) -> list[BaseOxmlElement]:
    runs = [_fld_char_run("begin", dirty), _instr_run(instruction), _fld_char_run("separate")]
    if result is not None:
        runs += [_text_run(result), _fld_char_run("end")]
    return runs


def add_field(paragraph: Paragraph, instruction: str, result: str = "", dirty: bool = False) -> None:
    """Append a complex field (PAGE, NUMPAGES ...) with its cached `result` to `paragraph`.

    python-docx has no field API (#36, #1297). A field is a run sequence: fldChar begin,
    instrText, fldChar separate, the cached result, fldChar end, each piece in its own w:r (the
    one-run snippet in #498 is not valid). `dirty` asks Word to recompute it on open.
    """
    for run in _field_runs(instruction, result, dirty):
        paragraph._p.append(run)


def begin_field(paragraph: Paragraph, instruction: str, dirty: bool = False) -> None:
    """Open a field whose cached result spans several paragraphs (a TOC); close with end_field."""
    for run in _field_runs(instruction, None, dirty):
        paragraph._p.append(run)


def end_field(paragraph: Paragraph) -> None:
    paragraph._p.append(_fld_char_run("end"))


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Put the whole paragraph in a bookmark (w:bookmarkStart/End), the target of a TOC entry.

    python-docx has no bookmark API (#109). Names starting with "_Toc" are hidden in Word's
    bookmark list, as Word's own TOC bookmarks are.
    """
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    pPr = paragraph._p.pPr
    if pPr is not None:
        pPr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    paragraph._p.append(end)


def add_toc_entry(paragraph: Paragraph, text: str, anchor: str, page: str = "") -> None:
    """One line of a table of contents as Word writes it: a link to the heading's bookmark, a
    tab (the dotted leader of the "toc N" style) and a PAGEREF field for its page number.

    python-docx has no hyperlink-to-bookmark (#846) or field API (#36, #1297). Word rebuilds
    these lines when it updates the TOC; LibreOffice computes PAGEREF itself, so the page
    numbers are right in its PDF without any update.
    """
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    link.append(_text_run(text))
    tab = OxmlElement("w:r")
    tab.append(OxmlElement("w:tab"))
    link.append(tab)
    for run in _field_runs(f"PAGEREF {anchor} \\h", page):
        link.append(run)
    paragraph._p.append(link)


def field_instructions(element: BaseOxmlElement) -> list[str]:
    """The instruction text of every complex field under `element` (for tests and checks)."""
    return [t.text.strip() for t in element.iter(qn("w:instrText")) if t.text]


def update_fields_on_open(document: Document) -> None:
    """Ask Word to refresh all fields (the TOC) when it opens the file: w:updateFields.

    python-docx has no settings API for it (#36, #1297). Word then asks "update the fields in
    this document?"; LibreOffice refreshes page fields on its own.
    """
    settings = document.settings.element
    update = _child(settings, "w:updateFields", _SETTINGS_AFTER_UPDATE_FIELDS)
    update.set(qn("w:val"), "true")


# ---------------------------------------------------------------------------------------------
# Tables


def _border_set(parent: BaseOxmlElement, edges: Iterable[str], size_eighths: int) -> None:
    for edge in edges:
        border = _child(parent, f"w:{edge}")
        border.set(qn("w:val"), "single")
        border.set(qn("w:sz"), str(size_eighths))
        border.set(qn("w:space"), "0")
        border.set(qn("w:color"), "auto")


def set_table_borders(table_or_style, size_eighths: int = 4) -> None:
    """Full grid borders (w:tblBorders: outer edges and inside lines) on a table or table style.

    python-docx has no border API (#145). A table style alone is not enough: a house style edited
    in Word may have lost its borders, and a bid table without them looks unfinished, so the
    renderer writes them on every table as well.
    """
    element = table_or_style._tbl if isinstance(table_or_style, Table) else table_or_style.element
    tblPr = element.tblPr if isinstance(table_or_style, Table) else _child(element, "w:tblPr", (
        "w:trPr", "w:tcPr", "w:tblStylePr"))
    old = tblPr.find(qn("w:tblBorders"))
    if old is not None:
        tblPr.remove(old)
    borders = _child(tblPr, "w:tblBorders", _TBLPR_AFTER_BORDERS)
    _border_set(borders, _BORDER_EDGES, size_eighths)


def _cell_xml(text: str, width: int, style_id: str, centred: bool) -> str:
    jc = '<w:jc w:val="center"/>' if centred else ""
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{jc}</w:pPr><w:r>{runs}</w:r></w:p></w:tc>')


def append_table(document: Document, rows: list[list[str]], widths: list[int], table_style: str,
                 header_style: str, text_style: str, centred: set[int], size_eighths: int = 4) -> None:
    """Append a whole table (first row the header) to the body, written as one piece of XML.

    Building it cell by cell through python-docx costs tens of milliseconds per table (every cell
    and property goes through its generic child-insertion code); one parse is a hundred times
    faster. The table carries what python-docx has no API for: full grid borders (#145), a fixed
    layout and width (#1030), the header row repeated on every page (#322) and rows that never
    split across pages (#245). Header cells and centred columns are centred.
    """
    edges = "".join(f'<w:{e} w:val="single" w:sz="{size_eighths}" w:space="0" w:color="auto"/>'
                    for e in _BORDER_EDGES)
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{table_style}"/>'
             f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
             f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>']
    parts += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    parts.append("</w:tblGrid>")
    for index, row in enumerate(rows):
        header = index == 0
        parts.append(f'<w:tr><w:trPr><w:cantSplit/>{"<w:tblHeader/>" if header else ""}</w:trPr>')
        parts += [_cell_xml(text, widths[col], header_style if header else text_style,
                            header or col in centred) for col, text in enumerate(row)]
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    _append_to_body(document, parse_xml("".join(parts)))


def row_flags(row: _Row) -> set[str]:
    """Names of the on/off row properties set on `row` ('tblHeader', 'cantSplit'), for checks."""
    trPr = row._tr.trPr
    if trPr is None:
        return set()
    return {child.tag.split("}")[1] for child in trPr
            if child.get(qn("w:val")) not in ("0", "false", "off")}


def table_borders(table: Table) -> dict[str, str]:
    """edge -> border type of the table's own w:tblBorders (empty if it has none), for checks."""
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    if borders is None:
        return {}
    return {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}


# ---------------------------------------------------------------------------------------------
# Header watermark

_WATERMARK = """<w:r {ns}><w:rPr><w:noProof/></w:rPr><w:pict>
<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
 path="m@7,l@8m@5,21600l@6,21600e">
<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>
<v:f eqn="sum @6 0 @5"/></v:formulas>
<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
 o:connectangles="270,180,90,0"/>
<v:textpath on="t" fitshape="t"/>
<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
<o:lock v:ext="edit" text="t" shapetype="t"/>
</v:shapetype>
<v:shape id="PowerPlusWaterMarkObject{n}" o:spid="_x0000_s{spid}" type="#_x0000_t136"
 style="position:absolute;margin-left:0;margin-top:0;width:{width}pt;height:{height}pt;rotation:315;z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
 o:allowincell="f" fillcolor="{color}" stroked="f">
<v:fill opacity=".5"/>
<v:textpath style="font-family:&quot;{font}&quot;;font-size:1pt" string="{text}"/>
<w10:wrap anchorx="margin" anchory="margin"/>
</v:shape></w:pict></w:r>"""


_VML_NAMESPACES = " ".join([
    nsdecls("w"),
    'xmlns:v="urn:schemas-microsoft-com:vml"',
    'xmlns:o="urn:schemas-microsoft-com:office:office"',
    'xmlns:w10="urn:schemas-microsoft-com:office:word"',
])


def add_text_watermark(paragraph: Paragraph, text: str, font: str, n: int = 1,
                       color: str = "silver") -> None:
    """Word's own text watermark: a VML WordArt shape behind the page, anchored in the header.

    python-docx has no watermark API (#845). This is the markup Word writes for 设计 > 水印;
    LibreOffice imports it as its own watermark, so it shows on every page of the PDF too.
    """
    from xml.sax.saxutils import quoteattr

    safe = quoteattr(strip_illegal_xml_chars(text))[1:-1]
    width = 110 * max(len(text), 1)
    xml = _WATERMARK.format(ns=_VML_NAMESPACES, n=n, spid=2049 + n, text=safe,
                            font=font, width=width, height=110, color=color)
    paragraph._p.append(parse_xml(xml))


def watermark_texts(element: BaseOxmlElement) -> list[str]:
    """The watermark texts of VML text shapes under `element` (for tests and checks)."""
    vml = "{urn:schemas-microsoft-com:vml}textpath"
    return [t.get("string") for t in element.iter(vml) if t.get("string")]


# ---------------------------------------------------------------------------------------------
# Body and package


def clear_body(document: Document) -> None:
    """Remove every paragraph and table of the body but keep the final w:sectPr.

    The sectPr carries the page size, margins and the header/footer references of the house
    style; python-docx has no public "clear the document" call (CT_Body.clear_content is the
    element-level one it uses internally).
    """
    document.element.body.clear_content()


def stable_zip(data: bytes) -> bytes:
    """The same .docx with every zip entry dated 1980-01-01, so equal content gives equal bytes.

    python-docx writes each part with the current time (zipfile.writestr with a name), which
    makes two renders of the same chapter differ; nothing in its API fixes the date.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
