"""Recover cells whose digits ran together ("2920000031"), from the tables' own arithmetic.

A row read as fewer pieces than it has cells is split every way that gives valid numbers (no
leading zeros), keeping the readings its row rule allows (row 总计 = sum of its parts). The
rows' readings are then combined under the column rules (勾稽: 一 + 二 = （七） + 四; （七） = sum
of the outcome rows). A cell is taken when every reading that fits agrees on it; otherwise it
is left undecided and the caller keeps the raw text. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations, pairwise

Reading = tuple[int, ...]
Assignment = dict[str, Reading]
# A joint rule returns False only when the rows assigned so far already break it.
JointRule = Callable[[Assignment], bool]

MAX_READINGS = 20_000  # per row; beyond this the row is left undecided
MAX_NODES = 200_000  # joint search budget
MAX_PART_DIGITS = 9


def readings(pieces: Sequence[str], n: int, group: int | None = None) -> list[Reading] | None:
    """All readings of digit ``pieces`` as ``n`` cells; each piece gives at least one cell.

    With ``group``, every run of ``group`` cells ends with the sum of the others (Table B rows:
    7; Table C: three runs of 5), so that cell is not guessed: it must be spelled out next.
    Returns None when there are too many readings to consider.
    """
    s = "".join(pieces)
    if not pieces or not s.isdigit() or not n <= len(s) <= n * MAX_PART_DIGITS:
        return []
    cuts = sorted({sum(map(len, pieces[: i + 1])) for i in range(len(pieces))})
    out: list[Reading] = []
    acc: list[int] = []

    def walk(pos: int, run_sum: int) -> bool:
        idx = len(acc)
        if idx == n:
            if pos == len(s):
                out.append(tuple(acc))
            return len(out) <= MAX_READINGS
        left_cells, left_digits = n - idx, len(s) - pos
        if not left_cells <= left_digits <= left_cells * MAX_PART_DIGITS:
            return True
        limit = next(c for c in cuts if c > pos)  # a cell never crosses a piece boundary
        if group and idx % group == group - 1:
            total = str(run_sum)
            if not s.startswith(total, pos) or pos + len(total) > limit:
                return True
            acc.append(run_sum)
            ok = walk(pos + len(total), 0)
            acc.pop()
            return ok
        for end in range(pos + 1, min(limit, pos + MAX_PART_DIGITS) + 1):
            if end - pos > 1 and s[pos] == "0":
                break
            value = int(s[pos:end])
            acc.append(value)
            ok = walk(end, run_sum + value)
            acc.pop()
            if not ok:
                return False
        return True

    return out if walk(0, 0) else None


def joined(pieces: Sequence[str], n: int, group: int | None = None) -> list[Reading]:
    """Readings of more digit ``pieces`` than ``n`` cells: a number letter-spaced by a PDF
    step ("1 6" for 16) spans pieces, so each cell is a run of whole pieces. With ``group``
    the last cell of each run of ``group`` must be the sum of the others (as in readings)."""
    extra = len(pieces) - n
    if not 0 < extra <= 3 or not all(p.isdigit() for p in pieces):
        return []
    out: list[Reading] = []
    for cuts in combinations(range(1, len(pieces)), n - 1):
        bounds = (0, *cuts, len(pieces))
        cells = ["".join(pieces[a:b]) for a, b in pairwise(bounds)]
        if any(len(c) > MAX_PART_DIGITS or (len(c) > 1 and c[0] == "0") for c in cells):
            continue
        values = tuple(int(c) for c in cells)
        if group and any(
            values[i + group - 1] != sum(values[i : i + group - 1])
            for i in range(0, n - group + 1, group)
        ):
            continue
        out.append(values)
    return out


def solve(
    candidates: dict[str, list[Reading]],
    rules: Sequence[JointRule] = (),
    hints: Sequence[JointRule] = (),
) -> dict[str, list[int | None]]:
    """Combine per-row readings under joint rules; a cell is None where readings disagree.

    ``hints`` (e.g. the number of applications the narrative states) narrow the readings
    only when some reading satisfies them.
    """
    fixed = {k: c[0] for k, c in candidates.items() if len(c) == 1}
    open_rows = sorted(
        (k for k, c in candidates.items() if len(c) > 1), key=lambda k: len(candidates[k])
    )
    solutions: list[Assignment] = []
    nodes = 0

    def dfs(i: int, acc: Assignment) -> bool:
        nonlocal nodes
        nodes += 1
        if nodes > MAX_NODES or len(solutions) > MAX_READINGS:
            return False
        if not all(rule(acc) for rule in rules):
            return True  # rules judge partial assignments too: prune early
        if i == len(open_rows):
            solutions.append(dict(acc))
            return True
        key = open_rows[i]
        for reading in candidates[key]:
            acc[key] = reading
            if not dfs(i + 1, acc):
                return False
        del acc[key]
        return True

    complete = dfs(0, dict(fixed))
    if complete and solutions:
        for hint in hints:
            narrowed = [s for s in solutions if hint(s)]
            if narrowed:
                solutions = narrowed
        return {k: consensus([s[k] for s in solutions]) for k in candidates}
    # No joint reading (the document's own arithmetic is off) or too many: per row only.
    return {k: consensus(c) if c else [] for k, c in candidates.items()}


def consensus(readings_: Sequence[Reading]) -> list[int | None]:
    """Each cell's value where all readings agree, else None."""
    if not readings_:
        return []
    first = readings_[0]
    return [v if all(r[i] == v for r in readings_) else None for i, v in enumerate(first)]
