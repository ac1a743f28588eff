"""Rules for Table B (三、收到和处理政府信息公开申请情况): spec §5.1, B1–B9."""

from __future__ import annotations

from collections.abc import Iterator

from ..report import Number, Report, ordered_request_keys
from ..templates import REQUEST_COLUMN_KEYS, REQUEST_GROUPS, SUBTOTAL_KEYS
from .catalogue import Finding, rule
from .context import (
    Context,
    clean,
    column_label,
    is_blank,
    is_placeholder,
    join_labels,
    number,
    request_cell,
    request_number,
    request_rows,
    result_rows,
    row_label,
    show_share,
    shown,
)

TABLE = "requests"
TOTAL_COL = len(REQUEST_COLUMN_KEYS) - 1
BALANCE_ROWS = ("new", "carried_over", "total", "carried_forward")

# 60号 asks 主管部门 to look into agencies with a high share of 其他处理 (B7, B8).
OTHER_SHARE_WARN = 0.2
OTHER_MIN_COUNT = 5


def missing_table(report: Report) -> str | None:
    """Why Table B rules cannot apply, or None when they can."""
    if report.template == "legacy":
        return "2019年以前的报告没有统一的表三"
    if not report.requests:
        return "报告中没有读到表三"
    return None


@rule(
    "B1",
    "error",
    "本列收支不平衡",
    "「{column}」列：本年新收{new}＋上年结转{carried_over}＝{left}，"
    "而（七）总计{total}＋结转下年度{carried_forward}＝{right}，两者不等",
    ("表内",),
    "表三每一列（含总计列）都须满足：本年新收＋上年结转＝（七）总计＋结转下年度继续办理。"
    "依据：模板表头的勾稽说明“第一项加第二项之和，等于第三项加第四项之和”"
    "（国办公开办函〔2021〕30号、〔2019〕60号）。",
)
def balance(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    absent = [row_label(k) for k in BALANCE_ROWS if k not in rep.requests]
    if absent:
        yield ctx.not_applicable(f"表三缺少{join_labels(absent)}", TABLE)
        return
    for col in range(len(REQUEST_COLUMN_KEYS)):
        vals = [request_number(rep, k, col) for k in BALANCE_ROWS]
        new, carried_over, total, carried_forward = vals
        if new is None or carried_over is None or total is None or carried_forward is None:
            continue  # an unreadable cell: G2 reports it
        left, right = clean(new + carried_over), clean(total + carried_forward)
        if left != right:
            yield ctx.finding(
                {
                    "column": column_label(col),
                    "new": new,
                    "carried_over": carried_over,
                    "left": left,
                    "total": total,
                    "carried_forward": carried_forward,
                    "right": right,
                },
                table=TABLE,
                rows=BALANCE_ROWS,
                columns=[REQUEST_COLUMN_KEYS[col]],
                cells=[request_cell(rep, k, col) for k in BALANCE_ROWS],
                numbers={"left": left, "right": right, "difference": clean(left - right)},
            )


@rule(
    "B2",
    "error",
    "总计不等于各办理结果之和",
    "「{column}」列：（七）总计为{total}，而各项办理结果之和为{parts_sum}，相差{difference}",
    ("表内",),
    "每件申请只计入一种办理结果（部分公开“只计这一情形，不计其他情形”），"
    "所以（七）总计应等于（一）至（六）全部结果行之和。按报告自身的版式取结果行："
    "2019年模板（六）其他处理为一行，2021年模板分三行；2021年报告若只印一行也按一行计。",
)
def results_sum(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    if "total" not in rep.requests:
        yield ctx.not_applicable("表三缺少（七）总计行", TABLE)
        return
    keys = [r.key for r in result_rows(rep) if r.key in rep.requests]
    for col in range(len(REQUEST_COLUMN_KEYS)):
        total = request_number(rep, "total", col)
        parts = [request_number(rep, k, col) for k in keys]
        if total is None or any(p is None for p in parts):
            continue
        parts_sum = clean(sum(p for p in parts if p is not None))
        if clean(total) != parts_sum:
            involved = [k for k, p in zip(keys, parts, strict=True) if p]
            yield ctx.finding(
                {
                    "column": column_label(col),
                    "total": total,
                    "parts_sum": parts_sum,
                    "difference": clean(total - parts_sum),
                },
                table=TABLE,
                rows=["total", *involved],
                columns=[REQUEST_COLUMN_KEYS[col]],
                cells=[request_cell(rep, k, col) for k in ("total", *involved)],
                numbers={"total": total, "parts_sum": parts_sum},
            )


@rule(
    "B3",
    "error",
    "行总计不等于各类申请人之和",
    "「{row}」行：总计为{total}，而六类申请人之和为{parts_sum}，相差{difference}",
    ("表内",),
    "每一行的“总计”列应等于自然人与五类法人或其他组织之和（模板没有法人或其他组织小计列）。"
    "依据：总计的含义；实务中普遍这样核对。",
)
def row_sum(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for key in ordered_request_keys(rep):
        vals = [request_number(rep, key, c) for c in range(len(REQUEST_COLUMN_KEYS))]
        if len(rep.requests[key]) < len(REQUEST_COLUMN_KEYS) or any(v is None for v in vals):
            continue
        parts_sum = clean(sum(v for v in vals[:TOTAL_COL] if v is not None))
        total = vals[TOTAL_COL]
        if total is not None and clean(total) != parts_sum:
            yield ctx.finding(
                {
                    "row": row_label(key),
                    "total": total,
                    "parts_sum": parts_sum,
                    "difference": clean(total - parts_sum),
                },
                table=TABLE,
                rows=[key],
                columns=REQUEST_COLUMN_KEYS,
                cells=[request_cell(rep, key, c) for c in range(len(REQUEST_COLUMN_KEYS))],
                numbers={"total": total, "parts_sum": parts_sum},
            )


@rule(
    "B4",
    "error",
    "申请数不是非负整数",
    "「{cell}」的值「{value}」不是非负整数",
    ("数值",),
    "表三各单元格是申请件数，只能是0或正整数；负数、小数或非数字的文字都是错误"
    "（“/”“—”“无”等占位符按空白处理，见B6）。",
)
def whole_numbers(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    for key in ordered_request_keys(rep):
        for col, v in enumerate(rep.requests[key][: len(REQUEST_COLUMN_KEYS)]):
            if v.ambiguous or is_blank(v) or is_placeholder(v):
                continue
            n = number(v)
            if n is None or n < 0 or not float(n).is_integer():
                ref = request_cell(rep, key, col)
                yield ctx.finding(
                    {"cell": ref.label, "value": shown(v)},
                    table=TABLE,
                    rows=[key],
                    columns=[REQUEST_COLUMN_KEYS[col]],
                    cells=[ref],
                )


@rule(
    "B5",
    "error",
    "小计不等于分项之和",
    "「{group}」小计「{column}」列为{subtotal}，而分项之和为{parts_sum}",
    ("表内",),
    "模板没有小计行；报告自行印出（三）至（六）的小计行时，小计应等于其下各分项之和。",
)
def subtotals(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    rows = request_rows(rep)
    for group in REQUEST_GROUPS:
        sub = SUBTOTAL_KEYS[group.key]
        keys = [r.key for r in rows if r.group == group.key and r.key in rep.requests]
        if sub not in rep.requests or not keys:
            continue
        for col in range(len(REQUEST_COLUMN_KEYS)):
            subtotal = request_number(rep, sub, col)
            parts = [request_number(rep, k, col) for k in keys]
            if subtotal is None or any(p is None for p in parts):
                continue
            parts_sum = clean(sum(p for p in parts if p is not None))
            if clean(subtotal) != parts_sum:
                yield ctx.finding(
                    {
                        "group": group.label,
                        "column": column_label(col),
                        "subtotal": subtotal,
                        "parts_sum": parts_sum,
                    },
                    table=TABLE,
                    rows=[sub, *keys],
                    columns=[REQUEST_COLUMN_KEYS[col]],
                    cells=[request_cell(rep, k, col) for k in (sub, *keys)],
                    numbers={"subtotal": subtotal, "parts_sum": parts_sum},
                )


@rule(
    "B6",
    "warning",
    "空白单元格",
    "「{column}」列有{count}个单元格空白或写作占位符（{rows}），计算时按0处理；应填写数字",
    ("数值", "完整性"),
    "空白不等于0：同一行或同一列已有非零数字时，空白单元格很可能是漏填；"
    "整个总计列空白也属此类（实例：上海市政府办公厅2019年报告只在一、二、（七）、四行填写总计）。"
    "计算勾稽关系时空白按0处理。",
)
def blanks(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    keys = ordered_request_keys(rep)
    grid = {k: rep.requests[k] for k in keys}

    def nonzero(values: list[Number | None]) -> bool:
        return any(v for v in values)

    for col in range(len(REQUEST_COLUMN_KEYS)):
        column_values = [v[col].number if col < len(v) else None for v in grid.values()]
        empty = [
            k
            for k in keys
            if col < len(grid[k]) and (is_blank(grid[k][col]) or is_placeholder(grid[k][col]))
        ]
        whole_total_blank = col == TOTAL_COL and len(empty) == len(keys)
        flagged = [
            k
            for k in empty
            if whole_total_blank or nonzero(column_values) or nonzero([v.number for v in grid[k]])
        ]
        if flagged:
            yield ctx.finding(
                {
                    "column": column_label(col),
                    "count": len(flagged),
                    "rows": join_labels(row_label(k) for k in flagged),
                },
                table=TABLE,
                rows=flagged,
                columns=[REQUEST_COLUMN_KEYS[col]],
                cells=[request_cell(rep, k, col) for k in flagged],
            )


def _other_share(ctx: Context, key: str, template_name: str) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    if key not in rep.requests:
        yield ctx.not_applicable(f"本报告表三没有「{row_label(key)}」行（{template_name}）", TABLE)
        return
    other, total = request_number(rep, key, TOTAL_COL), request_number(rep, "total", TOTAL_COL)
    if other is None or total is None or total <= 0:
        return
    if other >= OTHER_MIN_COUNT and other / total >= OTHER_SHARE_WARN:
        yield ctx.finding(
            {
                "row": row_label(key),
                "other": other,
                "total": total,
                "share": show_share(other, total),
            },
            table=TABLE,
            rows=[key, "total"],
            columns=["total"],
            cells=[request_cell(rep, key, TOTAL_COL), request_cell(rep, "total", TOTAL_COL)],
            numbers={"other": other, "total": total},
        )


@rule(
    "B7",
    "warning",
    "其他处理占比偏高",
    "「{row}」{other}件，占办理总数{total}件的{share}；原则上每件申请都应有法定处理结果",
    ("数值",),
    f"2019年模板（六）其他处理只有一行。60号文说明它只为新旧条例过渡和少数特殊情形而设，"
    f"原则上所有申请都应依法作出处理，并要求主管部门关注其他处理较多的机关。"
    f"其他处理不少于{OTHER_MIN_COUNT}件且占总计{OTHER_SHARE_WARN:.0%}以上时提示。",
)
def other_single(ctx: Context) -> Iterator[Finding]:
    yield from _other_share(ctx, "other", "2021年模板分三行，见B8")


@rule(
    "B8",
    "warning",
    "“其他”处理占比偏高",
    "「{row}」{other}件，占办理总数{total}件的{share}；请说明具体情形",
    ("数值",),
    f"2021年模板把（六）其他处理分为逾期不补正、逾期未缴费和“3.其他”；比照60号文对其他处理的要求，"
    f"“3.其他”不少于{OTHER_MIN_COUNT}件且占总计{OTHER_SHARE_WARN:.0%}以上时提示。",
)
def other_split(ctx: Context) -> Iterator[Finding]:
    yield from _other_share(ctx, "other_3_other", "2019年模板或只印一行，见B7")


@rule(
    "B9",
    "error",
    "结转下年度超过可办理总数",
    "「{column}」列：结转下年度{carried_forward}件，多于本年新收与上年结转之和{available}件",
    ("表内",),
    "结转下年度继续办理的申请只能来自本年新收和上年结转，不可能多于二者之和。",
)
def carried_forward_bound(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := missing_table(rep)) is not None:
        yield ctx.not_applicable(reason, TABLE)
        return
    if not all(k in rep.requests for k in ("new", "carried_over", "carried_forward")):
        yield ctx.not_applicable("表三缺少一、二或四行", TABLE)
        return
    for col in range(len(REQUEST_COLUMN_KEYS)):
        new, co, cf = (
            request_number(rep, k, col) for k in ("new", "carried_over", "carried_forward")
        )
        if new is None or co is None or cf is None:
            continue
        if cf > new + co:
            yield ctx.finding(
                {
                    "column": column_label(col),
                    "carried_forward": cf,
                    "available": clean(new + co),
                },
                table=TABLE,
                rows=["carried_forward", "new", "carried_over"],
                columns=[REQUEST_COLUMN_KEYS[col]],
                cells=[
                    request_cell(rep, k, col) for k in ("carried_forward", "new", "carried_over")
                ],
            )
