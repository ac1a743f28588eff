"""The report's tables in the official layout, as data: header and body rows of slots (a label
or a value cell's name, with its row and column spans), every row, column and label taken from
:mod:`gongkai.templates`. Pre-2019 appendices keep the rows the report printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from ..checks.catalogue import TABLE_LABELS
from ..templates import (
    ACTIVE_2019,
    ACTIVE_2021,
    ACTIVE_FIRST_COLUMN,
    LEGACY_HEADER_LABELS,
    LEGACY_VALUE_LABEL,
    LITIGATION_HEADER,
    OUTCOMES,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_HEADER,
    REQUEST_NOTE,
    REQUEST_ORG_HEADER,
    REQUEST_OUTER,
    REVIEW_GROUPS,
    REVIEW_KEYS,
    SUBTOTAL_KEYS,
    Row,
    request_rows_for,
)

SUBTOTAL_LABEL = "小计"


@dataclass(frozen=True)
class Slot:
    """One position of the table: a label (``text``) or a value cell (``cell``, its name)."""

    text: str = ""
    cell: str | None = None
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Grid:
    key: str  # active | requests | review_litigation | legacy
    title: str
    head: list[list[Slot]] = field(default_factory=list)
    body: list[list[Slot]] = field(default_factory=list)


def grids(template: str, names: set[str], data: dict[str, Any]) -> list[Grid]:
    """The tables of a report of ``template`` whose stored cells are ``names``; ``data`` is
    the stored reading (the legacy rows' order and value columns)."""
    if template == "legacy":
        return [legacy(data)]
    return [active(template), requests(template, names), review()]


def active(template: str) -> Grid:
    """表二: one block per 第二十条 item: a caption, its column header, its rows."""
    rows = ACTIVE_2019 if template == "2019" else ACTIVE_2021
    width = 1 + max(len(r.columns) for r in rows)
    body: list[list[Slot]] = []
    for caption, members in groupby(rows, key=lambda r: r.group):
        block = list(members)
        columns = block[0].columns
        fill = width - len(columns)  # the last column spans what this block does not use
        body.append([Slot(caption or "", colspan=width)])
        body.append(
            [Slot(ACTIVE_FIRST_COLUMN)]
            + [
                Slot(c.label, colspan=fill if i == len(columns) - 1 else 1)
                for i, c in enumerate(columns)
            ]
        )
        for row in block:
            body.append(
                [Slot(row.label)]
                + [
                    Slot(
                        cell=f"active.{row.key}.{c.key}",
                        colspan=fill if i == len(row.columns) - 1 else 1,
                    )
                    for i, c in enumerate(row.columns)
                ]
            )
    return Grid("active", TABLE_LABELS["active"], [], body)


def requests(template: str, names: set[str]) -> Grid:
    """表三: 25 rows × 7 columns with the template's three-level row captions."""
    keys = {n.split(".")[1] for n in names if n.startswith("requests.")}
    rows = list(request_rows_for(template, keys))
    # Subtotal rows are not in the templates; a report that prints them keeps them.
    for group, key in SUBTOTAL_KEYS.items():
        if key in keys:
            last = max(i for i, r in enumerate(rows) if r.group == group)
            rows.insert(last + 1, Row(key, SUBTOTAL_LABEL, group=group))
    head = [
        [Slot(REQUEST_NOTE, colspan=3, rowspan=3), Slot(REQUEST_HEADER, colspan=7)],
        [
            Slot(REQUEST_COLUMNS[0].label, rowspan=2),
            Slot(REQUEST_ORG_HEADER, colspan=5),
            Slot(REQUEST_COLUMNS[-1].label, rowspan=2),
        ],
        [Slot(c.label) for c in REQUEST_COLUMNS[1:-1]],
    ]
    groups = {g.key: g.label for g in REQUEST_GROUPS}
    in_result = [r.group is not None or r.key == "total" for r in rows]
    body: list[list[Slot]] = []
    for i, row in enumerate(rows):
        slots: list[Slot] = []
        if in_result[i] and (i == 0 or not in_result[i - 1]):
            span = next((j for j in range(i, len(rows)) if not in_result[j]), len(rows)) - i
            slots.append(Slot(REQUEST_OUTER, rowspan=span))
        if row.group in groups:
            if i == 0 or rows[i - 1].group != row.group:
                span = sum(1 for r in rows[i:] if r.group == row.group)
                slots.append(Slot(groups[row.group], rowspan=span))
            slots.append(Slot(row.label))
        else:
            slots.append(Slot(row.label, colspan=2 if in_result[i] else 3))
        slots += [Slot(cell=f"requests.{row.key}.{c.key}") for c in REQUEST_COLUMNS]
        body.append(slots)
    return Grid("requests", TABLE_LABELS["requests"], head, body)


def review() -> Grid:
    """表四: 行政复议 (5 columns) and 行政诉讼 (two groups of 5), one row of 15 cells."""
    first, *litigation = REVIEW_GROUPS
    head = [
        [Slot(first.label, colspan=len(OUTCOMES)), Slot(LITIGATION_HEADER, colspan=10)],
        [Slot(o.label, rowspan=2) for o in OUTCOMES]
        + [Slot(g.label, colspan=len(OUTCOMES)) for g in litigation],
        [Slot(o.label) for _ in litigation for o in OUTCOMES],
    ]
    body = [[Slot(cell=f"review_litigation.{k}") for k in REVIEW_KEYS]]
    return Grid("review_litigation", TABLE_LABELS["review_litigation"], head, body)


def legacy(data: dict[str, Any]) -> Grid:
    """A pre-2019 appendix: its rows as printed (``top-level row/row label``), a caption row for
    each top-level row that has no value of its own."""
    rows = data.get("legacy") if isinstance(data.get("legacy"), dict) else {}
    assert isinstance(rows, dict)
    width = max((len(v) for v in rows.values() if isinstance(v, list)), default=1) or 1
    named = data.get("legacy_columns")
    if isinstance(named, list) and len(named) == width:
        labels = [str(n) for n in named]
    else:
        labels = [LEGACY_VALUE_LABEL] if width == 1 else [f"第{i + 1}列" for i in range(width)]
    head = [[Slot(LEGACY_HEADER_LABELS[0]), *(Slot(label) for label in labels)]]
    body: list[list[Slot]] = []
    shown: str | None = None
    for key, value in rows.items():
        top, sep, label = str(key).partition("/")
        if sep and top != shown and top not in rows:
            body.append([Slot(top, colspan=width + 1)])
        shown = top
        if isinstance(value, list):
            cells = [Slot(cell=f"legacy.{key}[{i}]") for i in range(len(value))]
            cells += [Slot() for _ in range(width - len(value))]
        else:
            cells = [Slot(cell=f"legacy.{key}", colspan=width)]
        body.append([Slot(label if sep else str(key)), *cells])
    return Grid("legacy", TABLE_LABELS["legacy"], head, body)
