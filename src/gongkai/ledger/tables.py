"""The annual tables (表三, 表四) of a body's year, counted from its ledger, and the requests
behind every cell.

For the year Y (1 January to 31 December), by applicant type:

- 一、本年新收: legal receipt date in Y;
- 二、上年结转: received before Y and not answered before 1 January;
- 三、本年度办理结果: answered in Y, by the reply's outcome; （七）总计 is all of them;
- 四、结转下年度继续办理: received by 31 December and not answered by then.

Every request received by 31 December and not answered before Y is new or carried over, and is
either answered in Y or carried forward, so 一 + 二 = （七） + 四 in every column; each year's 二
is the year before's 四. 表四 counts the cases open at some time in Y (filed by 31 December, not
decided before Y): by the result when decided in Y, otherwise as 尚未审结.

Counting is two GROUP BY queries over the requests and one over the cases; :func:`explain` runs
the same conditions to list a cell's requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, or_, select, true

from ..errors import GongkaiError
from ..output import cell_label
from ..report import Report, Value
from ..store import schema
from ..store.engine import Store
from ..store.queries import resolve_body
from ..templates import (
    APPLICANT_KEYS,
    OUTCOMES,
    REQUEST_COLUMN_KEYS,
    REVIEW_GROUPS,
    REVIEW_KEYS,
    template_for,
)
from .labels import APPLICANTS, CASE_KINDS, CASE_OUTCOMES, OUTCOME_KEYS, OUTCOMES_2021, PENDING

RQ, CS, B = schema.ledger_requests.c, schema.ledger_cases.c, schema.bodies.c
BALANCE_ROWS = ("new", "carried_over", "carried_forward")
OTHER_SPLIT = tuple(k for k in OUTCOME_KEYS if k.startswith("other_"))
FIRST_YEAR = 2019  # the national tables start with the 2019 reports


class TablesError(GongkaiError):
    pass


def template_of(year: int) -> str:
    if year < FIRST_YEAR:
        raise TablesError(f"{year}年度没有全国统一的表三、表四（自2019年度起），无法从台账生成")
    return "2021" if year >= 2021 else "2019"


def _span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _outcomes(row: str) -> tuple[str, ...] | None:
    """The reply outcomes a result row counts; None for a row that is not a result row."""
    if row == "total":
        return OUTCOME_KEYS
    if row == "other":  # the 2019 template's single row
        return OTHER_SPLIT
    return (row,) if row in OUTCOME_KEYS else None


def _row_condition(row: str, year: int) -> ColumnElement[bool]:
    start, end = _span(year)
    open_at_start = or_(RQ.answered.is_(None), RQ.answered >= start)
    if row == "new":
        return RQ.received.between(start, end)
    if row == "carried_over":
        return and_(RQ.received < start, open_at_start)
    if row == "carried_forward":
        return and_(RQ.received <= end, or_(RQ.answered.is_(None), RQ.answered > end))
    outcomes = _outcomes(row)
    assert outcomes is not None
    return and_(RQ.answered.between(start, end), RQ.outcome.in_(outcomes))


def _column_condition(col: str) -> ColumnElement[bool]:
    return true() if col == "total" else RQ.applicant_type == col


def _case_condition(key: str, year: int) -> ColumnElement[bool]:
    start, end = _span(year)
    kind = next(g.key for g in REVIEW_GROUPS if key.startswith(g.key + "_"))
    outcome = key[len(kind) + 1 :]
    cond = and_(CS.kind == kind, CS.filed <= end, or_(CS.decided.is_(None), CS.decided >= start))
    if outcome == "total":
        return cond
    if outcome == PENDING:
        return and_(cond, or_(CS.decided.is_(None), CS.decided > end))
    return and_(cond, CS.decided <= end, CS.outcome == outcome)


@dataclass
class AnnualTables:
    """表三 and 表四 of one body's year, as counted from the ledger."""

    body_id: int
    body: str
    year: int
    template: str
    cells: dict[str, int] = field(default_factory=dict)  # cell name -> count

    def report(self, base: Report | None = None) -> Report:
        """A Report of the year's template with 表三 and 表四 from the ledger.

        :param base: a report whose 表二 and text were written elsewhere (such as the
            ``gongkai new`` workbook read back): its tables 三 and 四 are replaced in place.
            Without it the report has no 表二, which the checks report as incomplete (F3).
        """
        rep = base or Report(agency=self.body, year=self.year, template=self.template)
        if rep.template != self.template:
            raise TablesError(
                f"报告使用{rep.template}年格式，{self.year}年度应为{self.template}年格式"
            )
        for r in template_for(self.template).request_rows:
            values = [self.cells[f"requests.{r.key}.{c}"] for c in REQUEST_COLUMN_KEYS]
            rep.requests[r.key] = [Value(n, str(n)) for n in values]
        rep.review_litigation = [
            Value(n, str(n)) for n in (self.cells[f"review_litigation.{k}"] for k in REVIEW_KEYS)
        ]
        return rep


def _body(conn: Connection, body: int | str) -> tuple[int, str]:
    body_id = resolve_body(conn, body)
    return body_id, conn.execute(select(B.name).where(B.id == body_id)).scalar_one()


def annual_tables(store: Store, body: int | str, year: int) -> AnnualTables:
    """Count 表三 and 表四 for ``body``'s ``year`` from its ledger."""
    tpl = template_of(year)
    start, end = _span(year)
    with store.begin() as conn:
        body_id, name = _body(conn, body)
        counts: dict[tuple[str, str], int] = {}
        flags = {row: _row_condition(row, year) for row in BALANCE_ROWS}
        balance = conn.execute(
            select(
                RQ.applicant_type,
                *(func.sum(case((c, 1), else_=0)).label(r) for r, c in flags.items()),
            )
            .where(
                RQ.body_id == body_id,
                RQ.received <= end,
                or_(RQ.answered.is_(None), RQ.answered >= start),
            )
            .group_by(RQ.applicant_type)
        )
        for b in balance:
            for key in BALANCE_ROWS:
                counts[key, b.applicant_type] = int(getattr(b, key) or 0)
        answered = conn.execute(
            select(RQ.outcome, RQ.applicant_type, func.count())
            .where(RQ.body_id == body_id, RQ.answered.between(start, end))
            .group_by(RQ.outcome, RQ.applicant_type)
        )
        for outcome, applicant, n in answered:
            counts[outcome, applicant] = int(n)
        # Grouped by the decision day, not by a CASE on it: PostgreSQL cannot match a bound
        # parameter in GROUP BY with the one in the select list. Cases are few.
        cases = conn.execute(
            select(CS.kind, CS.outcome, CS.decided, func.count())
            .join(schema.ledger_requests, RQ.id == CS.request_id)
            .where(
                RQ.body_id == body_id,
                CS.filed <= end,
                or_(CS.decided.is_(None), CS.decided >= start),
            )
            .group_by(CS.kind, CS.outcome, CS.decided)
        )
        case_counts: dict[tuple[str, str], int] = {}
        for kind, outcome, decided, n in cases:
            found = (kind, outcome if decided is not None and decided <= end else PENDING)
            case_counts[found] = case_counts.get(found, 0) + int(n)
    tables = AnnualTables(body_id, name, year, tpl)
    for row in template_for(tpl).request_rows:
        outcomes = _outcomes(row.key) or (row.key,)
        per = [sum(counts.get((o, a), 0) for o in outcomes) for a in APPLICANT_KEYS]
        for a, n in zip(APPLICANT_KEYS, per, strict=True):
            tables.cells[f"requests.{row.key}.{a}"] = n
        tables.cells[f"requests.{row.key}.total"] = sum(per)
    for g in REVIEW_GROUPS:
        per_outcome = {o.key: case_counts.get((g.key, o.key), 0) for o in OUTCOMES[:-1]}
        for o, n in per_outcome.items():
            tables.cells[f"review_litigation.{g.key}_{o}"] = n
        tables.cells[f"review_litigation.{g.key}_total"] = sum(per_outcome.values())
    return tables


def ledger_report(store: Store, body: int | str, year: int) -> Report:
    """The report a body's ledger gives for ``year`` (表三 and 表四), e.g. to fill the
    ``gongkai new`` workbook or to check with :func:`gongkai.checks.check`."""
    return annual_tables(store, body, year).report()


# -- explain -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Behind:
    """A request (or case) behind a cell."""

    id: int
    ref: str  # the request's 申请编号
    received: date
    applicant_type: str
    answered: date | None
    outcome: str | None
    case_id: int | None = None  # 表四: the case
    case_kind: str | None = None
    filed: date | None = None
    decided: date | None = None
    case_outcome: str | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    cell: str
    label: str
    year: int
    body: str
    rows: tuple[Behind, ...]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def request_ids(self) -> list[int]:
        return sorted({r.id for r in self.rows})

    @property
    def case_ids(self) -> list[int]:
        return sorted(r.case_id for r in self.rows if r.case_id is not None)

    def table(self) -> tuple[list[str], list[list[object]]]:
        """The header and rows to show: the requests, or for 表四 the cases."""
        if self.cell.startswith("review_litigation."):
            header = ["案件", "申请编号", "类型", "立案日期", "审结日期", "结果"]
            cases: list[list[object]] = [
                [
                    r.case_id,
                    r.ref,
                    CASE_KINDS.get(r.case_kind or "", ""),
                    _iso(r.filed),
                    _iso(r.decided),
                    CASE_OUTCOMES.get(r.case_outcome or PENDING, ""),
                ]
                for r in self.rows
            ]
            return header, cases
        header = ["编号", "申请编号", "收到申请日期", "申请人类型", "答复日期", "办理结果"]
        return header, [
            [
                r.id,
                r.ref,
                _iso(r.received),
                APPLICANTS.get(r.applicant_type, ""),
                _iso(r.answered),
                OUTCOMES_2021.get(r.outcome or "", ""),
            ]
            for r in self.rows
        ]


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def cell_names(year: int) -> list[str]:
    """Every cell :func:`explain` knows for ``year``'s template."""
    rows = template_for(template_of(year)).request_rows
    names = [f"requests.{r.key}.{c}" for r in rows for c in REQUEST_COLUMN_KEYS]
    return names + [f"review_litigation.{k}" for k in REVIEW_KEYS]


def _unknown(cell: str, year: int) -> TablesError:
    return TablesError(
        f"未知的单元格“{cell}”：应写成 requests.<行>.<列>（如 requests.granted.natural_person）"
        f"或 review_litigation.<格>（如 review_litigation.review_upheld）；"
        f"列：{'、'.join(REQUEST_COLUMN_KEYS)}；{year}年度的行："
        + "、".join(r.key for r in template_for(template_of(year)).request_rows)
    )


def explain(store: Store, body: int | str, year: int, cell: str) -> Explanation:
    """The requests (and for 表四 the cases) counted in ``cell`` of ``body``'s ``year`` tables.

    :raises TablesError: for a cell that is not in the year's template.
    """
    if cell not in cell_names(year):
        raise _unknown(cell, year)
    table, _, rest = cell.partition(".")
    cols: list[Any] = [RQ.id, RQ.ref, RQ.received, RQ.applicant_type, RQ.answered, RQ.outcome]
    with store.begin() as conn:
        body_id, name = _body(conn, body)
        if table == "requests":
            row, _, col = rest.rpartition(".")
            cond = and_(_row_condition(row, year), _column_condition(col))
            query = select(*cols).where(RQ.body_id == body_id, cond).order_by(RQ.id)
            rows = tuple(Behind(*r) for r in conn.execute(query))
        else:
            cols += [CS.id, CS.kind, CS.filed, CS.decided, CS.outcome]
            query = (
                select(*cols)
                .join(schema.ledger_requests, RQ.id == CS.request_id)
                .where(RQ.body_id == body_id, _case_condition(rest, year))
                .order_by(CS.id)
            )
            rows = tuple(Behind(*r) for r in conn.execute(query))
    return Explanation(cell, cell_label(cell), year, name, rows)


def explain_all(store: Store, body: int | str, year: int) -> Iterable[Explanation]:
    """:func:`explain` for every cell of the year's tables."""
    for cell in cell_names(year):
        yield explain(store, body, year, cell)
