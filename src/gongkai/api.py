"""The public library API: one function per command-line verb.

``read`` (``gongkai extract``), ``check``, ``render``, ``summarize`` and ``new``: each is the
function its verb calls, so the library and the command line behave the same. Every problem with
the user's input is a :class:`gongkai.errors.GongkaiError` with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GongkaiError
from .extract import extract
from .model import Document
from .readers import bundle, load, read_bytes, resource_errors, sniff
from .report import Report

if TYPE_CHECKING:
    from .authoring.document import RenderResult
    from .batch import Outcome, Scan
    from .checks import Batch
    from .checks.catalogue import Finding
    from .summary import Summary

FIRST_YEAR = 2008  # the Regulations took effect on 1 May 2008: the first annual reports
NO_REPORT_FILES = (
    "没有找到可读取的报告文件（支持 txt、md、html、docx、pdf、doc、wps、rtf、odt、json、"
    "gongkai new 生成的 xlsx 填报工作簿，以及装有这些文件的 zip 压缩包）"
)
Sources = str | Path | Iterable[str | Path]


def read(source: str | Path | bytes, name: str | None = None) -> Report:
    """Read one annual report (TXT, MD, HTML, DOCX, PDF, DOC/WPS/RTF/ODT, or a fill-in workbook
    made by :func:`new`) into a Report.

    ``source`` is a path or the file's bytes (then ``name`` gives the file name, used for the
    format when the content does not tell). A member of a zip bundle is named
    "bundle.zip!/member.pdf". Raises :class:`gongkai.errors.GongkaiError` with a Chinese message
    naming the file when the file cannot be read or is not a report.
    """
    data, path = file_bytes(source, name)
    fmt = sniff(data, path)
    if fmt == "xlsx":
        return _read_workbook(data, path)
    if fmt == "zip":
        raise bundle.refusal(path)
    doc = load(data, path)
    try:
        rep: Report | None = extract(doc)
        error: GongkaiError | None = None
    except GongkaiError as exc:
        rep, error = None, exc
    if doc.format == "pdf" and _problems(rep) > 0:
        rep, error = _read_pdf_grid(data, path, rep, error)
    if rep is None:
        assert error is not None
        raise error
    rep.path = path
    return rep


def file_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str | None]:
    """The bytes of a file, or of a zip bundle's member named "bundle.zip!/member"."""
    if not isinstance(source, bytes):
        member = bundle.split(source)
        if member is not None and not Path(source).exists():
            return read_bytes(bundle.read_member(*member), str(source))
    return read_bytes(source, name)


def _read_workbook(data: bytes, path: str | None) -> Report:
    """A fill-in workbook of ``gongkai new`` (guarded like a DOCX package before it is opened)."""
    from .authoring.read import read_workbook

    bundle.check_package(data, path)
    with resource_errors(path):
        rep = read_workbook(data, path)
    rep.path = path
    return rep


def _problems(rep: Report | None) -> int:
    """How incomplete a reading is: missing tables and undecided cells."""
    if rep is None:
        return 1_000
    if rep.template == "legacy":
        return 1  # a line-based reading of an indicator table may have lost rows
    missing = sum(1 for w in rep.warnings if w.startswith("缺少表格"))
    return 100 * missing + sum(1 for _, v in rep.cells() if v.ambiguous)


def _read_pdf_grid(
    data: bytes, path: str | None, rep: Report | None, error: GongkaiError | None
) -> tuple[Report | None, GongkaiError | None]:
    """The exact (slower) table-grid PDF reading, kept when it reads more than the fast one."""
    from .readers.pdf_grid import read_pdf_grid

    try:
        doc: Document = read_pdf_grid(data, path)
        grid = extract(doc)
    except GongkaiError:
        return rep, error
    if rep is None or _problems(grid) < _problems(rep) or rep.template == "legacy":
        return grid, None
    return rep, error


# -- shared validation ---------------------------------------------------------------------------


def valid_year(value: int | str) -> int:
    """A report year, e.g. 2024 (also "2024年", "2024年度"); anything implausible is refused.

    :raises GongkaiError: unless the year lies between 2008 (the first reports) and next year.
    """
    last = dt.date.today().year + 1
    text = str(value).strip().removesuffix("年度").removesuffix("年").strip()
    year = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
    if year is None or not FIRST_YEAR <= year <= last:
        shown = str(value) if len(str(value)) <= 20 else str(value)[:20] + "…"
        raise GongkaiError(
            f"报告年度“{shown}”不是有效的年份："
            f"应为 {FIRST_YEAR} 至 {last} 之间的四位数年份，如 {last - 1}"
        )
    return year


def valid_agency(agency: str | None) -> str:
    """An agency name to write into a new report, stripped of surrounding spaces.

    :raises GongkaiError: for an empty name or one holding control or invisible format characters.
    """
    agency = (agency or "").strip()
    if not agency:
        raise GongkaiError("请给出机关全称，如“北京市西城区人力资源和社会保障局”")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in agency):
        raise GongkaiError("机关名称含有控制字符或不可见的格式字符，请只用可见的文字")
    return agency


def format_for(
    out: str | Path, fmt: str | None, suffixes: Mapping[str, str], formats: Sequence[str]
) -> str:
    """The format to write ``out`` in: from its suffix; ``fmt``, when given, must agree with it.

    :param suffixes: known suffixes (".docx") and the format each means.
    :param formats: the formats allowed.
    :raises GongkaiError: for an unknown format or suffix, or a suffix that contradicts ``fmt``.
    """
    out = Path(out)
    if fmt is not None:
        fmt = fmt.lower().lstrip(".")
        if fmt not in formats:
            raise GongkaiError(f"不支持的输出格式“{fmt}”，可选：{'、'.join(formats)}")
    found = suffixes.get(out.suffix.lower())
    if found is None:
        known = "、".join(s for s, f in suffixes.items() if f in formats)
        raise GongkaiError(
            f"无法从扩展名“{out.suffix or '（无）'}”判断输出格式；"
            f"输出文件的扩展名应为 {known} 之一",
            str(out),
        )
    if fmt is not None and found != fmt:
        raise GongkaiError(
            f"扩展名“{out.suffix}”与输出格式“{fmt}”不符；请改用与格式相符的扩展名，或去掉格式选项",
            str(out),
        )
    return found


def _paths(sources: Sources) -> list[str | Path]:
    return [sources] if isinstance(sources, str | Path) else list(sources)


def scan_reports(sources: Sources) -> Scan:
    """The report files under ``sources`` (zip bundles' report members included, named
    "bundle.zip!/member"), and the files skipped with the reason (lock files, images…).

    :raises GongkaiError: when there is no report file at all (the message lists what was
        skipped).
    """
    from .batch import scan

    paths = _paths(sources)
    found = scan(paths)
    if not found.files:
        where = "、".join(str(p) for p in paths)
        skipped = ""
        if found.skipped:
            shown = "、".join(f"{s.path}（{s.reason}）" for s in found.skipped[:10])
            more = "等" if len(found.skipped) > 10 else ""
            skipped = f"；已跳过 {len(found.skipped)} 个文件：{shown}{more}"
        raise GongkaiError(NO_REPORT_FILES + skipped, where or None)
    return found


def report_files(sources: Sources) -> list[Path]:
    """The files named plus every report file under the folders named and in the zip bundles
    named or found (see :func:`scan_reports`).

    :raises GongkaiError: when there is no file at all (an empty folder, or no report file in it).
    """
    return scan_reports(sources).files


def load_reports(
    sources: Sources, progress: Callable[[Outcome], None] | None = None
) -> tuple[list[Report], list[tuple[str, str]]]:
    """Reports from files and folders (report JSON too), and (file, message) for unreadable ones.

    :raises GongkaiError: when no report file is found.
    """
    from .batch import read_many
    from .checks.runner import load_json

    files = report_files(sources)
    documents = [f for f in files if f.suffix.lower() != ".json"]
    read_docs = {o.path: o for o in read_many(documents, progress=progress)}
    reports: list[Report] = []
    failures: list[tuple[str, str]] = []
    for f in files:
        if f.suffix.lower() == ".json":
            try:
                reports.append(load_json(f))
            except GongkaiError as exc:
                failures.append((str(f), exc.message))
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                failures.append((str(f), f"报告JSON的内容不符合格式（{exc}）"))
            continue
        outcome = read_docs[str(f)]
        if outcome.report is not None:
            reports.append(outcome.report)
        else:
            failures.append((outcome.path, outcome.error or "无法读取"))
    return reports, failures


# -- one function per verb -----------------------------------------------------------------------


def check(
    sources: Sources,
    previous: Sources = (),
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> Batch:
    """Read and check report files and folders (``gongkai check``).

    Each body's consecutive years are paired for the cross-year rules.

    :param sources: report files (any format gongkai reads, or report JSON) or folders.
    :param previous: previous-year reports to compare with; not checked themselves.
    :param select: run only these rules (codes, family letters or tags, e.g. "B,C1,跨年").
    :param ignore: skip these rules.
    :returns: a :class:`gongkai.checks.Batch`: each report's findings and the unreadable files.
    :raises GongkaiError: for an unknown rule code or tag, or when no report file is found.
    """
    from .checks import check_paths
    from .checks.runner import validate_selectors

    validate_selectors(select, ignore)
    files = report_files(sources)
    earlier = report_files(previous) if _paths(previous) else []
    return check_paths(files, earlier, select, ignore)


def render(
    source: str | Path, out: str | Path, fmt: str | None = None, force: bool = False
) -> RenderResult:
    """Check one report and write it in the official layout (``gongkai render``).

    :param source: a filled-in workbook from :func:`new`, a report JSON, or any report file.
    :param out: the output file: .docx, .html, .md or .pdf.
    :param fmt: "docx", "html", "md" or "pdf"; must agree with the suffix of ``out``.
    :param force: write even when the checker finds errors.
    :returns: the findings and the file written (``written`` is None when refused for errors).
    :raises GongkaiError: for an unreadable input or an unknown or contradictory format.
    """
    from .authoring.document import render_file

    return render_file(Path(source), Path(out), fmt, force)


def summarize(
    sources: Sources | Sequence[Report],
    agency: str,
    year: int | str,
    include_invalid: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    prefer: Sequence[str | Path] = (),
    findings: Sequence[list[Finding]] | None = None,
) -> Summarized:
    """Add up a region's bodies' reports cell by cell (``gongkai summarize``).

    :param sources: report files or folders, or :class:`Report` objects.
    :param agency: the summarizing government, e.g. "某某县人民政府".
    :param year: the report year; must be plausible (see :func:`valid_year`).
    :param include_invalid: count reports in which the checker found errors too.
    :param prefer: files to count when a body has several reports (by default the better
        reading: fewer undecided cells, then fewer inferred cells, then fewer warnings, then
        the later publication date); each body's kept copy and why is in its ``reason``.
    :param findings: with :class:`Report` objects, each one's findings when already known
        (see :func:`gongkai.summary.summarize`).
    :returns: the :class:`gongkai.summary.Summary` and the files that could not be read.
    :raises GongkaiError: for an implausible year or when no report file is found.
    """
    from .summary import summarize as add_up

    chosen = valid_year(year)
    items: list[str | Path | Report] = (
        [sources] if isinstance(sources, str | Path) else list(sources)
    )
    if all(isinstance(i, Report) for i in items):
        reports = [i for i in items if isinstance(i, Report)]
        failures: list[tuple[str, str]] = []
    else:
        paths = [i for i in items if not isinstance(i, Report)]
        reports, failures = load_reports(paths, progress)
    return Summarized(add_up(reports, agency, chosen, include_invalid, prefer, findings), failures)


class Summarized:
    """What :func:`summarize` made: the summary, and (file, message) for unreadable files."""

    __slots__ = ("failures", "summary")

    def __init__(self, summary: Summary, failures: list[tuple[str, str]]) -> None:
        self.summary = summary
        self.failures = failures

    @property
    def report(self) -> Report:
        """The summary report."""
        return self.summary.report

    @property
    def ok(self) -> bool:
        """Every file was read."""
        return not self.failures


def new(
    agency: str,
    year: int | str,
    out: str | Path | None = None,
    template: str | None = None,
    force: bool = False,
) -> Path:
    """Write a fill-in workbook (.xlsx) for ``agency``'s report for ``year`` (``gongkai new``).

    :param year: 2019 or later (reports before 2019 had no national tables to fill in).
    :param out: the .xlsx file; by default "<agency><year>年政府信息公开工作年度报告.xlsx" in the
        working folder, made from the agency name with path separators and control characters
        removed.
    :param template: "2021" or "2019"; by default 2019 for 2019-2020 and 2021 from 2021.
    :param force: overwrite an existing file.
    :returns: the path written.
    :raises GongkaiError: for a missing agency, an implausible or pre-2019 year, an unknown
        template, a file name that is not .xlsx, or an existing file without ``force``.
    """
    from .authoring.workbook import workbook_path, write_workbook
    from .templates import TEMPLATES

    agency = valid_agency(agency)
    chosen = valid_year(year)
    if chosen < 2019:
        raise GongkaiError(
            f"{chosen}年度的报告使用2019年以前各地自定的统计附表，没有全国统一的表格，"
            "无法生成填报工作簿；填报工作簿支持2019年度及以后的报告"
        )
    template = template or ("2021" if chosen >= 2021 else "2019")
    if template not in TEMPLATES:
        raise GongkaiError(f"未知的表格格式“{template}”，可选：{'、'.join(TEMPLATES)}")
    return write_workbook(workbook_path(out, agency, chosen, force), agency, chosen, template)
