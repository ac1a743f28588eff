"""Renderers (text, JSON, HTML) and the `check` / `rules` click commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from checks_support import CORPORA, CORPUS_IDS, cases, label_report, raw_path, read_report
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from gongkai.checks import (
    RULES,
    Finding,
    check,
    findings_html,
    findings_json,
    findings_text,
    rules_markdown,
)
from gongkai.cli import check_command, rules_command
from gongkai.report import Report

P = pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)


def _batch(corpus: Path) -> list[tuple[Report, list[Finding]]]:
    reps = [read_report(corpus, c) for c in ("p001", "s000", "s002")]
    return [(r, check(r)) for r in reps]


@P
def test_text_groups_by_report_errors_first_with_locations(corpus: Path) -> None:
    text = findings_text(_batch(corpus), [("broken.pdf", "不是PDF文件")])
    headline, head = text.split("\n\n")[:2]  # the headline comes first (issue 11, item 12)
    assert headline == "3 份报告，1 份有错误，2 份有警告，1 个文件无法读取"
    assert head.startswith("洪泽区人民政府 2023年度（2021年格式）")
    lines = head.splitlines()
    assert lines[1].strip() == "错误 2 · 警告 1 · 提示 1"
    assert lines[2].startswith("  [错误] C1") and "位置：第4页" in lines[3]
    assert "不适用（" not in text and "条规则不适用，未列出（加 -v 显示）" in text
    verbose = findings_text(_batch(corpus), [("broken.pdf", "不是PDF文件")], verbose=True)
    assert "不适用（没有同一机关上一年度的报告）：X1、X2、X3、X4、X6、X8" in verbose
    assert "无法读取 broken.pdf：不是PDF文件" in text
    assert text.rstrip().endswith("共检查3份报告：错误 2 · 警告 2 · 提示 1，1个文件无法读取")


@P
def test_json_is_complete_and_machine_readable(corpus: Path) -> None:
    data = json.loads(findings_json(_batch(corpus)))
    first = data["reports"][0]
    assert first["agency"] == "洪泽区人民政府" and first["counts"]["error"] == 2
    c1 = first["findings"][0]
    assert c1["code"] == "C1" and c1["fields"]["total"] == 0 and c1["table"] == "review_litigation"
    assert {c["name"] for c in c1["cells"]} >= {"review_litigation.review_total"}
    assert c1["cells"][0]["location"].startswith("第4页")
    assert data["counts"]["error"] == 2 and data["failures"] == []


@P
def test_html_is_self_contained_and_highlights_cells(corpus: Path) -> None:
    page = findings_html(_batch(corpus), [("a<b>.pdf", "无法读取")])
    tree = LexborHTMLParser(page)
    summary = tree.css("table.summary tbody tr")
    assert [r.css("td")[0].text(strip=True) for r in summary] == [
        "洪泽区人民政府",
        "北京市西城区人力资源和社会保障局",
        "北京市东城区人力资源和社会保障局",
    ]
    assert summary[0].css("td")[3].text(strip=True) == "2"
    marked = tree.css("section#r1 td.mark-error")
    assert len(marked) == 10 and all(td.attributes.get("title") in ("C1", "C2") for td in marked)
    # one inline script (table sorting, issue 11 item 12), nothing loaded from elsewhere
    assert page.count("<script") == 1 and "<script>" in page and "src=" not in page
    assert "http" not in page.split("</style>")[0]
    assert "a&lt;b&gt;.pdf" in page  # escaped


def test_rules_command_lists_and_documents_the_catalogue() -> None:
    runner = CliRunner()
    out = runner.invoke(rules_command, [])
    assert out.exit_code == 0 and all(code in out.output for code in RULES)
    md = runner.invoke(rules_command, ["--format", "markdown"])
    assert md.output == rules_markdown()


@P
def test_check_command_on_a_directory(corpus: Path, tmp_path: Path) -> None:
    raw = tmp_path / "reports"
    shutil.copytree(corpus / "raw", raw / "nested")
    (raw / "notes.csv").write_text("not a report", encoding="utf-8")
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    out_file = tmp_path / "out.json"
    result = CliRunner().invoke(check_command, [str(raw), "--format", "json", "-o", str(out_file)])
    assert result.exit_code == 1, result.output
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert len(data["reports"]) == len(cases(corpus))
    assert [f["file"] for f in data["failures"]] == [str(raw / "broken.pdf")]
    assert data["failures"][0]["message"]  # a Chinese message, not a traceback


@P
def test_check_command_exit_status(corpus: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(check_command, [str(raw_path(corpus, "s000"))])
    assert clean.exit_code == 0 and "错误 0" in clean.output
    bad = runner.invoke(check_command, [str(raw_path(corpus, "p001")), "--select", "C"])
    assert bad.exit_code == 1 and "C1" in bad.output and "B1" not in bad.output
    ignored = runner.invoke(check_command, [str(raw_path(corpus, "p001")), "--ignore", "表内"])
    assert ignored.exit_code == 0
    unknown = runner.invoke(check_command, [str(raw_path(corpus, "p001")), "--select", "Q7"])
    assert unknown.exit_code == 2 and "未知的规则代码或标签" in unknown.output
    missing = runner.invoke(check_command, ["/nonexistent/report.pdf"])
    assert missing.exit_code == 1 and "不存在" in missing.output


@P
def test_check_command_reads_report_json(corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "p001.json"
    shutil.copy(corpus / "labels" / "p001.json", target)
    result = CliRunner().invoke(check_command, [str(target), "--format", "html"])
    assert result.exit_code == 1 and "行政复议总计不等于各结果之和" in result.output
    agency = label_report(corpus, "p001").agency
    assert agency and agency in result.output
