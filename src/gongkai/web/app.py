"""The web app (``gongkai serve``): a Starlette application over one store.

Each page lives in a module of its own under :mod:`gongkai.web.views`, exposing ``routes``;
every handler calls one public library function and shows its result through
:func:`gongkai.web.pages.respond` (HTML, ``.json``, ``.csv``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import GongkaiError
from ..store import Store
from ..store.users import setting
from .pages import HERE, render
from .security import SecurityHeaders, wants_data
from .views import routes

SESSION_HOURS = 8


@dataclass(frozen=True)
class Limits:
    """What one upload may hold."""

    files: int = 50  # files in one upload
    file_bytes: int = 50 * 1024 * 1024  # one file
    total_bytes: int = 200 * 1024 * 1024  # the whole upload
    types: tuple[str, ...] = (
        ".pdf",
        ".docx",
        ".doc",
        ".wps",
        ".rtf",
        ".odt",
        ".html",
        ".htm",
        ".txt",
        ".md",
        ".zip",
        ".json",
    )


def create_app(
    store: Store,
    *,
    anonymous: bool = False,
    anonymous_region: str | None = None,
    limits: Limits | None = None,
    https_only: bool = False,
) -> Starlette:
    """The app over ``store``.

    :param anonymous: visitors who have not logged in read as viewers (of ``anonymous_region``
        when given); off by default.
    :param https_only: session cookies only over HTTPS (behind a TLS proxy).
    """
    secret = setting(store, "session_secret", lambda: secrets.token_urlsafe(48))
    assert secret is not None
    app = Starlette(
        routes=[*routes(), Mount("/static", StaticFiles(directory=HERE / "static"), name="static")],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                SessionMiddleware,
                secret_key=secret,
                session_cookie="gongkai_session",
                max_age=SESSION_HOURS * 3600,
                same_site="strict",
                https_only=https_only,
            ),
        ],
        exception_handlers={HTTPException: _http_error, GongkaiError: _input_error},
    )
    app.state.store = store
    app.state.anonymous = anonymous
    app.state.anonymous_region = anonymous_region
    app.state.limits = limits or Limits()
    return app


def _error(request: Request, status: int, message: str) -> Response:
    if wants_data(request):
        return JSONResponse({"error": message}, status_code=status)
    if request.headers.get("hx-request") == "true":
        return render(request, "error_fragment.html", status=status, message=message)
    return render(request, "error.html", status=status, message=message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "页面不存在", 405: "不支持这种请求方式"}
    detail = exc.detail if exc.detail and exc.detail != _default(exc.status_code) else None
    return _error(request, exc.status_code, detail or messages.get(exc.status_code, "请求有误"))


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GongkaiError)
    return _error(request, 400, exc.message)


def _default(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


__all__ = ["Limits", "Route", "create_app"]
