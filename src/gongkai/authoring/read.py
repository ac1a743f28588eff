"""The fill-in workbook's format (sheets, named cells, totals) and reading it back.

:mod:`gongkai.authoring.workbook` writes the workbook. Cells are found through the workbook's own
hidden map (name -> sheet and address). Input cells are read as typed; totals are computed here from
their parts, and a total whose cached or overwritten value disagrees is reported as a warning,
since the file may have been edited with a program that did not recalculate it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook

from ..errors import GongkaiError
from ..model import Provenance
from ..report import CellValue, Number, Report, SectionText, Value, empty_report
from ..templates import (
    APPLICANT_KEYS,
    OUTCOMES,
    REQUEST_COLUMN_KEYS,
    REQUEST_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_KEYS,
    REVIEW_LABELS,
    SECTIONS,
    TEMPLATES,
    Column,
    template_for,
)

MARKER = "gongkai-fill-in-workbook"
FORMAT_VERSION = 1
INFO_SHEET = "说明"
TEXT_SHEET = "正文"
MAP_SHEET = "_gongkai"
# Short sheet names for the tables of sections 二, 三 and 四.
TABLE_SHEETS = {"二": "主动公开", "三": "依申请公开", "四": "复议诉讼"}
# Sheet order is fixed (the workbook structure is locked), so a sheet's number names it.
SHEET_ORDER = (INFO_SHEET, *(f"{n}、{s}" for n, s in TABLE_SHEETS.items()), TEXT_SHEET, MAP_SHEET)
META_AGENCY = "meta.agency"
META_YEAR = "meta.year"
INPUT, TOTAL, TITLE = "input", "total", "title"
AGENCY_LABEL, YEAR_LABEL, TEMPLATE_LABEL = "机关名称", "报告年度", "使用格式"


@dataclass(frozen=True, slots=True)
class Entry:
    """One named cell of the workbook: where it is and what it holds."""

    name: str
    sheet: str
    row: int
    col: int
    role: str  # INPUT | TOTAL | TITLE

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


# ---------------------------------------------------------------------------------------------
# what the cells are
# ---------------------------------------------------------------------------------------------


def total_parts(template: str) -> dict[str, list[str]]:
    """Every total cell of a template and the cells it is the sum of (in evaluation order)."""
    tpl = template_for(template)
    rows = tpl.request_rows
    total_col = REQUEST_COLUMN_KEYS[-1]
    # （七）总计 follows the result rows in both templates.
    total_row = rows[max(i for i, r in enumerate(rows) if r.group is not None) + 1].key
    parts: dict[str, list[str]] = {}
    for c in APPLICANT_KEYS:
        parts[f"requests.{total_row}.{c}"] = [f"requests.{r.key}.{c}" for r in tpl.result_rows]
    for row in rows:
        parts[f"requests.{row.key}.{total_col}"] = [
            f"requests.{row.key}.{c}" for c in APPLICANT_KEYS
        ]
    for g in REVIEW_GROUPS:
        outcome_total = OUTCOMES[-1].key
        parts[f"review_litigation.{g.key}_{outcome_total}"] = [
            f"review_litigation.{g.key}_{o.key}" for o in OUTCOMES[:-1]
        ]
    return parts


def cell_columns(template: str) -> dict[str, Column | None]:
    """Each value cell's template column (None for Table B/C counts, which have no flags)."""
    out: dict[str, Column | None] = {}
    for row in template_for(template).active_rows:
        for col in row.columns:
            out[f"active.{row.key}.{col.key}"] = col
    return out


def sheet_name(number: str) -> str:
    """The sheet of the table of section ``number`` (二, 三 or 四)."""
    return f"{number}、{TABLE_SHEETS[number]}"


def describe_source(sheet_no: int | None, row: int | None, col: int | None) -> str:
    """A workbook location a person can find, e.g. 工作表“三、依申请公开”D12."""
    if sheet_no is None or not 1 <= sheet_no <= len(SHEET_ORDER):
        return "位置不详"
    where = f"工作表“{SHEET_ORDER[sheet_no - 1]}”"
    if row is not None and col is not None:
        where += f"{get_column_letter(col)}{row}"
    return where


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:年|年度)?\s*$")
_SPACES = re.compile(r"[\s,，\u3000]")
_MAP_SHEET_LISTED = re.compile(
    rb"<(?:\w+:)?sheet\b[^>]*\bname=[\"']" + MAP_SHEET.encode() + rb"[\"']"
)


def _load(data: bytes | Path, label: str) -> tuple[Workbook, Workbook]:
    """The workbook with formulas, and the same workbook with the values last cached in it."""
    if isinstance(data, Path):
        try:
            data = data.read_bytes()
        except OSError as exc:
            raise GongkaiError(f"无法读取文件：{exc.strerror or exc}", label) from None
    try:
        formulas = load_workbook(io.BytesIO(data))
        cached = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors for damaged files
        raise GongkaiError(
            f"不是有效的 Excel 工作簿（.xlsx），文件可能已损坏（{type(exc).__name__}）", label
        ) from None
    return formulas, cached


def _not_ours(label: str) -> GongkaiError:
    return GongkaiError(
        "不是用“gongkai new”生成的年度报告填报工作簿（没有找到格式标识），无法读取", label
    )


def _entries(wb: Workbook, label: str) -> tuple[str, dict[str, Entry]]:
    """The template and the named cells, from the hidden map sheet."""
    if MAP_SHEET not in wb.sheetnames:
        raise _not_ours(label)
    ws = wb[MAP_SHEET]
    if ws["A1"].value != MARKER:
        raise _not_ours(label)
    version = ws["B1"].value
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise GongkaiError("该工作簿由更新版本的 gongkai 生成，请升级 gongkai 后再读取", label)
    template = str(ws["B2"].value)
    if template not in TEMPLATES:
        raise GongkaiError(f"工作簿已损坏：报告格式“{template}”无法识别", label)
    entries: dict[str, Entry] = {}
    for name, sheet, coord, role in ws.iter_rows(min_row=4, max_col=4, values_only=True):
        if name is None:
            continue
        if sheet not in wb.sheetnames:
            raise GongkaiError(f"工作簿已损坏：缺少工作表“{sheet}”", label)
        try:
            row, col = coordinate_to_tuple(str(coord))
        except (ValueError, TypeError):
            raise GongkaiError(f"工作簿已损坏：单元格地址“{coord}”无效", label) from None
        entries[str(name)] = Entry(str(name), str(sheet), row, col, str(role))
    needed = [n for n, _ in empty_report("", 0, template).cells()] + [META_AGENCY, META_YEAR]
    missing = [n for n in needed if n not in entries]
    if missing:
        raise GongkaiError(f"工作簿已损坏：缺少{len(missing)}个单元格的位置信息", label)
    return template, entries


def _parse_number(text: str) -> Number | None:
    s = _SPACES.sub("", text).replace("－", "-").replace("．", ".")
    if not _NUMBER.match(s):
        return None
    f = float(s)
    return int(f) if "." not in s else f


def _value(raw: object, column: Column | None, source: Provenance) -> Value:
    """One input cell: blank -> None, numbers as int/float, other text as written."""
    value: CellValue
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Value(None, "", source=source)
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        text = raw.isoformat() if isinstance(raw, dt.date | dt.time) else str(raw)
        return Value(text, text, source=source)
    unit = column.unit if column is not None else None
    if isinstance(raw, int):
        return Value(raw, str(raw), unit, source)
    if isinstance(raw, float):
        decimal = column is not None and column.decimal
        value = int(raw) if raw.is_integer() and not decimal else raw
        return Value(value, str(value), unit, source)
    text = str(raw).strip()
    number = None if column is not None and column.textual else _parse_number(text)
    return Value(text if number is None else number, text, unit, source)


def _cell_label(name: str, template: str) -> str:
    """A Chinese name for a total cell, e.g. 一、本年新收政府信息公开申请数量·总计."""
    table, _, rest = name.partition(".")
    if table == "review_litigation":
        return REVIEW_LABELS.get(rest, rest)
    row_key, _, col_key = rest.rpartition(".")
    row = next((r for r in template_for(template).request_rows if r.key == row_key), None)
    col = next((c for c in REQUEST_COLUMNS if c.key == col_key), None)
    return f"{row.label if row else row_key}·{col.label if col else col_key}"


def _sum(values: list[Value]) -> Number:
    """Excel's SUM, so the report says what the sheet shows: blanks and text count as 0."""
    return sum((n for v in values if (n := v.number) is not None), 0)


def _differs(written: object, computed: Number) -> bool:
    if written is None:
        return False  # never calculated (openpyxl writes no cached values)
    if isinstance(written, bool) or not isinstance(written, int | float):
        return True
    return abs(written - computed) > 1e-9


def _meta(wb: Workbook, entries: dict[str, Entry], rep: Report) -> None:
    agency = entries[META_AGENCY]
    value = wb[agency.sheet].cell(agency.row, agency.col).value
    rep.agency = str(value).strip() if value is not None and str(value).strip() else None
    if rep.agency is None:
        rep.warnings.append(f"工作表“{INFO_SHEET}”没有填写机关名称")
    year = entries[META_YEAR]
    value = wb[year.sheet].cell(year.row, year.col).value
    if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        rep.year = int(value)
    elif isinstance(value, str) and (m := _YEAR.match(value)):
        rep.year = int(m.group(1))
    elif value is None:
        rep.warnings.append(f"工作表“{INFO_SHEET}”没有填写{YEAR_LABEL}")
    else:
        rep.warnings.append(f"工作表“{INFO_SHEET}”的{YEAR_LABEL}“{value}”不是四位数字年份")


def _sections(
    wb: Workbook, entries: dict[str, Entry], rep: Report, numbers: dict[str, int]
) -> None:
    for sec in SECTIONS:
        text_at = entries.get(f"sections.{sec.number}.text")
        if text_at is None:
            continue
        title_at = entries.get(f"sections.{sec.number}.title")
        title = sec.title
        if title_at is not None and title_at.role == TITLE:
            written = wb[title_at.sheet].cell(title_at.row, title_at.col).value
            title = str(written).strip() if written else title
        raw = wb[text_at.sheet].cell(text_at.row, text_at.col).value
        text = "" if raw is None else str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
        where = Provenance(table=numbers[text_at.sheet], row=text_at.row, col=text_at.col)
        rep.sections[sec.number] = SectionText(sec.number, title, text, where)


def read_workbook(data: bytes | Path, name: str | None = None) -> Report:
    """Read a workbook made by ``gongkai.authoring.new_workbook`` (and filled in) into a Report.

    Totals are computed from their parts; a cached total that differs adds a warning.
    :raises GongkaiError: when the file is not such a workbook or is damaged.
    """
    label = name or (str(data) if isinstance(data, Path) else "工作簿")
    wb, cached = _load(data, label)
    template, entries = _entries(wb, label)
    numbers = {title: i + 1 for i, title in enumerate(wb.sheetnames)}
    rep = Report(template=template, path=label if name or isinstance(data, Path) else None)
    rep.format = "xlsx"
    _meta(wb, entries, rep)
    columns = cell_columns(template)
    values: dict[str, Value] = {}
    parts = total_parts(template)
    for e in entries.values():
        if (
            e.role == INPUT
            and e.name not in parts
            and not e.name.startswith(("meta.", "sections."))
        ):
            where = Provenance(table=numbers[e.sheet], row=e.row, col=e.col)
            values[e.name] = _value(
                wb[e.sheet].cell(e.row, e.col).value, columns.get(e.name), where
            )
    for total, names in parts.items():  # ordered so that a total's parts come first
        e = entries[total]
        computed = _sum([values[n] for n in names])
        where = Provenance(table=numbers[e.sheet], row=e.row, col=e.col)
        values[total] = Value(computed, str(computed), source=where)
        written = wb[e.sheet].cell(e.row, e.col).value
        if isinstance(written, str) and written.startswith("="):
            written = cached[e.sheet].cell(e.row, e.col).value
        if _differs(written, computed):
            place = describe_source(numbers[e.sheet], e.row, e.col)
            rep.warnings.append(
                f"{place}（{_cell_label(total, template)}）"
                f"显示为“{written}”，按各项相加应为{computed}；已采用相加的结果"
            )
    tpl = template_for(template)
    for arow in tpl.active_rows:
        rep.active[arow.key] = [values[f"active.{arow.key}.{c.key}"] for c in arow.columns]
    for rrow in tpl.request_rows:
        rep.requests[rrow.key] = [values[f"requests.{rrow.key}.{c}"] for c in REQUEST_COLUMN_KEYS]
    rep.review_litigation = [values[f"review_litigation.{k}"] for k in REVIEW_KEYS]
    _sections(wb, entries, rep, numbers)
    return rep


def is_fill_in_workbook(data: bytes) -> bool | None:
    """Whether ``data`` is a workbook made by ``gongkai new`` (it has the hidden map sheet).

    False for another Excel workbook (an ``extract -o x.xlsx`` table), None when ``data`` is not
    a readable workbook at all (reading it then says what is wrong). Only the small workbook part
    listing the sheets is inflated, and only when it is of a plausible size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 1024 * 1024:
                return None
            with archive.open(info) as part:
                listing = part.read(1024 * 1024 + 1)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    except (RuntimeError, NotImplementedError):  # encrypted, unknown compression
        return None
    return _MAP_SHEET_LISTED.search(listing) is not None
