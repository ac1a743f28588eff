"""The ledger's vocabularies with their Chinese labels, and reading a label back.

Applicant types are the 表三 columns and outcomes the 表三 result rows of the 2021 template; case
kinds and results are the 表四 groups and outcomes: all taken from :mod:`gongkai.templates`, so a
label is never typed twice. Reading accepts the label shown, a shorter unambiguous form (“予以公开”
for “（一）予以公开”), the template's variants and the key itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum

from ..checks.context import column_label, row_label
from ..templates import (
    APPLICANT_KEYS,
    OUTCOMES,
    REQUEST_COLUMNS,
    REVIEW_GROUPS,
    TEMPLATE_2021,
)
from .clock import CHANNEL_LABELS, EventKind


class FeeKind(StrEnum):
    """Fee events as the ledger stores them; the clock replays them as its own
    ``EventKind.FEE_NOTICE`` / ``FEE_PAID`` (the time until payment is not counted)."""

    FEE_NOTICE = "fee_notice"  # 收费通知 sent (国办函〔2020〕109号)
    FEE_PAID = "fee_paid"


EVENT_KINDS = (*(k.value for k in EventKind), *(k.value for k in FeeKind))
ANSWER_KINDS = (EventKind.REPLY.value, EventKind.ON_THE_SPOT.value)
EVENT_LABELS = {
    EventKind.CORRECTION_NOTICE.value: "补正通知",
    EventKind.CORRECTION_RECEIVED.value: "收到补正",
    EventKind.CONSULTATION_START.value: "开始征求意见",
    EventKind.CONSULTATION_END.value: "征求意见结束",
    EventKind.EXTENSION.value: "延长答复期限",
    EventKind.ON_THE_SPOT.value: "当场答复",
    EventKind.REPLY.value: "答复",
    FeeKind.FEE_NOTICE.value: "收费通知",
    FeeKind.FEE_PAID.value: "缴纳费用",
}

CHANNELS: dict[str, str] = {k.value: v for k, v in CHANNEL_LABELS.items()}
APPLICANTS: dict[str, str] = {
    c.key: column_label(i) for i, c in enumerate(REQUEST_COLUMNS) if c.key in APPLICANT_KEYS
}
OUTCOME_KEYS = tuple(r.key for r in TEMPLATE_2021.result_rows)
OUTCOMES_2021: dict[str, str] = {k: row_label(k) for k in OUTCOME_KEYS}
CASE_KINDS: dict[str, str] = {g.key: g.label for g in REVIEW_GROUPS}
CASE_OUTCOMES: dict[str, str] = {o.key: o.label for o in OUTCOMES if o.key not in ("total",)}
PENDING = "pending"  # a case not yet decided: its result column in 表四
CASE_RESULTS = {k: v for k, v in CASE_OUTCOMES.items() if k != PENDING}

_NUMBERING = re.compile(r"^(?:（[一二三四五六七八九十]+）|\d+[.．、])")


def fold(text: str) -> str:
    """A label as compared: NFKC (full-width forms), no spaces, Chinese brackets kept."""
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("(", "（").replace(")", "）")
    return "".join(s.split())


def _variants(key: str, labels: Iterable[str]) -> Iterable[str]:
    yield key
    for label in labels:
        yield label
        last = label.rsplit("·", 1)[-1]
        yield last
        yield _NUMBERING.sub("", last)


def reader(
    labels: Mapping[str, str], extra: Mapping[str, Iterable[str]] | None = None
) -> dict[str, str]:
    """Folded label → key for every form of every label; forms shared by two keys are left out."""
    seen: dict[str, set[str]] = {}
    for key, label in labels.items():
        more = list((extra or {}).get(key, ()))
        for form in _variants(key, [label, *more]):
            if form:
                seen.setdefault(fold(form), set()).add(key)
    return {form: next(iter(keys)) for form, keys in seen.items() if len(keys) == 1}


def _outcome_aliases() -> dict[str, list[str]]:
    rows = {r.key: r for r in TEMPLATE_2021.request_rows}
    return {k: [rows[k].label, *rows[k].aliases] for k in OUTCOME_KEYS}


CHANNEL_READER = reader(CHANNELS, {"in_person": ["当面"], "online": ["网上", "网络", "在线"]})
APPLICANT_READER = reader(APPLICANTS, {"other_org": ["其他组织"]})
OUTCOME_READER = reader(OUTCOMES_2021, _outcome_aliases())
CASE_KIND_READER = reader(CASE_KINDS, {"review": ["复议"], "lit_direct": ["直接起诉"]})
CASE_OUTCOME_READER = reader(CASE_OUTCOMES, {"upheld": ["维持"], "corrected": ["纠正"]})


def lookup(table: Mapping[str, str], text: str) -> str | None:
    """The key ``text`` names in a :func:`reader` table, or None."""
    return table.get(fold(text))


__all__ = [
    "ANSWER_KINDS",
    "APPLICANTS",
    "CASE_KINDS",
    "CASE_OUTCOMES",
    "CASE_RESULTS",
    "CHANNELS",
    "EVENT_KINDS",
    "EVENT_LABELS",
    "OUTCOMES_2021",
    "OUTCOME_KEYS",
    "PENDING",
    "FeeKind",
    "fold",
    "lookup",
    "reader",
]
