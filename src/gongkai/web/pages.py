"""One page, three faces: every page's handler builds one dict of plain data (from one public
library function) and :func:`respond` shows it as HTML (Jinja2, autoescaped), or, when the URL
ends in ``.json``, as JSON with the same field names, or, for tables, ``.csv``.

Page URLs take an optional ``.json`` / ``.csv`` suffix through the ``fmt`` path convertor:
``/reports``, ``/reports.json`` and ``/reports.csv`` are one route.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..output import cell_label, csv_text
from ..store.users import ROLES
from .security import CSRF_FIELD, csrf_token

HERE = Path(__file__).parent


class FormatConvertor(Convertor[str]):
    """An optional ``.json`` / ``.csv`` suffix."""

    regex = r"(?:\.json|\.csv)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("fmt", FormatConvertor())


_PLAIN = (str, int, bool, type(None))


def jsonable(value: Any) -> Any:
    """Plain JSON values from dataclasses, dates and decimals."""
    if isinstance(value, _PLAIN):  # most values: return at once
        return value
    if isinstance(value, float):
        return (
            int(value) if value.is_integer() and abs(value) < 2**53 else value
        )  # 3214, not 3214.0
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fields_of(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, its values as they are (no deep copy as ``asdict``
    makes: templates read nested dataclasses by attribute, :func:`jsonable` converts them)."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def link(path: str, **params: Any) -> str:
    """``path`` with the query parameters that have a value (lists repeat the key)."""
    pairs: list[tuple[str, str]] = []
    for k, v in params.items():
        for item in v if isinstance(v, (list, tuple)) else [v]:
            if item is not None and item != "" and item is not False:
                pairs.append((k, str(item)))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def number(value: Any) -> str:
    """A figure as the reports write it (no thousands separators); "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def change(value: float | int | None) -> str:
    if value is None:
        return ""
    return f"+{number(value)}" if value > 0 else number(value)


env = Environment(
    loader=PackageLoader("gongkai.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
env.globals.update(
    link=link, cell_label=cell_label, ROLES=ROLES, CSRF_FIELD=CSRF_FIELD, csrf_token=csrf_token
)
env.filters.update(number=number, percent=percent, change=change, urlquote=quote)


def render(request: Request, template: str, /, status: int = 200, **context: Any) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    html = env.get_template(template).render(request=request, user=user, **context)
    return HTMLResponse(html, status_code=status)


def respond(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    table: tuple[Sequence[str], Sequence[str], Sequence[Sequence[Any]]] | None = None,
    name: str = "gongkai",
    fragment: str | None = None,
) -> Response:
    """The page as HTML, JSON or CSV by the URL's suffix.

    :param data: the page's data; the JSON twin is exactly this (made JSON-able).
    :param table: (keys, Chinese labels, rows) for the CSV face; a page without one has none.
    :param fragment: the template shown for an HTMX request (the part of the page it swaps).
    """
    path = request.url.path
    if path.endswith(".json"):
        body = json.dumps(jsonable(data), ensure_ascii=False, separators=(",", ":"))
        return Response(body, media_type="application/json")
    if path.endswith(".csv"):
        if table is None:
            raise HTTPException(404, "这个页面没有 CSV 格式")
        keys, labels, rows = table
        filename = quote(f"{name}.csv")
        return Response(
            csv_text(keys, jsonable(rows), labels),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f"attachment; filename*=UTF-8''{filename}"},
        )
    if fragment is not None and request.headers.get("hx-request") == "true":
        answer = render(request, fragment, **data)
    else:
        answer = render(request, template, **data)
    if fragment is not None:
        answer.headers["vary"] = "HX-Request"  # caches must keep the two faces apart
    return answer


def integer(request: Request, key: str, default: int | None = None) -> int | None:
    """A query parameter as an integer (400 with a message when it is not one)."""
    raw = request.query_params.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise HTTPException(400, f"参数 {key} 应为整数：{raw[:20]}") from None
