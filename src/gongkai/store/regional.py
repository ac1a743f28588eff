"""A region's summary from the store: its bodies' current reports added up by
:func:`gongkai.api.summarize`, and the region's own published summary, when stored, reconciled
with that sum by :func:`gongkai.summary.reconcile`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..api import summarize, valid_year
from ..errors import GongkaiError
from ..report import Report
from ..summary import Difference, Summary, reconcile
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


def summarize_region(
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
    made = summarize(reports, agency, chosen, include_invalid).summary
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


__all__ = ["RegionSummary", "summarize_region"]
