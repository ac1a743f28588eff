"""Figures for bodies × years: any stored cell, or a rate from the catalogue :data:`RATES`.

The catalogue is data (one line per rate, built from the template keys): a rate is the sum of
its numerator cells over the sum of its denominator cells of one report. A blank cell, or one
holding text such as "无", counts as 0 (as summaries count it); a rate is None when a cell is
absent (the report has no such table, e.g. before 2019) or undecided, or when the denominator
is 0 — never an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import and_, select

from ..errors import GongkaiError
from ..output import cell_columns, cell_label
from ..templates import ALL_REQUEST_KEYS, G_DENIED, REVIEW_KEYS, TEMPLATE_2021
from . import schema
from .engine import Store
from .queries import B, R, of_region, resolve_body

C = schema.cells.c


def _request(row: str) -> str:
    assert row in ALL_REQUEST_KEYS, row
    return f"requests.{row}.total"


def _review(group: str, outcome: str) -> str:
    key = f"{group}_{outcome}"
    assert key in REVIEW_KEYS, key
    return f"review_litigation.{key}"


@dataclass(frozen=True)
class Rate:
    """A computed figure: sum(numerator cells) / sum(denominator cells) of one report."""

    key: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    @property
    def description(self) -> str:
        """The formula in Chinese labels, e.g. ``（一）予以公开·总计 ÷ （七）总计·总计``."""

        def terms(names: tuple[str, ...]) -> str:
            text = " + ".join(cell_label(n) for n in names)
            return f"（{text}）" if len(names) > 1 else text

        return f"{terms(self.numerator)} ÷ {terms(self.denominator)}"


_TOTAL = _request("total")
_DENIED = tuple(_request(r.key) for r in TEMPLATE_2021.request_rows if r.group == G_DENIED.key)

# The rates people ask for about these reports: outcomes of requests (shares of all requests
# handled this year, （七）总计), how many were completed, and how often reviews and lawsuits
# corrected the body (corrected cases over all cases, pending ones included, as the table
# reports them).
RATES = (
    Rate("rate.granted", "予以公开率", (_request("granted"),), (_TOTAL,)),
    Rate(
        "rate.disclosed",
        "公开率（含部分公开）",
        (_request("granted"), _request("partial")),
        (_TOTAL,),
    ),
    Rate("rate.denied", "不予公开率", _DENIED, (_TOTAL,)),
    Rate("rate.completed", "办结率", (_TOTAL,), (_request("new"), _request("carried_over"))),
    Rate(
        "rate.review_corrected",
        "行政复议纠错率",
        (_review("review", "corrected"),),
        (_review("review", "total"),),
    ),
    Rate(
        "rate.litigation_corrected",
        "行政诉讼纠错率",
        (_review("lit_direct", "corrected"), _review("lit_after_review", "corrected")),
        (_review("lit_direct", "total"), _review("lit_after_review", "total")),
    ),
)
_BY_NAME = {**{r.key: r for r in RATES}, **{r.label: r for r in RATES}}


@dataclass(frozen=True)
class FigureRow:
    """One figure of one report, in long form."""

    body_id: int | None
    body: str | None  # None for a report whose agency matched no body
    year: int
    report_id: int
    figure: str  # a cell name (requests.new.total) or a rate key (rate.granted)
    label: str  # Chinese
    value: int | float | None  # None: blank, text, undecided or absent (rates: see module)
    text: str | None = None  # what a cell holds when it is no number ("无", undecided digits)


@cache
def _cell_names() -> frozenset[str]:
    return frozenset(cell_columns())


def figure_spec(name: str) -> Rate | str:
    """The rate (by key or Chinese name) or the cell name ``name`` asks for.

    :raises GongkaiError: for a name that is neither.
    """
    name = name.strip()
    rate = _BY_NAME.get(name)
    if rate is not None:
        return rate
    if name in _cell_names() or (name.startswith("legacy.") and len(name) > 7):
        return name
    raise GongkaiError(
        f"未知的数据项“{name[:60]}”：应为单元格名称（如 requests.new.total）"
        "或比率（gongkai query rates 列出全部比率）"
    )


def _plain(n: float | None) -> int | float | None:
    return int(n) if n is not None and float(n).is_integer() and abs(n) < 2**53 else n


def figures(
    store: Store,
    years: int | Iterable[int],
    figures: str | Iterable[str],
    bodies: Iterable[int | str] | None = None,
    region: str | None = None,
) -> list[FigureRow]:
    """Long rows (body, year, figure, label, value) of the current reports of ``years``, one
    per report and figure (value None where the report lacks it), ordered by body, year and
    the order of ``figures``.

    :param figures: cell names (``requests.new.total``, ``review_litigation.review_corrected``)
        and rates from :data:`RATES` (key ``rate.granted`` or name ``予以公开率``).
    :param bodies: body ids or names (any spelling); with ``region`` both must hold.
    :raises GongkaiError: for an unknown figure or body.
    """
    wanted_years = sorted({years} if isinstance(years, int) else set(years))
    specs = [figure_spec(f) for f in ([figures] if isinstance(figures, str) else figures)]
    if not specs or not wanted_years:
        raise GongkaiError("请给出年度和数据项")
    names = sorted(
        {n for s in specs for n in ((s,) if isinstance(s, str) else s.numerator + s.denominator)}
    )
    query = (
        select(
            R.id,
            R.year,
            R.body_id,
            B.name.label("body"),  # not reports.agency: the index alone then serves reports
            C.name,
            C.number,
            C.text,
            C.ambiguous,
        )
        .select_from(schema.reports)
        .outerjoin(schema.bodies, B.id == R.body_id)
        .outerjoin(schema.cells, and_(C.report_id == R.id, C.name.in_(names)))
        .where(R.year.in_(wanted_years), R.current.is_(True))
    )
    if region:
        query = query.where(of_region(region))
    with store.begin() as conn:
        if bodies is not None:
            ids = {resolve_body(conn, b) for b in bodies}
            query = query.where(R.body_id.in_(ids))
        rows = conn.execute(query).all()
    reports: dict[int, tuple[int, int | None, str | None]] = {}
    cells: dict[int, dict[str, tuple[float | None, str | None, bool]]] = {}
    for row in rows:
        reports[row.id] = (row.year, row.body_id, row.body)
        if row.name is not None:
            cells.setdefault(row.id, {})[row.name] = (row.number, row.text, bool(row.ambiguous))
    labels = {s: cell_label(s) for s in specs if isinstance(s, str)}
    out: list[FigureRow] = []
    order = sorted(reports, key=lambda i: (reports[i][2] or "", reports[i][0], i))
    for rid in order:
        year, body_id, body = reports[rid]
        got = cells.get(rid, {})
        for s in specs:
            if isinstance(s, Rate):
                out.append(FigureRow(body_id, body, year, rid, s.key, s.label, rate_value(s, got)))
                continue
            number, text, _ = got.get(s, (None, None, False))
            value = _plain(number)
            shown = text if value is None else None
            out.append(FigureRow(body_id, body, year, rid, s, labels[s], value, shown))
    return out


def rate_value(rate: Rate, got: dict[str, tuple[float | None, str | None, bool]]) -> float | None:
    """``rate`` from cells by name: (number, text, undecided); None when a cell is absent or
    undecided, or the denominator is 0."""

    def total(names: tuple[str, ...]) -> float | None:
        sum_ = 0.0
        for n in names:
            cell = got.get(n)
            if cell is None or cell[2]:
                return None  # absent or undecided
            sum_ += cell[0] or 0.0  # blank or text ("无") counts 0
        return sum_

    top, bottom = total(rate.numerator), total(rate.denominator)
    if top is None or not bottom:
        return None
    return top / bottom


__all__ = ["RATES", "FigureRow", "Rate", "figure_spec", "figures", "rate_value"]
