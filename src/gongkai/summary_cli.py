"""Click command `gongkai summarize`; gongkai.cli registers it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from .batch import collect, read_many
from .errors import GongkaiError
from .render import SUFFIXES as RENDER_SUFFIXES
from .render import render_to
from .report import CellValue, Report
from .summary import Difference, Summary, reconcile, summarize, write_contributions

_SHEETS = (".csv", ".xlsx")


def _load(paths: Sequence[Path], err: Console) -> tuple[list[Report], list[tuple[str, str]]]:
    """Reports from files and directories (report JSON too); unreadable files are listed."""
    from .checks.runner import load_json

    files = collect(paths)
    if not files:
        raise click.ClickException("没有找到可读取的报告文件")
    reports: list[Report] = []
    failures: list[tuple[str, str]] = []
    documents = [f for f in files if f.suffix.lower() != ".json"]
    with Progress(
        TextColumn("读取报告"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=len(documents) < 2,
    ) as progress:
        task = progress.add_task("读取报告", total=len(documents))
        read = {o.path: o for o in read_many(documents, progress=lambda _: progress.advance(task))}
    for f in files:
        try:
            if f.suffix.lower() == ".json":
                reports.append(load_json(f))
                continue
        except GongkaiError as exc:
            failures.append((str(f), exc.message))
            continue
        outcome = read[str(f)]
        if outcome.report is not None:
            reports.append(outcome.report)
        else:
            failures.append((outcome.path, outcome.error or "无法读取"))
    for path, message in failures:
        err.print(f"[red]无法读取[/red] {path}：{message}（已跳过）", highlight=False)
    return reports, failures


def _show_bodies(console: Console, summary: Summary, failures: list[tuple[str, str]]) -> None:
    table = Table(title=f"{summary.report.agency}{summary.report.year}年汇总：各单位情况")
    for name in ("状态", "单位", "文件", "说明"):
        table.add_column(name, overflow="fold")
    for b in summary.bodies:
        state = (
            "[green]计入[/green]"
            if b.included
            else ("[yellow]重复[/yellow]" if b.duplicate_of else "[red]未计入[/red]")
        )
        blanks = sum(1 for n in b.notes if n.kind in ("空白", "缺失"))
        texts = sum(1 for n in b.notes if n.kind in ("文字", "无法确定"))
        parts = [b.reason] if b.reason else []
        if blanks or texts:
            parts.append(f"空白或缺失{blanks}格、文字{texts}格按0计")
        note = "；".join(parts)
        table.add_row(state, b.agency, b.file, note)
    for path, message in failures:
        table.add_row("[red]无法读取[/red]", "", path, message)
    console.print(table)
    console.print(
        f"计入 {len(summary.included)} 个单位，未计入 {len(summary.excluded)} 个，"
        f"重复 {len(summary.duplicates)} 个，无法读取 {len(failures)} 个。",
        highlight=False,
    )


def _text(v: CellValue | None) -> str:
    return "（缺失）" if v is None else str(v)


def _show_differences(console: Console, diffs: list[Difference], published: str) -> None:
    if not diffs:
        console.print(f"[green]核对一致[/green]：{published} 与各单位数据之和逐格相同。")
        return
    table = Table(title=f"核对 {published}：{len(diffs)} 处与各单位数据之和不同")
    for name in ("单元格", "项目", "公布值", "各单位合计", "差额"):
        table.add_column(name, overflow="fold")
    for d in diffs:
        diff = "无法确定" if d.difference is None else f"{d.difference:+}"
        table.add_row(d.name, d.label, _text(d.published), str(d.expected), diff)
    console.print(table)


def _read_published(path: Path) -> Report:
    from .api import read
    from .checks.runner import load_json

    return load_json(path) if path.suffix.lower() == ".json" else read(path)


def _write(summary: Summary, out: Path) -> None:
    if out.suffix.lower() == ".json":
        text = json.dumps(summary.report.to_dict(), ensure_ascii=False, indent=1) + "\n"
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise GongkaiError(f"无法写入文件：{exc.strerror or exc}", str(out)) from None
    else:
        render_to(summary.report, out)


@click.command("summarize")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--agency", required=True, help="汇总报告的单位名称，如“某某县人民政府”。")
@click.option("--year", type=int, required=True, help="报告年度，如 2024。")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="汇总报告输出文件：.docx、.html、.md、.pdf 或 .json（格式按扩展名）。",
)
@click.option(
    "--contributions",
    "sheet",
    type=click.Path(dir_okay=False, path_type=Path),
    help="各单位明细表：.csv 或 .xlsx，每个单位一行。",
)
@click.option("--include-invalid", is_flag=True, help="检查发现错误的报告也计入汇总。")
@click.option(
    "--reconcile",
    "published",
    type=click.Path(dir_okay=False, path_type=Path),
    help="已公布的本级汇总报告：逐格与各单位数据之和核对，有差异时退出码为 1。",
)
def summarize_command(
    paths: tuple[Path, ...],
    agency: str,
    year: int,
    out: Path | None,
    sheet: Path | None,
    include_invalid: bool,
    published: Path | None,
) -> None:
    """把本级各单位同一年度的年度报告逐格相加，生成本级政府年度报告（汇总）。

    PATH 可以是报告文件（TXT、MD、HTML、DOCX、PDF 等，或报告 JSON），也可以是目录。
    只汇总同一年度、同一格式的报告；有错误的报告和重复的单位不计入（见输出的说明）。
    """
    formats = (".json", *RENDER_SUFFIXES)
    if out is not None and out.suffix.lower() not in formats:
        raise click.UsageError(f"-o 的扩展名应为 {'、'.join(formats)} 之一：{out}")
    if sheet is not None and sheet.suffix.lower() not in _SHEETS:
        raise click.UsageError(f"--contributions 的扩展名应为 .csv 或 .xlsx：{sheet}")
    console, err = Console(), Console(stderr=True)
    reports, failures = _load(paths, err)
    try:
        summary = summarize(reports, agency, year, include_invalid)
        _show_bodies(console, summary, failures)
        if out is not None:
            _write(summary, out)
            err.print(f"已写入汇总报告 {out}", highlight=False)
        if sheet is not None:
            write_contributions(summary, sheet)
            err.print(f"已写入各单位明细表 {sheet}", highlight=False)
        if published is None:
            return
        report = _read_published(published)
        diffs = reconcile(report, summary)
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from None
    if report.year is not None and report.year != year:
        err.print(f"[yellow]注意[/yellow]：{published} 的年度为{report.year}年，不是{year}年")
    _show_differences(console, diffs, str(published))
    if diffs:
        raise SystemExit(1)
