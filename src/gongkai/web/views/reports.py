"""报告: the current reports in scope — facets, search by body and in the sections' text, sort,
paging; the CSV holds the whole filtered list. An HTMX request gets only the results part."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...store.browse import TEMPLATES, browse_reports
from ..pages import fields_of, integer, respond
from ..security import access, page

KEYS = (
    "report_id",
    "body_id",
    "body",
    "level",
    "region",
    "year",
    "template",
    "errors",
    "warnings",
    "open_findings",
    "published",
    "on_time",
)
LABELS = (
    "报告编号",
    "单位编号",
    "单位",
    "层级",
    "地区",
    "年度",
    "格式",
    "错误",
    "警告",
    "待处理",
    "发布日期",
    "按时发布",
)
# The query parameters the page keeps from one request to the next (links, paging, sort).
PARAMS = ("region", "level", "year", "template", "errors", "published", "body", "text")


@page()
def reports_page(request: Request) -> Response:
    q = request.query_params
    csv = request.url.path.endswith(".csv")
    errors = q.get("errors", "")
    if errors not in ("", "1", "0"):
        raise HTTPException(400, "参数 errors 应为 1（有错误）或 0（无错误）")
    found = browse_reports(
        request.app.state.store,
        scope=access(request),
        region=q.get("region", "").strip().strip("/") or None,
        level=q.get("level") or None,
        year=integer(request, "year"),
        template=q.get("template") or None,
        errors=None if errors == "" else errors == "1",
        published=q.get("published") or None,
        body=q.get("body"),
        text=q.get("text"),
        sort=q.get("sort") or "body",
        desc=q.get("dir") == "desc",
        page=1 if csv else integer(request, "page", 1) or 1,
        per_page=None if csv else integer(request, "per_page", 50),
    )
    query = {k: q.get(k, "").strip() for k in PARAMS if q.get(k, "").strip()}
    data = {**fields_of(found), "query": query, "templates": TEMPLATES}
    rows = [[getattr(r, k) for k in KEYS] for r in found.rows]
    return respond(
        request,
        "reports.html",
        data,
        table=(KEYS, LABELS, rows),
        name="报告",
        fragment="reports_table.html",
    )


routes: list[BaseRoute] = [Route("/reports{fmt:fmt}", reports_page)]
