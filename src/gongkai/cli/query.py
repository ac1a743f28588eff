"""``gongkai query …`` (the store's queries) and ``gongkai roster`` (loading a roster).

Each subcommand calls one function of :mod:`gongkai.store` and shows its rows as a table on
the terminal, or writes them with ``-f json|csv|xlsx`` / ``-o FILE``.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from ..api import valid_year
from ..errors import GongkaiError
from ..output import csv_text, xlsx_bytes, xlsx_workbook
from ..store.queries import body_years, missing, region_reports
from ..store.rates import RATES, figures
from ..store.roster import import_roster
from ..store.text_search import search_sections
from .common import USAGE, OutputKind, emit, fail, fail_on, output_options, say, table, target
from .store import db_options, open_db

F = TypeVar("F", bound=Callable[..., Any])

# Without -o or -f the rows are a table on the terminal (tab-separated lines in a pipe).
QUERY = OutputKind({".json": "json", ".csv": "csv", ".xlsx": "xlsx"}, "表格", frozenset({"xlsx"}))


def year_option(required: bool = True, many: bool = False) -> Callable[[F], F]:
    what = "年度，可用逗号分隔多个或写区间，如 2023,2024 或 2019-2024" if many else "年度，如 2024"
    return click.option("--year", "year_text", required=required, metavar="YEAR", help=what + "。")


def parse_year(text: str) -> int:
    try:
        return valid_year(text)
    except GongkaiError as exc:
        fail_on(exc, USAGE)


def parse_years(text: str) -> list[int]:
    years: set[int] = set()
    for part in text.replace("，", ",").split(","):
        first, sep, last = part.strip().partition("-")
        if sep:
            years.update(range(parse_year(first), parse_year(last) + 1))
        elif first:
            years.add(parse_year(first))
    if not years:
        fail("请用 --year 给出年度", USAGE)
    return sorted(years)


def columns(spec: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Keys and Chinese headers from ``"key:标题 key2:标题2"``."""
    pairs = [item.split(":", 1) for item in spec.split()]
    return tuple(k for k, _ in pairs), tuple(label for _, label in pairs)


@dataclass
class Listing:
    """A query's result: keys and Chinese headers, rows, and the JSON value."""

    title: str
    sheet: str
    keys: Sequence[str]
    labels: Sequence[str]
    rows: list[list[Any]]
    data: Any
    percent: Sequence[bool] = ()  # per row: its ``value`` shown as a percentage in the table


def _shown(value: Any, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if percent and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    return str(value)


def show(listing: Listing, fmt: str | None, out: Path | None) -> None:
    """The listing as a table on stdout, or in the format and file the options ask for."""
    if out is None and fmt in (None, "table", QUERY.default):
        pct = list(listing.percent) or [False] * len(listing.rows)
        at = list(listing.keys).index("value") if "value" in listing.keys else -1
        rows = [
            [_shown(v, p and i == at) for i, v in enumerate(r)]
            for r, p in zip(listing.rows, pct, strict=True)
        ]
        table(listing.title, listing.labels, rows)
        return
    tgt = target(QUERY, fmt, out)
    if tgt.fmt == "json":
        emit(tgt, json.dumps(listing.data, ensure_ascii=False, indent=1) + "\n")
    elif tgt.fmt == "csv":
        data = csv_text(listing.keys, listing.rows)
        if tgt.path is None:  # a terminal or a pipe: no BOM, plain line ends
            data = data.removeprefix("\ufeff").replace("\r\n", "\n")
        emit(tgt, data)
    else:
        wb = xlsx_workbook(listing.keys, listing.rows, listing.sheet, labels=listing.labels)
        emit(tgt, xlsx_bytes(wb))


def _run(func: Callable[[], Listing], fmt: str | None, out: Path | None) -> None:
    try:
        listing = func()
    except GongkaiError as exc:
        fail_on(exc)
    show(listing, fmt, out)


@click.group("query")
def query_group() -> None:
    """查询数据库中的报告：单位历年情况、地区报告、未报送单位、数据项与比率、正文检索。"""


_YEAR_KEYS, _YEAR_LABELS = columns(
    "year:年度 report_id:报告编号 agency:报告所写名称 template:格式 "
    "versions:版本数 errors:错误 warnings:警告 open_findings:待处理 "
    "published:发布日期 path:文件"
)


@query_group.command("body")
@click.argument("name")
@db_options
@output_options(QUERY, "查询结果")
def body_command(
    name: str, db: str | None, db_timeout: float | None, fmt: str | None, out: Path | None
) -> None:
    """一个单位的历年报告：NAME 为单位名称（任一写法）或编号。"""

    def run() -> Listing:
        with open_db(db, db_timeout, create=False) as store:
            h = body_years(store, name)
        place = "，".join(x for x in (h.level, h.region, h.parent and f"上级：{h.parent}") if x)
        also = "、".join(h.names[1:])
        title = h.name + (f"（{place}）" if place else "") + (f"；又名：{also}" if also else "")
        rows = [[getattr(y, k) for k in _YEAR_KEYS] for y in h.years]
        return Listing(title, "years", _YEAR_KEYS, _YEAR_LABELS, rows, asdict(h))

    _run(run, fmt, out)


_REPORT_KEYS, _REPORT_LABELS = columns(
    "body:单位 level:层级 region:地区 year:年度 template:格式 errors:错误 "
    "warnings:警告 open_findings:待处理 published:发布日期 on_time:按时发布 "
    "report_id:报告编号 path:文件"
)


@query_group.command("region")
@click.argument("region", required=False)
@year_option()
@click.option("--level", help="只列这一层级的单位：省、市、县、乡镇、部门。")
@click.option("--errors", "errors_only", is_flag=True, help="只列检查发现错误的报告。")
@db_options
@output_options(QUERY, "查询结果")
def region_command(
    region: str | None,
    year_text: str,
    level: str | None,
    errors_only: bool,
    db: str | None,
    db_timeout: float | None,
    fmt: str | None,
    out: Path | None,
) -> None:
    """一个地区某年度的报告及检查结果。

    REGION 如 河北省 或 河北省/石家庄市（含下级地区）；不给出则列出全部地区。
    """
    year = parse_year(year_text)

    def run() -> Listing:
        with open_db(db, db_timeout, create=False) as store:
            found = region_reports(store, year, region, level, errors_only)
        rows = [[getattr(r, k) for k in _REPORT_KEYS] for r in found]
        title = f"{region or '全部地区'}{year}年报告：{len(found)}份"
        return Listing(
            title, "reports", _REPORT_KEYS, _REPORT_LABELS, rows, [asdict(r) for r in found]
        )

    _run(run, fmt, out)


_MISSING_KEYS, _MISSING_LABELS = columns(
    "body:单位 level:层级 region:地区 parent:上级单位 year:年度 source:名册文件 body_id:单位编号"
)


@query_group.command("missing")
@year_option()
@click.option("--region", help="只列这一地区（含下级地区）的单位。")
@db_options
@output_options(QUERY, "查询结果")
def missing_command(
    year_text: str,
    region: str | None,
    db: str | None,
    db_timeout: float | None,
    fmt: str | None,
    out: Path | None,
) -> None:
    """名册中应报送某年度报告、但数据库中没有该年度报告的单位。"""
    year = parse_year(year_text)

    def run() -> Listing:
        with open_db(db, db_timeout, create=False) as store:
            found = missing(store, year, region)
        rows = [[getattr(m, k) for k in _MISSING_KEYS] for m in found]
        title = f"{region or '全部地区'}{year}年未报送：{len(found)}个单位"
        return Listing(
            title, "missing", _MISSING_KEYS, _MISSING_LABELS, rows, [asdict(m) for m in found]
        )

    _run(run, fmt, out)


_FIGURE_KEYS, _FIGURE_LABELS = columns(
    "body:单位 year:年度 figure:数据项 label:名称 value:数值 text:原文 "
    "report_id:报告编号 body_id:单位编号"
)


@query_group.command("figures")
@year_option(many=True)
@click.option(
    "--figure",
    "figure_text",
    required=True,
    multiple=True,
    help="数据项：单元格名称（如 requests.new.total）或比率（如 予以公开率、rate.granted），"
    "可用逗号分隔。",
)
@click.option("--body", "bodies", multiple=True, help="单位名称（任一写法）或编号，可重复使用。")
@click.option("--region", help="地区（含下级地区）。")
@db_options
@output_options(QUERY, "查询结果")
def figures_command(
    year_text: str,
    figure_text: tuple[str, ...],
    bodies: tuple[str, ...],
    region: str | None,
    db: str | None,
    db_timeout: float | None,
    fmt: str | None,
    out: Path | None,
) -> None:
    """若干单位或一个地区历年的数据项和比率（每个单位、年度、数据项一行）。"""
    years = parse_years(year_text)
    wanted = [f for t in figure_text for f in t.replace("，", ",").split(",") if f.strip()]
    if bool(bodies) == bool(region):
        fail("请用 --body 给出单位，或用 --region 给出地区（二者选一）", USAGE)

    def run() -> Listing:
        with open_db(db, db_timeout, create=False) as store:
            found = figures(store, years, wanted, bodies or None, region)
        rows = [[getattr(f, k) for k in _FIGURE_KEYS] for f in found]
        title = f"{'、'.join(map(str, years))}年数据：{len(found)}行"
        pct = [f.figure.startswith("rate.") for f in found]
        data = [asdict(f) for f in found]
        return Listing(title, "figures", _FIGURE_KEYS, _FIGURE_LABELS, rows, data, pct)

    _run(run, fmt, out)


_HIT_KEYS, _HIT_LABELS = columns(
    "body:单位 year:年度 section:部分 title:标题 excerpt:摘录 report_id:报告编号"
)


@query_group.command("search")
@click.argument("text")
@year_option(required=False)
@click.option("--region", help="只在这一地区（含下级地区）的报告中检索。")
@click.option(
    "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="最多列出的条数。"
)
@db_options
@output_options(QUERY, "查询结果")
def search_command(
    text: str,
    year_text: str | None,
    region: str | None,
    limit: int,
    db: str | None,
    db_timeout: float | None,
    fmt: str | None,
    out: Path | None,
) -> None:
    """在报告正文（六个部分）中检索文字，列出所在单位、年度、部分和上下文。"""
    year = parse_year(year_text) if year_text else None

    def run() -> Listing:
        with open_db(db, db_timeout, create=False) as store:
            found = search_sections(store, text, year, region, limit)
        rows = [[getattr(h, k) for k in _HIT_KEYS] for h in found]
        title = f"检索“{text}”：{len(found)}处" + ("（已达上限）" if len(found) == limit else "")
        return Listing(title, "search", _HIT_KEYS, _HIT_LABELS, rows, [asdict(h) for h in found])

    _run(run, fmt, out)


_RATE_KEYS, _RATE_LABELS = columns(
    "key:比率 label:名称 numerator:分子 denominator:分母 description:计算方法"
)


@query_group.command("rates")
@output_options(QUERY, "比率目录")
def rates_command(fmt: str | None, out: Path | None) -> None:
    """列出可查询的比率：名称、分子、分母（空白或文字格按0计；分母为0时无值）。"""
    data = [
        {
            "key": r.key,
            "label": r.label,
            "numerator": list(r.numerator),
            "denominator": list(r.denominator),
            "description": r.description,
        }
        for r in RATES
    ]
    rows = [
        [d[k] if k in ("key", "label", "description") else ",".join(d[k]) for k in _RATE_KEYS]
        for d in data
    ]
    show(Listing("比率目录", "rates", _RATE_KEYS, _RATE_LABELS, rows, data), fmt, out)


@click.command("roster")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--year",
    "year_text",
    metavar="YEAR",
    help="名册中的单位应报送这一年度的报告（名册的年度列优先）。",
)
@click.option("--actor", default=None, help="导入人（记入操作记录，默认为当前系统用户名）。")
@db_options
def roster_command(
    file: Path, year_text: str | None, actor: str | None, db: str | None, db_timeout: float | None
) -> None:
    """导入单位名册（CSV 或 XLSX）：单位名称、上级单位、层级、所属地区，以及应报送的年度。

    表头可用英文（body, parent, level, region, year）或中文（单位名称、上级单位、层级、
    所属地区、年度）。有无法导入的行时逐行说明，其余行照常导入，退出码为 1。
    """
    year = parse_year(year_text) if year_text else None
    who = actor or _user()
    with open_db(db, db_timeout) as store:
        try:
            result = import_roster(store, file, year, who)
        except GongkaiError as exc:
            fail_on(exc)
    for problem in result.problems:
        say(f"{file}：{problem}（未导入）")
    say(
        f"名册 {file}：导入 {result.rows} 行，新增单位 {result.created} 个，"
        f"更新单位 {result.updated} 个，新增应报送记录 {result.expected} 条"
        + ("" if result.changed else "（数据库已是最新，未作更改）")
    )
    if not result.ok:
        sys.exit(1)


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "cli"


__all__ = ["query_group", "roster_command"]
