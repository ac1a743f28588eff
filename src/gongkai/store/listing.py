"""Listing stored findings, the base of ``gongkai findings`` and of the web app's review pages.

By default a listing shows what a person has to look at: the findings in force (the rule
applies, and the latest check still finds it) of the reading shown for each body and year
(``reports.current``). Asking for one report by id shows that reading's findings, current or not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, or_, select

from ..checks.bodies import normalise
from ..checks.catalogue import SEVERITY_LABELS
from ..errors import GongkaiError
from . import schema
from .engine import Store
from .findings import STATUSES

SEVERITIES = tuple(SEVERITY_LABELS)  # error, warning, info
COLUMNS = (
    "id",
    "report",
    "body",
    "year",
    "code",
    "severity",
    "message",
    "location",
    "status",
    "reason",
)
LABELS = {  # each column's Chinese name, for tables and the label row of spreadsheets
    "id": "编号",
    "report": "报告编号",
    "body": "机关",
    "year": "年度",
    "code": "规则",
    "severity": "严重程度",
    "message": "问题",
    "location": "位置",
    "status": "处理状态",
    "reason": "理由",
}


def list_findings(
    store: Store,
    report: int | None = None,
    body: str | None = None,
    year: int | None = None,
    status: str | None = None,
    severity: str | None = None,
) -> list[dict[str, Any]]:
    """The stored findings, one dict per finding with the keys of :data:`COLUMNS`, in report
    order (errors before warnings within a report).

    :param report: one reading (a ``reports.id``), current or not.
    :param body: a body by any name it was seen under; a name that is no body's matches every
        body one of whose names contains it (``洪泽区`` finds 洪泽区人民政府).
    :param status: "open", "dismissed" or "fixed".
    :param severity: "error", "warning" or "info".
    :raises GongkaiError: for an unknown status or severity, or when the database fails.
    """
    if status is not None and status not in STATUSES:
        raise GongkaiError(f"未知的处理状态“{status}”，可选：{'、'.join(STATUSES)}")
    if severity is not None and severity not in SEVERITIES:
        raise GongkaiError(f"未知的严重程度“{severity}”，可选：{'、'.join(SEVERITIES)}")
    f, r, b = schema.findings.c, schema.reports.c, schema.bodies.c
    query = (
        select(
            f.id,
            f.report_id.label("report"),
            b.name.label("body"),
            r.agency,
            r.year,
            f.code,
            f.severity,
            f.message,
            f.location,
            f.status,
            f.reason,
        )
        .join(schema.reports, r.id == f.report_id)
        .outerjoin(schema.bodies, b.id == r.body_id)
        .where(f.applicable.is_(True), f.active.is_(True))
    )
    query = query.where(r.id == report) if report is not None else query.where(r.current.is_(True))
    if year is not None:
        query = query.where(r.year == year)
    if status is not None:
        query = query.where(f.status == status)
    if severity is not None:
        query = query.where(f.severity == severity)
    with store.begin() as conn:
        if body is not None:
            query = _of_body(query, conn, body)
        rows = conn.execute(query.order_by(f.report_id, f.id)).all()
    order = {s: i for i, s in enumerate(SEVERITIES)}
    found = [
        {
            "id": row.id,
            "report": row.report,
            "body": row.body or row.agency,  # a report without a body name keeps what it read
            "year": row.year,
            "code": row.code,
            "severity": row.severity,
            "message": row.message,
            "location": row.location,
            "status": row.status,
            "reason": row.reason,
        }
        for row in rows
    ]
    found.sort(key=lambda d: (d["report"], order.get(d["severity"], 9), d["id"]))
    return found


def _of_body(query: Select[Any], conn: Connection, body: str) -> Select[Any]:
    """``query`` narrowed to the body named ``body`` (exactly, else by part of a name)."""
    name = normalise(body)
    n, r = schema.body_names.c, schema.reports.c
    exact = conn.execute(select(n.body_id).where(n.name == name)).scalar()
    if exact is not None:
        return query.where(r.body_id == exact)
    ids = select(n.body_id).where(n.name.contains(name, autoescape=True))
    # Reports whose agency matched no body keep only the name they were read with.
    return query.where(or_(r.body_id.in_(ids), r.agency.contains(name, autoescape=True)))
