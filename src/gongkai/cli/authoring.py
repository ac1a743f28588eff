"""``gongkai new`` (a fill-in workbook) and ``gongkai render`` (the report in official layout)."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..authoring import RenderResult
from ..checks import Finding
from ..checks.catalogue import SEVERITY_LABELS
from ..errors import GongkaiError
from ..render import SUFFIXES
from .common import USAGE, OutputKind, fail, fail_on, output_options, say, target
from .store import db_options, open_db

RENDER = OutputKind(SUFFIXES, "docx", frozenset({"docx", "pdf"}), path_required=True)
NEW = OutputKind({".xlsx": "xlsx"}, "xlsx", frozenset({"xlsx"}))


def _finding_line(result: RenderResult, f: Finding) -> str:
    where = result.location(f)
    return f"  [{f.code}] {SEVERITY_LABELS[f.severity]}：{f.title}——{f.message}" + (
        f"（位置：{where}）" if where else ""
    )


def _year(text: str | None) -> int:
    if text is None:
        fail("请用 --year 给出报告年度，如 --year 2025", USAGE)
    try:
        return api.valid_year(text)
    except GongkaiError as exc:
        fail_on(exc, USAGE)


@click.command("new")
@click.option("--agency", help="机关全称，如“北京市西城区人力资源和社会保障局”。（必填）")
@click.option(
    "--year", "year_text", metavar="YEAR", help="报告年度（2019 年度起），如 2025。（必填）"
)
@click.option(
    "--template",
    metavar="2021|2019",
    default=None,
    help="表格格式：2021（2021年度起）或 2019（2019、2020年度）。默认按年度选择。",
)
@output_options(NEW, "填报工作簿（默认“机关名称+年度+政府信息公开工作年度报告.xlsx”）")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
@click.option(
    "--from-ledger",
    "from_ledger",
    is_flag=True,
    help="由数据库中的申请台账统计表三、表四并填入工作簿（--agency 为台账中的单位）。",
)
@db_options
def new_command(
    agency: str | None,
    year_text: str | None,
    template: str | None,
    fmt: str | None,
    out: Path | None,
    force: bool,
    from_ledger: bool,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """生成年度报告填报工作簿（Excel）：按规定格式填写表格和正文，合计由公式自动计算。

    填写完成后用“gongkai render 工作簿.xlsx -o 年度报告.docx”生成报告。
    """
    if not (agency or "").strip():
        fail("请用 --agency 给出机关全称，如 --agency 北京市西城区人力资源和社会保障局", USAGE)
    try:
        agency = api.valid_agency(agency)
    except GongkaiError as exc:
        fail_on(exc, USAGE)
    year = _year(year_text)
    if out is not None or fmt is not None:
        target(NEW, fmt, out or Path("x.xlsx"))
    try:
        if from_ledger:
            from ..ledger.fill import new_from_ledger

            with open_db(db, db_timeout, create=False) as store:
                written = new_from_ledger(store, agency, year, out, force)
        else:
            written = api.new(agency, year, out, template, force)
    except GongkaiError as exc:
        fail_on(exc)
    chosen = template or ("2021" if year >= 2021 else "2019")
    say(f"已生成填报工作簿 {written}（{chosen}年格式）。请填写浅黄色单元格，然后运行：")
    say(f"  gongkai render {written} -o {written.with_suffix('.docx')}")


@click.command("render")
@click.argument("input", required=False, type=click.Path(path_type=Path))
@output_options(RENDER, "输出文件")
@click.option("--force", is_flag=True, help="即使检查发现错误也生成。")
def render_command(input: Path | None, fmt: str | None, out: Path | None, force: bool) -> None:
    """按规定格式生成年度报告（DOCX、HTML、Markdown 或 PDF）。

    INPUT 可以是“gongkai new”生成并填写好的工作簿（.xlsx）、“gongkai extract”输出的报告 JSON，
    或 gongkai 能读取的任何报告文件。生成前会检查报告；有错误时列出错误并拒绝生成（退出码 1），
    除非加 --force。警告只显示，不影响生成。
    """
    if input is None:
        fail("请给出要生成的报告文件，如：gongkai render 年报.xlsx -o 年报.docx", USAGE)
    tgt = target(RENDER, fmt, out)
    assert tgt.path is not None  # RENDER requires a path
    try:
        result = api.render(input, tgt.path, tgt.fmt, force)
    except GongkaiError as exc:
        fail_on(exc)
    for w in result.report.warnings:
        say(f"  提示：{w}")
    if result.errors:
        say(f"发现 {len(result.errors)} 个错误：")
        for f in result.errors:
            say(_finding_line(result, f))
    if result.warnings:
        say(f"发现 {len(result.warnings)} 个警告：")
        for f in result.warnings:
            say(_finding_line(result, f))
    if result.refused:
        fail(
            f"报告仍有 {len(result.errors)} 个错误，未生成 {tgt.path}。"
            "请改正后重新运行，或加 --force 强制生成。"
        )
    note = f"（仍有 {len(result.errors)} 个错误未改正）" if result.errors else ""
    say(f"已生成 {result.written}{note}")
