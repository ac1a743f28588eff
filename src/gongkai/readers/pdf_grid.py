"""PDF tables as real grids (pdfplumber): the exact, slower reader for PDFs that defeat lines.

The fast reader (:mod:`.pdf`) reads text lines; tall merged cells, labels wrapped over several
lines and blank cells without clear gaps can defeat it. This reader finds the ruled tables of
each page with pdfplumber's lattice finder and returns them as ``model.Table`` grids.

- Only drawn borders make the grid: rectangles and paths that are filled but not stroked are
  shading (WPS fills a white rectangle behind every text line and every cell) unless they are
  thin enough to be a rule. A page whose text runs turned (/Rotate, or a landscape table drawn
  turned) is read in the frame where its text runs left to right.
- A table crossing a page break has no border where it is cut (WPS), so vertical rules that
  end in the open get a closing rule across their ends; each cell remembers whether its top or
  bottom border was drawn.
- Merged cells: the origin gets rowspan/colspan from its box; the positions it covers are
  ``covered`` and repeat its text. Grid positions no cell covers (missing rules) are empty.
- Cell text: lines by position; a line break between two digits is removed ("4575\\n0" ->
  "45750"), one next to a CJK character is joined without a space, any other is kept; a space
  next to a CJK character is dropped ("总 计" -> "总计").
- Text outside the tables: one Paragraph per visual line, cells of borderless rows separated by
  TABs as in :mod:`.pdf`, interleaved with the tables by vertical position; page markers
  ("- 3 -", "第 3 页", a bare number in the page margin) are dropped.
- Stitching: a table that is the last thing on page N (page margins aside) and a table that is
  the first thing on page N+1, with the same horizontal extent, are one table. Both fragments
  are laid on the union of their column edges; a header row repeated on the new page is
  dropped; across the break, two cells with the same columns are one cell when the producer
  left the border open on both pages, when they are one merged label cell the producer closed
  at the break (one of them spans several rows, and the lower one is blank or does not start
  a new item such as "（四）"), or when neither row holds a number (a header row broken by
  the page break).
- Provenance(page=N, table=K, row=R, col=C): K counts the document's tables, R and C are grid
  positions; paragraphs carry Provenance(page=N, line=K) like the fast reader.

Measured on an idle machine: 280-310 ms per WPS report (p001-p003, 5-6 pages), 80-115 ms per
LibreOffice-made report (2-3 pages): 5-11x the fast reader, ~90% of it pdfminer parsing the
pages. Errors are the fast reader's: a scan, an encrypted or a damaged PDF raises GongkaiError.
pdfminer's complaints about fonts ("Could not get FontBBox …", browser-printed PDFs) are
silenced: they say nothing about the reading.
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pdfplumber
from pdfplumber.table import (
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)

from ..errors import GongkaiError
from ..model import Document, Paragraph, Provenance, Table
from . import limits
from ._pdf_grid_tables import SNAP, Box, Frag, continues, grid_table, is_cjk, join_lines, stitch
from ._tables import PAGE_MARK, quiet_libraries
from .pdf import (
    _BARE_NUMBER,
    CJK_JOIN_EM,
    MARGIN_BAND,
    MIN_CHARS_PER_PAGE,
    MSG_DAMAGED,
    MSG_NO_PAGES,
    MSG_SCAN,
    TAB_GAP_EM,
    _metadata_title,
    _open,
)

Obj = dict[str, Any]  # a pdfplumber object (char, edge)

THIN = 2.0  # a filled rectangle no wider than this is a rule, not shading
SPACE_GAP_EM = 0.25  # a wider gap between glyphs reads as a space even without a space glyph


@dataclass(slots=True)
class _Line:
    page: int
    top: float
    text: str
    margin: bool  # lies in the top or bottom band of the page


_Item = _Line | Frag


def read_pdf_grid(data: bytes, path: str | None = None) -> Document:
    """Read a PDF into paragraphs and table grids (see the module docstring)."""
    with quiet_libraries("pdfminer", "pdfplumber"):
        return _read(data, path)


def _read(data: bytes, path: str | None) -> Document:
    probe = _open(data, path, limits.MAX_GRID_PAGES)  # encrypted, damaged, too many pages
    try:
        title = _metadata_title(probe)
    finally:
        probe.close()
    objects, warnings = _read_objects(data, path)
    if not objects:
        raise GongkaiError(MSG_NO_PAGES, path)
    pages = [_page(*page, number) for number, page in enumerate(objects, 1)]
    chars = sum(1 for page in objects for c in page[0] if c["text"].strip())
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        raise GongkaiError(MSG_SCAN, path)
    blocks = _assemble(pages)
    return Document(blocks, path=path, format="pdf", title=title, warnings=warnings)


_Objects = tuple[list[Obj], list[Obj], float, float]  # characters, rules, width, height


def _read_objects(data: bytes, path: str | None) -> tuple[list[_Objects], list[str]]:
    """The characters and rules of every page, and warnings for pages that could not be read."""
    pages: list[_Objects] = []
    bad: list[int] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # pdfminer raises many kinds of errors for broken files
        raise GongkaiError(MSG_DAMAGED, path) from None
    try:
        for number, page in enumerate(pdf.pages, 1):
            try:
                shown = page.filter(_drawn)
                pages.append((list(shown.chars), list(shown.edges), shown.width, shown.height))
            except Exception:  # one broken page need not lose the others
                bad.append(number)
                pages.append(([], [], 1.0, 1.0))
            finally:
                page.close()
    except Exception:
        raise GongkaiError(MSG_DAMAGED, path) from None
    finally:
        pdf.close()
    if pages and len(bad) == len(pages):
        raise GongkaiError(MSG_DAMAGED, path)
    return pages, [f"第{n}页无法读取（PDF 可能部分损坏），已跳过" for n in bad]


# --- one page ------------------------------------------------------------------------------


def _drawn(obj: Obj) -> bool:
    """Whether a page object can be a table border (not shading)."""
    if obj.get("object_type") in ("rect", "curve") and obj.get("fill") and not obj.get("stroke"):
        return min(float(obj["width"]), float(obj["height"])) <= THIN
    return True


def _page(
    chars: list[Obj], rules: list[Obj], width: float, height: float, number: int
) -> list[_Item]:
    """The paragraph lines and table fragments of one page, top to bottom."""
    frame = _Frame.of(chars, width, height)
    chars = [frame.obj(c) for c in chars]
    found = [e for e in map(_rule, map(frame.obj, rules)) if e is not None]
    edges = [e for e in merge_edges(found, SNAP, SNAP, SNAP, SNAP) if _length(e) >= SNAP]
    drawn_h = [e for e in edges if e["orientation"] == "h"]
    items: list[_Item] = []
    taken: set[int] = set()
    if edges:  # pdfplumber's lattice (TableFinder's steps), with the closing rules added
        edges = merge_edges(edges + _closers(edges), SNAP, SNAP, SNAP, SNAP)
        points = edges_to_intersections([e for e in edges if _length(e) >= SNAP], SNAP, SNAP)
        for cells in cells_to_tables(intersections_to_cells(points)):
            items.append(_fragment(cells, chars, taken, drawn_h, number))
    rest = [c for i, c in enumerate(chars) if i not in taken]
    band = MARGIN_BAND * frame.height
    for line in _visual_lines(rest):
        text = _join(line, cell=False)
        if not text:
            continue
        top = min(c["top"] for c in line)
        bottom = max(c["bottom"] for c in line)
        margin = top < band or bottom > frame.height - band
        squeezed = text.replace(" ", "").replace("\t", "")
        if PAGE_MARK.match(squeezed) or (margin and _BARE_NUMBER.match(squeezed)):
            continue
        items.append(_Line(number, top, text, margin))
    items.sort(key=lambda it: it.top)
    return items


def _length(edge: Obj) -> float:
    return float(edge["bottom"] - edge["top"] if edge["orientation"] == "v" else edge["width"])


@dataclass(frozen=True, slots=True)
class _Frame:
    """Reading coordinates of a page: turned so that most of its text runs left to right.

    A page turned by /Rotate, or a landscape table drawn turned on a portrait page, reads
    like an upright one once its characters and rules are turned back.
    """

    turns: int  # quarter turns of the text: 0 upright, 1 runs up, 2 upside down, 3 runs down
    page_width: float  # as pdfplumber lays the page out
    page_height: float

    @staticmethod
    def of(chars: list[Obj], width: float, height: float) -> _Frame:
        votes = [0, 0, 0, 0]
        for c in chars:
            a, b = c["matrix"][:2]  # the text direction, y upwards
            if abs(a) >= abs(b):
                votes[0 if a > 0 else 2] += 1
            else:
                votes[1 if b > 0 else 3] += 1
        turns = max(range(4), key=lambda i: (votes[i], i == 0))
        return _Frame(turns, float(width), float(height))

    @property
    def height(self) -> float:
        return self.page_height if self.turns % 2 == 0 else self.page_width

    def obj(self, o: Obj) -> Obj:
        """The object with its box (and orientation, for a rule) in reading coordinates."""
        if self.turns == 0:
            return o
        w, h = self.page_width, self.page_height
        x0, top, x1, bottom = o["x0"], o["top"], o["x1"], o["bottom"]
        if self.turns == 1:  # reading x grows up the page, lines follow to the right
            box = (h - bottom, x0, h - top, x1)
        elif self.turns == 2:
            box = (w - x1, h - bottom, w - x0, h - top)
        else:
            box = (top, w - x1, bottom, w - x0)
        turned = o | dict(zip(("x0", "top", "x1", "bottom"), box, strict=True))
        turned |= {"width": box[2] - box[0], "height": box[3] - box[1], "doctop": box[1]}
        return turned


def _rule(edge: Obj) -> Obj | None:
    """The edge as a horizontal or vertical rule, or None for a slanted one.

    pdfplumber decides a line's orientation by exact equality of its ends, so a rule drawn
    through a turned matrix (float noise) can come out as the wrong one.
    """
    w, h = float(edge["x1"] - edge["x0"]), float(edge["bottom"] - edge["top"])
    if min(w, h) > THIN:
        return None
    return edge | {"orientation": "h" if w >= h else "v"}


def _covers(hs: list[Obj], x: float, y: float) -> bool:
    """Whether a horizontal rule runs through (x, y)."""
    return any(abs(h["top"] - y) <= SNAP and h["x0"] - SNAP <= x <= h["x1"] + SNAP for h in hs)


def _closers(edges: list[Obj]) -> list[Obj]:
    """Rules closing vertical rules that end in the open (a table cut by a page break)."""
    vs = [e for e in edges if e["orientation"] == "v"]
    hs = [e for e in edges if e["orientation"] == "h"]
    out: list[Obj] = []
    for end in ("top", "bottom"):
        for group in _clusters(sorted(vs, key=lambda v: float(v[end])), end):
            if len(group) < 2 or all(_covers(hs, v["x0"], v[end]) for v in group):
                continue
            ys = [float(v[end]) for v in group]
            y = max(ys) if end == "bottom" else min(ys)
            x0, x1 = min(v["x0"] for v in group), max(v["x0"] for v in group)
            out.append(
                {"object_type": "line", "orientation": "h", "x0": x0, "x1": x1, "top": y}
                | {"bottom": y, "doctop": y, "width": x1 - x0, "height": 0.0}
            )
    return out


def _clusters(objs: list[Obj], key: str) -> Iterable[list[Obj]]:
    """Runs of objects (sorted by ``key``) whose ``key`` values lie within SNAP of the first."""
    group: list[Obj] = []
    for o in objs:
        if group and o[key] - group[0][key] > SNAP:
            yield group
            group = []
        group.append(o)
    if group:
        yield group


def _fragment(
    cells: list[tuple[float, float, float, float]],
    chars: list[Obj],
    taken: set[int],
    drawn_h: list[Obj],
    page: int,
) -> Frag:
    """A found table: its cells with their text (the characters whose centre they hold)."""
    order = sorted(range(len(chars)), key=lambda i: _mid_y(chars[i]))
    mids = [_mid_y(chars[i]) for i in order]
    boxes: list[Box] = []
    for x0, top, x1, bottom in cells:
        inside = []
        lo = bisect.bisect_left(mids, top)
        for k in range(lo, len(order)):
            if mids[k] >= bottom:
                break
            i = order[k]
            if i not in taken and x0 <= (chars[i]["x0"] + chars[i]["x1"]) / 2 < x1:
                taken.add(i)
                inside.append(chars[i])
        text = _cell_text(inside)
        xm = (x0 + x1) / 2
        open_top, open_bottom = not _covers(drawn_h, xm, top), not _covers(drawn_h, xm, bottom)
        boxes.append(Box(x0, x1, top, bottom, text, page, open_top, open_bottom))
    return Frag(
        page,
        min(b.x0 for b in boxes),
        max(b.x1 for b in boxes),
        min(b.top for b in boxes),
        max(b.bottom for b in boxes),
        boxes,
    )


def _mid_y(c: Obj) -> float:
    return (float(c["top"]) + float(c["bottom"])) / 2


# --- text ------------------------------------------------------------------------------------


def _visual_lines(chars: list[Obj]) -> list[list[Obj]]:
    """Characters grouped into visual lines, top to bottom, each left to right."""
    lines: list[list[Obj]] = []
    bottom = -1.0
    for c in sorted(chars, key=lambda c: (float(c["top"]), float(c["x0"]))):
        if lines and _mid_y(c) < bottom:
            lines[-1].append(c)
            bottom = max(bottom, float(c["bottom"]))
        else:
            lines.append([c])
            bottom = float(c["bottom"])
    return [sorted(line, key=lambda c: float(c["x0"])) for line in lines]


def _join(line: list[Obj], cell: bool) -> str:
    """One visual line's text; outside tables a gap wider than TAB_GAP_EM is a cell boundary."""
    parts: list[str] = []
    prev: Obj | None = None
    space = False
    for c in line:
        t = c["text"]
        if not t.strip():
            space = True
            continue
        if prev is not None:
            em = max(float(prev["size"]), float(c["size"]), 1.0)
            gap = float(c["x0"]) - float(prev["x1"])
            cjk = is_cjk(prev["text"][-1]) or is_cjk(t[0])
            if not cell and gap > TAB_GAP_EM * em:
                parts.append("\t")
            elif (space or gap > SPACE_GAP_EM * em) and not (
                cjk and (cell or gap < CJK_JOIN_EM * em)
            ):
                parts.append(" ")
        parts.append(t)
        prev, space = c, False
    return "".join(parts)


def _cell_text(chars: list[Obj]) -> str:
    text = ""
    for line in _visual_lines(chars):
        text = join_lines(text, _join(line, cell=True))
    return text


def _assemble(pages: list[list[_Item]]) -> list[Paragraph | Table]:
    """Paragraphs and stitched tables in reading order."""
    seq: list[_Line | list[Frag]] = []
    open_group: list[Frag] | None = None  # a table that ends its page
    for items in pages:
        body = [it for it in items if not (isinstance(it, _Line) and it.margin)]
        group: list[Frag] | None = None
        for it in items:
            if isinstance(it, _Line):
                seq.append(it)
                continue
            if it is body[0] and open_group is not None and continues(open_group[-1], it):
                group = open_group
                group.append(it)
            else:
                group = [it]
                seq.append(group)
        open_group = group if body and isinstance(body[-1], Frag) else None
    blocks: list[Paragraph | Table] = []
    line_no: dict[int, int] = {}
    for entry in seq:
        if isinstance(entry, _Line):
            k = line_no[entry.page] = line_no.get(entry.page, 0) + 1
            blocks.append(Paragraph(entry.text, Provenance(page=entry.page, line=k)))
        else:
            number = sum(isinstance(b, Table) for b in blocks) + 1
            blocks.append(grid_table(stitch(entry), number, entry[0].page))
    return blocks
