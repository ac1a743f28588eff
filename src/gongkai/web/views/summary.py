"""汇总: a region's year added up from its bodies' current reports (the three tables in the
official layout), which reports were counted and why, the reconciliation with the region
government's own report, and the DOCX of the summary. Not for agency users."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...errors import GongkaiError
from ...store.compare import NotVisible
from ...store.summary_page import SummaryPage, region_summary, summary_docx
from ..pages import fields_of, integer, render, respond
from ..security import access, page, wants_data

ROLES = ("admin", "supervisor", "viewer")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _asked(request: Request) -> tuple[str | None, int | None, str | None]:
    params = request.query_params
    region = params.get("region", "").strip().strip("/") or None
    agency = params.get("agency", "").strip() or None
    return region, integer(request, "year"), agency


def _table(found: SummaryPage) -> tuple[list[str], list[str], list[list[Any]]]:
    """The reports offered to the summary and what became of each (the CSV)."""
    keys = ["report_id", "agency", "state", "reason", "errors", "warnings"]
    keys += ["blank_cells", "text_cells", "file"]
    labels = ["报告编号", "单位", "状态", "说明", "错误", "警告"]
    labels += ["空白或缺失按0计的单元格", "文字或无法确定按0计的单元格", "文件"]
    return keys, labels, [[getattr(b, k) for k in keys] for b in found.bodies]


@page(*ROLES)
def summary_page(request: Request) -> Response:
    try:
        found = region_summary(request.app.state.store, access(request), *_asked(request))
    except NotVisible as exc:
        raise HTTPException(404, exc.message) from None
    if found.error and wants_data(request):
        raise HTTPException(400, found.error)
    data = fields_of(found)
    if found.error and not wants_data(request):  # the form, with why; 400 when asked for
        asked = {"region", "year", "agency"} & set(request.query_params)
        return render(request, "summary.html", status=400 if asked else 200, **data)
    name = f"汇总-{found.region or ''}-{found.year or ''}".replace("/", "-")
    return respond(request, "summary.html", data, table=_table(found), name=name)


@page(*ROLES)
def summary_docx_page(request: Request) -> Response:
    try:
        name, data = summary_docx(request.app.state.store, access(request), *_asked(request))
    except NotVisible as exc:
        raise HTTPException(404, exc.message) from None
    except GongkaiError as exc:
        raise HTTPException(400, exc.message) from None
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=DOCX, headers={"content-disposition": disposition})


routes: list[BaseRoute] = [
    Route("/summary.docx", summary_docx_page),
    Route("/summary{fmt:fmt}", summary_page),
]
