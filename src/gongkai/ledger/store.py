"""The request ledger in the store: requests, their events and cases, written after every
check of :mod:`.records` passes (a batch is one transaction: all of it or nothing).

Clocks are never stored: :mod:`.views` computes them on read from the events and the calendar.
Personal data (applicant name and contact) is read only when a caller asks for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..store import schema
from ..store.bodies import Bodies
from ..store.engine import Store, new_id, now
from .calendar_store import store_calendar
from .records import Case, LedgerError, LedgerEvent, NewRequest, case_problems, check, problems

RQ, EV, CS = schema.ledger_requests.c, schema.ledger_events.c, schema.ledger_cases.c
_REQUEST_FIELDS = (
    "ref",
    "channel",
    "submitted_at",
    "received",
    "applicant_type",
    "applicant_name",
    "applicant_contact",
    "content",
)
_PERSONAL = ("applicant_name", "applicant_contact")
_CHUNK = 500  # ids per IN (…): bounds the bound parameters of one statement
_EVENT_FIELDS = ("kind", "day", "outcome", "days", "approver", "third_party", "amount", "note")


@dataclass(frozen=True, slots=True)
class Imported:
    body_id: int
    added: list[int]  # ids of new requests
    updated: list[int]  # ids of requests replaced (same 申请编号)


def _body(conn: Connection, body: int | str) -> int:
    """The body's id; a name not yet stored starts a body (a ledger may come before reports)."""
    if isinstance(body, int):
        from ..store.queries import resolve_body

        return resolve_body(conn, body)
    found = Bodies(conn).resolve(conn, body)
    if found is None:
        raise LedgerError("请给出单位名称")
    return found


def _request_row(req: NewRequest) -> dict[str, Any]:
    row = {f: getattr(req, f) for f in _REQUEST_FIELDS}
    answer = req.answer
    row["answered"] = answer.day if answer else None
    row["outcome"] = answer.outcome if answer else None
    return row


def _event_rows(request_id: int, events: Sequence[LedgerEvent]) -> list[dict[str, Any]]:
    return [{"request_id": request_id, **{f: getattr(e, f) for f in _EVENT_FIELDS}} for e in events]


def _case_rows(request_id: int, cases: Sequence[Case]) -> list[dict[str, Any]]:
    return [
        {
            "request_id": request_id,
            "kind": c.kind,
            "reference": c.reference,
            "filed": c.filed,
            "decided": c.decided,
            "outcome": c.outcome,
        }
        for c in cases
    ]


def import_requests(
    store: Store,
    body: int | str,
    requests: Sequence[NewRequest],
    today: date | None = None,
    keep: Sequence[str] = (),
    actor: str = "system",
) -> Imported:
    """Store ``requests`` for ``body`` in one transaction, after checking every one.

    A request whose 申请编号 is already stored for the body replaces it (its events and cases
    too), so importing the same workbook again changes nothing. Fields named in ``keep`` are
    not changed on a replaced request (a workbook exported without the applicant's personal
    data must not erase it).

    :raises LedgerError: listing every request that cannot be stored; nothing is stored then.
    """
    today = today or date.today()
    seen: dict[str, int] = {}
    errors: list[str] = []
    with store.begin() as conn:
        cal = store_calendar(conn)
        for i, req in enumerate(requests):
            found = problems(req, cal, today)
            if req.ref in seen:
                found.append(f"申请编号与第 {seen[req.ref] + 1} 件重复")
            seen.setdefault(req.ref, i)
            if found:
                errors.append(f"申请 {req.ref or f'第 {i + 1} 件'}：{'；'.join(found)}")
        if errors:
            raise LedgerError("\n".join(errors))
        body_id = _body(conn, body)
        done = _write(conn, body_id, requests, keep)
        after = {"added": len(done.added), "updated": len(done.updated)}
        audit(conn, actor, "ledger.import", f"body:{body_id}", after)
        return done


def _write(
    conn: Connection, body_id: int, requests: Sequence[NewRequest], keep: Sequence[str]
) -> Imported:
    refs = [r.ref for r in requests]
    stored: dict[str, int] = {}
    for start in range(0, len(refs), _CHUNK):
        chunk = refs[start : start + _CHUNK]
        query = select(RQ.ref, RQ.id).where(RQ.body_id == body_id, RQ.ref.in_(chunk))
        stored.update((ref, int(i)) for ref, i in conn.execute(query))
    at = now()
    old = [stored[r.ref] for r in requests if r.ref in stored]
    for start in range(0, len(old), _CHUNK):
        ids = old[start : start + _CHUNK]
        conn.execute(delete(schema.ledger_events).where(EV.request_id.in_(ids)))
        conn.execute(delete(schema.ledger_cases).where(CS.request_id.in_(ids)))
    for r in requests:
        if r.ref in stored:
            conn.execute(
                update(schema.ledger_requests)
                .where(RQ.id == stored[r.ref])
                .values(
                    **{k: v for k, v in _request_row(r).items() if k not in keep}, updated_at=at
                )
            )
    new = [r for r in requests if r.ref not in stored]
    added: list[int] = []
    if new:
        result = conn.execute(
            insert(schema.ledger_requests).returning(RQ.id, sort_by_parameter_order=True),
            [
                {**_request_row(r), "body_id": body_id, "created_at": at, "updated_at": at}
                for r in new
            ],
        )
        added = [int(i) for i in result.scalars().all()]
    id_of = {**stored, **{r.ref: i for r, i in zip(new, added, strict=True)}}
    events = [row for r in requests for row in _event_rows(id_of[r.ref], r.events)]
    cases = [row for r in requests for row in _case_rows(id_of[r.ref], r.cases)]
    if events:
        conn.execute(insert(schema.ledger_events), events)
    if cases:
        conn.execute(insert(schema.ledger_cases), cases)
    return Imported(body_id, added, [stored[r.ref] for r in requests if r.ref in stored])


def add_request(
    store: Store,
    body: int | str,
    request: NewRequest,
    today: date | None = None,
    actor: str = "system",
) -> int:
    """Store one request (with any events and cases it carries); its id.

    :raises LedgerError: when it fails a check, or its 申请编号 is already used by the body.
    """
    with store.begin() as conn:
        known = Bodies(conn).find(body) if isinstance(body, str) else body
        if (
            known is not None
            and conn.execute(
                select(RQ.id).where(RQ.body_id == known, RQ.ref == request.ref)
            ).first()
        ):
            raise LedgerError(f"申请编号 {request.ref} 已登记，请用 update_request 修改")
    done = import_requests(store, body, [request], today, actor=actor)
    return done.added[0]


def load_many(
    conn: Connection, ids: Sequence[int], personal: bool = True
) -> dict[int, tuple[int, NewRequest]]:
    """Stored requests by id: (body id, record with events and cases); ids not found are
    absent. Without ``personal`` the applicant's name and contact are not read."""
    out: dict[int, tuple[int, NewRequest]] = {}
    fields = [f for f in _REQUEST_FIELDS if personal or f not in _PERSONAL]
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        events: dict[int, list[LedgerEvent]] = defaultdict(list)
        for e in conn.execute(
            select(EV.request_id, *(EV[f] for f in _EVENT_FIELDS))
            .where(EV.request_id.in_(chunk))
            .order_by(EV.day, EV.id)
        ):
            events[e[0]].append(LedgerEvent(*e[1:]))
        cases: dict[int, list[Case]] = defaultdict(list)
        for c in conn.execute(
            select(CS.request_id, CS.kind, CS.filed, CS.outcome, CS.decided, CS.reference, CS.id)
            .where(CS.request_id.in_(chunk))
            .order_by(CS.filed, CS.id)
        ):
            cases[c[0]].append(Case(*c[1:]))
        rows = conn.execute(
            select(RQ.id, RQ.body_id, *(RQ[f] for f in fields)).where(RQ.id.in_(chunk))
        )
        for r in rows:
            req = NewRequest(
                **{f: getattr(r, f) for f in fields},
                events=tuple(events[r.id]),
                cases=tuple(cases[r.id]),
            )
            out[int(r.id)] = (int(r.body_id), req)
    return out


def load(conn: Connection, request_id: int, personal: bool = True) -> tuple[int, NewRequest]:
    """The stored request (body id, record with events and cases).

    :raises LedgerError: when there is no such request.
    """
    found = load_many(conn, [request_id], personal).get(request_id)
    if found is None:
        raise LedgerError(f"台账中没有编号为 {request_id} 的申请")
    return found


def update_request(
    store: Store, request_id: int, today: date | None = None, actor: str = "system", **changes: Any
) -> None:
    """Change a request's fields (``received=…``, ``applicant_type=…``); its events must still
    fit the clock. Events and cases are added with :func:`add_event` / :func:`add_case`.

    :raises LedgerError: for an unknown field or when the changed request fails a check.
    """
    unknown = set(changes) - set(_REQUEST_FIELDS)
    if unknown:
        raise LedgerError(f"不能修改的字段：{'、'.join(sorted(unknown))}")
    with store.begin() as conn:
        _, req = load(conn, request_id)
        changed = replace(req, **changes)
        check(changed, store_calendar(conn), today)
        conn.execute(
            update(schema.ledger_requests)
            .where(RQ.id == request_id)
            .values(**{f: getattr(changed, f) for f in changes}, updated_at=now())
        )
        shown = {f: "（个人信息）" if f in _PERSONAL else str(changes[f]) for f in changes}
        audit(conn, actor, "ledger.request.update", f"ledger:{request_id}", shown)


def add_event(
    store: Store,
    request_id: int,
    event: LedgerEvent,
    today: date | None = None,
    actor: str = "system",
) -> int:
    """Add a step to a request after replaying all its steps with the clock; the event's id.

    :raises LedgerError: with the reason (a reply before receipt, a correction without a
        notice, a second extension…); nothing is stored then.
    """
    with store.begin() as conn:
        _, req = load(conn, request_id)
        changed = replace(req, events=(*req.events, event))
        check(changed, store_calendar(conn), today)
        event_id = new_id(
            conn.execute(insert(schema.ledger_events), _event_rows(request_id, [event])[0])
        )
        if event.is_answer:
            conn.execute(
                update(schema.ledger_requests)
                .where(RQ.id == request_id)
                .values(answered=event.day, outcome=event.outcome, updated_at=now())
            )
        after = {"kind": event.kind, "day": event.day.isoformat(), "outcome": event.outcome}
        audit(conn, actor, "ledger.event.add", f"ledger:{request_id}", after)
        return event_id


def add_case(
    store: Store, request_id: int, case: Case, today: date | None = None, actor: str = "system"
) -> int:
    """Link a review or lawsuit to a request (表四); the case's id."""
    with store.begin() as conn:
        _, req = load(conn, request_id)
        found = case_problems(req.received, [case], today or date.today())
        if found:
            raise LedgerError(f"申请 {req.ref}：{'；'.join(found)}")
        case_id = new_id(
            conn.execute(insert(schema.ledger_cases), _case_rows(request_id, [case])[0])
        )
        audit(conn, actor, "ledger.case.add", f"ledger:{request_id}", {"kind": case.kind})
        return case_id


def decide_case(
    store: Store,
    case_id: int,
    outcome: str,
    decided: date,
    today: date | None = None,
    actor: str = "system",
) -> None:
    """Record a case's result (upheld / corrected / other) and the day it was decided."""
    with store.begin() as conn:
        row = conn.execute(
            select(CS.request_id, CS.kind, CS.filed, CS.reference).where(CS.id == case_id)
        ).first()
        if row is None:
            raise LedgerError(f"台账中没有编号为 {case_id} 的复议或诉讼案件")
        received = conn.execute(select(RQ.received).where(RQ.id == row.request_id)).scalar_one()
        case = Case(row.kind, row.filed, outcome, decided, row.reference)
        found = case_problems(received, [case], today or date.today())
        if found:
            raise LedgerError("；".join(found))
        conn.execute(
            update(schema.ledger_cases)
            .where(CS.id == case_id)
            .values(outcome=outcome, decided=decided)
        )
        after = {"case": case_id, "outcome": outcome, "decided": decided.isoformat()}
        audit(conn, actor, "ledger.case.decide", f"ledger:{row.request_id}", after)


def audit(conn: Connection, actor: str, action: str, target: str, after: Any) -> None:
    """A ledger change in the audit trail (never an applicant's name or contact)."""
    conn.execute(
        insert(schema.audit).values(
            at=now(), actor=(actor or "system")[:100], action=action, target=target, after=after
        )
    )
