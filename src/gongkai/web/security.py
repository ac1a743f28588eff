"""Who is asking and whether they may: the signed session, the CSRF token every form carries,
roles, and the headers every response gets (a strict Content-Security-Policy among them).

Handlers never read a form themselves: :func:`form` hands it over only after the CSRF token
matched, so a handler cannot forget the check.
"""

from __future__ import annotations

import hmac
import inspect
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..store.access import Scope as Access
from ..store.users import User, get_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

Handler = Callable[[Request], Awaitable[Response]]
SyncHandler = Callable[[Request], Response]


class SecurityHeaders:
    """Adds :data:`HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for k, v in HEADERS.items():
                    if k.encode() not in present:
                        headers.append((k.encode(), v.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def form(request: Request, **limits: Any) -> FormData:
    """The submitted form, once its CSRF token (field or header) matches the session's.

    :raises HTTPException: 403 when the token is missing or wrong.
    """
    data = await request.form(**limits)
    sent = request.headers.get(CSRF_HEADER) or data.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str):
        raise HTTPException(403, "表单缺少安全令牌（CSRF），请刷新页面后重新提交")
    if not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "表单的安全令牌（CSRF）不正确或已过期，请刷新页面后重新提交")
    return data


def current_user(request: Request) -> User | None:
    """The logged-in user, or the anonymous viewer when the app allows anonymous reading."""
    cached = request.scope.get("gongkai.user", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    uid = request.session.get("uid")
    user = get_user(request.app.state.store, uid) if isinstance(uid, int) else None
    if user is None and request.app.state.anonymous:
        user = User(0, "匿名访问", "viewer", request.app.state.anonymous_region, None, None, True)
    request.scope["gongkai.user"] = user
    return user


def wants_data(request: Request) -> bool:
    return request.url.path.endswith((".json", ".csv"))


def page(*roles: str, act: bool = False) -> Callable[[Handler | SyncHandler], Handler]:
    """A handler for logged-in users (of ``roles`` when given; with ``act`` not read-only).

    Anonymous visitors get the login page (JSON/CSV URLs: 401); users without the role, 403.
    A plain (not async) handler runs in the thread pool: its database work must not hold up
    the event loop, which serves every other request meanwhile.
    """

    def wrap(handler: Handler | SyncHandler) -> Handler:
        @wraps(handler)
        async def checked(request: Request) -> Response:
            user = await run_in_threadpool(current_user, request)
            if user is None:
                if wants_data(request) or request.method != "GET":
                    raise HTTPException(401, "请先登录")
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", 303)
            if (roles and user.role not in roles) or (act and not user.can_act):
                raise HTTPException(403, "您的账户没有这项权限")
            request.state.user = user
            if inspect.iscoroutinefunction(handler):
                return await handler(request)  # type: ignore[no-any-return]
            return await run_in_threadpool(handler, request)  # type: ignore[arg-type]

        return checked

    return wrap


def user_of(request: Request) -> User:
    """The user :func:`page` let in."""
    user: User = request.state.user
    return user


def access(request: Request) -> Access:
    return user_of(request).scope


def deny_outside(allowed: bool) -> None:
    """404 for what lies outside the user's scope (not 403: do not confirm that it exists)."""
    if not allowed:
        raise HTTPException(404, "没有找到，或您无权查看")
