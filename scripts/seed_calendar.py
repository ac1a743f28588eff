"""Write ``src/gongkai/ledger/calendar_cn.csv`` from the chinesecalendar package's tables.

The CSV is the data gongkai uses at run time; chinesecalendar (and ``holidays``, which the tests
cross-check it against) is only needed to seed it. Run after upgrading chinesecalendar:

    .venv/bin/python scripts/seed_calendar.py [--check]

``--check`` writes nothing and exits 1 when the CSV differs from what the package gives.

Each row names the notice it comes from. chinesecalendar gives the festival but not the notice,
so a row names the year's notice by its title ("国务院办公厅关于2026年部分节假日安排的通知"),
except for the two special notices below. A 元旦 break or make-up day in December belongs to the
next year's notice (2018-12-30/31 were holidays by the 2019 notice).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import chinese_calendar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gongkai.ledger.calendar import (  # noqa: E402  (after the path set-up)
    CSV_NAME,
    CalendarEntry,
    DayKind,
    notice_title,
    write_csv,
)

CSV_PATH = ROOT / "src" / "gongkai" / "ledger" / CSV_NAME

# Days that came from a notice other than the year's arrangement.
SPECIAL_NOTICES = {
    **dict.fromkeys(
        (date(2015, 9, 3), date(2015, 9, 4), date(2015, 9, 6)),
        "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知",
    ),
    **dict.fromkeys(
        (date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)),
        "国务院办公厅关于延长2020年春节假期的通知",
    ),
}


def _entry(day: date, kind: DayKind, english_name: str) -> CalendarEntry:
    name = chinese_calendar.Holiday(english_name).chinese
    year = day.year + 1 if day.month == 12 and name == "元旦" else day.year
    notice = SPECIAL_NOTICES.get(day, notice_title(year))
    return CalendarEntry(day, kind, notice, name, year)


def seed_entries() -> list[CalendarEntry]:
    """Every holiday and make-up day chinesecalendar knows, in date order."""
    rows = [_entry(d, DayKind.HOLIDAY, n) for d, n in chinese_calendar.holidays.items()]
    rows += [_entry(d, DayKind.WORKDAY, n) for d, n in chinese_calendar.workdays.items()]
    return sorted(rows, key=lambda e: e.day)


def main(argv: list[str]) -> int:
    text = write_csv(seed_entries())
    if "--check" in argv:
        same = CSV_PATH.exists() and CSV_PATH.read_text("utf-8") == text
        print(
            f"{CSV_PATH.name}：{'与 chinesecalendar 一致' if same else '与 chinesecalendar 不同'}"
        )
        return 0 if same else 1
    CSV_PATH.write_text(text, "utf-8")
    print(f"已写入 {CSV_PATH}（{text.count(chr(10)) - 1} 行）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
