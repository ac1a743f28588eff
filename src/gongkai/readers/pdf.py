"""PDF with a text layer: one Paragraph per visual text line, in the file's reading order.

Text comes from PDFium (pypdfium2) character by character: its reading order and line breaks
are kept, and each character's box decides what goes between two glyphs of a line.

- Sizes are measured in ems: the effective font size (font size times the scale of the
  character's matrix), not the glyph box, whose height depends on the font's ascent.
- Gap > 1.0 em between two glyphs -> a TAB (a table cell boundary). Measured on the corpus
  (WPS-made p001-p003): normal text gaps are <= 0.51 em (typed spaces in CJK text, justified
  lines, the WPS space between digits and CJK), cell gaps >= 1.2 em (a 15-column row of
  numbers), so 1.0 em separates them with margin on both sides.
- A space PDFium reports between two glyphs, at least one of them CJK (east-asian wide), with a
  gap < 0.6 em is dropped ("总 计" -> "总计", "2023 年" -> "2023年"); other spaces stay one
  space. Two digits are never glued: a gap between them is either a space or a tab.
- PDFium sometimes joins text of different table cells into one line when their baselines are
  close (a header "总计" followed by "商业企" from the next column to the left); a glyph that
  lies entirely left of its predecessor, or does not overlap it vertically, starts a new line.
- Blank table cells: numbers that end a line are value cells. Lines of the same table with the
  full number of values (at least two such lines agreeing on the column positions, by left edge,
  centre or right edge, whichever agrees best) give the columns; a nearby line with fewer values
  (at least two) whose every value sits on one of those columns gets one TAB per skipped
  column, so its values keep their columns (an empty slot per blank cell, trailing ones too).
  Otherwise a blank cell is just one wider gap, i.e. one TAB.
- Whole-line page markers ("- 3 -", "— 3 —", "第 3 页", "第3页 共5页", "3 / 5") are dropped, and
  so is a bare number lying in the top or bottom 7% of the page.
- Provenance(page=N, line=K): K counts the kept lines of page N, from 1.

A PDF without a text layer (a scan), an encrypted PDF and a damaged PDF each raise
GongkaiError with a Chinese message; no PDFium exception escapes.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import GongkaiError
from ..model import Document, Paragraph, Provenance

TAB_GAP_EM = 1.0  # a wider gap between two glyphs is a table cell boundary
CJK_JOIN_EM = 0.6  # a narrower space next to a CJK glyph is layout, not text
MARGIN_BAND = 0.07  # share of page height at top and bottom where a bare number is a page number
MIN_CHARS_PER_PAGE = 10  # fewer text characters than this per page on average: a scan

MSG_SCAN = "PDF 没有文字层（可能是扫描件），需要先做文字识别（OCR）才能读取"
MSG_ENCRYPTED = "PDF 已加密，需要密码才能读取"
MSG_DAMAGED = "PDF 文件已损坏，无法打开"

_PAGE_MARK = re.compile(
    r"^(?:[-—–－―‐~～]+\d{1,4}[-—–－―‐~～]+"
    r"|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?"
    r"|共\d{1,4}页[,，]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4})$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_VALUE = re.compile(r"^(?:[-+]?\d[\d,，]*(?:\.\d+)?%?|[-—–－/／×*＊]+|无)$")
_WS = frozenset((0x20, 0x09, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009, 0x200B, 0xFEFF))


@dataclass(slots=True)
class _Glyph:
    ch: str
    left: float
    right: float
    bottom: float
    top: float
    em: float
    space_before: bool


@dataclass(slots=True)
class _Piece:
    text: str
    left: float
    right: float


@dataclass(slots=True)
class _Line:
    page: int
    pieces: list[_Piece]
    bottom: float
    top: float
    slots: list[str] | None = None  # value cells laid on the table's columns, "" for a blank

    def text(self) -> str:
        if self.slots is None:
            return "\t".join(p.text for p in self.pieces)
        labels = [p.text for p in self.pieces[: len(self.pieces) - _value_count(self)]]
        return "\t".join([*labels, *self.slots])


@dataclass(slots=True)
class _Columns:
    count: int
    anchor: int  # 0 left edge, 1 centre, 2 right edge
    xs: list[float]
    tol: float
    members: list[int] = field(default_factory=list)  # indexes of the lines that gave the columns


def read_pdf(data: bytes, path: str | None = None) -> Document:
    """Read a PDF's text layer into one Paragraph per line (see the module docstring)."""
    pdf = _open(data, path)
    try:
        title = _metadata_title(pdf)
        lines, pages = _all_lines(pdf, path)
    finally:
        pdf.close()
    lines = [ln for ln in lines if not _is_page_number(ln)]
    chars = sum(len(p.text) for ln in lines for p in ln.pieces)
    if pages == 0 or chars < MIN_CHARS_PER_PAGE * pages:
        raise GongkaiError(MSG_SCAN, path)
    _fill_blank_cells(lines)
    blocks: list[Paragraph] = []
    counter: dict[int, int] = {}
    for ln in lines:
        k = counter[ln.page] = counter.get(ln.page, 0) + 1
        blocks.append(Paragraph(ln.text(), Provenance(page=ln.page, line=k)))
    return Document(list(blocks), path=path, format="pdf", title=title)


def _open(data: bytes, path: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise GongkaiError(MSG_ENCRYPTED, path) from None
        raise GongkaiError(MSG_DAMAGED, path) from None
    except Exception:  # pypdfium2 raises plain errors for some inputs; none may escape
        raise GongkaiError(MSG_DAMAGED, path) from None


def _metadata_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        title = str(pdf.get_metadata_value("Title")).strip()
    except Exception:  # a broken info dictionary only loses the title
        return None
    return title or None


def _all_lines(pdf: pdfium.PdfDocument, path: str | None) -> tuple[list[_Line], int]:
    try:
        n_pages = len(pdf)
        lines: list[_Line] = []
        for index in range(n_pages):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    height = page.get_height()
                    lines.extend(_page_lines(textpage.raw, index + 1, height))
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError:
        raise GongkaiError(MSG_DAMAGED, path) from None
    return lines, n_pages


def _page_lines(tp: object, page_no: int, height: float) -> list[_Line]:
    """Glyphs of one page, grouped into PDFium's lines, then split into cells."""
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    get_matrix = pdfium_c.FPDFText_GetMatrix
    get_size = pdfium_c.FPDFText_GetFontSize
    rect = pdfium_c.FS_RECTF()
    m = pdfium_c.FS_MATRIX()
    out: list[_Line] = []
    glyphs: list[_Glyph] = []
    space = False
    n = pdfium_c.FPDFText_CountChars(tp)
    i = 0
    while i < n:
        u = get_unicode(tp, i)
        i += 1
        if u in (10, 13):
            if glyphs:
                out.extend(_layout(glyphs, page_no))
                glyphs = []
            space = False
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
        left, right, bottom, top = _upright(rect, m)
        if em <= 0:
            em = max(top - bottom, 1.0)
        glyphs.append(_Glyph(chr(u), left, right, bottom, top, em, space))
        space = False
    if glyphs:
        out.extend(_layout(glyphs, page_no))
    for ln in out:
        ln.bottom, ln.top = ln.bottom / height, ln.top / height
    return out


def _upright(r: pdfium_c.FS_RECTF, m: pdfium_c.FS_MATRIX) -> tuple[float, float, float, float]:
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


def _layout(glyphs: list[_Glyph], page_no: int) -> list[_Line]:
    """Split one PDFium line into visual lines of cells, with the spacing rules above."""
    lines: list[_Line] = []
    pieces: list[_Piece] = []
    buf: list[str] = []
    first = prev = glyphs[0]
    bottom, top = first.bottom, first.top

    def close_piece(last: _Glyph) -> None:
        pieces.append(_Piece("".join(buf), first.left, last.right))
        buf.clear()

    for g in glyphs:
        if g is not first:
            em = max(prev.em, g.em)
            overlap = min(prev.top, g.top) - max(prev.bottom, g.bottom)
            backwards = g.right <= prev.left + 0.1 * em
            if backwards or overlap < 0.2 * min(prev.top - prev.bottom, g.top - g.bottom):
                close_piece(prev)
                lines.append(_Line(page_no, pieces, bottom, top))
                pieces = []
                first, bottom, top = g, g.bottom, g.top
            else:
                gap = g.left - prev.right
                if gap > TAB_GAP_EM * em:
                    close_piece(prev)
                    first = g
                elif g.space_before and not (
                    gap < CJK_JOIN_EM * em and (_is_cjk(prev.ch) or _is_cjk(g.ch))
                ):
                    buf.append(" ")
                bottom, top = min(bottom, g.bottom), max(top, g.top)
        buf.append(g.ch)
        prev = g
    close_piece(prev)
    lines.append(_Line(page_no, pieces, bottom, top))
    return lines


def _is_page_number(line: _Line) -> bool:
    text = "".join(p.text for p in line.pieces).replace(" ", "")
    if _PAGE_MARK.match(text):
        return True
    in_margin = line.top < MARGIN_BAND or line.bottom > 1 - MARGIN_BAND
    return in_margin and bool(_BARE_NUMBER.match(text))


def _value_count(line: _Line) -> int:
    """How many pieces at the end of the line are value cells (numbers or dash placeholders)."""
    k = 0
    for p in reversed(line.pieces):
        if not _VALUE.match(p.text.replace(" ", "")):
            break
        k += 1
    return k


def _anchors(p: _Piece) -> tuple[float, float, float]:
    return p.left, (p.left + p.right) / 2, p.right


def _fill_blank_cells(lines: list[_Line]) -> None:
    """Give rows with blank cells one slot per column of their table (see module docstring)."""
    counts = [_value_count(ln) for ln in lines]
    tables = _column_sets(lines, counts)
    if not tables:
        return
    for idx, ln in enumerate(lines):
        m = counts[idx]
        if m < 2:
            continue
        values = ln.pieces[len(ln.pieces) - m :]
        label_right = ln.pieces[-m - 1].right if len(ln.pieces) > m else None
        for cols in sorted(tables, key=lambda t: (-t.count, _distance(idx, lines, t))):
            if cols.count <= m or _distance(idx, lines, cols) > 40:
                continue
            slots = _match(values, label_right, cols)
            if slots is not None:
                ln.slots = slots
                break


def _distance(idx: int, lines: list[_Line], cols: _Columns) -> int:
    """Lines between ``idx`` and the nearest line that gave ``cols``; large across pages."""
    best = min(abs(idx - j) for j in cols.members)
    pages = min(abs(lines[idx].page - lines[j].page) for j in cols.members)
    return best if pages <= 1 else 10**6


def _column_sets(lines: list[_Line], counts: list[int]) -> list[_Columns]:
    """Column positions agreed on by at least two rows with the same number of values."""
    groups: list[_Columns] = []
    for idx, ln in enumerate(lines):
        k = counts[idx]
        if k < 2:
            continue
        values = ln.pieces[-k:]
        for g in groups:
            if g.count == k and _agrees(values, g, lines):
                g.members.append(idx)
                break
        else:
            groups.append(_Columns(k, 1, [], 0.0, [idx]))
    result: list[_Columns] = []
    for g in groups:
        if len(g.members) < 2:
            continue
        rows = [lines[j].pieces[-g.count :] for j in g.members]
        best: tuple[float, int, list[float]] | None = None
        for anchor in range(3):
            xs = [median(_anchors(r[c])[anchor] for r in rows) for c in range(g.count)]
            spread = max(abs(_anchors(r[c])[anchor] - xs[c]) for r in rows for c in range(g.count))
            if best is None or spread < best[0]:
                best = (spread, anchor, xs)
        assert best is not None
        spread, anchor, xs = best
        tol = 0.3 * min(b - a for a, b in zip(xs, xs[1:], strict=False))
        if tol > 0 and spread <= tol:
            result.append(_Columns(g.count, anchor, xs, tol, g.members))
    return result


def _agrees(values: list[_Piece], g: _Columns, lines: list[_Line]) -> bool:
    """Whether a row's value cells line up with the first row of group ``g``."""
    first = lines[g.members[0]].pieces[-g.count :]
    for a, b in zip(values, first, strict=True):
        width = max(a.right - a.left, b.right - b.left, 1.0)
        if not any(abs(x - y) <= width for x, y in zip(_anchors(a), _anchors(b), strict=True)):
            return False
    return True


def _match(values: list[_Piece], label_right: float | None, cols: _Columns) -> list[str] | None:
    """The row's values on the table's columns, or None when they do not all fit."""
    slots = [""] * cols.count
    col = 0
    for p in values:
        x = _anchors(p)[cols.anchor]
        while col < cols.count and x > cols.xs[col] + cols.tol:
            col += 1
        if col == cols.count or abs(x - cols.xs[col]) > cols.tol:
            return None
        slots[col] = p.text
        col += 1
    if label_right is not None and label_right > cols.xs[0] - cols.tol:
        return None
    return slots
