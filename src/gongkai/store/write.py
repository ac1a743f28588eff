"""Writing readings: one report row per reading of one file, its cells in long form, its
sections with their search tokens and its findings; versions per body and year.

A new file for a body and year that already has one becomes the next version and the current
one; the earlier versions stay. Findings keep the status people gave them when the same report
is checked again (a re-read, or its previous year arriving later): they are matched by a key
made of the rule and the cells it points at.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from ..checks import Finding, check
from ..checks.catalogue import RULES
from ..report import Report, Value
from . import schema
from .bodies import Bodies
from .engine import new_id, now
from .search import tokens

CROSS_YEAR = "跨年"  # the tag of the rules that compare a report with its previous year


def finding_rows(found: Sequence[Finding]) -> list[dict[str, Any]]:
    """Findings as rows (without report id), each with its stable key."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for f in found:
        ident = json.dumps(
            [f.code, f.table, list(f.rows), list(f.columns), [c.name for c in f.cells]],
            ensure_ascii=False,
        )
        base = hashlib.sha256(ident.encode()).hexdigest()[:40]
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}-{seen[base]}"
        rows.append(
            {
                "key": key,
                "code": f.code,
                "severity": f.severity,
                "title": f.title,
                "message": f.message,
                "location": f.location,
                "detail": f.to_dict(),
                "applicable": f.applicable,
                "active": True,
                "status": "open",
            }
        )
    return rows


def cell_rows(rep: Report) -> list[dict[str, Any]]:
    """The report's cells in long form (without report id)."""
    out = []
    for name, v in rep.cells():
        tbl, rest = name.split(".", 1)
        if tbl == "legacy":
            label, _, index = rest.rpartition("[")
            row, col = (label, index.rstrip("]")) if label else (rest, "0")
        elif tbl == "review_litigation":
            row, col = rest, ""
        else:
            row, _, col = rest.rpartition(".")
        out.append({"name": name, "tbl": tbl, "row_key": row, "col_key": col, **_value(v)})
    return out


def _value(v: Value) -> dict[str, Any]:
    number = v.number
    return {
        "number": None if v.ambiguous or number is None else float(number),
        "text": v.raw if v.ambiguous else (v.value if isinstance(v.value, str) else None),
        "raw": v.raw,
        "page": v.source.page if v.source else None,
        "line": v.source.line if v.source else None,
        "derived": v.derived,
        "ambiguous": v.ambiguous,
    }


def store_file(conn: Connection, sha: str, name: str, data: bytes) -> None:
    """Keep the original bytes once (content-addressed)."""
    known = conn.execute(select(schema.files.c.sha256).where(schema.files.c.sha256 == sha)).first()
    if known is None:
        conn.execute(
            insert(schema.files).values(
                sha256=sha, size=len(data), name=name[-400:], data=data, stored_at=now()
            )
        )


@dataclass(slots=True)
class Prepared:
    """A reading made ready for the database by a worker process: its rows, without ids."""

    data: dict[str, Any]
    cells: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    findings: list[dict[str, Any]]


def prepared(rep: Report, found: Sequence[Finding]) -> Prepared:
    """The rows of one reading (the costly part of storing it, done where it was read)."""
    sections = [
        {"number": n, "title": s.title, "text": s.text, "tokens": tokens(s.text)}
        for n, s in rep.sections.items()
    ]
    return Prepared(rep.to_dict(), cell_rows(rep), sections, finding_rows(found))


CELL_COLUMNS = [c.name for c in schema.cells.columns]
RECENT = 1_000  # readings kept in memory for the next year's cross-year checks (~50 MB)


@dataclass
class Pending:
    """One import's write state: rows of the current batch, inserted together (one statement
    per table) at its end, and the reports written lately (a later year's cross-year rules
    need them, and parsing them back from the database would cost more than the checks)."""

    cells: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    recent: OrderedDict[int, Report] = field(default_factory=OrderedDict)

    def remember(self, report_id: int, rep: Report) -> None:
        self.recent[report_id] = rep
        if len(self.recent) > RECENT:
            self.recent.popitem(last=False)

    def flush(self, conn: Connection) -> None:
        if self.cells:
            # Hundreds of rows per report: straight to the driver, past SQLAlchemy's per-row
            # parameter processing (the values are plain numbers, strings and booleans).
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            sql = (
                f"INSERT INTO cells ({', '.join(CELL_COLUMNS)}) "
                f"VALUES ({', '.join([mark] * len(CELL_COLUMNS))})"
            )
            conn.exec_driver_sql(sql, [tuple(c[k] for k in CELL_COLUMNS) for c in self.cells])
            self.cells.clear()
        for table, rows in ((schema.sections, self.sections), (schema.findings, self.findings)):
            if rows:
                conn.execute(insert(table), rows)
                rows.clear()


def store_report(
    conn: Connection,
    bodies: Bodies,
    rep: Report,
    prep: Prepared,
    pending: Pending,
    *,
    sha: str,
    path: str,
    reader_version: str,
    run_id: int | None,
    replaces: int | None = None,
) -> int:
    """Store one reading (its rows join ``pending``) with its findings: the cross-year ones
    computed here against the stored previous year, and the next year's re-checked against
    this one. Returns the report id.

    :param replaces: the reading of the same file this one re-reads (keeps its version and its
        findings' statuses).
    """
    r = schema.reports.c
    body_id = bodies.resolve(conn, rep.agency)
    version = _version(conn, body_id, rep.year, sha, replaces)
    current = True
    if replaces is not None:
        current = bool(conn.execute(select(r.current).where(r.id == replaces)).scalar())
    if current:
        _demote(conn, body_id, rep.year, sha)
        if replaces is not None:
            conn.execute(update(schema.reports).where(r.id == replaces).values(current=False))
    previous = _stored(conn, body_id, rep.year - 1, pending) if rep.year else None
    crossed = finding_rows(check(rep, previous[1] if previous else None, select=CROSS_YEAR))
    rows = [*prep.findings, *crossed]
    if replaces is not None:
        _carry(conn, replaces, rows)
    counts = {
        sev: sum(
            1
            for f in rows
            if f["severity"] == sev and f["applicable"] and f["status"] != "dismissed"
        )
        for sev in ("error", "warning")
    }
    data = {**prep.data, "file": path}
    report_id = new_id(
        conn.execute(
            insert(schema.reports).values(
                body_id=body_id,
                agency=rep.agency,
                year=rep.year,
                template=rep.template,
                published=rep.published,
                file_sha256=sha,
                path=path[-1000:],
                format=rep.format,
                reader_version=reader_version,
                version=version,
                current=current,
                errors=counts["error"],
                warnings=counts["warning"],
                notes=list(rep.warnings),
                data=data,
                run_id=run_id,
                imported_at=now(),
            )
        )
    )
    pending.remember(report_id, rep)
    pending.cells.extend({"report_id": report_id, **c} for c in prep.cells)
    pending.sections.extend({"report_id": report_id, **x} for x in prep.sections)
    pending.findings.extend({"report_id": report_id, **f} for f in rows)
    if current and body_id is not None and rep.year:
        later = _stored(conn, body_id, rep.year + 1, pending)
        if later is not None:
            pending.flush(conn)  # the later report's findings must be in the table to replace
            recheck_cross_year(conn, later[0], later[1], rep)
    return report_id


def _version(
    conn: Connection, body_id: int | None, year: int | None, sha: str, replaces: int | None
) -> int:
    r = schema.reports.c
    if replaces is not None:
        return int(conn.execute(select(r.version).where(r.id == replaces)).scalar() or 1)
    if body_id is None or year is None:
        return 1
    same = conn.execute(
        select(r.version).where(r.body_id == body_id, r.year == year, r.file_sha256 == sha)
    ).scalar()
    if same is not None:
        return int(same)
    top = conn.execute(
        select(func.max(r.version)).where(r.body_id == body_id, r.year == year)
    ).scalar()
    return int(top or 0) + 1


def _demote(conn: Connection, body_id: int | None, year: int | None, sha: str) -> None:
    """The body's earlier current reading for the year (or this file's) is current no more."""
    r = schema.reports.c
    if body_id is not None and year is not None:
        where = and_(r.body_id == body_id, r.year == year)
    else:
        where = r.file_sha256 == sha
    conn.execute(update(schema.reports).where(where, r.current.is_(True)).values(current=False))


def _stored(
    conn: Connection, body_id: int | None, year: int, pending: Pending
) -> tuple[int, Report] | None:
    """The current stored reading of ``body_id`` for ``year``, as a Report."""
    if body_id is None:
        return None
    r = schema.reports.c
    found = conn.execute(
        select(r.id).where(r.body_id == body_id, r.year == year, r.current.is_(True))
    ).scalar()
    if found is None:
        return None
    rep = pending.recent.get(found)
    if rep is None:
        data = conn.execute(select(r.data).where(r.id == found)).scalar_one()
        rep = Report.from_dict(data)
    return int(found), rep


def recheck_cross_year(conn: Connection, report_id: int, rep: Report, previous: Report) -> None:
    """Replace a stored report's cross-year findings by those against ``previous``."""
    found = finding_rows(check(rep, previous, select=CROSS_YEAR))
    codes = {r.code for r in RULES.select({CROSS_YEAR}, set())}
    _replace_findings(conn, report_id, found, codes)
    recount(conn, report_id)


def _carry(conn: Connection, source: int, rows: list[dict[str, Any]]) -> None:
    """Give findings the status people set on the same finding (by key) of ``source``."""
    f = schema.findings.c
    kept = {
        row.key: row
        for row in conn.execute(
            select(f.key, f.status, f.reason, f.changed_at, f.changed_by).where(
                f.report_id == source
            )
        )
    }
    for row in rows:
        before = kept.get(row["key"])
        if before is not None:
            row.update(
                status=before.status,
                reason=before.reason,
                changed_at=before.changed_at,
                changed_by=before.changed_by,
            )


def _replace_findings(
    conn: Connection, report_id: int, rows: list[dict[str, Any]], codes: set[str]
) -> None:
    """Replace the report's findings of ``codes`` by ``rows``: statuses carry over by key, and
    findings no longer found stay, inactive (a person's decision on them is never lost)."""
    f = schema.findings.c
    where = (f.report_id == report_id, f.code.in_(codes))
    _carry(conn, report_id, rows)
    keys = [r["key"] for r in rows]
    conn.execute(delete(schema.findings).where(*where, f.key.in_(keys)))
    conn.execute(update(schema.findings).where(*where, f.key.not_in(keys)).values(active=False))
    if rows:
        conn.execute(insert(schema.findings), [{"report_id": report_id, **r} for r in rows])


def recount(conn: Connection, report_id: int) -> None:
    """The report's error and warning counts: its findings in force and not dismissed."""
    f = schema.findings.c
    counts: dict[str, int] = dict(
        conn.execute(
            select(f.severity, func.count())
            .where(
                f.report_id == report_id,
                f.applicable.is_(True),
                f.active.is_(True),
                f.status != "dismissed",
            )
            .group_by(f.severity)
        ).all()
    )
    conn.execute(
        update(schema.reports)
        .where(schema.reports.c.id == report_id)
        .values(errors=counts.get("error", 0), warnings=counts.get("warning", 0))
    )


def record_changes(conn: Connection, run_id: int, old_id: int, new: int) -> bool:
    """Record every field and cell whose reading differs; True when anything does."""
    r, c = schema.reports.c, schema.cells.c
    before_meta = conn.execute(select(r.agency, r.year, r.template).where(r.id == old_id)).one()
    after_meta = conn.execute(select(r.agency, r.year, r.template).where(r.id == new)).one()
    rows: list[dict[str, Any]] = [
        {"name": name, "before": b, "after": a}
        for name, b, a in zip(("agency", "year", "template"), before_meta, after_meta, strict=True)
        if b != a
    ]
    cells = {}
    for rid in (old_id, new):
        cells[rid] = {
            row.name: (row.number, row.text, row.ambiguous)
            for row in conn.execute(
                select(c.name, c.number, c.text, c.ambiguous).where(c.report_id == rid)
            )
        }
    for name in sorted(set(cells[old_id]) | set(cells[new])):
        b, a = cells[old_id].get(name), cells[new].get(name)
        if b != a:
            rows.append({"name": name, "before": _shown_cell(b), "after": _shown_cell(a)})
    if rows:
        conn.execute(
            insert(schema.changes),
            [{"run_id": run_id, "old_report_id": old_id, "new_report_id": new, **x} for x in rows],
        )
    return bool(rows)


def _shown_cell(cell: tuple[Any, Any, Any] | None) -> Any:
    if cell is None:
        return None
    number, text_, _ = cell
    if number is not None:
        return int(number) if float(number).is_integer() else number
    return text_
