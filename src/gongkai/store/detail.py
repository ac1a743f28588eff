"""One stored report as the web app's 一份报告 shows it: its tables in the official layout with
each cell's value, source and the open findings on it, the findings, last year's figures,
the versions stored for its body and year, and the six sections' text.

Table layouts come from :mod:`gongkai.render.layout` (:mod:`.report_layout` shows them);
the report's cells from ``cells``; everything in a handful of queries by primary key or index.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select

from ..checks.catalogue import SEVERITY_LABELS, SEVERITY_RANK
from ..output import cell_label
from ..report import Report
from ..templates import SECTION_NUMBERS
from . import schema
from .access import Scope
from .engine import Store
from .findings import STATUSES
from .queries import B, R, on_time
from .report_layout import Grid, grids

C, F, S, FI = schema.cells.c, schema.findings.c, schema.sections.c, schema.files.c
Value = float | str | None
SENTENCE_ENDS = tuple("。！？；：…")
HEADING = re.compile(
    r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])"
)


@dataclass(frozen=True)
class Cell:
    """A value cell: as read, where it was read, and what the checks say about it."""

    name: str  # requests.new.total
    label: str  # its Chinese label (cell_label)
    value: Value  # the number, or the text as written ("无", an undecided cell's digits)
    raw: str  # as written in the document
    page: int | None
    line: int | None
    derived: str | None  # how a value not read directly was obtained
    ambiguous: bool
    severity: str | None  # the worst open finding on it: "error" | "warning"
    notes: list[str]  # the messages of the open findings on it
    previous: Value  # the same cell in last year's report


@dataclass(frozen=True)
class FindingItem:
    id: int
    code: str
    severity: str
    severity_label: str
    title: str
    message: str
    location: str
    status: str  # open | dismissed | fixed
    status_label: str
    reason: str | None
    changed_by: str | None
    changed_at: dt.datetime | None
    cells: list[str]  # the cells it concerns


@dataclass(frozen=True)
class Version:
    report_id: int
    version: int
    reader_version: str
    imported_at: dt.datetime
    current: bool
    path: str
    file: str
    size: int
    errors: int
    warnings: int


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    paragraphs: list[str]


@dataclass
class ReportDetail:
    report_id: int
    body_id: int | None
    body: str | None  # canonical name (the name as read when no body matched)
    agency: str | None  # as read
    level: str | None
    region: str | None
    year: int | None
    layout: str  # the template: 2021 | 2019 | legacy ("template" is a render argument)
    published: str | None
    on_time: bool | None
    path: str
    format: str | None
    file: str  # the original file's name
    size: int
    sha256: str
    reader_version: str
    version: int
    current: bool
    imported_at: dt.datetime
    errors: int
    warnings: int
    notes: list[str]  # the reader's warnings
    tables: list[Grid]
    cells: dict[str, Cell]
    findings: list[FindingItem]
    previous_id: int | None  # last year's current report of the body
    versions: list[Version]
    sections: list[Section]


def report_head(conn: Any, report_id: int, scope: Scope) -> Any:
    """The report row (with body and file) when ``scope`` covers it, else None."""
    return conn.execute(
        select(
            R.id,
            R.body_id,
            R.agency,
            R.year,
            R.template,
            R.published,
            R.path,
            R.format,
            R.file_sha256,
            R.reader_version,
            R.version,
            R.current,
            R.imported_at,
            R.errors,
            R.warnings,
            R.notes,
            B.name.label("body"),
            B.level,
            B.region,
            FI.name.label("file"),
            FI.size,
        )
        .select_from(schema.reports)
        .outerjoin(schema.bodies, B.id == R.body_id)
        .join(schema.files, FI.sha256 == R.file_sha256)
        .where(R.id == report_id, scope.reports())
    ).first()


def file_name(path: str, fallback: str) -> str:
    """The last part of an imported path (either separator), else ``fallback``."""
    return path.replace("\\", "/").rsplit("/", 1)[-1] or fallback


def report_detail(store: Store, report_id: int, scope: Scope | None = None) -> ReportDetail | None:
    """The report ``report_id`` as ``scope`` lets a user see it; None when it does not exist
    or lies outside the scope."""
    scope = scope or Scope()
    with store.begin() as conn:
        head = report_head(conn, report_id, scope)
        if head is None:
            return None
        data = conn.execute(select(R.data).where(R.id == report_id)).scalar_one()
        rows = conn.execute(select(schema.cells).where(C.report_id == report_id)).all()
        found = conn.execute(
            select(schema.findings)
            .where(F.report_id == report_id, F.active.is_(True), F.applicable.is_(True))
            .order_by(F.id)
        ).all()
        previous_id = None
        if head.body_id is not None and head.year is not None:
            previous_id = conn.execute(
                select(R.id).where(
                    R.body_id == head.body_id, R.year == head.year - 1, R.current.is_(True)
                )
            ).scalar()
        before = {}
        if previous_id is not None:
            before = {
                r.name: _value(r)
                for r in conn.execute(
                    select(C.name, C.number, C.text).where(C.report_id == previous_id)
                )
            }
        versions = _versions(conn, head)
        texts = conn.execute(
            select(S.number, S.title, S.text).where(S.report_id == report_id).order_by(S.id)
        ).all()
    findings = [_finding(f) for f in found]
    names = {r.name for r in rows}
    marks: dict[str, list[FindingItem]] = {}
    for f, item in zip(found, findings, strict=True):
        if item.status == "open" and item.severity in ("error", "warning"):
            for name in concerned(f.detail, names):
                marks.setdefault(name, []).append(item)
    findings.sort(key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.id))
    tables = grids(Report.from_dict(data))  # the layout the report renders in
    shown = [s.cell for t in tables for row in t.body for s in row if s.cell in names]
    order = {n: i for i, n in enumerate(dict.fromkeys(shown))}
    rows = sorted(rows, key=lambda r: (order.get(r.name, len(order)), r.name))
    cells = {r.name: _cell(r, marks.get(r.name, []), before.get(r.name)) for r in rows}
    numbered = {n: i for i, n in enumerate(SECTION_NUMBERS)}
    sections = [
        Section(t.number, t.title, paragraphs(t.text))
        for t in sorted(texts, key=lambda t: numbered.get(t.number, 9))
    ]
    return ReportDetail(
        report_id=head.id,
        body_id=head.body_id,
        body=head.body or head.agency,
        agency=head.agency,
        level=head.level,
        region=head.region,
        year=head.year,
        layout=head.template,
        published=head.published,
        on_time=on_time(head.published, head.year, head.level),
        path=head.path,
        format=head.format,
        file=file_name(head.path, head.file),
        size=head.size,
        sha256=head.file_sha256,
        reader_version=head.reader_version,
        version=head.version,
        current=bool(head.current),
        imported_at=head.imported_at,
        errors=head.errors,
        warnings=head.warnings,
        notes=list(head.notes or []),
        tables=tables,
        cells=cells,
        findings=findings,
        previous_id=previous_id,
        versions=versions,
        sections=sections,
    )


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs: a PDF's wrapped lines joined again. A line ends a paragraph when
    it ends a sentence, is followed by a numbered heading or a blank line, or is clearly
    shorter than the full lines (a paragraph's last line, or a heading)."""
    lines = [line.strip() for line in text.splitlines()]
    full = max((len(line) for line in lines), default=0)
    out: list[str] = []
    joinable = False
    for line in lines:
        if not line:
            joinable = False
            continue
        if joinable and not HEADING.match(line):
            out[-1] += line
        else:
            out.append(line)
        joinable = not line.endswith(SENTENCE_ENDS) and len(line) >= 0.6 * full
    return out


def concerned(detail: Any, present: set[str]) -> list[str]:
    """The stored cells a finding (its ``detail``, ``Finding.to_dict()``) points at: the cells
    it names, else the cells of the rows (and columns) it names."""
    if not isinstance(detail, dict):
        return []
    named = [c.get("name") for c in detail.get("cells") or [] if isinstance(c, dict)]
    if named:
        return [n for n in named if isinstance(n, str) and n in present]
    table, rows, columns = detail.get("table"), detail.get("rows") or [], detail.get("columns")
    if table == "review_litigation":
        return [n for c in columns or [] if (n := f"{table}.{c}") in present]
    if table in ("active", "requests") and rows:
        prefixes = tuple(f"{table}.{r}." for r in rows)
        return sorted(
            n
            for n in present
            if n.startswith(prefixes) and (not columns or n.rsplit(".", 1)[-1] in columns)
        )
    return []


def _value(row: Any) -> Value:
    if row.number is not None:
        return int(row.number) if float(row.number).is_integer() else float(row.number)
    return row.text  # type: ignore[no-any-return]


def _cell(row: Any, marks: list[FindingItem], previous: Value) -> Cell:
    worst = min((m.severity for m in marks), key=lambda s: SEVERITY_RANK[s], default=None)
    return Cell(
        row.name,
        cell_label(row.name),
        _value(row),
        row.raw,
        row.page,
        row.line,
        row.derived,
        bool(row.ambiguous),
        worst,
        [m.message for m in marks],
        previous,
    )


def _finding(f: Any) -> FindingItem:
    detail = f.detail if isinstance(f.detail, dict) else {}
    names = [c["name"] for c in detail.get("cells") or [] if isinstance(c, dict) and "name" in c]
    return FindingItem(
        f.id,
        f.code,
        f.severity,
        SEVERITY_LABELS.get(f.severity, f.severity),
        f.title,
        f.message,
        f.location,
        f.status,
        STATUSES.get(f.status, f.status),
        f.reason,
        f.changed_by,
        f.changed_at,
        names,
    )


def _versions(conn: Any, head: Any) -> list[Version]:
    same = (
        and_(R.body_id == head.body_id, R.year == head.year)
        if head.body_id is not None and head.year is not None
        else R.id == head.id
    )
    rows = conn.execute(
        select(
            R.id,
            R.version,
            R.reader_version,
            R.imported_at,
            R.current,
            R.path,
            R.errors,
            R.warnings,
            FI.name,
            FI.size,
        )
        .join(schema.files, FI.sha256 == R.file_sha256)
        .where(same)
        .order_by(R.version, R.imported_at, R.id)
    ).all()
    return [
        Version(
            r.id,
            r.version,
            r.reader_version,
            r.imported_at,
            bool(r.current),
            r.path,
            file_name(r.path, r.name),
            r.size,
            r.errors,
            r.warnings,
        )
        for r in rows
    ]


def finding_report(store: Store, finding_id: int, scope: Scope | None = None) -> int | None:
    """The report a finding belongs to, when ``scope`` covers it (else None)."""
    scope = scope or Scope()
    with store.begin() as conn:
        found = conn.execute(
            select(F.report_id)
            .join(schema.reports, R.id == F.report_id)
            .where(F.id == finding_id, scope.reports())
        ).scalar()
    return int(found) if found is not None else None


__all__ = ["Cell", "FindingItem", "ReportDetail", "Section", "Version", "report_detail"]
