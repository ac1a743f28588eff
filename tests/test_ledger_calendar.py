"""The working-day calendar: the shipped data, working-day counts, unloaded years, and the
``gongkai ledger due`` verb; cross-checked against the independent ``holidays`` package."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.cli.ledger import ledger_group
from gongkai.ledger.calendar import (
    CSV_NAME,
    Calendar,
    CalendarEntry,
    CalendarError,
    DayKind,
    read_csv,
)

ROOT = Path(__file__).resolve().parents[1]
CAL = Calendar.packaged()
CN = holidays.country_holidays("CN", years=range(2019, 2028))
N2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试用假设数据）"
# A made-up 2027 notice for the tests: 元旦 on Friday 1 January, a make-up Saturday 30 January.
ENTRIES_2027 = [
    CalendarEntry(date(2027, 1, 1), DayKind.HOLIDAY, N2027, "元旦"),
    CalendarEntry(date(2027, 1, 2), DayKind.HOLIDAY, N2027, "元旦"),
    CalendarEntry(date(2027, 1, 3), DayKind.HOLIDAY, N2027, "元旦"),
    CalendarEntry(date(2027, 1, 30), DayKind.WORKDAY, N2027, "春节"),
]


def d(text: str) -> date:
    return date.fromisoformat(text)


def reference_workday(day: date) -> bool:
    """The ``holidays`` package's view: a make-up day, or Mon–Fri and not a holiday."""
    return day in CN.weekend_workdays or (day.weekday() < 5 and day not in CN)


# -- the data ---------------------------------------------------------------------------------


def test_loaded_years_and_2026_make_up_days() -> None:
    assert CAL.years == frozenset(range(2004, 2027))
    made_up = [e.day.isoformat() for e in CAL.entries(2026) if e.kind is DayKind.WORKDAY]
    assert made_up == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


def test_every_row_names_its_notice_and_december_new_year_belongs_to_next_year() -> None:
    rows = list(CAL.entries())
    assert all(e.notice.startswith("国务院") and e.notice.endswith("通知") for e in rows)
    e = CAL.entry(d("2018-12-31"))
    assert e is not None and e.kind is DayKind.HOLIDAY and e.year == 2019
    assert e.notice == "国务院办公厅关于2019年部分节假日安排的通知"
    extended = CAL.entry(d("2020-01-31"))
    assert extended is not None and extended.notice == "国务院办公厅关于延长2020年春节假期的通知"


def test_shipped_csv_is_what_the_seed_script_writes_from_chinese_calendar() -> None:
    spec = importlib.util.spec_from_file_location("seed", ROOT / "scripts" / "seed_calendar.py")
    assert spec and spec.loader
    seed = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(seed)
    shipped = (ROOT / "src" / "gongkai" / "ledger" / CSV_NAME).read_text("utf-8")
    assert seed.write_csv(seed.seed_entries()) == shipped == CAL.to_csv()


def test_the_package_needs_neither_chinese_calendar_nor_holidays_at_run_time() -> None:
    code = (
        "import sys; sys.modules['chinese_calendar'] = None; sys.modules['holidays'] = None\n"
        "import datetime; from gongkai.ledger import Calendar\n"
        "print(Calendar.packaged().working_days_after(datetime.date(2026, 2, 10), 20).due)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "2026-03-16"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,kind\n", "表头应为"),
        ("date,kind,name,notice,year\n2026-02-30,holiday,春节,通知,2026\n", "第 2 行日期"),
        ("date,kind,name,notice,year\n2026-02-16,off,春节,通知,2026\n", "第 2 行类型“off”"),
        ("date,kind,name,notice,year\n2026-02-16,holiday,春节,,2026\n", "第 2 行缺少通知名称"),
        ("date,kind,name,notice,year\n2026-02-16,holiday,春节,通知,x\n", "第 2 行年份"),
    ],
)
def test_a_bad_csv_row_is_refused_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        read_csv(text)


# -- working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due", "why"),
    [
        ("2026-02-10", 20, "2026-03-16", "the platform note's check: 春节 and two make-up days"),
        ("2026-02-13", 1, "2026-02-14", "make-up Saturday 02-14 is a working day"),
        ("2026-02-27", 1, "2026-02-28", "make-up Saturday 02-28 is a working day"),
        ("2026-02-16", 1, "2026-02-24", "received on a holiday: day 0 all the same"),
        ("2026-02-14", 0, "2026-02-14", "day 0 is the receipt date itself"),
        ("2025-12-20", 20, "2026-01-19", "year boundary: 元旦 off, Sunday 01-04 on"),
        ("2024-12-31", 1, "2025-01-02", "year boundary: 2025-01-01 off"),
        ("2025-09-30", 1, "2025-10-09", "国庆 and 中秋 2025: eight days off"),
        ("2025-09-26", 1, "2025-09-28", "make-up Sunday 2025-09-28"),
        ("2026-02-10", 40, "2026-04-14", "an extended period: 40 days, 清明 off"),
    ],
)
def test_working_days_after(start: str, n: int, due: str, why: str) -> None:
    result = CAL.working_days_after(d(start), n)
    assert result.due == d(due), why
    assert result.provisional is None


def test_what_a_count_crossed_is_listed_with_names_and_notices() -> None:
    result = CAL.working_days_after(d("2026-02-10"), 20)
    kinds = [(e.day.isoformat(), e.kind.value) for e in result.crossed]
    assert kinds[0] == ("2026-02-14", "workday") and kinds[-1] == ("2026-02-28", "workday")
    assert len(kinds) == 11  # 02-14, nine days off 02-15…02-23, 02-28
    notice = "国务院办公厅关于2026年部分节假日安排的通知"
    assert result.describe() == [
        f"调休上班：2026-02-14（星期六，春节调休，计为工作日）；依据：{notice}",
        f"放假：春节 2026-02-15 至 2026-02-23（9 天）；依据：{notice}",
        f"调休上班：2026-02-28（星期六，春节调休，计为工作日）；依据：{notice}",
    ]
    # Mon–Fri alone would have said 03-10: the holidays move it by four working days.
    assert Calendar().working_days_after(d("2026-02-10"), 20).due == d("2026-03-10")


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2026-02-14", True),  # make-up Saturday
        ("2026-02-17", False),  # Tuesday in the 春节 break
        ("2026-03-07", False),  # an ordinary Saturday
        ("2026-03-09", True),
        ("2026-10-10", True),  # make-up Saturday after 国庆
    ],
)
def test_is_workday(day: str, workday: bool) -> None:
    assert CAL.is_workday(d(day)) is workday


def test_is_workday_refuses_an_unloaded_year_with_the_reason() -> None:
    with pytest.raises(CalendarError, match="2027年的节假日安排尚未载入"):
        CAL.is_workday(d("2027-01-04"))


# -- a year not loaded ------------------------------------------------------------------------


def test_unloaded_year_is_provisional_then_recomputed_when_added() -> None:
    cal = Calendar.packaged()
    before = cal.working_days_after(d("2026-12-10"), 20)
    assert before.due == d("2027-01-07")  # weekdays only in 2027
    assert before.provisional is not None
    assert "2027年的节假日安排尚未载入" in before.provisional
    assert "仅按周一至周五" in before.provisional
    version = cal.version
    assert cal.add(ENTRIES_2027) == [2027]
    assert cal.version == version + 1
    after = cal.working_days_after(d("2026-12-10"), 20)
    assert after.due == d("2027-01-08")  # 元旦 on Friday now counted off
    assert after.provisional is None
    assert [e.day for e in after.crossed] == [d("2027-01-01"), d("2027-01-02"), d("2027-01-03")]
    assert cal.working_days_after(d("2027-01-29"), 1).due == d("2027-01-30")


def test_end_of_december_is_provisional_until_next_year_is_loaded() -> None:
    result = CAL.working_days_after(d("2026-12-01"), 20)
    assert result.due == d("2026-12-29")
    assert (
        result.provisional and "2026年12月29日至31日可能因元旦放假调休而变动" in result.provisional
    )
    assert CAL.working_days_after(d("2026-11-20"), 20).provisional is None  # due 12-18


def test_add_is_all_or_nothing_and_refuses_contradictions() -> None:
    cal = Calendar.packaged()
    version = cal.version
    clash = CalendarEntry(d("2026-02-14"), DayKind.HOLIDAY, N2027, "春节")
    with pytest.raises(CalendarError, match="2026-02-14 已载入为“调休上班”"):
        cal.add([*ENTRIES_2027, clash])
    with pytest.raises(CalendarError, match="星期三，本来就是工作日"):
        cal.add([CalendarEntry(d("2027-01-06"), DayKind.WORKDAY, N2027)])
    assert 2027 not in cal.years and cal.version == version
    assert cal.add(list(cal.entries(2026))) == [] and cal.version == version


# -- cross-check against the independent ``holidays`` package ---------------------------------


def test_is_workday_agrees_with_holidays_package_every_day_2020_to_2026() -> None:
    day, disagree = date(2020, 1, 1), []
    while day.year <= 2026:
        if CAL.is_workday(day) != reference_workday(day):
            disagree.append(day)
        day += timedelta(1)
    assert disagree == []


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_working_days_after_agrees_with_holidays_package(start: date, n: int) -> None:
    result = CAL.working_days_after(start, n)
    walked, left = start, n
    while left:  # an independent day-by-day walk over the other package's calendar
        walked += timedelta(1)
        left -= reference_workday(walked)
    assert result.due == walked
    if n:
        assert result.due == CN.get_nth_working_day(start, n)
        assert CAL.is_workday(result.due)
    assert CAL.count(start, result.due) == n
    assert result.provisional is None


@settings(max_examples=200, deadline=None)
@given(
    a=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    b=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
)
def test_count_is_the_number_of_reference_workdays_between(a: date, b: date) -> None:
    lo, hi = min(a, b), max(a, b)
    expected = sum(reference_workday(lo + timedelta(i)) for i in range(1, (hi - lo).days + 1))
    assert CAL.count(lo, hi) == expected == -CAL.count(hi, lo)


# -- gongkai ledger due -----------------------------------------------------------------------


def test_cli_due_prints_the_date_first_then_what_it_crossed() -> None:
    out = CliRunner().invoke(ledger_group, ["due", "2026-02-10"])
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[0] == "2026-03-16"
    assert lines[1].startswith("调休上班：2026-02-14（星期六")
    assert lines[2].startswith("放假：春节 2026-02-15 至 2026-02-23（9 天）")


def test_cli_due_with_days_and_a_provisional_year() -> None:
    out = CliRunner().invoke(ledger_group, ["due", "2026年12月10日", "--days", "20"])
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert lines[0] == "2027-01-07"
    assert lines[-1].startswith("暂定：2027年的节假日安排尚未载入")
    quiet = CliRunner().invoke(ledger_group, ["due", "2026-03-02", "-n", "5"])
    assert quiet.output.splitlines() == ["2026-03-09", "期间没有法定节假日或调休上班日"]


@pytest.mark.parametrize(
    "args", [["due", "2026-02-30"], ["due", "明天"], ["due", "2026-02-10", "--days", "-1"]]
)
def test_cli_due_refuses_bad_input(args: list[str]) -> None:
    out = CliRunner().invoke(ledger_group, args)
    assert out.exit_code == 2
