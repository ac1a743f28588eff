"""Deciding which reports are summed, and adding up their tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..checks import Finding, check, same_body
from ..checks.context import number, out_of_range, shown
from ..errors import GongkaiError
from ..report import Report, Value, empty_report
from .cells import (
    OTHER_SPLIT,
    CellNote,
    Slot,
    as_value,
    get,
    note,
    single_other,
    slots,
    to_decimal,
)
from .text import sections

LEGACY_REFUSED = "2019年以前的报告没有统一的表格，不能汇总（各地统计表的项目和口径不同）"


@dataclass(slots=True)
class Body:
    """One input report and what became of it."""

    report: Report
    findings: list[Finding]
    included: bool = False
    reason: str = ""
    duplicate_of: str | None = None  # file of the copy that was counted
    notes: list[CellNote] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.report.path or ""

    @property
    def agency(self) -> str:
        return self.report.agency or "（未读出单位名称）"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.applicable)

    def codes(self, *severities: str) -> list[str]:
        """Codes of the applicable findings of these severities (default: errors and warnings)."""
        wanted = severities or ("error", "warning")
        return list(
            dict.fromkeys(f.code for f in self.findings if f.applicable and f.severity in wanted)
        )


@dataclass(slots=True)
class Summary:
    """The summary report and the account of which bodies it adds up."""

    report: Report
    bodies: list[Body]

    @property
    def included(self) -> list[Body]:
        return [b for b in self.bodies if b.included]

    @property
    def excluded(self) -> list[Body]:
        return [b for b in self.bodies if not b.included and b.duplicate_of is None]

    @property
    def duplicates(self) -> list[Body]:
        return [b for b in self.bodies if b.duplicate_of is not None]


# -- deciding who is summed ------------------------------------------------------------------


def _norm(agency: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", agency or "").split())


def _refusal(rep: Report, year: int) -> str | None:
    if rep.template == "legacy":
        return LEGACY_REFUSED
    if rep.year is None:
        return "未能读出报告年度，无法确认属于本次汇总"
    if rep.year != year:
        return f"报告年度为{rep.year}年，不是{year}年"
    return None


def _refuse_mixed(bodies: list[Body]) -> None:
    by_tpl: dict[str, list[str]] = {}
    for b in bodies:
        by_tpl.setdefault(b.report.template, []).append(f"{b.agency}（{b.file or '未命名'}）")
    if len(by_tpl) > 1:
        parts = "；".join(f"{t}年格式：{'、'.join(names)}" for t, names in sorted(by_tpl.items()))
        raise GongkaiError(
            "各单位报告使用的表格格式不同，不能逐格相加（2021年格式与2019年格式的行列不同）。"
            f"{parts}。请确认各报告的年度和格式后再汇总。"
        )


def _other_reason(rep: Report) -> tuple[bool, str]:
    """Whether a single （六）其他处理 row can be summed, and what to say about it."""
    vals = rep.requests.get("other", [])
    if all(not v.ambiguous and not out_of_range(v) and (number(v) or 0) == 0 for v in vals):
        return True, "（六）其他处理只有一行且各列均为0，按0计入三个子项"
    total = next((n for v in reversed(vals) if (n := number(v))), "非零")
    return False, (
        f"（六）其他处理只有一行（合计{total}件），无法逐格分到2021年格式的三个子项，"
        "未计入；请按三个子项补正后再汇总"
    )


def _same(a: Body, b: Body) -> bool:
    na, nb = _norm(a.report.agency), _norm(b.report.agency)
    return bool(na) and (na == nb or same_body(na, nb))


def _differing(a: Report, b: Report, cells: list[Slot]) -> int:
    def num(v: Value | None) -> object:
        return None if v is None else (n if (n := number(v)) is not None else shown(v))

    return sum(1 for s in cells if num(get(a, s)) != num(get(b, s)))


# -- summing ---------------------------------------------------------------------------------


def summarize(
    reports: Sequence[Report], agency: str, year: int, include_invalid: bool = False
) -> Summary:
    """Add up the tables of the bodies' reports of ``year`` into a summary report of ``agency``.

    :raises GongkaiError: when the reports mix the 2021 and 2019 layouts, or when no report
        can be summed (the message lists each report and why).
    """
    bodies = [Body(rep, check(rep)) for rep in reports]
    candidates: list[Body] = []
    own = Body(Report(agency=agency), [])
    for b in bodies:
        reason = _refusal(b.report, year)
        if reason is None and _same(own, b):
            reason = "单位名称与本次汇总的单位相同（可能是已公布的汇总报告本身），未计入"
        if reason:
            b.reason = reason
        else:
            candidates.append(b)
    _refuse_mixed(candidates)
    kept: list[Body] = []
    for b in candidates:
        if single_other(b.report):
            ok, b.reason = _other_reason(b.report)
            if not ok:
                continue
        errors = b.count("error")
        if errors and not include_invalid:
            b.reason = f"检查发现{errors}个错误（{'、'.join(b.codes('error'))}），未计入"
            continue
        first = next((k for k in kept if _same(k, b)), None)
        if first is not None:
            diff = _differing(first.report, b.report, slots(b.report.template))
            b.duplicate_of = first.file
            b.reason = f"与{first.file}（{first.agency}）是同一单位，未重复计入" + (
                f"；两份报告有{diff}个单元格不同" if diff else ""
            )
            continue
        if errors:
            b.reason = "；".join(
                x for x in (b.reason, f"检查发现{errors}个错误，仍按要求计入") if x
            )
        b.included = True
        kept.append(b)
    if not kept:
        lines = "；".join(f"{b.file or b.agency}：{b.reason}" for b in bodies)
        raise GongkaiError(f"没有可以汇总的{year}年报告。{lines}")
    template = kept[0].report.template
    summary = Summary(_sum(kept, agency, year, template), bodies)
    summary.report.sections = sections(summary.report, [b.agency for b in kept])
    return summary


def _sum(kept: list[Body], agency: str, year: int, template: str) -> Report:
    rep = empty_report(agency, year, template)
    for s in slots(template):
        total, exact, unit = Decimal(0), False, ""
        for b in kept:
            if s.row in OTHER_SPLIT and single_other(b.report):
                continue  # summed as zeros: the single row is 0 everywhere (see _other_reason)
            v = get(b.report, s)
            odd = note(v, s)
            if odd is not None:
                b.notes.append(odd)
            if v is None:
                continue
            d, u = to_decimal(v, s)
            if d is not None:
                total += d
                exact = exact or isinstance(number(v), float)
                unit = unit or u
        target = rep.active if s.table == "active" else rep.requests
        vals = rep.review_litigation if s.table == "review_litigation" else target[s.row]
        assert vals is not None  # empty_report fills every template cell
        vals[s.col] = as_value(total, exact, unit if s.textual else "")
    return rep
