"""Reading the ledger: requests with their clocks (computed now, from the events and the
store's calendar, never stored) and one request's timeline.

Applicant names and contacts are read only with ``personal=True``: lists and timelines shown to
anyone else carry neither.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import Connection, and_, or_, select

from ..api import valid_year
from ..errors import GongkaiError
from ..store import schema
from ..store.access import Scope
from ..store.engine import Store
from ..store.queries import resolve_body
from .calendar import Calendar
from .calendar_store import store_calendar
from .clock import Clock, State, TimelineEntry, run_clock
from .labels import APPLICANTS, CASE_KINDS, CASE_OUTCOMES, CHANNELS, OUTCOMES_2021
from .records import Case, LedgerEvent, NewRequest
from .store import _EVENT_FIELDS, RQ, load

EV, CS, B = schema.ledger_events.c, schema.ledger_cases.c, schema.bodies.c
_NUMBERING = re.compile(r"^(?:（[一二三四五六七八九十]+）|\d+[.．、])")


@dataclass(frozen=True, slots=True)
class Listed:
    """A request as the ledger list shows it."""

    id: int
    body: str
    ref: str
    channel: str
    received: date
    applicant_type: str
    answered: date | None
    outcome: str | None
    clock: Clock
    applicant_name: str | None = None  # only with personal=True
    applicant_contact: str | None = None

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def applicant_label(self) -> str:
        return APPLICANTS.get(self.applicant_type, self.applicant_type)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES_2021.get(self.outcome or "", self.outcome or "")

    def cells(self, personal: bool = False) -> list[object]:
        """The row the ledger list shows, under :data:`LIST_HEADER` (+ :data:`PERSONAL_HEADER`)."""
        c = self.clock
        row: list[object] = [self.id, self.body, self.ref, _iso(self.received)]
        row += [self.applicant_label, c.state.value, _iso(c.due)]
        row += ["" if c.days_left is None else c.days_left, _iso(self.answered)]
        row += [self.outcome_label, "暂定" if c.provisional else ""]
        if personal:
            row += [self.applicant_name or "", self.applicant_contact or ""]
        return row


LIST_HEADER = [
    "编号",
    "单位",
    "申请编号",
    "收到申请日期",
    "申请人类型",
    "状态",
    "届满日",
    "剩余工作日",
    "答复日期",
    "办理结果",
    "暂定",
]
PERSONAL_HEADER = ["申请人", "联系方式"]


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


@dataclass(frozen=True, slots=True)
class Detail:
    """One request: its record, its clock and the timeline that explains every date."""

    id: int
    body_id: int  # for access checks (Scope)
    body: str
    request: NewRequest
    clock: Clock
    timeline: tuple[TimelineEntry, ...]


def state_of(text: str) -> State:
    """A state from its Chinese label or its name (OPEN, overdue…)."""
    for s in State:
        if text in (s.value, s.name, s.name.lower()) or s.value.startswith(text):
            return s
    raise GongkaiError(f"未知的办理状态“{text}”，可选：{'、'.join(s.value for s in State)}")


def _clock(cal: Calendar, received: date, events: Sequence[LedgerEvent], as_of: date) -> Clock:
    # Fee steps pause the clock too; the notice's amount is shown in the timeline.
    replay = [replace(e, amount=ev.amount) for ev in events if (e := ev.clock_event()) is not None]
    return run_clock(received, replay, cal, as_of)


def list_requests(
    store: Store,
    *,
    body: int | str | None = None,
    year: int | None = None,
    state: State | str | None = None,
    due_within: int | None = None,
    overdue: bool = False,
    as_of: date | None = None,
    scope: Scope | None = None,
    personal: bool = False,
) -> list[Listed]:
    """Requests received by ``as_of`` (default today) with their clocks, newest first.

    :param year: received in this year.
    :param state: only this state (State, or its Chinese label).
    :param due_within: only running requests due in at most this many working days (overdue
        ones included: they are due already).
    :param overdue: only those past their due date and not answered.
    :param scope: the bodies a user may see (default: all).
    """
    as_of = as_of or date.today()
    wanted = state_of(state) if isinstance(state, str) else state
    running = overdue or due_within is not None or wanted not in (None, State.ANSWERED)
    with store.begin() as conn:
        cal = store_calendar(conn)
        cond = [RQ.received <= as_of]
        if body is not None:
            cond.append(RQ.body_id == resolve_body(conn, body))
        if scope is not None and not scope.everything:
            cond.append(RQ.body_id.in_(select(B.id).where(scope.bodies())))
        if year is not None:
            year = valid_year(year)  # a Chinese message for 99999, not a ValueError
            cond.append(RQ.received.between(date(year, 1, 1), date(year, 12, 31)))
        if running:  # an answer after as_of was not known then: the request was running
            cond.append(or_(RQ.answered.is_(None), RQ.answered > as_of))
        elif wanted is State.ANSWERED:
            cond.append(RQ.answered <= as_of)
        cols = [RQ.id, B.name.label("body"), RQ.ref, RQ.channel, RQ.received]
        cols += [RQ.applicant_type, RQ.answered, RQ.outcome]
        if personal:
            cols += [RQ.applicant_name, RQ.applicant_contact]
        rows = conn.execute(
            select(*cols)
            .join(schema.bodies, B.id == RQ.body_id)
            .where(and_(*cond))
            .order_by(RQ.received.desc(), RQ.id.desc())
        ).all()
        events = _events(conn, [r.id for r in rows])
    out: list[Listed] = []
    for r in rows:
        clock = _clock(cal, r.received, events.get(r.id, []), as_of)
        if wanted is not None and clock.state is not wanted:
            continue
        if overdue and clock.state is not State.OVERDUE:
            continue
        if due_within is not None and not (
            clock.days_left is not None
            and clock.state in (State.OPEN, State.DUE_SOON, State.OVERDUE)
            and clock.days_left <= due_within
        ):
            continue
        answered = r.answered if r.answered and r.answered <= as_of else None
        extra = (r.applicant_name, r.applicant_contact) if personal else (None, None)
        out.append(
            Listed(
                r.id,
                r.body,
                r.ref,
                r.channel,
                r.received,
                r.applicant_type,
                answered,
                r.outcome if answered else None,
                clock,
                *extra,
            )
        )
    return out


def _events(conn: Connection, ids: list[int]) -> dict[int, list[LedgerEvent]]:
    out: dict[int, list[LedgerEvent]] = defaultdict(list)
    for start in range(0, len(ids), 1000):  # bound the number of bound parameters
        rows = conn.execute(
            select(EV.request_id, *(EV[f] for f in _EVENT_FIELDS))
            .where(EV.request_id.in_(ids[start : start + 1000]))
            .order_by(EV.request_id, EV.day, EV.id)
        )
        for r in rows:
            out[r[0]].append(LedgerEvent(*r[1:]))
    return out


def get_request(
    store: Store, request_id: int, as_of: date | None = None, personal: bool = False
) -> Detail:
    """One request with its clock and timeline (fee steps and cases included).

    :raises LedgerError: when there is no such request.
    """
    as_of = as_of or date.today()
    with store.begin() as conn:
        body_id, req = load(conn, request_id, personal)
        body = conn.execute(select(B.name).where(B.id == body_id)).scalar_one()
        cal = store_calendar(conn)
    clock = _clock(cal, req.received, req.events, max(as_of, req.received))
    lines = [_labelled(t, clock.outcome) for t in clock.timeline]
    if req.submitted_at is not None:
        lines.insert(0, TimelineEntry(req.received, _submitted(req)))
    lines += _case_lines(req.cases, as_of)
    lines.sort(key=lambda t: t.day)  # stable: the clock's own order within a day is kept
    return Detail(request_id, body_id, body, req, clock, tuple(lines))


def short_outcome(key: str) -> str:
    """An outcome's label without numbering or note: 不予处理：无正当理由大量反复申请."""
    parts = [_NUMBERING.sub("", p).split("（")[0] for p in OUTCOMES_2021[key].split("·")]
    return "：".join(parts)


def _labelled(t: TimelineEntry, outcome: str | None) -> TimelineEntry:
    """The clock names the outcome by its key; people read its label."""
    if outcome and outcome in OUTCOMES_2021 and f"（{outcome}）" in t.text:
        return TimelineEntry(t.day, t.text.replace(outcome, short_outcome(outcome), 1))
    return t


def _submitted(req: NewRequest) -> str:
    at = req.submitted_at
    assert at is not None
    shown = at.isoformat(sep=" ", timespec="minutes") if isinstance(at, datetime) else str(at)
    return (
        f"{CHANNELS.get(req.channel, req.channel)}：提交时间 {shown}，收到申请之日 {req.received}"
    )


def _case_lines(cases: Sequence[Case], as_of: date) -> list[TimelineEntry]:
    out: list[TimelineEntry] = []
    for c in cases:
        if c.filed > as_of:
            continue
        kind = CASE_KINDS.get(c.kind, c.kind)
        ref = f"（{c.reference}）" if c.reference else ""
        out.append(TimelineEntry(c.filed, f"{kind}立案：{c.filed}{ref}"))
        if c.decided is not None and c.outcome and c.decided <= as_of:
            result = CASE_OUTCOMES.get(c.outcome, c.outcome)
            out.append(TimelineEntry(c.decided, f"{kind}审结：{c.decided}，{result}"))
    return out


__all__ = ["Detail", "Listed", "get_request", "list_requests", "state_of"]
