"""总览: a region's year — reports against the roster, who is missing or late, finding counts,
headline figures and their change from last year."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...store.overview import overview, regions
from ..charts import chart
from ..pages import fields_of, integer, respond
from ..security import access, deny_outside, page

SHOWN = 200  # reports listed on the page (and in its JSON); the rest: /reports


def region_param(request: Request) -> str | None:
    """The ``region`` asked for, within the user's scope (their own region by default)."""
    scope = access(request)
    region = request.query_params.get("region", "").strip().strip("/") or scope.region
    deny_outside(region is None or scope.covers_region(region) or scope.body_id is not None)
    return region


@page()
def overview_page(request: Request) -> Response:
    scope = access(request)
    region = region_param(request)
    year = integer(request, "year")
    store = request.app.state.store
    view = overview(store, year, region if scope.body_id is None else None, scope)
    heads = [h for h in view.headlines if not h.rate]
    figures = chart(
        "bar",
        "申请办理情况（件）",
        [h.label.split("·")[0] for h in heads],
        [
            (f"{view.year - 1}年", [h.previous for h in heads]),
            (f"{view.year}年", [h.value for h in heads]),
        ],
    )
    rates = [h for h in view.headlines if h.rate]
    shares = chart(
        "bar",
        "公开与纠错比率",
        [h.label for h in rates],
        [
            (f"{view.year - 1}年", [h.previous for h in rates]),
            (f"{view.year}年", [h.value for h in rates]),
        ],
        percent=True,
    )
    data = {**fields_of(view), "regions": regions(store, scope), "charts": [figures, shares]}
    # The page lists the first reports; all of them are on /reports (paged, filtered, CSV).
    data["reports_total"] = len(view.reports)
    data["reports"] = view.reports[:SHOWN]
    keys = ("key", "label", "value", "previous", "change")
    table = (
        keys,
        ("数据项", "名称", f"{view.year}年", f"{view.year - 1}年", "变化"),
        [[getattr(h, k) for k in keys] for h in view.headlines],
    )
    return respond(request, "overview.html", data, table=table, name=f"总览-{view.year}")


routes: list[BaseRoute] = [Route("/overview{fmt:fmt}", overview_page)]
