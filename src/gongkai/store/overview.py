"""A region's year at a glance (the web app's 总览): reports received against the roster, who
is missing or late, finding counts, and the headline figures with their change from last year.

Headline figures add up the cells of the current reports of the region's bodies (a blank or a
"无" counts as 0, an undecided cell is left out and counted); shares and correction rates are
computed from those sums (:data:`HEADLINES`), None when the denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from ..output import cell_label
from . import schema
from .access import Scope
from .engine import Store
from .queries import MissingBody, R, RegionReport, in_region, missing, of_region, region_reports
from .rates import RATES, Rate, rate_value

C = schema.cells.c

# The sums shown (新收, 上年结转, 办结 = （七）总计), then rates computed from the region's sums.
SUMS = ("requests.new.total", "requests.carried_over.total", "requests.total.total")
HEADLINE_RATES = (
    "rate.granted",
    "rate.completed",
    "rate.review_corrected",
    "rate.litigation_corrected",
)


@dataclass(frozen=True)
class Headline:
    key: str  # a cell name or a rate key
    label: str
    value: float | None
    previous: float | None  # last year's
    change: float | None  # value - previous
    rate: bool  # a share (0..1), shown as a percentage


@dataclass
class Overview:
    region: str | None
    year: int
    years: list[int]  # years with reports in scope, newest first
    expected: int  # bodies the roster expects to report this year (0: no roster loaded)
    received: int  # current reports of the year
    with_errors: int
    errors: int
    warnings: int
    open_findings: int
    late: list[RegionReport]  # published after the due date
    missing: list[MissingBody]
    headlines: list[Headline]
    undecided: int  # cells left out of the sums (undecided digits)
    reports: list[RegionReport] = field(default_factory=list)


def overview(
    store: Store, year: int | None = None, region: str | None = None, scope: Scope | None = None
) -> Overview:
    """The overview of ``region``'s ``year`` (all regions in scope without one; the newest year
    with reports without ``year``) as ``scope`` lets a user see it."""
    scope = scope or Scope()
    visible = [scope.reports()]
    if region:
        visible.append(of_region(region))
    with store.begin() as conn:
        years = sorted(
            conn.execute(
                select(R.year).where(R.current.is_(True), R.year.is_not(None), *visible).distinct()
            ).scalars(),
            reverse=True,
        )
        chosen = year if year is not None else (years[0] if years else dt.date.today().year - 1)
        names = sorted({*SUMS, *(n for r in _RATES for n in r.numerator + r.denominator)})
        sums: dict[int, dict[str, float]] = {chosen: {}, chosen - 1: {}}
        undecided = 0
        for y in sums:
            # The year's reports first, then their cells by (name, report) index: the database
            # must not start from every report's cells of these names.
            ids = select(R.id).where(R.current.is_(True), R.year == y, *visible)
            rows = conn.execute(
                select(C.name, func.sum(C.number), func.sum(case((C.ambiguous, 1), else_=0)))
                .where(C.report_id.in_(ids.scalar_subquery()), C.name.in_(names))
                .group_by(C.name)
            ).all()
            for name, total, ambiguous in rows:
                sums[y][name] = float(total or 0)
                undecided += int(ambiguous or 0) if y == chosen else 0
        ro = schema.roster.c
        listed = select(schema.bodies.c.id).where(scope.bodies())
        if region:
            listed = listed.where(in_region(region))
        expected = conn.execute(
            select(func.count()).where(ro.year == chosen, ro.body_id.in_(listed))
        ).scalar_one()
    reports = region_reports(store, chosen, region, scope=scope)
    absent = missing(store, chosen, region, scope=scope)
    headlines = [_headline(n, cell_label(n), sums, chosen, None) for n in SUMS[:3]]
    headlines += [_headline(r.key, r.label, sums, chosen, r) for r in _RATES]
    return Overview(
        region=region,
        year=chosen,
        years=years,
        expected=int(expected),
        received=len(reports),
        with_errors=sum(1 for r in reports if r.errors),
        errors=sum(r.errors for r in reports),
        warnings=sum(r.warnings for r in reports),
        open_findings=sum(r.open_findings for r in reports),
        late=[r for r in reports if r.on_time is False],
        missing=absent,
        headlines=headlines,
        undecided=int(undecided),
        reports=reports,
    )


_RATES = [r for r in RATES if r.key in HEADLINE_RATES]


def _value(sums: dict[str, float], name: str, rate: Rate | None) -> float | None:
    if rate is None:
        return sums.get(name)
    return rate_value(rate, {n: (v, None, False) for n, v in sums.items()})


def _headline(
    key: str, label: str, sums: dict[int, dict[str, float]], year: int, rate: Rate | None
) -> Headline:
    value = _value(sums[year], key, rate)
    previous = _value(sums[year - 1], key, rate)
    delta = value - previous if value is not None and previous is not None else None
    return Headline(key, label, value, previous, delta, rate is not None)


def regions(store: Store, scope: Scope | None = None) -> list[str]:
    """Every region path (and each of its prefixes) of the bodies in ``scope``, sorted."""
    scope = scope or Scope()
    b = schema.bodies.c
    with store.begin() as conn:
        paths = conn.execute(
            select(b.region).where(b.region.is_not(None), scope.bodies()).distinct()
        ).scalars()
        found: set[str] = set()
        for path in paths:
            parts = path.split("/")
            found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    if scope.region is not None:
        found = {p for p in found if scope.covers_region(p)}
    return sorted(found)
