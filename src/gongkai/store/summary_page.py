"""A region's summary as the web app's 汇总 shows it: its year added up from its bodies'
reports and set against the region's own report (:func:`region_summary`, on
:func:`gongkai.store.regional.summarize_region`, in the layout of :mod:`gongkai.render.layout`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ..errors import GongkaiError
from ..render import render
from ..render.layout import LCell, active_table, requests_table, review_table
from ..report import CellValue
from ..summary import Difference
from ..templates import SECTIONS
from .access import Scope
from .compare import NotVisible
from .engine import Store
from .overview import regions
from .queries import B, R, of_region, region_path, resolve_body
from .regional import RegionSummary, summarize_region
from .roster import LEVELS

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
    "GOVERNMENT_LEVELS",
    "LayoutTable",
    "SummaryBody",
    "SummaryPage",
    "region_summary",
    "summary_docx",
]
