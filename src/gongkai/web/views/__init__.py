"""The pages: one module per page (or group of pages), each exposing ``routes``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import admin, auth, body, compare, letter, overview, report, reports, summary, upload


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    for module in (auth, overview, reports, report, letter, body, compare, summary, upload, admin):
        found.extend(module.routes)
    return found
