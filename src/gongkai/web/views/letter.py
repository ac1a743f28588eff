"""整改通知: a printable letter to a body listing the open errors (and warnings) of one of its
reports, made only from the stored findings."""

from __future__ import annotations

import datetime as dt

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...store.letter import rectification_letter
from ..pages import fields_of, respond
from ..security import access, deny_outside, page, user_of


@page()
def letter_page(request: Request) -> Response:
    raw = request.query_params.get("date", "").strip()
    try:
        issued = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        raise HTTPException(400, f"日期应写作 YYYY-MM-DD：{raw[:20]}") from None
    found = rectification_letter(
        request.app.state.store,
        request.path_params["id"],
        access(request),
        issued=issued,
        region=user_of(request).region,
    )
    deny_outside(found is not None)
    assert found is not None
    keys = ("severity", "finding_id", "code", "title", "message", "location", "cells")
    labels = ("类别", "编号", "规则", "问题", "说明", "位置", "单元格")
    rows = [
        [kind, p.finding_id, p.code, p.title, p.message, p.location, "；".join(p.cells)]
        for kind, problems in (("错误", found.errors), ("警告", found.warnings))
        for p in problems
    ]
    return respond(
        request,
        "letter.html",
        fields_of(found),
        table=(keys, labels, rows),
        name=f"整改通知-{found.report_id}",
    )


routes: list[BaseRoute] = [Route("/reports/{id:int}/letter{fmt:fmt}", letter_page)]
