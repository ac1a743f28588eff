"""The store's public queries: a body's years, a region's reports and who has not reported
(figures and rates: :mod:`.rates`; text search: :mod:`.text_search`; regional summaries:
:mod:`.regional`). The base of ``gongkai query`` and of the web app.

Every query is one or a few indexed SQL statements (no query per result row), so it stays
fast at 100,000 stored reports. Results are dataclasses of plain values (``dataclasses.asdict``
gives JSON-ready dicts); a body is named by its id or any spelling it was seen under, a region
by its path or a prefix of it (``河北省`` covers ``河北省/石家庄市/正定县``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, func, or_, select
from sqlalchemy.orm import aliased

from ..checks.bodies import normalise, same_body
from ..errors import GongkaiError
from . import schema
from .access import Scope, within
from .engine import Store
from .roster import normalise_region

R, B, F, N = schema.reports.c, schema.bodies.c, schema.findings.c, schema.body_names.c

# When a year's report is due (《政府信息公开条例》第四十九条): a government's by 31 March of
# the next year, a department's (and any other body's) by 31 January.
DUE = {"省": "03-31", "市": "03-31", "县": "03-31"}
DUE_OTHERS = "01-31"


@dataclass(frozen=True)
class BodyYear:
    """One year of a body: the reading shown for it (``reports.current``)."""

    year: int | None
    report_id: int
    agency: str | None  # the name as this report writes it
    template: str
    versions: int  # files stored for this body and year
    errors: int
    warnings: int
    open_findings: int  # in force and neither dismissed nor fixed
    published: str | None
    path: str


@dataclass(frozen=True)
class BodyHistory:
    """A body: its names, place, and one row per year it reported."""

    id: int
    name: str  # canonical
    names: list[str]  # every spelling seen, canonical first
    level: str | None
    region: str | None
    parent: str | None
    years: list[BodyYear]


@dataclass(frozen=True)
class RegionReport:
    """A current report of a body in a region, with its finding counts."""

    report_id: int
    body_id: int
    body: str
    level: str | None
    region: str | None
    year: int
    template: str
    errors: int
    warnings: int
    open_findings: int
    published: str | None
    on_time: bool | None  # published by the due date (see :func:`on_time`); None: unknown
    path: str


@dataclass(frozen=True)
class MissingBody:
    """A body the roster expects to report in a year, with no report stored for it."""

    body_id: int
    body: str
    level: str | None
    region: str | None
    parent: str | None
    year: int
    source: str | None  # the roster file that listed it


# -- shared parts ----------------------------------------------------------------------------


def resolve_body(conn: Connection, body: int | str) -> int:
    """The id of the body ``body`` names: an id, or any spelling (淮安市洪泽区人民政府 finds the
    body stored as 洪泽区人民政府, and the other way round).

    :raises GongkaiError: when no body, or more than one, fits the name.
    """
    if isinstance(body, int) or (isinstance(body, str) and body.strip().isdigit()):
        found = conn.execute(select(B.id).where(B.id == int(body))).scalar()
        if found is None:
            raise GongkaiError(f"数据库中没有编号为 {body} 的单位")
        return int(found)
    name = normalise(body)
    if not name:
        raise GongkaiError("请给出单位名称")
    exact = conn.execute(select(N.body_id).where(N.name == name)).scalar()
    if exact is not None:
        return int(exact)
    # A stored name that adds a place prefix to ``name``, or that ``name`` adds one to.
    suffixes = [name[i:] for i in range(1, len(name))]
    rows = conn.execute(
        select(N.name, N.body_id).where(
            or_(N.name.endswith(name, autoescape=True), N.name.in_(suffixes))
        )
    ).all()
    ids = {row.body_id for row in rows if same_body(name, row.name)}
    if len(ids) == 1:
        return int(ids.pop())
    if ids:
        shown = "、".join(sorted(row.name for row in rows if row.body_id in ids)[:5])
        raise GongkaiError(f"“{name}”可能指多个单位（{shown}），请写出全名")
    raise GongkaiError(f"数据库中没有名为“{name}”的单位")


def region_path(region: str) -> str:
    """A region as stored (``河北省/石家庄市``).

    :raises GongkaiError: for an empty region.
    """
    path = normalise_region(region)
    if path is None:
        raise GongkaiError("请给出地区，如“河北省”或“河北省/石家庄市”")
    return path


def in_region(region: str, own_level: bool = False) -> ColumnElement[bool]:
    """Bodies of ``region`` and the regions below it (only ``region`` itself with
    ``own_level``)."""
    path = region_path(region)
    if own_level:
        return B.region == path
    return within(path)


def of_region(region: str, own_level: bool = False) -> ColumnElement[bool]:
    """Reports of the bodies in ``region`` (see :func:`in_region`), written so that the
    database starts from the region's bodies and reaches their reports by the
    ``ix_reports_body_year`` index, rather than scanning a whole year's reports."""
    return R.body_id.in_(select(B.id).where(in_region(region, own_level)))


def _open_findings() -> ColumnElement[int]:
    """The count of a report's findings in force that nobody has dismissed or fixed."""
    return (
        select(func.count())
        .where(
            F.report_id == R.id,
            F.status == "open",
            F.active.is_(True),
            F.applicable.is_(True),
        )
        .correlate(schema.reports)
        .scalar_subquery()
    )


def on_time(published: str | None, year: int | None, level: str | None = None) -> bool | None:
    """Published by the due date (31 March of the next year for a government of level 省, 市
    or 县; 31 January for the others); None when the date is not known."""
    if not published or year is None or len(published) != 10:
        return None
    return published <= f"{year + 1}-{DUE.get(level or '', DUE_OTHERS)}"


# -- the queries -----------------------------------------------------------------------------


def body_years(store: Store, body: int | str) -> BodyHistory:
    """A body and its years: for each year the current reading, how many file versions are
    stored, its error/warning/open-finding counts, publication date and source path.

    :param body: a body id or any name the body was seen under.
    :raises GongkaiError: for an unknown or ambiguous name, or when the database fails.
    """
    parent = aliased(schema.bodies)
    r2 = schema.reports.alias("r2")
    versions = (
        select(func.max(r2.c.version))
        .where(r2.c.body_id == R.body_id, r2.c.year == R.year)
        .correlate(schema.reports)
        .scalar_subquery()
    )
    with store.begin() as conn:
        body_id = resolve_body(conn, body)
        head = conn.execute(
            select(B.id, B.name, B.level, B.region, parent.c.name.label("parent"))
            .select_from(schema.bodies)
            .outerjoin(parent, parent.c.id == B.parent_id)
            .where(B.id == body_id)
        ).one()
        names = (
            conn.execute(select(N.name).where(N.body_id == body_id).order_by(N.name))
            .scalars()
            .all()
        )
        rows = conn.execute(
            select(
                R.year,
                R.id,
                R.agency,
                R.template,
                versions.label("versions"),
                R.errors,
                R.warnings,
                _open_findings().label("open"),
                R.published,
                R.path,
            )
            .where(R.body_id == body_id, R.current.is_(True))
            .order_by(R.year, R.id)
        ).all()
        spellings = [head.name, *(n for n in names if n != head.name)]
    years = [
        BodyYear(
            row.year,
            row.id,
            row.agency,
            row.template,
            int(row.versions or 1),
            row.errors,
            row.warnings,
            int(row.open or 0),
            row.published,
            row.path,
        )
        for row in rows
    ]
    return BodyHistory(head.id, head.name, spellings, head.level, head.region, head.parent, years)


def region_reports(
    store: Store,
    year: int,
    region: str | None = None,
    level: str | None = None,
    errors_only: bool = False,
    scope: Scope | None = None,
) -> list[RegionReport]:
    """The current reports of ``year`` of the bodies in ``region`` (all bodies without one),
    ordered by region and body name.

    :param level: only bodies of this level (省 / 市 / 县 / 乡镇 / 部门, or an alias).
    :param errors_only: only reports in which the checks found errors.
    :param scope: only the bodies a user may see.
    """
    from .roster import normalise_level

    query = (
        select(
            R.id,
            R.body_id,
            B.name,
            B.level,
            B.region,
            R.year,
            R.template,
            R.errors,
            R.warnings,
            _open_findings().label("open"),
            R.published,
            R.path,
        )
        .select_from(schema.reports)
        .join(schema.bodies, B.id == R.body_id)
        .where(R.year == year, R.current.is_(True))
    )
    if region:
        query = query.where(of_region(region))
    if level:
        query = query.where(B.level == normalise_level(level))
    if errors_only:
        query = query.where(R.errors > 0)
    if scope is not None and not scope.everything:
        query = query.where(scope.bodies())
    with store.begin() as conn:
        rows = conn.execute(query.order_by(B.region, B.name, R.id)).all()
    return [
        RegionReport(
            row.id,
            row.body_id,
            row.name,
            row.level,
            row.region,
            row.year,
            row.template,
            row.errors,
            row.warnings,
            int(row.open or 0),
            row.published,
            on_time(row.published, row.year, row.level),
            row.path,
        )
        for row in rows
    ]


def missing(
    store: Store, year: int, region: str | None = None, scope: Scope | None = None
) -> list[MissingBody]:
    """The bodies the roster expects to report in ``year`` with no report of that year stored
    (any version), ordered by region and name."""
    ro = schema.roster.c
    parent = aliased(schema.bodies)
    reported = select(R.id).where(R.body_id == ro.body_id, R.year == year).exists()
    query = (
        select(B.id, B.name, B.level, B.region, parent.c.name.label("parent"), ro.source)
        .select_from(schema.roster)
        .join(schema.bodies, B.id == ro.body_id)
        .outerjoin(parent, parent.c.id == B.parent_id)
        .where(ro.year == year, ~reported)
    )
    if region:
        query = query.where(ro.body_id.in_(select(B.id).where(in_region(region))))
    if scope is not None and not scope.everything:
        query = query.where(scope.bodies())
    with store.begin() as conn:
        rows = conn.execute(query.order_by(B.region, B.name)).all()
    return [
        MissingBody(row.id, row.name, row.level, row.region, row.parent, year, row.source)
        for row in rows
    ]


def has_region(conn: Connection, region: str) -> bool:
    """Whether any body lies in ``region``."""
    return conn.execute(select(B.id).where(in_region(region)).limit(1)).first() is not None
