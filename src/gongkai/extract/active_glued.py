"""Table 二 rows whose digits ran together ("行政规范性文件1126", "行政许可20+1737").

Table 二 has no sums of its own, so a glued row is decided only by what the document itself
says: a sign starts the signed 本年增/减 cell; the narrative's own figures ("全年制发规范性文件1件、
废止1件", "行政许可类37条"); and, in the 2019 layout, a pattern the same table shows in rows
that are already decided (上一年项目数量 + 本年增/减 = 处理决定数量 in every decided row with
numbers). A row with more than one reading left stays undecided.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .. import templates as T
from . import solver

RowHint = Callable[[solver.Reading], bool]
SIGNED = "signed"


def readings(pieces: Sequence[str], row: T.Row) -> list[tuple[int, ...]] | None:
    """Readings of a row's glued pieces; a piece starting with + or - starts the signed cell."""
    n = len(row.columns)
    digits = [p.lstrip("+-") for p in pieces]
    if not all(d.isdigit() for d in digits):
        return []
    reads = solver.readings(digits, n)
    if not reads:
        return reads
    signs: dict[int, int] = {}  # digit offset where a signed cell starts -> sign
    at = 0
    for p, d in zip(pieces, digits, strict=True):
        if p[:1] in "+-":
            signs[at] = -1 if p[0] == "-" else 1
        at += len(d)
    out = []
    for r in reads:
        starts = _starts(r)
        if not all(s in starts for s in signs):
            continue
        cells = list(r)
        for offset, sign in signs.items():
            col = starts.index(offset)
            if not row.columns[col].signed:
                break
            cells[col] = sign * cells[col]
        else:
            out.append(tuple(cells))
    return out


def _starts(reading: Sequence[int]) -> list[int]:
    """Digit offsets where each cell of a reading starts."""
    out, at = [], 0
    for v in reading:
        out.append(at)
        at += len(str(abs(v)))
    return out


def narrative_hints(text: str, row: T.Row) -> list[RowHint]:
    """Figures the narrative states for this row's cells."""
    hints: list[RowHint] = []
    labels = "|".join(re.escape(lab) for lab in sorted(row.all_labels, key=len, reverse=True))
    keys = [c.key for c in row.columns]
    if "issued" in keys:
        for m in re.finditer(
            rf"(?:制发|出台|印发|制定)了?[^。；，,]{{0,8}}?(?:{labels})(\d+)件"
            rf"(?:[、，,和及]\s*废止[^。；，,\d]{{0,8}}?(\d+)件)?",
            text,
        ):
            issued, repealed = int(m.group(1)), m.group(2)
            hints.append(_cell_is(keys.index("issued"), issued))
            if repealed is not None and "repealed" in keys:
                hints.append(_cell_is(keys.index("repealed"), int(repealed)))
    if "decisions" in keys:
        for m in re.finditer(rf"(?:{labels})类?[^。；，,\d]{{0,6}}?(\d+)[条件项]", text):
            hints.append(_cell_is(keys.index("decisions"), int(m.group(1))))
    return hints


def _cell_is(col: int, value: int) -> RowHint:
    return lambda r: r[col] == value


def _items_balance(r: Sequence[int]) -> bool:
    return r[0] + r[1] == r[2]


def decide(
    candidates: dict[str, list[solver.Reading]],
    decided: dict[str, solver.Reading],
    rows: dict[str, T.Row],
    text: str,
) -> dict[str, list[int | None]]:
    """Each glued row's cells: a value where one reading is left, else None."""
    out: dict[str, list[int | None]] = {}
    narrowed: dict[str, list[solver.Reading]] = {}
    for key, reads in candidates.items():
        for hint in narrative_hints(text, rows[key]):
            fit = [r for r in reads if hint(r)]
            if fit:
                reads = fit
        narrowed[key] = reads
    # The 2019 item rows: the table's own pattern, where the rows already decided show it.
    items = {k for k, r in rows.items() if r.columns == T.ACTIVE_2019_ITEM_COLUMNS}
    known = {k: r for k, r in decided.items() if k in items}
    known.update({k: r[0] for k, r in narrowed.items() if k in items and len(r) == 1})
    shown = [r for r in known.values() if any(r)]
    # Two rows with numbers showing it make it the document's pattern, not a coincidence.
    if len(shown) >= 2 and all(_items_balance(r) for r in shown):
        for key, reads in narrowed.items():
            fit = [r for r in reads if _items_balance(r)] if key in items else reads
            if fit and len(reads) > 1:
                narrowed[key] = fit
    for key, reads in narrowed.items():
        out[key] = solver.consensus(reads) if reads else [None] * len(rows[key].columns)
    return out
