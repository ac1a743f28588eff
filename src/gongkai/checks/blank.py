"""Reports with nothing in them (F8, F9): an unfilled 表三, an empty 一、总体情况.

A fill-in workbook from ``gongkai new`` that nobody filled in reads as a report whose 表三 holds
only the totals the workbook computes (all 0) and whose sections have titles but no text. Such a
"report" reports nothing, so rendering it is refused (both rules are errors).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..report import Report, Value
from ..templates import REQUEST_COLUMN_KEYS, SECTIONS, SUBTOTAL_KEYS
from .catalogue import Finding, rule
from .context import Context, is_blank, number, request_cell, section_ref

_TITLES = {s.number: s.title for s in SECTIONS}
# Cells a workbook computes from the others (and a document may print as 0 for nothing).
_TOTAL_ROWS = frozenset({*SUBTOTAL_KEYS.values(), "total"})
_TOTAL_COLUMN = len(REQUEST_COLUMN_KEYS) - 1


def _unfilled(v: Value, computed: bool) -> bool:
    """A cell nobody wrote in: blank, or a computed total that is 0."""
    return is_blank(v) or (computed and not v.ambiguous and number(v) == 0)


def requests_unfilled(rep: Report) -> int:
    """The number of 表三 cells when none holds a figure (every input cell blank, every
    total blank or 0); 0 when some cell was filled in or the table is missing."""
    count = 0
    for key, vals in rep.requests.items():
        for col, v in enumerate(vals):
            if not _unfilled(v, key in _TOTAL_ROWS or col == _TOTAL_COLUMN):
                return 0
            count += 1
    return count


@rule(
    "F8",
    "error",
    "表三没有填写",
    "表三（收到和处理政府信息公开申请情况）的{count}个单元格都没有填写数字"
    "（只有自动计算的合计0）；没有收到申请也应逐格填0",
    ("格式", "完整性"),
    "表三是年度报告的核心统计，不能空着发布：所有申请人情况和办理结果的单元格都空白"
    "（合计列、小计行和（七）总计即使显示为0，也只是自动相加的结果）时报告错误，"
    "例如由 gongkai new 生成而没有填写的工作簿。全部填0的表三是有效的（当年没有收到申请）。",
)
def requests_filled(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template == "legacy":
        yield ctx.not_applicable("2019年以前的报告没有统一的表格")
        return
    if not rep.requests:
        yield ctx.not_applicable("报告没有表三（见F3）", "requests")
        return
    count = requests_unfilled(rep)
    if count:
        first = next(iter(rep.requests))  # where to start filling in: the first row
        cells = [request_cell(rep, first, c) for c in range(_TOTAL_COLUMN)]
        yield ctx.finding({"count": count}, table="requests", rows=[first], cells=cells)


@rule(
    "F9",
    "error",
    "总体情况没有内容",
    "第一部分「{title}」没有内容",
    ("格式", "完整性"),
    "第一部分“总体情况”概述本机关全年政府信息公开工作，不能只有标题："
    "这一部分没有任何文字时报告错误（例如由 gongkai new 生成而没有填写的工作簿）。",
)
def overview_written(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template == "legacy":
        yield ctx.not_applicable("2019年以前的报告没有统一的六部分结构", "sections")
        return
    if not rep.sections:
        yield ctx.not_applicable("没有读到正文各部分（例如由标注文件生成的报告）", "sections")
        return
    sec = rep.sections.get("一")
    if sec is None:
        yield ctx.not_applicable("报告没有第一部分（见F1）", "sections")
        return
    if not re.sub(r"\s+", "", sec.text):
        yield ctx.finding(
            {"title": sec.title or _TITLES["一"]},
            table="sections",
            rows=["一"],
            cells=[section_ref(rep, "一")],
        )
