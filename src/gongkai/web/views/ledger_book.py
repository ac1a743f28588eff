"""台账 (continued): the annual tables 表三 and 表四 counted from a body's ledger, every cell a
link to the requests behind it (``/ledger/explain``), the filled ``gongkai new`` workbook for
``gongkai render``; and the clerks' Excel ledger: the empty template, the export (applicants'
personal data only for the agency's own users who ask for it) and the import (every row checked,
all stored or none, each bad row's message shown). Access as in :mod:`.ledger`.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...authoring.workbook import default_name
from ...errors import GongkaiError
from ...ledger import (
    LedgerImportError,
    annual_tables,
    explain,
    export_workbook,
    filled_workbook,
    import_workbook,
    template_workbook,
)
from ...output import cell_label
from ...store.report_layout import grids
from ..pages import integer, render, respond
from ..security import form, page, user_of, wants_data
from .ledger import WRITERS, body_of, form_text, personal_of
from .upload import OVERHEAD, Refused, bounded, safe_name, size_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The columns of Explanation.table(): the requests behind a 表三 cell, the cases of 表四.
BEHIND_KEYS = ("id", "ref", "received", "applicant_type", "answered", "outcome")
CASE_KEYS = ("case_id", "ref", "case_kind", "filed", "decided", "case_outcome")
MAX_WORKBOOK = 100 * 2**20  # what gongkai.ledger reads at most


def _year(request: Request) -> int:
    return integer(request, "year", date.today().year - 1) or date.today().year - 1


@page()
def tables_page(request: Request) -> Response:
    body, year = body_of(request, request.query_params.get("body")), _year(request)
    data: dict[str, Any] = {"body_id": None, "body": None, "year": year, "template": None}
    data |= {"cells": {}, "tables": []}
    if body is not None:
        found = annual_tables(request.app.state.store, body[0], year)
        data |= {"body_id": body[0], "body": body[1], "template": found.template}
        data |= {"cells": found.cells, "tables": grids(found.report())}
    rows = [[name, cell_label(name), n] for name, n in data["cells"].items()]
    return respond(
        request,
        "ledger_tables.html",
        data,
        table=(("cell", "label", "value"), ("单元格", "名称", "件数"), rows),
        name=f"台账{year}年度表三表四",
    )


def _download(data: bytes, filename: str) -> Response:
    """A workbook to save, never shown on our origin; not kept by caches (it may hold
    applicants' personal data)."""
    headers = {
        "content-disposition": f'attachment; filename="ledger.xlsx"; '
        f"filename*=UTF-8''{quote(filename, safe='')}",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, no-store",
    }
    return Response(data, media_type=XLSX, headers=headers)


@page()
def tables_workbook(request: Request) -> Response:
    body, year = body_of(request, request.query_params.get("body")), _year(request)
    if body is None:
        raise GongkaiError("请指定单位")
    found = annual_tables(request.app.state.store, body[0], year)
    return _download(filled_workbook(found), default_name(found.body, year))


@page()
def explain_page(request: Request) -> Response:
    body, year = body_of(request, request.query_params.get("body")), _year(request)
    cell = request.query_params.get("cell", "").strip()
    if body is None or not cell:
        raise GongkaiError("请指定单位（body）和单元格（cell）")
    found = explain(request.app.state.store, body[0], year, cell)
    header, table = found.table()
    data = {
        "cell": found.cell,
        "label": found.label,
        "year": year,
        "body_id": body[0],
        "body": found.body,
        "count": found.count,
        "request_ids": found.request_ids,
        "case_ids": found.case_ids,
        "header": header,
        "table": table,
        "rows": found.rows,
    }
    keys = CASE_KEYS if cell.startswith("review_litigation.") else BEHIND_KEYS
    name = f"台账{year}年度{cell}"
    return respond(request, "ledger_explain.html", data, table=(keys, header, table), name=name)


# -- the workbook ---------------------------------------------------------------------------


@page()
def template_download(request: Request) -> Response:
    return _download(template_workbook(), "政府信息公开申请台账（模板）.xlsx")


@page()
def export_download(request: Request) -> Response:
    """The ledger in scope; personal data only for an agency user who asks (``personal=1``)."""
    body = body_of(request, request.query_params.get("body"))
    personal = personal_of(request) and request.query_params.get("personal") == "1"
    store, scope = request.app.state.store, user_of(request).scope
    data = export_workbook(store, body[0] if body else None, personal=personal, scope=scope)
    return _download(data, f"{body[1] if body else '政府信息公开'}申请台账.xlsx")


def _workbook_data(request: Request) -> dict[str, Any]:
    user = user_of(request)
    limit = min(request.app.state.limits.file_bytes, MAX_WORKBOOK)
    return {"body": user.body, "can_enter": user.role in WRITERS, "limit": size_text(limit)}


@page()
def workbook_page(request: Request) -> Response:
    return render(request, "ledger_workbook.html", **_workbook_data(request))


@page(*WRITERS, act=True)
async def workbook_post(request: Request) -> Response:
    """Import the clerks' workbook: every row checked, all stored or none (each bad row named)."""
    context = _workbook_data(request)
    limit = request.app.state.limits.file_bytes
    problems: list[str] = []
    try:
        data = await form(bounded(request, limit + OVERHEAD), max_files=1, max_fields=5)
    except Refused as refused:
        return render(
            request, "ledger_workbook.html", refused.status, error=refused.message, **context
        )
    upload = data.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise GongkaiError("请选择台账工作簿（.xlsx）")
        given = upload.filename
        if not given.lower().endswith(".xlsx"):
            raise GongkaiError(f"“{given}”不是 .xlsx 工作簿")
        done = await run_in_threadpool(_import, request, upload, form_text(data, "body"))
    except LedgerImportError as exc:
        problems, message = exc.problems, f"有 {len(exc.problems)} 处错误，未导入任何申请"
    except GongkaiError as exc:
        message = exc.message
    else:
        if wants_data(request):
            return JSONResponse(done)
        return render(request, "ledger_workbook.html", **context, done=done, file=given)
    finally:
        if isinstance(upload, UploadFile):
            await upload.close()
    if wants_data(request):
        return JSONResponse({"error": message, "problems": problems}, status_code=400)
    return render(request, "ledger_workbook.html", 400, error=message, problems=problems, **context)


def _import(request: Request, upload: UploadFile, body_given: str | None) -> dict[str, Any]:
    body = body_of(request, body_given)
    if body is None:
        raise GongkaiError("请填写单位名称")
    folder = Path(tempfile.mkdtemp(prefix="gongkai-ledger-"))
    try:
        path = folder / safe_name(upload.filename or "台账.xlsx", set())
        upload.file.seek(0)
        with open(path, "xb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
        actor = user_of(request).name
        imported, _ = import_workbook(request.app.state.store, path, body[1], actor=actor)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "body_id": body[0],
        "body": body[1],
        "added": imported.added,
        "updated": imported.updated,
    }


routes: list[BaseRoute] = [
    Route("/ledger/tables.xlsx", tables_workbook, methods=["GET"]),
    Route("/ledger/tables{fmt:fmt}", tables_page, methods=["GET"]),
    Route("/ledger/explain{fmt:fmt}", explain_page, methods=["GET"]),
    Route("/ledger/template.xlsx", template_download, methods=["GET"]),
    Route("/ledger/export.xlsx", export_download, methods=["GET"]),
    Route("/ledger/workbook", workbook_page, methods=["GET"]),
    Route("/ledger/workbook{fmt:fmt}", workbook_post, methods=["POST"]),
]
