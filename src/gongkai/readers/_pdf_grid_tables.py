"""Table fragments of PDF pages, stitched across page breaks and laid on one grid.

Used by :mod:`.pdf_grid` (see its docstring for the rules). Coordinates are PDF points in the
page's reading frame: x to the right, y down.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..model import Cell, Provenance, Table

SNAP = 3.0  # pdfplumber's default snap and join tolerance, in points
EDGE_TOL = 4.0  # column edges of two fragments closer than this are one (measured: <= 2.3)
MAX_HEADER_ROWS = 4  # at most this many header rows are repeated on a new page
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?%?$")
_ITEM = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]")  # "（四）", "四、", "2."
_NUMERIC = frozenset("0123456789.")


@dataclass(slots=True)
class Box:
    """A cell of a table fragment, in page coordinates (later: stacked coordinates)."""

    x0: float
    x1: float
    top: float
    bottom: float
    text: str
    page: int
    open_top: bool  # no border drawn along its top
    open_bottom: bool


@dataclass(slots=True)
class Frag:
    """A table as found on one page."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    boxes: list[Box]


def continues(upper: Frag, lower: Frag) -> bool:
    """Whether ``lower`` (top of the next page) continues ``upper`` (bottom of its page)."""
    overlap = min(upper.x1, lower.x1) - max(upper.x0, lower.x0)
    return overlap >= 0.9 * max(upper.x1 - upper.x0, lower.x1 - lower.x0)


def _rows(boxes: list[Box]) -> list[float]:
    """Distinct row tops of a fragment."""
    tops: list[float] = []
    for t in sorted(b.top for b in boxes):
        if not tops or t - tops[-1] > SNAP:
            tops.append(t)
    return tops


def stitch(frags: list[Frag]) -> list[Box]:
    """The boxes of all fragments, stacked one under the other with the break repaired."""
    boxes = [replace(b) for b in frags[0].boxes]
    head = _rows(boxes)
    y = frags[0].bottom
    for frag in frags[1:]:
        lower = [replace(b) for b in frag.boxes]
        lower = _drop_repeated_header(boxes, head, lower)
        if not lower:
            continue
        shift = y - min(b.top for b in lower)
        for b in lower:
            b.top, b.bottom = b.top + shift, b.bottom + shift
        _join_break(boxes, lower, y)
        boxes.extend(lower)
        y = max(b.bottom for b in boxes)
    return boxes


def _drop_repeated_header(upper: list[Box], head: list[float], lower: list[Box]) -> list[Box]:
    """``lower`` without its first rows when they repeat the table's first rows."""
    mine = _rows(lower)
    for k in range(min(MAX_HEADER_ROWS, len(head) - 1, len(mine) - 1), 0, -1):
        cut_a, cut_b = head[k] - SNAP / 2, mine[k] - SNAP / 2
        a = [(round(b.x0), b.text) for b in upper if b.top < cut_a]
        b = [(round(x.x0), x.text) for x in lower if x.top < cut_b]
        if (
            [t for _, t in sorted(a)] == [t for _, t in sorted(b)]
            and any(t for _, t in a)
            and all(x.bottom <= mine[k] + SNAP for x in lower if x.top < cut_b)
        ):
            return [x for x in lower if x.top >= cut_b]
    return lower


def _join_break(upper: list[Box], lower: list[Box], y: float) -> None:
    """Join the cells that continue across the page break (see the module docstring)."""
    above = [b for b in upper if abs(b.bottom - y) <= SNAP]
    below = [b for b in lower if abs(b.top - y) <= SNAP]
    pairs = [
        (u, w)
        for w in below
        for u in above
        if abs(u.x0 - w.x0) <= EDGE_TOL and abs(u.x1 - w.x1) <= EDGE_TOL
    ]
    same_cells = len(pairs) == len(above) == len(below)
    broken_row = same_cells and not any(_NUMBER.match(b.text) for b in above + below)
    rows_above, rows_below = _rows(upper), _rows(lower)
    for u, w in pairs:
        both_open = u.open_bottom and w.open_top
        if both_open or broken_row or _split_merged(u, w, rows_above, rows_below):
            u.text = join_lines(u.text, w.text)
            u.bottom, u.open_bottom = w.bottom, w.open_bottom
            lower.remove(w)


def _split_merged(u: Box, w: Box, rows_above: list[float], rows_below: list[float]) -> bool:
    """Whether u and w are one merged label cell that the producer closed at the break.

    One of them spans several rows; neither is a number (merged value cells are two values);
    and the lower one is blank, or the upper one is, or the lower one does not start a new
    item ("（四）…", "2." …), so its text goes on from the upper one ("（四）无" + "法提供").
    """
    if _span(u, rows_above) < 2 and _span(w, rows_below) < 2:
        return False
    if _NUMBER.match(u.text) or _NUMBER.match(w.text):
        return False
    return not u.text or not w.text or not _ITEM.match(w.text)


def _span(box: Box, tops: list[float]) -> int:
    return sum(1 for t in tops if box.top - SNAP <= t < box.bottom - SNAP)


def _edges(values: Iterable[float], tol: float) -> list[float]:
    """Distinct positions: values within ``tol`` of their neighbour are one (their mean)."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def grid_table(boxes: list[Box], number: int, page: int) -> Table:
    """A grid on the union of the boxes' column and row edges, merged cells resolved."""
    xs = _edges([v for b in boxes for v in (b.x0, b.x1)], EDGE_TOL)
    ys = _edges([v for b in boxes for v in (b.top, b.bottom)], SNAP)
    grid: dict[tuple[int, int], Cell] = {}
    row_page: dict[int, int] = {}
    for b in sorted(boxes, key=lambda b: (b.top, b.x0)):
        r0, r1 = _nearest(ys, b.top), _nearest(ys, b.bottom)
        c0, c1 = _nearest(xs, b.x0), _nearest(xs, b.x1)
        if r1 <= r0 or c1 <= c0 or (r0, c0) in grid:
            continue
        row_page.setdefault(r0, b.page)
        src = Provenance(page=b.page, table=number, row=r0 + 1, col=c0 + 1)
        for r in range(r0, r1):
            for c in range(c0, c1):
                if (r, c) not in grid:
                    grid[(r, c)] = Cell(b.text, src, covered=True)
        grid[(r0, c0)] = Cell(b.text, src, rowspan=r1 - r0, colspan=c1 - c0)
    rows: list[list[Cell]] = []
    current = page
    for r in range(len(ys) - 1):
        current = row_page.get(r, current)
        rows.append(
            [
                grid.get((r, c))
                or Cell("", Provenance(page=current, table=number, row=r + 1, col=c + 1))
                for c in range(len(xs) - 1)
            ]
        )
    return Table(rows, Provenance(page=page, table=number))


def is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def join_lines(a: str, b: str) -> str:
    """Two lines of one cell: digits ("4575" + "0") and CJK join directly, others keep a break."""
    if not a or not b:
        return a or b
    x, y = a[-1], b[0]
    if (x in _NUMERIC and y in _NUMERIC) or is_cjk(x) or is_cjk(y):
        return a + b
    return a + "\n" + b
