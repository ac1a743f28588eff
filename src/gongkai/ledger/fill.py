"""``gongkai new --from-ledger``: the fill-in workbook of :mod:`gongkai.authoring` with 表三 and
表四 already filled from the body's ledger (表二 and the text are left to the clerk), so that
``gongkai render`` writes the report."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook

from ..authoring.read import INPUT, MAP_SHEET
from ..authoring.workbook import default_name, new_workbook
from ..errors import GongkaiError
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
    path = out or Path(default_name(tables.body, year))
    if path.suffix.lower() != ".xlsx":
        raise GongkaiError(
            f"填报工作簿应保存为 .xlsx 文件，而不是“{path.suffix or '（无扩展名）'}”", str(path)
        )
    if path.is_dir():
        raise GongkaiError("这是一个目录，请给出 .xlsx 文件名", str(path))
    if path.exists() and not force:
        raise GongkaiError("文件已存在（可能已填写过）；如确要覆盖请加 --force", str(path))
    return write_file(path, filled_workbook(tables))
