"""Values of legacy rows read from text, including runs of glued digits.

A run such as "294981916" under two value columns has several readings. Only constraints
the table itself carries decide between them: a cumulative column is at least the yearly one,
a sub-item ("其中：1." …) is at most its parent in every column, and a figure the report's
own narrative states for the same indicator ("主动公开政府信息2949条"). When more than one
reading survives, the row abstains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice, product

from .. import templates as T
from ..report import Value
from .legacy_text import TextRow, TextTable
from .text import norm, parse_value

Reading = tuple[int, ...]

_DIGIT_ITEM = re.compile(r"^(?:其中[:：]\s*)?(\d{1,2})[.、．]")
_PAREN_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_CLAUSE = re.compile(r"[。；;，,！？!?\n]")
_NUMBERING = re.compile(
    r"^(?:其中[:：])?(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十\d]+[.、．])?"
)


def splits(digits: str, n: int) -> list[Reading]:
    """Every way to cut a run of digits into n numbers without leading zeros."""
    if n == 1:
        return [(int(digits),)]
    out: list[Reading] = []
    for i in range(1, len(digits) - n + 2):
        head = digits[:i]
        if len(head) > 1 and head[0] == "0":
            break
        out.extend((int(head), *rest) for rest in splits(digits[i:], n - 1) if rest)
    return [r for r in out if _no_leading_zeros(digits, r)]


def _no_leading_zeros(digits: str, r: Reading) -> bool:
    return "".join(str(x) for x in r) == digits


def parents(rows: list[TextRow]) -> dict[int, int]:
    """Conservative row → parent-row links: "其中" items and "1." lists under the row above
    them, "（一）" items under a top-level row that has values."""
    out: dict[int, int] = {}
    list_parent: int | None = None
    last_item = 0
    for i, row in enumerate(rows):
        label = row.label
        m = _DIGIT_ITEM.match(label)
        if m:
            k = int(m.group(1))
            if k == 1 and i > 0 and not row.after_heading:
                list_parent, last_item = i - 1, 1
            elif list_parent is not None and k == last_item + 1:
                last_item = k
            else:
                list_parent = None  # a list under a heading row, or numbering out of order
            if list_parent is not None:
                out[i] = list_parent
            continue
        if label.startswith(("其中:", "其中：")) and i > 0 and not row.after_heading:
            out[i] = i - 1
        elif _PAREN_ITEM.match(label) and row.top is not None:
            top = next((j for j in range(i) if rows[j].label == row.top), None)
            if top is not None:
                out[i] = top
        if not label.startswith(("其中", "（", "(")):
            list_parent = None
    return out


def _leq(child: Reading, parent: Reading) -> bool:
    return len(child) == len(parent) and all(c <= p for c, p in zip(child, parent, strict=True))


def _consistent(domains: list[list[Reading]], links: dict[int, int]) -> bool:
    """Arc consistency on the parent links (a forest, so what survives is a solution)."""
    changed = True
    while changed:
        changed = False
        for child, parent in links.items():
            dc, dp = domains[child], domains[parent]
            if len(dc) + len(dp) <= 2:
                if dc and dp and not _leq(dc[0], dp[0]):
                    return False
                continue
            new_p = [p for p in dp if any(_leq(c, p) for c in dc)]
            new_c = [c for c in dc if any(_leq(c, p) for p in new_p)]
            if not new_p or not new_c:
                return False
            if len(new_p) < len(dp) or len(new_c) < len(dc):
                domains[parent], domains[child] = new_p, new_c
                changed = True
    return True


def _keywords(label: str) -> list[str]:
    core = _NUMBERING.sub("", label)
    core = re.sub(r"[（(][^）)]*[)）]?$", "", core)
    core = re.sub(r"(?:总数|数量|数)$", "", core)
    if len(core) < 4:
        return [core] if len(core) >= 2 else []
    return [core[i : i + 4] for i in range(len(core) - 3)]


def stated(narrative: str, row: TextRow) -> set[int]:
    """Numbers the narrative states with this row's unit in a clause naming the row."""
    words = _keywords(row.label)
    if not words or row.unit is None:
        return set()
    out: set[int] = set()
    pattern = re.compile(rf"(?<![\d.])(\d+)\s*{re.escape(row.unit)}")
    for clause in _CLAUSE.split(narrative):
        if any(w in clause for w in words):
            out.update(int(m.group(1)) for m in pattern.finditer(clause))
    return out


def _cumulative_ok(columns: list[str]) -> Iterator[tuple[int, int]]:
    """(cumulative column, other column) pairs whose values must satisfy cum ≥ other."""
    for ci, name in enumerate(columns):
        if T.LEGACY_CUMULATIVE_WORD in name:
            yield from ((ci, oi) for oi in range(len(columns)) if oi != ci)


def solve(table: TextTable) -> tuple[list[list[Value]], list[str]]:
    """The values of every row, in column order, and warnings for rows left undecided."""
    n = max(1, len(table.columns))
    pairs = list(_cumulative_ok(table.columns))
    domains: list[list[Reading]] = []
    for row in table.rows:
        dom: list[Reading] = []
        if row.glued and len(row.values) == 1 and row.values[0].isdigit():
            dom = [r for r in splits(row.values[0], n) if all(r[c] >= r[o] for c, o in pairs)]
        elif len(row.values) == n and all(v.isdigit() for v in row.values):
            dom = [tuple(int(v) for v in row.values)]
        domains.append(dom)
    links = {c: p for c, p in parents(table.rows).items() if domains[c] and domains[p]}
    work = [list(d) for d in domains]
    if not _consistent(work, links):
        # The document itself breaks "part ≤ whole" somewhere: decide nothing by that rule.
        work, links = [list(d) for d in domains], {}
    how = dict.fromkeys(_narrative(table, work, links), "依据正文所述数字")
    summed = _sums(table.rows, work, links)
    if summed:
        how.update(dict.fromkeys(summed, "依据分项之和"))
        trial = [list(d) for d in work]
        if _consistent(trial, links):
            work = trial
    out: list[list[Value]] = []
    warnings: list[str] = []
    for i, row in enumerate(table.rows):
        out.append(_values(row, n, work[i], how.get(i, "依据表内关系"), warnings))
    return out, warnings


def _narrative(table: TextTable, work: list[list[Reading]], links: dict[int, int]) -> set[int]:
    """Fix rows whose only reading with a figure the narrative states for it; propagate."""
    fixed: set[int] = set()
    progress = True
    while progress:
        progress = False
        for i, row in enumerate(table.rows):
            if len(work[i]) < 2:
                continue
            said = stated(table.narrative, row)
            keep = [r for r in work[i] if said.intersection(r)]
            if len(keep) != 1:
                continue
            trial = [list(d) for d in work]
            trial[i] = keep
            if _consistent(trial, links):
                work[:] = trial
                fixed.add(i)
                progress = True
    return fixed


def _values(
    row: TextRow, n: int, dom: list[Reading], reason: str, warnings: list[str]
) -> list[Value]:
    src = row.value_sources[0] if row.value_sources else row.source
    if not row.values:
        return [Value(None, "", row.unit or None, row.source) for _ in range(n)]
    if len(row.values) == n and (n == 1 or not row.glued):
        vals = []
        for raw, vsrc in zip(row.values, row.value_sources, strict=True):
            parsed = parse_value(raw)
            v = raw if parsed is None else parsed.value
            vals.append(Value(v, raw, row.unit or None, vsrc))
        return vals
    raw = "".join(row.values)
    if len(dom) == 1 and row.glued:
        reading = dom[0]
        how = f"由连写数字「{raw}」拆分（{reason}）" if len(splits(raw, n)) > 1 else None
        return [Value(x, str(x), row.unit, src, derived=how) for x in reading]
    what = "多种拆分均成立" if row.glued and len(dom) > 1 else "单元格数目与表头栏目数不符"
    warnings.append(f"统计附表「{row.label}」的数字「{raw}」无法确定（{what}），已保留原文，请核对")
    return [Value(None, raw, row.unit, src, ambiguous=True) for _ in range(n)]


def _indicator(label: str) -> str | None:
    core = norm(re.sub(r"[（(][^）)]*[)）]$", "", _NUMBERING.sub("", label)))
    for ind in T.LEGACY_INDICATORS:
        if core in {norm(x) for x in (ind.label, *ind.aliases)}:
            return ind.key
    return None


_PARTS: dict[str, set[str]] = {}
for _ind in T.LEGACY_INDICATORS:
    if _ind.parent is not None:
        _PARTS.setdefault(_ind.parent, set()).add(_ind.key)


def _sums(rows: list[TextRow], work: list[list[Reading]], links: dict[int, int]) -> set[int]:
    """Where the national form makes a row the sum of its listed parts (收到申请数 = 当面 +
    传真 + 网络 + 信函 …) and the table lists exactly those parts, keep the readings that add
    up, when exactly one combination does."""
    fixed: set[int] = set()
    for parent in sorted(set(links.values())):
        kids = [c for c, p in links.items() if p == parent and _DIGIT_ITEM.match(rows[c].label)]
        group = [parent, *kids]
        if all(len(work[i]) == 1 for i in group) or len(kids) < 2:
            continue
        key = _indicator(rows[parent].label)
        parts = {_indicator(rows[c].label) for c in kids}
        if key is None or parts != _PARTS.get(key) or len(parts) != len(kids):
            continue
        combos = list(islice(product(*(work[i] for i in group)), 10_000))
        good = [c for c in combos if all(sum(col[1:]) == col[0] for col in zip(*c, strict=True))]
        if len(good) == 1 and len(combos) < 10_000:
            for i, reading in zip(group, good[0], strict=True):
                if len(work[i]) > 1:
                    work[i] = [reading]
                    fixed.add(i)
    return fixed
