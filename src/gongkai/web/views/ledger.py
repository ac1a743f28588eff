"""台账: a body's ledger of disclosure requests (issue 10) — the list with its 即将到期 and 已逾期
views, one request's timeline with the forms that add its steps, and the entry form. The annual
tables and the Excel workbook are in :mod:`.ledger_book`.

Who may do what: everyone reads the ledgers of the bodies in their scope (an agency user its own
body's only; a supervisor those of its region; a viewer or an admin as far as their scope goes);
only an agency user (its own body's) and an admin enter requests and their steps: the office
keeps its ledger, supervisors read it. Applicants' names and contacts are shown to the agency's
own users only: no other user's page, JSON, CSV or export ever carries them.
"""

from __future__ import annotations

from datetime import date, datetime
from math import ceil
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import GongkaiError
from ...ledger import (
    EventKind,
    LedgerEvent,
    NewRequest,
    State,
    add_event,
    add_request,
    get_request,
    list_requests,
)
from ...ledger.clock import DUE_SOON_DAYS
from ...ledger.labels import (
    APPLICANTS,
    CASE_KINDS,
    CASE_OUTCOMES,
    CASE_RESULTS,
    CHANNELS,
    EVENT_LABELS,
)
from ...ledger.labels import OUTCOMES_2021 as OUTCOMES
from ...ledger.records import receipt
from ...ledger.views import LIST_HEADER, Detail, Listed
from ...store import schema
from ...store.queries import resolve_body
from ..pages import integer, render, respond
from ..security import deny_outside, form, page, user_of, wants_data

WRITERS = ("agency", "admin")  # who enters requests (the office; an admin for any body)
PER_PAGE = 100
LIST_KEYS: tuple[str, ...] = ("id", "body", "ref", "received", "applicant_type", "state", "due")
LIST_KEYS += ("days_left", "answered", "outcome", "provisional")  # the columns of Listed.cells()
# The steps the request page offers, each with the fields it needs beyond the date.
EVENT_FORMS: tuple[tuple[EventKind, tuple[str, ...]], ...] = (
    (EventKind.CORRECTION_NOTICE, ()),
    (EventKind.CORRECTION_RECEIVED, ()),
    (EventKind.CONSULTATION_START, ("third_party",)),
    (EventKind.CONSULTATION_END, ()),
    (EventKind.EXTENSION, ("days", "approver")),
    (EventKind.FEE_NOTICE, ("amount",)),
    (EventKind.FEE_PAID, ()),
    (EventKind.REPLY, ("outcome",)),
    (EventKind.ON_THE_SPOT, ("outcome",)),
)
# How a state is marked (CSS tag class): late is bad, close is a warning, answered is done.
TONES = {State.OVERDUE: "bad", State.FEE_UNPAID: "bad", State.DUE_SOON: "warn"}
TONES[State.ANSWERED] = "ok"
B = schema.bodies.c
NOT_FOUND = "没有找到，或您无权查看"


# -- who and which body ---------------------------------------------------------------------


def personal_of(request: Request) -> bool:
    """Applicants' names and contacts: for the agency's own users only (an agency user sees
    no other body's requests)."""
    return user_of(request).role == "agency"


def body_in_scope(request: Request, body: int | str) -> tuple[int, str]:
    """A body in the user's scope (its id and name); 404 for one outside it or unknown."""
    user = user_of(request)
    with request.app.state.store.begin() as conn:
        try:
            body_id = resolve_body(conn, body)
        except GongkaiError:
            raise HTTPException(404, NOT_FOUND) from None
        name = conn.execute(
            select(B.name).where(B.id == body_id, user.scope.bodies())
        ).scalar_one_or_none()
    deny_outside(name is not None)
    return body_id, str(name)


def body_of(request: Request, given: str | None) -> tuple[int, str] | None:
    """The body a page is about: an agency user's own; for others the one asked for (if any)."""
    user = user_of(request)
    if user.role == "agency":
        deny_outside(user.body_id is not None)
        return int(user.body_id or 0), str(user.body)
    given = (given or "").strip()
    return body_in_scope(request, given) if given else None


def _detail(request: Request, request_id: int, as_of: date | None = None) -> Detail:
    """One request, 404 when it is not in the user's scope."""
    store, user = request.app.state.store, user_of(request)
    try:
        found = get_request(store, request_id, as_of, personal=personal_of(request))
    except GongkaiError:
        raise HTTPException(404, NOT_FOUND) from None
    if user.role == "agency":
        deny_outside(found.body_id == user.body_id)
    else:
        body_in_scope(request, found.body_id)
    return found


# -- input ----------------------------------------------------------------------------------


def day_param(text: str | None, what: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise GongkaiError(f"{what}应写成 YYYY-MM-DD：{text[:20]}") from None


def form_text(data: FormData, key: str) -> str | None:
    value = data.get(key)
    return value.strip() or None if isinstance(value, str) else None


def form_number(data: FormData, key: str, what: str) -> int | None:
    text = form_text(data, key)
    if text is None:
        return None
    if not text.isdigit():
        raise GongkaiError(f"{what}应为非负整数：{text[:20]}")
    return int(text)


def _event(data: FormData) -> LedgerEvent:
    kind = form_text(data, "kind") or ""
    day = day_param(form_text(data, "day"), "日期")
    if day is None:
        raise GongkaiError(f"请填写{EVENT_LABELS.get(kind, '办理事项')}的日期")
    third = form_text(data, "third_party")
    return LedgerEvent(
        kind,
        day,
        outcome=form_text(data, "outcome"),
        days=form_number(data, "days", "延长的工作日数"),
        approver=form_text(data, "approver"),
        third_party=None if third is None else third == "1",
        amount=form_number(data, "amount", "收费金额"),
        note=form_text(data, "note"),
    )


# -- the list -------------------------------------------------------------------------------


def _row(r: Listed, personal: bool) -> dict[str, Any]:
    c = r.clock
    row: dict[str, Any] = {
        "id": r.id,
        "body": r.body,
        "ref": r.ref,
        "channel": r.channel,
        "channel_label": r.channel_label,
        "received": r.received,
        "applicant_type": r.applicant_type,
        "applicant_label": r.applicant_label,
        "state": c.state.value,
        "tone": TONES.get(c.state, ""),
        "due": c.due,
        "days_left": c.days_left,
        "answered": r.answered,
        "outcome": r.outcome,
        "outcome_label": r.outcome_label,
        "late": c.late,
        "provisional": c.provisional,
    }
    if personal:
        row.update(applicant_name=r.applicant_name, applicant_contact=r.applicant_contact)
    return row


@page()
def ledger_page(request: Request) -> Response:
    q, user = request.query_params, user_of(request)
    body = body_of(request, q.get("body"))
    personal = personal_of(request)
    found = list_requests(
        request.app.state.store,
        body=body[0] if body else None,
        year=integer(request, "year"),
        state=q.get("state") or None,
        due_within=integer(request, "due"),
        overdue=q.get("overdue") == "1",
        as_of=day_param(q.get("as_of"), "查询日期"),
        scope=user.scope,
        personal=personal,
    )
    per_page = max(1, min(integer(request, "per_page", PER_PAGE) or PER_PAGE, 1000))
    pages = max(1, ceil(len(found) / per_page))
    number = min(max(1, integer(request, "page", 1) or 1), pages)
    shown = found[(number - 1) * per_page : number * per_page]
    filters = {k: q.get(k, "").strip() for k in ("year", "state", "due", "overdue", "as_of")}
    data = {
        "body_id": body[0] if body else None,
        "body": body[1] if body else None,
        "filters": {**filters, "body": "" if user.role == "agency" else q.get("body", "")},
        "total": len(found),
        "page": number,
        "pages": pages,
        "rows": [_row(r, personal) for r in shown],
        "personal": personal,
        "can_enter": user.role in WRITERS,
        "states": [s.value for s in State],
        "due_soon_days": DUE_SOON_DAYS,
    }
    rows = [r.cells(personal=False) for r in found]  # the CSV never carries personal data
    return respond(request, "ledger.html", data, table=(LIST_KEYS, LIST_HEADER, rows), name="台账")


# -- one request ----------------------------------------------------------------------------


def _detail_data(request: Request, found: Detail) -> dict[str, Any]:
    req, c = found.request, found.clock
    personal = personal_of(request)
    record = {
        "ref": req.ref,
        "channel": req.channel,
        "channel_label": CHANNELS.get(req.channel, req.channel),
        "submitted_at": req.submitted_at,
        "received": req.received,
        "applicant_type": req.applicant_type,
        "applicant_label": APPLICANTS.get(req.applicant_type, req.applicant_type),
        "content": req.content,
    }
    if personal:
        record.update(applicant_name=req.applicant_name, applicant_contact=req.applicant_contact)
    clock = {k: getattr(c, k) for k in ("due", "days_left", "period", "correction_notice_due")}
    clock.update({k: getattr(c, k) for k in ("third_party_due", "fee_due", "answered")})
    clock.update(
        state=c.state.value,
        tone=TONES.get(c.state, ""),
        outcome=c.outcome,
        late=c.late,
        late_by=c.late_by,
    )
    clock.update(outcome_label=OUTCOMES.get(c.outcome or ""), provisional=c.provisional)
    events = [
        {"label": EVENT_LABELS.get(e.kind, e.kind), "outcome_label": OUTCOMES.get(e.outcome or "")}
        | {k: getattr(e, k) for k in ("kind", "day", "outcome", "days", "approver")}
        | {k: getattr(e, k) for k in ("third_party", "amount", "note")}
        for e in req.events
    ]
    cases = [
        {
            "label": CASE_KINDS.get(k.kind, k.kind),
            "outcome_label": CASE_OUTCOMES.get(k.outcome or ""),
        }
        | {"id": k.id, "kind": k.kind, "filed": k.filed, "decided": k.decided}
        | {"outcome": k.outcome}
        | {"reference": k.reference}
        for k in req.cases
    ]
    can_enter = user_of(request).role in WRITERS and c.state is not State.ANSWERED
    return {
        "id": found.id,
        "body_id": found.body_id,
        "body": found.body,
        "record": record,
        "clock": clock,
        "timeline": [{"day": t.day, "text": t.text} for t in found.timeline],
        "events": events,
        "cases": cases,
        "personal": personal,
        "can_enter": can_enter,
        "forms": [
            {"kind": k.value, "label": EVENT_LABELS[k.value], "fields": f} for k, f in EVENT_FORMS
        ]
        if can_enter
        else [],
        "outcomes": OUTCOMES,
        # Reviews and lawsuits come after the answer: recorded whatever the request's state.
        "can_record_cases": user_of(request).role in WRITERS,
        "case_kinds": CASE_KINDS,
        "case_results": CASE_RESULTS,
    }


@page()
def request_page(request: Request) -> Response:
    as_of = day_param(request.query_params.get("as_of"), "查询日期")
    found = _detail(request, request.path_params["id"], as_of)
    return respond(request, "ledger_request.html", _detail_data(request, found))


@page(*WRITERS, act=True)
async def event_post(request: Request) -> Response:
    request_id = request.path_params["id"]
    event = _event(await form(request))

    def store_it() -> int:
        _detail(request, request_id)
        actor = user_of(request).name
        return add_event(request.app.state.store, request_id, event, actor=actor)

    event_id = await run_in_threadpool(store_it)
    if wants_data(request):
        return JSONResponse({"request_id": request_id, "event_id": event_id})
    return RedirectResponse(f"/ledger/{request_id}#timeline", 303)


# -- a new request --------------------------------------------------------------------------


def _new_data(request: Request) -> dict[str, Any]:
    return {"channels": CHANNELS, "applicants": APPLICANTS, "body": user_of(request).body}


@page(*WRITERS, act=True)
def new_page(request: Request) -> Response:
    return render(request, "ledger_new.html", **_new_data(request), values={})


@page(*WRITERS, act=True)
async def new_post(request: Request) -> Response:
    data = await form(request)
    values = {k: v for k, v in data.items() if isinstance(v, str) and k != "csrf_token"}

    def store_it() -> int:
        body = body_of(request, form_text(data, "body"))
        if body is None:
            raise GongkaiError("请填写单位名称")
        channel = form_text(data, "channel") or ""
        text = form_text(data, "submitted_at")
        try:
            submitted = datetime.fromisoformat(text) if text else None
        except ValueError:
            raise GongkaiError(f"提交时间应写成 YYYY-MM-DD HH:MM：{(text or '')[:20]}") from None
        received, problem = receipt(
            channel, submitted, day_param(form_text(data, "confirmed"), "日期")
        )
        if problem:
            raise GongkaiError(problem)
        made = NewRequest(
            ref=form_text(data, "ref") or "",
            channel=channel,
            received=received,
            applicant_type=form_text(data, "applicant_type") or "",
            submitted_at=submitted,
            applicant_name=form_text(data, "applicant_name"),
            applicant_contact=form_text(data, "applicant_contact"),
            content=form_text(data, "content"),
        )
        return add_request(request.app.state.store, body[0], made, actor=user_of(request).name)

    try:
        request_id = await run_in_threadpool(store_it)
    except GongkaiError as exc:
        if wants_data(request):
            raise
        context = _new_data(request)
        return render(request, "ledger_new.html", 400, error=exc.message, values=values, **context)
    if wants_data(request):
        return JSONResponse({"id": request_id})
    return RedirectResponse(f"/ledger/{request_id}", 303)


routes: list[BaseRoute] = [
    Route("/ledger{fmt:fmt}", ledger_page, methods=["GET"]),
    Route("/ledger/new", new_page, methods=["GET"]),
    Route("/ledger/new{fmt:fmt}", new_post, methods=["POST"]),
    Route("/ledger/{id:int}{fmt:fmt}", request_page, methods=["GET"]),
    Route("/ledger/{id:int}/events{fmt:fmt}", event_post, methods=["POST"]),
]
