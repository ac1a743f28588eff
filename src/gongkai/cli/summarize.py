"""``gongkai summarize``: a region's summary report, the bodies' contributions, reconciliation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import api
from ..errors import GongkaiError
from ..render import SUFFIXES, render
from ..report import CellValue, Report
from ..store.regional import RegionSummary, summarize_region
from ..summary import Difference, Summary, reconcile, write_contributions
from .common import (
    USAGE,
    OutputKind,
    Target,
    emit,
    fail,
    fail_on,
    output_options,
    progress,
    report_files,
    say,
    table,
    target,
)
from .store import db_options, open_db

SUMMARY = OutputKind(
    {**SUFFIXES, ".json": "json"}, "json", frozenset({"docx", "pdf"}), path_required=True
)
SHEET = OutputKind({".csv": "csv", ".xlsx": "xlsx"}, "csv", frozenset({"xlsx"}))


def _show_bodies(summary: Summary, failures: list[tuple[str, str]]) -> None:
    rows: list[list[object]] = []
    for b in summary.bodies:
        state = "计入" if b.included else ("重复" if b.duplicate_of else "未计入")
        blanks = sum(1 for n in b.notes if n.kind in ("空白", "缺失"))
        texts = sum(1 for n in b.notes if n.kind in ("文字", "无法确定"))
        parts = [b.reason] if b.reason else []
        if blanks or texts:
            parts.append(f"空白或缺失{blanks}格、文字{texts}格按0计")
        rows.append([state, b.agency, b.file, "；".join(parts)])
    rows.extend(["无法读取", "", path, message] for path, message in failures)
    title = f"{summary.report.agency}{summary.report.year}年汇总：各单位情况"
    table(title, ("状态", "单位", "文件", "说明"), rows)
    click.echo(
        f"计入 {len(summary.included)} 个单位，未计入 {len(summary.excluded)} 个，"
        f"重复 {len(summary.duplicates)} 个，无法读取 {len(failures)} 个。"
    )


def _text(v: CellValue | None) -> str:
    return "（缺失）" if v is None else str(v)


def _show_differences(diffs: list[Difference], published: str) -> None:
    if not diffs:
        say(f"核对一致：{published} 与各单位数据之和逐格相同。")
        return
    rows = [
        [
            d.name,
            d.label,
            _text(d.published),
            str(d.expected),
            "无法确定" if d.difference is None else f"{d.difference:+}",
        ]
        for d in diffs
    ]
    title = f"核对 {published}：{len(diffs)} 处与各单位数据之和不同"
    table(title, ("单元格", "项目", "公布值", "各单位合计", "差额"), rows)


def _read_published(path: Path) -> Report:
    from ..checks.runner import load_json

    return load_json(path) if path.suffix.lower() == ".json" else api.read(path)


def _summary_data(summary: Summary, tgt: Target) -> str | bytes:
    if tgt.fmt == "json":
        return json.dumps(summary.report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    return render(summary.report, tgt.fmt)


def _from_files(
    paths: tuple[Path, ...],
    agency: str,
    year: int,
    include_invalid: bool,
    prefer: tuple[Path, ...],
) -> tuple[Summary, list[tuple[str, str]]]:
    files = report_files(paths)
    try:
        with progress(len(files), "读取报告") as advance:
            reports, failures = api.load_reports(files, progress=advance)
    except GongkaiError as exc:
        fail_on(exc)
    for path, message in failures:
        say(f"无法读取 {path}：{message}（已跳过）")
    try:
        summary = api.summarize(reports, agency, year, include_invalid, prefer=prefer).summary
    except GongkaiError as exc:
        fail_on(exc)
    return summary, failures


def _show_stored(stored: RegionSummary) -> None:
    """The reconciliation with the region's own report in the store (exit 1 on differences)."""
    if stored.differences is None:
        say(f"注意：{stored.note}")
        return
    shown = f"数据库中{stored.agency}{stored.year}年的报告（编号 {stored.published_id}）"
    _show_differences(stored.differences, shown)
    if stored.differences:
        sys.exit(1)


@click.command("summarize")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--agency",
    help="汇总报告的单位名称，如“某某县人民政府”（从文件汇总时必填；"
    "从数据库汇总时默认为 --region 所指的单位）。",
)
@click.option("--year", "year_text", required=True, metavar="YEAR", help="报告年度，如 2024。")
@output_options(SUMMARY, "汇总报告")
@click.option(
    "--contributions",
    "sheet",
    type=click.Path(path_type=Path),
    help="各单位明细表：.csv 或 .xlsx，每个单位一行。",
)
@click.option(
    "--labels/--no-labels",
    default=True,
    help="明细表：字段名下一行中文标签（默认）；--no-labels 只留字段名一行",
)
@click.option("--include-invalid", is_flag=True, help="检查发现错误的报告也计入汇总。")
@click.option(
    "--prefer",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="同一单位有多份报告时计入这一份（可重复使用）。默认选用读取较好的一份。",
)
@click.option(
    "--reconcile",
    "published",
    type=click.Path(dir_okay=False, path_type=Path),
    help="已公布的本级汇总报告：逐格与各单位数据之和核对，有差异时退出码为 1。"
    "从数据库汇总时默认核对数据库中该单位本年度的报告。",
)
@click.option(
    "--region",
    help="从数据库汇总：地区（如 江苏省/淮安市，含下级地区）或单位名称（汇总其所属地区）。",
)
@click.option(
    "--own-level",
    is_flag=True,
    help="从数据库汇总时只计入所属地区恰为该地区的单位（不含下级地区）。",
)
@db_options
def summarize_command(
    paths: tuple[Path, ...],
    agency: str,
    year_text: str,
    fmt: str | None,
    out: Path | None,
    sheet: Path | None,
    labels: bool,
    include_invalid: bool,
    prefer: tuple[Path, ...],
    published: Path | None,
    region: str | None,
    own_level: bool,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """把本级各单位同一年度的年度报告逐格相加，生成本级政府年度报告（汇总）。

    PATH 可以是报告文件（TXT、MD、HTML、DOCX、PDF 等，或报告 JSON），也可以是目录。
    只汇总同一年度、同一格式的报告；有错误的报告不计入。同一单位有多份报告时只计入一份：
    --prefer 指定的文件，否则无法确定的单元格较少、警告较少、公布日期较晚的一份（见输出的说明）。
    有文件无法读取、没有找到报告文件或核对有差异时退出码为 1。

    也可以不给出 PATH，而用 --region（和 --db）从数据库汇总：该地区各单位本年度的现行报告
    逐格相加，并与数据库中本级单位（--agency）已发布的本年度报告核对。
    """
    from_db = region is not None or db is not None
    if from_db and paths:
        fail("报告文件（PATH）和数据库（--db、--region）两种汇总方式只能选一种", USAGE)
    if not from_db and not paths:
        fail("请给出报告文件或目录，或用 --region（及 --db）从数据库汇总", USAGE)
    if from_db and region is None:
        fail("从数据库汇总需要用 --region 给出地区或单位", USAGE)
    if from_db and prefer:
        fail("--prefer 只用于从文件汇总", USAGE)
    if not from_db and not agency:
        fail("请用 --agency 给出汇总报告的单位名称", USAGE)
    try:
        year = api.valid_year(year_text)
    except GongkaiError as exc:
        fail_on(exc, USAGE)
    tgt = target(SUMMARY, fmt, out) if out is not None or fmt is not None else None
    if sheet is not None:
        target(SHEET, None, sheet)
    stored: RegionSummary | None = None
    failures: list[tuple[str, str]] = []
    if region is not None:
        with open_db(db, db_timeout, create=False) as store:
            try:
                stored = summarize_region(store, region, year, agency, include_invalid, own_level)
            except GongkaiError as exc:
                fail_on(exc)
        summary = stored.summary
    else:
        summary, failures = _from_files(paths, agency or "", year, include_invalid, prefer)
    _show_bodies(summary, failures)
    try:
        if tgt is not None:
            emit(tgt, _summary_data(summary, tgt), "已写入汇总报告")
        if sheet is not None:
            write_contributions(summary, sheet, labels=labels)
            say(f"已写入各单位明细表 {sheet}")
        if published is not None:
            report = _read_published(published)
            diffs = reconcile(report, summary)
            if report.year is not None and report.year != year:
                say(f"注意：{published} 的年度为{report.year}年，不是{year}年")
            _show_differences(diffs, str(published))
            if diffs:
                sys.exit(1)
        elif stored is not None:
            _show_stored(stored)
    except GongkaiError as exc:
        fail_on(exc)
    if failures:
        fail(f"{len(failures)} 个文件无法读取，未计入汇总")
