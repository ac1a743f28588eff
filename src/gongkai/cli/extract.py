"""``gongkai extract``: report files to structured data (JSON, JSON Lines, CSV, XLSX)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .. import output
from ..batch import Outcome, read_many
from .common import OutputKind, emit, output_options, progress, report_files, say, target

EXTRACT = OutputKind(
    {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".xlsx": "xlsx"},
    "json",
    binary=frozenset({"xlsx"}),
)


def to_json(outcomes: list[Outcome], detail: bool) -> str:
    """One object for one file; one JSON array for several (a .json file is one JSON value)."""
    if len(outcomes) == 1:
        return output.to_json(outcomes, detail)
    items = [output.outcome_dict(o, detail) for o in outcomes]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def read_reports(paths: tuple[str, ...], timeout: float | None = None) -> list[Outcome]:
    """Read every file under ``paths``; each unreadable one gets one message and the rest go on.
    ``timeout``: seconds per file (None: the default budget, 0: none)."""
    files = report_files(paths)
    outcomes: list[Outcome] = []
    with progress(len(files), "读取报告") as advance:
        for outcome in read_many(files, progress=advance, timeout=timeout):
            if outcome.error:
                say(f"无法读取 {outcome.path}：{outcome.error}")
            outcomes.append(outcome)
    return outcomes


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options(EXTRACT)
@click.option(
    "--brief", is_flag=True, help="只输出表格数据（LABEL_SCHEMA 字段），不含来源位置、章节和提示"
)
@click.option(
    "--labels/--no-labels",
    default=True,
    help="CSV/XLSX：字段名下一行中文标签（默认）；--no-labels 只留字段名一行",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    help="每个文件的读取时限（秒，默认120；0为不限），超时的文件报告为失败，其余照常",
)
def extract_command(
    paths: tuple[str, ...],
    fmt: str | None,
    out: Path | None,
    brief: bool,
    labels: bool,
    timeout: float | None,
) -> None:
    """把年度报告（txt/md/html/docx/pdf/doc…，或目录）读成结构化数据。

    也读 gongkai new 生成并已填写的工作簿（.xlsx）和装有报告的 zip 压缩包。

    一个文件输出一个 JSON 对象，多个文件输出一个 JSON 数组（-f jsonl：每行一个报告）。
    """
    tgt = target(EXTRACT, fmt, out)
    outcomes = read_reports(paths, timeout)
    data: str | bytes
    if tgt.fmt == "json":
        data = to_json(outcomes, detail=not brief)
    elif tgt.fmt == "jsonl":
        data = output.to_jsonl(outcomes, detail=not brief)
    elif tgt.fmt == "csv":
        data = output.to_csv(outcomes, brief=brief, labels=labels)
    else:
        data = output.to_xlsx(outcomes, brief=brief, labels=labels)
    emit(tgt, data)
    failed = sum(1 for o in outcomes if o.error)
    if failed:
        say(f"共 {len(outcomes)} 个文件，{failed} 个无法读取")
        sys.exit(1)
