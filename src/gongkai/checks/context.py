"""What a rule sees: the report (and last year's), plus helpers to name cells and emit findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar, cast

from ..report import MAX_FIGURE, CellValue, Number, Report, Value
from ..templates import (
    OTHER_SINGLE,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ORG_HEADER,
    REQUESTS_2021,
    REVIEW_KEYS,
    REVIEW_LABELS,
    SECTIONS,
    SUBTOTAL_KEYS,
    Row,
    request_rows_for,
)
from .catalogue import NOT_APPLICABLE, CellRef, Finding, Rule

# Cell texts that stand for "nothing" (R20); arithmetic treats them as 0, B6/C5 report them.
PLACEHOLDERS = frozenset({"/", "／", "-", "—", "——", "－", "无", "空"})

# The smallest non-zero amount a report writes (amounts are in 万元 with a few decimals).
MIN_FRACTION = 1e-6

T = TypeVar("T")
_ROWS: dict[str, Row] = {r.key: r for r in (*REQUESTS_2021, OTHER_SINGLE)}
_GROUP_LABELS = {g.key: g.label for g in REQUEST_GROUPS}
_SUBTOTAL_LABELS = {v: f"{_GROUP_LABELS[k]}·小计" for k, v in SUBTOTAL_KEYS.items()}
_TITLES = {s.number: s.title for s in SECTIONS}


@dataclass
class Context:
    """The input of one rule run. ``rule`` is set by the runner before the rule is called.

    ``memo`` is shared by the rules of one check, so work such as reading the narrative's
    numbers is done once per report (see :meth:`cached`).
    """

    report: Report
    previous: Report | None = None
    rule: Rule | None = None
    memo: dict[str, object] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, once per check of this report."""
        if key not in self.memo:
            self.memo[key] = compute()
        return cast(T, self.memo[key])

    def _current(self) -> Rule:
        if self.rule is None:
            raise RuntimeError("Context.rule is not set: rules are run by gongkai.checks.check")
        return self.rule

    def finding(
        self,
        fields: Mapping[str, object],
        *,
        table: str | None = None,
        rows: Iterable[str] = (),
        columns: Iterable[str] = (),
        cells: Iterable[CellRef] = (),
        numbers: Mapping[str, Number] | None = None,
    ) -> Finding:
        """A finding of the current rule, its message rendered strictly from ``fields``."""
        r = self._current()
        return Finding(
            r.code,
            r.severity,
            r.title,
            r.render(fields),
            dict(fields),
            table,
            tuple(dict.fromkeys(rows)),
            tuple(dict.fromkeys(columns)),
            dict(numbers or {}),
            tuple(cells),
        )

    def not_applicable(self, reason: str, table: str | None = None) -> Finding:
        """An info finding saying the rule could not be applied, and why."""
        r = self._current()
        fields = {"reason": reason}
        return Finding(
            r.code,
            "info",
            r.title,
            NOT_APPLICABLE.format_map(fields),
            fields,
            table,
            applicable=False,
        )


# -- values ----------------------------------------------------------------------------------


def is_blank(v: Value) -> bool:
    return v.value is None and not v.ambiguous


def is_placeholder(v: Value) -> bool:
    return isinstance(v.value, str) and v.value.strip() in PLACEHOLDERS


def number(v: Value) -> Number | None:
    """The cell's number when a report can hold it: finite, under 10^15 in magnitude and not
    a float closer to 0 than one millionth.

    NaN, infinities and absurd magnitudes (a Report built in Python may hold anything) are no
    figure: the rules treat them as unreadable instead of overflowing float arithmetic.
    """
    n = v.number
    if n is None or n != n or not -MAX_FIGURE < n < MAX_FIGURE:
        return None
    if isinstance(n, float) and n and abs(n) < MIN_FRACTION:
        return None  # 1e-233 is no amount: its exact decimal has hundreds of digits
    return n


def out_of_range(v: Value) -> bool:
    """A number no report can hold (see :func:`number`)."""
    return v.number is not None and number(v) is None


def shown(v: Value, limit: int = 30) -> str:
    """The cell as written, for a message: long texts are cut, huge numbers are described."""
    n = v.value
    if v.raw:
        text = v.raw
    elif isinstance(n, int) and not isinstance(n, bool) and out_of_range(v):
        return f"约{int(abs(n).bit_length() * 0.30103) + 1}位的数字"  # str() refuses 4,300+
    else:
        text = str(n)
    return text if len(text) <= limit else f"{text[:limit]}…（共{len(text)}个字符）"


def cell_value(v: Value | None) -> CellValue:
    """The cell's value for a finding: a figure, a text, None; else how it is written."""
    if v is None:
        return None
    if v.number is not None and number(v) is None:
        return shown(v)
    return v.value


def operand(v: Value) -> Number | None:
    """The number a cell contributes to a sum: blanks and placeholders count 0; None = unknown."""
    if v.ambiguous or out_of_range(v):
        return None
    n = v.number
    if n is not None:
        return n
    if is_blank(v) or is_placeholder(v):
        return 0
    return None


def clean(n: Number) -> Number:
    """A sum without float noise; whole floats become ints (for messages)."""
    r = round(n, 6)
    return int(r) if float(r).is_integer() else r


def show_share(part: Number, whole: Number) -> str:
    return f"{part / whole:.0%}" if whole else "—"


def join_labels(labels: Iterable[str], limit: int = 5) -> str:
    items = list(dict.fromkeys(labels))
    head = "、".join(items[:limit])
    return head if len(items) <= limit else f"{head}等{len(items)}项"


# -- naming cells ----------------------------------------------------------------------------


def _where(v: Value | None) -> str | None:
    return v.source.describe() if v is not None and v.source is not None else None


def row_label(key: str) -> str:
    """The Chinese label of a Table B row key, with its group for numbered sub-rows."""
    if key in _SUBTOTAL_LABELS:
        return _SUBTOTAL_LABELS[key]
    row = _ROWS.get(key)
    if row is None:
        return key
    if row.group in _GROUP_LABELS:
        return f"{_GROUP_LABELS[row.group]}·{row.label}"
    return row.label


def column_label(col: int) -> str:
    c = REQUEST_COLUMNS[col]
    return f"{REQUEST_ORG_HEADER}·{c.label}" if c.key == "other_org" else c.label


def request_value(report: Report, row: str, col: int) -> Value | None:
    vals = report.requests.get(row)
    return vals[col] if vals is not None and col < len(vals) else None


def request_number(report: Report, row: str, col: int) -> Number | None:
    """What a Table B cell contributes to a sum (see :func:`operand`); None when unknown."""
    v = request_value(report, row, col)
    return None if v is None else operand(v)


def request_cell(report: Report, row: str, col: int) -> CellRef:
    v = request_value(report, row, col)
    return CellRef(
        f"requests.{row}.{REQUEST_COLUMNS[col].key}",
        f"{row_label(row)} × {column_label(col)}",
        cell_value(v),
        v.raw if v else "",
        _where(v),
    )


def review_value(report: Report, index: int) -> Value | None:
    vals = report.review_litigation
    return vals[index] if vals is not None and index < len(vals) else None


def review_cell(report: Report, index: int) -> CellRef:
    key = REVIEW_KEYS[index]
    v = review_value(report, index)
    return CellRef(
        f"review_litigation.{key}",
        REVIEW_LABELS[key],
        cell_value(v),
        v.raw if v else "",
        _where(v),
    )


def active_value(report: Report, row: str, col: int) -> Value | None:
    vals = report.active.get(row)
    return vals[col] if vals is not None and col < len(vals) else None


def active_cell(report: Report, row: Row, col: int) -> CellRef:
    v = active_value(report, row.key, col)
    column = row.columns[col]
    return CellRef(
        f"active.{row.key}.{column.key}",
        f"{row.label} × {column.label}",
        cell_value(v),
        v.raw if v else "",
        _where(v),
    )


def legacy_values(report: Report, key: str) -> list[Value]:
    lv = report.legacy.get(key)
    if lv is None:
        return []
    return lv if isinstance(lv, list) else [lv]


def legacy_cell(report: Report, key: str, index: int) -> CellRef:
    vals = legacy_values(report, key)
    v = vals[index] if index < len(vals) else None
    multi = isinstance(report.legacy.get(key), list)
    name = f"legacy.{key}[{index}]" if multi else f"legacy.{key}"
    cols = report.legacy_columns
    label = f"{key} × {cols[index]}" if multi and index < len(cols) else key
    return CellRef(name, label, cell_value(v), v.raw if v else "", _where(v))


def section_ref(report: Report, number: str, excerpt: str = "") -> CellRef:
    """A passage of section ``number`` (一…六) as a finding location."""
    sec = report.sections.get(number)
    title = sec.title if sec is not None else _TITLES.get(number, "")
    where = sec.source.describe() if sec is not None and sec.source is not None else None
    return CellRef(
        f"sections.{number}", f"{number}、{title}", None, excerpt, where or f"第{number}部分"
    )


def request_rows(report: Report) -> tuple[Row, ...]:
    """Table B rows of the report's layout (a 2021 report may print （六） as one row)."""
    return request_rows_for(report.template, set(report.requests))


def result_rows(report: Report) -> tuple[Row, ...]:
    return tuple(r for r in request_rows(report) if r.group is not None)
