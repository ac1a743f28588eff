"""The working-day calendar of the State Council's holiday notices, kept as versioned data.

Working days are Monday to Friday, less the public holidays, plus the 调休 make-up days (weekend
days declared working days). Each year comes from that year's notice (国务院办公厅关于{year}年部分
节假日安排的通知), shipped as rows of ``calendar_cn.csv`` (date, kind, name, notice, year = the
notice's year) and extended with :meth:`Calendar.add` when a new notice is published.

A year whose notice is not loaded is never guessed silently: its days count Monday to Friday only
and every result that relies on them carries ``provisional``, the reason in Chinese. Results are
computed on demand from the calendar as it is, so adding a year recomputes every deadline.
"""

from __future__ import annotations

import csv
import io
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from importlib import resources
from itertools import accumulate
from pathlib import Path

from ..errors import GongkaiError

CSV_NAME = "calendar_cn.csv"
CSV_FIELDS = ("date", "kind", "name", "notice", "year")
MAX_DAYS = 10_000  # working days one count may span (~40 years): bounds the tables' growth
WEEKDAYS = "一二三四五六日"


class CalendarError(GongkaiError):
    """Calendar data that cannot be used: a malformed row, a conflicting entry, a bad count."""


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # a day off by the notice (including weekend days inside the break)
    WORKDAY = "workday"  # a 调休 make-up working day (always a Saturday or Sunday)


KIND_LABELS = {DayKind.HOLIDAY: "放假", DayKind.WORKDAY: "调休上班"}
KINDS = tuple(k.value for k in DayKind)


def notice_title(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day the State Council's notice for ``year`` makes a holiday or a make-up workday."""

    day: date
    kind: DayKind
    notice: str
    name: str = ""  # the festival: 春节, 国庆节…
    year: int = 0  # the notice's year (a 元旦 break may start in the December before); 0 = day's

    def __post_init__(self) -> None:
        if not self.year:
            object.__setattr__(self, "year", self.day.year)
        object.__setattr__(self, "kind", DayKind(self.kind))


@dataclass(frozen=True, slots=True)
class DueDate:
    """The ``days``-th working day after ``start`` (day 0), with what the count went through."""

    start: date
    days: int
    due: date
    crossed: tuple[CalendarEntry, ...]  # holidays and make-up days in (start, due]
    provisional: str | None  # why the date may change (a year not loaded), or None

    def describe(self) -> list[str]:
        """Chinese lines: the holidays and make-up days crossed, then the provisional reason."""
        lines = describe_crossed(self.crossed)
        return [*lines, f"暂定：{self.provisional}"] if self.provisional else lines


def _weekday(d: date) -> str:
    return f"星期{WEEKDAYS[d.weekday()]}"


def describe_crossed(entries: Iterable[CalendarEntry]) -> list[str]:
    """One line per holiday break (consecutive days of one festival) and per make-up day."""
    lines: list[str] = []
    run: list[CalendarEntry] = []

    def flush() -> None:
        if run:
            first, last = run[0], run[-1]
            span = first.day.isoformat()
            if last.day != first.day:
                span += f" 至 {last.day.isoformat()}（{len(run)} 天）"
            lines.append(f"放假：{first.name or '节假日'} {span}；依据：{first.notice}")
            run.clear()

    for e in entries:
        if e.kind is DayKind.HOLIDAY:
            if run and (e.name != run[-1].name or e.day - run[-1].day != timedelta(1)):
                flush()
            run.append(e)
            continue
        flush()
        lines.append(
            f"调休上班：{e.day.isoformat()}（{_weekday(e.day)}，{e.name or '节假日'}调休，"
            f"计为工作日）；依据：{e.notice}"
        )
    flush()
    return lines


def summarize_crossed(entries: Iterable[CalendarEntry]) -> str:
    """A short clause for a timeline: "期间放假：春节 02-15 至 02-23；调休上班：02-14、02-28"."""
    holidays: dict[str, list[date]] = {}
    workdays: list[date] = []
    for e in entries:
        if e.kind is DayKind.HOLIDAY:
            holidays.setdefault(e.name or "节假日", []).append(e.day)
        else:
            workdays.append(e.day)
    parts = [
        f"{name} {days[0].isoformat()}" + (f" 至 {days[-1].isoformat()}" if len(days) > 1 else "")
        for name, days in holidays.items()
    ]
    clauses = [f"期间放假：{'、'.join(parts)}"] if parts else []
    if workdays:
        clauses.append(f"调休上班：{'、'.join(d.isoformat() for d in workdays)}")
    return "；".join(clauses)


class Calendar:
    """The loaded notices and the working-day arithmetic over them.

    Counting uses a table of cumulative working days by ordinal day (rebuilt on :meth:`add`,
    extended on demand), so a count is two lookups and a binary search, not a day-by-day walk.
    """

    def __init__(self, entries: Iterable[CalendarEntry] = ()) -> None:
        self._entries: dict[date, CalendarEntry] = {}
        self._days: list[date] = []  # sorted keys of _entries
        self._sorted: list[CalendarEntry] = []  # its values in the same order
        self._years: set[int] = set()
        self._base, self._top = 1, 0  # ordinals of the table's first and last day
        self._cum = array("l")  # _cum[i] = working days in [base, base + i]
        self._sure = (1, 0)  # ordinals of a span of days all known (the fast path)
        self.version = 0  # bumped by every add: cached deadlines are stale when it changes
        self.add(entries)

    # -- data ---------------------------------------------------------------------------------

    @property
    def years(self) -> frozenset[int]:
        """The years whose notice is loaded."""
        return frozenset(self._years)

    def entries(self, year: int | None = None) -> Iterator[CalendarEntry]:
        for e in self._sorted:
            if year is None or e.year == year:
                yield e

    def entry(self, d: date) -> CalendarEntry | None:
        return self._entries.get(d)

    def add(self, entries: Iterable[CalendarEntry]) -> list[int]:
        """Load a published notice's days; all or nothing. Returns the newly loaded years.

        A day already loaded may be given again unchanged; a different kind for it is refused,
        as is a make-up workday on a Monday to Friday (such a row is a typing error).
        """
        new: dict[date, CalendarEntry] = {}
        for e in entries:
            old = self._entries.get(e.day) or new.get(e.day)
            if old is not None and old.kind is not e.kind:
                raise CalendarError(
                    f"{e.day.isoformat()} 已载入为“{KIND_LABELS[old.kind]}”（{old.notice}），"
                    f"与新条目“{KIND_LABELS[e.kind]}”（{e.notice}）冲突"
                )
            if e.kind is DayKind.WORKDAY and e.day.weekday() < 5:
                raise CalendarError(
                    f"{e.day.isoformat()} 是{_weekday(e.day)}，本来就是工作日，不能登记为调休上班日"
                )
            if old is None:
                new[e.day] = e
        added = sorted({e.year for e in new.values()} - self._years)
        if not new:
            return added
        self._entries.update(new)
        self._days = sorted(self._entries)
        self._sorted = [self._entries[d] for d in self._days]
        self._years.update(e.year for e in new.values())
        self.version += 1
        self._cum, self._base, self._top = array("l"), 1, 0  # rebuilt lazily
        first, last = min(self._years), max(self._years)
        if len(self._years) == last - first + 1:  # contiguous: known up to 28 December
            self._sure = (date(first, 1, 1).toordinal(), date(last, 12, 28).toordinal())
        return added

    # -- loading and saving -------------------------------------------------------------------

    @classmethod
    def packaged(cls) -> Calendar:
        """The calendar shipped with gongkai (``calendar_cn.csv``)."""
        text = (
            resources.files(__package__ or "gongkai.ledger").joinpath(CSV_NAME).read_text("utf-8")
        )
        return cls(read_csv(text, CSV_NAME))

    @classmethod
    def from_csv(cls, path: Path) -> Calendar:
        return cls(read_csv(path.read_text("utf-8-sig"), str(path)))

    def to_csv(self) -> str:
        return write_csv(self.entries())

    # -- working days -------------------------------------------------------------------------

    def is_loaded(self, year: int) -> bool:
        return year in self._years

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day; for a year not loaded, refused with the reason."""
        if d.year not in self._years:
            raise CalendarError(self._missing_reason([d.year]))
        return self._workday(d)

    def _workday(self, d: date) -> bool:
        e = self._entries.get(d)
        return e.kind is DayKind.WORKDAY if e is not None else d.weekday() < 5

    def _ensure(self, first: date, last: date) -> None:
        """Make the table cover [first, last]: whole years, with room around the loaded ones."""
        if self._base <= first.toordinal() and last.toordinal() <= self._top:
            return
        lo = date(max(1, min(first.year, *self._years, 9999) - 1), 1, 1).toordinal()
        top = max(last.year, *self._years, 1) + 5
        if top > 9999:
            raise CalendarError("日期超出可计算范围（公元 9999 年）")
        hi = date(top, 12, 31).toordinal()
        if self._cum:  # keep the old span too: a table only grows until the next add
            lo, hi = min(lo, self._base), max(hi, self._top)
        flags = (self._workday(date.fromordinal(o)) for o in range(lo, hi + 1))
        self._base, self._top = lo, hi
        self._cum = array("l", accumulate(int(f) for f in flags))

    def count(self, a: date, b: date) -> int:
        """Working days in (a, b], negative when b < a; :meth:`uncertainty` says if provisional."""
        self._ensure(min(a, b), max(a, b))
        return self._cum[b.toordinal() - self._base] - self._cum[a.toordinal() - self._base]

    def working_days_between(self, a: date, b: date) -> tuple[int, str | None]:
        """Working days in (a, b] (negative when b < a), and the provisional reason if any."""
        lo, hi = min(a, b), max(a, b)
        return self.count(a, b), self.uncertainty(lo, hi)

    def working_days_after(self, start: date, n: int) -> DueDate:
        """The ``n``-th working day after ``start``: ``start`` is day 0, whatever day it is."""
        if not 0 <= n <= MAX_DAYS:
            raise CalendarError(f"工作日数须在 0 至 {MAX_DAYS} 之间，收到 {n}")
        self._ensure(start, start + timedelta(days=2 * n + 60))
        i = start.toordinal() - self._base
        j = bisect_left(self._cum, self._cum[i] + n, i + 1) if n else i
        if j >= len(self._cum):
            raise CalendarError("日期超出可计算范围（公元 9999 年）")
        due = date.fromordinal(self._base + j)
        lo = bisect_right(self._days, start)
        hi = bisect_right(self._days, due, lo)
        crossed = tuple(self._sorted[lo:hi])
        return DueDate(start, n, due, crossed, self.uncertainty(start, due))

    def uncertainty(self, start: date, end: date) -> str | None:
        """Why the days in (start, end] are not all known: the reason in Chinese, or None.

        Beyond the years not loaded, a notice may move the last days of the December before its
        year (2018-12-31 was made a holiday by the 2019 notice), so 29–31 December counts as
        provisional until the next year is loaded.
        """
        if end <= start:
            return None
        if self._sure[0] <= start.toordinal() + 1 and end.toordinal() <= self._sure[1]:
            return None
        first = start + timedelta(1)
        missing = [y for y in range(first.year, end.year + 1) if y not in self._years]
        if missing:
            return self._missing_reason(missing)
        for y in range(first.year, end.year + 1):
            if y + 1 not in self._years and end >= date(y, 12, 29) and first <= date(y, 12, 31):
                return (
                    f"{y + 1}年的节假日安排（{notice_title(y + 1)}）尚未载入，"
                    f"{y}年12月29日至31日可能因元旦放假调休而变动，期限为暂定；"
                    "载入后将自动重新计算"
                )
        return None

    def _missing_reason(self, years: list[int]) -> str:
        names = "、".join(f"{y}年" for y in years)
        notices = "、".join(notice_title(y) for y in years)
        return (
            f"{names}的节假日安排尚未载入（{notices}），其中的日期仅按周一至周五计为工作日，"
            "未计法定节假日和调休，期限为暂定；载入后将自动重新计算"
        )


def read_csv(text: str, source: str = CSV_NAME) -> list[CalendarEntry]:
    """Rows of ``date,kind,name,notice,year``; a bad row is refused naming its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if tuple(reader.fieldnames or ()) != CSV_FIELDS:
        raise CalendarError(f"表头应为 {','.join(CSV_FIELDS)}", source)
    out: list[CalendarEntry] = []
    for row in reader:
        line = reader.line_num
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            raise CalendarError(f"第 {line} 行日期“{row['date']}”应为 YYYY-MM-DD", source) from None
        if row["kind"] not in KINDS:
            raise CalendarError(f"第 {line} 行类型“{row['kind']}”应为 {'、'.join(KINDS)}", source)
        if not (row["year"] or "").isdigit():
            raise CalendarError(f"第 {line} 行年份“{row['year']}”应为通知所属年份", source)
        if not row["notice"]:
            raise CalendarError(f"第 {line} 行缺少通知名称（notice）", source)
        out.append(
            CalendarEntry(day, DayKind(row["kind"]), row["notice"], row["name"], int(row["year"]))
        )
    return out


def write_csv(entries: Iterable[CalendarEntry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for e in entries:
        w.writerow((e.day.isoformat(), e.kind.value, e.name, e.notice, e.year))
    return buf.getvalue()
