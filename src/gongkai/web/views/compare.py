"""对比: bodies (by name, or a region's) × years × figures → a table, charts and the CSV of
exactly the table. A GET form, so that the URL of a comparison can be shared."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...errors import GongkaiError
from ...store.compare import DEFAULT_FIGURES, Comparison, NotVisible, compare
from ...store.trends import compare_choices
from ..charts import chart
from ..pages import fields_of, render, respond
from ..security import access, page, wants_data

CHART_FIGURES = 6  # charts drawn (every figure is in the table)
CHART_BODIES = 20  # lines in one chart


def _years(request: Request) -> list[int]:
    out = []
    for raw in request.query_params.getlist("year"):
        for part in raw.replace("，", ",").split(","):
            if part.strip():
                if not part.strip().isdigit():
                    raise HTTPException(400, f"年度应为整数：{part.strip()[:20]}")
                out.append(int(part))
    return out


def _charts(found: Comparison) -> list[dict[str, Any]]:
    """Per figure: a line over the years per body, or with one year a bar per body."""
    bodies = list(dict.fromkeys((r.body_id, r.body) for r in found.rows))[:CHART_BODIES]
    out = []
    for f in found.figures[:CHART_FIGURES]:
        values = {(r.body_id, r.year): r.values.get(f.key) for r in found.rows}
        if len(found.years) == 1:
            year = found.years[0]
            series = [(f"{year}年", [values.get((b, year)) for b, _ in bodies])]
            out.append(chart("bar", f.label, [n for _, n in bodies], series, f.percent))
        else:
            series = [(n, [values.get((b, y)) for y in found.years]) for b, n in bodies]
            out.append(chart("line", f.label, found.years, series, f.percent))
    return out


def _table(found: Comparison) -> tuple[list[str], list[str], list[list[Any]]]:
    keys = ["body_id", "body", "year", "report_id", *(f.key for f in found.figures)]
    labels = ["单位编号", "单位", "年度", "报告编号", *(f.label for f in found.figures)]
    rows = [
        [r.body_id, r.body, r.year, r.report_id, *(r.values.get(f.key) for f in found.figures)]
        for r in found.rows
    ]
    return keys, labels, rows


@page()
def compare_page(request: Request) -> Response:
    store, scope, params = request.app.state.store, access(request), request.query_params
    bodies = [b for b in params.getlist("body") if b.strip()]
    region = params.get("region", "").strip().strip("/") or None
    figures = [f for f in params.getlist("figure") if f.strip()]
    asked = bool(bodies or region)
    error = None if asked else "请选择单位或地区"
    found = Comparison([], region, _years(request), [], [])
    try:
        if asked:
            found = compare(store, scope, bodies, region, found.years, figures)
    except NotVisible as exc:
        raise HTTPException(404, exc.message) from None
    except GongkaiError as exc:  # a limit, an unknown figure or name: said beside the form
        error = exc.message
    if error and wants_data(request):
        raise HTTPException(400, error)
    data = {**fields_of(found), "charts": _charts(found) if found.rows else []}
    if wants_data(request):
        return respond(request, "compare.html", data, table=_table(found), name="对比")
    chosen = [f.key for f in found.figures] or figures or list(DEFAULT_FIGURES)
    data.update(choices=compare_choices(store, scope), asked=asked, error=error)
    data.update(chosen_bodies=bodies, chosen_figures=chosen)  # the form as it was sent
    return render(request, "compare.html", status=400 if error and asked else 200, **data)


routes: list[BaseRoute] = [Route("/compare{fmt:fmt}", compare_page)]
