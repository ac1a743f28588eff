"""Pre-2019 statistics appendices: indicator tables of label · unit · one or two values."""

from __future__ import annotations

import re

from .. import templates as T
from ..model import Document, Table
from ..report import Value
from .text import norm, parse_value

_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")


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


def read_legacy(doc: Document) -> tuple[dict[str, Value | list[Value]], list[str]]:
    """Every indicator row with a unit or a value, keyed "<top-level row>/<label>"."""
    out: dict[str, Value | list[Value]] = {}
    columns: list[str] = []
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
            has_value = any(c.text.strip() for c in cells) or row[unit_col].text.strip()
            is_top = _TOP.match(label) is not None
            if is_top:
                top = label
            if not has_value:
                continue
            key = label if is_top or top is None else f"{top}/{label}"
            values = []
            for c in cells:
                parsed = parse_value(c.text)
                v = c.text.strip() if parsed is None else parsed.value
                unit = row[unit_col].text.strip() or None
                values.append(Value(v, c.text.strip(), unit, c.source))
            out[key] = values[0] if len(values) == 1 else values
    return out, columns if len(columns) > 1 else []
