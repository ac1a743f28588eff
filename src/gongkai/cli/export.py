"""``gongkai export``: the stored reports as CSV, XLSX, Parquet or a SQLite file that opens in
Datasette, tidy (one row per cell) or wide (one row per report); a thin face of
:func:`gongkai.store.exporter.export`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import GongkaiError
from ..store.exporter import FORMATS, SHAPES, SUFFIXES, export
from .common import OutputKind, fail_on, output_options, say, target
from .query import parse_year
from .store import db_options, open_db

EXPORT = OutputKind(SUFFIXES, "csv", binary=frozenset(FORMATS), path_required=True)


@click.command("export")
@db_options
@output_options(EXPORT, "导出文件")
@click.option(
    "--shape",
    type=click.Choice(SHAPES),
    default="tidy",
    show_default=True,
    help="tidy：每个数据项一行（报告、表格、行、列、数值、原文、来源位置）；"
    "wide：每个报告一行，每个数据项一列。",
)
@click.option("--year", "year_text", metavar="YEAR", help="只导出这一年度的报告，如 2024。")
@click.option("--region", help="只导出这一地区及其下级地区单位的报告，如“河北省/石家庄市”。")
@click.option(
    "--all-versions",
    is_flag=True,
    help="导出每个单位每年的所有版本（默认只导出当前版本）。",
)
@click.option(
    "--labels/--no-labels",
    default=True,
    help="CSV/XLSX：字段名下一行中文标签（默认）；--no-labels 只留字段名一行（XLSX 标签作批注）",
)
def export_command(
    db: str | None,
    db_timeout: float | None,
    fmt: str | None,
    out: Path | None,
    shape: str,
    year_text: str | None,
    region: str | None,
    all_versions: bool,
    labels: bool,
) -> None:
    """把数据库中的报告导出为 CSV、XLSX、Parquet 或 SQLite 文件。

    格式按 -o 的扩展名：.csv .xlsx .parquet .sqlite（或 .db）。字段名是英文键，附中文标签。

    SQLite 文件自带 labels 表（字段与中文名称），可直接用 Datasette 打开。

    Parquet 需要 pyarrow：pip install 'gongkai[parquet]'。
    """
    tgt = target(EXPORT, fmt, out)
    assert tgt.path is not None  # path_required: target() refused a missing -o
    year = parse_year(year_text) if year_text else None
    with open_db(db, db_timeout, create=False) as store:
        try:
            written = export(
                store, tgt.path, tgt.fmt, shape, year, region, not all_versions, labels
            )
        except GongkaiError as exc:
            fail_on(exc)
    say(f"已导出到 {written}")
