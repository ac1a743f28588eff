"""The Excel ledger clerks keep: one row per request on the sheet “台账”, the reviews and
lawsuits on “复议诉讼”, the lists the drop-downs use on a hidden sheet.

:func:`template_workbook` writes it empty, :func:`export_workbook` filled from the store (the
applicant's name and contact only with ``personal=True``; every text written as text, never as
a formula); :mod:`.workbook_read` reads it back. Headers and list entries are Chinese labels
from :mod:`gongkai.templates` (via :mod:`.labels`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from ..output import set_literal
from ..store import schema
from ..store.access import Scope
from ..store.engine import Store
from ..store.queries import resolve_body
from .clock import EventKind
from .labels import APPLICANTS, CASE_KINDS, CASE_OUTCOMES, CHANNELS, OUTCOMES_2021, FeeKind
from .records import Case, LedgerEvent, NewRequest
from .store import load_many

REQUESTS_SHEET, CASES_SHEET, LISTS_SHEET, HELP_SHEET = "台账", "复议诉讼", "选项", "填写说明"
YES, NO = "是", "否"
THIRD_PARTY, ORGAN = "第三方", "其他机关"
SEPARATOR = "；"  # several dates (or parties) in one cell: one per consultation
EMPTY_ROWS = 1000  # rows of an empty template the drop-downs cover
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, slots=True)
class Col:
    key: str
    header: str
    kind: str = "text"  # text | date | datetime | dates | int | list | lists
    choices: tuple[str, ...] = ()
    width: int = 14
    required: bool = False
    personal: bool = False


REQUEST_COLUMNS = (
    Col("body", "单位", width=24),
    Col("ref", "申请编号", required=True),
    Col("channel", "收到方式", "list", tuple(CHANNELS.values()), 16, True),
    Col("submitted_at", "提交时间", "datetime", width=18),
    Col("received", "收到申请日期", "date", width=14, required=True),
    Col("applicant_type", "申请人类型", "list", tuple(APPLICANTS.values()), 20, True),
    Col("applicant_name", "申请人姓名或名称", width=18, personal=True),
    Col("applicant_contact", "联系方式", width=18, personal=True),
    Col("content", "申请内容", width=36),
    Col("correction_notice", "补正通知日期", "date"),
    Col("correction_received", "收到补正日期", "date"),
    Col("consultation_start", "征求意见开始日期", "dates", width=16),
    Col("consultation_end", "征求意见结束日期", "dates", width=16),
    Col("consulted", "征求意见对象", "lists", (THIRD_PARTY, ORGAN)),
    Col("extension", "延期日期", "date"),
    Col("extension_days", "延长工作日数", "int"),
    Col("approver", "延期批准人"),
    Col("fee_notice", "收费通知日期", "date"),
    Col("fee_amount", "收费金额（元）", "int"),
    Col("fee_paid", "缴费日期", "date"),
    Col("on_the_spot", "当场答复", "list", (YES, NO), 10),
    Col("answered", "答复日期", "date"),
    Col("outcome", "办理结果", "list", tuple(OUTCOMES_2021.values()), 40),
)
CASE_COLUMNS = (
    Col("ref", "申请编号", required=True),
    Col("kind", "案件类型", "list", tuple(CASE_KINDS.values()), 18, True),
    Col("reference", "案号", width=20),
    Col("filed", "立案日期", "date", required=True),
    Col("outcome", "结果", "list", tuple(CASE_OUTCOMES.values()), 12),
    Col("decided", "审结日期", "date"),
)
# One event per date column (the consultation columns may hold several dates).
EVENT_COLUMNS = {
    "correction_notice": EventKind.CORRECTION_NOTICE.value,
    "correction_received": EventKind.CORRECTION_RECEIVED.value,
    "consultation_start": EventKind.CONSULTATION_START.value,
    "consultation_end": EventKind.CONSULTATION_END.value,
    "extension": EventKind.EXTENSION.value,
    "fee_notice": FeeKind.FEE_NOTICE.value,
    "fee_paid": FeeKind.FEE_PAID.value,
    "answered": EventKind.REPLY.value,
}
HELP = (
    "每件申请填一行；“申请编号”在本单位内唯一，再次导入同一编号的申请会更新它（含办理事项和复议诉讼）。",
    "收到申请日期按《政府信息公开条例》第三十一条：当面提交为提交之日（可不填，按提交时间）；"
    "邮寄为签收之日；平信、互联网、传真为双方确认之日。",
    "日期写成 2025-03-01（或 2025/3/1、2025年3月1日）；同一申请多次征求意见时，"
    f"开始、结束日期和征求意见对象用“{SEPARATOR}”分隔，一一对应。",
    "答复的申请填写答复日期和办理结果；当场答复的填“是”，答复日期即收到申请日期。",
    "未答复的申请不填答复日期和办理结果：年度报告中计入结转下年度。",
    "“复议诉讼”表每个案件一行，申请编号须是“台账”表中的申请；尚未审结的不填结果和审结日期。",
    "导入时逐行检查，任何一行有错则整个文件不导入，并列出每个错误所在的行和列。",
)

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def columns(personal: bool = True) -> tuple[Col, ...]:
    return tuple(c for c in REQUEST_COLUMNS if personal or not c.personal)


def _clean(value: Any) -> Any:
    return _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value


def _put(ws: Worksheet, row: int, col: int, value: Any, kind: str) -> None:
    cell = set_literal(ws.cell(row, col), _clean(value))
    if kind == "date" and isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif kind == "datetime" and isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"


def _sheet(ws: Worksheet, cols: Sequence[Col], lists: Mapping[str, str], rows: int) -> None:
    for i, c in enumerate(cols, start=1):
        cell = ws.cell(1, i, c.header)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if c.required else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = c.width
        if c.kind in ("list", "lists"):
            letter = get_column_letter(i)
            # A typed value outside a multi-value list is allowed (warning only).
            dv = DataValidation(
                type="list",
                formula1=lists[c.key],
                allow_blank=True,
                errorStyle="warning" if c.kind == "lists" else "stop",
                error=f"请从列表中选择{c.header}",
                errorTitle=c.header,
            )
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{rows + 1}")
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(rows, 1) + 1}"


def _lists_sheet(wb: Workbook) -> dict[str, str]:
    """The drop-down lists, one column each, on a hidden sheet; column key → range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    out: dict[str, str] = {}
    n = 0
    for c in (*REQUEST_COLUMNS, *CASE_COLUMNS):
        if c.kind not in ("list", "lists") or c.key in out:
            continue
        n += 1
        letter = get_column_letter(n)
        ws.cell(1, n, c.header)
        for j, choice in enumerate(c.choices, start=2):
            ws.cell(j, n, choice)
        out[c.key] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(c.choices) + 1}"
    ws.sheet_state = "hidden"
    return out


def _new_workbook(personal: bool, requests: int, cases: int) -> tuple[Workbook, dict[str, str]]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new Workbook always has one sheet
    ws.title = REQUESTS_SHEET
    lists = _lists_sheet(wb)
    _sheet(ws, columns(personal), lists, max(requests + 200, EMPTY_ROWS))
    _sheet(wb.create_sheet(CASES_SHEET, 1), CASE_COLUMNS, lists, max(cases + 200, EMPTY_ROWS))
    help_ws = wb.create_sheet(HELP_SHEET, 2)
    help_ws.column_dimensions["A"].width = 110
    for i, line in enumerate(HELP, start=1):
        help_ws.cell(i, 1, line).alignment = Alignment(wrap_text=True)
    wb.properties.creator = "gongkai"
    return wb, lists


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_workbook() -> bytes:
    """The empty ledger workbook (``gongkai ledger template``)."""
    wb, _ = _new_workbook(True, 0, 0)
    wb.properties.title = "政府信息公开申请台账"
    return _save(wb)


def request_cells(req: NewRequest, body: str) -> dict[str, Any]:
    """A request as the workbook's cells (column key → value)."""
    cells: dict[str, Any] = {
        "body": body,
        "ref": req.ref,
        "channel": CHANNELS.get(req.channel, req.channel),
        "submitted_at": req.submitted_at,
        "received": req.received,
        "applicant_type": APPLICANTS.get(req.applicant_type, req.applicant_type),
        "applicant_name": req.applicant_name,
        "applicant_contact": req.applicant_contact,
        "content": req.content,
    }
    by_kind: dict[str, list[LedgerEvent]] = {}
    for e in req.events:
        by_kind.setdefault(e.kind, []).append(e)
    for key, kind in EVENT_COLUMNS.items():
        found = by_kind.get(kind, [])
        if key.startswith("consultation"):
            cells[key] = SEPARATOR.join(e.day.isoformat() for e in found) or None
        elif found:
            cells[key] = found[0].day
    starts = by_kind.get(EventKind.CONSULTATION_START.value, [])
    cells["consulted"] = (
        SEPARATOR.join(ORGAN if e.third_party is False else THIRD_PARTY for e in starts) or None
    )
    if len(starts) == 1:  # one consultation: its dates as dates, not as text
        cells["consultation_start"] = starts[0].day
        ends = by_kind.get(EventKind.CONSULTATION_END.value, [])
        cells["consultation_end"] = ends[0].day if len(ends) == 1 else cells["consultation_end"]
    ext = by_kind.get(EventKind.EXTENSION.value)
    if ext:
        cells["extension_days"], cells["approver"] = ext[0].days, ext[0].approver
    fee = by_kind.get(FeeKind.FEE_NOTICE.value)
    if fee:
        cells["fee_amount"] = fee[0].amount
    answer = req.answer
    if answer is not None:
        cells["answered"] = answer.day
        cells["on_the_spot"] = YES if answer.kind == EventKind.ON_THE_SPOT else NO
        cells["outcome"] = OUTCOMES_2021.get(answer.outcome or "", answer.outcome)
    return cells


def case_cells(ref: str, c: Case) -> dict[str, Any]:
    return {
        "ref": ref,
        "kind": CASE_KINDS.get(c.kind, c.kind),
        "reference": c.reference,
        "filed": c.filed,
        "outcome": CASE_OUTCOMES.get(c.outcome or "pending"),
        "decided": c.decided,
    }


def export_workbook(
    store: Store,
    body: int | str | None = None,
    personal: bool = False,
    scope: Scope | None = None,
) -> bytes:
    """The ledger as the clerks' workbook (``gongkai ledger export``); the applicant's name and
    contact only with ``personal``; ``scope`` limits the bodies (default: all)."""
    rq, b = schema.ledger_requests.c, schema.bodies.c
    with store.begin() as conn:
        query = select(rq.id, b.name).join(schema.bodies, b.id == rq.body_id)
        if body is not None:
            query = query.where(rq.body_id == resolve_body(conn, body))
        if scope is not None and not scope.everything:
            query = query.where(rq.body_id.in_(select(b.id).where(scope.bodies())))
        ids = conn.execute(query.order_by(b.name, rq.received, rq.id)).all()
        records = load_many(conn, [i for i, _ in ids], personal)
        loaded = [(name, records[i][1]) for i, name in ids]
    n_cases = sum(len(r.cases) for _, r in loaded)
    wb, _ = _new_workbook(personal, len(loaded), n_cases)
    ws, cs = wb[REQUESTS_SHEET], wb[CASES_SHEET]
    cols = columns(personal)
    case_row = 2
    for row, (name, req) in enumerate(loaded, start=2):
        cells = request_cells(req, name)
        for i, c in enumerate(cols, start=1):
            if cells.get(c.key) is not None:
                _put(ws, row, i, cells[c.key], c.kind)
        for case in req.cases:
            values = case_cells(req.ref, case)
            for i, col in enumerate(CASE_COLUMNS, start=1):
                if values.get(col.key) is not None:
                    _put(cs, case_row, i, values[col.key], col.kind)
            case_row += 1
    wb.properties.title = "政府信息公开申请台账（导出）"
    return _save(wb)
