"""A fill-in Excel workbook for writing a report in the national format, and reading it back.

``new_workbook`` lays each table out as the official template does (taken from
:mod:`gongkai.render.layout`, which builds it from :mod:`gongkai.templates`), with an input cell
for every value and every total computed by a locked Excel formula. A hidden sheet holds a format
marker, the template and a map from each cell name (as in ``Report.cells()``) to its address, so
``read_workbook`` (in :mod:`gongkai.authoring.read`) finds every cell without re-deriving the
layout. It computes totals from their parts itself: openpyxl does not evaluate formulas and cached
results may be stale.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import GongkaiError
from ..output import set_literal, write_file
from ..render.layout import HEADER, LTable, active_table, requests_table, review_table
from ..report import Report, empty_report
from ..templates import (
    FEE_SECTION_NOTE,
    SECTIONS,
    TEMPLATES,
    Column,
)
from .read import (
    AGENCY_LABEL,
    FORMAT_VERSION,
    INFO_SHEET,
    INPUT,
    MAP_SHEET,
    MARKER,
    META_AGENCY,
    META_YEAR,
    SHEET_ORDER,
    TABLE_SHEETS,
    TEMPLATE_LABEL,
    TEXT_SHEET,
    TITLE,
    TOTAL,
    YEAR_LABEL,
    Entry,
    cell_columns,
    describe_source,
    read_workbook,
    sheet_name,
    total_parts,
)

_SENTINEL = "\x00"  # marks value cells in the layout, followed by the cell name
_WIDTH_FACTOR = {"active": 13.0, "requests": 8.5, "review": 9.0}
_TABLE_TOP = 4  # rows 1-2 hold the sheet title and the filling note
_LINE_HEIGHT = 15.0
_INPUT_HEIGHT = 20.0  # rows holding input cells, so typed numbers have room

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF4CC")
_TOTAL_FILL = PatternFill("solid", fgColor="E0E0E0")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)

_NOTE = (
    "只需填写浅黄色单元格（没有数据请填0，不要留空）；灰色单元格是合计，由公式自动计算，已锁定。"
    "工作表已保护（无密码），请不要增删行列或改动标签。"
)


# ---------------------------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------------------------


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(_display_width(p) / usable)) for p in text.split("\n"))


def _fit(ws: Worksheet, row: int, col: int, colspan: int, text: str) -> None:
    """Raise a row so wrapped text shows (Excel does not auto-fit rows with merged cells)."""
    width = sum(
        ws.column_dimensions[get_column_letter(col + i)].width or 9.0 for i in range(colspan)
    )
    height = _LINE_HEIGHT * _lines(text, width) + 3
    current = ws.row_dimensions[row].height or _LINE_HEIGHT
    ws.row_dimensions[row].height = max(current, height)


def _banner(ws: Worksheet, row: int, width: int, text: str, font: Font | None = None) -> None:
    """A line of text across the table width."""
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = ws.cell(row, 1, text)
    cell.alignment = _WRAP
    if font is not None:
        cell.font = font
    _fit(ws, row, 1, width, text)


def _place(ws: Worksheet, table: LTable, found: dict[str, tuple[int, int]]) -> None:
    """Write the table's header and label cells with their merges; note the value cells."""
    factor = _WIDTH_FACTOR[table.name]
    for i, w in enumerate(table.widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = round(w * factor, 1)
    for r, c, cell in table.origins():
        row, col = _TABLE_TOP + r, 1 + c
        if cell.rowspan > 1 or cell.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + cell.rowspan - 1,
                end_column=col + cell.colspan - 1,
            )
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                ws.cell(row + dr, col + dc).border = _BORDER
        if cell.text.startswith(_SENTINEL):
            found[cell.text[len(_SENTINEL) :]] = (row, col)
            continue
        target = ws.cell(row, col, cell.text)
        target.alignment = _CENTER if cell.kind == HEADER else _WRAP
        if cell.kind == HEADER:
            target.font = _BOLD
            target.fill = _HEADER_FILL
        if cell.rowspan == 1:
            _fit(ws, row, col, cell.colspan, cell.text)
    for r in range(table.header_rows):
        ws.row_dimensions[_TABLE_TOP + r].height = max(
            ws.row_dimensions[_TABLE_TOP + r].height or _LINE_HEIGHT, 2 * _LINE_HEIGHT
        )


def _sum_formula(coords: list[tuple[int, int]]) -> str:
    rows = {r for r, _ in coords}
    cols = {c for _, c in coords}
    first, last = min(coords), max(coords)
    contiguous = (len(rows) == 1 and max(cols) - min(cols) + 1 == len(coords)) or (
        len(cols) == 1 and max(rows) - min(rows) + 1 == len(coords)
    )
    if contiguous:
        a = f"{get_column_letter(first[1])}{first[0]}"
        b = f"{get_column_letter(last[1])}{last[0]}"
        return f"=SUM({a}:{b})"
    return "=SUM(" + ",".join(f"{get_column_letter(c)}{r}" for r, c in coords) + ")"


# Excel's own check of a value cell, by kind: (type, operator, bounds, what to type).
_CHECKS: dict[str, tuple[str, str, tuple[str, ...], str]] = {
    "count": ("whole", "greaterThanOrEqual", ("0",), "非负整数"),
    "decimal": ("decimal", "greaterThanOrEqual", ("0",), "数字，可带小数"),
    "signed": ("whole", "between", ("-1000000000", "1000000000"), "整数（减少填负数）"),
}


def _kind(col: Column | None) -> str | None:
    """The kind of value a cell takes; None for text kept as written (采购总金额)."""
    if col is None:
        return "count"
    if col.textual:
        return None
    return "signed" if col.signed else "decimal" if col.decimal else "count"


def _validation(kind: str) -> DataValidation:
    """A warning the user may override, never a block: real reports do write "/" or "—"."""
    dtype, operator, bounds, hint = _CHECKS[kind]
    dv = DataValidation(dtype, *bounds, operator=operator, allow_blank=True)
    dv.showErrorMessage = True
    dv.errorStyle = "warning"
    dv.errorTitle = "请填写数字"
    dv.error = f"此处应填写{hint}；没有数据请填0。"
    return dv


def _table_sheet(ws: Worksheet, number: str, table: LTable, template: str) -> list[Entry]:
    found: dict[str, tuple[int, int]] = {}
    _place(ws, table, found)
    title = next(s for s in SECTIONS if s.number == number)
    _banner(ws, 1, table.width, f"{number}、{title.title}", Font(bold=True, size=14))
    _banner(ws, 2, table.width, _NOTE)
    parts = total_parts(template)
    columns = cell_columns(template)
    checks: dict[str, DataValidation] = {}
    entries: list[Entry] = []
    for name, (row, col) in found.items():
        cell = ws.cell(row, col)
        cell.alignment = _CENTER
        if name in parts:
            cell.value = _sum_formula([found[p] for p in parts[name]])
            cell.fill = _TOTAL_FILL
            entries.append(Entry(name, ws.title, row, col, TOTAL))
            continue
        cell.protection = _UNLOCKED
        cell.fill = _INPUT_FILL
        entries.append(Entry(name, ws.title, row, col, INPUT))
        kind = _kind(columns.get(name))
        if kind is not None:
            if kind not in checks:
                checks[kind] = _validation(kind)
                ws.add_data_validation(checks[kind])
            checks[kind].add(cell.coordinate)
    for row in {r for r, _ in found.values()}:
        dim = ws.row_dimensions[row]
        dim.height = max(dim.height or _LINE_HEIGHT, _INPUT_HEIGHT)
    ws.freeze_panes = ws.cell(_TABLE_TOP + table.header_rows, 1)
    _print_setup(ws, landscape=table.name != "active")
    return entries


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    """Print each sheet one page wide."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _input_cell(cell: Cell, align: Alignment = _WRAP) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.border = _BORDER
    cell.alignment = align


def _info_sheet(ws: Worksheet, agency: str, year: int, template: str) -> list[Entry]:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 80
    _banner(ws, 1, 2, "政府信息公开工作年度报告填报工作簿", Font(bold=True, size=14))
    rows = ((AGENCY_LABEL, agency), (YEAR_LABEL, year), (TEMPLATE_LABEL, f"{template}年格式"))
    for i, (label, value) in enumerate(rows, start=3):
        ws.cell(i, 1, label).font = _BOLD
        set_literal(ws.cell(i, 2), value).border = _BORDER  # an agency "=…" stays text
    _input_cell(ws["B3"])
    _input_cell(ws["B4"], Alignment(horizontal="left"))
    year_check = DataValidation("whole", operator="between", formula1="2000", formula2="2100")
    year_check.error, year_check.errorTitle = "请填写四位数字年份，如2025。", "年度有误"
    ws.add_data_validation(year_check)
    year_check.add("B4")
    tables = "、".join(f"“{sheet_name(n)}”" for n in TABLE_SHEETS)
    steps = (
        f"1. 在本页填写机关全称和报告年度；在{tables}中填写表格数字；"
        f"在“{TEXT_SHEET}”中填写六个部分的文字。",
        "2. " + _NOTE,
        "3. 填写完成后保存，运行：gongkai render 本文件.xlsx -o 年度报告.docx"
        "（也可生成 .html、.md、.pdf）。"
        "生成前会自动检查勾稽关系等，有错误时列出错误并停止生成，改正后再运行即可。",
    )
    ws.cell(7, 1, "填写说明").font = _BOLD
    for i, text in enumerate(steps, start=8):
        _banner(ws, i, 2, text)
    ws.protection.sheet = True
    _print_setup(ws, landscape=False)
    return [
        Entry(META_AGENCY, ws.title, 3, 2, INPUT),
        Entry(META_YEAR, ws.title, 4, 2, INPUT),
    ]


def _text_sheet(ws: Worksheet, template: str) -> list[Entry]:
    for col, (head, width) in enumerate(
        (("序号", 6), ("标题", 24), ("内容", 90), ("填写提示", 28)), start=1
    ):
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(1, col, head)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, _CENTER
    entries: list[Entry] = []
    for row, sec in enumerate(SECTIONS, start=2):
        hint = ""
        if sec.number in TABLE_SHEETS:
            hint = f"表格在工作表“{sheet_name(sec.number)}”中填写；此处可写表格前的说明，可不填。"
        elif sec.number == SECTIONS[-1].number and template == "2021":
            hint = FEE_SECTION_NOTE
        for col, value in enumerate((sec.number, sec.title, None, hint), start=1):
            cell = ws.cell(row, col, value)
            cell.border, cell.alignment = _BORDER, _TOP_WRAP
        _input_cell(ws.cell(row, 3), _TOP_WRAP)
        ws.row_dimensions[row].height = 45 if sec.number in TABLE_SHEETS else 160
        entries.append(Entry(f"sections.{sec.number}.title", ws.title, row, 2, TITLE))
        entries.append(Entry(f"sections.{sec.number}.text", ws.title, row, 3, INPUT))
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    _print_setup(ws, landscape=True)
    return entries


def _map_sheet(ws: Worksheet, template: str, entries: Iterable[Entry]) -> None:
    ws.append([MARKER, FORMAT_VERSION])
    ws.append(["template", template])
    ws.append(["name", "sheet", "cell", "role"])
    for e in entries:
        ws.append([e.name, e.sheet, e.coordinate, e.role])
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _sentinel_report(template: str) -> Report:
    """A report whose every value cell holds its own name, to find it in the layout."""
    rep = empty_report("", 0, template)
    for name, value in rep.cells():
        value.value = _SENTINEL + name
    return rep


def new_workbook(agency: str, year: int, template: str = "2021") -> bytes:
    """An .xlsx workbook for writing ``agency``'s report for ``year`` in ``template``'s format.

    :raises GongkaiError: for an unknown template.
    """
    if template not in TEMPLATES:
        raise GongkaiError(f"未知的报告格式“{template}”，可选：{'、'.join(TEMPLATES)}")
    wb = Workbook()
    info = wb.active
    assert info is not None  # a new Workbook always has one sheet
    info.title = INFO_SHEET
    entries = _info_sheet(info, agency, year, template)
    rep = _sentinel_report(template)
    tables = {"二": active_table(rep), "三": requests_table(rep), "四": review_table(rep)}
    for number, table in tables.items():
        assert table is not None  # every template cell is present in the sentinel report
        ws = wb.create_sheet(sheet_name(number))
        entries += _table_sheet(ws, number, table, template)
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # let staff widen columns and rows
        ws.protection.formatRows = False
    entries += _text_sheet(wb.create_sheet(TEXT_SHEET), template)
    _map_sheet(wb.create_sheet(MAP_SHEET), template, entries)
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "gongkai"
    wb.properties.title = f"{agency}{year}年政府信息公开工作年度报告（填报）"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_NAME_LIMIT = 80  # characters of the agency name kept in a default file name
_UNSAFE = frozenset('/\\:*?"<>|')


def default_name(agency: str, year: int) -> str:
    """The default workbook file name, "<agency><year>年政府信息公开工作年度报告.xlsx".

    The agency name is untrusted text: path separators, characters Windows forbids, control and
    format characters and leading dots are dropped, so the name stays in the working folder.
    """
    text = unicodedata.normalize("NFKC", agency)
    kept = "".join(
        c for c in text if c not in _UNSAFE and unicodedata.category(c) not in ("Cc", "Cf")
    )
    kept = "".join(kept.split()).lstrip(".")[:_NAME_LIMIT]
    return f"{kept}{year}年政府信息公开工作年度报告.xlsx"


def workbook_path(out: str | Path | None, agency: str, year: int, force: bool) -> Path:
    """Where a new fill-in workbook goes: ``out`` or the default name; an .xlsx file that is
    not a folder and, without ``force``, does not exist yet (it may have been filled in).

    :raises GongkaiError: otherwise, naming the path.
    """
    path = Path(out) if out is not None else Path(default_name(agency, year))
    if path.suffix.lower() != ".xlsx":
        raise GongkaiError(
            f"填报工作簿应保存为 .xlsx 文件，而不是“{path.suffix or '（无扩展名）'}”", str(path)
        )
    if path.is_dir():
        raise GongkaiError("这是一个目录，请给出 .xlsx 文件名", str(path))
    if path.exists() and not force:
        raise GongkaiError("文件已存在（可能已填写过）；如确要覆盖请加 --force", str(path))
    return path


def write_workbook(out: Path, agency: str, year: int, template: str = "2021") -> Path:
    """Write :func:`new_workbook`'s workbook to ``out``."""
    return write_file(out, new_workbook(agency, year, template))


__all__ = [
    "MARKER",
    "SHEET_ORDER",
    "Entry",
    "default_name",
    "describe_source",
    "new_workbook",
    "read_workbook",
    "total_parts",
    "write_workbook",
]
