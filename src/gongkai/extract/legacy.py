"""Pre-2019 statistics appendices: indicator tables of label · unit · one or two values.

A table grid (HTML/DOCX/PDF/pipe table) with a 统计指标/指标名称 + 单位 header row is read
cell by cell; otherwise the document is read as text (legacy_text), whatever its layout.
"""

from __future__ import annotations

import re

from .. import templates as T
from ..model import Document, Table
from ..report import Value
from .legacy_split import solve
from .legacy_text import find_text_table
from .text import norm, parse_value

_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")

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
    grid built from text with misplaced cells fails this and the text reading is used."""
    out: Legacy = {}
    columns: list[str] = []
    units = {norm(u) for u in T.LEGACY_UNITS}
    sound = True
    for table in doc.tables:
        found = _header(table)
        if found is None:
            continue
        hr, unit_col, value_cols = found
        if not value_cols:
            continue
        columns = columns or [table.rows[hr][i].text.strip() for i in value_cols]
        top: str | None = None
        for row in table.rows[hr + 1 :]:
            if len(row) <= max(value_cols):
                continue
            label = row[0].text.strip()
            if not label:
                continue
            cells = [row[i] for i in value_cols]
            unit = row[unit_col].text.strip()
            has_value = any(c.text.strip() for c in cells) or unit
            is_top = _TOP.match(label) is not None
            if is_top:
                top = label
            if not has_value:
                continue
            if unit and not _unit_like(norm(unit), units):
                sound = False
            key = label if is_top or top is None else f"{top}/{label}"
            values = []
            for c in cells:
                parsed = parse_value(c.text)
                v = c.text.strip() if parsed is None else parsed.value
                values.append(Value(v, c.text.strip(), unit or None, c.source))
            out[key] = values[0] if len(values) == 1 else values
    return out, columns if len(columns) > 1 else [], sound


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
