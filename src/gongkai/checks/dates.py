"""Dates: the data period and the publication deadline (spec §5.5 N9, §2.5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from .catalogue import Finding, rule
from .context import Context

# 条例 第四十九条 and 30号: departments publish by 31 January, governments' own reports
# (本级政府年度报告) by 31 March of the following year.
DEPARTMENT_DEADLINE = (1, 31)
GOVERNMENT_DEADLINE = (3, 31)
_GOVERNMENT_SUFFIXES = ("人民政府",)


def _year(value: object) -> int | None:
    """A calendar year (a whole number 1000–9998, as a date needs the year after it)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return int(value) if 1000 <= value < 9999 and float(value).is_integer() else None


@rule(
    "N9",
    "warning",
    "统计期限与报告年度不符",
    "报告写明数据统计期限为{period}年，而报告年度为{year}年",
    ("文表一致", "格式"),
    "年度报告的数据应为报告年度1月1日至12月31日的数据；开头“本报告中所列数据统计期限为…”一句"
    "（如有）应与标题中的年度一致（实践，见30号文对数据口径的要求）。",
)
def period_year(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    period = _year(rep.narrative.get("period_year"))
    if period is None or _year(rep.year) is None:
        yield ctx.not_applicable("报告没有写明数据统计期限，或未能识别报告年度")
        return
    if period != rep.year:
        yield ctx.finding({"period": period, "year": rep.year}, numbers={"period": period})


@rule(
    "N13",
    "warning",
    "发布时间不合规定",
    "报告发布日期为{published}，{problem}（{year}年度报告应在{deadline}前发布）",
    ("格式",),
    "《政府信息公开条例》第四十九条：县级以上人民政府部门应于每年1月31日前公布本机关上一年度"
    "年度报告；县级以上地方人民政府的政府信息公开工作主管部门应于每年3月31日前公布本级政府"
    "上一年度年度报告。报告也不应在报告年度结束之前发布。发布日期取自网页元数据（如“公开日期”）。",
)
def publication_date(ctx: Context) -> Iterator[Finding]:
    rep = ctx.report
    year = _year(rep.year)
    if not rep.published or year is None:
        yield ctx.not_applicable("没有读到发布日期（只有网页的元数据会写明），或未能识别报告年度")
        return
    try:
        published = date.fromisoformat(rep.published)
    except ValueError:
        yield ctx.not_applicable(f"发布日期“{rep.published[:30]}”无法识别")
        return
    government = (rep.agency or "").endswith(_GOVERNMENT_SUFFIXES)
    month, day = GOVERNMENT_DEADLINE if government else DEPARTMENT_DEADLINE
    deadline = date(year + 1, month, day)
    fields = {"published": rep.published, "year": year, "deadline": deadline.isoformat()}
    if published <= date(year, 12, 31):
        yield ctx.finding({**fields, "problem": "早于报告年度结束"})
    elif published > deadline:
        yield ctx.finding({**fields, "problem": "晚于法定期限"})
