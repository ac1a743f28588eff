"""Logging in and out."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...store.users import authenticate
from ..pages import render
from ..security import current_user, form


def _next(target: str | None) -> str:
    """Only a path of this site (never ``//elsewhere`` or a full URL): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_page(request: Request) -> Response:
    return render(request, "login.html", next=_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    data = await form(request)
    name, password = str(data.get("name", "")), str(data.get("password", ""))
    target = _next(str(data.get("next", "")))
    # argon2 takes tens of milliseconds of CPU on purpose: not on the event loop.
    store = request.app.state.store
    user = (
        await run_in_threadpool(authenticate, store, name, password) if name and password else None
    )
    if user is None:
        return render(
            request, "login.html", status=400, next=target, name=name, error="用户名或密码不正确"
        )
    request.session.clear()  # a fresh session and CSRF token: nothing carried over
    request.session["uid"] = user.id
    return RedirectResponse(target, 303)


async def logout(request: Request) -> Response:
    await form(request)
    request.session.clear()
    return RedirectResponse("/login", 303)


async def home(request: Request) -> Response:
    return RedirectResponse("/overview" if current_user(request) else "/login", 303)


routes: list[BaseRoute] = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
