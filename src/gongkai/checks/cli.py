"""Click commands `gongkai check` and `gongkai rules`; gongkai.cli registers them."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GongkaiError
from .docs import rules_markdown, rules_text
from .output import findings_html, findings_json, findings_text
from .runner import check_paths

_RENDERERS = {"text": findings_text, "json": findings_json, "html": findings_html}


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror or exc}") from exc


@click.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--previous",
    "previous",
    multiple=True,
    type=click.Path(path_type=Path),
    help="上一年度的报告（可多次给出），用于跨年核对；这些报告本身不检查。",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(sorted(_RENDERERS)),
    default="text",
    show_default=True,
    help="输出格式：text（中文文字）、json、html（单个网页）。",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件而不是屏幕。"
)
@click.option("--select", help="只运行这些规则：代码、字母或标签，用逗号分隔，如 B,C1,跨年。")
@click.option("--ignore", help="跳过这些规则：代码、字母或标签，用逗号分隔。")
def check_command(
    paths: tuple[Path, ...],
    previous: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    select: str | None,
    ignore: str | None,
) -> None:
    """检查年度报告的表内勾稽、格式、正文与表格是否一致，以及与上一年度是否衔接。

    PATH 可以是报告文件（TXT、MD、HTML、DOCX、PDF、DOC 等，或报告 JSON），
    也可以是目录（检查其中所有报告文件）。同一机关相邻两年的报告会自动配对做跨年核对。
    发现错误或有文件无法读取时退出码为 1。
    """
    try:
        batch = check_paths(paths, previous, select, ignore)
    except GongkaiError as exc:
        raise click.UsageError(str(exc)) from exc
    _emit(_RENDERERS[fmt](batch.pairs(), batch.failures), output)
    if not batch.ok:
        raise SystemExit(1)


@click.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text：简表；markdown：完整说明（即 docs/rules.md）。",
)
def rules_command(fmt: str) -> None:
    """列出全部检查规则：代码、严重程度、标题和标签。"""
    click.echo(rules_markdown() if fmt == "markdown" else rules_text(), nl=False)
