"""The table figures a narrative statement may refer to (used by the N rules).

For each statement kind of :mod:`.finder` (``received``, ``lit_corrected`` …) this lists the
numbers in the report's tables that would make the statement true, with their cells. Pre-2019
reports take them from the statistics appendix through the matched national indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..report import Number, Report
from ..templates import APPLICANT_KEYS, REQUEST_COLUMN_KEYS, REVIEW_GROUPS, REVIEW_LABELS
from .catalogue import CellRef
from .context import (
    active_cell,
    active_value,
    clean,
    column_label,
    legacy_cell,
    number,
    operand,
    request_cell,
    request_value,
    result_rows,
    review_cell,
)
from .legacy import indicators, values
from .table_c import WIDTH, figure

_TOTAL = len(REQUEST_COLUMN_KEYS) - 1
OUTCOME_NAMES = ("upheld", "corrected", "other", "pending", "total")
CASE_SUBJECTS = {"review": "行政复议", "lit": "行政诉讼"}
_LEGACY_FIGURES = (
    ("received", "req_received"),
    ("closed", "req_closed"),
    ("closed", "reply_total"),
    ("docs_issued", "normative_docs_issued"),
    ("active_total", "active_total"),
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number in the tables, described in Chinese, with the cells it comes from."""

    label: str
    value: Number
    cells: tuple[CellRef, ...]

    def describe(self) -> str:
        return f"{self.label}为{self.value}"


def _requests(rep: Report, rows: Iterable[str], cols: Iterable[int], label: str) -> Figure | None:
    rows, cols = list(rows), list(cols)
    total: Number = 0
    for r in rows:
        for c in cols:
            v = request_value(rep, r, c)
            n = None if v is None else operand(v)
            if n is None:
                return None
            total += n
    return Figure(label, clean(total), tuple(request_cell(rep, r, c) for r in rows for c in cols))


def _legacy(rep: Report, key: str) -> Figure | None:
    row = indicators(rep).get(key)
    nums = values(rep, row.key) if row is not None else []
    if row is None or not nums or nums[0] is None:
        return None
    return Figure(f"统计附表「{row.label}」", nums[0], (legacy_cell(rep, row.key, 0),))


def case_figures(rep: Report) -> dict[str, Figure]:
    """复议 (``review_*``) and 诉讼 (``lit_*``, both litigation groups added) outcome figures."""
    out: dict[str, Figure] = {}
    if rep.review_litigation:
        groups = {"review": REVIEW_GROUPS[:1], "lit": REVIEW_GROUPS[1:]}
        for subj, gs in groups.items():
            for o, name in enumerate(OUTCOME_NAMES):
                idx = [REVIEW_GROUPS.index(g) * WIDTH + o for g in gs]
                nums = [figure(rep, i) for i in idx]
                if all(n is not None for n in nums):
                    label = "与".join(REVIEW_LABELS[f"{g.key}_{name}"] for g in gs)
                    cells = tuple(review_cell(rep, i) for i in idx)
                    out[f"{subj}_{name}"] = Figure(
                        f"表四{label}", clean(sum(n or 0 for n in nums)), cells
                    )
    elif rep.template == "legacy":
        for subj in CASE_SUBJECTS:
            for name in OUTCOME_NAMES:
                if (fig := _legacy(rep, f"{subj}_{name}")) is not None:
                    out[f"{subj}_{name}"] = fig
            if f"{subj}_total" in out and f"{subj}_pending" not in out:
                out[f"{subj}_pending"] = Figure("统计附表（没有尚未审结项）", 0, ())
    return out


def figures(rep: Report) -> dict[str, list[Figure]]:
    """For each statement kind, the table figures that would make the statement true."""
    out: dict[str, list[Figure]] = {}

    def add(kind: str, fig: Figure | None) -> None:
        if fig is not None:
            out.setdefault(kind, []).append(fig)

    if rep.requests:
        add("received", _requests(rep, ["new"], [_TOTAL], "表三本年新收"))
        add("received", _requests(rep, ["new", "carried_over"], [_TOTAL], "本年新收加上年结转"))
        add("closed", _requests(rep, ["total"], [_TOTAL], "表三（七）总计"))
        add("carried_over", _requests(rep, ["carried_over"], [_TOTAL], "表三上年结转"))
        add("carried_forward", _requests(rep, ["carried_forward"], [_TOTAL], "表三结转下年度"))
        for c, key in enumerate(APPLICANT_KEYS):
            name = column_label(c)
            add(f"applicant_{key}", _requests(rep, ["new"], [c], f"表三本年新收「{name}」"))
            add(f"applicant_{key}", _requests(rep, ["new", "carried_over"], [c], "加上年结转"))
        orgs = range(1, len(APPLICANT_KEYS))
        add("applicant_orgs", _requests(rep, ["new"], orgs, "表三本年新收法人或其他组织"))
        add("applicant_orgs", _requests(rep, ["new", "carried_over"], orgs, "加上年结转"))
        groups: dict[str, list[str]] = {}
        for row in result_rows(rep):
            group = row.group if row.group not in (None, "result") else row.key
            groups.setdefault(group or row.key, []).append(row.key)
        for key, rows in groups.items():
            present = [r for r in rows if r in rep.requests]
            if present:
                add(f"result_{key}", _requests(rep, present, [_TOTAL], "表三该项办理结果"))
    for kind, fig in case_figures(rep).items():
        add(kind, fig)
    if rep.template in ("2019", "2021") and "normative_docs" in rep.active:
        row = next(r for r in rep.active_rows() if r.key == "normative_docs")
        cols = {c.key: i for i, c in enumerate(row.columns)}
        pairs = {"docs_issued": "issued", "docs_repealed": "repealed", "docs_in_force": "in_force"}
        if rep.template == "2019":
            pairs = {"docs_issued": "newly_made"}
        for kind, col in pairs.items():
            v = active_value(rep, row.key, cols[col])
            n = None if v is None else number(v)
            if n is not None:
                label = f"表二「{row.label}」{row.columns[cols[col]].label}"
                add(kind, Figure(label, n, (active_cell(rep, row, cols[col]),)))
    if rep.template == "legacy":
        for kind, key in _LEGACY_FIGURES:
            add(kind, _legacy(rep, key))
    return out
