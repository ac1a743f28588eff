"""The request ledger at scale: deadlines and states for generated requests, and the annual
tables counted from them in the store.

Usage: python benchmarks/ledger.py [--requests N] [--seed S] [--as-of YYYY-MM-DD]
                                   [--db URL] [--no-tables]

It generates N requests (default 100,000), received from 2024 to the as-of date through every
channel of 第三十一条, with events drawn like a busy office's (answers in and out of time, 当场答复,
补正 with and without the correction, third-party and organ consultations, extensions, requests
still open), then runs the statutory clock on each as of that date. It prints the time, the peak
memory (tracemalloc, in a second run: it slows Python several times) with every clock and its
timeline held, and the states found.

Then it stores the same requests in a ledger (a temporary SQLite file, or ``--db`` with a
SQLite path or a postgresql:// URL of an empty database) and counts the annual tables (表三 and
表四) of every year, with the time and peak memory of each count (goal: under 1 s), and
explains one cell. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from gongkai.ledger import (
    Calendar,
    Channel,
    Clock,
    Event,
    EventKind,
    LedgerEvent,
    NewRequest,
    legal_receipt_date,
    run_clock,
)
from gongkai.templates import APPLICANT_KEYS

OUTCOMES = ("granted", "partial", "unable_1_not_held", "denied_4_third_party", "rejected_2_repeat")
FIRST = date(2024, 1, 1)
Request = tuple[date, list[Event]]


def _receipt(rng: random.Random, last: date) -> date:
    sent = FIRST + timedelta(rng.randrange((last - FIRST).days - 3))
    channel = rng.choice(list(Channel))
    later = sent + timedelta(rng.randrange(4))
    if channel is Channel.IN_PERSON:
        return legal_receipt_date(channel, submitted=sent)
    if channel is Channel.REGISTERED_MAIL:
        return legal_receipt_date(channel, submitted=sent, signed_for=later)
    return legal_receipt_date(channel, submitted=sent, confirmed=later)


def generate(n: int, seed: int, cal: Calendar, as_of: date) -> list[Request]:
    """Requests received from 2024 to ``as_of`` (their events may lie after it: not yet known)."""
    rng = random.Random(seed)
    out: list[Request] = []
    for _ in range(n):
        received = _receipt(rng, as_of)

        def after(start: date, lo: int, hi: int) -> date:
            return cal.working_days_after(start, rng.randint(lo, hi)).due

        events: list[Event] = []
        roll, day = rng.random(), received
        if roll < 0.08:
            out.append((received, [Event(EventKind.ON_THE_SPOT, received, outcome="granted")]))
            continue
        if roll < 0.20:  # 补正; a fifth never come back
            day = after(received, 1, 7)
            events.append(Event(EventKind.CORRECTION_NOTICE, day))
            if rng.random() < 0.2:
                out.append((received, events))
                continue
            day = day + timedelta(rng.randint(1, 30))
            events.append(Event(EventKind.CORRECTION_RECEIVED, day))
        elif roll < 0.32:  # consultation, a third party or another organ
            day = after(received, 1, 15)
            third = rng.random() < 0.7
            events.append(Event(EventKind.CONSULTATION_START, day, third_party=third))
            day = after(day, 3, 25)
            events.append(Event(EventKind.CONSULTATION_END, day))
        if rng.random() < 0.10:
            day = after(day, 5, 18)
            events.append(Event(EventKind.EXTENSION, day, approver="分管负责人"))
        if rng.random() < 0.93:  # most are answered, a few late
            day = after(day, 1, 24)
            events.append(Event(EventKind.REPLY, day, outcome=rng.choice(OUTCOMES)))
        out.append((received, events))
    return out


def run(requests: list[Request], cal: Calendar, as_of: date) -> list[Clock]:
    return [run_clock(received, events, cal, as_of) for received, events in requests]


def timed(label: str, work: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    work()
    took = time.perf_counter() - t0
    print(f"{label}: {took:.2f} s")
    return took


def as_ledger(requests: list[Request], seed: int, as_of: date) -> list[NewRequest]:
    """The generated requests as ledger records (an applicant type drawn for each), with the
    events known on ``as_of``."""
    rng = random.Random(seed)
    out = []
    for i, (received, events) in enumerate(requests):
        steps = tuple(
            LedgerEvent(
                e.kind.value,
                e.day,
                outcome=e.outcome,
                days=e.days if e.kind is EventKind.EXTENSION else None,
                approver=e.approver,
                third_party=e.third_party if e.kind is EventKind.CONSULTATION_START else None,
            )
            for e in events
            if e.day <= as_of
        )
        kind = rng.choices(APPLICANT_KEYS, (80, 8, 2, 2, 3, 5))[0]
        out.append(NewRequest(f"B-{i + 1:07d}", "online", received, kind, events=steps))
    return out


def tables(requests: list[Request], seed: int, db: str | None, as_of: date) -> None:
    """Store the requests in a ledger, then count each year's tables and explain one cell."""
    from gongkai.ledger import annual_tables, explain, import_requests
    from gongkai.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        where = db or str(Path(tmp) / "ledger.db")
        with open_store(where) as store:
            records = as_ledger(requests, seed, as_of)
            t0 = time.perf_counter()
            import_requests(store, "某某市人民政府办公室", records, today=as_of)
            took = time.perf_counter() - t0
            print(f"stored {len(records):,} requests ({store.dialect}): {took:.1f} s")
            for year in range(FIRST.year, as_of.year + 1):
                t0 = time.perf_counter()
                got = annual_tables(store, "某某市人民政府办公室", year)
                took = time.perf_counter() - t0
                tracemalloc.start()
                annual_tables(store, "某某市人民政府办公室", year)
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                rows = ("new", "carried_over", "total", "carried_forward")
                n = [got.cells[f"requests.{r}.total"] for r in rows]
                print(
                    f"  annual tables {year}: {took * 1000:.0f} ms, peak {peak / 2**20:.1f} MiB"
                    f" (新收 {n[0]:,}, 上年结转 {n[1]:,}, 办结 {n[2]:,}, 结转下年度 {n[3]:,})"
                )
            t0 = time.perf_counter()
            e = explain(store, "某某市人民政府办公室", as_of.year - 1, "requests.granted.total")
            took = time.perf_counter() - t0
            print(f"  explain requests.granted.total ({e.count:,} requests): {took * 1000:.0f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 12, 1))
    ap.add_argument("--db", default=None, help="SQLite path or postgresql:// URL (empty)")
    ap.add_argument("--no-tables", action="store_true", help="deadlines only")
    args = ap.parse_args()

    t0 = time.perf_counter()
    cal = Calendar.packaged()
    print(f"calendar loaded ({len(cal.years)} years): {time.perf_counter() - t0:.3f} s")
    t0 = time.perf_counter()
    requests = generate(args.requests, args.seed, cal, args.as_of)
    print(f"generated {len(requests):,} requests: {time.perf_counter() - t0:.2f} s")

    clocks: list[Clock] = []
    took = timed(
        f"deadlines and states as of {args.as_of}",
        lambda: clocks.extend(run(requests, cal, args.as_of)),
    )
    print(f"  {took / len(requests) * 1e6:.1f} µs a request")

    tracemalloc.start()
    held = run(requests, cal, args.as_of)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    entries = sum(len(c.timeline) for c in held)
    print(f"peak memory (clocks and {entries:,} timeline entries held): {peak / 2**20:.0f} MiB")
    del held

    states = Counter(c.state.value for c in clocks)
    print("states: " + "，".join(f"{s} {n:,}" for s, n in states.most_common()))
    late = sum(c.late for c in clocks)
    provisional = sum(c.provisional is not None for c in clocks)
    print(f"answered late: {late:,}; provisional (a year not loaded): {provisional:,}")
    if not args.no_tables:
        tables(requests, args.seed, args.db, args.as_of)


if __name__ == "__main__":
    main()
