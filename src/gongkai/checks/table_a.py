"""Rules for Table A (二、主动公开政府信息情况, 第二十条): spec §5.3, A1–A7."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Number, Report
from ..templates import Row
from .catalogue import Finding, rule
from .context import (
    Context,
    active_cell,
    active_value,
    clean,
    is_blank,
    is_placeholder,
    number,
    out_of_range,
    shown,
)

TABLE = "active"

# 行政事业性收费 is in 万元; more than this many 万元 (100亿元) looks like 元 written as 万元.
FEE_MAX_WAN_YUAN = 1_000_000


def missing_table(report: Report, template: str | None = None) -> str | None:
    if report.template == "legacy":
        return "2019年以前的报告没有统一的表二"
    if template is not None and report.template != template:
        return f"仅适用于{template}年模板的表二，本报告为{report.template}年模板"
    if not report.active:
        return "报告中没有读到表二"
    return None


def _rows(report: Report) -> dict[str, Row]:
    return {r.key: r for r in report.active_rows()}


def _col(row: Row, key: str) -> int:
    return next(i for i, c in enumerate(row.columns) if c.key == key)


def figure(report: Report, row: Row, column: str) -> Number | None:
    v = active_value(report, row.key, _col(row, column))
    return None if v is None or v.ambiguous else number(v)


@rule(
    "A1",
    "error",
    "表二数值不合要求",
    "「{cell}」的值「{value}」不合要求：{problem}",
    ("数值",),
    "表二的件数、处理决定数量只能是非负整数；行政事业性收费金额（万元）可以有小数；"
    "2019年模板的“本年增/减”可以为负数；采购总金额按原文保存，不在此检查。",
)
def values(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for row in rep.active_rows():
        for col, column in enumerate(row.columns):
            v = active_value(rep, row.key, col)
            if column.textual or v is None or v.ambiguous or is_blank(v) or is_placeholder(v):
                continue
            n = number(v)
            problem = None
            if out_of_range(v):
                problem = "数值超出合理范围"
            elif n is None:
                problem = "不是数字"
            elif n < 0 and not column.signed:
                problem = "不能为负数"
            elif not float(n).is_integer() and not column.decimal:
                problem = "应为整数"
            if problem is not None:
                ref = active_cell(rep, row, col)
                yield ctx.finding(
                    {"cell": ref.label, "value": shown(v), "problem": problem},
                    table=TABLE,
                    rows=[row.key],
                    columns=[column.key],
                    cells=[ref],
                )


@rule(
    "A2",
    "warning",
    "收费金额单位可疑",
    "行政事业性收费金额写作「{raw}」：{reason}；该栏单位为万元",
    ("数值",),
    f"2021年模板的本年收费金额以万元为单位。原文写“元”而不是“万元”，"
    f"或金额超过{FEE_MAX_WAN_YUAN}万元（100亿元），多半是把元当作万元填写。",
)
def fee_unit(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep, "2021")) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    row = _rows(rep).get("admin_fees")
    v = active_value(rep, "admin_fees", 0)
    if row is None or v is None:
        yield ctx.not_applicable("表二没有行政事业性收费金额", TABLE)
        return
    written = f"{v.unit or ''}{v.raw}"
    n = number(v)
    problem = None
    if "元" in written and "万" not in written:
        problem = "原文单位是“元”而不是“万元”"
    elif n is not None and n > FEE_MAX_WAN_YUAN:
        problem = f"超过{FEE_MAX_WAN_YUAN}万元，疑把元当作万元填写"
    if problem is not None:
        yield ctx.finding(
            {"raw": shown(v), "reason": problem},
            table=TABLE,
            rows=[row.key],
            columns=[row.columns[0].key],
            cells=[active_cell(rep, row, 0)],
        )


@rule(
    "A3",
    "warning",
    "现行有效件数偏少",
    "「{row}」现行有效{in_force}件，少于本年制发{issued}件减本年废止{repealed}件",
    ("表内",),
    "2021年模板：现行有效件数不必大于本年制发件数（废止的可能包括本年制发的），"
    "但不应少于本年制发减本年废止。",
)
def in_force(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep, "2021")) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    rows = _rows(rep)
    for key in ("regulations", "normative_docs"):
        row = rows[key]
        if key not in rep.active:
            continue
        issued, repealed, valid = (figure(rep, row, c) for c in ("issued", "repealed", "in_force"))
        if issued is None or repealed is None or valid is None:
            continue
        if valid < issued - repealed:
            yield ctx.finding(
                {"row": row.label, "in_force": valid, "issued": issued, "repealed": repealed},
                table=TABLE,
                rows=[key],
                columns=[c.key for c in row.columns],
                cells=[active_cell(rep, row, i) for i in range(len(row.columns))],
            )


def _pair(ctx: Context, smaller: str, larger: str, keys: tuple[str, ...]) -> Iterator[Finding]:
    """Findings where column ``smaller`` exceeds column ``larger`` (2019 template)."""
    rep = ctx.report
    if (reason := missing_table(rep, "2019")) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    rows = _rows(rep)
    for key in keys:
        row = rows[key]
        if key not in rep.active:
            continue
        a, b = figure(rep, row, smaller), figure(rep, row, larger)
        if a is not None and b is not None and a > b:
            ia, ib = _col(row, smaller), _col(row, larger)
            yield ctx.finding(
                {"row": row.label, "smaller": a, "larger": b},
                table=TABLE,
                rows=[key],
                columns=[smaller, larger],
                cells=[active_cell(rep, row, ia), active_cell(rep, row, ib)],
            )


_DOCS = ("regulations", "normative_docs")


@rule(
    "A4",
    "warning",
    "新公开多于新制作",
    "「{row}」本年新公开{smaller}件，多于本年新制作{larger}件",
    ("表内",),
    "2019年模板：本年新公开的文件一般不会多于本年新制作的文件（软规则，只作警告）。",
)
def published_vs_made(ctx: Context) -> Iterator[Finding]:
    yield from _pair(ctx, "newly_published", "newly_made", _DOCS)


@rule(
    "A5",
    "warning",
    "对外公开总数少于本年新公开",
    "「{row}」本年新公开{smaller}件，多于对外公开总数量{larger}件",
    ("表内",),
    "2019年模板：对外公开总数量包含本年新公开的文件，不应少于后者。",
)
def total_vs_published(ctx: Context) -> Iterator[Finding]:
    yield from _pair(ctx, "newly_published", "total_published", _DOCS)


@rule(
    "A6",
    "error",
    "项目数量减为负数",
    "「{row}」上一年项目数量{previous}加本年增/减{change}得{result}，项目数量不能为负",
    ("表内",),
    "2019年模板：本年增/减可以为负（实例：平潭2020年报告“-15”），"
    "但上一年项目数量加本年增/减不能小于0。",
)
def item_change(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep, "2019")) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for row in rep.active_rows():
        keys = [c.key for c in row.columns]
        if "prev_year_items" not in keys or "change" not in keys or row.key not in rep.active:
            continue
        prev, change = figure(rep, row, "prev_year_items"), figure(rep, row, "change")
        if prev is not None and change is not None and prev + change < 0:
            cols = [_col(row, "prev_year_items"), _col(row, "change")]
            yield ctx.finding(
                {
                    "row": row.label,
                    "previous": prev,
                    "change": change,
                    "result": clean(prev + change),
                },
                table=TABLE,
                rows=[row.key],
                columns=["prev_year_items", "change"],
                cells=[active_cell(rep, row, i) for i in cols],
            )


@rule(
    "A7",
    "info",
    "采购总金额未注明单位",
    "政府集中采购的采购总金额写作「{raw}」，没有注明单位（元或万元）",
    ("数值",),
    "2019年模板没有规定采购总金额的单位，实际报告有写“元”的（如“251000元”），也有只写数字的；"
    "金额按原文保存，没有单位时无法比较。",
)
def procurement_unit(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep, "2019")) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    row = _rows(rep)["gov_procurement"]
    col = _col(row, "total_amount")
    v = active_value(rep, row.key, col)
    if v is None or is_blank(v) or v.ambiguous:
        return
    written = f"{v.unit or ''}{v.raw}{v.value if isinstance(v.value, str) else ''}"
    if "元" not in written:
        yield ctx.finding(
            {"raw": shown(v)},
            table=TABLE,
            rows=[row.key],
            columns=["total_amount"],
            cells=[active_cell(rep, row, col)],
        )
