"""``gongkai new --from-ledger``: the fill-in workbook of :mod:`gongkai.authoring` with 表三 and
表四 already filled from the body's ledger (表二 and the text are left to the clerk), so that
``gongkai render`` writes the report."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from ..authoring.read import INPUT, MAP_SHEET
from ..authoring.workbook import new_workbook, workbook_path
from ..output import write_file
from ..store.engine import Store
from .tables import AnnualTables, annual_tables

_MAP_FIRST_ROW = 4  # the map sheet: marker, template, header, then one row per named cell


def filled_workbook(tables: AnnualTables) -> bytes:
    """The ``gongkai new`` workbook for the tables' body and year, 表三 and 表四 filled in."""
    data = new_workbook(tables.body, tables.year, tables.template)
    wb = load_workbook(io.BytesIO(data))
    for name, sheet, cell, role in wb[MAP_SHEET].iter_rows(
        min_row=_MAP_FIRST_ROW, values_only=True
    ):
        if role == INPUT and name in tables.cells:
            wb[str(sheet)][str(cell)].value = tables.cells[str(name)]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def new_from_ledger(
    store: Store, body: int | str, year: int, out: Path | None = None, force: bool = False
) -> Path:
    """Write the workbook of :func:`filled_workbook` for ``body``'s ``year``; the path written.

    :raises GongkaiError: for an unknown body, a year before 2019, or an existing file without
        ``force``.
    """
    tables = annual_tables(store, body, year)
    return write_file(workbook_path(out, tables.body, year, force), filled_workbook(tables))
