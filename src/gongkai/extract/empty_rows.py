"""Table 三 rows printed with no number at all in running text ("（二）部分公开…（三）不予公开…").

Crawler text drops empty cells without a trace, so a label followed directly by the next label
is a row of blank cells, or a row whose numbers were detached from it. The table's own
arithmetic tells which: the row is taken as blank only when every other cell it takes part in
is read and the sums hold with it empty (一 + 二 = （七） + 四; （七） = sum of the outcome rows);
otherwise it is left out and named as missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import templates as T
from ..model import Provenance
from ..report import Value

EMPTY_ROW = "行中没有数字，表内勾稽关系表明各单元格为空白"
_BALANCE = ("new", "carried_over", "total", "carried_forward")


def blank_if_consistent(
    key: str,
    empty: set[str],
    out: dict[str, list[Value]],
    rows: Sequence[T.Row],
    source: Provenance,
) -> list[Value] | None:
    """Seven blank cells for an empty row ``key`` when the arithmetic allows it (with every
    other empty row ``empty`` blank too), else None."""
    nums = {k: [v.number for v in vals] for k, vals in out.items()}
    width = len(T.REQUEST_COLUMNS)

    def col(k: str, c: int) -> int | float | None:
        return 0 if k in empty else nums[k][c] if k in nums else None

    results = [r.key for r in rows if r.group is not None]
    checks: list[list[str]] = []
    # Only sums whose other side was read are evidence: with every row empty (labels printed
    # apart from their numbers) 0 = 0 would hold and prove nothing.
    if key in results and "total" not in empty:
        checks.append(["total", *results])
    if key in _BALANCE and sum(k in empty for k in _BALANCE) == 1:
        checks.append(list(_BALANCE))
    if not checks:
        return None
    for keys in checks:
        for c in range(width):
            cells = [col(k, c) for k in keys]
            if any(x is None for x in cells):
                return None
            if keys[0] == "total":
                ok = cells[0] == sum(x or 0 for x in cells[1:])
            else:
                ok = (cells[0] or 0) + (cells[1] or 0) == (cells[2] or 0) + (cells[3] or 0)
            if not ok:
                return None
    return [Value(None, "", None, source, EMPTY_ROW) for _ in range(width)]
