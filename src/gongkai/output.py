"""Writing extracted reports: JSON, JSON Lines, CSV and XLSX (one row per report).

The shape of every CSV and XLSX table gongkai writes (``extract``, ``summarize
--contributions``):

* the first row holds the machine keys (``file``, ``requests.new.total`` …), so the file loads
  as it is in pandas, R or Stata;
* with ``labels=True`` a second row holds the Chinese label of each key (``文件``,
  ``一、本年新收政府信息公开申请数量·总计`` …); skip it when loading (``skiprows=[1]``);
* an XLSX workbook always has a ``字段说明`` sheet listing every key with its Chinese label, a
  bold frozen header with a filter, the label as a note on each key, column widths fitted to
  the contents and a landscape page set up to print one page wide;
* text that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return) is written with a leading ``'`` (OWASP's rule, see
  :func:`neutralise`); numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import templates as T
from .batch import Outcome
from .errors import GongkaiError

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FORMATS = ("json", "jsonl", "csv", "xlsx")
META_COLUMNS = ("file", "agency", "year", "template", "warnings", "error")
# Columns left out with ``brief``: what the reading noticed, not the tables themselves.
BRIEF_DROPPED = ("warnings",)
META_LABELS = {
    "file": "文件",
    "agency": "机关名称",
    "year": "年度",
    "template": "表格格式",
    "warnings": "读取提示",
    "error": "无法读取的原因",
}
LABELS_SHEET = "字段说明"

# OWASP "CSV injection": a cell starting with one of these is a formula (or DDE) in Excel,
# LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Left as they are: a negative number written as text, and a dash placeholder ("-", "--").
_HARMLESS = re.compile(r"-?[0-9]+(?:\.[0-9]+)?|-+")
# Characters XML 1.0 cannot hold (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell (CSV or XLSX): text that would start a formula
    gets a leading single quote; numbers, blanks and other text are returned unchanged.

    A negative number written as text (``"-3"``, ``"-0.5"``) and a dash placeholder (``"-"``)
    are left alone: a spreadsheet reads them as a number or as text, never as a formula.
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _HARMLESS.fullmatch(value)
    ):
        return "'" + value
    return value


def set_literal(cell: Any, value: Any) -> Any:
    """Put ``value`` in an openpyxl ``cell`` as written, never as a formula: text that would
    start one is stored as text with Excel's quote prefix (what typing ``'=…`` does), so a
    workbook that gongkai reads back (authoring) returns it unchanged. Returns the cell."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def cell_columns() -> list[str]:
    """Stable spreadsheet column names for every template cell (both templates)."""
    cols: list[str] = []
    for row in (*T.ACTIVE_2021, *T.ACTIVE_2019):
        for c in row.columns:
            name = f"active.{row.key}.{c.key}"
            if name not in cols:
                cols.append(name)
    for key in T.ALL_REQUEST_KEYS:
        cols.extend(f"requests.{key}.{c}" for c in T.REQUEST_COLUMN_KEYS)
    cols.extend(f"review_litigation.{k}" for k in T.REVIEW_KEYS)
    return cols


def cell_label(name: str) -> str:
    """The Chinese label of a cell column, e.g. ``一、本年新收政府信息公开申请数量·总计``;
    the name itself when it is not a template cell."""
    from .checks.context import column_label, row_label  # checks imports much; keep it lazy

    table, _, rest = name.partition(".")
    if table == "review_litigation":
        return T.REVIEW_LABELS.get(rest, name)
    if table == "legacy":
        return rest
    row_key, _, col_key = rest.rpartition(".")
    if table == "active":
        for row in (*T.ACTIVE_2021, *T.ACTIVE_2019):
            col = next((c for c in row.columns if c.key == col_key), None)
            if row.key == row_key and col is not None:
                return f"{row.label}·{col.label}"
    if table == "requests" and col_key in T.REQUEST_COLUMN_KEYS:
        return f"{row_label(row_key)}·{column_label(T.REQUEST_COLUMN_KEYS.index(col_key))}"
    return name


def column_labels(header: Sequence[str], meta: Mapping[str, str] = META_LABELS) -> list[str]:
    """The Chinese label of every column of ``header`` (``meta`` names the non-cell columns)."""
    return [meta.get(h) or cell_label(h) for h in header]


def outcome_dict(o: Outcome, detail: bool = True) -> dict[str, Any]:
    if o.report is None:
        return {"file": o.path, "error": o.error}
    d = o.report.to_dict(detail=detail)
    d["file"] = o.path
    return d


def to_json(outcomes: Sequence[Outcome], detail: bool = True) -> str:
    """One object for one file; JSON Lines (one object per file) for several."""
    if len(outcomes) == 1:
        return json.dumps(outcome_dict(outcomes[0], detail), ensure_ascii=False, indent=1) + "\n"
    return to_jsonl(outcomes, detail)


def to_jsonl(outcomes: Sequence[Outcome], detail: bool = True) -> str:
    return "".join(json.dumps(outcome_dict(o, detail), ensure_ascii=False) + "\n" for o in outcomes)


def rows(outcomes: Sequence[Outcome], brief: bool = False) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per report, cells under stable column names.

    ``brief`` leaves out what the reading noticed (the ``warnings`` column), as ``extract
    --brief`` does for JSON; CSV and XLSX never carry provenance or sections.
    """
    cells = cell_columns()
    legacy: list[str] = []
    flat: list[dict[str, Any]] = []
    for o in outcomes:
        rec: dict[str, Any] = {"file": o.path, "error": o.error or ""}
        rep = o.report
        if rep is not None:
            rec.update(agency=rep.agency, year=rep.year, template=rep.template)
            rec["warnings"] = "；".join(rep.warnings)
            for name, v in rep.cells():
                if name.startswith("legacy.") and name not in legacy:
                    legacy.append(name)
                rec[name] = v.shown
        flat.append(rec)
    meta = [m for m in META_COLUMNS if not (brief and m in BRIEF_DROPPED)]
    header = [*meta, *cells, *legacy]
    return header, [[rec.get(h) for h in header] for rec in flat]


def csv_text(
    header: Sequence[str], body: Sequence[Sequence[Any]], labels: Sequence[str] | None = None
) -> str:
    """CSV with a BOM (Excel opens UTF-8 CSV correctly only with it): the keys, the Chinese
    ``labels`` as a second row when given, then ``body``; formula-like text neutralised."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([neutralise(h) for h in header])
    if labels is not None:
        w.writerow([neutralise(h) for h in labels])
    w.writerows(["" if v is None else neutralise(v) for v in r] for r in body)
    return "\ufeff" + buf.getvalue()


def xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(_ILLEGAL_XML.sub("\ufffd", value))
    return value


def text_width(value: Any) -> int:
    """Display width of a cell: CJK characters count two."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_table(
    ws: Worksheet,
    header: Sequence[str],
    body: Sequence[Sequence[Any]],
    labels: Sequence[str],
    freeze_columns: int = 0,
    label_row: bool = False,
) -> None:
    """``header`` (and the Chinese ``labels`` as a second row with ``label_row``, else as notes
    on the keys) and ``body`` into ``ws``: bold frozen header, filter, widths, fit-to-width."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    ws.append([xlsx_value(h) for h in header])
    if label_row:
        ws.append([xlsx_value(h) for h in labels])
    top = 2 if label_row else 1
    for row in ws.iter_rows(min_row=1, max_row=top):
        for cell in row:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not label_row:
        for cell, label in zip(ws[1], labels, strict=False):
            if label and label != cell.value:
                cell.comment = Comment(str(label), "gongkai", width=240, height=60)
    for r in body:
        ws.append([xlsx_value(v) for v in r])
    last = get_column_letter(max(len(header), 1))
    ws.freeze_panes = ws.cell(top + 1, freeze_columns + 1)
    ws.auto_filter.ref = f"A{top}:{last}{max(ws.max_row, top)}"
    for i, key in enumerate(header):
        seen = [text_width(key), text_width(labels[i]) if i < len(labels) else 0]
        seen.extend(text_width(r[i]) for r in body[:200] if i < len(r))
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(*seen, 6) + 2, 40)
    ws.print_title_rows = f"1:{top}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def xlsx_workbook(
    header: Sequence[str],
    body: Sequence[Sequence[Any]],
    title: str,
    freeze_columns: int = 0,
    labels: Sequence[str] | None = None,
    label_row: bool = False,
) -> Workbook:
    """A workbook whose first sheet holds the header and rows (see :func:`write_table`) and
    whose last sheet, 字段说明, lists every key with its Chinese label."""
    from openpyxl import Workbook

    names = list(labels) if labels is not None else column_labels(header)
    wb = Workbook()
    ws = wb.active
    ws.title = title
    write_table(ws, header, body, names, freeze_columns, label_row)
    add_labels_sheet(wb, header, names)
    return wb


def add_labels_sheet(wb: Workbook, header: Sequence[str], labels: Sequence[str]) -> None:
    """A 字段说明 sheet (or more rows on it): key and Chinese label, one column a row."""
    ws = wb[LABELS_SHEET] if LABELS_SHEET in wb.sheetnames else None
    pairs = [[h, labels[i] if i < len(labels) else ""] for i, h in enumerate(header)]
    if ws is None:
        ws = wb.create_sheet(LABELS_SHEET)
        write_table(ws, ["字段", "中文名称"], pairs, ["字段", "中文名称"])
        return
    known = {c.value for c in ws["A"]}
    for key, label in pairs:
        if xlsx_value(key) not in known:
            ws.append([xlsx_value(key), xlsx_value(label)])
    ws.auto_filter.ref = f"A1:B{ws.max_row}"


def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(outcomes: Sequence[Outcome], brief: bool = False, labels: bool = False) -> str:
    """One row per report; ``labels`` adds the Chinese label row under the keys."""
    header, body = rows(outcomes, brief)
    return csv_text(header, body, column_labels(header) if labels else None)


def to_xlsx(outcomes: Sequence[Outcome], brief: bool = False, labels: bool = False) -> bytes:
    """One row per report on the sheet ``reports``; ``labels`` adds the Chinese label row."""
    header, body = rows(outcomes, brief)
    return xlsx_bytes(xlsx_workbook(header, body, "reports", 4, label_row=labels))


def write_file(out: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``out`` (creating folders); a failure is a Chinese GongkaiError."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            out.write_bytes(data)
        else:
            out.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise GongkaiError(f"无法写入文件：{exc.strerror or exc}", str(out)) from None
    return out
