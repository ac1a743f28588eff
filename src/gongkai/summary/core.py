"""Deciding which reports are summed, and adding up their tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

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


# -- choosing one report per body ------------------------------------------------------------


def _resolved(path: str | Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path)


def _preferred(bodies: list[Body], prefer: Sequence[str | Path]) -> set[int]:
    """Indexes (id) of the bodies whose file is listed in ``prefer``; unknown files raise."""
    chosen: set[int] = set()
    by_path = {_resolved(b.file): b for b in bodies if b.file}
    for p in prefer:
        b = by_path.get(_resolved(p))
        if b is None:
            raise GongkaiError("--prefer 指定的文件不在本次汇总的报告中", str(p))
        chosen.add(id(b))
    return chosen


def _groups(bodies: list[Body]) -> list[list[Body]]:
    """The bodies grouped by unit, in order of first appearance."""
    groups: list[list[Body]] = []
    for b in bodies:
        group = next((g for g in groups if _same(g[0], b)), None)
        if group is None:
            groups.append([b])
        else:
            group.append(b)
    return groups


def _undecided(b: Body) -> int:
    return sum(1 for _, v in b.report.cells() if v.ambiguous)


def _inferred(b: Body) -> int:
    """Cells not read as written but inferred (e.g. glued digits split by the arithmetic)."""
    return sum(1 for _, v in b.report.cells() if v.derived and not v.ambiguous)


def _warnings(b: Body) -> int:
    return b.count("warning") + len(b.report.warnings)


def _published(b: Body) -> int:
    """The publication date as YYYYMMDD (0 when unknown), for "later is better"."""
    digits = "".join(ch for ch in b.report.published or "" if ch.isdigit())
    return int(digits) if len(digits) == 8 else 0


def _why(kept: Body, other: Body, preferred: set[int]) -> str:
    """Why ``kept`` was counted rather than ``other`` (the first criterion that decides)."""
    if id(kept) in preferred and id(other) not in preferred:
        return "按 --prefer 指定"
    a, b = _undecided(kept), _undecided(other)
    if a != b:
        return f"无法确定的单元格较少（{a}个，另一份{b}个）"
    a, b = _inferred(kept), _inferred(other)
    if a != b:
        return f"推断得到（而非直接读出）的单元格较少（{a}个，另一份{b}个）"
    a, b = _warnings(kept), _warnings(other)
    if a != b:
        return f"警告较少（{a}个，另一份{b}个）"
    if _published(kept) != _published(other):
        other_date = other.report.published or "不详"
        return f"公布日期较晚（{kept.report.published}，另一份{other_date}）"
    return "两份读取质量相同，按文件顺序取第一份"


def _keep_one(group: list[Body], preferred: set[int]) -> Body:
    """Count the best report of one body; the others become duplicates saying why."""
    ranked = sorted(
        group,
        key=lambda b: (
            id(b) not in preferred,
            _undecided(b),
            _inferred(b),
            _warnings(b),
            -_published(b),
        ),
    )  # sorted() is stable: equal readings keep the order of the files
    kept = ranked[0]
    kept.included = True
    if len(group) == 1:
        return kept
    others = "、".join(b.file or b.agency for b in ranked[1:])
    why = _why(kept, ranked[1], preferred)
    kept.reason = "；".join(x for x in (kept.reason, f"同一单位另有{others}，选用本份：{why}") if x)
    for b in ranked[1:]:
        diff = _differing(kept.report, b.report, slots(b.report.template))
        b.duplicate_of = kept.file
        b.reason = (
            f"与{kept.file}（{kept.agency}）是同一单位，未重复计入；选用了{kept.file}："
            f"{_why(kept, b, preferred)}" + (f"；两份报告有{diff}个单元格不同" if diff else "")
        )
    return kept


# -- summing ---------------------------------------------------------------------------------


def summarize(
    reports: Sequence[Report],
    agency: str,
    year: int,
    include_invalid: bool = False,
    prefer: Sequence[str | Path] = (),
    findings: Sequence[list[Finding]] | None = None,
) -> Summary:
    """Add up the tables of the bodies' reports of ``year`` into a summary report of ``agency``.

    When a body has several reports (the same report read from two files), one is counted:
    a file listed in ``prefer``, else the better reading (fewer undecided cells, then fewer
    inferred cells such as glued digits split by the arithmetic, then fewer warnings, then
    the later publication date, then the first by order). The kept copy's and
    the others' ``reason`` say which copy was kept and why.

    :param prefer: files to keep when their body has several reports.
    :param findings: each report's findings, when known (the store's, in which people have
        dismissed some); by default each report is checked here.
    :raises GongkaiError: when the reports mix the 2021 and 2019 layouts, when no report
        can be summed (the message lists each report and why), or when a ``prefer`` file is
        not among the reports.
    """
    if findings is None:
        findings = [check(rep) for rep in reports]
    bodies = [Body(rep, list(found)) for rep, found in zip(reports, findings, strict=True)]
    preferred = _preferred(bodies, prefer)
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
    eligible: list[Body] = []
    for b in candidates:
        if single_other(b.report):
            ok, b.reason = _other_reason(b.report)
            if not ok:
                continue
        errors = b.count("error")
        if errors and not include_invalid:
            b.reason = f"检查发现{errors}个错误（{'、'.join(b.codes('error'))}），未计入"
            continue
        if errors:
            b.reason = "；".join(
                x for x in (b.reason, f"检查发现{errors}个错误，仍按要求计入") if x
            )
        eligible.append(b)
    kept = [_keep_one(group, preferred) for group in _groups(eligible)]
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
