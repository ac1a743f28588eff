"""The ledger in the store (SQLite and PostgreSQL): requests, events checked by the clock before
they are stored, lists with clocks computed on read, timelines, personal data only on request,
and calendar years added to the store (a provisional deadline becomes final)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from gongkai.cli import main
from gongkai.cli.calendar import calendar_group
from gongkai.ledger import (
    Case,
    LedgerError,
    LedgerEvent,
    NewRequest,
    State,
    add_calendar,
    add_case,
    add_event,
    add_request,
    get_request,
    import_requests,
    list_requests,
    update_request,
)
from gongkai.ledger.calendar import CalendarEntry, CalendarError, DayKind
from gongkai.store import open_store, schema

BODY = "某某县司法局"
TODAY = date(2026, 12, 31)  # fixed "today": dates up to it may be recorded
N2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试用假设数据）"


def d(text: str) -> date:
    return date.fromisoformat(text)


def request(ref: str, received: str, *events: LedgerEvent, **kw: object) -> NewRequest:
    fields: dict[str, object] = {
        "channel": "in_person",
        "applicant_type": "natural_person",
        "applicant_name": "张三",
        "applicant_contact": "13800000000",
        "content": "申请公开某项目的批复文件",
    }
    fields.update(kw)
    return NewRequest(ref, received=d(received), events=tuple(events), **fields)  # type: ignore[arg-type]


def reply(day: str, outcome: str = "granted") -> LedgerEvent:
    return LedgerEvent("reply", d(day), outcome=outcome)


def count(url: str, table: object) -> int:
    with open_store(url) as store, store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_events_are_checked_by_the_clock_and_nothing_bad_is_stored(db_url: str) -> None:
    with open_store(db_url) as store:
        rid = add_request(store, BODY, request("2026-001", "2026-02-10"), today=TODAY)
        with pytest.raises(LedgerError, match="答复日期 2026-02-01 早于收到申请之日 2026-02-10"):
            add_event(store, rid, reply("2026-02-01"), today=TODAY)
        with pytest.raises(LedgerError, match="收到补正，但此前没有补正通知"):
            add_event(store, rid, LedgerEvent("correction_received", d("2026-02-12")), TODAY)
        with pytest.raises(LedgerError, match="未知的办理结果“approved”"):
            add_event(store, rid, reply("2026-02-20", "approved"), today=TODAY)
        with pytest.raises(LedgerError, match="晚于今天"):
            add_event(store, rid, reply("2026-02-20"), today=d("2026-02-15"))
        assert count(db_url, schema.ledger_events) == 0
        add_event(store, rid, LedgerEvent("extension", d("2026-03-10"), approver="副局长"), TODAY)
        with pytest.raises(LedgerError, match="只能延长一次"):
            add_event(store, rid, LedgerEvent("extension", d("2026-03-12")), TODAY)
        add_event(store, rid, reply("2026-03-20", "partial"), today=TODAY)
        with pytest.raises(LedgerError, match="只能答复一次"):
            add_event(store, rid, reply("2026-03-25"), today=TODAY)
        detail = get_request(store, rid, as_of=d("2026-04-01"))
    assert detail.clock.state is State.ANSWERED
    assert (detail.clock.outcome, detail.clock.late) == ("partial", False)
    texts = [t.text for t in detail.timeline]
    assert any("延长答复期限 20 个工作日（第三十三条，批准人：副局长）" in t for t in texts)
    assert any(t.startswith("答复（部分公开）：2026-03-20") for t in texts)
    assert count(db_url, schema.ledger_events) == 2


def test_a_batch_with_one_bad_request_stores_nothing(db_url: str) -> None:
    good = request("A-1", "2025-03-03", reply("2025-03-10"))
    bad = request("A-2", "2025-03-05", reply("2025-03-01"))
    unknown = request("A-3", "2025-03-05", applicant_type="citizen")
    with open_store(db_url) as store, pytest.raises(LedgerError) as err:
        import_requests(store, BODY, [good, bad, unknown, good], today=TODAY)
    message = str(err.value)
    assert "申请 A-2：答复日期 2025-03-01 早于收到申请之日 2025-03-05" in message
    assert "申请 A-3：未知的申请人类型“citizen”" in message
    assert "申请编号与第 1 件重复" in message
    assert count(db_url, schema.ledger_requests) == 0
    assert count(db_url, schema.bodies) == 0


def test_importing_the_same_ref_again_replaces_the_request(db_url: str) -> None:
    with open_store(db_url) as store:
        first = import_requests(store, BODY, [request("B-1", "2025-05-06")], today=TODAY)
        again = import_requests(
            store, BODY, [request("B-1", "2025-05-06", reply("2025-05-20"))], today=TODAY
        )
        assert (first.added, again.added, again.updated) == (again.updated, [], first.added)
        with pytest.raises(LedgerError, match="申请编号 B-1 已登记"):
            add_request(store, BODY, request("B-1", "2025-05-07"), today=TODAY)
        update_request(store, first.added[0], applicant_type="commercial_enterprise")
        with pytest.raises(LedgerError, match="早于收到申请之日"):
            update_request(store, first.added[0], received=d("2025-06-01"))
        (listed,) = list_requests(store, as_of=d("2025-06-30"))
    assert (listed.applicant_type, listed.outcome, listed.answered) == (
        "commercial_enterprise",
        "granted",
        d("2025-05-20"),
    )
    assert count(db_url, schema.ledger_events) == 1


def test_the_list_filters_by_state_due_date_overdue_and_year(db_url: str) -> None:
    requests = [
        request("C-1", "2026-02-10"),  # due 2026-03-16
        request("C-2", "2026-03-02"),  # due 2026-03-30
        request("C-3", "2026-02-02", reply("2026-02-20")),
        request("C-4", "2026-03-02", LedgerEvent("consultation_start", d("2026-03-05"))),
        request("C-5", "2025-12-01"),  # overdue long since
    ]
    with open_store(db_url) as store:
        import_requests(store, BODY, requests, today=TODAY)
        as_of = d("2026-03-10")

        def refs(**kw: object) -> list[str]:
            return sorted(r.ref for r in list_requests(store, as_of=as_of, **kw))  # type: ignore[arg-type]

        assert refs() == ["C-1", "C-2", "C-3", "C-4", "C-5"]
        assert refs(state="已答复") == ["C-3"]
        assert refs(state=State.PAUSED) == ["C-4"]
        assert refs(overdue=True) == ["C-5"]
        assert refs(due_within=5) == ["C-1", "C-5"]  # C-1 has 4 working days left
        assert refs(due_within=20) == ["C-1", "C-2", "C-5"]
        assert refs(year=2025) == ["C-5"]
        assert refs(body=BODY, year=2026, state="办理中") == ["C-2"]
        (c1,) = [r for r in list_requests(store, as_of=as_of) if r.ref == "C-1"]
        assert (c1.clock.due, c1.clock.days_left, c1.clock.state) == (
            d("2026-03-16"),
            4,
            State.DUE_SOON,
        )
        # An answer recorded after as_of was not known then: the request was still running.
        assert refs(state="已答复") == ["C-3"]
        before = sorted(r.ref for r in list_requests(store, as_of=d("2026-02-15")))
        assert before == ["C-1", "C-3", "C-5"]


def test_personal_data_is_read_only_when_asked(db_url: str) -> None:
    with open_store(db_url) as store:
        rid = add_request(store, BODY, request("D-1", "2026-01-05"), today=TODAY)
        (plain,) = list_requests(store, as_of=d("2026-01-06"))
        (personal,) = list_requests(store, as_of=d("2026-01-06"), personal=True)
        assert (plain.applicant_name, plain.applicant_contact) == (None, None)
        assert (personal.applicant_name, personal.applicant_contact) == ("张三", "13800000000")
        hidden = get_request(store, rid, as_of=d("2026-01-06")).request
        shown = get_request(store, rid, as_of=d("2026-01-06"), personal=True).request
    assert hidden.applicant_name is None and hidden.applicant_contact is None
    assert shown.applicant_name == "张三"


def test_timeline_shows_receipt_fees_and_cases(db_url: str) -> None:
    req = request(
        "E-1",
        "2025-04-07",
        LedgerEvent("fee_notice", d("2025-04-10"), amount=700),
        LedgerEvent("fee_paid", d("2025-04-20")),
        reply("2025-04-25"),
        channel="registered_mail",
        submitted_at=datetime(2025, 4, 3, 9, 30),
    )
    with open_store(db_url) as store:
        rid = add_request(store, BODY, req, today=TODAY)
        cid = add_case(store, rid, Case("review", d("2025-06-01"), reference="复议〔2025〕3号"))
        with pytest.raises(LedgerError, match="立案日期 2025-01-01 早于收到申请之日"):
            add_case(store, rid, Case("review", d("2025-01-01")))
        from gongkai.ledger import decide_case

        decide_case(store, cid, "corrected", d("2025-08-01"), today=TODAY)
        detail = get_request(store, rid, as_of=d("2025-12-31"))
    texts = [f"{t.day} {t.text}" for t in detail.timeline]
    assert texts[0].startswith("2025-04-07 邮寄（需签收）：提交时间 2025-04-03 09:30")
    assert any("发出收费通知：2025-04-10，金额 700 元，应于 2025-05-12 前缴纳" in t for t in texts)
    assert any("申请人缴纳费用：2025-04-20" in t for t in texts)
    assert "2025-06-01 行政复议立案：2025-06-01（复议〔2025〕3号）" in texts
    assert texts[-1] == "2025-08-01 行政复议审结：2025-08-01，结果纠正"
    unpaid = request("E-2", "2025-04-07", LedgerEvent("fee_paid", d("2025-04-20")))
    with open_store(db_url) as store, pytest.raises(LedgerError, match="此前没有收费通知"):
        add_request(store, BODY, unpaid, today=TODAY)


ENTRIES_2027 = [
    CalendarEntry(date(2027, 1, 1), DayKind.HOLIDAY, N2027, "元旦"),
    CalendarEntry(date(2027, 1, 2), DayKind.HOLIDAY, N2027, "元旦"),
    CalendarEntry(date(2027, 1, 3), DayKind.HOLIDAY, N2027, "元旦"),
]


def test_an_added_year_is_stored_and_makes_the_provisional_deadline_final(
    db_url: str, tmp_path: Path
) -> None:
    with open_store(db_url) as store:
        add_request(store, BODY, request("F-1", "2026-12-10"), today=TODAY)
        (before,) = list_requests(store, as_of=d("2026-12-15"))
    assert before.clock.due == d("2027-01-07")  # 2027 counted Monday to Friday only
    assert before.clock.provisional and "2027年的节假日安排尚未载入" in before.clock.provisional
    csv = tmp_path / "2027.csv"
    csv.write_text(
        "date,kind,notice,name\n"
        + "".join(f"{e.day},{e.kind.value},{e.notice},{e.name}\n" for e in ENTRIES_2027),
        encoding="utf-8",
    )
    run = CliRunner().invoke(calendar_group, ["add", str(csv), "--db", db_url])
    assert run.exit_code == 0, run.output
    assert "已载入 3 天；新增年度：2027年" in run.output
    due = CliRunner().invoke(main, ["ledger", "due", "2026-12-10", "--db", db_url])
    assert due.output.splitlines()[0] == "2027-01-08" and "暂定" not in due.output
    with open_store(db_url) as store:  # a new connection: the year comes from the store
        (after,) = list_requests(store, as_of=d("2026-12-15"))
        assert (after.clock.due, after.clock.provisional) == (d("2027-01-08"), None)
        again = add_calendar(store, ENTRIES_2027)  # the same days again: nothing new
        assert (again.years, again.added, again.known) == ([], 0, 3)
        conflict = [CalendarEntry(date(2027, 1, 1), DayKind.WORKDAY, N2027)]
        with pytest.raises(CalendarError, match=r"已载入为“放假”.*冲突"):
            add_calendar(store, conflict)
    assert count(db_url, schema.calendar_days) == 3


def test_calendar_add_refuses_a_bad_file_naming_the_row(db_url: str, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text("date,kind,notice\n2027-01-01,holiday,通知\n2027-13-01,holiday,通知\n", "utf-8")
    run = CliRunner().invoke(calendar_group, ["add", str(csv), "--db", db_url])
    assert run.exit_code == 1
    assert "第 3 行 date 列“2027-13-01”应为 YYYY-MM-DD 格式的日期" in run.output
    assert "Traceback" not in run.output
    assert count(db_url, schema.calendar_days) == 0


def test_cli_list_and_show(db_url: str) -> None:
    with open_store(db_url) as store:
        rid = add_request(store, BODY, request("G-1", "2026-02-10"), today=TODAY)
    runner = CliRunner()
    out = runner.invoke(main, ["ledger", "list", "--as-of", "2026-03-09", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert "G-1\t2026-02-10\t自然人\t即将到期\t2026-03-16\t5" in out.output
    assert "张三" not in out.output and "13800000000" not in out.output
    out = runner.invoke(
        main, ["ledger", "list", "--personal", "--as-of", "2026-03-09", "--db", db_url]
    )
    assert "张三\t13800000000" in out.output
    out = runner.invoke(main, ["ledger", "show", str(rid), "--as-of", "2026-03-09", "--db", db_url])
    assert out.exit_code == 0, out.output
    assert "状态：即将到期；届满日 2026-03-16；剩余 5 个工作日" in out.output
    assert "收到申请：第 0 日 2026-02-10" in out.output
    assert "张三" not in out.output
    out = runner.invoke(main, ["ledger", "show", "999", "--db", db_url])
    assert out.exit_code == 1 and "台账中没有编号为 999 的申请" in out.output
    out = runner.invoke(main, ["ledger", "list", "--state", "完成", "--db", db_url])
    assert out.exit_code == 1 and "未知的办理状态“完成”" in out.output
