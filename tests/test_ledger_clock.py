"""The statutory clock, rule by rule (条例 第三十条至第三十三条), and the receipt date
(第三十一条). Dates are checked by hand against the 2026 notice (春节 02-15…02-23 off, 02-14 and
02-28 on; 清明 04-04…04-06; 劳动节 05-01…05-05 off, 05-09 on)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.ledger.calendar import Calendar, CalendarEntry, DayKind
from gongkai.ledger.clock import (
    Channel,
    ClockError,
    Event,
    EventKind,
    State,
    TimelineEntry,
    legal_receipt_date,
    run_clock,
)

CAL = Calendar.packaged()
K = EventKind


def d(text: str) -> date:
    return date.fromisoformat(text)


def ev(kind: EventKind, day: str) -> Event:
    return Event(kind, d(day))


def texts(timeline: tuple[TimelineEntry, ...]) -> list[str]:
    return [t.text for t in timeline]


# -- the state on a date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "state", "left"),
    [
        ("2026-02-10", State.OPEN, 20),
        ("2026-03-06", State.OPEN, 6),
        ("2026-03-09", State.DUE_SOON, 5),
        ("2026-03-16", State.DUE_SOON, 0),  # the last day is still in time
        ("2026-03-17", State.OVERDUE, -1),
        ("2026-03-21", State.OVERDUE, -4),
    ],
)
def test_state_and_working_days_left(as_of: str, state: State, left: int) -> None:
    clock = run_clock(d("2026-02-10"), [], CAL, as_of=d(as_of))
    assert (clock.due, clock.state, clock.days_left) == (d("2026-03-16"), state, left)
    assert clock.correction_notice_due == d("2026-02-26")  # 7 working days, 02-14 counted
    assert texts(clock.timeline)[0].startswith("收到申请：第 0 日 2026-02-10，")
    assert "届满 2026-03-16（期间放假：春节 2026-02-15 至 2026-02-23" in clock.timeline[0].text


# -- 补正 (第三十条) ----------------------------------------------------------------------------


def test_correction_restarts_the_clock_at_zero() -> None:
    events = [ev(K.CORRECTION_NOTICE, "2026-02-12"), ev(K.CORRECTION_RECEIVED, "2026-03-02")]
    waiting = run_clock(d("2026-02-10"), events, CAL, as_of=d("2026-02-20"))
    assert (waiting.state, waiting.due, waiting.days_left) == (
        State.AWAITING_CORRECTION,
        None,
        None,
    )
    clock = run_clock(d("2026-02-10"), events, CAL, as_of=d("2026-03-03"))
    assert (clock.state, clock.due, clock.days_left) == (State.OPEN, d("2026-03-30"), 19)
    assert "收到补正，期限重新计算：第 0 日 2026-03-02，届满 2026-03-30" in texts(clock.timeline)


def test_a_late_correction_notice_is_flagged() -> None:
    clock = run_clock(
        d("2026-02-10"), [ev(K.CORRECTION_NOTICE, "2026-02-27")], CAL, as_of=d("2026-02-27")
    )
    assert "晚于应告知日 2026-02-26" in texts(clock.timeline)[-1]


# -- consultation (第三十二条, 第三十三条第二款) -----------------------------------------------


def test_consultation_pauses_across_a_holiday_and_resumes() -> None:
    # 04-21…04-24 count (4 used); paused 04-24…05-08 over 劳动节; 16 left from 05-08,
    # make-up Saturday 05-09 first: due 05-29 (without the pause it would be 05-20).
    events = [ev(K.CONSULTATION_START, "2026-04-24"), ev(K.CONSULTATION_END, "2026-05-08")]
    assert run_clock(d("2026-04-20"), [], CAL, as_of=d("2026-04-20")).due == d("2026-05-20")
    paused = run_clock(d("2026-04-20"), events, CAL, as_of=d("2026-05-06"))
    assert (paused.state, paused.due, paused.days_left) == (State.PAUSED, None, 16)
    assert paused.third_party_due == d("2026-05-19")  # 15 working days from 04-24
    clock = run_clock(d("2026-04-20"), events, CAL, as_of=d("2026-05-11"))
    assert (clock.state, clock.due, clock.days_left) == (State.OPEN, d("2026-05-29"), 14)
    lines = texts(clock.timeline)
    assert any("已用 4 个工作日、剩余 16 个，计时暂停" in t for t in lines)
    assert any(
        t.startswith("征求意见结束：2026-05-08，恢复计时，剩余 16 个工作日，届满 2026-05-29")
        for t in lines
    )


def test_consulting_another_organ_has_no_fifteen_days_and_third_party_lapse_is_noted() -> None:
    organ = [Event(K.CONSULTATION_START, d("2026-04-24"), third_party=False)]
    assert run_clock(d("2026-04-20"), organ, CAL, as_of=d("2026-06-01")).third_party_due is None
    third = [ev(K.CONSULTATION_START, "2026-04-24")]
    clock = run_clock(d("2026-04-20"), third, CAL, as_of=d("2026-06-01"))
    assert clock.state is State.PAUSED
    assert texts(clock.timeline)[-1].startswith("第三方答复期限届满：2026-05-19")


def test_overlapping_consultations_pause_until_the_last_ends() -> None:
    events = [
        ev(K.CONSULTATION_START, "2026-03-03"),
        Event(K.CONSULTATION_START, d("2026-03-05"), third_party=False),
        ev(K.CONSULTATION_END, "2026-03-10"),
        ev(K.CONSULTATION_END, "2026-03-20"),
    ]
    clock = run_clock(d("2026-03-02"), events, CAL, as_of=d("2026-03-20"))
    assert clock.due == CAL.working_days_after(d("2026-03-20"), 19).due


@settings(max_examples=60, deadline=None)
@given(
    received=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 6, 30)),
    before=st.integers(0, 19),
    paused=st.integers(1, 60),
)
def test_paused_days_are_never_counted(received: date, before: int, paused: int) -> None:
    start = CAL.working_days_after(received, before).due
    end = date.fromordinal(start.toordinal() + paused)
    events = [Event(K.CONSULTATION_START, start), Event(K.CONSULTATION_END, end)]
    clock = run_clock(received, events, CAL, as_of=end)
    assert clock.due == CAL.working_days_after(end, 20 - before).due
    assert clock.days_left == 20 - before


# -- extension (第三十三条) ---------------------------------------------------------------------


def test_extension_adds_twenty_working_days_once() -> None:
    ext = Event(K.EXTENSION, d("2026-03-10"), approver="王主任")
    clock = run_clock(d("2026-02-10"), [ext], CAL, as_of=d("2026-03-17"))
    assert (clock.period, clock.due, clock.state) == (40, d("2026-04-14"), State.OPEN)
    assert (
        "延长答复期限 20 个工作日（第三十三条，批准人：王主任）：届满 2026-04-14"
        in texts(clock.timeline)[-1]
    )
    shorter = run_clock(
        d("2026-02-10"), [Event(K.EXTENSION, d("2026-03-10"), days=5)], CAL, as_of=d("2026-03-10")
    )
    assert shorter.due == d("2026-03-23")
    with pytest.raises(ClockError, match="只能延长一次"):
        run_clock(d("2026-02-10"), [ext, ev(K.EXTENSION, "2026-04-01")], CAL, as_of=d("2026-04-02"))
    with pytest.raises(ClockError, match="最长 20 个工作日"):
        run_clock(
            d("2026-02-10"),
            [Event(K.EXTENSION, d("2026-03-10"), days=25)],
            CAL,
            as_of=d("2026-03-10"),
        )


# -- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "reply", "late", "late_by"),
    [
        ("2026-02-10", "2026-03-16", False, 0),
        ("2026-02-10", "2026-03-17", True, 1),
        ("2026-03-06", "2026-04-04", True, 0),  # due Friday 04-03, answered on the Saturday
        ("2026-03-06", "2026-04-07", True, 1),  # 04-06 is 清明, so one working day late
    ],
)
def test_reply_in_time_or_late(received: str, reply: str, late: bool, late_by: int) -> None:
    events = [Event(K.REPLY, d(reply), outcome="granted")]
    clock = run_clock(d(received), events, CAL, as_of=d("2026-06-30"))
    assert (clock.state, clock.answered, clock.outcome) == (State.ANSWERED, d(reply), "granted")
    assert (clock.late, clock.late_by, clock.days_left) == (late, late_by, None)


def test_answer_on_the_spot() -> None:
    clock = run_clock(
        d("2026-02-10"), [ev(K.ON_THE_SPOT, "2026-02-10")], CAL, as_of=d("2026-05-01")
    )
    assert (clock.state, clock.due, clock.late) == (State.ANSWERED, d("2026-02-10"), False)
    with pytest.raises(ClockError, match="当场答复应在收到申请之日"):
        run_clock(d("2026-02-10"), [ev(K.ON_THE_SPOT, "2026-02-11")], CAL, as_of=d("2026-02-11"))


def test_events_after_as_of_are_not_yet_known() -> None:
    events = [Event(K.REPLY, d("2026-03-10"), outcome="granted")]
    assert run_clock(d("2026-02-10"), events, CAL, as_of=d("2026-03-09")).state is State.DUE_SOON


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([ev(K.CORRECTION_RECEIVED, "2026-02-12")], "此前没有补正通知"),
        ([ev(K.CONSULTATION_END, "2026-02-12")], "此前没有开始征求意见"),
        ([ev(K.REPLY, "2026-02-09")], "早于收到申请之日"),
        (
            [ev(K.REPLY, "2026-02-12"), ev(K.EXTENSION, "2026-02-13")],
            "已答复，之后不应再有办理事项",
        ),
        (
            [
                ev(K.CORRECTION_NOTICE, "2026-02-11"),
                ev(K.CORRECTION_RECEIVED, "2026-02-12"),
                ev(K.CORRECTION_NOTICE, "2026-02-13"),
            ],
            "补正通知应一次性发出",
        ),
        (
            [ev(K.CORRECTION_NOTICE, "2026-02-11"), ev(K.EXTENSION, "2026-02-12")],
            "待补正期间不能延长",
        ),
    ],
)
def test_impossible_event_orders_are_refused(events: list[Event], message: str) -> None:
    with pytest.raises(ClockError, match=message):
        run_clock(d("2026-02-10"), events, CAL, as_of=d("2026-03-01"))


# -- a year not loaded ------------------------------------------------------------------------


def test_running_request_is_recomputed_when_the_next_year_is_added() -> None:
    cal = Calendar.packaged()
    clock = run_clock(d("2026-12-10"), [], cal, as_of=d("2026-12-11"))
    assert clock.due == d("2027-01-07") and clock.provisional
    assert "2027年的节假日安排尚未载入" in clock.provisional
    assert "〔暂定：2027年" in clock.timeline[0].text
    notice = "国务院办公厅关于2027年部分节假日安排的通知（测试用假设数据）"
    cal.add([CalendarEntry(date(2027, 1, 1), DayKind.HOLIDAY, notice, "元旦")])
    again = run_clock(d("2026-12-10"), [], cal, as_of=d("2026-12-11"))
    assert (again.due, again.provisional) == (d("2027-01-08"), None)


# -- receipt date (第三十一条) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "dates", "expected"),
    [
        (Channel.IN_PERSON, {"submitted": datetime(2026, 3, 2, 16, 40)}, "2026-03-02"),
        (
            Channel.REGISTERED_MAIL,
            {"submitted": d("2026-02-27"), "signed_for": d("2026-03-03")},
            "2026-03-03",
        ),
        (
            Channel.ORDINARY_MAIL,
            {"submitted": d("2026-03-02"), "confirmed": d("2026-03-04")},
            "2026-03-04",
        ),
        (
            "online",
            {"submitted": datetime(2026, 2, 14, 23, 59), "confirmed": d("2026-02-24")},
            "2026-02-24",
        ),
        (Channel.FAX, {"confirmed": d("2026-03-05")}, "2026-03-05"),
    ],
)
def test_legal_receipt_date(channel: Channel | str, dates: dict[str, date], expected: str) -> None:
    assert legal_receipt_date(channel, **dates) == d(expected)


@pytest.mark.parametrize(
    ("channel", "dates", "message"),
    [
        (
            Channel.REGISTERED_MAIL,
            {"submitted": d("2026-03-02")},
            "以行政机关签收之日为收到申请之日",
        ),
        (Channel.ONLINE, {"submitted": d("2026-03-02")}, "以双方确认之日为收到申请之日"),
        (
            Channel.ORDINARY_MAIL,
            {"submitted": d("2026-03-05"), "confirmed": d("2026-03-04")},
            "早于提交时间",
        ),
    ],
)
def test_legal_receipt_date_needs_the_right_date(
    channel: Channel, dates: dict[str, date], message: str
) -> None:
    with pytest.raises(ClockError, match=message):
        legal_receipt_date(channel, **dates)


def test_an_answer_before_the_unloaded_year_is_not_provisional() -> None:
    in_time = [Event(K.REPLY, d("2026-12-18"), outcome="granted")]
    clock = run_clock(d("2026-12-10"), in_time, CAL, as_of=d("2026-12-20"))
    assert (clock.state, clock.late, clock.provisional) == (State.ANSWERED, False, None)
    late = [Event(K.REPLY, d("2027-01-11"), outcome="granted")]
    clock = run_clock(d("2026-12-10"), late, CAL, as_of=d("2027-01-12"))
    assert clock.late and clock.provisional and "2027年" in clock.provisional


def test_extension_and_answer_during_a_pause() -> None:
    start, end = ev(K.CONSULTATION_START, "2026-04-24"), ev(K.CONSULTATION_END, "2026-05-08")
    ext = ev(K.EXTENSION, "2026-04-28")
    clock = run_clock(d("2026-04-20"), [start, ext, end], CAL, as_of=d("2026-05-08"))
    assert clock.due == CAL.working_days_after(d("2026-05-08"), 36).due
    assert any("恢复计时后重新计算届满日" in t for t in texts(clock.timeline))
    reply = Event(K.REPLY, d("2026-05-06"), outcome="denied_4_third_party")
    clock = run_clock(d("2026-04-20"), [start, reply], CAL, as_of=d("2026-05-08"))
    assert (clock.state, clock.due, clock.late, clock.outcome) == (
        State.ANSWERED,
        None,
        False,
        "denied_4_third_party",
    )


# -- the fee pause (国办函〔2020〕109号) ------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "notice", "paid", "plain", "due"),
    [
        # 3 used by the notice; paid 10 working days later; 17 left: no holiday in between.
        ("2025-10-13", "2025-10-16", "2025-10-30", "2025-11-10", "2025-11-24"),
        # 4 used; the 10 days to pay cross 劳动节 (05-01…05-05 off, Saturday 05-09 worked).
        ("2026-04-20", "2026-04-24", "2026-05-12", "2026-05-20", "2026-06-03"),
    ],
)
def test_a_fee_pauses_the_clock_from_notice_to_payment(
    received: str, notice: str, paid: str, plain: str, due: str
) -> None:
    fee = [Event(K.FEE_NOTICE, d(notice), amount=700), ev(K.FEE_PAID, paid)]
    assert CAL.working_days_after(d(notice), 10).due == d(paid)
    assert run_clock(d(received), [], CAL, as_of=d(received)).due == d(plain)
    clock = run_clock(d(received), fee, CAL, as_of=d(paid))
    assert clock.due == d(due) == CAL.working_days_after(d(plain), 10).due
    assert (clock.state, clock.fee_due) == (State.OPEN, None)
    used = CAL.count(d(received), d(notice))
    waiting = run_clock(d(received), fee[:1], CAL, as_of=d(paid))
    assert (waiting.state, waiting.due, waiting.days_left) == (State.AWAITING_FEE, None, 20 - used)
    assert waiting.fee_due == CAL.working_days_after(d(notice), 20).due
    lines = texts(clock.timeline)
    assert any(
        t.startswith(f"发出收费通知：{notice}，金额 700 元，应于 {waiting.fee_due} 前缴纳")
        and f"已用 {used} 个工作日、剩余 {20 - used} 个，计时暂停" in t
        for t in lines
    )
    assert f"申请人缴纳费用：{paid}，恢复计时，剩余 {20 - used} 个工作日，届满 {due}" in "".join(
        lines
    )


def test_a_fee_unpaid_within_twenty_working_days_ends_the_request_as_six_two() -> None:
    fee = Event(K.FEE_NOTICE, d("2025-10-16"))  # pay by 2025-11-13
    assert run_clock(d("2025-10-13"), [fee], CAL, as_of=d("2025-11-13")).state is State.AWAITING_FEE
    lapsed = run_clock(d("2025-10-13"), [fee], CAL, as_of=d("2025-11-14"))
    assert (lapsed.state, lapsed.due, lapsed.days_left) == (State.FEE_UNPAID, None, None)
    ends = "缴费期限届满：2025-11-13 前未缴纳费用，行政机关不再处理该申请，应以“（六）其他处理·2."
    assert texts(lapsed.timeline)[-1].startswith(ends)
    closed = Event(K.REPLY, d("2025-11-20"), outcome="other_2_unpaid_fee")
    clock = run_clock(d("2025-10-13"), [fee, closed], CAL, as_of=d("2025-12-01"))
    assert (clock.state, clock.late, clock.outcome) == (State.ANSWERED, False, "other_2_unpaid_fee")
    assert texts(clock.timeline)[-2].startswith(ends)
    late = run_clock(
        d("2025-10-13"), [fee, ev(K.FEE_PAID, "2025-11-17")], CAL, as_of=d("2025-11-17")
    )
    assert late.state is State.OPEN and "（晚于缴费期限 2025-11-13）" in texts(late.timeline)[-1]


def test_a_fee_and_a_consultation_pause_until_both_are_over() -> None:
    events = [
        ev(K.CONSULTATION_START, "2025-10-16"),
        ev(K.FEE_NOTICE, "2025-10-20"),
        ev(K.CONSULTATION_END, "2025-10-24"),
        ev(K.FEE_PAID, "2025-10-30"),
    ]
    clock = run_clock(d("2025-10-13"), events, CAL, as_of=d("2025-10-30"))
    assert clock.due == CAL.working_days_after(d("2025-10-30"), 17).due
    assert "征求意见结束：2025-10-24，尚未缴纳费用，计时继续暂停" in texts(clock.timeline)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([ev(K.FEE_PAID, "2026-02-12")], "缴纳费用，但此前没有收费通知"),
        ([ev(K.FEE_NOTICE, "2026-02-11"), ev(K.FEE_NOTICE, "2026-02-12")], "不能再次发出收费通知"),
        ([ev(K.FEE_NOTICE, "2026-02-11"), ev(K.CORRECTION_NOTICE, "2026-02-12")], "待缴费期间"),
        ([ev(K.CORRECTION_NOTICE, "2026-02-11"), ev(K.FEE_NOTICE, "2026-02-12")], "待补正期间"),
    ],
)
def test_impossible_fee_orders_are_refused(events: list[Event], message: str) -> None:
    with pytest.raises(ClockError, match=message):
        run_clock(d("2026-02-10"), events, CAL, as_of=d("2026-03-01"))
