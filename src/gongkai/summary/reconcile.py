"""Reconciliation: a published summary compared cell by cell with the sum of its bodies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import GongkaiError
from ..report import CellValue, Number, Report, Value
from .cells import OTHER_SPLIT, Slot, get, operand, single_other, slots, to_decimal
from .core import Summary


@dataclass(frozen=True, slots=True)
class Difference:
    """A cell where a published summary differs from the sum of its bodies."""

    name: str
    label: str
    published: CellValue
    expected: Number
    difference: Number | None  # published − expected; None when published is not a number


def _expected(summary: Report, s: Slot) -> tuple[Decimal, Value]:
    if s.row == "other" and "other" not in summary.requests:  # single row vs three sub-rows
        parts = [get(summary, Slot(s.table, k, s.col, "", "")) for k in OTHER_SPLIT]
        total = sum((operand(v) or Decimal(0) for v in parts if v is not None), Decimal(0))
        return total, Value(int(total), str(total))
    v = get(summary, s)
    assert v is not None  # the summary has every cell of its template
    d, _ = to_decimal(v, s)
    return d if d is not None else Decimal(0), v


def _plain(d: Decimal, like: Value) -> Number:
    return float(d) if isinstance(like.value, float) or d != d.to_integral_value() else int(d)


def reconcile(published: Report, summary: Summary) -> list[Difference]:
    """Cells where the published summary differs from the sum of its bodies, in table order.

    Blank and placeholder cells count as 0 (as in the sum); a cell that could not be read
    is always listed. A published single （六）其他处理 row is compared with the sum of the
    three 2021 sub-rows.

    :raises GongkaiError: when the published summary uses another template.
    """
    own = summary.report
    if published.template != own.template:
        what = (
            "2019年以前的格式" if published.template == "legacy" else f"{published.template}年格式"
        )
        raise GongkaiError(
            f"公布的汇总报告使用{what}，各单位报告使用{own.template}年格式，无法逐格核对",
            published.path,
        )
    return differences(published, own)


def differences(
    published: Report, expected: Report, skip: frozenset[str] = frozenset()
) -> list[Difference]:
    """Cells where ``published`` differs from ``expected`` (a report of the same template
    holding every cell of the tables not in ``skip``), in table order; blank and placeholder
    cells count as 0, a cell that could not be read is always listed."""
    out: list[Difference] = []
    for s in slots(expected.template, single_other(published)):
        if s.table in skip:
            continue
        want, like = _expected(expected, s)
        v = get(published, s)
        if v is None:
            if want != 0:
                out.append(Difference(s.name, s.label, None, _plain(want, like), None))
            continue
        got = to_decimal(v, s)[0] if s.textual and isinstance(v.value, str) else operand(v)
        if got is None:
            out.append(Difference(s.name, s.label, v.shown, _plain(want, like), None))
        elif got != want:
            diff = _plain(got - want, like)
            out.append(Difference(s.name, s.label, v.shown, _plain(want, like), diff))
    return out
