"""The contributions table: one row per body with every cell it contributed, CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import GongkaiError
from ..output import cell_columns, csv_text, write_file, xlsx_bytes, xlsx_workbook
from .core import Summary

CONTRIBUTION_META = ("file", "agency", "year", "template", "included", "reason")
CONTRIBUTION_TAIL = ("errors", "warnings", "codes", "blank_cells", "text_cells")


def contributions(summary: Summary) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per body: status, every cell, finding counts and odd cells."""
    cells = cell_columns()
    header = [*CONTRIBUTION_META, *cells, *CONTRIBUTION_TAIL]
    body_rows: list[list[Any]] = []
    for b in summary.bodies:
        rep = b.report
        values = {name: v.shown for name, v in rep.cells()}
        blank = [n for n in b.notes if n.kind in ("空白", "缺失")]
        odd = [f"{n.name}={n.raw}" for n in b.notes if n.kind in ("文字", "无法确定")]
        meta = [b.file, rep.agency, rep.year, rep.template, "是" if b.included else "否", b.reason]
        tail = [
            b.count("error"),
            b.count("warning"),
            ",".join(b.codes()),
            len(blank),
            "; ".join(odd),
        ]
        body_rows.append([*meta, *(values.get(c) for c in cells), *tail])
    return header, body_rows


def write_contributions(summary: Summary, out: Path) -> Path:
    """Write the contributions table: CSV (UTF-8 with BOM) or XLSX, by the suffix of ``out``."""
    out = Path(out)
    header, body_rows = contributions(summary)
    suffix = out.suffix.lower()
    data: str | bytes
    if suffix == ".csv":
        data = csv_text(header, body_rows)
    elif suffix == ".xlsx":
        data = _xlsx(summary, header, body_rows)
    else:
        raise GongkaiError(
            f"明细表只能写成 .csv 或 .xlsx，不支持“{suffix or '（无扩展名）'}”", str(out)
        )
    return write_file(out, data)


def _xlsx(summary: Summary, header: list[str], body_rows: list[list[Any]]) -> bytes:
    wb = xlsx_workbook(header, body_rows, "contributions", "C2")
    total = wb.create_sheet("sum")  # the summed cells, for comparing with the rows above
    values = {name: v.shown for name, v in summary.report.cells()}
    cells = cell_columns()
    total.append(["agency", "year", "template", "bodies", *cells])
    rep = summary.report
    total.append([rep.agency, rep.year, rep.template, len(summary.included)])
    total.append([None] * 4 + [values.get(c) for c in cells])
    return xlsx_bytes(wb)
