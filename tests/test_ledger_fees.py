"""信息处理费 (国办函〔2020〕109号): 按件 per applicant per calendar month, 按量 by pages,
never both for one request."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.ledger.fees import (
    FeeError,
    FeeMethod,
    assess,
    fee_by_count,
    fee_by_pages,
    number_in_month,
    request_rate,
)


def page_rate(page: int) -> int:
    """The 元 charged for the ``page``-th page alone, straight from the notice's bands."""
    return 0 if page <= 30 else 10 if page <= 100 else 20 if page <= 200 else 40


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)],
)
def test_by_pages_bands(pages: int, amount: int) -> None:
    assert fee_by_pages(pages).amount == amount


def test_worked_example_250_pages_is_4700_yuan() -> None:
    fee = fee_by_pages(250)
    assert (fee.method, fee.amount) == (FeeMethod.BY_PAGES, 4700)
    assert [(b.units, b.rate, b.amount) for b in fee.bands] == [
        (30, 0, 0),
        (70, 10, 700),
        (100, 20, 2000),
        (50, 40, 2000),
    ]
    assert fee.explain() == (
        "按量计收 250 页：1—30 页：30 页，免费；31—100 页：70 页 × 10 元 = 700 元；"
        "101—200 页：100 页 × 20 元 = 2000 元；201 页以上：50 页 × 40 元 = 2000 元；"
        "合计 4700 元（国办函〔2020〕109号）"
    )


@pytest.mark.parametrize(
    ("nth", "rate"),
    [
        *[(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300)],
        *[(51, 400), (60, 400), (61, 500), (101, 900)],
    ],
)
def test_by_count_rate_of_the_nth_request_in_a_month(nth: int, rate: int) -> None:
    assert request_rate(nth) == rate
    assert fee_by_count(nth).amount == rate


@pytest.mark.parametrize(
    ("count", "amount"), [(10, 0), (11, 100), (30, 2000), (31, 2200), (45, 5500), (60, 11000)]
)
def test_by_count_month_totals(count: int, amount: int) -> None:
    assert fee_by_count(1, count).amount == amount


@given(st.integers(0, 2000))
def test_by_pages_is_the_sum_of_each_page_band(pages: int) -> None:
    assert fee_by_pages(pages).amount == sum(page_rate(p) for p in range(1, pages + 1))
    assert sum(b.units for b in fee_by_pages(pages).bands) == pages


@given(st.integers(1, 300), st.integers(0, 300))
def test_by_count_range_is_the_sum_of_its_requests(first: int, extra: int) -> None:
    fee = fee_by_count(first, first + extra)
    assert fee.amount == sum(request_rate(n) for n in range(first, first + extra + 1))
    assert fee.quantity == extra + 1 == sum(b.units for b in fee.bands)


def test_never_both_ways_for_one_request() -> None:
    with pytest.raises(FeeError, match="不能同时适用两种方式"):
        assess(nth_in_month=12, pages=250)
    with pytest.raises(FeeError, match="按件计收的月内申请序号或按量计收的页数"):
        assess()
    assert assess(nth_in_month=12).amount == 100
    assert assess(pages=250).amount == 4700


@pytest.mark.parametrize("call", [lambda: fee_by_pages(-1), lambda: fee_by_count(0)])
def test_bad_quantities_are_refused(call: object) -> None:
    with pytest.raises(FeeError):
        call()  # type: ignore[operator]


def test_requests_are_numbered_per_applicant_per_calendar_month() -> None:
    march = [("张三", date(2026, 3, day)) for day in range(2, 14)]  # twelve in March
    others = [("李四", date(2026, 3, 5)), ("张三", date(2026, 4, 1)), ("张三", date(2026, 2, 28))]
    requests = list(reversed(march)) + others  # given out of date order
    numbers = number_in_month(requests)
    assert numbers[:12] == list(range(12, 0, -1))
    assert numbers[12:] == [1, 1, 1]  # another applicant; a new month; the month before
    fees = [assess(nth_in_month=n).amount for n in numbers]
    assert sum(fees) == 200  # only 张三's 11th and 12th March requests are charged
