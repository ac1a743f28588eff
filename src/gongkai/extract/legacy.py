"""Pre-2019 statistics appendices: indicator tables of label · unit · one or two values.

A table grid (HTML/DOCX/PDF/pipe table) with a 统计指标/指标名称 + 单位 header row is read
cell by cell; otherwise the document is read as text (legacy_text), whatever its layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import templates as T
from ..model import Cell, Document, Table
from ..report import Value
from .legacy_split import solve
from .legacy_text import find_text_table
from .text import norm, parse_value

_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")

# A page number line caught in a table: "— 3 —", "- 3 -", "第 3 页", "第3页/共8页".
_PAGE = re.compile(
    r"^(?:[—–\-]+\s*\d{1,3}\s*[—–\-]+|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?)$"
)

Legacy = dict[str, Value | list[Value]]


def _header(table: Table) -> tuple[int, int, list[int]] | None:
    """(header row index, unit column, value columns) of an indicator table."""
    heads = {norm(h) for h in T.LEGACY_HEADER_LABELS}
    units = {norm(u) for u in T.LEGACY_UNIT_LABELS}
    skip = {norm(s) for s in T.LEGACY_SKIP_COLUMNS}
    for r, row in enumerate(table.rows[:6]):
        texts = [norm(c.text) for c in row]
        if not any(t in heads for t in texts) or not any(t in units for t in texts):
            continue
        unit_col = next(i for i, t in enumerate(texts) if t in units)
        values = [
            i
            for i in range(unit_col + 1, len(row))
            if not row[i].covered and texts[i] and texts[i] not in skip
        ]
        return r, unit_col, values
    return None


def read_legacy(doc: Document) -> tuple[Legacy, list[str], list[str]]:
    """Every indicator row with a unit or a value, keyed "<top-level row>/<label>";
    the value column names when there are several; warnings."""
    out, columns, sound = _read_grid(doc)
    if out and sound:
        return out, columns, []
    text_out, text_columns, warnings = _read_text(doc)
    if text_out:
        return text_out, text_columns, warnings
    return out, columns, []


def _read_grid(doc: Document) -> tuple[Legacy, list[str], bool]:
    """The grid reading, and whether every row's unit cell holds a unit (or nothing): a
    grid built from text with misplaced cells fails this and the text reading is used.

    A table whose header row repeats the previous indicator table's continues it (a table
    split at page breaks, the header printed again on each page): the top-level row and a
    label still waiting for its values carry over."""
    out: Legacy = {}
    columns: list[str] = []
    units = {norm(u) for u in T.LEGACY_UNITS}
    sound = True
    top: str | None = None
    held: _Row | None = None
    prev_head: list[str] | None = None
    for table in doc.tables:
        found = _header(table)
        if found is None:
            continue
        hr, unit_col, value_cols = found
        if not value_cols:
            continue
        head = [norm(c.text) for c in table.rows[hr]]
        if head != prev_head:
            _emit(out, held)
            top, held = None, None
        prev_head = head
        columns = columns or [table.rows[hr][i].text.strip() for i in value_cols]
        for row in table.rows[hr + 1 :]:
            if len(row) <= max(value_cols):
                continue
            label = row[0].text.strip()
            if _repeated_header(row, head) or _PAGE.match(label):
                continue
            cells = [row[i] for i in value_cols]
            unit = row[unit_col].text.strip()
            if unit and (label or held) and not _unit_like(norm(unit), units):
                sound = False
            if not label:
                if held is not None and not row[0].covered and any(c.text.strip() for c in cells):
                    # The values of a long label printed on a row of their own (detached).
                    if not (unit and held.unit and norm(unit) != norm(held.unit)):
                        held.unit = held.unit or unit
                        held.cells = cells
                    _emit(out, held)
                    held = None
                continue
            _emit(out, held)
            held = None
            is_top = _TOP.match(label) is not None
            if is_top:
                top = label
            key = label if is_top or top is None else f"{top}/{label}"
            if not any(c.text.strip() for c in cells):
                # No value yet: the next row may hold them; a heading when it never does.
                held = _Row(key, unit, cells)
                continue
            _emit(out, _Row(key, unit, cells))
    _emit(out, held)
    return out, columns if len(columns) > 1 else [], sound


@dataclass(slots=True)
class _Row:
    key: str
    unit: str
    cells: list[Cell]


def _emit(out: Legacy, row: _Row | None) -> None:
    """Store a row that has a unit or a value (a row with neither is a heading)."""
    if row is None or not (row.unit or any(c.text.strip() for c in row.cells)):
        return
    values = []
    for c in row.cells:
        parsed = parse_value(c.text)
        v = c.text.strip() if parsed is None else parsed.value
        values.append(Value(v, c.text.strip(), row.unit or None, c.source))
    out[row.key] = values[0] if len(values) == 1 else values


def _repeated_header(row: list[Cell], head: list[str]) -> bool:
    """The table's header row printed again (after a page break inside the table)."""
    return [norm(c.text) for c in row] == head


def _unit_like(text: str, units: set[str]) -> bool:
    """A unit cell: a known unit, or a short word that is no number and no label part."""
    if text in units:
        return True
    return len(text) <= 3 and not re.search(r"[\d一二三四五六七八九十(（]", text)


def _read_text(doc: Document) -> tuple[Legacy, list[str], list[str]]:
    table = find_text_table(doc)
    if table is None or not table.rows:
        return {}, [], []
    values, warnings = solve(table)
    out: Legacy = {}
    for row, vals in zip(table.rows, values, strict=True):
        key = row.label if row.top is None else f"{row.top}/{row.label}"
        if key in out:
            warnings.append(f"统计附表中「{key}」出现两次，只保留第一次的数字")
            continue
        out[key] = vals[0] if len(vals) == 1 else vals
    columns = table.columns if len(table.columns) > 1 else []
    return out, columns, warnings
