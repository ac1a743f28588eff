"""整改通知: a letter to a body listing the open errors (and, apart, the warnings) the checks
found in one of its reports, made only from the stored findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from ..output import cell_label
from . import schema
from .access import Scope
from .detail import report_head
from .engine import Store

F = schema.findings.c
DEADLINE_DAYS = 15  # working days
DEFAULT_OFFICE = "政务公开工作主管部门"


@dataclass(frozen=True)
class Problem:
    """One open finding, in plain words, with where to look."""

    finding_id: int
    code: str
    title: str
    message: str
    location: str  # 第4页第43行 (empty when the reading has no position)
    cells: list[str]  # the Chinese labels of the cells concerned


@dataclass
class Letter:
    report_id: int
    body_id: int | None
    addressee: str  # the body
    year: int | None
    report_title: str  # the report's title ("title" is the page's)
    office: str  # who sends it
    issued: dt.date
    deadline: str  # the sentence that sets the time allowed
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def office_of(region: str | None) -> str:
    """The supervising office of a region (the government of its last part)."""
    name = (region or "").strip("/").rsplit("/", 1)[-1]
    return f"{name}人民政府" if name else DEFAULT_OFFICE


def rectification_letter(
    store: Store,
    report_id: int,
    scope: Scope | None = None,
    issued: dt.date | None = None,
    region: str | None = None,
    days: int = DEADLINE_DAYS,
) -> Letter | None:
    """The letter for report ``report_id`` (None when it is outside ``scope`` or missing).

    :param issued: the letter's date (today by default).
    :param region: the sender's region (its government signs); None: 政务公开工作主管部门.
    :param days: working days allowed to correct and republish the report.
    """
    with store.begin() as conn:
        head = report_head(conn, report_id, scope or Scope())
        if head is None:
            return None
        rows = conn.execute(
            select(F.id, F.code, F.severity, F.title, F.message, F.location, F.detail)
            .where(
                F.report_id == report_id,
                F.status == "open",
                F.active.is_(True),
                F.applicable.is_(True),
                F.severity.in_(("error", "warning")),
            )
            .order_by(F.id)
        ).all()
    body = head.body or head.agency or "（未识别的单位）"
    office = office_of(region)
    year = f"{head.year}年" if head.year else ""
    letter = Letter(
        report_id=head.id,
        body_id=head.body_id,
        addressee=body,
        year=head.year,
        report_title=f"{body}{year}政府信息公开工作年度报告",
        office=office,
        issued=issued or dt.date.today(),
        deadline=f"请于收到本通知之日起 {days} 个工作日内整改并重新发布，"
        f"并将整改情况报送{office}。",
    )
    for row in rows:
        detail = row.detail if isinstance(row.detail, dict) else {}
        names = [c.get("name") for c in detail.get("cells") or [] if isinstance(c, dict)]
        labels = list(dict.fromkeys(cell_label(n) for n in names if isinstance(n, str)))
        problem = Problem(row.id, row.code, row.title, row.message, row.location, labels)
        (letter.errors if row.severity == "error" else letter.warnings).append(problem)
    return letter


__all__ = ["Letter", "Problem", "office_of", "rectification_letter"]
