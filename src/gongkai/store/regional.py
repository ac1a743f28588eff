"""A region's summary from the store: its bodies' current reports added up by
:func:`gongkai.api.summarize`, and the region's own published summary, when stored, reconciled
with that sum by :func:`gongkai.summary.reconcile`."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..api import summarize, valid_year
from ..checks.catalogue import Finding
from ..errors import GongkaiError
from ..report import Report
from ..summary import Difference, Summary, reconcile
from . import schema
from .engine import Store
from .queries import B, R, has_region, of_region, region_path, resolve_body


@dataclass
class RegionSummary:
    """The summary of a region's year and its reconciliation with the published one."""

    region: str
    year: int
    agency: str  # the summarizing government
    summary: Summary
    report_ids: list[int]  # the current reports offered to the summary
    published_id: int | None = None  # the agency's own stored report of the year
    differences: list[Difference] | None = None  # None: nothing reconciled (see ``note``)
    note: str | None = None  # why the published report was not reconciled

    @property
    def reconciled(self) -> bool:
        return self.differences is not None


# Summaries by (database, arguments, data version): adding up a city's reports takes a few
# hundred ms (each reading rebuilt from its JSON), and people open the same summary again.
_CACHE: OrderedDict[tuple[Any, ...], RegionSummary] = OrderedDict()
_CACHE_SIZE = 32
_LOCK = threading.Lock()


def data_version(store: Store) -> tuple[Any, ...]:
    """Changes whenever a summary could: a new reading (ids only grow) or any audited change
    (a finding dismissed or reopened, a roster imported)."""
    with store.begin() as conn:
        return (
            conn.execute(select(func.max(schema.reports.c.id))).scalar(),
            conn.execute(select(func.max(schema.audit.c.id))).scalar(),
        )


def summarize_region(
    store: Store,
    region_or_agency: str,
    year: int | str,
    agency: str | None = None,
    include_invalid: bool = False,
    own_level: bool = False,
) -> RegionSummary:
    """Add up the current reports of ``year`` of every body in a region (see
    :func:`_summarize_region`; the same call on unchanged data is answered from a cache)."""
    key = (store.where, region_or_agency, str(year), agency, include_invalid, own_level)
    key += data_version(store)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    made = _summarize_region(store, region_or_agency, year, agency, include_invalid, own_level)
    with _LOCK:
        _CACHE[key] = made
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return made


def _summarize_region(
    store: Store,
    region_or_agency: str,
    year: int | str,
    agency: str | None = None,
    include_invalid: bool = False,
    own_level: bool = False,
) -> RegionSummary:
    """Add up the current reports of ``year`` of every body in a region.

    :param region_or_agency: a region path (``江苏省/淮安市``) or a body, whose region is then
        summarized and whose name is the summary's by default (``淮安市人民政府``).
    :param agency: the summarizing government (needed with a region path); its own report of
        the year, when stored, is the published summary: left out of the sum and reconciled.
    :param include_invalid: count reports in which the checks found errors too.
    :param own_level: only the bodies whose region is exactly this one (the government's own
        departments), not those of the regions below it, whose governments report for them.
    :raises GongkaiError: for an unknown region or body, no report to add up, or the reasons
        of :func:`gongkai.api.summarize`.
    """
    chosen = valid_year(year)
    with store.begin() as conn:
        agency_id: int | None = None
        if has_region(conn, region_or_agency):
            region = region_path(region_or_agency)
        else:
            try:
                agency_id = resolve_body(conn, region_or_agency)
            except GongkaiError as exc:
                raise GongkaiError(
                    f"没有找到地区或单位“{region_or_agency}”（{exc.message}）"
                ) from None
            name, where = conn.execute(select(B.name, B.region).where(B.id == agency_id)).one()
            if not where:
                raise GongkaiError(f"单位“{name}”没有所属地区，请先用名册（gongkai roster）导入")
            region, agency = where, agency or name
        if agency is None:
            raise GongkaiError("请给出汇总报告的单位名称（如“某某县人民政府”）")
        if agency_id is None:
            try:
                agency_id = resolve_body(conn, agency)
            except GongkaiError:
                agency_id = None  # no report of its own stored: nothing to reconcile
        query = select(R.id, R.data).where(
            R.year == chosen, R.current.is_(True), of_region(region, own_level)
        )
        if agency_id is not None:
            query = query.where(R.body_id != agency_id)
        rows = conn.execute(query.order_by(R.id)).all()
        published = None
        if agency_id is not None:
            published = conn.execute(
                select(R.id, R.data).where(
                    R.body_id == agency_id, R.year == chosen, R.current.is_(True)
                )
            ).first()
    if not rows:
        raise GongkaiError(f"地区“{region}”没有{chosen}年的报告")
    reports = [Report.from_dict(row.data) for row in rows]
    found = stored_findings(store, [row.id for row in rows])
    made = summarize(
        reports, agency, chosen, include_invalid, findings=[found.get(row.id, []) for row in rows]
    ).summary
    result = RegionSummary(region, chosen, agency, made, [row.id for row in rows])
    if published is None:
        result.note = f"数据库中没有{agency}{chosen}年的报告，未核对"
        return result
    result.published_id = published.id
    try:
        result.differences = reconcile(Report.from_dict(published.data), made)
    except GongkaiError as exc:
        result.note = exc.message
    return result


def stored_findings(store: Store, report_ids: list[int]) -> dict[int, list[Finding]]:
    """The findings in force of each report that nobody has dismissed or marked fixed: what
    decides whether a stored report counts in a summary (a dismissed error no longer keeps it
    out), without checking every report again."""
    f = schema.findings.c
    found: dict[int, list[Finding]] = {}
    with store.begin() as conn:
        for start in range(0, len(report_ids), 1000):
            rows = conn.execute(
                select(f.report_id, f.code, f.severity, f.title, f.message).where(
                    f.report_id.in_(report_ids[start : start + 1000]),
                    f.active.is_(True),
                    f.applicable.is_(True),
                    f.status == "open",
                )
            )
            for row in rows:
                found.setdefault(row.report_id, []).append(
                    Finding(row.code, row.severity, row.title, row.message)
                )
    return found


__all__ = ["RegionSummary", "stored_findings", "summarize_region"]
