"""信息处理费 (国办函〔2020〕109号《政府信息公开信息处理费管理办法》): progressive, 按件 or 按量.

按件 counts an applicant's requests in one calendar month: the 1st–10th are free, the 11th–30th
cost 100 元 each, and from the 31st every further ten cost 100 元 more each (31–40: 200, 41–50:
300…). 按量 counts one request's pages: 1–30 free, 31–100 at 10 元, 101–200 at 20 元, beyond 200
at 40 元 a page. One request is charged one way or the other, never both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..errors import GongkaiError

BASIS = "国办函〔2020〕109号"
FREE_REQUESTS = 10  # per applicant per calendar month
FREE_PAGES = 30
PAGE_BANDS = ((1, 30, 0), (31, 100, 10), (101, 200, 20), (201, None, 40))  # first, last, 元/页


class FeeError(GongkaiError):
    pass


class FeeMethod(StrEnum):
    BY_COUNT = "by_count"  # 按件计收
    BY_PAGES = "by_pages"  # 按量计收


METHOD_LABELS = {FeeMethod.BY_COUNT: "按件计收", FeeMethod.BY_PAGES: "按量计收"}


@dataclass(frozen=True, slots=True)
class FeeBand:
    """The units billed in one band: ``units`` × ``rate`` = ``amount`` (元)."""

    first: int
    last: int | None
    rate: int
    units: int

    @property
    def amount(self) -> int:
        return self.units * self.rate


@dataclass(frozen=True, slots=True)
class Fee:
    method: FeeMethod
    quantity: int  # pages, or the number of requests charged together
    bands: tuple[FeeBand, ...]

    @property
    def amount(self) -> int:
        return sum(b.amount for b in self.bands)

    def explain(self) -> str:
        """Chinese: "按量计收 250 页：1—30 页：30 页，免费；31—100 页：70 页 × 10 元 = 700 元…"."""
        unit = "页" if self.method is FeeMethod.BY_PAGES else "件"
        parts = []
        for b in self.bands:
            span = (
                f"{b.first} {unit}以上"
                if b.last is None
                else f"第 {b.first} {unit}"
                if b.last == b.first
                else f"{b.first}—{b.last} {unit}"
            )
            cost = "，免费" if not b.rate else f" × {b.rate} 元 = {b.amount} 元"
            parts.append(f"{span}：{b.units} {unit}{cost}")
        head = f"{METHOD_LABELS[self.method]} {self.quantity} {unit}"
        return f"{head}：{'；'.join(parts)}；合计 {self.amount} 元（{BASIS}）"


def _positive(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FeeError(f"{what}应为非负整数，收到 {value!r}")


def request_rate(nth: int) -> int:
    """元 for the applicant's ``nth`` request (1-based) in a calendar month, 按件."""
    if nth <= FREE_REQUESTS:
        return 0
    if nth <= 30:
        return 100
    return 200 + 100 * ((nth - 31) // 10)


def fee_by_count(first: int, last: int | None = None) -> Fee:
    """按件: the fee for the applicant's ``first``…``last`` requests of the month (1-based).

    ``fee_by_count(12)`` is the 12th request alone (100 元); ``fee_by_count(1, 45)`` is a month
    of 45 requests (10 free, 20 × 100, 10 × 200, 5 × 300 = 5,500 元).
    """
    last = first if last is None else last
    _positive(first, "申请序号")
    if first < 1 or last < first:
        raise FeeError(f"申请序号应从 1 起且不倒序，收到 {first}—{last}")
    bands: list[FeeBand] = []
    n = first
    while n <= last:  # split at the edges where the rate changes: 11, 31, 41, 51…
        edge = (
            FREE_REQUESTS if n <= FREE_REQUESTS else 30 if n <= 30 else 30 + -(-(n - 30) // 10) * 10
        )
        top = min(last, edge)
        bands.append(FeeBand(n, top, request_rate(n), top - n + 1))
        n = top + 1
    return Fee(FeeMethod.BY_COUNT, last - first + 1, tuple(bands))


def fee_by_pages(pages: int) -> Fee:
    """按量: the fee for one request of ``pages`` pages (a part of a page counts as a page)."""
    _positive(pages, "页数")
    bands = tuple(
        FeeBand(first, last, rate, min(pages, last or pages) - first + 1)
        for first, last, rate in PAGE_BANDS
        if pages >= first
    )
    return Fee(FeeMethod.BY_PAGES, pages, bands)


def assess(*, nth_in_month: int | None = None, pages: int | None = None) -> Fee:
    """One request's fee: 按件 as the applicant's ``nth_in_month`` request, or 按量 by ``pages``."""
    if nth_in_month is not None and pages is not None:
        raise FeeError(f"同一申请只能按件或按量计收一种信息处理费，不能同时适用两种方式（{BASIS}）")
    if nth_in_month is not None:
        return fee_by_count(nth_in_month)
    if pages is not None:
        return fee_by_pages(pages)
    raise FeeError("请给出按件计收的月内申请序号或按量计收的页数")


def number_in_month(requests: Iterable[tuple[str, date]]) -> list[int]:
    """Each request's 1-based number among its applicant's requests of that calendar month.

    ``requests`` are (applicant, legal receipt date) pairs; numbers follow receipt date order
    (ties in the given order) and are returned in the given order.
    """
    items = list(requests)
    order = sorted(range(len(items)), key=lambda i: items[i][1])
    seen: Counter[tuple[str, int, int]] = Counter()
    out = [0] * len(items)
    for i in order:
        who, day = items[i]
        key = (who, day.year, day.month)
        seen[key] += 1
        out[i] = seen[key]
    return out
