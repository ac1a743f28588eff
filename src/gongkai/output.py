"""Writing extracted reports: JSON, JSON Lines, CSV and XLSX (one row per report)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import templates as T
from .batch import Outcome
from .errors import GongkaiError

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMATS = ("json", "jsonl", "csv", "xlsx")
META_COLUMNS = ("file", "agency", "year", "template", "warnings", "error")


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


def rows(outcomes: Sequence[Outcome]) -> tuple[list[str], list[list[Any]]]:
    """A header and one row per report, cells under stable column names."""
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
    header = [*META_COLUMNS, *cells, *legacy]
    return header, [[rec.get(h) for h in header] for rec in flat]


def csv_text(header: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    """CSV with a BOM: Excel opens UTF-8 CSV correctly only with it."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(["" if v is None else v for v in r] for r in body)
    return "\ufeff" + buf.getvalue()


def xlsx_workbook(
    header: Sequence[str], body: Sequence[Sequence[Any]], title: str, freeze: str
) -> Workbook:
    """A workbook whose first sheet holds the header and rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for r in body:
        ws.append(list(r))
    ws.freeze_panes = freeze
    return wb


def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(outcomes: Sequence[Outcome]) -> str:
    return csv_text(*rows(outcomes))


def to_xlsx(outcomes: Sequence[Outcome]) -> bytes:
    header, body = rows(outcomes)
    return xlsx_bytes(xlsx_workbook(header, body, "reports", "E2"))


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
