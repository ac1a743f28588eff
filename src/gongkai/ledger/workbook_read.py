"""Reading the clerks' ledger workbook back: every row checked, every problem named by its
row and column, and nothing stored unless every row is right (one transaction).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from ..checks.bodies import same_body
from ..errors import GongkaiError
from ..store.engine import Store
from .calendar_store import store_calendar
from .clock import EventKind
from .labels import (
    APPLICANT_READER,
    APPLICANTS,
    CASE_KIND_READER,
    CASE_KINDS,
    CASE_OUTCOME_READER,
    CASE_OUTCOMES,
    CHANNEL_READER,
    CHANNELS,
    OUTCOME_READER,
    PENDING,
    fold,
    lookup,
)
from .records import Case, LedgerEvent, NewRequest, case_problems, problems, receipt
from .store import Imported, import_requests
from .workbook import (
    CASE_COLUMNS,
    CASES_SHEET,
    EVENT_COLUMNS,
    NO,
    ORGAN,
    REQUEST_COLUMNS,
    REQUESTS_SHEET,
    THIRD_PARTY,
    YES,
    Col,
)

MAX_ROWS = 200_000  # rows read from one sheet: bounds the time and memory of an import
MAX_BYTES = 100 * 2**20
_DATE = re.compile(
    r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*[T ]?\s*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})秒?)?分?)?\s*"
)
_SPLIT = re.compile(r"[；;，,、\n]+")


class LedgerImportError(GongkaiError):
    """A workbook with bad rows: ``problems`` lists each, naming its sheet, row and column."""

    def __init__(self, problems: list[str], path: str) -> None:
        self.problems = problems
        shown = "\n".join(problems)
        super().__init__(f"有 {len(problems)} 处错误，未导入任何申请：\n{shown}", path)


@dataclass
class Read:
    """The workbook's requests, each with the sheet row it came from."""

    requests: list[NewRequest] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers that name no column
    columns: set[str] = field(default_factory=set)  # keys of the 台账 columns present


class _Row:
    """One sheet row's cells by column key, and its problems, named by row and column."""

    def __init__(self, sheet: str, row: int, values: dict[str, Any], where: dict[str, str]):
        self.sheet, self.row, self.values, self.where = sheet, row, values, where
        self.problems: list[str] = []

    def bad(self, key: str | None, message: str) -> None:
        at = f"{self.where[key]}" if key else ""
        self.problems.append(f"“{self.sheet}”表第 {self.row} 行{at}：{message}")

    def text(self, key: str) -> str | None:
        v = self.values.get(key)
        if v is None:
            return None
        s = (v.isoformat() if isinstance(v, date) else str(v)).strip()
        return s or None

    def day(self, key: str) -> date | None:
        v = self.values.get(key)
        got = _when(v)
        if got is None and v is not None and self.text(key):
            self.bad(key, f"“{self.text(key)}”不是日期，请写成 YYYY-MM-DD，如 2025-03-01")
        return got.date() if isinstance(got, datetime) else got

    def days(self, key: str) -> list[date]:
        v = self.values.get(key)
        if v is None or isinstance(v, date | int | float):
            one = self.day(key)
            return [one] if one else []
        out: list[date] = []
        for part in _SPLIT.split(str(v)):
            if not part.strip():
                continue
            got = _when(part)
            if got is None:
                self.bad(key, f"“{part.strip()}”不是日期，请写成 YYYY-MM-DD")
            else:
                out.append(got.date() if isinstance(got, datetime) else got)
        return out

    def moment(self, key: str) -> datetime | None:
        got = _when(self.values.get(key))
        if got is None and self.text(key):
            self.bad(key, f"“{self.text(key)}”不是日期或时间，请写成 2025-03-01 09:30")
        if isinstance(got, datetime) or got is None:
            return got
        return datetime.combine(got, time())

    def integer(self, key: str) -> int | None:
        v = self.values.get(key)
        text = self.text(key)
        if text is None:
            return None
        if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer():
            return int(v)
        if text.isdigit():
            return int(text)
        self.bad(key, f"“{text}”应为非负整数")
        return None

    def choice(self, key: str, table: dict[str, str], labels: Sequence[str] = ()) -> str | None:
        text = self.text(key)
        if text is None:
            return None
        got = lookup(table, text)
        if got is None:
            hint = f"应为：{'、'.join(labels)}" if labels else "请从该列的下拉列表中选择"
            self.bad(key, f"未知的值“{text}”，{hint}")
        return got


def _when(v: object) -> date | datetime | None:
    """A cell as a date or time: Excel dates, serial numbers, and the ways clerks write one."""
    if isinstance(v, datetime):
        return v if v.time() != time() else v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if 20_000 <= v <= 80_000:  # an Excel serial day number (1954–2119)
            got = from_excel(v)
            return got if isinstance(got, datetime) else None
        return None
    if not isinstance(v, str):
        return None
    m = _DATE.fullmatch(v)
    if m is None:
        return None
    try:
        if m[4] is None:
            return date(int(m[1]), int(m[2]), int(m[3]))
        return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6] or 0))
    except ValueError:
        return None


def _rows(ws: Worksheet, cols: Sequence[Col], read: Read) -> list[_Row]:
    """The sheet's non-blank rows with the cells of known columns; missing required headers
    are problems."""
    known = {fold(c.header): c for c in cols}
    found: dict[int, Col] = {}
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    for i, h in enumerate(header):
        if h is None or not str(h).strip():
            continue
        col = known.get(fold(str(h)))
        if col is None:
            read.ignored.append(f"{ws.title}·{h}")
        else:
            found[i] = col
    if not found and ws.title == CASES_SHEET and ws.max_row <= 1:
        return []  # an empty 复议诉讼 sheet, header cleared too: no cases
    missing = [c.header for c in cols if c.required and c not in found.values()]
    if missing:
        read.problems.append(f"“{ws.title}”表缺少必填的列：{'、'.join(missing)}（表头应在第 1 行）")
        return []
    where = {c.key: f" {get_column_letter(i + 1)} 列（{c.header}）" for i, c in found.items()}
    if ws.title == REQUESTS_SHEET:
        read.columns = set(where)
    out: list[_Row] = []
    for n, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if n > MAX_ROWS + 1:
            read.problems.append(f"“{ws.title}”表超过 {MAX_ROWS} 行，请分成几个文件导入")
            break
        cells = {c.key: values[i] for i, c in found.items() if i < len(values)}
        if any(v is not None and str(v).strip() for v in cells.values()):
            out.append(_Row(ws.title, n, cells, where))
    return out


def _events(r: _Row, received: date) -> list[LedgerEvent]:
    """The row's events, in the order the clock replays them within a day."""
    events: list[LedgerEvent] = []
    parties = [p.strip() for p in _SPLIT.split(r.text("consulted") or "") if p.strip()]
    for p in parties:
        if p not in (THIRD_PARTY, ORGAN):
            r.bad("consulted", f"未知的征求意见对象“{p}”，应为：{THIRD_PARTY}、{ORGAN}")
    on_the_spot = r.choice("on_the_spot", {fold(YES): YES, fold(NO): NO}, (YES, NO)) == YES
    outcome = r.choice("outcome", OUTCOME_READER)
    for key, kind in EVENT_COLUMNS.items():
        for i, day in enumerate(r.days(key)):
            if day < received:
                r.bad(key, f"{day} 早于收到申请日期 {received}")
            extra: dict[str, Any] = {}
            if key == "consultation_start":
                third = parties[i] if i < len(parties) else parties[0] if parties else None
                extra["third_party"] = None if third is None else third == THIRD_PARTY
            elif key == "extension":
                extra = {"days": r.integer("extension_days"), "approver": r.text("approver")}
            elif key == "fee_notice":
                extra["amount"] = r.integer("fee_amount")
            elif key == "answered":
                kind = EventKind.ON_THE_SPOT.value if on_the_spot else kind
                if outcome is None and r.text("outcome") is None:
                    r.bad("outcome", "填写了答复日期，但没有办理结果")
                extra["outcome"] = outcome
            events.append(LedgerEvent(kind, day, **extra))
    if r.text("answered") is None and (on_the_spot or r.text("outcome")):
        if on_the_spot:  # 当场答复: answered the day received
            events.append(LedgerEvent(EventKind.ON_THE_SPOT.value, received, outcome=outcome))
            if outcome is None and r.text("outcome") is None:
                r.bad("outcome", "当场答复，但没有办理结果")
        else:
            r.bad("answered", "填写了办理结果，但没有答复日期")
    return events


def _column_of(r: _Row, problem: str) -> str | None:
    """The event column a clock message is about: the one holding the date it starts with."""
    m = re.match(r"(\d{4}-\d{2}-\d{2})", problem)
    if m is None:
        return None
    day = date.fromisoformat(m[1])
    keys = [k for k in EVENT_COLUMNS if k in r.where and day in r.days(k)]
    return keys[0] if len(keys) == 1 else None


def _request(r: _Row, body: str | None) -> NewRequest | None:
    if body and (shown := r.text("body")) and not same_body(shown, body):
        r.bad("body", f"单位“{shown}”不是导入的单位“{body}”")
    ref = r.text("ref")
    if ref is None:
        r.bad("ref", "缺少申请编号")
    channel = r.choice("channel", CHANNEL_READER, list(CHANNELS.values()))
    applicant = r.choice("applicant_type", APPLICANT_READER, list(APPLICANTS.values()))
    submitted, legal = r.moment("submitted_at"), r.day("received")
    if channel is None and r.text("channel") is None:
        r.bad("channel", "缺少收到方式")
    if applicant is None and r.text("applicant_type") is None:
        r.bad("applicant_type", "缺少申请人类型")
    received = legal
    if channel is not None and not r.problems:  # a date that could not be read says so once
        received, problem = receipt(channel, submitted, legal)
        if problem:
            r.bad("received", problem)
    if received is None or r.problems:
        return None
    events = _events(r, received)
    if ref is None or applicant is None or r.problems:
        return None
    return NewRequest(
        ref,
        channel or "",
        received,
        applicant,
        submitted,
        r.text("applicant_name"),
        r.text("applicant_contact"),
        r.text("content"),
        tuple(events),
    )


def _case(r: _Row) -> tuple[str, Case] | None:
    ref, filed = r.text("ref"), r.day("filed")
    kind = r.choice("kind", CASE_KIND_READER, list(CASE_KINDS.values()))
    outcome = r.choice("outcome", CASE_OUTCOME_READER, list(CASE_OUTCOMES.values()))
    decided = r.day("decided")
    if filed is None and r.text("filed") is None:
        r.bad("filed", "缺少立案日期")
    if r.problems or ref is None or kind is None or filed is None:
        return None
    result = None if outcome == PENDING else outcome
    return ref, Case(kind, filed, result, decided, r.text("reference"))


def read_ledger(
    data: bytes | Path,
    body: str | None = None,
    *,
    today: date | None = None,
    check: Callable[[NewRequest], list[str]] | None = None,
    name: str | None = None,
) -> Read:
    """Every row of a ledger workbook as a request, or the problems of the rows that are not.

    :param body: the body imported for: a row naming another in “单位” is a problem.
    :param check: the record-level checks of a request (the clock…), e.g. those of
        :func:`.records.problems` with the store's calendar.
    """
    today = today or date.today()
    path = name or (str(data) if isinstance(data, Path) else "台账.xlsx")
    raw = data.read_bytes() if isinstance(data, Path) else data
    if len(raw) > MAX_BYTES:
        raise GongkaiError(f"文件超过 {MAX_BYTES // 2**20} MB", path)
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise GongkaiError("不是 Excel 工作簿（.xlsx），或文件已损坏", path) from None
    read = Read()
    if REQUESTS_SHEET not in wb.sheetnames:
        raise GongkaiError(
            f"工作簿中没有“{REQUESTS_SHEET}”表（请用 gongkai ledger template 生成）", path
        )
    by_ref: dict[str, tuple[NewRequest, int]] = {}
    for r in _rows(wb[REQUESTS_SHEET], REQUEST_COLUMNS, read):
        req = _request(r, body)
        if req is not None and check is not None:
            for p in check(req):
                r.bad(_column_of(r, p), p)
        if req is not None and req.ref in by_ref:
            r.bad("ref", f"申请编号与第 {by_ref[req.ref][1]} 行重复")
        read.problems += r.problems
        if req is not None and not r.problems:
            by_ref[req.ref] = (req, r.row)
    cases: dict[str, list[Case]] = {}
    if CASES_SHEET in wb.sheetnames:
        for r in _rows(wb[CASES_SHEET], CASE_COLUMNS, read):
            got = _case(r)
            if got is not None and got[0] not in by_ref:
                r.bad("ref", f"申请编号“{got[0]}”不在“{REQUESTS_SHEET}”表中（或该行有错）")
            elif got is not None:
                for p in case_problems(by_ref[got[0]][0].received, [got[1]], today):
                    r.bad(None, p)
            read.problems += r.problems
            if got is not None and not r.problems:
                cases.setdefault(got[0], []).append(got[1])
    wb.close()
    for ref, (req, row) in by_ref.items():
        read.requests.append(NewRequest(**{**_fields(req), "cases": tuple(cases.get(ref, ()))}))
        read.rows.append(row)
    return read


def _fields(req: NewRequest) -> dict[str, Any]:
    return {f: getattr(req, f) for f in req.__dataclass_fields__}


def import_workbook(
    store: Store, path: Path, body: str, today: date | None = None, actor: str = "system"
) -> tuple[Imported, Read]:
    """``gongkai ledger import``: check every row, then store all requests in one transaction.

    :raises LedgerImportError: listing every bad row (sheet, row, column); nothing is stored.
    """
    today = today or date.today()
    with store.begin() as conn:
        cal = store_calendar(conn)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GongkaiError(f"无法读取文件（{exc.strerror}）", str(path)) from None
    read = read_ledger(
        data, body, today=today, check=lambda r: problems(r, cal, today), name=str(path)
    )
    if read.problems:
        raise LedgerImportError(read.problems, str(path))
    if not read.requests:
        raise GongkaiError(f"“{REQUESTS_SHEET}”表中没有申请", str(path))
    # An export without personal data leaves the stored names and contacts as they are.
    keep = [c.key for c in REQUEST_COLUMNS if c.personal and c.key not in read.columns]
    return import_requests(store, body, read.requests, today, keep, actor=actor), read
