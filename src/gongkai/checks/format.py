"""Structural and formal rules (spec §5.6 and §1): F1–F7."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..report import Report
from ..templates import REVIEW_KEYS, SECTION_NUMBERS, SECTIONS
from .catalogue import TABLE_LABELS, Finding, rule
from .context import Context, is_blank, join_labels, request_rows, row_label, section_ref

_TITLES = {s.number: s.title for s in SECTIONS}
_FEE = re.compile(r"信息处理费|(?:信息公开|依申请)[^。；]{0,12}(?:收费|费用)|收取[^。；]{0,8}费")
_BOILERPLATE = re.compile(r"^(?:无|暂无|没有|无其他需要报告的事项)[。.]?$")
PROBLEMS_MIN_CHARS = 20  # section 五 shorter than this is not a statement of problems


def _template_report(report: Report) -> str | None:
    if report.template == "legacy":
        return "2019年以前的报告没有统一的六部分结构"
    if not report.sections:
        return "没有读到正文各部分（例如由标注文件生成的报告）"
    return None


@rule(
    "F1",
    "error",
    "缺少规定的部分",
    "缺少第{number}部分「{title}」",
    ("格式", "完整性"),
    "2019年和2021年格式都规定年度报告由六部分组成：一、总体情况；二、主动公开政府信息情况；"
    "三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；"
    "五、存在的主要问题及改进情况；六、其他需要报告的事项（标题可用长短两种写法）。",
)
def sections_present(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _template_report(rep)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    for number in SECTION_NUMBERS:
        if number not in rep.sections:
            yield ctx.finding(
                {"number": number, "title": _TITLES[number]},
                table="sections",
                rows=[number],
                cells=[section_ref(rep, number)],
            )


@rule(
    "F7",
    "error",
    "各部分顺序不对",
    "正文各部分的顺序为「{order}」，应为「{expected}」",
    ("格式",),
    "六个部分应按一至六的顺序排列（格式规定的顺序）。",
)
def sections_order(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _template_report(rep)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    order = [n for n in rep.sections if n in SECTION_NUMBERS]
    expected = [n for n in SECTION_NUMBERS if n in rep.sections]
    if order != expected:
        yield ctx.finding(
            {"order": "、".join(order), "expected": "、".join(expected)},
            table="sections",
            rows=order,
            cells=[section_ref(rep, n) for n in order],
        )


def _expected_format(year: int) -> str:
    if year >= 2021:
        return "2021年格式（国办公开办函〔2021〕30号）"
    return "2019年格式（国办公开办函〔2019〕60号）"


@rule(
    "F2",
    "warning",
    "格式与年度不符",
    "{year}年度报告{problem}；该年度应使用{expected}",
    ("格式",),
    "2019、2020年度报告适用2019年格式（2019年度只是鼓励使用，仍可用旧式附表），"
    "2021年度起适用2021年格式。2021年以后仍用“上一年项目数量”“政府集中采购”等2019年表格，"
    "即“使用旧格式”；2021年格式的（六）其他处理应分为三行，只印一行是2019年格式的写法。",
)
def template_year(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.year is None or rep.year < 2019:
        yield ctx.not_applicable("报告年度不详或早于2019年，没有统一格式")
        return
    problem = None
    table = None
    rows: list[str] = []
    if rep.template == "legacy" and rep.year >= 2020:
        problem = "没有使用统一格式的表格"
    elif rep.template == "2019" and rep.year >= 2021:
        problem, table = "使用旧格式（2019年格式的表格）", "active"
    elif rep.template == "2021" and rep.year <= 2020:
        problem, table = "使用了2021年9月才印发的2021年格式", "active"
    elif (
        rep.template == "2021"
        and "other" in rep.requests
        and "other_1_no_correction" not in rep.requests
    ):
        problem, table, rows = (
            "表三（六）其他处理只印一行（2019年格式的写法），没有分为三项",
            "requests",
            ["other"],
        )
    if problem is not None:
        yield ctx.finding(
            {"year": rep.year, "problem": problem, "expected": _expected_format(rep.year)},
            table=table,
            rows=rows,
        )


def _missing_items(rep: Report) -> dict[str, list[str]]:
    """Missing template rows or cells per table."""
    out: dict[str, list[str]] = {}
    if not rep.active:
        out["active"] = ["整张表"]
    else:
        out["active"] = [
            r.label for r in rep.active_rows() if len(rep.active.get(r.key, [])) < len(r.columns)
        ]
    if not rep.requests:
        out["requests"] = ["整张表"]
    else:
        out["requests"] = [
            row_label(r.key) for r in request_rows(rep) if len(rep.requests.get(r.key, [])) < 7
        ]
    cells = rep.review_litigation
    if cells is None:
        out["review_litigation"] = ["整张表"]
    elif len(cells) < len(REVIEW_KEYS):
        out["review_litigation"] = [f"第{len(cells) + 1}至{len(REVIEW_KEYS)}格"]
    return out


@rule(
    "F3",
    "error",
    "表格不完整",
    "{table}不完整：缺少{items}",
    ("格式", "完整性"),
    "模板的每一行、每一格都应填写：表二按模板各行（2021年6行，2019年8行），"
    "表三7列、结果行2021年22行（2019年20行），表四15格。",
)
def template_rows(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template == "legacy":
        yield ctx.not_applicable("2019年以前的报告没有统一的表格")
        return
    for table, items in _missing_items(rep).items():
        if items:
            yield ctx.finding(
                {"table": TABLE_LABELS[table], "items": join_labels(items, limit=8)},
                table=table,
            )


@rule(
    "F4",
    "warning",
    "空表",
    "{table}的{count}个单元格全部空白，没有填写任何数字；没有数据时应填0",
    ("格式", "完整性"),
    "表格存在但全部空白（不同于全部为0），等于没有报告该项数据。",
)
def empty_tables(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if rep.template == "legacy":
        yield ctx.not_applicable("2019年以前的报告没有统一的表格")
        return
    tables = {
        "active": [v for vals in rep.active.values() for v in vals],
        "requests": [v for vals in rep.requests.values() for v in vals],
        "review_litigation": list(rep.review_litigation or []),
    }
    for table, cells in tables.items():
        if cells and all(is_blank(v) for v in cells):
            yield ctx.finding({"table": TABLE_LABELS[table], "count": len(cells)}, table=table)


@rule(
    "F5",
    "warning",
    "未报告信息处理费",
    "第六部分「{title}」没有说明信息处理费的收取情况（未收取也应说明）",
    ("格式", "完整性"),
    "2021年格式要求在第六部分报告依《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
    "收取信息处理费的情况，模板该处写明“收取信息处理费情况在此处报告”。",
)
def fee_reported(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _template_report(rep)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    if rep.template != "2021" and (rep.year or 0) < 2021:
        yield ctx.not_applicable("仅适用于2021年格式的报告", "sections")
        return
    sec = rep.sections.get("六")
    if sec is None:
        yield ctx.not_applicable("报告没有第六部分（见F1）", "sections")
        return
    if not _FEE.search(re.sub(r"\s+", "", sec.text)):
        yield ctx.finding(
            {"title": sec.title or _TITLES["六"]},
            table="sections",
            rows=["六"],
            cells=[section_ref(rep, "六", sec.text.strip()[:60])],
        )


@rule(
    "F6",
    "warning",
    "存在的问题未写实",
    "第五部分「{title}」只有{length}字：「{excerpt}」",
    ("格式", "完整性"),
    f"第五部分应具体写出存在的主要问题和改进情况，不能空缺或一句带过"
    f"（少于{PROBLEMS_MIN_CHARS}字或只写“无”时提示）。",
)
def problems_written(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    if (reason := _template_report(rep)) is not None:
        yield ctx.not_applicable(reason, "sections")
        return
    sec = rep.sections.get("五")
    if sec is None:
        yield ctx.not_applicable("报告没有第五部分（见F1）", "sections")
        return
    text = re.sub(r"\s+", "", sec.text)
    if len(text) < PROBLEMS_MIN_CHARS or _BOILERPLATE.match(text):
        yield ctx.finding(
            {"title": sec.title or _TITLES["五"], "length": len(text), "excerpt": text[:40]},
            table="sections",
            rows=["五"],
            cells=[section_ref(rep, "五", text[:40])],
        )
