"""Holiday notices added after release, kept in the store's ``calendar_days`` and merged with
the packaged calendar whenever the ledger reads the store.

Clocks are computed on read, never stored, so once a year's notice is added every running
request's deadline is recomputed with it: a deadline that was provisional becomes final.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, insert, select

from ..errors import GongkaiError
from ..store import schema
from ..store.engine import Store, now
from .calendar import KIND_LABELS, Calendar, CalendarEntry, CalendarError, DayKind

D = schema.calendar_days.c
_KINDS = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "补班": DayKind.WORKDAY,
}
_NOTICE_YEAR = re.compile(r"(\d{4})\s*年")
REQUIRED = ("date", "kind", "notice")


@cache
def _packaged() -> tuple[CalendarEntry, ...]:
    return tuple(Calendar.packaged().entries())


def stored_entries(conn: Connection) -> list[CalendarEntry]:
    rows = conn.execute(select(D.day, D.kind, D.notice, D.name, D.year).order_by(D.day))
    return [CalendarEntry(r.day, DayKind(r.kind), r.notice, r.name, r.year) for r in rows]


def store_calendar(conn: Connection) -> Calendar:
    """The packaged calendar plus the years added to this store."""
    cal = Calendar(_packaged())
    cal.add(stored_entries(conn))
    return cal


def read_notice_csv(text: str, source: str) -> list[CalendarEntry]:
    """Rows of ``date,kind,notice`` (``name`` and ``year`` optional); kinds holiday / workday
    or 放假 / 调休上班; the year defaults to the one the notice's title names."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    fields = [f.strip() for f in reader.fieldnames or ()]
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise CalendarError(f"表头缺少 {'、'.join(missing)} 列（应为 date,kind,notice）", source)
    out: list[CalendarEntry] = []
    for raw in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        line = reader.line_num
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise CalendarError(
                f"第 {line} 行 date 列“{row['date']}”应为 YYYY-MM-DD 格式的日期", source
            ) from None
        kind = _KINDS.get(row["kind"])
        if kind is None:
            raise CalendarError(
                f"第 {line} 行 kind 列“{row['kind']}”应为 holiday（放假）或 workday（调休上班）",
                source,
            )
        if not row["notice"]:
            raise CalendarError(f"第 {line} 行 notice 列为空，请写出通知名称", source)
        year_text = row.get("year", "")
        named = _NOTICE_YEAR.search(row["notice"])
        if year_text and not year_text.isdigit():
            raise CalendarError(f"第 {line} 行 year 列“{year_text}”应为通知所属年份", source)
        year = int(year_text) if year_text else int(named[1]) if named else day.year
        out.append(CalendarEntry(day, kind, row["notice"], row.get("name", ""), year))
    if not out:
        raise CalendarError("文件中没有日期行", source)
    return out


@dataclass(frozen=True, slots=True)
class CalendarAdded:
    years: list[int]  # years newly loaded
    added: int  # days stored
    known: int  # days given that were already loaded, unchanged


def add_calendar(
    store: Store, entries: list[CalendarEntry], source: str | None = None
) -> CalendarAdded:
    """Store a published notice's days; all or nothing. A day already loaded may be repeated
    unchanged; a different kind for it is refused (as :meth:`Calendar.add` does)."""
    with store.begin() as conn:
        cal = store_calendar(conn)
        fresh: dict[date, CalendarEntry] = {}
        for e in entries:
            if cal.entry(e.day) is None and e.day not in fresh:
                fresh[e.day] = e
        try:
            years = cal.add(entries)
        except CalendarError as exc:
            raise CalendarError(exc.message, source) from None
        if fresh:
            at = now()
            conn.execute(
                insert(schema.calendar_days),
                [
                    {
                        "day": e.day,
                        "kind": e.kind.value,
                        "name": e.name[:40],
                        "notice": e.notice[:200],
                        "year": e.year,
                        "added_at": at,
                    }
                    for e in fresh.values()
                ],
            )
    return CalendarAdded(years, len(fresh), len(entries) - len(fresh))


def add_calendar_file(store: Store, path: Path) -> CalendarAdded:
    """``gongkai calendar add FILE``: a notice's days from a CSV file (UTF-8)."""
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise GongkaiError("文件不存在", str(path)) from None
    except UnicodeDecodeError:
        raise GongkaiError("文件不是 UTF-8 编码的 CSV", str(path)) from None
    except OSError as exc:
        raise GongkaiError(f"无法读取文件（{exc.strerror}）", str(path)) from None
    return add_calendar(store, read_notice_csv(text, str(path)), str(path))


def describe(entry: CalendarEntry) -> str:
    return f"{entry.day.isoformat()} {KIND_LABELS[entry.kind]}"
