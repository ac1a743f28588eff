"""A generator of realistic request ledgers: requests received through every channel of 第三十一条
over several years, with the events a busy office records (补正 with and without the correction,
third-party and organ consultations, extensions, fee notices paid and unpaid, 当场答复, answers in
and out of time, every outcome of 表三, requests still open at the end) and the reviews and
lawsuits some of them bring (decided or pending, across year ends).

Every request passes the ledger's checks by construction; nothing is dated after ``until``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from gongkai.ledger.calendar import Calendar
from gongkai.ledger.clock import Channel, EventKind
from gongkai.ledger.labels import APPLICANTS, CASE_KINDS, CASE_RESULTS, OUTCOME_KEYS, FeeKind
from gongkai.ledger.records import Case, LedgerEvent, NewRequest, receipt

K = EventKind
APPLICANT_WEIGHTS = dict(zip(APPLICANTS, (80, 8, 2, 2, 3, 5), strict=True))
# Outcomes of an ordinary answer (the （六） rows follow from what happened instead).
ANSWER_WEIGHTS = {k: 1 for k in OUTCOME_KEYS if not k.startswith("other_")}
ANSWER_WEIGHTS.update({"granted": 40, "partial": 10, "unable_1_not_held": 15})


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


class _Builder:
    def __init__(self, rng: random.Random, cal: Calendar, until: date) -> None:
        self.rng, self.cal, self.until = rng, cal, until
        self.events: list[LedgerEvent] = []
        self.stopped = False

    def after(self, start: date, lo: int, hi: int) -> date:
        return self.cal.working_days_after(start, self.rng.randint(lo, hi)).due

    def add(self, kind: str, day: date, **kw: object) -> bool:
        """Record an event unless it would lie after ``until`` (then the request stays open)."""
        if self.stopped or day > self.until:
            self.stopped = True
            return False
        self.events.append(LedgerEvent(kind, day, **kw))  # type: ignore[arg-type]
        return True


def _events(rng: random.Random, cal: Calendar, received: date, until: date) -> list[LedgerEvent]:
    b = _Builder(rng, cal, until)
    roll = rng.random()
    if roll < 0.06:
        b.add(K.ON_THE_SPOT, received, outcome=rng.choice(["granted", "rejected_3_publications"]))
        return b.events
    day = received
    if roll < 0.18:  # 补正; a fifth never come back and are closed as （六）1
        day = b.after(received, 1, 7)
        b.add(K.CORRECTION_NOTICE, day)
        if rng.random() < 0.2:
            b.add(K.REPLY, b.after(day, 16, 30), outcome="other_1_no_correction")
            return b.events
        day = day + timedelta(rng.randint(1, 20))
        b.add(K.CORRECTION_RECEIVED, day)
    elif roll < 0.30:  # consultation with a third party or another organ
        day = b.after(received, 1, 12)
        b.add(K.CONSULTATION_START, day, third_party=rng.random() < 0.7)
        day = b.after(day, 3, 20)
        b.add(K.CONSULTATION_END, day)
    if rng.random() < 0.10:
        day = b.after(day, 5, 18)
        b.add(K.EXTENSION, day, days=rng.choice([10, 15, 20]), approver="分管负责人")
    if rng.random() < 0.04:  # fee notice; a third never pay and are closed as （六）2
        day = b.after(day, 1, 5)
        b.add(FeeKind.FEE_NOTICE, day, amount=rng.choice([100, 200, 700, 4700]))
        if rng.random() < 0.33:
            b.add(K.REPLY, b.after(day, 21, 25), outcome="other_2_unpaid_fee")
            return b.events
        day = b.after(day, 1, 15)
        b.add(FeeKind.FEE_PAID, day)
    if rng.random() < 0.97:  # most are answered, a few late; the rest stay open
        outcome = "other_3_other" if rng.random() < 0.02 else _pick(rng, ANSWER_WEIGHTS)
        b.add(K.REPLY, b.after(day, 1, 24), outcome=outcome)
    return b.events


def _cases(rng: random.Random, answered: date, until: date) -> list[Case]:
    if rng.random() > 0.04:
        return []
    kind = rng.choice(list(CASE_KINDS))
    filed = answered + timedelta(rng.randint(5, 60))
    if filed > until:
        return []
    decided = filed + timedelta(rng.randint(30, 200))
    if decided > until or rng.random() < 0.15:
        return [Case(kind, filed, reference=f"案{filed.year}-{rng.randrange(10**4)}")]
    return [Case(kind, filed, rng.choice(list(CASE_RESULTS)), decided)]


def generate(
    n: int,
    seed: int = 10,
    first: date = date(2023, 1, 1),
    last: date = date(2025, 12, 31),
    until: date = date(2026, 3, 31),
    cal: Calendar | None = None,
) -> list[NewRequest]:
    """``n`` requests received from ``first`` to ``last``; events and cases up to ``until``."""
    rng = random.Random(seed)
    cal = cal or Calendar.packaged()
    span = (last - first).days
    out: list[NewRequest] = []
    for i in range(n):
        sent = first + timedelta(rng.randint(0, span))
        channel = rng.choice(list(Channel)).value
        at = datetime.combine(sent, time(rng.randint(0, 23), rng.randint(0, 59)))
        legal = None if channel == Channel.IN_PERSON else sent + timedelta(rng.randrange(4))
        received, problem = receipt(channel, at, legal)
        assert problem is None
        if received > last:  # the confirmation slipped past the span: keep it inside
            received, at = last, datetime.combine(min(sent, last), at.time())
        events = _events(rng, cal, received, until)
        answer = next((e for e in events if e.kind in (K.REPLY, K.ON_THE_SPOT)), None)
        cases = _cases(rng, answer.day, until) if answer else []
        out.append(
            NewRequest(
                ref=f"{received.year}-{i + 1:06d}",
                channel=channel,
                received=received,
                applicant_type=_pick(rng, APPLICANT_WEIGHTS),
                submitted_at=at,
                applicant_name=f"申请人{i + 1}",
                applicant_contact=f"138{rng.randrange(10**8):08d}",
                content=f"申请公开第{i + 1}号事项的相关文件",
                events=tuple(events),
                cases=tuple(cases),
            )
        )
    return out
