"""Renderers for findings: Chinese text for people, JSON for machines, a self-contained page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..report import Report
from .catalogue import SEVERITIES, SEVERITY_LABELS, SEVERITY_RANK, Finding

Pairs = Iterable[tuple[Report, Sequence[Finding]]]
Failures = Sequence[tuple[str, str]]


def describe_report(rep: Report) -> str:
    """e.g. "洪泽区人民政府 2023年度（2021年格式）"."""
    fmt = "2019年以前的格式" if rep.template == "legacy" else f"{rep.template}年格式"
    year = f"{rep.year}年度" if rep.year is not None else "年度不详"
    return f"{rep.agency or '机关名称不详'} {year}（{fmt}）"


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out: dict[str, int] = {s: 0 for s in SEVERITIES}
    for f in findings:
        if f.applicable:
            out[f.severity] += 1
    return out


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; rules not applied last."""
    return sorted(findings, key=lambda f: (not f.applicable, SEVERITY_RANK[f.severity]))


def _summary(c: dict[str, int]) -> str:
    return " · ".join(f"{SEVERITY_LABELS[s]} {c[s]}" for s in SEVERITIES)


def headline(reports: Sequence[dict[str, int]], failures: int = 0) -> str:
    """e.g. "33 份报告，2 份有错误，5 份有警告，1 个文件无法读取" (from each report's counts)."""
    errors = sum(1 for c in reports if c["error"])
    warnings = sum(1 for c in reports if c["warning"])
    tail = f"，{failures} 个文件无法读取" if failures else ""
    return f"{len(reports)} 份报告，{errors} 份有错误，{warnings} 份有警告{tail}"


def findings_text(pairs: Pairs, failures: Failures = (), verbose: bool = False) -> str:
    """Findings in Chinese: a headline, then by report, errors first, each with where to look.

    Rules that did not apply (不适用) are listed only when ``verbose``; otherwise the last line
    says how many were left out.
    """
    lines: list[str] = []
    total: dict[str, int] = {s: 0 for s in SEVERITIES}
    per_report: list[dict[str, int]] = []
    hidden = 0
    for rep, findings in pairs:
        c = counts(findings)
        per_report.append(c)
        for s in SEVERITIES:
            total[s] += c[s]
        lines.append(f"{describe_report(rep)} — {rep.path or '（无文件名）'}")
        lines.append(f"  {_summary(c)}")
        skipped: dict[str, list[str]] = {}
        for f in ordered(findings):
            if not f.applicable:
                skipped.setdefault(str(f.fields.get("reason", "")), []).append(f.code)
                continue
            lines.append(f"  [{SEVERITY_LABELS[f.severity]}] {f.code} {f.title}：{f.message}")
            if f.location:
                lines.append(f"      位置：{f.location}")
        for reason, codes in skipped.items():
            if verbose:
                lines.append(f"  不适用（{reason}）：{'、'.join(codes)}")
            else:
                hidden += len(codes)
        lines.append("")
    for path, message in failures:
        lines.append(f"无法读取 {path}：{message}")
    if failures:
        lines.append("")
    if hidden:
        lines.append(f"另有{hidden}条规则不适用，未列出（加 -v 显示）")
    tail = f"，{len(failures)}个文件无法读取" if failures else ""
    lines.append(f"共检查{len(per_report)}份报告：{_summary(total)}{tail}")
    return headline(per_report, len(failures)) + "\n\n" + "\n".join(lines) + "\n"


def report_json(rep: Report, findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "file": rep.path,
        "agency": rep.agency,
        "year": rep.year,
        "template": rep.template,
        "counts": counts(findings),
        "findings": [f.to_dict() for f in ordered(findings)],
    }


def findings_json(pairs: Pairs, failures: Failures = ()) -> str:
    """Findings as JSON: {"reports": [...], "failures": [...], "counts": {...}}."""
    reports = [report_json(rep, findings) for rep, findings in pairs]
    total: dict[str, int] = {s: 0 for s in SEVERITIES}
    for r in reports:
        for s in SEVERITIES:
            total[s] += r["counts"][s]
    data = {
        "reports": reports,
        "failures": [{"file": p, "message": m} for p, m in failures],
        "counts": total,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
