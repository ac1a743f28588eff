"""PDF with a text layer: one Paragraph per visual text line, in the file's reading order.

Text comes from PDFium (pypdfium2) character by character, in PDFium's reading order; each
character's box decides where lines break and what goes between two glyphs of a line.

- Sizes are in ems: the effective font size (font size times the scale of the character's
  matrix), not the glyph box, whose height depends on the font's ascent.
- A cell boundary becomes a TAB. A boundary is a ruling line between the two glyphs (a thin
  vertical path, or a side of a stroked rectangle; filled rectangles are only shading, and WPS
  fills one per grid cell even inside merged cells), or a gap wider than 1.0 em. Measured on
  the corpus (WPS-made p001-p003): gaps inside text are <= 0.51 em (typed spaces in CJK text,
  justified lines, the space WPS puts between digits and CJK), gaps between cells >= 1.2 em
  (a 15-column row of numbers). Ruled cells in LibreOffice output can be closer than 1 em;
  their ruling lines catch them.
- A space PDFium reports between two glyphs, at least one of them CJK (east-asian wide), with a
  gap < 0.6 em is dropped ("总 计" -> "总计", "2023 年" -> "2023年"); other spaces stay one space.
  Two digits are never glued: a gap between them is a space or a TAB.
- PDFium's line breaks are kept unless the next glyph continues the same row to the right
  (LibreOffice writes each table cell as a separate line); its joins are undone when a glyph
  jumps back left or leaves the row (WPS header cells of neighbouring columns).
- Blank cells of ruled tables: each ruled cell with no text gets its own empty TAB-separated
  slot when it lies between two values, after the last value, or before the first value where
  other lines of the same table have a value (not a label: WPS draws empty sub-label cells next
  to wide labels), or where the row (between its horizontal rules) has no label at all (表四's
  data row). A row whose value cells are all blank is its label (a label wrapped over several
  lines of its cell joined into one line) and one TAB per ruled value cell, when nothing else
  lies in its ruled row and its label cell starts where labels of rows with values start (see
  ``_pdf_columns.blank_rows``). Borderless tables: see ``_pdf_columns`` (columns estimated from
  the numbers of other rows of the same table); otherwise a blank cell is just one TAB.
- Whole-line page markers ("- 3 -", "— 3 —", "第 3 页", "第3页 共5页", "3 / 5") are dropped, and
  so is a bare number lying in the top or bottom 7% of the page.
- Provenance(page=N, line=K): K counts the kept lines of page N, from 1.

Measured on p001-p003: 20-27 ms per report on an idle machine, 1.2-1.5x the time of a
``pdftotext`` run (the blank-cell passes add ~15% to that). A scan (no text layer), an
encrypted PDF and a damaged PDF each raise GongkaiError with a Chinese message; no PDFium
exception escapes, and no library warning reaches the terminal.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import GongkaiError
from ..model import Document, Paragraph, Provenance
from . import limits
from ._pdf_columns import (
    Edge,
    Rules,
    blank_rows,
    blank_slots,
    holds_value,
    labelless,
    page_rules,
    value_count,
)
from ._tables import PAGE_MARK, quiet_libraries

TAB_GAP_EM = 1.0  # a wider gap between two glyphs is a table cell boundary
CJK_JOIN_EM = 0.6  # a narrower space next to a CJK glyph is layout, not text
MARGIN_BAND = 0.07  # share of page height at top and bottom where a bare number is a page number
MIN_CHARS_PER_PAGE = 10  # fewer text characters than this per page on average: a scan

MSG_SCAN = "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）才能读取"
MSG_ENCRYPTED = "PDF 已加密，需要密码才能读取"
MSG_DAMAGED = "PDF 文件已损坏，无法打开"
MSG_NO_PAGES = "PDF 文件没有任何页面"

_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_WS = frozenset((0x20, 0x09, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009, 0x200B, 0xFEFF))


@dataclass(slots=True)
class _Glyph:
    ch: str
    left: float
    right: float
    bottom: float
    top: float
    em: float
    space_before: bool  # PDFium reports whitespace between this glyph and the previous one
    newline_before: bool  # PDFium starts a new line here
    upright: bool  # drawn without rotation: page coordinates are reading coordinates


@dataclass(slots=True)
class _Piece:
    text: str
    left: float
    right: float
    bounds_before: list[Edge] = field(default_factory=list)  # ruled cell boundaries crossed


@dataclass(slots=True)
class _Line:
    page: int
    height: float  # of the page
    cells: list[_Piece]
    bottom: float
    top: float
    bounds_after: list[Edge] = field(default_factory=list)  # boundaries right of the line
    rules: Rules | None = None  # of its page, when it has any

    @property
    def ruled(self) -> bool:
        return bool(self.bounds_after) or any(p.bounds_before for p in self.cells)

    def text(
        self,
        value_columns: list[tuple[float, float]],
        label_columns: list[tuple[float, float]],
        labelless: bool = False,
    ) -> str:
        """Cells joined by TABs, one more TAB per empty ruled value cell.

        Empty cells count between two values and after the last one. Between the label and the
        first value they count unless they are sub-label cells: other lines of the page have a
        label there (``label_columns``) and no value (``value_columns``); WPS draws empty
        sub-label cells next to a wide label. A values-only line, whose label lies on other
        lines, counts only cells where other lines have a value, unless its ruled row has no
        label at all (``labelless``: 表四's data row); then it counts as a line with a label.
        """
        first_value = len(self.cells) - value_count(self.cells)
        parts: list[str] = []
        for i, p in enumerate(self.cells):
            blanks = 0
            spans = list(itertools.pairwise(p.bounds_before))
            if i > first_value:
                blanks = len(spans)
            elif i == first_value == 0 and not labelless:
                blanks = sum(1 for a, b in spans if holds_value(a, b, value_columns))
            elif i == first_value:
                blanks = sum(
                    1
                    for a, b in spans
                    if holds_value(a, b, value_columns) or not holds_value(a, b, label_columns)
                )
            parts.append("\t" * ((i > 0) + blanks) + p.text)
        if first_value < len(self.cells):
            parts.append("\t" * max(0, len(self.bounds_after) - 1))
        return "".join(parts)

    def label_centres(self) -> list[tuple[float, float]]:
        """(x, y) centres of the label cells of a line that has values."""
        y = (self.bottom + self.top) / 2
        labels = len(self.cells) - value_count(self.cells)
        if labels == len(self.cells):
            return []
        return [((p.left + p.right) / 2, y) for p in self.cells[:labels]]

    def value_centres(self) -> list[tuple[float, float]]:
        """(x, y) centres of the line's value cells."""
        y = (self.bottom + self.top) / 2
        start = len(self.cells) - value_count(self.cells)
        return [((p.left + p.right) / 2, y) for p in self.cells[start:]]


def read_pdf(data: bytes, path: str | None = None) -> Document:
    """Read a PDF's text layer into one Paragraph per line (see the module docstring)."""
    with quiet_libraries("pypdfium2"):
        pdf = _open(data, path)
        try:
            title = _metadata_title(pdf)
            lines, pages, warnings = _all_lines(pdf, path)
        finally:
            pdf.close()
    lines = [ln for ln in lines if not _is_page_number(ln)]
    chars = sum(len(p.text) for ln in lines for p in ln.cells)
    if chars > limits.MAX_CHARS:
        raise GongkaiError(limits.too_big("文字", chars, limits.MAX_CHARS, "字"), path)
    if len(lines) > limits.MAX_LINES:
        raise GongkaiError(limits.too_big("文字行数", len(lines), limits.MAX_LINES, "行"), path)
    if pages == 0:
        raise GongkaiError(MSG_NO_PAGES, path)
    if chars < MIN_CHARS_PER_PAGE * pages:
        raise GongkaiError(MSG_SCAN, path)
    slots = blank_slots(lines, [not ln.ruled for ln in lines])
    value_columns: dict[int, list[tuple[float, float]]] = {}
    label_columns: dict[int, list[tuple[float, float]]] = {}
    pages_of: dict[int, list[_Line]] = {}
    for ln in lines:
        value_columns.setdefault(ln.page, []).extend(ln.value_centres())
        label_columns.setdefault(ln.page, []).extend(ln.label_centres())
        pages_of.setdefault(ln.page, []).append(ln)
    blank = blank_rows(lines, value_columns, label_columns)
    blocks: list[Paragraph] = []
    counter: dict[int, int] = {}
    for i, ln in enumerate(lines):
        if blank.get(i) == "":
            continue  # a further line of an all-blank row's label
        k = counter[ln.page] = counter.get(ln.page, 0) + 1
        if i in blank:  # a ruled row whose value cells are all blank
            text = blank[i]
        elif i in slots:  # value cells laid on the columns of a borderless table
            labels = [p.text for p in ln.cells[: len(ln.cells) - value_count(ln.cells)]]
            text = "\t".join([*labels, *slots[i]])
        else:
            alone = value_count(ln.cells) == len(ln.cells) and labelless(ln, pages_of[ln.page])
            text = ln.text(value_columns[ln.page], label_columns[ln.page], alone)
        blocks.append(Paragraph(text, Provenance(page=ln.page, line=k)))
    return Document(list(blocks), path=path, format="pdf", title=title, warnings=warnings)


def _open(data: bytes, path: str | None, max_pages: int | None = None) -> pdfium.PdfDocument:
    """Open a PDF; refuse an encrypted or damaged one, or one of more than MAX_PAGES pages."""
    max_pages = limits.MAX_PAGES if max_pages is None else max_pages
    try:
        pdf = pdfium.PdfDocument(data)
        n_pages = len(pdf)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise GongkaiError(MSG_ENCRYPTED, path) from None
        raise GongkaiError(MSG_DAMAGED, path) from None
    except Exception:  # pypdfium2 raises plain errors for some inputs; none may escape
        raise GongkaiError(MSG_DAMAGED, path) from None
    if n_pages > max_pages:
        pdf.close()
        raise GongkaiError(limits.too_big("PDF 页数", n_pages, max_pages, "页"), path)
    return pdf


def _metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        title = str(pdf.get_metadata_value("Title")).strip()
    except Exception:  # a broken info dictionary only loses the title
        return None
    return title or None


def _all_lines(pdf: pdfium.PdfDocument, path: str | None) -> tuple[list[_Line], int, list[str]]:
    """Lines of every page, the page count, and warnings for pages that could not be read."""
    try:
        n_pages = len(pdf)
    except (pdfium.PdfiumError, ValueError):
        raise GongkaiError(MSG_DAMAGED, path) from None
    lines: list[_Line] = []
    bad: list[int] = []
    for index in range(n_pages):
        try:
            lines.extend(_page(pdf, index))
        except (pdfium.PdfiumError, ValueError):  # one broken page need not lose the others
            bad.append(index + 1)
    if n_pages and len(bad) == n_pages:
        raise GongkaiError(MSG_DAMAGED, path)
    warnings = [f"第{n}页无法读取（PDF 可能部分损坏），已跳过" for n in bad]
    return lines, n_pages, warnings


def _page(pdf: pdfium.PdfDocument, index: int) -> list[_Line]:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            glyphs = _glyphs(textpage.raw)
        finally:
            textpage.close()
        if not glyphs:
            return []
        height = page.get_height()
        return _layout(glyphs, index + 1, height, page_rules(page.raw, height))
    finally:
        page.close()


def _glyphs(tp: object) -> list[_Glyph]:
    """The visible characters of a text page, in PDFium's order, with their boxes."""
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_matrix = pdfium_c.FPDFText_GetMatrix
    get_size = pdfium_c.FPDFText_GetFontSize
    rect = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    glyphs: list[_Glyph] = []
    space = newline = False
    n = pdfium_c.FPDFText_CountChars(tp)
    if n > limits.MAX_CHARS:  # one page of more text than a whole report may have
        raise GongkaiError(limits.too_big("单页文字", n, limits.MAX_CHARS, "字"))
    i = 0
    while i < n:
        u = get_unicode(tp, i)
        i += 1
        if u in (10, 13):
            newline = True
            continue
        if u in _WS:
            space = True
            continue
        if u < 32 or u in (0xFFFE, 0xFFFF, 0xFFFD):
            continue
        get_box(tp, i - 1, rect)
        get_matrix(tp, i - 1, m)
        em = get_size(tp, i - 1) * math.sqrt(abs(m.a * m.d - m.b * m.c))
        if 0xD800 <= u < 0xDC00 and i < n:  # a surrogate pair: one character, one box
            low = get_unicode(tp, i)
            if 0xDC00 <= low < 0xE000:
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                i += 1
        upright = m.a > 0 and abs(m.a) >= abs(m.b)
        left, right, bottom, top = _reading_box(rect, m)
        if em <= 0:
            em = max(top - bottom, 1.0)
        glyphs.append(_Glyph(chr(u), left, right, bottom, top, em, space, newline, upright))
        space = newline = False
    return glyphs


def _reading_box(r: pdfium_c.FS_RECTF, m: pdfium_c.FS_MATRIX) -> tuple[float, float, float, float]:
    """The box in the glyph's own reading direction, so that rotated text reads left to right."""
    if abs(m.a) >= abs(m.b):
        if m.a >= 0:
            return r.left, r.right, r.bottom, r.top
        return -r.right, -r.left, -r.top, -r.bottom
    if m.b > 0:  # text runs upwards
        return r.bottom, r.top, -r.right, -r.left
    return -r.top, -r.bottom, r.left, r.right


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _layout(glyphs: list[_Glyph], page_no: int, height: float, edges: Rules) -> list[_Line]:
    """Split a page's glyphs into visual lines of cells, with the spacing rules above."""
    lines: list[_Line] = []
    cells: list[_Piece] = []
    buf: list[str] = []
    first = prev = glyphs[0]
    bottom, top = first.bottom, first.top
    bounds: list[Edge] = []

    def close_piece(last: _Glyph) -> None:
        cells.append(_Piece("".join(buf), first.left, last.right, bounds))
        buf.clear()

    def close_line(last: _Glyph) -> None:
        close_piece(last)
        line = _Line(page_no, height, cells, bottom, top, rules=edges if edges.xs else None)
        values = value_count(cells)
        if last.upright and edges.xs and values:  # (a label line's row goes on to the right)
            mid = (last.bottom + last.top) / 2
            line.bounds_after = edges.between(last.right - 0.5, math.inf, mid)
            if values == len(cells):  # values only: blank value cells may precede them
                head = cells[0]
                head.bounds_before = edges.between(-math.inf, head.left + 0.5, mid)
        lines.append(line)

    for g in glyphs:
        if g is not first:
            em = max(prev.em, g.em)
            if _breaks(prev, g, em):
                close_line(prev)
                cells = []
                first, bottom, top, bounds = g, g.bottom, g.top, []
                buf.append(g.ch)
                prev = g
                continue
            gap = g.left - prev.right
            crossed: list[Edge] = []
            if gap > 0.05 * em and g.upright and prev.upright and edges.xs:
                mid = (max(prev.bottom, g.bottom) + min(prev.top, g.top)) / 2
                crossed = edges.between(prev.right - 0.5, g.left + 0.5, mid)
            if crossed or gap > TAB_GAP_EM * em:
                close_piece(prev)
                first, bounds = g, crossed
            elif g.space_before and not (
                gap < CJK_JOIN_EM * em and (_is_cjk(prev.ch) or _is_cjk(g.ch))
            ):
                buf.append(" ")
            bottom, top = min(bottom, g.bottom), max(top, g.top)
        buf.append(g.ch)
        prev = g
    close_line(prev)
    return lines


def _breaks(prev: _Glyph, g: _Glyph, em: float) -> bool:
    """Whether ``g`` starts a new visual line after ``prev`` (see the module docstring)."""
    overlap = min(prev.top, g.top) - max(prev.bottom, g.bottom)
    height = min(prev.top - prev.bottom, g.top - g.bottom)
    if g.newline_before:
        return overlap < 0.5 * height or g.left < prev.right - 0.25 * em
    return g.right <= prev.left + 0.1 * em or overlap < 0.2 * height


def _is_page_number(line: _Line) -> bool:
    text = "".join(p.text for p in line.cells).replace(" ", "")
    if PAGE_MARK.match(text):
        return True
    band = MARGIN_BAND * line.height
    in_margin = line.top < band or line.bottom > line.height - band
    return in_margin and bool(_BARE_NUMBER.match(text))
