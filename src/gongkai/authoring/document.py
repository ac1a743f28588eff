"""Writing a report document: ``render_file`` behind ``gongkai render`` / :func:`gongkai.render`.

``render_file`` reads a filled-in workbook, a report JSON (as ``gongkai extract`` writes it, or a
label file) or any report file gongkai reads, checks it, and writes DOCX/HTML/Markdown/PDF only
when no error remains (or when forced).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..api import format_for
from ..checks import Finding, check
from ..errors import GongkaiError
from ..model import Provenance
from ..render import FORMATS, SUFFIXES, render_to
from ..report import Report
from .read import describe_source, read_workbook

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
    """The output format from the suffix of ``out``; ``fmt``, when given, must agree with it."""
    return format_for(out, fmt, SUFFIXES, FORMATS)


def _is_workbook(path: Path) -> bool:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):  # ValueError: a member name not UTF-8
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
    except (ValueError, RecursionError):  # a number of thousands of digits, absurd nesting
        raise GongkaiError("不是有效的报告JSON文件（数字过长或嵌套过深）", str(path)) from None
    try:  # JSON Lines, as `gongkai extract` writes for several files
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise GongkaiError(
            f"不是有效的报告JSON文件（第{exc.lineno}行：{exc.msg}）", str(path)
        ) from None
    except (ValueError, RecursionError):
        raise GongkaiError("不是有效的报告JSON文件（数字过长或嵌套过深）", str(path)) from None


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
    rep = Report.from_dict(obj, str(path))
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
    from ..api import read  # the extractor is heavy: import when needed

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
