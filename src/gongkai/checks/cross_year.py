"""Rules comparing a report with the same body's previous-year report (spec §5.4): X1–X8."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import replace

from ..report import Number, Report
from ..templates import REQUEST_COLUMN_KEYS, Row
from .catalogue import CellRef, Finding, rule
from .context import (
    Context,
    active_cell,
    active_value,
    clean,
    column_label,
    legacy_cell,
    number,
    request_cell,
    request_number,
    section_ref,
)
from .legacy import normalize, values

SIMILAR_RATIO = 0.9  # CASS found reports ~90% identical to the previous year's


def _previous(ctx: Context, template: str | None = None) -> Report | str:
    """The previous-year report, or why the rule cannot apply."""
    rep, prev = ctx.report, ctx.previous
    if prev is None:
        return "没有同一机关上一年度的报告"
    if rep.year is not None and prev.year is not None and prev.year != rep.year - 1:
        return f"对比报告是{prev.year}年度，不是上一年度"
    if template is not None and not (rep.template == prev.template == template):
        name = "2019年以前的格式" if template == "legacy" else f"{template}年格式"
        return f"仅适用于两年都使用{name}的报告"
    return prev


def before(ref: CellRef, prev: Report) -> CellRef:
    """A cell of last year's report, named so it is not confused with this year's."""
    year = f"{prev.year}年" if prev.year else "上一年度"
    return replace(ref, name=f"previous.{ref.name}", label=f"{year}报告 {ref.label}")


@rule(
    "X1",
    "warning",
    "上年结转与上年报告不衔接",
    "「{column}」列：本年报告上年结转{carried_over}件，而{previous_year}年报告结转下年度{carried_forward}件",
    ("跨年",),
    "本年的“上年结转政府信息公开申请数量”应等于上一年度报告的“结转下年度继续办理”，每一列都应相等，"
    "2020年到2021年换用新格式时也适用（平潭2019—2022年各年均衔接）。",
)
def carried(ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    if isinstance(prev, str):
        yield ctx.not_applicable(prev, "requests")
        return
    rep = ctx.report
    if "carried_over" not in rep.requests or "carried_forward" not in prev.requests:
        yield ctx.not_applicable("两份报告中至少一份没有表三", "requests")
        return
    for col in range(len(REQUEST_COLUMN_KEYS)):
        now, then = (
            request_number(rep, "carried_over", col),
            request_number(prev, "carried_forward", col),
        )
        if now is None or then is None or clean(now) == clean(then):
            continue
        yield ctx.finding(
            {
                "column": column_label(col),
                "carried_over": now,
                "previous_year": prev.year or "上一",
                "carried_forward": then,
            },
            table="requests",
            rows=["carried_over"],
            columns=[REQUEST_COLUMN_KEYS[col]],
            cells=[
                request_cell(rep, "carried_over", col),
                before(request_cell(prev, "carried_forward", col), prev),
            ],
        )


def _active(report: Report, row: Row, column: str) -> Number | None:
    col = next((i for i, c in enumerate(row.columns) if c.key == column), None)
    v = None if col is None else active_value(report, row.key, col)
    return None if v is None or v.ambiguous else number(v)


def _cell(report: Report, row: Row, column: str) -> CellRef:
    return active_cell(report, row, next(i for i, c in enumerate(row.columns) if c.key == column))


def _stock(
    ctx: Context, template: str, stock: str, plus: str, minus: str | None
) -> Iterator[Finding]:
    """stock(Y) = stock(Y-1) + plus(Y) - minus(Y) for 规章 and 规范性文件."""
    prev = _previous(ctx, template)
    if isinstance(prev, str):
        yield ctx.not_applicable(prev, "active")
        return
    rep = ctx.report
    for row in rep.active_rows()[:2]:
        now, then = _active(rep, row, stock), _active(prev, row, stock)
        add = _active(rep, row, plus)
        sub = _active(rep, row, minus) if minus else 0
        if now is None or then is None or add is None or sub is None:
            continue
        expected = clean(then + add - sub)
        if clean(now) != expected:
            cells = [
                _cell(rep, row, stock),
                before(_cell(prev, row, stock), prev),
                _cell(rep, row, plus),
            ]
            if minus:
                cells.append(_cell(rep, row, minus))
            fields: dict[str, object] = {
                "row": row.label,
                "now": now,
                "previous": then,
                "added": add,
                "expected": expected,
            }
            if minus:
                fields["removed"] = sub
            yield ctx.finding(
                fields,
                table="active",
                rows=[row.key],
                columns=[stock, plus, *([minus] if minus else [])],
                cells=cells,
                numbers={"now": now, "expected": expected},
            )


@rule(
    "X2",
    "warning",
    "现行有效件数与上年不衔接",
    "「{row}」现行有效{now}件，而上年现行有效{previous}＋本年制发{added}－本年废止{removed}＝{expected}",
    ("跨年",),
    "2021年格式：本年现行有效件数应约等于上年现行有效件数加本年制发减本年废止"
    "（平潭2021→2022年行政规范性文件 665＋88－55＝698）。",
)
def in_force(ctx: Context) -> Iterator[Finding]:
    yield from _stock(ctx, "2021", "in_force", "issued", "repealed")


@rule(
    "X3",
    "warning",
    "对外公开总数量与上年不衔接",
    "「{row}」对外公开总数量{now}，而上年{previous}＋本年新公开{added}＝{expected}",
    ("跨年",),
    "2019年格式：本年对外公开总数量应约等于上年对外公开总数量加本年新公开数量（软规则）。",
)
def published(ctx: Context) -> Iterator[Finding]:
    yield from _stock(ctx, "2019", "total_published", "newly_published", None)


@rule(
    "X4",
    "warning",
    "上一年项目数量与上年报告不衔接",
    "「{row}」上一年项目数量{now}，而{previous_year}年报告的上一年项目数量{previous}加本年增/减{change}＝{expected}",
    ("跨年",),
    "2019年格式：本年的“上一年项目数量”应等于上年报告的上一年项目数量加上年的本年增/减。",
)
def items(ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx, "2019")
    if isinstance(prev, str):
        yield ctx.not_applicable(prev, "active")
        return
    rep = ctx.report
    for row in rep.active_rows():
        if "change" not in {c.key for c in row.columns}:
            continue
        now, then, change = (
            _active(rep, row, "prev_year_items"),
            _active(prev, row, "prev_year_items"),
            _active(prev, row, "change"),
        )
        if now is None or then is None or change is None or clean(now) == clean(then + change):
            continue
        yield ctx.finding(
            {
                "row": row.label,
                "now": now,
                "previous_year": prev.year or "上一",
                "previous": then,
                "change": change,
                "expected": clean(then + change),
            },
            table="active",
            rows=[row.key],
            columns=["prev_year_items"],
            cells=[
                _cell(rep, row, "prev_year_items"),
                before(_cell(prev, row, "prev_year_items"), prev),
                before(_cell(prev, row, "change"), prev),
            ],
        )


def _row_id(key: str) -> str:
    """A legacy row key without numbering, so the same row matches across years."""
    top, _, label = key.partition("/")
    return f"{normalize(top)}/{normalize(label)}"


@rule(
    "X6",
    "warning",
    "累计数与上年不衔接",
    "「{label}」{column}为{now}，而上年{previous}＋本年{current}＝{expected}",
    ("跨年", "旧版"),
    "统计附表的历年累计应等于上年的历年累计加本年数字（平潭2017→2018年成立：10037＋2069＝12106；"
    "2016→2017年不成立：85376→10037）。",
)
def cumulative(ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx, "legacy")
    if isinstance(prev, str):
        yield ctx.not_applicable(prev, "legacy")
        return
    rep = ctx.report
    cols = rep.legacy_columns
    cum = next((i for i, c in enumerate(cols) if "累计" in c), None)
    base = next((i for i, c in enumerate(cols) if "累计" not in c), None)
    if cum is None or base is None or cols[cum] not in prev.legacy_columns:
        yield ctx.not_applicable("两年的统计附表没有相同的累计列", "legacy")
        return
    prev_cum = prev.legacy_columns.index(cols[cum])
    earlier = {_row_id(k): k for k in prev.legacy}
    for key in rep.legacy:
        old = earlier.get(_row_id(key))
        now, then = values(rep, key), values(prev, old) if old else []
        if old is None or max(cum, base) >= len(now) or prev_cum >= len(then):
            continue
        total, current, previous = now[cum], now[base], then[prev_cum]
        if total is None or current is None or previous is None:
            continue
        if clean(total) != clean(previous + current):
            yield ctx.finding(
                {
                    "label": key,
                    "column": cols[cum],
                    "now": total,
                    "previous": previous,
                    "current": current,
                    "expected": clean(previous + current),
                },
                table="legacy",
                rows=[key],
                cells=[
                    legacy_cell(rep, key, cum),
                    legacy_cell(rep, key, base),
                    before(legacy_cell(prev, old, prev_cum), prev),
                ],
            )


def similarity(a: str, b: str) -> float:
    """How alike two passages are (0–1), ignoring whitespace and the years in them."""

    def norm(s: str) -> str:
        return re.sub(r"\s+|(?:19|20)\d\d年?", "", s)

    return difflib.SequenceMatcher(None, norm(a), norm(b), autojunk=False).ratio()


@rule(
    "X8",
    "warning",
    "存在的问题与上年雷同",
    "第五部分与{previous_year}年报告的相似度为{ratio}，问题和改进措施几乎照搬上年",
    ("跨年", "格式"),
    f"30号文要求第五部分写实际问题和有效改进，不能年年雷同；相似度（difflib，忽略空白和年份）"
    f"达到{SIMILAR_RATIO:.0%}时提示（社科院评估发现有的报告与上年约九成相同）。",
)
def repeated_problems(ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    if isinstance(prev, str):
        yield ctx.not_applicable(prev, "sections")
        return
    now, then = ctx.report.sections.get("五"), prev.sections.get("五")
    if now is None or then is None or not now.text.strip() or not then.text.strip():
        yield ctx.not_applicable("两份报告中至少一份没有第五部分的文字", "sections")
        return
    ratio = similarity(now.text, then.text)
    if ratio >= SIMILAR_RATIO:
        yield ctx.finding(
            {"previous_year": prev.year or "上一", "ratio": f"{ratio:.0%}"},
            table="sections",
            rows=["五"],
            cells=[section_ref(ctx.report, "五"), before(section_ref(prev, "五"), prev)],
            numbers={"ratio": round(ratio, 4)},
        )
