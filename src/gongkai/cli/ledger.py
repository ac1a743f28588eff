"""``gongkai ledger …``: the request ledger's verbs.

``ledger due RECEIVED [--days N]`` answers the clerk's everyday question: the N-th working day
after a receipt date (day 0), printed first as YYYY-MM-DD (so scripts can take the first line),
then the holidays and make-up days the count crossed, and why it is provisional if it is.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from ..checks.context import column_label, row_label
from ..errors import GongkaiError
from ..ledger.calendar import MAX_DAYS, Calendar, CalendarError
from ..ledger.calendar_store import store_calendar
from ..ledger.clock import ANSWER_DAYS, State
from ..ledger.labels import APPLICANTS, CHANNELS
from ..ledger.reconcile import reconcile_published
from ..ledger.tables import annual_tables, explain
from ..ledger.views import LIST_HEADER, PERSONAL_HEADER, get_request, list_requests
from ..ledger.workbook import export_workbook, template_workbook
from ..ledger.workbook_read import LedgerImportError, import_workbook
from ..output import cell_label
from ..store.engine import database_url
from ..templates import REQUEST_COLUMN_KEYS, REVIEW_KEYS
from .common import (
    USAGE,
    OutputKind,
    emit,
    fail,
    fail_on,
    output_options,
    safe,
    say,
    table,
    target,
)
from .store import db_options, open_db

F = TypeVar("F", bound=Callable[..., Any])

# 2026-02-10, 2026/2/10, 2026.2.10 and 2026年2月10日: the ways clerks write a date.
_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


def parse_date(text: str, what: str = "日期") -> date:
    m = _DATE.fullmatch(text)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        fail(f"{what}“{text}”无法识别，请写成 YYYY-MM-DD，如 2026-02-10", USAGE)


@click.group("ledger")
def ledger_group() -> None:
    """政府信息公开申请台账：答复期限、办理状态、台账导入导出，以及由台账统计年度报告表三、表四。"""


@ledger_group.command("due")
@click.argument("received", metavar="RECEIVED")
@click.option(
    "--days",
    "-n",
    type=click.IntRange(0, MAX_DAYS),
    default=ANSWER_DAYS,
    show_default=True,
    help="工作日数（收到申请之日为第 0 日，次一工作日起算）。",
)
@db_options
def due_command(received: str, days: int, db: str | None, db_timeout: float | None) -> None:
    """收到申请之日（RECEIVED，如 2026-02-10）后第 N 个工作日：先输出届满日，
    再列出期间的法定节假日和调休上班日；所跨年度的节假日安排尚未载入时注明“暂定”。
    数据库存在时，也采用其中以 gongkai calendar add 载入的年度。"""
    start = parse_date(received, "收到申请之日")
    try:
        result = _calendar(db, db_timeout).working_days_after(start, days)
    except CalendarError as exc:
        fail_on(exc, USAGE)
    click.echo(result.due.isoformat())
    lines = result.describe()
    if not result.crossed:
        lines.insert(0, "期间没有法定节假日或调休上班日")
    for line in lines:
        click.echo(line)


def _calendar(db: str | None, timeout: float | None) -> Calendar:
    """The packaged calendar, with the years added to the store when there is one."""
    url = database_url(db)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///") :]).exists():
        return Calendar.packaged()  # no store yet: nothing was added
    with open_db(db, timeout, create=False) as store:
        try:
            with store.begin() as conn:
                return store_calendar(conn)
        except GongkaiError as exc:
            fail_on(exc)


# -- the ledger in the store -------------------------------------------------------------------

TABLES = OutputKind({".json": "json"}, "json")
XLSX = OutputKind({".xlsx": "xlsx"}, "xlsx", frozenset({"xlsx"}), path_required=True)


def _body_option(required: bool = True) -> Callable[[F], F]:
    what = "单位名称（或编号）" + ("。（必填）" if required else "；不给出则为全部单位。")
    return click.option("--body", metavar="单位", default=None, help=what)


def _need(body: str | None) -> str:
    if not (body or "").strip():
        fail("请用 --body 给出单位名称，如 --body 某某县司法局", USAGE)
    assert body is not None
    return body


def _year_option(func: F) -> F:
    return click.option(
        "--year", type=click.IntRange(2008, 2100), required=True, help="年度，如 2025。"
    )(func)


def _as_of(text: str | None) -> date | None:
    return parse_date(text, "--as-of 日期") if text else None


def _day(d: date | None) -> str:
    return d.isoformat() if d else ""


@ledger_group.command("list")
@_body_option(required=False)
@click.option("--year", type=int, default=None, help="只列出该年度收到的申请。")
@click.option("--state", default=None, help="只列出该状态：" + "、".join(s.value for s in State))
@click.option(
    "--due-within",
    type=click.IntRange(0, MAX_DAYS),
    default=None,
    metavar="N",
    help="只列出 N 个工作日内到期（含已逾期）的未答复申请。",
)
@click.option("--overdue", is_flag=True, help="只列出已逾期未答复的申请。")
@click.option("--as-of", default=None, metavar="DATE", help="按该日计算期限（默认今天）。")
@click.option("--personal", is_flag=True, help="显示申请人姓名和联系方式（个人信息）。")
@db_options
def list_command(
    body: str | None,
    year: int | None,
    state: str | None,
    due_within: int | None,
    overdue: bool,
    as_of: str | None,
    personal: bool,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """台账中的申请及其办理状态、届满日和剩余工作日（期限按当日的节假日安排即时计算）。"""
    with open_db(db, db_timeout, create=False) as store:
        try:
            found = list_requests(
                store,
                body=body,
                year=year,
                state=state,
                due_within=due_within,
                overdue=overdue,
                as_of=_as_of(as_of),
                personal=personal,
            )
        except GongkaiError as exc:
            fail_on(exc)
    header = LIST_HEADER + (PERSONAL_HEADER if personal else [])
    rows = [r.cells(personal) for r in found]
    table(f"申请台账（{len(rows)} 件）", header, rows)


@ledger_group.command("show")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--as-of", default=None, metavar="DATE", help="按该日计算期限（默认今天）。")
@click.option("--personal", is_flag=True, help="显示申请人姓名和联系方式（个人信息）。")
@db_options
def show_command(
    request_id: int, as_of: str | None, personal: bool, db: str | None, db_timeout: float | None
) -> None:
    """一件申请的办理时间线：每个日期如何算出（收到、补正、征求意见、延期、答复……）。"""
    with open_db(db, db_timeout, create=False) as store:
        try:
            d = get_request(store, request_id, _as_of(as_of), personal)
        except GongkaiError as exc:
            fail_on(exc)
    r, c = d.request, d.clock
    lines = [
        f"{d.body} 申请编号 {r.ref}（{CHANNELS.get(r.channel, r.channel)}，"
        f"{APPLICANTS.get(r.applicant_type, r.applicant_type)}）",
        f"状态：{c.state.value}"
        + (f"；届满日 {c.due}" if c.due else "")
        + (f"；剩余 {c.days_left} 个工作日" if c.days_left is not None else ""),
    ]
    if personal:
        lines.append(f"申请人：{r.applicant_name or ''}  联系方式：{r.applicant_contact or ''}")
    if r.content:
        lines.append(f"申请内容：{r.content}")
    if c.provisional:
        lines.append(f"暂定：{c.provisional}")
    for line in lines:
        click.echo(safe(line))
    table("时间线", ["日期", "事项"], [[_day(t.day), t.text] for t in d.timeline])


@ledger_group.command("tables")
@_body_option()
@_year_option
@output_options(TABLES, "报告 JSON（与 gongkai extract 的字段相同，可用 check / render 处理）")
@db_options
def tables_command(
    body: str | None,
    year: int,
    fmt: str | None,
    out: Path | None,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """由台账统计年度报告表三（收到和处理申请情况）和表四（复议、诉讼情况）。"""
    tgt = target(TABLES, fmt, out) if out or fmt else None  # no option: tables on stdout
    with open_db(db, db_timeout, create=False) as store:
        try:
            got = annual_tables(store, _need(body), year)
        except GongkaiError as exc:
            fail_on(exc)
    if tgt is not None:
        emit(
            tgt, json.dumps(got.report().to_dict(detail=False), ensure_ascii=False, indent=1) + "\n"
        )
        return
    rep = got.report()
    head = ["", *(column_label(i) for i in range(len(REQUEST_COLUMN_KEYS)))]
    rows = [[row_label(k), *(v.value for v in vals)] for k, vals in rep.requests.items()]
    table(f"{got.body}{year}年度 表三 收到和处理政府信息公开申请情况", head, rows)
    cells = [
        [cell_label(f"review_litigation.{k}"), v.value]
        for k, v in zip(REVIEW_KEYS, rep.review_litigation or [], strict=True)
    ]
    table("表四 政府信息公开行政复议、行政诉讼情况", ["", "件数"], cells)


@ledger_group.command("explain")
@_body_option()
@_year_option
@click.option("--cell", required=True, help="单元格，如 requests.granted.natural_person。")
@db_options
def explain_command(
    body: str | None, year: int, cell: str, db: str | None, db_timeout: float | None
) -> None:
    """列出年度报告某一单元格所计入的每件申请（表四为每个案件）。"""
    with open_db(db, db_timeout, create=False) as store:
        try:
            e = explain(store, _need(body), year, cell.strip())
        except GongkaiError as exc:
            fail_on(exc)
    title = f"{e.body}{year}年度 {e.label}：{e.count} 件"
    header, rows = e.table()
    table(title, header, rows)


@ledger_group.command("reconcile")
@click.argument("published", metavar="年报", type=click.Path(path_type=Path))
@_body_option()
@_year_option
@db_options
def reconcile_command(
    published: Path, body: str | None, year: int, db: str | None, db_timeout: float | None
) -> None:
    """核对已公布的年度报告与台账统计的表三、表四，列出不一致的单元格（有不一致时退出码 1）。"""
    with open_db(db, db_timeout, create=False) as store:
        try:
            done = reconcile_published(store, _need(body), year, published)
        except GongkaiError as exc:
            fail_on(exc)
    for note in done.notes:
        say(f"提示：{note}")
    if not done.differences:
        say(f"{published} 的表三、表四与台账一致")
        return
    rows = [
        [
            d.label,
            "" if d.published is None else d.published,
            d.ledger,
            "" if d.difference is None else d.difference,
            d.name,
        ]
        for d in done.differences
    ]
    table(
        f"{published} 与台账不一致的单元格（{len(rows)} 处）",
        ["单元格", "报告", "台账", "差", "名称（可用于 explain --cell）"],
        rows,
    )
    sys.exit(1)


@ledger_group.command("template")
@output_options(XLSX, "台账工作簿")
def template_command(fmt: str | None, out: Path | None) -> None:
    """生成空白的申请台账工作簿（Excel，带下拉列表），填好后用 gongkai ledger import 导入。"""
    emit(target(XLSX, fmt, out), template_workbook(), "已生成")


@ledger_group.command("import")
@click.argument("workbook", metavar="台账.xlsx", type=click.Path(path_type=Path))
@_body_option()
@db_options
def import_command(
    workbook: Path, body: str | None, db: str | None, db_timeout: float | None
) -> None:
    """导入申请台账：逐行检查，任何一行有错则不导入，并列出每个错误所在的行和列。"""
    with open_db(db, db_timeout) as store:
        try:
            done, read = import_workbook(store, workbook, _need(body), actor="cli")
        except LedgerImportError as exc:
            for p in exc.problems:
                say(p)
            fail(f"{workbook}：有 {len(exc.problems)} 处错误，未导入任何申请")
        except GongkaiError as exc:
            fail_on(exc)
    if read.ignored:
        say(f"提示：以下列不是台账的列，已忽略：{'、'.join(read.ignored)}")
    say(
        f"已导入 {len(done.added) + len(done.updated)} 件申请"
        f"（新增 {len(done.added)} 件，更新 {len(done.updated)} 件）"
    )


@ledger_group.command("export")
@_body_option(required=False)
@output_options(XLSX, "台账工作簿")
@click.option("--personal", is_flag=True, help="包含申请人姓名和联系方式（个人信息）。")
@db_options
def export_command(
    body: str | None,
    fmt: str | None,
    out: Path | None,
    personal: bool,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """导出申请台账（Excel）；不含申请人个人信息，除非加 --personal。"""
    tgt = target(XLSX, fmt, out)
    with open_db(db, db_timeout, create=False) as store:
        try:
            data = export_workbook(store, body, personal)
        except GongkaiError as exc:
            fail_on(exc)
    emit(tgt, data)


__all__ = [
    "due_command",
    "explain_command",
    "export_command",
    "import_command",
    "ledger_group",
    "list_command",
    "parse_date",
    "reconcile_command",
    "show_command",
    "tables_command",
    "template_command",
]
