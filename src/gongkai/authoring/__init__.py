"""Authoring a report: the fill-in workbook (``gongkai new``) and the document (``gongkai render``).

:mod:`.workbook` writes the workbook, :mod:`.read` reads a filled one back into a Report, and
:mod:`.document` checks a report and writes it in the official layout.
"""

from __future__ import annotations

from .document import RenderResult, load_report, output_format, render_file
from .read import (
    MARKER,
    SHEET_ORDER,
    Entry,
    cell_columns,
    describe_source,
    read_workbook,
    sheet_name,
    total_parts,
)
from .workbook import default_name, new_workbook, write_workbook

__all__ = [
    "MARKER",
    "SHEET_ORDER",
    "Entry",
    "RenderResult",
    "cell_columns",
    "default_name",
    "describe_source",
    "load_report",
    "new_workbook",
    "output_format",
    "read_workbook",
    "render_file",
    "sheet_name",
    "total_parts",
    "write_workbook",
]
