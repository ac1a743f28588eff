"""Writing a report: ``gongkai new`` (a fill-in workbook) and ``gongkai render`` (the document).

``render_file`` reads a filled-in workbook, a report JSON (as ``gongkai extract`` writes it, or a
label file) or any report file gongkai reads, checks it, and writes DOCX/HTML/Markdown/PDF only
when no error remains (or when forced). The click commands are thin wrappers; gongkai.cli
registers them.
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from .authoring import describe_source, read_workbook, write_workbook
from .checks import Finding, check
from .checks.catalogue import SEVERITY_LABELS
from .errors import GongkaiError
from .model import Provenance
from .render import FORMATS, SUFFIXES, render_to
from .report import Report
from .templates import TEMPLATES

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
JSON_SUFFIXES = (".json", ".jsonl")
MAX_PLACES = 4  # a finding about a whole column names only its first cells


@dataclass
class RenderResult:
    """What ``render_file`` did: the findings, and the file written (None when refused)."""

    report: Report
    findings: list[Finding]
    out: Path
    fmt: str
    written: Path | None = None
    forced: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error" and f.applicable]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning" and f.applicable]

    @property
    def refused(self) -> bool:
        return self.written is None

    def location(self, finding: Finding) -> str:
        """Where to look; for a workbook the worksheet cells, e.g. 工作表“三、依申请公开”D12."""
        if self.report.format == "xlsx":
            return workbook_location(self.report, finding) or finding.location
        return finding.location


def output_format(out: Path, fmt: str | None = None) -> str:
    """The output format from ``fmt`` or else from the suffix of ``out``."""
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in FORMATS:
            raise GongkaiError(f"不支持的输出格式“{fmt}”，可选：{'、'.join(FORMATS)}")
        return fmt
    found = SUFFIXES.get(out.suffix.lower())
    if found is None:
        raise GongkaiError(
            f"无法从扩展名“{out.suffix or '（无）'}”判断输出格式，请使用 "
            + "、".join(SUFFIXES)
            + " 之一，或用 --format 指定",
            str(out),
        )
    return found


def _is_workbook(path: Path) -> bool:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _json_objects(path: Path) -> list[Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GongkaiError(f"无法读取报告JSON文件（{exc}）", str(path)) from None
    try:
        data = json.loads(text)
        return data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        pass
    try:  # JSON Lines, as `gongkai extract` writes for several files
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise GongkaiError(
            f"不是有效的报告JSON文件（第{exc.lineno}行：{exc.msg}）", str(path)
        ) from None


def load_json_report(path: Path) -> Report:
    """A report from a report JSON / JSON Lines file holding exactly one report."""
    objects = _json_objects(path)
    if len(objects) != 1:
        raise GongkaiError(
            f"文件中有{len(objects)}份报告，一次只能生成一份；请先拆分为单个报告", str(path)
        )
    obj = objects[0]
    if not isinstance(obj, dict):
        raise GongkaiError("报告JSON的内容应是一个对象", str(path))
    if obj.get("error") and not any(k in obj for k in ("requests", "active", "legacy")):
        raise GongkaiError(f"该记录是读取失败的结果：{obj['error']}", str(path))
    try:
        rep = Report.from_dict(obj)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise GongkaiError(f"报告JSON的内容不符合格式（{exc}）", str(path)) from None
    rep.path = rep.path or str(path)
    return rep


def load_report(path: Path) -> Report:
    """Our workbook, a report JSON, or any report file gongkai reads."""
    if not path.exists():
        raise GongkaiError("找不到文件", str(path))
    if path.is_dir():
        raise GongkaiError("这是一个目录，请给出一个报告文件", str(path))
    if _is_workbook(path):
        return read_workbook(path)
    if path.suffix.lower() in JSON_SUFFIXES:
        return load_json_report(path)
    from .api import read  # the extractor is heavy: import when needed

    return read(path)


def workbook_location(report: Report, finding: Finding) -> str:
    """A finding's cells as worksheet cells of the workbook the report was read from."""
    sources: dict[str, Provenance | None] = {n: v.source for n, v in report.cells()}
    for number, sec in report.sections.items():
        sources[f"sections.{number}"] = sec.source
    places = list(
        dict.fromkeys(
            describe_source(src.table, src.row, src.col)
            for c in finding.cells
            if (src := sources.get(c.name)) is not None
        )
    )
    if len(places) > MAX_PLACES:
        return "；".join(places[:MAX_PLACES]) + f"等{len(places)}处"
    return "；".join(places)


def render_file(
    input: Path, out: Path, fmt: str | None = None, force: bool = False
) -> RenderResult:
    """Check the report in ``input`` and write it to ``out`` unless errors remain.

    :param fmt: "docx", "html", "md" or "pdf"; by default from the suffix of ``out``.
    :param force: write even when the checker found errors.
    :returns: the findings and the written path (``written`` is None when refused).
    :raises GongkaiError: for an unknown output format or an unreadable input.
    """
    input, out = Path(input), Path(out)
    chosen = output_format(out, fmt)
    if out.exists() and input.exists() and out.resolve() == input.resolve():
        raise GongkaiError("输出文件与输入文件相同，会覆盖原文件；请换一个输出文件名", str(out))
    report = load_report(input)
    findings = check(report)
    result = RenderResult(report, findings, out, chosen, forced=force)
    if result.errors and not force:
        return result
    result.written = render_to(report, out, chosen)
    return result


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(1)


def _finding_line(result: RenderResult, f: Finding) -> str:
    where = result.location(f)
    return f"  [{f.code}] {SEVERITY_LABELS[f.severity]}：{f.title}——{f.message}" + (
        f"（位置：{where}）" if where else ""
    )


def _year(text: str | None) -> int:
    if text is None:
        _fail("请用 --year 给出报告年度，如 --year 2025")
    digits = text.strip().removesuffix("年度").removesuffix("年")
    if not (digits.isdigit() and len(digits) == 4 and 2000 <= int(digits) <= 2100):
        _fail(f"报告年度“{text}”应为四位数字年份，如 2025")
    return int(digits)


@click.command("new")
@click.option("--agency", help="机关全称，如“北京市西城区人力资源和社会保障局”。（必填）")
@click.option("--year", "year_text", metavar="YEAR", help="报告年度，如 2025。（必填）")
@click.option(
    "--template",
    metavar="2021|2019",
    default=None,
    help="表格格式：2021（2021年度起）或 2019（2019、2020年度）。默认按年度选择。",
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="输出的 .xlsx 文件（默认“机关名称+年度+政府信息公开工作年度报告.xlsx”）。",
)
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它。")
def new_command(
    agency: str | None, year_text: str | None, template: str | None, out: Path | None, force: bool
) -> None:
    """生成年度报告填报工作簿（Excel）：按规定格式填写表格和正文，合计由公式自动计算。

    填写完成后用“gongkai render 工作簿.xlsx -o 年度报告.docx”生成报告。
    """
    agency = (agency or "").strip()
    if not agency:
        _fail("请用 --agency 给出机关全称，如 --agency 北京市西城区人力资源和社会保障局")
    year = _year(year_text)
    template = template or ("2021" if year >= 2021 else "2019")
    if template not in TEMPLATES:
        _fail(f"未知的表格格式“{template}”，可选：{'、'.join(TEMPLATES)}")
    out = out or Path(f"{agency}{year}年政府信息公开工作年度报告.xlsx")
    if out.suffix.lower() != ".xlsx":
        _fail(f"填报工作簿应保存为 .xlsx 文件，而不是“{out.suffix or '（无扩展名）'}”：{out}")
    if out.is_dir():
        _fail(f"{out} 是一个目录，请给出 .xlsx 文件名")
    if out.exists() and not force:
        _fail(f"{out} 已存在（可能已填写过）；如确要覆盖请加 --force")
    try:
        write_workbook(out, agency, year, template)
    except GongkaiError as exc:
        _fail(str(exc))
    click.echo(
        f"已生成填报工作簿 {out}（{template}年格式）。请填写浅黄色单元格，然后运行：", err=True
    )
    click.echo(f"  gongkai render {out} -o {out.with_suffix('.docx')}", err=True)


@click.command("render")
@click.argument("input", required=False, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    help="输出文件：.docx、.html、.md 或 .pdf。（必填）",
)
@click.option(
    "--format",
    "fmt",
    metavar="|".join(FORMATS),
    default=None,
    help="输出格式；默认按输出文件的扩展名。",
)
@click.option("--force", is_flag=True, help="即使检查发现错误也生成。")
def render_command(input: Path | None, out: Path | None, fmt: str | None, force: bool) -> None:
    """按规定格式生成年度报告（DOCX、HTML、Markdown 或 PDF）。

    INPUT 可以是“gongkai new”生成并填写好的工作簿（.xlsx）、“gongkai extract”输出的报告 JSON，
    或 gongkai 能读取的任何报告文件。生成前会检查报告；有错误时列出错误并拒绝生成（退出码 1），
    除非加 --force。警告只显示，不影响生成。
    """
    if input is None:
        _fail("请给出要生成的报告文件，如：gongkai render 年报.xlsx -o 年报.docx")
    if out is None:
        _fail("请用 -o 指定输出文件，如 -o 年度报告.docx（可为 .docx、.html、.md、.pdf）")
    try:
        result = render_file(input, out, fmt, force)
    except GongkaiError as exc:
        _fail(str(exc))
    for w in result.report.warnings:
        click.echo(f"  提示：{w}", err=True)
    if result.errors:
        click.echo(f"发现 {len(result.errors)} 个错误：", err=True)
        for f in result.errors:
            click.echo(_finding_line(result, f), err=True)
    if result.warnings:
        click.echo(f"发现 {len(result.warnings)} 个警告：", err=True)
        for f in result.warnings:
            click.echo(_finding_line(result, f), err=True)
    if result.refused:
        _fail(
            f"报告仍有 {len(result.errors)} 个错误，未生成 {out}。"
            "请改正后重新运行，或加 --force 强制生成。"
        )
    note = f"（仍有 {len(result.errors)} 个错误未改正）" if result.errors else ""
    click.echo(f"已生成 {result.written}{note}", err=True)
