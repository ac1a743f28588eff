"""Text-against-table rules (spec §5.5): N1–N7, N10–N12. All are warnings.

The statements come from :mod:`.finder`, the table side from :mod:`.figures`. A statement is
accepted when it equals any reasonable reading of the tables (收到 N 件 may be 本年新收 or
本年新收 + 上年结转, spec N1), so a warning means no reading fits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .catalogue import Finding, rule
from .context import Context, clean, section_ref
from .figures import CASE_SUBJECTS, Figure, case_figures, figures
from .finder import find_claims, find_percents

OVERVIEW_MAX_HAN = 1000  # 30号: 总体情况“原则上不超过1000字”
_MISMATCH = "正文「{quote}」（{stated}）与表格不符：{expected}"


def _where(figs: list[Figure]) -> tuple[str | None, list[str], list[str]]:
    """The table, row keys and column keys of the cells behind the figures."""
    table, rows, columns = None, [], []
    for c in (c for f in figs for c in f.cells):
        parts = c.name.split(".")
        table = table or parts[0]
        if parts[0] in ("requests", "active") and len(parts) == 3:
            rows.append(parts[1])
            columns.append(parts[2])
        elif parts[0] == "review_litigation":
            columns.append(parts[1])
        elif parts[0] == "legacy":
            rows.append(c.name.removeprefix("legacy."))
    return table, rows, columns


def _no_text(ctx: Context) -> str | None:
    if not ctx.report.sections:
        return "没有读到正文（例如由标注文件生成的报告）"
    return None


def _compare(ctx: Context, wanted: Callable[[str], bool]) -> Iterator[Finding]:
    """Statements of the wanted kinds that no table figure confirms."""
    rep = ctx.report
    if (reason := _no_text(ctx)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    figs = ctx.cached("figures", lambda: figures(rep))
    seen: set[tuple[str, int | None, str]] = set()
    for claim in ctx.cached("claims", lambda: find_claims(rep)):
        options = figs.get(claim.kind)
        key = (claim.kind, claim.value, claim.quote)
        if not wanted(claim.kind) or claim.value is None or not options or key in seen:
            continue
        seen.add(key)
        if any(clean(f.value) == claim.value for f in options):
            continue
        table, rows, columns = _where(options)
        yield ctx.finding(
            {
                "quote": claim.quote,
                "stated": claim.value,
                "expected": "；".join(f.describe() for f in options),
            },
            table=table,
            rows=rows,
            columns=columns,
            cells=[
                section_ref(rep, claim.section, claim.sentence),
                *(c for f in options for c in f.cells),
            ],
            numbers={
                "stated": claim.value,
                **{f"table_{i}": f.value for i, f in enumerate(options)},
            },
        )


@rule(
    "N1",
    "warning",
    "正文所述收到申请数与表三不符",
    "正文「{quote}」：收到申请{stated}件，而{expected}，都不相符",
    ("文表一致",),
    "正文所说“收到/受理/新收…申请N件”应等于表三本年新收的总计，"
    "或本年新收加上年结转（实践中两种说法都有，如平潭2022年报告“收到75件”＝74＋1），两者都不符才提示。",
)
def received(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k == "received")


@rule(
    "N2",
    "warning",
    "正文所述办结、结转数与表三不符",
    _MISMATCH,
    ("文表一致",),
    "正文所说“办结/答复N件”应等于表三（七）总计；“上年结转”“结转下年度/顺延至下年度K件”"
    "应等于表三相应行的总计。",
)
def closed(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k in ("closed", "carried_over", "carried_forward"))


@rule(
    "N3",
    "warning",
    "正文所述申请人分类与表三不符",
    _MISMATCH,
    ("文表一致",),
    "正文按申请人类别给出的件数（如“自然人72件、商业企业3件”）应等于表三相应列的本年新收，"
    "或本年新收加上年结转。",
)
def applicants(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k.startswith("applicant_"))


@rule(
    "N4",
    "warning",
    "正文所述办理结果与表三不符",
    _MISMATCH,
    ("文表一致",),
    "正文所说“予以公开/部分公开/不予公开/无法提供/不予处理/其他处理N件”应等于表三该行或该组各行之和。"
    "正文常只举其中一项（如上海2019年报告“因本机关不掌握等原因无法提供265件”），故只作警告。",
)
def results(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k.startswith("result_"))


@rule(
    "N6",
    "warning",
    "正文所述复议、诉讼数与表格不符",
    _MISMATCH,
    ("文表一致",),
    "正文所说行政复议、行政诉讼的件数及其结果（维持、纠正/败诉、其他、尚未审结）应等于表四"
    "（诉讼为未经复议直接起诉与复议后起诉之和）；2019年以前的报告与统计附表比较。"
    "“败诉”对应“结果纠正/被依法纠错”。",
)
def cases(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k.startswith(("review_", "lit_")))


@rule(
    "N7",
    "warning",
    "正文所述规范性文件数与表二不符",
    _MISMATCH,
    ("文表一致",),
    "正文所说制发、废止、现行有效的规范性文件件数应等于表二第二十条第（一）项“行政规范性文件”行"
    "（如平潭2022年报告“现行有效698件，本年制发88件”）。",
)
def documents(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k.startswith("docs_"))


@rule(
    "N10",
    "warning",
    "正文所述主动公开数与统计附表不符",
    _MISMATCH,
    ("文表一致", "旧版"),
    "2019年以前的报告：正文所说“主动公开政府信息N条”应等于统计附表的主动公开政府信息数"
    "（实例：平潭2013年正文4970条而表中72804条）。",
)
def active_total(ctx: Context) -> Iterator[Finding]:
    yield from _compare(ctx, lambda k: k == "active_total")


def _fits(numerator: int, denominator: int, percent: float, decimals: int) -> bool:
    """Whether numerator/denominator gives the percentage as rounded or truncated."""
    if denominator <= 0:
        return False
    exact = 100 * numerator / denominator
    step = 10.0**-decimals
    return abs(exact - percent) <= step / 2 + 1e-9 or percent <= exact < percent + step


@rule(
    "N5",
    "warning",
    "百分比算不出来",
    "正文「{quote}」：{numerator}占{percent}%，用表三总数和该部分出现的其他数字都算不出这一比例",
    ("文表一致",),
    "正文中“N件，占比P%”的百分比应能由N除以某个总数得到（按四舍五入或截断）。"
    "分母取表三的本年新收、本年新收加上年结转、（七）总计，以及同一部分出现的其他数字。",
)
def percents(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _no_text(ctx)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    figs = ctx.cached("figures", lambda: figures(rep))
    table = [int(f.value) for k in ("received", "closed") for f in figs.get(k, [])]
    for p in find_percents(rep):
        candidates = {*table, *p.nearby} - {0}
        if any(_fits(p.numerator, d, p.percent, p.decimals) for d in candidates):
            continue
        yield ctx.finding(
            {"quote": p.quote, "numerator": p.numerator, "percent": clean(p.percent)},
            table="sections",
            rows=[p.section],
            cells=[section_ref(rep, p.section, p.sentence)],
            numbers={"numerator": p.numerator, "percent": p.percent},
        )


def _claim_holds(kind: str, figs: dict[str, Figure]) -> tuple[bool, list[Figure]] | None:
    """Whether an assertion such as 均获维持 holds, and the figures that decide it."""
    for subj in CASE_SUBJECTS:
        total, upheld, corrected = (
            figs.get(f"{subj}_{n}") for n in ("total", "upheld", "corrected")
        )
        if kind == f"claim_all_upheld_{subj}" and total and upheld:
            return upheld.value == total.value, [total, upheld]
        if kind == f"claim_no_corrected_{subj}" and corrected:
            return corrected.value == 0, [corrected]
        if kind == f"claim_none_{subj}" and total:
            return total.value == 0, [total]
    return None


@rule(
    "N12",
    "warning",
    "正文关于复议、诉讼结果的说法与表格不符",
    "正文称「{quote}」，但{actual}",
    ("文表一致",),
    "“均获维持”要求全部案件结果维持（尚未审结、其他结果、纠正都为0）；“零败诉/没有…败诉”要求诉讼"
    "结果纠正为0；“没有…复议纠错”要求复议结果纠正为0；“未发生行政复议/诉讼”要求相应总计为0。"
    "实例：上海市政府办公厅2019年报告称复议、诉讼“均获维持”，而表四有尚未审结的案件。",
)
def case_claims(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _no_text(ctx)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    figs = case_figures(rep)
    seen: set[tuple[str, str]] = set()
    for claim in ctx.cached("claims", lambda: find_claims(rep)):
        if not claim.kind.startswith("claim_") or (claim.kind, claim.quote) in seen:
            continue
        seen.add((claim.kind, claim.quote))
        verdict = _claim_holds(claim.kind, figs)
        if verdict is None or verdict[0]:
            continue
        subj = next(s for s in CASE_SUBJECTS if claim.kind.endswith(s))
        outcomes = [
            figs[k] for n in ("corrected", "other", "pending") if (k := f"{subj}_{n}") in figs
        ]
        shown = list(dict.fromkeys([*verdict[1], *outcomes]))
        table, rows, columns = _where(shown)
        yield ctx.finding(
            {"quote": claim.quote, "actual": "，".join(f.describe() for f in shown)},
            table=table,
            rows=rows,
            columns=columns,
            cells=[
                section_ref(rep, claim.section, claim.sentence),
                *(c for f in shown for c in f.cells),
            ],
        )


@rule(
    "N11",
    "warning",
    "总体情况篇幅过长",
    "第一部分「总体情况」有{count}个汉字，超过{limit}字",
    ("格式",),
    f"2021年格式要求总体情况重点突出、简明扼要，原则上不超过{OVERVIEW_MAX_HAN}字（30号文）。",
)
def overview_length(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template != "2021":
        yield ctx.not_applicable("仅适用于2021年格式的报告", "sections")
        return
    sec = rep.sections.get("一")
    if sec is None:
        yield ctx.not_applicable("没有读到第一部分", "sections")
        return
    count = len(re.findall(r"[\u4e00-\u9fff]", sec.text))
    if count > OVERVIEW_MAX_HAN:
        yield ctx.finding(
            {"count": count, "limit": OVERVIEW_MAX_HAN},
            table="sections",
            rows=["一"],
            cells=[section_ref(rep, "一")],
        )
