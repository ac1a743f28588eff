"""A report's tables in the official layout as pages show them: the tables of
:mod:`gongkai.render.layout` (the one place the layout is built, from :mod:`gongkai.templates`)
as rows of slots — a label, or a value cell's name for the page to fill with the cell's value,
source and findings — with their row and column spans."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks.catalogue import TABLE_LABELS
from ..render.layout import VALUE, LTable, active_table, legacy_table, requests_table, review_table
from ..report import Report

# render.layout's table names → the report's table keys (cell names start with these).
KEYS = {"active": "active", "requests": "requests", "review": "review_litigation"}


@dataclass(frozen=True)
class Slot:
    """One position of the table: a label (``text``) or a value cell (``cell``, its name)."""

    text: str = ""
    cell: str | None = None
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Grid:
    key: str  # active | requests | review_litigation | legacy
    title: str
    head: list[list[Slot]] = field(default_factory=list)
    body: list[list[Slot]] = field(default_factory=list)


def grids(rep: Report) -> list[Grid]:
    """The report's tables (a pre-2019 appendix: its statistics table)."""
    if rep.template == "legacy":
        made = [legacy_table(rep)]
    else:
        made = [active_table(rep), requests_table(rep), review_table(rep)]
    return [grid(t) for t in made if t is not None]


def grid(table: LTable) -> Grid:
    rows = [
        [
            Slot(
                "" if c.kind == VALUE and c.name else c.text,
                c.name if c.kind == VALUE else None,
                c.colspan,
                c.rowspan,
            )
            for c in row
        ]
        for row in table.rows
    ]
    key = KEYS.get(table.name, table.name)
    n = table.header_rows
    return Grid(key, TABLE_LABELS[key], rows[:n], rows[n:])
