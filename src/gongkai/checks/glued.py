"""Rules about glued or split digits (spec §7 R1, R2, R19): G1–G3.

When a crawler's text runs adjacent cells together ("2920000031"), the boundary between two
cells can land in the wrong place, or one number can be split over two cells ("拆格"). G1
tries every other boundary between each pair of adjacent cells of a row (a blank neighbour
allows a merge or a split); when exactly one such reading makes the row's arithmetic hold, it
names the cells and that reading. Nothing is repaired: the finding tells a person where to look.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from ..report import Number, Report, Value, ordered_request_keys
from ..templates import REQUEST_COLUMN_KEYS, REVIEW_GROUPS
from .catalogue import TABLE_LABELS, CellRef, Finding, rule
from .context import (
    Context,
    active_cell,
    clean,
    is_blank,
    join_labels,
    legacy_cell,
    number,
    operand,
    request_cell,
    result_rows,
    review_cell,
    row_label,
    shown,
)
from .table_b import BALANCE_ROWS, TOTAL_COL
from .table_c import WIDTH

Relation = tuple[tuple[int, ...], int]  # (indices of the parts, index of the total)
Check = Callable[[int, list[Number | None]], bool]
_ROW_RELATIONS: tuple[Relation, ...] = ((tuple(range(TOTAL_COL)), TOTAL_COL),)
_REVIEW_RELATIONS: tuple[Relation, ...] = tuple(
    (tuple(range(g * WIDTH, g * WIDTH + WIDTH - 1)), g * WIDTH + WIDTH - 1)
    for g in range(len(REVIEW_GROUPS))
)


@dataclass(frozen=True, slots=True)
class Reading:
    """Another split of the digits of two adjacent cells that makes the arithmetic hold."""

    index: int  # the left cell of the pair
    read: tuple[str, str]
    fits: tuple[str, str]


def _digits(v: Value) -> str | None:
    """The cell's digits as written ("" for blank); None when it is not a plain count."""
    if v.ambiguous:
        return None
    if is_blank(v):
        return ""
    n = number(v)
    if n is None or n < 0 or not float(n).is_integer():
        return None
    raw = re.sub(r"\s", "", v.raw)
    return raw if raw.isdecimal() and len(raw) <= 15 and int(raw) == n else str(int(n))


def _holds(vals: list[Number | None], relations: tuple[Relation, ...]) -> list[bool | None]:
    out: list[bool | None] = []
    for parts, total in relations:
        nums = [vals[i] for i in (*parts, total)]
        if any(n is None for n in nums):
            out.append(None)
        else:
            out.append(clean(sum(vals[i] or 0 for i in parts)) == clean(vals[total] or 0))
    return out


def readings(
    line: list[Value], relations: tuple[Relation, ...], also: Check | None = None
) -> list[Reading]:
    """Single re-splits of adjacent cells after which every relation of the line holds.

    ``also`` may veto a reading (e.g. one that breaks a column relation of Table B).
    """
    vals = [operand(v) for v in line]
    if all(h is not False for h in _holds(vals, relations)):
        return []
    found: list[Reading] = []
    for i in range(len(line) - 1):
        a, b = _digits(line[i]), _digits(line[i + 1])
        if a is None or b is None:
            continue
        s = a + b
        for k in range(len(s) + 1):
            left, right = s[:k], s[k:]
            if (left, right) == (a, b) or any(len(p) > 1 and p[0] == "0" for p in (left, right)):
                continue
            trial = list(vals)
            trial[i], trial[i + 1] = int(left or 0), int(right or 0)
            if not all(_holds(trial, relations)) or (also is not None and not also(i, trial)):
                continue
            found.append(Reading(i, (a, b), (left, right)))
    return found


def _show(pair: tuple[str, str]) -> str:
    return "、".join(p or "空白" for p in pair)


def _columns_no_worse(rep: Report, key: str) -> Check:
    """For a Table B row: a reading may not break a column balance (B1, B2) that held."""
    results = [r.key for r in result_rows(rep) if r.key in rep.requests]

    def balanced(col: int, row_value: Number) -> int:
        def val(k: str) -> Number:
            if k == key:
                return row_value
            vals = rep.requests.get(k)
            return (operand(vals[col]) if vals and col < len(vals) else None) or 0

        ok = 0
        if all(k in rep.requests for k in BALANCE_ROWS):
            new, co, tot, cf = (val(k) for k in BALANCE_ROWS)
            ok += clean(new + co) == clean(tot + cf)
        if "total" in rep.requests:
            ok += clean(sum(val(k) for k in results)) == clean(val("total"))
        return ok

    def check(i: int, trial: list[Number | None]) -> bool:
        row = rep.requests[key]
        return all(
            balanced(col, trial[col] or 0) >= balanced(col, operand(row[col]) or 0)
            for col in (i, i + 1)
        )

    return check


@rule(
    "G1",
    "warning",
    "疑似数字粘连或拆格",
    "{where}：{cells}读作「{read}」时勾稽关系不成立；若读作「{fits}」则成立，请核对原文（未自动更正）",
    ("读取", "表内"),
    "网页抓取的文字常把相邻单元格的数字连在一起，或把一个数拆进两格（拆格）。某行或某组不平衡时，"
    "逐对尝试相邻两格数字的其他拆分（含与空白格合并或拆开）；恰好只有一种读法能使该行（组）及相关列"
    "的勾稽关系成立时，报告这两格和这种读法。只提示，不修改数据。",
)
def glued_digits(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template == "legacy":
        yield ctx.not_applicable("2019年以前的统计附表没有行内勾稽关系")
        return
    for key in ordered_request_keys(rep):
        line = rep.requests[key][: len(REQUEST_COLUMN_KEYS)]
        if len(line) < len(REQUEST_COLUMN_KEYS):
            continue
        found = readings(line, _ROW_RELATIONS, _columns_no_worse(rep, key))
        if len(found) == 1:
            r = found[0]
            refs = [request_cell(rep, key, r.index), request_cell(rep, key, r.index + 1)]
            yield _finding(ctx, row_label(key), refs, r, "requests")
    cells = rep.review_litigation or []
    if len(cells) >= len(REVIEW_GROUPS) * WIDTH:
        found = readings(list(cells), _REVIEW_RELATIONS)
        if len(found) == 1:
            r = found[0]
            refs = [review_cell(rep, r.index), review_cell(rep, r.index + 1)]
            yield _finding(ctx, "表四", refs, r, "review_litigation")


def _finding(ctx: Context, where: str, refs: list[CellRef], r: Reading, table: str) -> Finding:
    return ctx.finding(
        {
            "where": where,
            "cells": "与".join(f"「{c.label}」" for c in refs),
            "read": _show(r.read),
            "fits": _show(r.fits),
        },
        table=table,
        columns=[c.name.rsplit(".", 1)[-1] for c in refs],
        cells=refs,
    )


def _all_cells(rep: Report) -> Iterator[tuple[str, Value, Callable[[], CellRef]]]:
    """Every table cell with its table and a maker of its Chinese reference (built only for
    the few cells a finding names: building one for every cell would dominate checking)."""
    for row in rep.active_rows():
        for col, v in enumerate(rep.active.get(row.key, [])[: len(row.columns)]):
            yield "active", v, partial(active_cell, rep, row, col)
    for key in ordered_request_keys(rep):
        for col, v in enumerate(rep.requests[key][: len(REQUEST_COLUMN_KEYS)]):
            yield "requests", v, partial(request_cell, rep, key, col)
    for i, v in enumerate((rep.review_litigation or [])[: len(REVIEW_GROUPS) * WIDTH]):
        yield "review_litigation", v, partial(review_cell, rep, i)
    for key, lv in rep.legacy.items():
        for i, v in enumerate(lv if isinstance(lv, list) else [lv]):
            yield "legacy", v, partial(legacy_cell, rep, key, i)


@rule(
    "G2",
    "warning",
    "数字无法确定",
    "「{cell}」原文「{raw}」有多种拆分都说得通，无法确定数值；涉及它的勾稽关系没有核对",
    ("读取",),
    "数字粘连而表内勾稽关系又不足以确定唯一拆分时，读取程序不作猜测，把单元格标为“无法确定”"
    "（如平潭2020年“行政处罚2648-18538”）。这些单元格需要人工对照原文。",
)
def ambiguous(ctx: Context) -> Iterator[Finding]:
    for table, v, make_ref in _all_cells(ctx.report):
        if v.ambiguous:
            ref = make_ref()
            yield ctx.finding({"cell": ref.label, "raw": shown(v, 200)}, table=table, cells=[ref])


@rule(
    "G3",
    "info",
    "数值由推断得到",
    "{table}有{count}个单元格的数值不是直接读出，而是推断得到（{how}），请与原文核对",
    ("读取",),
    "原文相邻单元格的数字连在一起、或行标签无法逐字识别时，读取程序按表内勾稽关系或表格行序推断出"
    "唯一的读法后填入；这些数值不是直接读到的，列出以便核对。",
)
def derived(ctx: Context) -> Iterator[Finding]:
    by_table: dict[str, list[tuple[Value, CellRef]]] = {}
    for table, v, make_ref in _all_cells(ctx.report):
        if v.derived:
            by_table.setdefault(table, []).append((v, make_ref()))
    for table, items in by_table.items():
        yield ctx.finding(
            {
                "table": TABLE_LABELS[table],
                "count": len(items),
                "how": join_labels((v.derived or "" for v, _ in items), limit=3),
            },
            table=table,
            cells=[ref for _, ref in items],
        )
