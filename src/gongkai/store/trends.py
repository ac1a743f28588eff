"""One body over the years (the web app's 一个单位) and the list of bodies a user may see.

A body's trends come from the cells of its current reports: the request counts (新收, 上年结转,
结转下年度), the outcome shares of （七）总计 (one per outcome group of the templates), the
行政复议 and 行政诉讼 totals with their correction rates (:data:`gongkai.store.rates.RATES`), and
the history of the checks' findings. Shares and rates count a blank or a "无" as 0 and are None
when a cell is undecided, the table is absent (legacy reports) or the denominator is 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select

from ..checks.bodies import normalise
from ..output import cell_label
from ..templates import (
    LITIGATION_HEADER,
    OUTCOMES,
    REQUEST_GROUPS,
    REQUESTS_2019,
    REQUESTS_2021,
    REVIEW_GROUPS,
)
from . import schema
from .access import Scope
from .compare import FigureGroup, figure_groups
from .engine import Store
from .overview import regions
from .queries import B, BodyYear, N, R, body_years, in_region
from .rates import RATES

C, F = schema.cells.c, schema.findings.c
Cells = dict[str, tuple[float | None, bool]]  # name -> (number, undecided)


@dataclass(frozen=True)
class Figure:
    """A figure of the body's year table: a cell sum, a share of （七）总计 or a rate."""

    key: str
    label: str
    cells: tuple[str, ...]  # summed cells (the numerator of a share or rate)
    over: tuple[str, ...] = ()  # the denominator; empty for a count
    percent: bool = False


def _row_cells(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"requests.{k}.total" for k in keys)


def _count(name: str, row_only: bool = False) -> Figure:
    """A cell as a count, labelled by its row alone (``row_only``) or in full."""
    label = cell_label(name)
    return Figure(name, label.split("·")[0] if row_only else label, (name,))


def _shares() -> list[Figure]:
    """One share per outcome of 三、本年度办理结果, from the template rows and groups: （一）
    and （二） on their own, then each group (（三）…（六）) summed over its rows in either
    template (the 2019 single （六）其他处理 row included)."""
    rows = list(dict.fromkeys((*REQUESTS_2021, *REQUESTS_2019)))
    total = _row_cells(["total"])
    out = [
        Figure(f"share.{r.key}", min(r.all_labels, key=len), _row_cells([r.key]), total, True)
        for r in rows
        if r.group == "result" and r.key not in {g.key for g in REQUEST_GROUPS}
    ]
    for g in REQUEST_GROUPS:
        keys = [r.key for r in rows if g.key in (r.group, r.key)]
        out.append(Figure(f"share.{g.key}", g.label, _row_cells(keys), total, True))
    return out


def _review() -> list[Figure]:
    review = REVIEW_GROUPS[0]
    lits = [g.key for g in REVIEW_GROUPS[1:]]
    total, corrected = OUTCOMES[-1], next(o for o in OUTCOMES if o.key == "corrected")
    rates = {r.key: r for r in RATES}
    out: list[Figure] = []
    for o in (total, corrected):
        out.append(_count(f"review_litigation.{review.key}_{o.key}"))
    for o in (total, corrected):
        cells = tuple(f"review_litigation.{g}_{o.key}" for g in lits)
        out.append(Figure(f"litigation.{o.key}", f"{LITIGATION_HEADER}·{o.label}", cells))
    for key in ("rate.review_corrected", "rate.litigation_corrected"):
        r = rates[key]
        out.append(Figure(r.key, r.label, r.numerator, r.denominator, True))
    return out


COUNTS = [
    _count(f"requests.{k}.total", True) for k in ("new", "carried_over", "total", "carried_forward")
]
SHARES = _shares()
REVIEW = _review()
FIGURES = [*COUNTS, *SHARES, *REVIEW]
_NAMES = sorted({n for f in FIGURES for n in (*f.cells, *f.over)})


@dataclass(frozen=True)
class TrendYear:
    """One year of the body: its current report and the figures of :data:`FIGURES`."""

    year: int | None
    report_id: int
    agency: str | None  # the name as the report writes it
    template: str
    versions: int
    errors: int
    warnings: int
    open_findings: int
    published: str | None
    values: dict[str, float | int | None]  # Figure.key -> value (shares and rates 0..1)


@dataclass(frozen=True)
class FindingEntry:
    id: int
    code: str
    severity: str  # error | warning | info
    title: str
    message: str
    location: str
    status: str  # open | dismissed | fixed
    reason: str | None
    changed_by: str | None
    changed_at: str | None  # YYYY-MM-DD HH:MM (UTC as stored)


@dataclass
class YearFindings:
    """The findings of one year's current report, with counts by status and severity."""

    year: int | None
    report_id: int
    by_status: dict[str, int]
    by_severity: dict[str, int]
    findings: list[FindingEntry] = field(default_factory=list)


@dataclass
class BodyTrends:
    id: int
    name: str
    names: list[str]  # every spelling seen, canonical first
    level: str | None
    region: str | None
    parent: str | None
    parent_id: int | None  # None also when the parent lies outside the user's scope
    figures: list[Figure]
    years: list[TrendYear]
    findings: list[YearFindings]


def body_trends(store: Store, body_id: int, scope: Scope | None = None) -> BodyTrends | None:
    """The body ``body_id``, its years with their figures, and its finding history; None when
    no such body lies in ``scope``."""
    scope = scope or Scope()
    with store.begin() as conn:
        head = conn.execute(
            select(B.id, B.parent_id).where(B.id == body_id, scope.bodies())
        ).first()
        if head is None:
            return None
        parent_id = None
        if head.parent_id is not None:
            parent_id = conn.execute(
                select(B.id).where(B.id == head.parent_id, scope.bodies())
            ).scalar()
    history = body_years(store, body_id)
    ids = [y.report_id for y in history.years]
    entry = [n for n in FindingEntry.__dataclass_fields__ if n != "changed_at"]
    with store.begin() as conn:
        cells: dict[int, Cells] = {}
        query = select(C.report_id, C.name, C.number, C.ambiguous)
        for row in conn.execute(query.where(C.report_id.in_(ids), C.name.in_(_NAMES))):
            cells.setdefault(row.report_id, {})[row.name] = (row.number, bool(row.ambiguous))
        found = conn.execute(
            select(F.report_id, F.changed_at, *(F[n] for n in entry))
            .where(F.report_id.in_(ids), F.applicable.is_(True), F.active.is_(True))
            .order_by(F.report_id, F.id)
        ).all()
    years = [
        TrendYear(
            **{k: v for k, v in asdict(y).items() if k != "path"},
            values={f.key: value(f, cells.get(y.report_id, {})) for f in FIGURES},
        )
        for y in history.years
    ]
    head_fields = {k: v for k, v in asdict(history).items() if k != "years"}
    return BodyTrends(
        **head_fields,
        parent_id=parent_id,
        figures=FIGURES,
        years=years,
        findings=_findings(history.years, found),
    )


def _sum(names: tuple[str, ...], got: Cells) -> float | None:
    """The sum of the cells present (blank or text: 0); None when none is present or one is
    undecided."""
    present = [got[n] for n in names if n in got]
    if not present or any(undecided for _, undecided in present):
        return None
    return sum(number or 0.0 for number, _ in present)


def value(figure: Figure, got: Cells) -> float | int | None:
    """``figure`` of one report whose cells are ``got``."""
    top = _sum(figure.cells, got)
    if not figure.over:
        return int(top) if top is not None and top.is_integer() and abs(top) < 2**53 else top
    bottom = _sum(figure.over, got)
    if top is None or not bottom or math.isnan(bottom):
        return None
    return top / bottom


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _findings(years: list[BodyYear], rows: Sequence[Any]) -> list[YearFindings]:
    by_report = {
        y.report_id: YearFindings(y.year, y.report_id, {}, {}) for y in reversed(years)
    }  # newest year first
    for row in rows:
        fields = {k: v for k, v in row._mapping.items() if k != "report_id"}
        entry = FindingEntry(**{**fields, "changed_at": _when(row.changed_at)})
        year = by_report[row.report_id]
        year.findings.append(entry)
        year.by_status[entry.status] = year.by_status.get(entry.status, 0) + 1
        year.by_severity[entry.severity] = year.by_severity.get(entry.severity, 0) + 1
    for year in by_report.values():
        year.findings.sort(key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.id))
    return list(by_report.values())


def _when(at: dt.datetime | None) -> str | None:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else None


# -- the bodies a user may see ---------------------------------------------------------------


@dataclass(frozen=True)
class BodyEntry:
    id: int
    name: str
    level: str | None
    region: str | None
    reports: int  # current reports (one per year)
    first_year: int | None
    last_year: int | None


@dataclass
class BodyList:
    q: str
    region: str | None
    page: int
    pages: int
    total: int
    bodies: list[BodyEntry]


def list_bodies(
    store: Store,
    scope: Scope | None = None,
    q: str | None = None,
    region: str | None = None,
    page: int = 1,
    per_page: int = 100,
) -> BodyList:
    """The bodies in ``scope`` (and ``region``) one of whose names contains ``q``, by name,
    one page of ``per_page``."""
    scope = scope or Scope()
    text = normalise(q)[:100]
    where = [scope.bodies()]
    if text:
        where.append(B.id.in_(select(N.body_id).where(N.name.contains(text, autoescape=True))))
    if region:
        where.append(in_region(region))
    with store.begin() as conn:
        total = int(
            conn.execute(select(func.count()).select_from(schema.bodies).where(*where)).scalar_one()
        )
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        heads = conn.execute(
            select(B.id, B.name, B.level, B.region)
            .where(*where)
            .order_by(B.name, B.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
        counts = {
            row.body_id: row
            for row in conn.execute(
                select(R.body_id, func.count().label("n"), func.min(R.year), func.max(R.year))
                .where(R.body_id.in_([h.id for h in heads]), R.current.is_(True))
                .group_by(R.body_id)
            )
        }
    bodies = []
    for h in heads:
        c = counts.get(h.id)
        first, last = (c[2], c[3]) if c is not None else (None, None)
        bodies.append(BodyEntry(h.id, h.name, h.level, h.region, c.n if c else 0, first, last))
    return BodyList(text, region, page, pages, total, bodies)


CHOICE_BODIES = 1000  # names offered in the compare form (more are found by typing)


@dataclass
class CompareChoices:
    """What the compare form offers within a user's scope."""

    years: list[int]  # years with reports, newest first
    regions: list[str]
    bodies: list[str]  # names of bodies with reports (the first CHOICE_BODIES by name)
    figures: list[FigureGroup]


def compare_choices(store: Store, scope: Scope | None = None) -> CompareChoices:
    """The years, regions, bodies and figures the compare form offers to ``scope``."""
    scope = scope or Scope()
    with store.begin() as conn:
        years = conn.execute(
            select(R.year)
            .where(R.current.is_(True), R.year.is_not(None), scope.reports())
            .distinct()
            .order_by(R.year.desc())
        ).scalars()
        reported = select(R.body_id).where(R.current.is_(True))
        names = conn.execute(
            select(B.name)
            .where(scope.bodies(), B.id.in_(reported))
            .order_by(B.name)
            .limit(CHOICE_BODIES)
        ).scalars()
        found = CompareChoices(list(years), [], list(names), figure_groups())
    found.regions = [] if scope.body_id is not None else regions(store, scope)
    return found


__all__ = [
    "CHOICE_BODIES",
    "FIGURES",
    "BodyEntry",
    "BodyList",
    "BodyTrends",
    "CompareChoices",
    "Figure",
    "FindingEntry",
    "TrendYear",
    "YearFindings",
    "body_trends",
    "compare_choices",
    "list_bodies",
    "value",
]
