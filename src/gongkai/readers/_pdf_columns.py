"""Columns of PDF tables: the ruling lines of a page, and blank cells of borderless tables.

Ruling lines (:class:`Rules`): thin vertical paths and the sides of stroked rectangles are cell
boundaries; thin horizontal paths and the top and bottom of stroked rectangles are row
boundaries. Filled rectangles are only shading (WPS fills one per grid cell, also inside merged
cells).

Borderless tables: a row whose cell is blank only shows a wider gap. When at least two nearby
rows of the same table have the full number of values, and agree on the column positions (left
edges, centres or right edges: whichever agrees best), a row with fewer values (at least two)
whose every value sits on one of those columns gets an empty slot for each column it skips.
Anything less certain is left alone: the caller then writes one TAB.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Protocol
from unicodedata import east_asian_width

import pypdfium2.raw as pdfium_c

VALUE = re.compile(r"^(?:[-+]?\d[\d,，]*(?:\.\d+)?%?|[-—–－/／×*＊]+|无)$")
MAX_LINE_DISTANCE = 40  # a table's rows lie within this many lines of each other
MAX_PAGE_OBJECTS = 20000  # beyond this, skip looking for ruling lines (a drawing, not a table)
RULE_WIDTH = 3.0  # a path no thicker than this (points) is a rule

Edge = tuple[float, float, float]  # x, bottom, top of a vertical cell boundary
HRule = tuple[float, float, float]  # y, left, right of a horizontal row boundary


class Rules:
    """Ruling lines of a page (PDF coordinates, y upwards)."""

    def __init__(self, edges: list[Edge], hrules: list[HRule]) -> None:
        edges = _joined(edges)
        self.xs = [e[0] for e in edges]
        self.edges = edges
        self.hrules = hrules

    def between(self, x0: float, x1: float, y: float) -> list[Edge]:
        """Distinct boundaries strictly between x0 and x1 that cross height y."""
        found: list[Edge] = []
        for i in range(bisect.bisect_right(self.xs, x0), bisect.bisect_left(self.xs, x1)):
            edge = self.edges[i]
            if edge[1] <= y <= edge[2] and (not found or edge[0] - found[-1][0] > 2.0):
                found.append(edge)  # the sides of two adjacent cells are one boundary
        return found

    def band(self, x: float, y: float) -> tuple[float, float] | None:
        """The nearest row boundaries below and above (x, y): its ruled cell's height."""
        below = [h[0] for h in self.hrules if h[1] - 1 <= x <= h[2] + 1 and h[0] < y]
        above = [h[0] for h in self.hrules if h[1] - 1 <= x <= h[2] + 1 and h[0] > y]
        return (max(below), min(above)) if below and above else None


def _joined(edges: list[Edge]) -> list[Edge]:
    """Collinear boundaries that touch as one: Chromium draws one segment per cell side."""
    out: list[Edge] = []
    group: list[Edge] = []
    for e in [*sorted(edges), (math.inf, 0.0, 0.0)]:
        if group and e[0] - group[0][0] > 1.0:
            runs: list[list[float]] = []
            for x, b, t in sorted(group, key=lambda g: g[1]):
                if runs and b <= runs[-1][2] + 1.5:
                    runs[-1][2] = max(runs[-1][2], t)
                else:
                    runs.append([x, b, t])
            out.extend((x, b, t) for x, b, t in runs)
            group = []
        group.append(e)
    out.sort()
    return out


def page_rules(page: object, height: float) -> Rules:
    """The ruling lines of a PDFium page (its raw handle)."""
    edges: list[Edge] = []
    hrules: list[HRule] = []
    n = pdfium_c.FPDFPage_CountObjects(page)
    if n > MAX_PAGE_OBJECTS:
        return Rules(edges, hrules)
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for i in range(n):
        obj = pdfium_c.FPDFPage_GetObject(page, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        x0, x1, y0, y1 = left.value, right.value, bottom.value, top.value
        if y1 - y0 <= RULE_WIDTH and x1 - x0 > RULE_WIDTH:
            hrules.append(((y0 + y1) / 2, x0, x1))
        elif y1 - y0 < RULE_WIDTH or y1 - y0 > 0.9 * height:  # a dot, or a page frame
            continue
        elif x1 - x0 <= RULE_WIDTH:
            edges.append(((x0 + x1) / 2, y0, y1))
        elif pdfium_c.FPDFPath_CountSegments(obj) <= 5 and _stroked(obj, fill, stroke):
            edges.extend(((x0, y0, y1), (x1, y0, y1)))  # a framed cell; a filled one is shading
            hrules.extend(((y0, x0, x1), (y1, x0, x1)))
    return Rules(edges, hrules)


def _stroked(obj: object, fill: ctypes.c_int, stroke: ctypes.c_int) -> bool:
    """Whether a path is drawn with a pen (a border), not only filled (WPS cell shading)."""
    return bool(pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)) and bool(stroke.value)


def holds_value(a: Edge, b: Edge, centres: list[tuple[float, float]]) -> bool:
    """Whether a value of the same table (both edges cross its line) lies between a and b."""
    return any(a[0] < x < b[0] and a[1] <= y <= a[2] and b[1] <= y <= b[2] for x, y in centres)


def right_of(rules: Rules, x: float, y: float) -> list[Edge]:
    """Boundaries right of x at height y."""
    return rules.between(x - 0.5, math.inf, y)


def left_of(rules: Rules, x: float, y: float) -> list[Edge]:
    """Boundaries left of x at height y."""
    return rules.between(-math.inf, x + 0.5, y)


class Piece(Protocol):
    """A cell of a text line: its text and horizontal extent."""

    @property
    def text(self) -> str: ...

    @property
    def left(self) -> float: ...

    @property
    def right(self) -> float: ...


class Row(Protocol):
    """A text line cut into cells (the pdf reader's line)."""

    @property
    def page(self) -> int: ...

    @property
    def cells(self) -> Sequence[Piece]: ...


@dataclass(slots=True)
class _Columns:
    count: int
    anchor: int  # 0 left edge, 1 centre, 2 right edge
    xs: list[float]
    tol: float
    members: list[int] = field(default_factory=list)  # the rows that gave the columns


def value_count(cells: Sequence[Piece]) -> int:
    """How many cells at the end of a line are values (numbers or dash placeholders)."""
    k = 0
    for p in reversed(cells):
        if not VALUE.match(p.text.replace(" ", "")):
            break
        k += 1
    return k


def blank_slots(rows: Sequence[Row], usable: Sequence[bool]) -> dict[int, list[str]]:
    """For rows with blank cells: their values laid on the table's columns, "" for a blank.

    ``usable[i]`` says whether row i may take part (rows whose cells are known otherwise, e.g.
    from ruling lines, do not). Keys are row indexes; the slots replace the row's value cells.
    """
    counts = [value_count(r.cells) if ok else 0 for r, ok in zip(rows, usable, strict=True)]
    tables = _column_sets(rows, counts)
    out: dict[int, list[str]] = {}
    if not tables:
        return out
    for idx, row in enumerate(rows):
        m = counts[idx]
        if m < 2:
            continue
        values = row.cells[len(row.cells) - m :]
        label_right = row.cells[-m - 1].right if len(row.cells) > m else None
        near = [(t, _distance(idx, rows, t)) for t in tables if t.count > m]
        for cols, dist in sorted(near, key=lambda td: (-td[0].count, td[1])):
            if dist > MAX_LINE_DISTANCE:
                continue
            slots = _match(values, label_right, cols)
            if slots is not None:
                out[idx] = slots
                break
    return out


def _anchors(p: Piece) -> tuple[float, float, float]:
    return p.left, (p.left + p.right) / 2, p.right


def _distance(idx: int, rows: Sequence[Row], cols: _Columns) -> int:
    """Lines between row ``idx`` and the nearest row that gave ``cols``; huge across pages."""
    pages = min(abs(rows[idx].page - rows[j].page) for j in cols.members)
    return min(abs(idx - j) for j in cols.members) if pages <= 1 else 10**6


def _column_sets(rows: Sequence[Row], counts: list[int]) -> list[_Columns]:
    """Column positions agreed on by at least two rows with the same number of values."""
    groups: list[list[int]] = []
    for idx, row in enumerate(rows):
        k = counts[idx]
        if k < 2:
            continue
        for g in groups:
            if counts[g[0]] == k and _agrees(row.cells[-k:], rows[g[0]].cells[-k:]):
                g.append(idx)
                break
        else:
            groups.append([idx])
    result: list[_Columns] = []
    for g in groups:
        if len(g) < 2:
            continue
        k = counts[g[0]]
        cells = [rows[j].cells[-k:] for j in g]
        best: tuple[float, int, list[float]] | None = None
        for anchor in range(3):
            xs = [median(_anchors(r[c])[anchor] for r in cells) for c in range(k)]
            spread = max(abs(_anchors(r[c])[anchor] - xs[c]) for r in cells for c in range(k))
            if best is None or spread < best[0]:
                best = (spread, anchor, xs)
        assert best is not None
        spread, anchor, xs = best
        tol = 0.3 * min(b - a for a, b in itertools.pairwise(xs))
        if tol > 0 and spread <= tol:
            result.append(_Columns(k, anchor, xs, tol, g))
    return result


def _agrees(values: Sequence[Piece], first: Sequence[Piece]) -> bool:
    """Whether two rows' value cells line up, by any edge or the centre."""
    for a, b in zip(values, first, strict=True):
        width = max(a.right - a.left, b.right - b.left, 1.0)
        if not any(abs(x - y) <= width for x, y in zip(_anchors(a), _anchors(b), strict=True)):
            return False
    return True


def _match(values: Sequence[Piece], label_right: float | None, cols: _Columns) -> list[str] | None:
    """The row's values on the table's columns, or None when they do not all fit."""
    if label_right is not None and label_right > cols.xs[0] - cols.tol:
        return None
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
    return slots


# --- blank cells of ruled tables --------------------------------------------------------------


class RuledRow(Row, Protocol):
    """A text line with its height and the ruling lines of its page."""

    @property
    def bottom(self) -> float: ...

    @property
    def top(self) -> float: ...

    @property
    def rules(self) -> Rules | None: ...


def _mid(row: RuledRow) -> float:
    return (row.bottom + row.top) / 2


def labelless(row: RuledRow, page_rows: Sequence[RuledRow]) -> bool:
    """Whether a values-only line's ruled row holds no label at all (表四's data row).

    Then every empty ruled cell before its first value is a blank value cell. Without row
    boundaries around the line nothing is known, and False is the careful answer.
    """
    if row.rules is None or not row.cells:
        return False
    head = row.cells[0]
    band = row.rules.band((head.left + head.right) / 2, _mid(row))
    if band is None:
        return False
    return not any(
        band[0] < _mid(o) < band[1] and value_count(o.cells) < len(o.cells) for o in page_rows
    )


def blank_rows(
    rows: Sequence[RuledRow],
    centres: dict[int, list[tuple[float, float]]],
    labels: dict[int, list[tuple[float, float]]],
) -> dict[int, str]:
    """Label-only lines that are whole ruled rows whose value cells are all blank.

    Such a row is its label (the lines of its label cell joined) and one TAB per blank value
    cell; the label's further lines map to "" (dropped). A label line qualifies when nothing
    lies right of its cell within its ruled row, every ruled cell right of it is a value column
    (other rows of the same table have a value there, ``centres``, or no label, ``labels``: a
    column blank in every row), and it is no header (see ``_no_header``).
    """
    by_page: dict[int, list[RuledRow]] = {}
    for r in rows:
        by_page.setdefault(r.page, []).append(r)
    starts = [x for r in rows if 0 < value_count(r.cells) < len(r.cells) for x in _start(r)]
    out: dict[int, str] = {}
    i = 0
    while i < len(rows):
        found = _blank_row(rows[i], by_page[rows[i].page], centres, labels, starts)
        if found is None:
            i += 1
            continue
        text = "\t".join(p.text for p in rows[i].cells)
        j = i + 1
        while j < len(rows) and rows[j].page == rows[i].page:
            more = _blank_row(rows[j], by_page[rows[j].page], centres, labels, starts)
            if more is None or any(abs(a - b) > 1.0 for a, b in zip(more, found, strict=True)):
                break
            text = _join(text, "\t".join(p.text for p in rows[j].cells))
            out[j] = ""
            j += 1
        out[i] = text + "\t" * int(found[3])
        i = j
    return out


def _start(row: RuledRow) -> list[float]:
    """The boundary where the row's first cell starts, if ruled."""
    if row.rules is None or not row.cells:
        return []
    bounds = left_of(row.rules, row.cells[0].left, _mid(row))
    return [bounds[-1][0]] if bounds else []


def _blank_row(
    row: RuledRow,
    page_rows: Sequence[RuledRow],
    centres: dict[int, list[tuple[float, float]]],
    labels: dict[int, list[tuple[float, float]]],
    starts: list[float],
) -> tuple[float, float, float, float] | None:
    """(row bottom, row top, label cell start, blank cells) of an all-blank row, else None."""
    if row.rules is None or not row.cells or value_count(row.cells):
        return None
    y, head, last = _mid(row), row.cells[0], row.cells[-1]
    band = row.rules.band(head.left + 0.5, y)
    spans = list(itertools.pairwise(right_of(row.rules, last.right, y)))
    start = _start(row)
    if band is None or not spans or not start:
        return None
    values, texts = centres.get(row.page, []), labels.get(row.page, [])
    if not all(holds_value(a, b, values) or not holds_value(a, b, texts) for a, b in spans):
        return None
    if not _no_header(row, band, spans, start[0], starts, values):
        return None
    cell_right = spans[0][0][0]
    for o in page_rows:
        if band[0] < _mid(o) < band[1] and any(p.left > cell_right for p in o.cells):
            return None  # the ruled row goes on right of the label: not blank
    return band[0], band[1], start[0], float(len(spans))


def _no_header(
    row: RuledRow,
    band: tuple[float, float],
    spans: list[tuple[Edge, Edge]],
    start: float,
    starts: list[float],
    values: list[tuple[float, float]],
) -> bool:
    """Whether a label-only line is a row label, not a header cell.

    Any one tells: its cell starts where labels of rows with values start; its last column
    has a value above it (headers lie above every value); or every cell right of it lies
    between the same row boundaries (header cells span header rows unevenly).
    """
    if any(abs(x - start) <= 2 for x in starts):
        return True
    if holds_value(*spans[-1], [c for c in values if c[1] > band[1]]):
        return True
    assert row.rules is not None
    for a, b in spans:
        other = row.rules.band((a[0] + b[0]) / 2, _mid(row))
        if other is None or abs(other[0] - band[0]) > 1 or abs(other[1] - band[1]) > 1:
            return False
    return True


def _join(a: str, b: str) -> str:
    """Two lines of one label cell: CJK joins directly, anything else with a space."""
    wide = ("W", "F")
    if a and b and (east_asian_width(a[-1]) in wide or east_asian_width(b[0]) in wide):
        return a + b
    return f"{a} {b}"
