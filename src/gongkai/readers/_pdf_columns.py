"""Blank cells of borderless PDF tables, estimated from the numbers of the other rows.

A row of a borderless table whose cell is blank only shows a wider gap. When at least two
nearby rows of the same table have the full number of values, and agree on the column
positions (left edges, centres or right edges: whichever agrees best), a row with fewer values
(at least two) whose every value sits on one of those columns gets an empty slot for each
column it skips. Anything less certain is left alone: the caller then writes one TAB.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Protocol

VALUE = re.compile(r"^(?:[-+]?\d[\d,，]*(?:\.\d+)?%?|[-—–－/／×*＊]+|无)$")
MAX_LINE_DISTANCE = 40  # a table's rows lie within this many lines of each other


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
