"""What the ledger records, as plain values, and the checks every record passes before it is
stored: known vocabularies, dates that can have happened, and events the statutory clock can
replay (a reply before receipt or an impossible order is refused with the clock's own reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import GongkaiError
from .calendar import Calendar
from .clock import (
    EXTENSION_DAYS,
    Channel,
    ClockError,
    Event,
    EventKind,
    legal_receipt_date,
    run_clock,
)
from .labels import (
    ANSWER_KINDS,
    APPLICANTS,
    CASE_KINDS,
    CASE_RESULTS,
    CHANNELS,
    EVENT_KINDS,
    EVENT_LABELS,
    OUTCOME_KEYS,
    FeeKind,
)

REF_LIMIT = 60  # characters of the office's own request number (the column's size)
TEXT_LIMITS = {"applicant_name": (200, "申请人姓名或名称"), "applicant_contact": (400, "联系方式")}


class LedgerError(GongkaiError):
    """A ledger record that cannot be stored; the message says why in Chinese."""


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    """One step of a request: a clock event (EventKind) or a fee notice / payment."""

    kind: str
    day: date
    outcome: str | None = None  # reply / 当场答复: a 表三 result row key (2021 template)
    days: int | None = None  # extension: the working days granted (default 20)
    approver: str | None = None  # extension: who approved it
    third_party: bool | None = None  # consultation start: a third party, or another organ
    amount: int | None = None  # fee notice: 元
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", str(self.kind))  # an EventKind is kept as its value

    def clock_event(self) -> Event | None:
        """The event as the clock replays it (fee notices and payments included: they pause
        it); None for a kind the clock does not know."""
        if self.kind not in {k.value for k in EventKind}:
            return None
        return Event(
            EventKind(self.kind),
            self.day,
            outcome=self.outcome,
            days=EXTENSION_DAYS if self.days is None else self.days,
            approver=self.approver,
            third_party=True if self.third_party is None else self.third_party,
        )

    @property
    def is_answer(self) -> bool:
        return self.kind in ANSWER_KINDS


@dataclass(frozen=True, slots=True)
class Case:
    """An administrative review or lawsuit over a request (表四)."""

    kind: str  # review | lit_direct | lit_after_review
    filed: date
    outcome: str | None = None  # upheld | corrected | other; None while pending
    decided: date | None = None
    reference: str | None = None  # 案号
    id: int | None = field(default=None, compare=False)  # once stored; not part of the case


@dataclass(frozen=True, slots=True)
class NewRequest:
    """A request as recorded, with its events and cases."""

    ref: str  # the office's own number, unique for the body
    channel: str  # a Channel value
    received: date  # the legal receipt date (第三十一条)
    applicant_type: str  # a 表三 column key
    submitted_at: datetime | None = None  # the raw time it arrived or was sent
    applicant_name: str | None = None
    applicant_contact: str | None = None
    content: str | None = None
    events: tuple[LedgerEvent, ...] = field(default=())
    cases: tuple[Case, ...] = field(default=())

    @property
    def answer(self) -> LedgerEvent | None:
        return next((e for e in self.events if e.is_answer), None)


def receipt(
    channel: str, submitted: date | datetime | None, legal: date | None
) -> tuple[date, str | None]:
    """The legal receipt date from the raw time and the date the office signed or confirmed
    (第三十一条), and a Chinese problem when they do not fit; in person, the day submitted."""
    try:
        ch = Channel(channel)
    except ValueError:
        return legal or date.min, f"未知的收到方式“{channel}”"
    if ch is Channel.IN_PERSON:
        submitted = submitted if submitted is not None else legal
        if legal is not None and submitted is not None and _day(submitted) != legal:
            return legal, (
                f"当面提交的申请以提交之日为收到申请之日（第三十一条），"
                f"提交时间 {_day(submitted).isoformat()} 与收到申请日期 {legal.isoformat()} 不一致"
            )
    try:
        got = legal_receipt_date(ch, submitted=submitted, signed_for=legal, confirmed=legal)
    except ClockError as exc:
        return legal or date.min, exc.message
    return got, None


def _day(d: date | datetime) -> date:
    return d.date() if isinstance(d, datetime) else d


def problems(req: NewRequest, calendar: Calendar, today: date) -> list[str]:
    """Every reason ``req`` cannot be stored, in Chinese; empty when it can."""
    out: list[str] = []
    if not req.ref.strip():
        out.append("缺少申请编号")
    elif len(req.ref) > REF_LIMIT:
        out.append(f"申请编号超过 {REF_LIMIT} 个字符")
    if req.channel not in CHANNELS:
        out.append(f"未知的收到方式“{req.channel}”，可选：{'、'.join(CHANNELS.values())}")
    if req.applicant_type not in APPLICANTS:
        out.append(
            f"未知的申请人类型“{req.applicant_type}”，可选：{'、'.join(APPLICANTS.values())}"
        )
    for name, (limit, what) in TEXT_LIMITS.items():
        value = getattr(req, name)
        if value is not None and len(value) > limit:
            out.append(f"{what}超过 {limit} 个字符")
    if req.received > today:
        out.append(f"收到申请日期 {req.received.isoformat()} 晚于今天 {today.isoformat()}")
    if req.submitted_at is not None and req.submitted_at.date() > req.received:
        out.append(
            f"收到申请日期 {req.received.isoformat()} 早于提交时间 "
            f"{req.submitted_at.date().isoformat()}"
        )
    out += event_problems(req.received, req.events, calendar, today)
    out += case_problems(req.received, req.cases, today)
    return out


def event_problems(
    received: date, events: Sequence[LedgerEvent], calendar: Calendar, today: date
) -> list[str]:
    """Why ``events`` cannot follow a receipt on ``received``: vocabularies, then the clock."""
    out: list[str] = []
    for e in events:
        what = EVENT_LABELS.get(e.kind, e.kind)
        if e.kind not in EVENT_KINDS:
            out.append(f"未知的办理事项“{e.kind}”")
            continue
        if e.day > today:
            out.append(f"{what}日期 {e.day.isoformat()} 晚于今天 {today.isoformat()}")
        if e.day < received:
            out.append(f"{what}日期 {e.day.isoformat()} 早于收到申请之日 {received.isoformat()}")
        if e.is_answer and e.outcome not in OUTCOME_KEYS:
            out.append(f"{what}缺少办理结果" if not e.outcome else f"未知的办理结果“{e.outcome}”")
        if not e.is_answer and e.outcome is not None:
            out.append(f"{what}不应有办理结果")
        if e.amount is not None and (e.kind != FeeKind.FEE_NOTICE or e.amount < 0):
            out.append(f"{what}的金额应为收费通知的非负整数金额")
    if out:
        return out
    answers = [e for e in events if e.is_answer]
    if len(answers) > 1:
        return [f"一件申请只能答复一次，收到 {len(answers)} 个答复"]
    replayed = [ev for e in events if (ev := e.clock_event()) is not None]
    as_of = max([received, *(e.day for e in events)])
    try:
        run_clock(received, replayed, calendar, as_of)
    except ClockError as exc:
        out.append(exc.message)
    return out


def case_problems(received: date, cases: Sequence[Case], today: date) -> list[str]:
    out: list[str] = []
    for c in cases:
        what = CASE_KINDS.get(c.kind)
        if what is None:
            out.append(f"未知的案件类型“{c.kind}”，可选：{'、'.join(CASE_KINDS.values())}")
            continue
        if c.filed < received:
            out.append(f"{what}立案日期 {c.filed.isoformat()} 早于收到申请之日")
        if c.filed > today:
            out.append(f"{what}立案日期 {c.filed.isoformat()} 晚于今天")
        if c.outcome is not None and c.outcome not in CASE_RESULTS:
            out.append(f"未知的{what}结果“{c.outcome}”，可选：{'、'.join(CASE_RESULTS.values())}")
        if (c.outcome is None) != (c.decided is None):
            out.append(f"{what}的结果和审结日期应同时填写（尚未审结的都不填）")
        if c.decided is not None and not c.filed <= c.decided <= today:
            out.append(f"{what}审结日期 {c.decided.isoformat()} 应在立案日期之后、今天之前")
    return out


def check(req: NewRequest, calendar: Calendar, today: date | None = None) -> None:
    """Raise :class:`LedgerError` naming the request when it cannot be stored."""
    found = problems(req, calendar, today or date.today())
    if found:
        raise LedgerError(f"申请 {req.ref}：{'；'.join(found)}")
