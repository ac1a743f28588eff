"""DOCX output in the customary government layout (python-docx, real merged cells).

A4, margins 3.7/3.5/2.8/2.6 cm, title 方正小标宋简体 2号 (broken after the body's name when it
needs two lines), headings 黑体 3号 kept with what follows, "（一）" headings 楷体_GB2312, body
仿宋_GB2312 3号 at a fixed 28 pt line pitch, tables 五号/小五 with rows that do not split and
header and caption rows kept with the next row (header rows repeated on each page), the sign-off
right-aligned, page number "- N -" in the footer. ``fonts`` names other faces (see
:mod:`gongkai.render.fonts`), as the PDF conversion does.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.oxml.styles import CT_Style
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Cell

from ..report import Report
from .fonts import OFFICIAL, Fonts
from .layout import HEADER, LABEL, Layout, LCell, LTable, layout
from .prose import subheading, text_width

TITLE_FONT = OFFICIAL.title
HEADING_FONT = OFFICIAL.heading
BODY_FONT = OFFICIAL.body
KAI_FONT = OFFICIAL.kai
TABLE_FONT = OFFICIAL.table
LATIN_FONT = OFFICIAL.latin
# Substitutes named in the font table, used where the official fonts are not installed.
ALT_FONTS = {
    TITLE_FONT: "黑体",
    HEADING_FONT: "SimHei",
    BODY_FONT: "仿宋",
    KAI_FONT: "楷体",
    TABLE_FONT: "SimSun",
}

PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6

SIZE_TITLE = Pt(22)  # 2号
SIZE_BODY = Pt(16)  # 3号
SIZE_TABLE = Pt(10.5)  # 五号
SIZE_TABLE_SMALL = Pt(9)  # 小五
SIZE_FOOTER = Pt(14)  # 4号
TITLE_CHARS = int(TEXT_WIDTH_CM / SIZE_TITLE.cm)  # characters on one title line

TABLE_STYLE = "GK Table"
TABLE_SMALL_STYLE = "GK Table Small"
SIGN_OFF_STYLE = "GK Sign-off"


def render_docx(rep: Report, fonts: Fonts = OFFICIAL) -> bytes:
    doc = new_document()
    _page_setup(doc, fonts)
    _styles(doc, fonts)
    if fonts == OFFICIAL:
        _font_table(doc)
    lay = layout(rep)
    doc.core_properties.title = lay.title
    doc.core_properties.language = "zh-CN"
    doc.core_properties.author = lay.title_lines[0] if len(lay.title_lines) > 1 else ""
    doc.core_properties.last_modified_by = "gongkai"
    _title(doc, lay)
    for sec in lay.sections:
        doc.add_paragraph(sec.heading, style="Heading 1")
        for text in sec.paragraphs:
            _paragraph(doc, text, fonts)
        for k, text in enumerate(sec.sign_off):
            para = doc.add_paragraph(text, style=SIGN_OFF_STYLE)
            if k == 0:
                para.paragraph_format.space_before = Pt(28)
        if sec.table is not None:
            _table(doc, sec.table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _title(doc: Document, lay: Layout) -> None:
    """The title; one too long for a line breaks after the body's name, not inside a word."""
    para = doc.add_paragraph(style="Title")
    for k, line in enumerate(lay.title_lines):
        run = para.add_run(line)
        if k == 0 and len(lay.title_lines) > 1 and text_width(lay.title) > TITLE_CHARS:
            run.add_break()


def _paragraph(doc: Document, text: str, fonts: Fonts) -> None:
    """A body paragraph; a "（一）…" heading at its start in kai, kept with what follows."""
    head, rest = subheading(text)
    if not head:
        doc.add_paragraph(text)
        return
    para = doc.add_paragraph()
    _set_fonts(para.add_run(head)._r, fonts.kai, fonts.latin)
    if rest:
        para.add_run(rest)
    else:
        para.paragraph_format.keep_with_next = True


# ---------------------------------------------------------------------------------------------
# page and styles
# ---------------------------------------------------------------------------------------------


def _page_setup(doc: Document, fonts: Fonts) -> None:
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = PAGE_W, PAGE_H
    sec.top_margin, sec.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    sec.left_margin, sec.right_margin = MARGINS["left"], MARGINS["right"]
    sec.footer_distance = Cm(2.5)
    para = sec.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("- ")
    _page_field(para.add_run()._r)
    para.add_run(" -")
    for run in para.runs:
        run.font.size = SIZE_FOOTER
        _set_fonts(run._r, fonts.table, fonts.latin)


def _page_field(r: BaseOxmlElement) -> None:
    """A PAGE field (begin / instruction / separate / result / end) inside run ``r``."""
    parent = r.getparent()
    assert parent is not None
    pieces: list[BaseOxmlElement] = []
    for kind in ("begin", None, "separate", "1", "end"):
        run = OxmlElement("w:r")
        if kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run.append(instr)
        elif kind == "1":
            t = OxmlElement("w:t")
            t.text = "1"
            run.append(t)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run.append(fld)
        pieces.append(run)
    index = parent.index(r)
    parent.remove(r)
    for k, run in enumerate(pieces):
        parent.insert(index + k, run)


def _set_fonts(owner: CT_R | CT_Style, east_asia: str, latin: str) -> None:
    """Set explicit fonts on a style or run, dropping theme fonts that would override them."""
    fonts = owner.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(doc: Document, name: str, base: str | None = None) -> ParagraphStyle:
    from docx.enum.style import WD_STYLE_TYPE

    if name in [s.name for s in doc.styles]:
        style = doc.styles[name]
    else:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if base is not None:
            style.base_style = doc.styles[base]
    assert isinstance(style, ParagraphStyle)
    return style


def _styles(doc: Document, fonts: Fonts) -> None:
    normal = _style(doc, "Normal")
    _set_fonts(normal.element, fonts.body, fonts.latin)
    normal.font.size = SIZE_BODY
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28)
    pf.space_before = pf.space_after = Pt(0)
    pf.first_line_indent = Pt(32)  # two characters
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    lang = OxmlElement("w:lang")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)

    title = _style(doc, "Title")
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    _set_fonts(title.element, fonts.title, fonts.title)
    _plain(title, SIZE_TITLE)
    title.font.bold = fonts.title_bold
    tf = title.paragraph_format
    tf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    tf.first_line_indent = Pt(0)
    tf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    tf.line_spacing = Pt(36)
    tf.space_before, tf.space_after = Pt(0), Pt(28)

    heading = _style(doc, "Heading 1")
    _set_fonts(heading.element, fonts.heading, fonts.heading)
    _plain(heading, SIZE_BODY)
    hf = heading.paragraph_format
    hf.keep_with_next = True
    hf.first_line_indent = Pt(32)
    hf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    hf.line_spacing = Pt(28)
    hf.space_before = hf.space_after = Pt(0)

    sign = _style(doc, SIGN_OFF_STYLE, "Normal")
    sign.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.first_line_indent = Pt(0)
    sign.paragraph_format.right_indent = Pt(32)  # two characters from the margin

    for name, size in ((TABLE_STYLE, SIZE_TABLE), (TABLE_SMALL_STYLE, SIZE_TABLE_SMALL)):
        st = _style(doc, name, "Normal")
        _set_fonts(st.element, fonts.table, fonts.latin)
        st.font.size = size
        sf = st.paragraph_format
        sf.first_line_indent = Pt(0)
        sf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        sf.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _plain(style: ParagraphStyle, size: Pt) -> None:
    style.font.size = size
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)


def _font_table(doc: Document) -> None:
    """Declare the official fonts with an altName so viewers without them substitute sensibly."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for name, alt in ALT_FONTS.items():
        font = OxmlElement("w:font", {qn("w:name"): name})
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto")):
            font.append(OxmlElement(tag, {qn("w:val"): val}))  # charset 86 = GB2312
        root.append(font)
    # The font table is a plain (non-XML) part in python-docx: replace its bytes.
    part._blob = serialize_part_xml(root)


# ---------------------------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------------------------


def _table(doc: Document, lt: LTable) -> None:
    table = doc.add_table(rows=len(lt.rows), cols=lt.width)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(lt.widths)
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in lt.widths]
    for col, width in zip(table.columns, widths, strict=True):
        col.width = width
    # Cells taken once before merging: Table.cell() re-walks the whole table on every call.
    grid = [row.cells for row in table.rows]
    for r, row in enumerate(table.rows):
        for cell, width in zip(grid[r], widths, strict=True):
            cell.width = width
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if r < lt.header_rows:
            trpr.append(OxmlElement("w:tblHeader"))
    style_id = doc.styles[TABLE_SMALL_STYLE if lt.small else TABLE_STYLE].style_id
    merged: list[tuple[_Cell, LCell]] = []
    # Spans never overlap, so merging one leaves the other origins' cells intact.
    for r, c, lc in lt.origins():
        cell = grid[r][c]
        if lc.rowspan > 1 or lc.colspan > 1:
            cell = cell.merge(grid[r + lc.rowspan - 1][c + lc.colspan - 1])
        merged.append((cell, lc))
    for cell, lc in merged:
        _fill(cell, lc, style_id)
    for r in _kept_rows(lt):  # every paragraph of the row, merged-over cells' too
        for p in table.rows[r]._tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True
    doc.add_paragraph()  # Word needs a paragraph between a table and what follows


def _kept_rows(lt: LTable) -> set[int]:
    """Header rows and caption rows (all their cells headers): never last on a page."""
    kinds: dict[int, set[str]] = {}
    for r, _, lc in lt.origins():
        kinds.setdefault(r, set()).add(lc.kind)
    return {r for r, k in kinds.items() if r < lt.header_rows or k == {HEADER}}


def _fill(cell: _Cell, lc: LCell, style_id: str) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    para._p.style = style_id  # by id: resolving a style name per cell is slow
    if lc.kind == LABEL and lc.rowspan == 1:
        para.alignment = WD_ALIGN_PARAGRAPH.LEFT
    para.add_run(lc.text)
