"""Export: the XLSX writer (openpyxl write-only mode: rows never all in memory)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from ..errors import GongkaiError
from ..output import (
    LABELS_SHEET,
    text_width,
    xlsx_value,
)
from .exporter import XLSX_MAX_COLUMNS, XLSX_MAX_ROWS


def write_xlsx(
    path: Path,
    header: list[str],
    labels: list[str],
    rows: Iterator[list[Any]],
    total: int,
    title: str,
    freeze: int,
    label_row: bool,
) -> None:
    """A workbook as ``extract`` writes it (bold frozen header with filter, labels row or
    notes, 字段说明 sheet), in openpyxl's write-only mode so rows are never all in memory."""
    from openpyxl import Workbook

    top = 2 if label_row else 1
    if total + top > XLSX_MAX_ROWS:
        raise GongkaiError(
            f"共 {total:,} 行，超过 XLSX 工作表的上限（{XLSX_MAX_ROWS:,} 行）；"
            "请导出为 CSV 或 Parquet（-o 文件.csv 或 文件.parquet），"
            "或用 --shape wide（每个报告一行）、--year、--region 缩小范围"
        )
    if len(header) > XLSX_MAX_COLUMNS:
        raise GongkaiError(
            f"共 {len(header):,} 列，超过 XLSX 工作表的上限（{XLSX_MAX_COLUMNS:,} 列）；"
            "请导出为 CSV 或 Parquet"
        )
    wb = Workbook(write_only=True)
    _sheet(wb.create_sheet(title), header, labels, rows, total, freeze, label_row)
    pairs = [[h, t] for h, t in zip(header, labels, strict=True)]
    keys = ["字段", "中文名称"]
    _sheet(wb.create_sheet(LABELS_SHEET), keys, keys, iter(pairs), len(pairs), 0, False)
    wb.save(path)


def _sheet(
    ws: Any,
    header: list[str],
    labels: list[str],
    rows: Iterator[list[Any]],
    total: int,
    freeze: int,
    label_row: bool,
) -> None:
    """``output.write_table``'s look on a write-only sheet (set up before the first row)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head = list(islice(rows, 200))  # widths fitted to the first rows, as write_table does
    for i, key in enumerate(header):
        seen = [text_width(key), text_width(labels[i]), *(text_width(r[i]) for r in head)]
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(*seen, 6) + 2, 40)
    top = 2 if label_row else 1
    ws.freeze_panes = f"{get_column_letter(freeze + 1)}{top + 1}"
    ws.auto_filter.ref = f"A{top}:{get_column_letter(max(len(header), 1))}{top + total}"
    ws.print_title_rows = f"1:{top}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")

    def styled(values: list[str], notes: list[str] | None = None) -> list[Any]:
        cells = []
        for i, v in enumerate(values):
            cell = WriteOnlyCell(ws, value=xlsx_value(v))
            cell.font, cell.fill, cell.alignment = bold, fill, wrap
            if notes is not None and notes[i] and notes[i] != v:
                cell.comment = Comment(str(notes[i]), "gongkai", width=240, height=60)
            cells.append(cell)
        return cells

    ws.append(styled(header, None if label_row else labels))
    if label_row:
        ws.append(styled(labels))
    for r in chain(head, rows):
        ws.append([xlsx_value(v) for v in r])
