"""Recover cells whose digits ran together ("2920000031"), from the tables' own arithmetic.

A row read as fewer pieces than it has cells is split every way that gives valid numbers (no
leading zeros), keeping the readings its row rule allows (row 总计 = sum of its parts). The
rows' readings are then combined under the column rules (勾稽: 一 + 二 = （七） + 四; （七） = sum
of the outcome rows). A cell is taken when every reading that fits agrees on it; otherwise it
is left undecided and the caller keeps the raw text. Nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

Reading = tuple[int, ...]
RowRule = Callable[[Reading], bool]

MAX_READINGS = 50_000  # per row; beyond this the row is left undecided
MAX_NODES = 500_000  # joint search budget
MAX_PART_DIGITS = 9


def _cuts(s: str, parts: int) -> Iterator[tuple[int, ...]]:
    """Every way to cut a digit string into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if (s == "0" or not s.startswith("0")) and len(s) <= MAX_PART_DIGITS:
            yield (int(s),)
        return
    for i in range(1, min(len(s) - parts + 1, MAX_PART_DIGITS) + 1):
        head = s[:i]
        if len(head) > 1 and head.startswith("0"):
            break
        for rest in _cuts(s[i:], parts - 1):
            yield (int(head), *rest)


def readings(pieces: Sequence[str], n: int, rule: RowRule | None = None) -> list[Reading] | None:
    """All readings of ``pieces`` as ``n`` cells (each piece gives at least one cell).

    Returns None when there are too many to consider.
    """
    if not pieces or any(not p.isdigit() for p in pieces) or sum(map(len, pieces)) < n:
        return []
    out: list[Reading] = []

    def walk(i: int, left: int, acc: tuple[int, ...]) -> bool:
        if i == len(pieces):
            if left == 0 and (rule is None or rule(acc)):
                out.append(acc)
            return len(out) <= MAX_READINGS
        later = len(pieces) - i - 1
        for k in range(1, min(left - later, len(pieces[i])) + 1):
            for cut in _cuts(pieces[i], k):
                if not walk(i + 1, left - k, acc + cut):
                    return False
        return True

    return out if walk(0, n, ()) else None


def row_total_rule(width: int) -> RowRule:
    """The last cell is the sum of the others (Table B rows)."""
    return lambda r: sum(r[: width - 1]) == r[width - 1]


def group_total_rule(group: int) -> RowRule:
    """Each run of ``group`` cells ends with the sum of the others (Table C)."""

    def ok(r: Reading) -> bool:
        return all(sum(r[i : i + group - 1]) == r[i + group - 1] for i in range(0, len(r), group))

    return ok


Assignment = dict[str, Reading]
JointRule = Callable[[Assignment], bool]


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
        if i == len(open_rows):
            if all(rule(acc) for rule in rules):
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
    if not readings_:
        return []
    first = readings_[0]
    return [v if all(r[i] == v for r in readings_) else None for i, v in enumerate(first)]
