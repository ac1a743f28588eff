"""Comparing (the web app's 对比): bodies × years × figures as one table (:func:`compare`, on
:func:`gongkai.store.rates.figures`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, func, or_, select

from ..errors import GongkaiError
from ..output import cell_columns, cell_label
from ..templates import SECTIONS
from . import rates
from .access import Scope
from .engine import Store
from .queries import B, R, of_region, region_path, resolve_body
from .rates import RATES, Rate, figure_spec

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


__all__ = [
    "DEFAULT_FIGURES",
    "MAX_BODIES",
    "MAX_FIGURES",
    "MAX_YEARS",
    "BodyRef",
    "CompareRow",
    "Comparison",
    "FigureChoice",
    "FigureGroup",
    "NotVisible",
    "compare",
    "figure_groups",
]
