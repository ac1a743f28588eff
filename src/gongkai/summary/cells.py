"""The cells of a summary: where each sits, what a body's cell adds, and what is odd about it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..checks.context import column_label, number, row_label, shown
from ..report import Report, Value
from ..templates import (
    OTHER_SINGLE,
    REQUEST_COLUMN_KEYS,
    REVIEW_KEYS,
    REVIEW_LABELS,
    Row,
    template_for,
)

# The three 2021 sub-rows of （六）其他处理.
OTHER_SPLIT = tuple(r.key for r in template_for("2021").request_rows if r.group == "other")
# 2019 采购总金额 is kept as written ("13575394432.52元"); amounts with a unit can be added.
_AMOUNT = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元)$")


@dataclass(frozen=True, slots=True)
class Slot:
    """One cell of the summary's template: where it sits and its stable name."""

    table: str  # "active" | "requests" | "review_litigation"
    row: str  # row key ("" for Table C)
    col: int
    name: str
    label: str
    decimal: bool = False
    textual: bool = False


@dataclass(frozen=True, slots=True)
class CellNote:
    """A cell that did not hold a plain number: blank, text, missing or unresolved."""

    name: str
    label: str
    kind: str  # 空白 | 文字 | 缺失 | 无法确定
    raw: str = ""


def slots(template: str, single_other: bool = False) -> list[Slot]:
    """Every cell of a template's three tables, in reading order."""
    tpl = template_for(template)
    out: list[Slot] = []
    for row in tpl.active_rows:
        for i, c in enumerate(row.columns):
            label = f"{row.group}·{row.label} × {c.label}"
            name = f"active.{row.key}.{c.key}"
            out.append(Slot("active", row.key, i, name, label, c.decimal, c.textual))
    rows: Sequence[Row] = tpl.request_rows
    if single_other:
        rows = [r for r in rows if r.key not in OTHER_SPLIT]
        rows.insert(next(i for i, r in enumerate(rows) if r.key == "total"), OTHER_SINGLE)
    for row in rows:
        for i, ck in enumerate(REQUEST_COLUMN_KEYS):
            label = f"{row_label(row.key)} × {column_label(i)}"
            out.append(Slot("requests", row.key, i, f"requests.{row.key}.{ck}", label))
    for i, key in enumerate(REVIEW_KEYS):
        out.append(Slot("review_litigation", "", i, f"review_litigation.{key}", REVIEW_LABELS[key]))
    return out


def get(rep: Report, s: Slot) -> Value | None:
    if s.table == "active":
        vals = rep.active.get(s.row)
    elif s.table == "requests":
        vals = rep.requests.get(s.row)
    else:
        vals = rep.review_litigation
    return vals[s.col] if vals is not None and s.col < len(vals) else None


def single_other(rep: Report) -> bool:
    return rep.template == "2021" and "other" in rep.requests and OTHER_SPLIT[0] not in rep.requests


def to_decimal(v: Value, s: Slot) -> tuple[Decimal | None, str]:
    """The cell as a Decimal (None when it holds no number) and its unit for textual amounts."""
    n = number(v)  # NaN, infinities and absurd magnitudes are no figure: noted as text
    if n is not None and not v.ambiguous:
        return (Decimal(n) if isinstance(n, int) else Decimal(repr(n))), ""
    if s.textual and isinstance(v.value, str):
        m = _AMOUNT.match(v.value.strip()) if len(v.value) <= 40 else None
        if m:
            amount = Decimal(m.group(1).replace(",", ""))
            return (amount / 10000 if m.group(2) == "元" else amount), "万元"
    return None, ""


def note(v: Value | None, s: Slot) -> CellNote | None:
    if v is None:
        return CellNote(s.name, s.label, "缺失")
    if v.ambiguous:
        return CellNote(s.name, s.label, "无法确定", shown(v, 200))
    if v.value is None:
        return CellNote(s.name, s.label, "空白")
    if to_decimal(v, s)[0] is None:
        return CellNote(s.name, s.label, "文字", shown(v, 200))
    return None


def as_value(total: Decimal, has_float: bool, unit: str) -> Value:
    """The summed cell: ints stay ints; decimals keep the inputs' precision exactly."""
    text = format(total, "f")
    if unit:
        return Value(f"{text}{unit}", f"{text}{unit}")
    return Value(float(total), text) if has_float else Value(int(total), text)


def operand(v: Value) -> Decimal | None:
    """What a cell says as a number for a comparison: blank and text mean 0; None = unknown."""
    if v.ambiguous or (v.number is not None and number(v) is None):
        return None  # unreadable, or a number no report can hold
    n = number(v)
    if n is not None:
        return Decimal(n) if isinstance(n, int) else Decimal(repr(n))
    return Decimal(0)
