"""``gongkai check`` (the rule catalogue applied to reports) and ``gongkai rules``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from ..checks.docs import rules_markdown, rules_text
from ..checks.html import findings_html
from ..checks.output import findings_json, findings_text
from ..checks.runner import validate_selectors
from ..errors import GongkaiError
from .common import (
    USAGE,
    OutputKind,
    emit,
    fail_on,
    output_options,
    report_files,
    say,
    target,
)

CHECK = OutputKind({".txt": "text", ".json": "json", ".html": "html", ".htm": "html"}, "text")
RULES = OutputKind({".txt": "text", ".md": "markdown", ".markdown": "markdown"}, "text")
_RENDERERS = {"json": findings_json, "html": findings_html}


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--previous",
    "previous",
    multiple=True,
    type=click.Path(path_type=Path),
    help="上一年度的报告（可多次给出），用于跨年核对；这些报告本身不检查。",
)
@output_options(CHECK, "检查结果")
@click.option("--select", help="只运行这些规则：代码、字母或标签，用逗号分隔，如 B,C1,跨年。")
@click.option("--ignore", help="跳过这些规则：代码、字母或标签，用逗号分隔。")
@click.option("-v", "--verbose", is_flag=True, help="文本输出中也列出不适用的规则及原因。")
def check_command(
    paths: tuple[Path, ...],
    previous: tuple[Path, ...],
    fmt: str | None,
    out: Path | None,
    select: str | None,
    ignore: str | None,
    verbose: bool,
) -> None:
    """检查年度报告的表内勾稽、格式、正文与表格是否一致，以及与上一年度是否衔接。

    PATH 可以是报告文件（TXT、MD、HTML、DOCX、PDF、DOC 等，或报告 JSON），
    也可以是目录（检查其中所有报告文件）。同一机关相邻两年的报告会自动配对做跨年核对。
    发现错误、有文件无法读取或没有找到报告文件时退出码为 1。
    """
    tgt = target(CHECK, fmt, out)
    try:
        validate_selectors(select, ignore)
    except GongkaiError as exc:
        fail_on(exc, USAGE)
    try:
        batch = api.check(report_files(paths), previous, select, ignore)
    except GongkaiError as exc:
        fail_on(exc)
    if tgt.path is not None:  # the findings go to a file: name the unreadable files here
        for path, message in batch.failures:
            say(f"无法读取 {path}：{message}")
    if tgt.fmt == "text":
        emit(tgt, findings_text(batch.pairs(), batch.failures, verbose=verbose))
    else:
        emit(tgt, _RENDERERS[tgt.fmt](batch.pairs(), batch.failures))
    if not batch.ok:
        sys.exit(1)


@click.command("rules")
@output_options(RULES, "规则目录")
def rules_command(fmt: str | None, out: Path | None) -> None:
    """列出全部检查规则：代码、严重程度、标题和标签（markdown：完整说明，即 docs/rules.md）。"""
    tgt = target(RULES, fmt, out)
    emit(tgt, rules_markdown() if tgt.fmt == "markdown" else rules_text())


__all__ = ["check_command", "rules_command"]
