"""Browsing the stored reports (the web app's 报告): filters, facet counts, sort and paging.

The current reading of every body and year is one row. Facet counts are taken over the rows the
current filter selects (as Datasette does): grouped by the database, and the page sorted and cut
there; but with a text or name search, whose matching is the costly part (and which keeps few
rows), the matching rows are read once and counted, sorted and paged here. The open-finding
counts of the rows shown come from the findings index.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, case, cast, func, literal, or_, select

from ..checks.bodies import normalise
from ..errors import GongkaiError
from . import schema
from .access import Scope
from .engine import Store
from .queries import DUE, DUE_OTHERS, B, R, in_region, on_time
from .roster import normalise_level
from .search import matches

N, S, F = schema.body_names.c, schema.sections.c, schema.findings.c

SORTS = {
    "body": "单位",
    "year": "年度",
    "errors": "错误",
    "warnings": "警告",
    "published": "发布日期",
}
PUBLISHED_LABELS = {"on_time": "按时发布", "late": "逾期发布", "unknown": "发布日期不详"}
ERRORS_LABELS = {"1": "有错误", "0": "无错误"}
TEMPLATES = {"2021": "2021年格式", "2019": "2019年格式", "legacy": "2019年以前的统计附表"}
FACETS = {
    "year": "年度",
    "template": "格式",
    "level": "层级",
    "errors": "错误",
    "published": "发布",
}
MAX_PER_PAGE = 500
CHUNK = 1000  # report ids per query when counting open findings


@dataclass(frozen=True)
class ReportRow:
    """One current report with its finding counts."""

    report_id: int
    body_id: int | None
    body: str | None  # the canonical name; the name as read when no body matched
    level: str | None
    region: str | None
    year: int | None
    template: str
    errors: int
    warnings: int
    open_findings: int
    published: str | None
    on_time: bool | None  # None: the publication date is not known


@dataclass(frozen=True)
class FacetValue:
    value: str  # as the query parameter takes it
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    key: str  # the query parameter
    label: str
    values: list[FacetValue]


@dataclass
class Browse:
    rows: list[ReportRow]
    total: int  # rows the filter selects
    page: int
    pages: int
    per_page: int | None  # None: every row
    sort: str
    desc: bool
    filters: dict[str, Any]  # the filter as applied (None: not filtered)
    facets: list[Facet] = field(default_factory=list)
    regions: list[FacetValue] = field(default_factory=list)  # the region one level down


def _conditions(
    conn: Connection,
    scope: Scope,
    region: str | None,
    level: str | None,
    year: int | None,
    template: str | None,
    errors: bool | None,
    published: str | None,
    body: str | None,
    text: str | None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [R.current.is_(True)]
    if not scope.everything:
        where.append(scope.bodies())
    if region:
        where.append(in_region(region))
    if level:
        where.append(B.level == normalise_level(level))
    if year is not None:
        where.append(R.year == year)
    if template:
        if template not in TEMPLATES:
            raise GongkaiError(f"未知的格式“{template[:20]}”，可选：{'、'.join(TEMPLATES)}")
        where.append(R.template == template)
    if errors is not None:
        where.append(R.errors > 0 if errors else R.errors == 0)
    if published:
        where.append(_status() == published)
    if body and normalise(body):
        name = normalise(body)
        named = select(N.body_id).where(N.name.contains(name, autoescape=True))
        where.append(or_(R.body_id.in_(named), R.agency.contains(name, autoescape=True)))
    if text and text.strip():
        found = matches(text, conn.dialect.name)
        if found is None:
            raise GongkaiError("搜索内容中没有可检索的文字（至少一个汉字、字母或数字）")
        where.append(R.id.in_(select(S.report_id).where(found)))
    return where


def browse_reports(
    store: Store,
    *,
    scope: Scope | None = None,
    region: str | None = None,
    level: str | None = None,
    year: int | None = None,
    template: str | None = None,
    errors: bool | None = None,
    published: str | None = None,
    body: str | None = None,
    text: str | None = None,
    sort: str = "body",
    desc: bool = False,
    page: int = 1,
    per_page: int | None = 50,
) -> Browse:
    """The current reports ``scope`` lets a user see that pass every filter given.

    :param errors: True: only reports with errors; False: only those without.
    :param published: "on_time", "late" or "unknown" (see :func:`.queries.on_time`).
    :param body: text in any name the body was seen under (or in the name as read).
    :param text: words searched in the six sections (as ``gongkai query search``).
    :param sort: one of :data:`SORTS`; ties by body name and id.
    :param per_page: rows per page (at most :data:`MAX_PER_PAGE`); None for every row.
    :raises GongkaiError: for an unknown template, status, level or sort, or a text with
        nothing searchable.
    """
    scope = scope or Scope()
    if sort not in SORTS:
        raise GongkaiError(f"未知的排序“{sort[:20]}”，可选：{'、'.join(SORTS)}")
    if per_page is not None:
        per_page = max(1, min(per_page, MAX_PER_PAGE))
    filters: dict[str, Any] = {
        "region": region or None,
        "level": normalise_level(level) if level else None,
        "year": year,
        "template": template or None,
        "errors": errors,
        "published": published or None,
        "body": (body or "").strip() or None,
        "text": (text or "").strip() or None,
    }
    if published and published not in PUBLISHED_LABELS:
        shown = "、".join(PUBLISHED_LABELS)
        raise GongkaiError(f"未知的发布状态“{published[:20]}”，可选：{shown}")
    with store.begin() as conn:
        where = _conditions(conn, scope, **filters)
        # A text or name search is the costly filter (and keeps few rows): run it once, then
        # count, sort and page here.
        gather = _in_memory if filters["text"] or filters["body"] else _in_database
        combos, places, total, pick = gather(conn, where, sort, desc)
        pages = max(1, ceil(total / per_page)) if per_page else 1
        page = max(1, min(page, pages))
        found = pick((page - 1) * per_page, per_page) if per_page else pick(0, None)
        counts = _open_counts(conn, [r.id for r in found])
    rows = [
        ReportRow(
            r.id,
            r.body_id,
            r.body,
            r.level,
            r.region,
            r.year,
            r.template,
            r.errors,
            r.warnings,
            counts.get(r.id, 0),
            r.published,
            on_time(r.published, r.year, r.level),
        )
        for r in found
    ]
    return Browse(
        rows,
        total,
        page,
        pages,
        per_page,
        sort,
        desc,
        filters,
        _facets(combos, filters),
        _regions(places, region, scope),
    )


Pick = Callable[[int, int | None], Sequence[Any]]  # (offset, limit) -> the rows shown
Gathered = tuple[Sequence[Any], Sequence[Any], int, Pick]
_BASE = select().select_from(schema.reports).outerjoin(schema.bodies, B.id == R.body_id)
_NAME = func.coalesce(B.name, R.agency)
_ROW = _BASE.add_columns(R.id, R.body_id, _NAME.label("body"), B.level, B.region, R.year)
_ROW = _ROW.add_columns(R.template, R.errors, R.warnings, R.published)


def _in_database(conn: Connection, where: list[Any], sort: str, desc: bool) -> Gathered:
    """Facet and region counts grouped by the database, the page sorted and cut there."""
    status = _status()
    has_errors = case((R.errors > 0, literal("1")), else_=literal("0"))
    combos = conn.execute(
        _BASE.add_columns(R.year, R.template, B.level, has_errors, status, func.count())
        .where(*where)
        .group_by(R.year, R.template, B.level, has_errors, status)
    ).all()
    places = conn.execute(
        _BASE.add_columns(B.region, func.count()).where(*where).group_by(B.region)
    ).all()
    keys = {"body": _NAME, "year": R.year, "errors": R.errors, "warnings": R.warnings}
    key = keys.get(sort, R.published)
    order = [key.desc().nulls_last() if desc else key.asc().nulls_last(), _NAME, R.id]

    def pick(offset: int, limit: int | None) -> Sequence[Any]:
        query = _ROW.where(*where).order_by(*order)
        return conn.execute(query.limit(limit).offset(offset) if limit else query).all()

    return combos, places, sum(int(c[-1]) for c in combos), pick


def _in_memory(conn: Connection, where: list[Any], sort: str, desc: bool) -> Gathered:
    """Every matching row at once (one pass of the filter), counted and sorted here."""
    every = conn.execute(_ROW.where(*where)).all()
    combos = Counter(
        (r.year, r.template, r.level, "1" if r.errors else "0", _status_of(r)) for r in every
    )
    places = Counter(r.region for r in every)
    # Ties by body name and id; then by the sort key, blanks last either way (stable sorts).
    rows = sorted(every, key=lambda r: (r.body is None, r.body or "", r.id))
    key = sort if sort in ("body", "year", "errors", "warnings") else "published"
    known = [r for r in rows if getattr(r, key) is not None]
    known.sort(key=lambda r: getattr(r, key), reverse=desc)
    rows = known + [r for r in rows if getattr(r, key) is None]

    def pick(offset: int, limit: int | None) -> Sequence[Any]:
        return rows[offset : offset + limit] if limit else rows

    return [(*k, n) for k, n in combos.items()], list(places.items()), len(rows), pick


def _status_of(row: Any) -> str:
    on = on_time(row.published, row.year, row.level)
    return "unknown" if on is None else "on_time" if on else "late"


def _status() -> ColumnElement[str]:
    """Publication status in SQL: the rule of :func:`.queries.on_time`."""
    due = cast(R.year + 1, String).concat(
        case((B.level.in_(list(DUE)), literal("-" + DUE["县"])), else_=literal("-" + DUE_OTHERS))
    )
    unknown = or_(R.published.is_(None), func.length(R.published) != 10, R.year.is_(None))
    return case(
        (unknown, literal("unknown")), (R.published <= due, literal("on_time")), else_="late"
    )


def _open_counts(conn: Connection, ids: list[int]) -> dict[int, int]:
    """Open findings in force per report (from the findings index), in chunks of ids."""
    counts: dict[int, int] = {}
    for i in range(0, len(ids), CHUNK):
        counts.update(
            conn.execute(
                select(F.report_id, func.count())
                .where(
                    F.report_id.in_(ids[i : i + CHUNK]),
                    F.status == "open",
                    F.active.is_(True),
                    F.applicable.is_(True),
                )
                .group_by(F.report_id)
            ).all()
        )
    return counts


def _facets(combos: Sequence[Any], filters: dict[str, Any]) -> list[Facet]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in FACETS}
    for *combo, n in combos:
        for key, value in zip(FACETS, combo, strict=True):
            if value is not None:
                counts[key][str(value)] += int(n)
    chosen = {k: filters[k] for k in FACETS}
    if chosen["errors"] is not None:
        chosen["errors"] = "1" if chosen["errors"] else "0"
    labels: dict[str, dict[str, str]] = {
        "template": TEMPLATES,
        "errors": ERRORS_LABELS,
        "published": PUBLISHED_LABELS,
    }
    facets = []
    for key, label in FACETS.items():
        named = labels.get(key, {})
        order = list(named) if named else sorted(counts[key], reverse=key == "year")
        values = [
            FacetValue(
                v,
                named.get(v, f"{v}年" if key == "year" else v),
                counts[key][v],
                chosen[key] is not None and str(chosen[key]) == v,
            )
            for v in order
            if v in counts[key]
        ]
        facets.append(Facet(key, label, values))
    return facets


def _regions(places: Sequence[Any], region: str | None, scope: Scope) -> list[FacetValue]:
    """Counts for each region one level below ``region`` (or the top level, or the user's own
    region), summed over the regions beneath it."""
    base = region or scope.region
    depth = len(base.split("/")) if base else 0
    counts: Counter[str] = Counter()
    for path, n in places:
        if not path or (base and path != base and not path.startswith(base + "/")):
            continue
        counts["/".join(path.split("/")[: depth + 1])] += int(n)
    return [FacetValue(k, k, counts[k], k == region) for k in sorted(counts)]


__all__ = ["Browse", "Facet", "FacetValue", "ReportRow", "browse_reports"]
