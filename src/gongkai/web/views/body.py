"""一个单位: a body's years, trend charts and finding history; and the list of bodies in scope
(``/bodies?q=``, also the compare form's name search)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...store.trends import BodyTrends, Figure, body_trends, list_bodies
from ..charts import chart
from ..pages import fields_of, integer, respond
from ..security import access, deny_outside, page

PER_PAGE = 100
# The figure keys each chart draws (all are in the year table beside them and in the CSV).
FLOWS = ("requests.new.total", "requests.carried_over.total", "requests.carried_forward.total")
CASES = (
    "review_litigation.review_total",
    "review_litigation.review_corrected",
    "litigation.total",
    "litigation.corrected",
)
CORRECTED = ("rate.review_corrected", "rate.litigation_corrected")


@page()
def bodies_page(request: Request) -> Response:
    found = list_bodies(
        request.app.state.store,
        access(request),
        request.query_params.get("q"),
        request.query_params.get("region", "").strip().strip("/") or None,
        integer(request, "page", 1) or 1,
        PER_PAGE,
    )
    keys = ("id", "name", "level", "region", "reports", "first_year", "last_year")
    labels = ("编号", "单位", "层级", "地区", "报告数", "最早年度", "最近年度")
    rows = [[getattr(b, k) for k in keys] for b in found.bodies]
    return respond(
        request, "body_list.html", fields_of(found), table=(keys, labels, rows), name="单位"
    )


def _charts(trends: BodyTrends) -> list[dict[str, Any]]:
    by_key = {f.key: f for f in trends.figures}
    years = [y.year if y.year is not None else "年度不详" for y in trends.years]
    kind = "line" if len(years) > 1 else "bar"

    def series(keys: tuple[str, ...] | list[str]) -> list[tuple[str, list[Any]]]:
        return [(by_key[k].label, [y.values[k] for y in trends.years]) for k in keys]

    shares = [f.key for f in trends.figures if f.key.startswith("share.")]
    return [
        chart(kind, "新收与结转（件）", years, series(FLOWS)),
        chart(kind, "办理结果占（七）总计的比例", years, series(shares), percent=True),
        chart("bar", "行政复议、行政诉讼（件）", years, series(CASES)),
        chart(kind, "行政复议、行政诉讼纠错率", years, series(CORRECTED), percent=True),
    ]


def _table(trends: BodyTrends) -> tuple[list[str], list[str], list[list[Any]]]:
    """The year × figure table (the CSV): one row per year."""
    head = ("year", "report_id", "template", "agency")
    tail = ("errors", "warnings", "open_findings")
    keys = [*head, *(f.key for f in trends.figures), *tail]
    labels = ["年度", "报告编号", "模板", "报告中的单位名称"]
    labels += [_label(f) for f in trends.figures]
    labels += ["错误", "提示", "待处理的检查结果"]
    rows = []
    for y in trends.years:
        meta = [y.year, y.report_id, y.template, y.agency]
        counts = [y.errors, y.warnings, y.open_findings]
        rows.append([*meta, *(y.values[f.key] for f in trends.figures), *counts])
    return keys, labels, rows


def _label(f: Figure) -> str:
    return f"{f.label}（占比）" if f.key.startswith("share.") else f.label


@page()
def body_page(request: Request) -> Response:
    body_id: int = request.path_params["id"]
    trends = body_trends(request.app.state.store, body_id, access(request))
    deny_outside(trends is not None)
    assert trends is not None
    data = {**fields_of(trends), "charts": _charts(trends)}
    return respond(request, "body.html", data, table=_table(trends), name=f"{trends.name}-历年")


routes: list[BaseRoute] = [
    Route("/bodies{fmt:fmt}", bodies_page),
    Route("/bodies/{id:int}{fmt:fmt}", body_page),
]
