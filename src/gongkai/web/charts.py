"""Chart specifications: plain data that ``static/app.js`` draws with ECharts, and that the
page also shows as a table beside the chart (the numbers are never only in a picture).

A spec is ``{"kind": "line" | "bar", "title", "categories": [...], "series": [{"name",
"values"}], "percent": bool}``; it is embedded in the page as JSON (``tojson`` escapes ``<``,
``>`` and ``&``, so report text cannot end the script element) and read by ``app.js``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def chart(
    kind: str,
    title: str,
    categories: Sequence[Any],
    series: Sequence[tuple[str, Sequence[float | int | None]]],
    percent: bool = False,
) -> dict[str, Any]:
    """A chart spec; a value None is drawn as a gap."""
    assert kind in {"line", "bar"}, kind
    return {
        "kind": kind,
        "title": title,
        "categories": [str(c) for c in categories],
        "series": [{"name": name, "values": list(values)} for name, values in series],
        "percent": percent,
    }
