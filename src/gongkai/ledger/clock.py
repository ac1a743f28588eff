"""The statutory clock of a disclosure request (《政府信息公开条例》2019, 第三十条至第三十三条).

The day of receipt is day 0 and the answer is due on the 20th working day after it (第三十三条);
a 补正 notice stops the clock and the period starts again at 0 from the day the corrected
application is received (第三十条); consulting a third party or another organ pauses it, the days
in between not counted (第三十二条, 第三十三条第二款); so does a fee notice until the applicant
pays (国办函〔2020〕109号), and a fee not paid within 20 working days ends the request (表三
（六）2); one approved extension adds at most 20 working days. :func:`run_clock` replays a
request's events and explains every date it computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .calendar import Calendar, DueDate, summarize_crossed
from .receipt import CHANNEL_LABELS, Channel, ClockError, legal_receipt_date

__all__ = ["CHANNEL_LABELS", "Channel", "ClockError", "legal_receipt_date"]  # re-exported

ANSWER_DAYS = 20  # 第三十三条第二款
EXTENSION_DAYS = 20  # at most, once
CORRECTION_NOTICE_DAYS = 7  # 第三十条: the one-time 补正 notice
THIRD_PARTY_DAYS = 15  # 第三十二条: the third party's time to give its opinion
DUE_SOON_DAYS = 5  # 即将到期: this many working days left or fewer
FEE_PAYMENT_DAYS = 20  # working days to pay after a fee notice (the provincial rules we found)
UNPAID_FEE_OUTCOME = "other_2_unpaid_fee"  # 表三 （六）2


class EventKind(StrEnum):
    CORRECTION_NOTICE = "correction_notice"  # 补正通知 sent
    CORRECTION_RECEIVED = "correction_received"  # the corrected application received
    CONSULTATION_START = "consultation_start"  # 征求第三方或其他机关意见
    CONSULTATION_END = "consultation_end"
    EXTENSION = "extension"  # 延长答复期限, approved
    ON_THE_SPOT = "on_the_spot"  # 当场答复
    REPLY = "reply"
    FEE_NOTICE = "fee_notice"  # 收费通知 sent: the clock pauses (国办函〔2020〕109号)
    FEE_PAID = "fee_paid"  # the applicant paid: the clock resumes


@dataclass(frozen=True, slots=True)
class Event:
    kind: EventKind
    day: date
    outcome: str | None = None  # reply: the 表三 row key (granted, unable_1_not_held…)
    days: int = EXTENSION_DAYS  # extension: the working days granted
    approver: str | None = None  # extension: who approved it
    third_party: bool = True  # consultation: a third party (15 days) or another organ
    amount: int | None = None  # fee notice: 元 (only shown)


class State(StrEnum):
    OPEN = "办理中"
    DUE_SOON = "即将到期"
    OVERDUE = "已逾期"
    ANSWERED = "已答复"
    PAUSED = "暂停（征求意见）"
    AWAITING_CORRECTION = "待补正"
    AWAITING_FEE = "暂停（待缴费）"
    FEE_UNPAID = "逾期未缴费"  # to be closed as 表三 （六）2


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    day: date
    text: str


@dataclass(frozen=True, slots=True)
class Clock:
    """Where a request stands on ``as_of`` and how every date was computed."""

    received: date
    as_of: date
    state: State
    due: date | None  # None while the period is not running (待补正, paused)
    days_left: int | None  # working days to the due date (negative: overdue); paused: remaining
    period: int  # 20, or 20 plus the extension
    correction_notice_due: date
    third_party_due: date | None
    fee_due: date | None  # the last day to pay a fee noticed and not yet paid
    answered: date | None
    outcome: str | None
    late: bool  # answered after the due date
    late_by: int  # working days counted beyond the period (0 for a rest day just after it)
    provisional: str | None
    timeline: tuple[TimelineEntry, ...] = field(repr=False)


def _dated(d: date) -> str:
    return d.isoformat()


@dataclass
class _Run:
    """The replay's mutable state."""

    cal: Calendar
    lines: list[TimelineEntry]
    anchor: date | None  # day 0 of the running stretch; None when stopped
    used: int = 0  # working days counted before the anchor
    period: int = ANSWER_DAYS
    due: date | None = None
    provisional: str | None = None
    open_consultations: int = 0
    awaiting_correction: bool = False
    noticed: bool = False
    extended: bool = False
    third_party_due: date | None = None
    fee_notice: date | None = None  # a fee noticed and not yet paid
    fee_due: date | None = None

    @property
    def paused(self) -> bool:
        """Consulting, or waiting for a fee: the days are not counted."""
        return bool(self.open_consultations) or self.fee_notice is not None

    def say(self, day: date, text: str, dd: DueDate | None = None) -> None:
        if dd is not None:
            detail = summarize_crossed(dd.crossed)
            text += f"（{detail}）" if detail else ""
            text += f"〔暂定：{dd.provisional}〕" if dd.provisional else ""
        self.lines.append(TimelineEntry(day, text))

    def reschedule(self) -> DueDate | None:
        """The due date from the running stretch; an exhausted period keeps the old due date."""
        left = self.period - self.used
        if self.anchor is None or left < 0:
            return None
        dd = self.cal.working_days_after(self.anchor, left)
        self.due, self.provisional = dd.due, dd.provisional
        return dd

    def stop(self, day: date) -> int:
        """Stop the running stretch at ``day`` (counted); the working days left."""
        if self.anchor is not None:
            self.used += self.cal.count(self.anchor, day)
            self.anchor = None
        return self.period - self.used

    def pause(self, day: date) -> str:
        """Stop counting at ``day`` unless already paused; what to say about it."""
        if self.paused:
            return ""
        left = self.stop(day)
        return f"，已用 {self.used} 个工作日、剩余 {left} 个，计时暂停"

    def resume(self, day: date, text: str) -> None:
        """Count again from ``day`` once nothing holds the clock (else say what still does)."""
        if self.paused:
            why = "仍在征求意见" if self.open_consultations else "尚未缴纳费用"
            self.say(day, f"{text}，{why}，计时继续暂停")
            return
        self.anchor, left = day, self.period - self.used
        dd = self.reschedule()
        text += f"，恢复计时，剩余 {left} 个工作日，届满 {_dated(self.due or day)}"
        self.say(day, text if left >= 0 else f"{text}（暂停前已逾期）", dd)


def run_clock(
    received: date,
    events: Sequence[Event],
    calendar: Calendar,
    as_of: date | None = None,
) -> Clock:
    """Replay ``events`` (those up to ``as_of``, default today) from the legal receipt date."""
    as_of = as_of or date.today()
    if as_of < received:
        raise ClockError(f"查询日期 {_dated(as_of)} 早于收到申请之日 {_dated(received)}")
    run = _Run(calendar, [], received)
    notice = calendar.working_days_after(received, CORRECTION_NOTICE_DAYS)
    dd = run.reschedule()
    run.say(
        received,
        f"收到申请：第 0 日 {_dated(received)}，答复期限 {ANSWER_DAYS} 个工作日（第三十三条），"
        f"届满 {_dated(run.due or received)}",
        dd,
    )
    run.say(
        received,
        f"补正告知期限：如需补正，应于 {_dated(notice.due)} 前一次性告知"
        f"（收到申请后 {CORRECTION_NOTICE_DAYS} 个工作日，第三十条）",
    )
    answered: Event | None = None
    for ev in sorted((e for e in events if e.day <= as_of), key=lambda e: e.day):
        if ev.day < received:
            raise ClockError(f"{_dated(ev.day)} 的事项早于收到申请之日 {_dated(received)}")
        if answered is not None:
            raise ClockError(f"{_dated(answered.day)} 已答复，之后不应再有办理事项")
        if ev.kind in (EventKind.REPLY, EventKind.ON_THE_SPOT):
            answered = ev
            continue
        _apply(run, ev, notice.due)
    late, late_by = False, 0
    if answered is not None:
        late, late_by = _answer(run, answered, received)
        state, days_left = State.ANSWERED, None
    elif run.awaiting_correction:
        state, days_left = State.AWAITING_CORRECTION, None
    elif run.fee_due is not None and as_of > run.fee_due:
        state, days_left = State.FEE_UNPAID, None
        _fee_lapsed(run, run.fee_due)
    elif run.open_consultations:
        state, days_left = State.PAUSED, run.period - run.used
        if run.third_party_due is not None and as_of > run.third_party_due:
            run.say(
                run.third_party_due,
                f"第三方答复期限届满：{_dated(run.third_party_due)}，逾期未提出意见的，"
                "由行政机关依照条例决定是否公开（第三十二条）",
            )
    elif run.fee_notice is not None:
        state, days_left = State.AWAITING_FEE, run.period - run.used
    else:
        assert run.due is not None  # running: a due date was set at receipt or on resuming
        days_left, why = calendar.working_days_between(as_of, run.due)
        run.provisional = run.provisional or why
        state = (
            State.OVERDUE
            if as_of > run.due
            else State.DUE_SOON
            if days_left <= DUE_SOON_DAYS
            else State.OPEN
        )
    running = answered is not None or not (run.awaiting_correction or run.paused)
    return Clock(
        received=received,
        as_of=as_of,
        state=state,
        due=run.due if running else None,
        days_left=days_left,
        period=run.period,
        correction_notice_due=notice.due,
        third_party_due=run.third_party_due,
        fee_due=run.fee_due,
        answered=answered.day if answered else None,
        outcome=answered.outcome if answered else None,
        late=late,
        late_by=late_by,
        provisional=run.provisional if running else None,
        timeline=tuple(sorted(run.lines, key=lambda t: t.day)),
    )


def _apply(run: _Run, ev: Event, notice_due: date) -> None:
    """One event that changes the clock (not an answer)."""
    day, kind = ev.day, ev.kind
    if kind is EventKind.CORRECTION_NOTICE:
        if run.noticed:
            raise ClockError(f"{_dated(day)}：补正通知应一次性发出（第三十条），不能再次补正")
        if run.open_consultations:
            raise ClockError(f"{_dated(day)}：征求意见期间不能发出补正通知")
        if run.fee_notice is not None:
            raise ClockError(f"{_dated(day)}：待缴费期间不能发出补正通知")
        run.noticed = run.awaiting_correction = True
        run.stop(day)
        run.due = run.provisional = None
        late = f"，晚于应告知日 {_dated(notice_due)}" if day > notice_due else ""
        run.say(day, f"发出补正通知：{_dated(day)}{late}；计时停止，自收到补正之日重新计算")
    elif kind is EventKind.CORRECTION_RECEIVED:
        if not run.awaiting_correction:
            raise ClockError(f"{_dated(day)}：收到补正，但此前没有补正通知")
        run.awaiting_correction = False
        run.anchor, run.used = day, 0
        dd = run.reschedule()
        run.say(
            day, f"收到补正，期限重新计算：第 0 日 {_dated(day)}，届满 {_dated(run.due or day)}", dd
        )
    elif kind is EventKind.CONSULTATION_START:
        if run.awaiting_correction:
            raise ClockError(f"{_dated(day)}：待补正期间不能征求意见")
        paused = run.pause(day)
        run.open_consultations += 1
        who = "第三方" if ev.third_party else "其他机关"
        text = f"开始征求{who}意见：{_dated(day)}" + (
            f"{paused}（不计入答复期限）" if paused else ""
        )
        if ev.third_party:
            tp = run.cal.working_days_after(day, THIRD_PARTY_DAYS)
            run.third_party_due = tp.due
            text += (
                f"；第三方应于 {_dated(tp.due)} 前提出意见"
                f"（{THIRD_PARTY_DAYS} 个工作日，第三十二条）"
            )
        run.say(day, text)
    elif kind is EventKind.CONSULTATION_END:
        if not run.open_consultations:
            raise ClockError(f"{_dated(day)}：征求意见结束，但此前没有开始征求意见")
        run.open_consultations -= 1
        if run.open_consultations:
            run.say(day, f"一项征求意见结束：{_dated(day)}，仍有征求意见未结束，计时继续暂停")
            return
        run.third_party_due = None
        run.resume(day, f"征求意见结束：{_dated(day)}")
    elif kind is EventKind.EXTENSION:
        if run.extended:
            raise ClockError(f"{_dated(day)}：答复期限只能延长一次（第三十三条）")
        if not 1 <= ev.days <= EXTENSION_DAYS:
            raise ClockError(
                f"{_dated(day)}：延长期限最长 {EXTENSION_DAYS} 个工作日，收到 {ev.days}"
            )
        if run.awaiting_correction:
            raise ClockError(f"{_dated(day)}：待补正期间不能延长答复期限")
        after_due = run.due is not None and run.anchor is not None and day > run.due
        run.extended, run.period = True, run.period + ev.days
        by = f"，批准人：{ev.approver}" if ev.approver else ""
        dd = run.reschedule()
        when = f"届满 {_dated(run.due)}" if dd and run.due else "恢复计时后重新计算届满日"
        warn = "；注意：延期批准晚于原届满日" if after_due else ""
        run.say(day, f"延长答复期限 {ev.days} 个工作日（第三十三条{by}）：{when}{warn}", dd)
    elif kind in (EventKind.FEE_NOTICE, EventKind.FEE_PAID):
        _fee(run, ev)


def _fee(run: _Run, ev: Event) -> None:
    """A fee notice pauses the clock until the payment (国办函〔2020〕109号); the days between are
    not counted, like a consultation's."""
    day = ev.day
    if ev.kind is EventKind.FEE_NOTICE:
        if run.awaiting_correction:
            raise ClockError(f"{_dated(day)}：待补正期间不能发出收费通知")
        if run.fee_notice is not None:
            raise ClockError(
                f"{_dated(day)}：{_dated(run.fee_notice)} 的收费通知尚未缴费，不能再次发出收费通知"
            )
        paused = run.pause(day)
        pay = run.cal.working_days_after(day, FEE_PAYMENT_DAYS)
        run.fee_notice, run.fee_due = day, pay.due
        amount = f"，金额 {ev.amount} 元" if ev.amount is not None else ""
        text = (
            f"发出收费通知：{_dated(day)}{amount}，应于 {_dated(pay.due)} 前缴纳"
            f"（{FEE_PAYMENT_DAYS} 个工作日；逾期未缴纳的，不再处理该申请）{paused}"
        )
        run.say(day, f"{text}（发出收费通知至缴费之日不计入答复期限，国办函〔2020〕109号）", pay)
        return
    if run.fee_notice is None or run.fee_due is None:
        raise ClockError(f"{_dated(day)}：缴纳费用，但此前没有收费通知")
    late = f"（晚于缴费期限 {_dated(run.fee_due)}）" if day > run.fee_due else ""
    if late:
        _fee_lapsed(run, run.fee_due)
    run.fee_notice = run.fee_due = None
    run.resume(day, f"申请人缴纳费用：{_dated(day)}{late}")


def _fee_lapsed(run: _Run, due: date) -> None:
    """Say that the fee was not paid in time: the request ends as 表三 （六）2."""
    from ..checks.context import row_label  # the label from the templates (a heavier import)

    run.say(
        due,
        f"缴费期限届满：{_dated(due)} 前未缴纳费用，行政机关不再处理该申请，"
        f"应以“{row_label(UNPAID_FEE_OUTCOME)}”答复并结束办理",
    )


def _answer(run: _Run, ev: Event, received: date) -> tuple[bool, int]:
    """Record the answer: whether it came late, and by how many working days."""
    what = f"（{ev.outcome}）" if ev.outcome else ""
    if ev.kind is EventKind.ON_THE_SPOT:
        if ev.day != received:
            raise ClockError(f"当场答复应在收到申请之日 {_dated(received)}，收到 {_dated(ev.day)}")
        run.due, run.provisional = received, None
        run.say(ev.day, f"当场答复{what}：{_dated(ev.day)}（第三十三条第一款）")
        return False, 0
    if run.awaiting_correction:
        run.say(ev.day, f"答复{what}：{_dated(ev.day)}（补正期间作出）")
        return False, 0
    if run.fee_due is not None and ev.day > run.fee_due:
        _fee_lapsed(run, run.fee_due)
    # Counted beyond the period: days paused for consultation never make an answer late.
    running = run.anchor is not None
    used = run.used + (run.cal.count(run.anchor, ev.day) if run.anchor else 0)
    late_by = max(0, used - run.period)
    late = late_by > 0 or (running and run.due is not None and ev.day > run.due)
    # Answered: only the days up to the answer matter, not those to a due date after it.
    run.provisional = run.cal.uncertainty(run.anchor, ev.day) if run.anchor else None
    if not running:  # answered while paused: the due date before the pause no longer holds
        run.due = run.provisional = None
    verdict = (
        f"逾期 {late_by} 个工作日"
        if late_by
        else "晚于届满日（其间无工作日）"
        if late
        else "在期限内"
    )
    due = f"届满日 {_dated(run.due)}" if running and run.due else f"期限 {run.period} 个工作日"
    run.say(ev.day, f"答复{what}：{_dated(ev.day)}，{due}，{verdict}")
    return late, late_by
