"""Comparing (the web app's 对比 and 汇总): bodies × years × figures as one table
(:func:`compare`, on :func:`gongkai.store.rates.figures`), and a region's year added up from its
bodies' reports and set against the region's own report (:func:`region_summary`, on
:func:`gongkai.store.regional.summarize_region`, in the layout of :mod:`gongkai.render.layout`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, func, or_, select

from ..errors import GongkaiError
from ..output import cell_columns, cell_label
from ..render import render
from ..render.layout import LCell, active_table, requests_table, review_table
from ..report import CellValue
from ..summary import Difference
from ..templates import SECTIONS
from . import rates
from .access import Scope
from .engine import Store
from .overview import regions
from .queries import B, R, of_region, region_path, resolve_body
from .rates import RATES, Rate, figure_spec
from .regional import RegionSummary, summarize_region
from .roster import LEVELS

MAX_BODIES = 200
MAX_YEARS = 20
MAX_FIGURES = 20
DEFAULT_FIGURES = ("requests.new.total", "requests.total.total", "rate.granted")


class NotVisible(GongkaiError):
    """A body or region outside the user's scope (shown as not found, never confirmed)."""


@dataclass(frozen=True)
class FigureChoice:
    key: str
    label: str
    percent: bool  # a rate (0..1)


@dataclass(frozen=True)
class FigureGroup:
    label: str  # the table (section title) or 比率
    figures: list[FigureChoice]


@cache
def figure_groups() -> list[FigureGroup]:
    """Every figure one can compare, grouped by table: the cells of the three tables (both
    templates, labelled by :func:`gongkai.output.cell_label`) and the rates."""
    tables = ("active", "requests", "review_litigation")
    titles = dict(zip(tables, (s.title for s in SECTIONS[1:4]), strict=True))
    groups: dict[str, list[FigureChoice]] = {t: [] for t in titles.values()}
    for name in cell_columns():
        groups[titles[name.split(".")[0]]].append(FigureChoice(name, cell_label(name), False))
    out = [FigureGroup(label, items) for label, items in groups.items()]
    out.append(FigureGroup("比率", [FigureChoice(r.key, r.label, True) for r in RATES]))
    return out


@dataclass(frozen=True)
class BodyRef:
    id: int
    name: str


@dataclass
class CompareRow:
    """One report (a body's year) with the chosen figures."""

    body_id: int
    body: str
    year: int
    report_id: int
    values: dict[str, int | float | None]  # figure key -> value (rates 0..1)
    texts: dict[str, str] = field(default_factory=dict)  # what a non-number cell holds


@dataclass
class Comparison:
    bodies: list[BodyRef]  # chosen by name (the region's come with their rows)
    region: str | None
    years: list[int]
    figures: list[FigureChoice]
    rows: list[CompareRow]  # by body name, then year
    absent: list[str] = field(default_factory=list)  # chosen bodies without a report


def compare(
    store: Store,
    scope: Scope | None = None,
    bodies: Iterable[int | str] = (),
    region: str | None = None,
    years: Iterable[int] = (),
    figures: Iterable[str] = (),
) -> Comparison:
    """The ``figures`` of the current reports of ``years`` of the ``bodies`` (ids or
    any spelling) and of every body in ``region``, as one row per body and year.

    Without years, the years the chosen bodies reported (the latest :data:`MAX_YEARS`); without
    figures, :data:`DEFAULT_FIGURES`.

    :raises NotVisible: for a body or region outside ``scope`` (or no such body, for a user
        who does not see everything: the two are not told apart).
    :raises GongkaiError: for an unknown figure or body, or beyond the limits.
    """
    scope = scope or Scope()
    names = list(dict.fromkeys(str(b).strip() for b in bodies if str(b).strip()))
    keys = list(dict.fromkeys(f.strip() for f in figures if f.strip())) or list(DEFAULT_FIGURES)
    wanted = sorted(set(years), reverse=True)
    for count, most, what in (
        (len(keys), MAX_FIGURES, "个数据项"),
        (len(wanted), MAX_YEARS, "个年度"),
        (len(names), MAX_BODIES, "个单位"),
    ):
        if count > most:
            raise GongkaiError(f"一次最多对比 {most} {what}，现选了 {count} {what}")
    specs = [figure_spec(k) for k in keys]
    chosen = [_choice(s) for s in specs]
    path = region_path(region) if region else None
    if path is not None and not scope.covers_region(path):
        raise NotVisible(f"没有找到地区“{path}”，或您无权查看")
    with store.begin() as conn:
        refs = _resolve(conn, scope, names)
        ids = [r.id for r in refs]
        reported = [R.body_id.in_(ids)] + ([of_region(path)] if path else [])
        if not wanted and (ids or path):
            wanted = list(
                conn.execute(
                    select(R.year)
                    .where(R.current.is_(True), R.year.is_not(None), or_(*reported))
                    .distinct()
                    .order_by(R.year.desc())
                    .limit(MAX_YEARS)
                ).scalars()
            )
        if path and wanted:
            many = conn.execute(
                select(func.count(func.distinct(R.body_id))).where(
                    R.current.is_(True), R.year.in_(wanted), or_(*reported)
                )
            ).scalar_one()
            if many > MAX_BODIES:
                raise GongkaiError(
                    f"所选单位和地区在所选年度共有 {many} 个单位有报告，一次最多对比 "
                    f"{MAX_BODIES} 个；请选择下一级地区或减少年度"
                )
    found: list[Any] = []
    if wanted and path:
        found += rates.figures(store, wanted, [c.key for c in chosen], region=path)
    if wanted and ids:
        found += rates.figures(store, wanted, [c.key for c in chosen], bodies=ids)
    rows = _pivot(found)
    seen = {r.body_id for r in rows}
    return Comparison(
        refs, path, sorted(wanted), chosen, rows, [r.name for r in refs if r.id not in seen]
    )


def _choice(spec: Rate | str) -> FigureChoice:
    if isinstance(spec, Rate):
        return FigureChoice(spec.key, spec.label, True)
    return FigureChoice(spec, cell_label(spec), False)


def _resolve(conn: Connection, scope: Scope, names: list[str]) -> list[BodyRef]:
    """The bodies ``names`` name, all within ``scope``."""
    ids: list[int] = []
    for name in names:
        try:
            ids.append(resolve_body(conn, name))
        except GongkaiError:
            if scope.everything:
                raise
            raise NotVisible(f"没有找到单位“{name[:60]}”，或您无权查看") from None
    if not ids:
        return []
    query = select(B.id, B.name).where(B.id.in_(ids), scope.bodies())
    visible: dict[int, str] = {row.id: row.name for row in conn.execute(query)}
    for name, bid in zip(names, ids, strict=True):
        if bid not in visible:
            raise NotVisible(f"没有找到单位“{name[:60]}”，或您无权查看")
    return [BodyRef(i, visible[i]) for i in dict.fromkeys(ids)]


def _pivot(found: list[Any]) -> list[CompareRow]:
    rows: dict[int, CompareRow] = {}
    for f in found:
        if f.body_id is None:
            continue  # a report matched to no body: not reachable by body or region
        row = rows.get(f.report_id)
        if row is None:
            row = rows[f.report_id] = CompareRow(f.body_id, f.body or "", f.year, f.report_id, {})
        row.values[f.figure] = f.value
        if f.text is not None:
            row.texts[f.figure] = f.text
    return sorted(rows.values(), key=lambda r: (r.body, r.body_id, r.year))


# -- a region's summary (汇总) -----------------------------------------------------------------

# A region's summary is its government's report: a body of the region's own level that is not
# a department.
GOVERNMENT_LEVELS = tuple(level for level in LEVELS if level != "部门")


@dataclass(frozen=True)
class LayoutTable:
    """A table of the official layout (:mod:`gongkai.render.layout`), cells with their spans."""

    name: str  # active | requests | review
    title: str  # the section it belongs to, e.g. 二、主动公开政府信息情况
    header_rows: int
    rows: list[list[LCell]]  # text, kind (header | label | value), rowspan, colspan


@dataclass(frozen=True)
class SummaryBody:
    report_id: int
    agency: str
    file: str
    state: str  # 计入 | 重复 | 未计入
    reason: str
    errors: int
    warnings: int
    blank_cells: int  # blank or missing cells counted as 0
    text_cells: int  # text or undecided cells counted as 0


@dataclass
class SummaryPage:
    region: str | None
    year: int | None
    agency: str | None
    regions: list[str]  # regions in scope
    years: list[int]  # years with reports in the region, newest first
    error: str | None = None  # why nothing was added up
    bodies: list[SummaryBody] = field(default_factory=list)
    tables: list[LayoutTable] = field(default_factory=list)
    cells: dict[str, CellValue] = field(default_factory=dict)  # summed cell by name
    published_id: int | None = None  # the agency's own stored report of the year
    reconciled: bool = False
    differences: list[Difference] = field(default_factory=list)
    note: str | None = None  # why the published report was not reconciled


def region_summary(
    store: Store,
    scope: Scope | None = None,
    region: str | None = None,
    year: int | None = None,
    agency: str | None = None,
) -> SummaryPage:
    """``region``'s ``year`` (the scope's region and the newest year by default) added up by
    :func:`~gongkai.store.regional.summarize_region` for ``agency`` (by default the region's
    government), with its tables in the official layout, every report's fate and the
    reconciliation with the agency's stored report. What prevents a summary (no report, mixed
    templates, no agency) is in ``error``.

    :raises NotVisible: for a region or agency outside ``scope``.
    """
    page, made = _summarize(store, scope or Scope(), region, year, agency)
    if made is None:
        return page
    summary = made.summary
    states = {id(b): "计入" for b in summary.included} | {id(b): "重复" for b in summary.duplicates}
    for rid, b in zip(made.report_ids, summary.bodies, strict=True):
        blanks = sum(1 for n in b.notes if n.kind in ("空白", "缺失"))
        page.bodies.append(
            SummaryBody(
                rid,
                b.agency,
                b.file,
                states.get(id(b), "未计入"),
                b.reason,
                b.count("error"),
                b.count("warning"),
                blanks,
                len(b.notes) - blanks,
            )
        )
    rep = summary.report
    headings = {s.number: f"{s.number}、{s.title}" for s in SECTIONS}
    for number, make in (("二", active_table), ("三", requests_table), ("四", review_table)):
        table = make(rep)
        if table is not None:
            title = headings[number]
            page.tables.append(LayoutTable(table.name, title, table.header_rows, table.rows))
    page.cells = {name: v.shown for name, v in rep.cells()}
    page.published_id, page.note = made.published_id, made.note
    page.reconciled = made.differences is not None
    page.differences = made.differences or []
    return page


def summary_docx(
    store: Store,
    scope: Scope | None = None,
    region: str | None = None,
    year: int | None = None,
    agency: str | None = None,
) -> tuple[str, bytes]:
    """The file name and DOCX of the summary :func:`region_summary` shows (the official layout,
    as ``gongkai summarize --region … -o 汇总.docx`` writes it).

    :raises GongkaiError: when nothing can be added up (the reason); NotVisible outside scope.
    """
    page, made = _summarize(store, scope or Scope(), region, year, agency)
    if made is None:
        raise GongkaiError(page.error or "请选择地区和年度")
    name = f"{made.agency}{made.year}年政府信息公开工作年度报告（汇总）.docx"
    return name, render(made.summary.report, "docx")


def _summarize(
    store: Store, scope: Scope, region: str | None, year: int | None, agency: str | None
) -> tuple[SummaryPage, RegionSummary | None]:
    path = region_path(region) if region else scope.region
    if path is not None and not scope.covers_region(path):
        raise NotVisible(f"没有找到地区“{path}”，或您无权查看")
    page = SummaryPage(path, year, agency, regions(store, scope), [])
    if path is None:
        page.error = "请选择地区"
        return page, None
    with store.begin() as conn:
        page.years = list(
            conn.execute(
                select(R.year)
                .where(R.current.is_(True), R.year.is_not(None), of_region(path))
                .distinct()
                .order_by(R.year.desc())
            ).scalars()
        )
        page.agency = agency.strip() if agency and agency.strip() else _government(conn, path)
        if page.agency and not scope.everything:
            _check_agency(conn, scope, page.agency)
    page.year = year if year is not None else (page.years[0] if page.years else None)
    if page.year is None:
        page.error = f"地区“{path}”没有报告"
    elif page.agency is None:
        page.error = f"没有找到地区“{path}”本级人民政府，请填写汇总报告的单位名称"
    if page.error:
        return page, None
    assert page.year is not None and page.agency is not None
    try:
        return page, summarize_region(store, path, page.year, page.agency)
    except GongkaiError as exc:
        page.error = exc.message
        return page, None


def _government(conn: Connection, path: str) -> str | None:
    """The region's own government (a body of the region itself, not a department)."""
    query = select(B.name).where(B.region == path, B.level.in_(GOVERNMENT_LEVELS)).limit(2)
    found = conn.execute(query).scalars().all()
    return found[0] if len(found) == 1 else None


def _check_agency(conn: Connection, scope: Scope, agency: str) -> None:
    """An agency that is a stored body must be in scope: its report would be shown."""
    try:
        body_id = resolve_body(conn, agency)
    except GongkaiError:
        return  # no stored body: nothing of it is shown
    if conn.execute(select(B.id).where(B.id == body_id, scope.bodies())).first() is None:
        raise NotVisible(f"没有找到单位“{agency[:60]}”，或您无权查看")


__all__ = [
    "DEFAULT_FIGURES",
    "GOVERNMENT_LEVELS",
    "MAX_BODIES",
    "MAX_FIGURES",
    "MAX_YEARS",
    "BodyRef",
    "CompareRow",
    "Comparison",
    "FigureChoice",
    "FigureGroup",
    "LayoutTable",
    "NotVisible",
    "SummaryBody",
    "SummaryPage",
    "compare",
    "figure_groups",
    "region_summary",
    "summary_docx",
]
