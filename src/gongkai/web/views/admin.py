"""管理 (admins only): accounts (add; change role and place; deactivate; new password), roster
import, and the audit trail. Every change is audited by the library function that makes it
(:mod:`gongkai.store.users`, :func:`gongkai.store.roster.import_roster`)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import GongkaiError
from ...store.audit import ACTIONS, AuditEntry, list_audit
from ...store.roster import import_roster
from ...store.users import ROLES, User, add_user, list_users, update_user
from ..pages import fields_of, integer, render, respond
from ..security import deny_outside, form, page, user_of, wants_data
from .upload import OVERHEAD, Refused, beijing, bounded, safe_name, size_text

AUDIT_SHOWN = 100
ROSTER_TYPES = (".csv", ".xlsx", ".xlsm", ".tsv", ".txt")


def audit_data(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [{**fields_of(e), "at": beijing(e.at), "action_label": e.action_label} for e in entries]


def user_data(u: User) -> dict[str, Any]:
    return {**fields_of(u), "role_label": u.role_label}


def _text(data: FormData, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _admin_data(request: Request) -> dict[str, Any]:
    store = request.app.state.store
    q = request.query_params
    action, target = q.get("action", "").strip(), q.get("target", "").strip()
    limit = integer(request, "limit", AUDIT_SHOWN) or AUDIT_SHOWN
    return {
        "users": [user_data(u) for u in list_users(store)],
        "audit": audit_data(list_audit(store, limit, action or None, target or None)),
        "action": action,
        "target": target,
        "limit": limit,
        "actions": ACTIONS,
        "roles": ROLES,
    }


def _failed(request: Request, template: str, message: str, data: dict[str, Any]) -> Response:
    if wants_data(request):
        return JSONResponse({"error": message}, status_code=400)
    return render(request, template, status=400, error=message, **data)


@page("admin")
def admin_page(request: Request) -> Response:
    return respond(request, "admin.html", _admin_data(request))


@page("admin")
async def add(request: Request) -> Response:
    data = await form(request)
    actor = user_of(request).name
    try:
        made = add_user(
            request.app.state.store,
            _text(data, "name"),
            str(data.get("password") or ""),
            _text(data, "role"),
            region=_text(data, "region") or None,
            body=_text(data, "body") or None,
            actor=actor,
        )
    except GongkaiError as exc:
        kept = {k: _text(data, k) for k in ("name", "role", "region", "body")}
        return _failed(request, "admin.html", exc.message, {**_admin_data(request), "new": kept})
    if wants_data(request):
        return JSONResponse(user_data(made), status_code=201)
    return RedirectResponse(f"/admin/users/{made.id}?saved=1", 303)


def _one(request: Request, user_id: int) -> dict[str, Any]:
    store = request.app.state.store
    found = next((u for u in list_users(store) if u.id == user_id), None)
    deny_outside(found is not None)
    assert found is not None
    return {
        "account": user_data(found),
        "audit": audit_data(list_audit(store, AUDIT_SHOWN, target=f"user:{user_id}")),
        "roles": ROLES,
        "saved": request.query_params.get("saved") == "1",
    }


@page("admin")
def user_page(request: Request) -> Response:
    return respond(request, "admin_user.html", _one(request, request.path_params["id"]))


@page("admin")
async def change(request: Request) -> Response:
    user_id: int = request.path_params["id"]
    data = await form(request)
    me = user_of(request)
    current = _one(request, user_id)
    changes: dict[str, Any] = {}
    if "role" in data:
        changes.update(
            role=_text(data, "role"),
            region=_text(data, "region") or None,
            body=_text(data, "body") or None,
        )
    if "active" in data:
        changes["active"] = _text(data, "active") == "1"
    if "password" in data:
        changes["password"] = str(data.get("password") or "")
    try:
        if user_id == me.id and (
            changes.get("active") is False or changes.get("role", "admin") != "admin"
        ):
            raise GongkaiError("不能停用自己的账户或取消自己的管理员角色（请由另一位管理员操作）")
        if not changes:
            raise GongkaiError("没有要修改的内容")
        changed = update_user(request.app.state.store, user_id, actor=me.name, **changes)
    except GongkaiError as exc:
        return _failed(request, "admin_user.html", exc.message, current)
    if wants_data(request):
        return JSONResponse(user_data(changed))
    return RedirectResponse(f"/admin/users/{user_id}?saved=1", 303)


@page("admin")
async def roster(request: Request) -> Response:
    limit = request.app.state.limits.file_bytes
    try:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + OVERHEAD:
            raise Refused(413, f"名册文件超过单个文件的上限 {size_text(limit)}")
        data = await form(bounded(request, limit + OVERHEAD), max_files=1, max_fields=5)
    except Refused as refused:
        return _failed(request, "admin.html", refused.message, _admin_data(request))
    upload = data.get("file")
    year = _text(data, "year") or None
    given = (upload.filename or "") if isinstance(upload, UploadFile) else ""
    try:
        if not isinstance(upload, UploadFile) or not given:
            raise GongkaiError("请选择名册文件（CSV 或 XLSX）")
        if Path(given.lower()).suffix not in ROSTER_TYPES:
            raise GongkaiError(f"名册“{given}”应为 CSV 或 XLSX 文件")
        if (upload.size or 0) > limit:
            raise GongkaiError(f"名册“{given}”超过单个文件的上限 {size_text(limit)}")
        result = await run_in_threadpool(_import, request, upload, given, year)
    except GongkaiError as exc:
        return _failed(request, "admin.html", exc.message, _admin_data(request))
    finally:
        if isinstance(upload, UploadFile):
            await upload.close()
    return respond(request, "admin_roster.html", result)


def _import(request: Request, upload: UploadFile, given: str, year: str | None) -> dict[str, Any]:
    """Import the roster from a private temporary copy named like the upload (the name is
    what the audit trail and the roster rows record as the source)."""
    folder = Path(tempfile.mkdtemp(prefix="gongkai-roster-"))
    try:
        path = folder / safe_name(given, set())
        upload.file.seek(0)
        with open(path, "xb") as out:
            shutil.copyfileobj(upload.file, out, 1 << 20)
        done = import_roster(request.app.state.store, path, year, actor=user_of(request).name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**fields_of(done), "file": given, "year": year, "ok": done.ok}


routes: list[BaseRoute] = [
    Route("/admin{fmt:fmt}", admin_page, methods=["GET"]),
    Route("/admin/users{fmt:fmt}", add, methods=["POST"]),
    Route("/admin/users/{id:int}{fmt:fmt}", user_page, methods=["GET"]),
    Route("/admin/users/{id:int}{fmt:fmt}", change, methods=["POST"]),
    Route("/admin/roster{fmt:fmt}", roster, methods=["POST"]),
]
