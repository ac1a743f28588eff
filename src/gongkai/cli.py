"""The ``gongkai`` command line. Every verb is a thin wrapper around one library function."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import output
from .batch import Outcome, collect, read_many
from .checks.cli import check_command, rules_command
from .errors import GongkaiError
from .render_cli import new_command, render_command
from .summary_cli import summarize_command

err_console = Console(stderr=True)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Progress]:
    """A rich progress bar on stderr for batches; silent for a single file."""
    progress = Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=total < 2,
    )
    with progress:
        yield progress


def read_with_progress(paths: Sequence[str], label: str = "读取报告") -> list[Outcome]:
    """Read every file under ``paths``; report unreadable ones in Chinese and go on."""
    files = collect(paths)
    if not files:
        raise click.ClickException(
            "没有找到可读取的报告文件（支持 txt、md、html、docx、pdf、doc、wps、rtf、odt）"
        )
    outcomes: list[Outcome] = []
    with progress_bar(len(files), label) as progress:
        task = progress.add_task(label, total=len(files))
        for outcome in read_many(files, progress=lambda _: progress.advance(task)):
            if outcome.error:
                err_console.print(
                    f"[red]无法读取[/red] {outcome.path}：{outcome.error}", highlight=False
                )
            outcomes.append(outcome)
    return outcomes


def write_output(data: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(data, bytes):
            raise click.ClickException("二进制格式（xlsx、docx、pdf）需要用 -o 指定输出文件")
        click.echo(data, nl=False)
        return
    try:
        output.write_file(out, data)
    except GongkaiError as exc:
        raise click.ClickException(str(exc)) from None
    err_console.print(f"已写入 {out}", highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai（公开）：读取、检查、撰写政府信息公开工作年度报告。"""


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(output.FORMATS),
    default=None,
    help="输出格式：json（单个文件）/jsonl（多个文件）/csv/xlsx。默认按 -o 的扩展名，否则 json。",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="输出文件（默认标准输出）",
)
@click.option(
    "--brief", is_flag=True, help="只输出表格数据（LABEL_SCHEMA 字段），不含来源位置、章节和提示"
)
def extract_command(paths: tuple[str, ...], fmt: str | None, out: Path | None, brief: bool) -> None:
    """把年度报告（txt/md/html/docx/pdf/doc…，或目录）读成结构化数据。"""
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out else ""
        fmt = suffix if suffix in output.FORMATS else "json"
    outcomes = read_with_progress(paths)
    data: str | bytes
    if fmt == "json":
        data = output.to_json(outcomes, detail=not brief)
    elif fmt == "jsonl":
        data = output.to_jsonl(outcomes, detail=not brief)
    elif fmt == "csv":
        data = output.to_csv(outcomes)
    else:
        data = output.to_xlsx(outcomes)
    write_output(data, out)
    failed = sum(1 for o in outcomes if o.error)
    if failed:
        err_console.print(f"共 {len(outcomes)} 个文件，{failed} 个无法读取", highlight=False)
        sys.exit(1)


main.add_command(check_command, "check")
main.add_command(rules_command, "rules")
main.add_command(summarize_command, "summarize")
main.add_command(new_command, "new")
main.add_command(render_command, "render")


if __name__ == "__main__":  # pragma: no cover
    main()
