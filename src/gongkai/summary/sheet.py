"""The contributions table: one row per body with every cell it contributed, CSV or XLSX.

The table has the shape of every gongkai table (see :mod:`gongkai.output`): machine keys in the
first row, the Chinese labels as a second row with ``labels=True`` (and, in XLSX, as notes and
on the 字段说明 sheet). The XLSX workbook has a second sheet ``sum``: the summed cells on one
row under the same keys, for comparing with the bodies' rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import GongkaiError
from ..output import (
    META_LABELS,
    add_labels_sheet,
    cell_columns,
    column_labels,
    csv_text,
    write_file,
    write_table,
    xlsx_bytes,
    xlsx_workbook,
)
from .core import Summary

CONTRIBUTION_META = ("file", "agency", "year", "template", "included", "reason")
CONTRIBUTION_TAIL = ("errors", "warnings", "codes", "blank_cells", "text_cells")
# What CONTRIBUTION_TAIL leaves out with ``brief``: the findings' detail, not the figures.
BRIEF_DROPPED = ("codes", "text_cells")
SUM_META = ("agency", "year", "template", "bodies")
CONTRIBUTION_LABELS = {
    **META_LABELS,
    "included": "是否计入",
    "reason": "说明",
    "errors": "错误数",
    "warnings": "警告数",
    "codes": "问题代码",
    "blank_cells": "空白单元格数",
    "text_cells": "文字或无法确定的单元格",
    "bodies": "计入单位数",
}


def contributions(summary: Summary, brief: bool = False) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per body: status, every cell, finding counts and odd cells
    (``brief``: without the finding codes and the odd cells' text)."""
    cells = cell_columns()
    tail_keys = [k for k in CONTRIBUTION_TAIL if not (brief and k in BRIEF_DROPPED)]
    header = [*CONTRIBUTION_META, *cells, *tail_keys]
    body_rows: list[list[Any]] = []
    for b in summary.bodies:
        rep = b.report
        values = {name: v.shown for name, v in rep.cells()}
        blank = [n for n in b.notes if n.kind in ("空白", "缺失")]
        odd = [f"{n.name}={n.raw}" for n in b.notes if n.kind in ("文字", "无法确定")]
        meta = [b.file, rep.agency, rep.year, rep.template, "是" if b.included else "否", b.reason]
        tail = {
            "errors": b.count("error"),
            "warnings": b.count("warning"),
            "codes": ",".join(b.codes()),
            "blank_cells": len(blank),
            "text_cells": "; ".join(odd),
        }
        body_rows.append([*meta, *(values.get(c) for c in cells), *(tail[k] for k in tail_keys)])
    return header, body_rows


def write_contributions(
    summary: Summary, out: Path, brief: bool = False, labels: bool = False
) -> Path:
    """Write the contributions table: CSV (UTF-8 with BOM) or XLSX, by the suffix of ``out``.

    ``brief`` leaves out the finding codes and odd cells' text; ``labels`` adds the Chinese
    label row under the keys.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise GongkaiError(
            f"明细表只能写成 .csv 或 .xlsx，不支持“{suffix or '（无扩展名）'}”", str(out)
        )
    header, body_rows = contributions(summary, brief)
    names = column_labels(header, CONTRIBUTION_LABELS)
    data: str | bytes
    if suffix == ".csv":
        data = csv_text(header, body_rows, names if labels else None)
    else:
        data = _xlsx(summary, header, body_rows, names, labels)
    return write_file(out, data)


def sum_row(summary: Summary) -> tuple[list[str], list[Any]]:
    """The header and the one row of the ``sum`` sheet: the summary's agency, year, template,
    number of bodies counted, then every summed cell under its key."""
    rep = summary.report
    values = {name: v.shown for name, v in rep.cells()}
    cells = cell_columns()
    header = [*SUM_META, *cells]
    return header, [rep.agency, rep.year, rep.template, len(summary.included)] + [
        values.get(c) for c in cells
    ]


def _xlsx(
    summary: Summary,
    header: list[str],
    body_rows: list[list[Any]],
    names: list[str],
    label_row: bool,
) -> bytes:
    wb = xlsx_workbook(header, body_rows, "contributions", 2, names, label_row)
    total = wb.create_sheet("sum", 1)  # the summed cells, for comparing with the rows above
    sum_header, row = sum_row(summary)
    sum_names = column_labels(sum_header, CONTRIBUTION_LABELS)
    write_table(total, sum_header, [row], sum_names, 1, label_row)
    add_labels_sheet(wb, sum_header, sum_names)
    return xlsx_bytes(wb)
