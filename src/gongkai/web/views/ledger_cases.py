"""The review and lawsuit cases of a request (表四): link one to the request, record its result.

Both go through :mod:`gongkai.ledger` (dates checked against the request, audited); a case can
be recorded once the request is answered, which is when applicants go to review or court.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ...errors import GongkaiError
from ...ledger import Case, add_case, decide_case
from ...ledger.labels import CASE_KINDS, CASE_RESULTS
from ..security import deny_outside, form, page, user_of, wants_data
from .ledger import WRITERS, _detail, day_param, form_number, form_text


def _store(request: Request, request_id: int, data: FormData) -> int:
    found = _detail(request, request_id)  # 404 outside the user's scope
    store, actor = request.app.state.store, user_of(request).name
    case_id = form_number(data, "case_id", "案件编号")
    if case_id is None:
        kind = form_text(data, "kind") or ""
        if kind not in CASE_KINDS:
            raise GongkaiError(f"请选择案件类型：{'、'.join(CASE_KINDS.values())}")
        filed = day_param(form_text(data, "filed"), "立案日期")
        if filed is None:
            raise GongkaiError("请填写立案日期")
        case = Case(kind, filed, reference=form_text(data, "reference"))
        return add_case(store, request_id, case, actor=actor)
    # Only a case of this request: an id of another body's case is not found.
    deny_outside(case_id in {k.id for k in found.request.cases})
    outcome = form_text(data, "outcome") or ""
    if outcome not in CASE_RESULTS:
        raise GongkaiError(f"请选择结果：{'、'.join(CASE_RESULTS.values())}")
    decided = day_param(form_text(data, "decided"), "审结日期")
    if decided is None:
        raise GongkaiError("请填写审结日期")
    decide_case(store, case_id, outcome, decided, actor=actor)
    return case_id


@page(*WRITERS, act=True)
async def case_post(request: Request) -> Response:
    request_id = request.path_params["id"]
    data = await form(request)
    case_id = await run_in_threadpool(_store, request, request_id, data)
    if wants_data(request):
        return JSONResponse({"request_id": request_id, "case_id": case_id})
    return RedirectResponse(f"/ledger/{request_id}#cases", 303)


routes: list[BaseRoute] = [
    Route("/ledger/{id:int}/cases{fmt:fmt}", case_post, methods=["POST"]),
]
