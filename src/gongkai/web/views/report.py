"""一份报告: one report's tables in the official layout with findings highlighted, each cell's
source (the original file, and for a PDF the page it was read from, drawn as PNG), the
findings with 忽略 / 恢复 / 已整改, last year's figures, the versions and the sections."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...store.detail import finding_report, report_detail
from ...store.findings import set_status
from ...store.report_files import DEFAULT_SCALE, page_png, report_file, source_page
from ..pages import fields_of, render, respond
from ..security import access, deny_outside, form, page, user_of

CELL_KEYS = ("name", "label", "value", "raw", "page", "line", "derived", "severity", "previous")
CELL_LABELS = ("单元格", "名称", "数值", "原文", "页", "行", "推断方式", "检查结果", "上年")
# Drawn pages never change for a stored report (its file is content-addressed).
CACHE = "private, max-age=86400"


def _detail(request: Request, report_id: int) -> dict[str, Any]:
    found = report_detail(request.app.state.store, report_id, access(request))
    deny_outside(found is not None)
    assert found is not None
    return {**fields_of(found), "can_act": user_of(request).can_act}


@page()
def report_page(request: Request) -> Response:
    data = _detail(request, request.path_params["id"])
    cells = data["cells"]
    assert isinstance(cells, dict)
    rows = [[getattr(c, k) for k in CELL_KEYS] for c in cells.values()]
    name = f"报告-{data['report_id']}"
    return respond(request, "report.html", data, table=(CELL_KEYS, CELL_LABELS, rows), name=name)


@page()
def original(request: Request) -> Response:
    found = report_file(request.app.state.store, request.path_params["id"], access(request))
    deny_outside(found is not None)
    assert found is not None
    ascii_name = "".join(
        c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in found.name
    )
    headers = {
        # attachment only: an original (HTML above all) is never shown inline on our origin
        "content-disposition": f'attachment; filename="{ascii_name}"; '
        f"filename*=UTF-8''{quote(found.name, safe='')}",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, no-cache",
    }
    return Response(found.data, media_type=found.media_type, headers=headers)


@page()
async def page_image(request: Request) -> Response:
    report_id, number = request.path_params["id"], request.path_params["n"]
    try:
        scale = float(request.query_params.get("scale", DEFAULT_SCALE))
    except ValueError:
        scale = DEFAULT_SCALE
    tag = f'"{report_id}-{number}-{scale:g}"'
    store, scope = request.app.state.store, access(request)
    png = await run_in_threadpool(page_png, store, report_id, number, scope, scale)
    deny_outside(png is not None)
    assert png is not None
    headers = {"cache-control": CACHE, "etag": tag}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


@page()
async def page_view(request: Request) -> Response:
    store, scope = request.app.state.store, access(request)
    report_id, number = request.path_params["id"], request.path_params["n"]
    cell = request.query_params.get("cell")
    found = await run_in_threadpool(source_page, store, report_id, number, scope, cell)
    deny_outside(found is not None)
    return respond(request, "report_page.html", fields_of(found))


@page(act=True)
async def finding_action(request: Request) -> Response:
    sent = await form(request)
    store, finding_id = request.app.state.store, request.path_params["id"]
    report_id = finding_report(store, finding_id, access(request))
    deny_outside(report_id is not None)
    status, reason = str(sent.get("status", "")), str(sent.get("reason", ""))
    set_status(store, finding_id, status, user_of(request).name, reason)
    if request.headers.get("hx-request") == "true":
        assert report_id is not None
        return render(request, "report_findings.html", **_detail(request, report_id))
    return RedirectResponse(f"/reports/{report_id}#finding-{finding_id}", 303)


routes: list[BaseRoute] = [
    Route("/reports/{id:int}{fmt:fmt}", report_page),
    Route("/reports/{id:int}/file", original),
    Route("/reports/{id:int}/page/{n:int}.png", page_image),
    Route("/reports/{id:int}/page/{n:int}{fmt:fmt}", page_view),
    Route("/findings/{id:int}", finding_action, methods=["POST"]),
]
