"""Rules for Table C (四、政府信息公开行政复议、行政诉讼情况): spec §5.2, C1–C5."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Number, Report
from ..templates import OUTCOMES, REVIEW_GROUPS, REVIEW_KEYS, Group
from .catalogue import Finding, rule
from .context import (
    Context,
    clean,
    is_blank,
    is_placeholder,
    join_labels,
    number,
    operand,
    review_cell,
    review_value,
    shown,
)

TABLE = "review_litigation"
WIDTH = len(OUTCOMES)  # four outcomes and 总计 per group
N_CELLS = len(REVIEW_KEYS)


def missing_table(report: Report) -> str | None:
    if report.template == "legacy":
        return "2019年以前的报告没有统一的表四（复议、诉讼见统计附表，由L1核对）"
    if not report.review_litigation:
        return "报告中没有读到表四"
    return None


def group_index(key: str) -> int:
    return next(i for i, g in enumerate(REVIEW_GROUPS) if g.key == key)


def figure(report: Report, index: int) -> Number | None:
    v = review_value(report, index)
    return None if v is None else operand(v)


def _group_sum(ctx: Context, group: Group) -> Iterator[Finding]:
    rep = ctx.report
    start = group_index(group.key) * WIDTH
    idx = range(start, start + WIDTH)
    vals = [figure(rep, i) for i in idx]
    if any(v is None for v in vals):
        return  # unreadable or missing cells: G2 / F3 report them
    upheld, corrected, other, pending, total = (v or 0 for v in vals)
    parts_sum = clean(upheld + corrected + other + pending)
    if parts_sum != clean(total):
        yield ctx.finding(
            {
                "group": group.label,
                "upheld": upheld,
                "corrected": corrected,
                "other": other,
                "pending": pending,
                "parts_sum": parts_sum,
                "total": total,
            },
            table=TABLE,
            columns=[REVIEW_KEYS[i] for i in idx],
            cells=[review_cell(rep, i) for i in idx],
            numbers={"parts_sum": parts_sum, "total": total},
        )


_SUM_TEMPLATE = (
    "「{group}」：结果维持{upheld}＋结果纠正{corrected}＋其他结果{other}＋尚未审结{pending}"
    "＝{parts_sum}，而总计为{total}"
)


@rule(
    "C1",
    "error",
    "行政复议总计不等于各结果之和",
    _SUM_TEMPLATE,
    ("表内",),
    "行政复议的总计应等于结果维持、结果纠正、其他结果、尚未审结四项之和。依据：总计的含义。",
)
def review_sum(ctx: Context) -> Iterator[Finding]:
    if (reason := missing_table(ctx.report)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    yield from _group_sum(ctx, REVIEW_GROUPS[0])


@rule(
    "C2",
    "error",
    "行政诉讼总计不等于各结果之和",
    _SUM_TEMPLATE,
    ("表内",),
    "未经复议直接起诉、复议后起诉两组各自的总计应等于结果维持、结果纠正、其他结果、尚未审结之和。",
)
def litigation_sum(ctx: Context) -> Iterator[Finding]:
    if (reason := missing_table(ctx.report)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for group in REVIEW_GROUPS[1:]:
        yield from _group_sum(ctx, group)


@rule(
    "C3",
    "error",
    "案件数不是非负整数",
    "「{cell}」的值「{value}」不是非负整数",
    ("数值",),
    "表四各单元格是案件件数，只能是0或正整数（占位符与空白见C5）。",
)
def whole_numbers(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for i, v in enumerate((rep.review_litigation or [])[:N_CELLS]):
        if v.ambiguous or is_blank(v) or is_placeholder(v):
            continue
        n = number(v)
        if n is None or n < 0 or not float(n).is_integer():
            ref = review_cell(rep, i)
            yield ctx.finding(
                {"cell": ref.label, "value": shown(v)},
                table=TABLE,
                columns=[REVIEW_KEYS[i]],
                cells=[ref],
            )


@rule(
    "C4",
    "info",
    "复议后起诉而本年无复议",
    "复议后起诉{after_review}件，而本年行政复议为{review}件；"
    "这些诉讼的复议可能在往年或由其他机关作出，请核实",
    ("表内",),
    "复议后起诉的案件通常来自行政复议；本年复议为0而有复议后起诉并不一定是错误"
    "（复议可能在上一年，或由其他机关办理），只作提示。",
)
def after_review_without_review(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    review = figure(rep, group_index("review") * WIDTH + WIDTH - 1)
    after = figure(rep, group_index("lit_after_review") * WIDTH + WIDTH - 1)
    if review == 0 and after:
        idx = (WIDTH - 1, N_CELLS - 1)
        yield ctx.finding(
            {"after_review": after, "review": review},
            table=TABLE,
            columns=[REVIEW_KEYS[i] for i in idx],
            cells=[review_cell(rep, i) for i in idx],
        )


@rule(
    "C5",
    "warning",
    "表四空白单元格",
    "表四有{count}个单元格空白或写作占位符（{cells}），计算时按0处理；应填写数字",
    ("数值", "完整性"),
    "空白不等于0；表四共15格，均应填写数字。整张表空白由F4报告。",
)
def blanks(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    vals = (rep.review_litigation or [])[:N_CELLS]
    empty = [i for i, v in enumerate(vals) if is_blank(v) or is_placeholder(v)]
    if empty and len(empty) < len(vals):
        refs = [review_cell(rep, i) for i in empty]
        yield ctx.finding(
            {"count": len(empty), "cells": join_labels(r.label for r in refs)},
            table=TABLE,
            columns=[REVIEW_KEYS[i] for i in empty],
            cells=refs,
        )
