"""The pages: one module per page (or group of pages), each exposing ``routes``."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    admin,
    auth,
    body,
    compare,
    ledger,
    ledger_book,
    ledger_cases,
    letter,
    overview,
    report,
    reports,
    summary,
    upload,
)


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = []
    pages = (auth, overview, reports, report, letter, body, compare, summary, upload, admin)
    for module in (*pages, ledger, ledger_book, ledger_cases):
        found.extend(module.routes)
    return found
