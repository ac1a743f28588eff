"""Regional summaries on the real corpus: the sum of the bodies' tables, computed here from the
label files, is what the summary holds; duplicates, other years, other layouts and reports with
errors are left out and said so; the summary renders, reads back and reconciles."""

from __future__ import annotations

import copy
import csv
import io
import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS, load_label
from openpyxl import load_workbook

import gongkai
from gongkai.checks import check
from gongkai.cli import summarize_command
from gongkai.errors import GongkaiError
from gongkai.output import cell_columns
from gongkai.render import render
from gongkai.report import Report, Value
from gongkai.summary import (
    CONTRIBUTION_META,
    LEGACY_REFUSED,
    PLACEHOLDER,
    Summary,
    contributions,
    reconcile,
    summarize,
    write_contributions,
)
from gongkai.templates import ACTIVE_2019, REVIEW_KEYS, template_for

AGENCY = "测试市人民政府"
CORPORA = [LOCAL_CORPUS] + ([SHARED_CORPUS] if (SHARED_CORPUS / "labels").is_dir() else [])
CORPUS_IDS = ["local", "shared"][: len(CORPORA)]
OTHER_SPLIT = [r.key for r in template_for("2021").request_rows if r.group == "other"]


# -- corpus access ---------------------------------------------------------------------------


def labels(corpus: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: load_label(p) for p in sorted((corpus / "labels").glob("*.json"))}


@cache
def _read(path: Path) -> Report:
    return gongkai.read(path)


def read(corpus: Path, case: str) -> Report:
    """A fresh copy of the report read from the case's file (tests may modify it)."""
    return copy.deepcopy(_read(corpus / labels(corpus)[case]["raw"]))


def years_2021_template(corpus: Path) -> dict[int, list[str]]:
    """Cases of the 2021 template per year, by their labels."""
    out: dict[int, list[str]] = {}
    for case, lab in labels(corpus).items():
        if lab["template"] == "2021":
            out.setdefault(int(lab["year"]), []).append(case)
    return out


YEAR_GROUPS = [
    pytest.param(c, y, cs, id=f"{cid}-{y}")
    for c, cid in zip(CORPORA, CORPUS_IDS, strict=True)
    for y, cs in sorted(years_2021_template(c).items())
]


# -- the sum, computed independently from the labels -----------------------------------------


def dec(x: object) -> Decimal:
    """A label or summary value as a Decimal; blanks and text count 0."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return Decimal(0)
    return Decimal(str(x))


def _key(agency: str) -> str:
    return "".join(agency.split())


def expected_bodies(corpus: Path, cases: list[str]) -> list[str]:
    """Cases a summary must add: error-free, （六） summable, each body (label agency) once,
    the copy read directly rather than the one whose glued digits had to be inferred."""
    best: dict[str, tuple[int, str]] = {}
    for case in cases:
        lab = labels(corpus)[case]
        rep = read(corpus, case)
        if any(f.severity == "error" and f.applicable for f in check(rep)):
            continue
        if "other" in lab["requests"] and any(dec(x) for x in lab["requests"]["other"]):
            continue
        inferred = sum(1 for _, v in rep.cells() if v.derived)
        key = _key(lab["agency"])
        if key not in best or inferred < best[key][0]:
            best[key] = (inferred, case)
    kept = {case for _, case in best.values()}
    return [c for c in cases if c in kept]


def label_sums(corpus: Path, cases: list[str]) -> dict[str, list[Decimal]]:
    tpl = template_for("2021")
    sums: dict[str, list[Decimal]] = {}
    for row in tpl.active_rows:
        sums[f"active.{row.label}"] = [Decimal(0)] * len(row.columns)
    for row in tpl.request_rows:
        sums[f"requests.{row.key}"] = [Decimal(0)] * 7
    sums["review_litigation"] = [Decimal(0)] * len(REVIEW_KEYS)
    for case in cases:
        lab = labels(corpus)[case]
        rows = {f"active.{k}": v for k, v in lab["active"].items()}
        rows.update({f"requests.{k}": v for k, v in lab["requests"].items()})
        rows["review_litigation"] = lab["review_litigation"]
        for name, values in rows.items():
            if name == "requests.other":
                continue  # a single （六） row: zero everywhere (see expected_bodies)
            sums[name] = [a + dec(b) for a, b in zip(sums[name], values, strict=True)]
    return sums


def summary_values(rep: Report) -> dict[str, list[Any]]:
    d = rep.to_dict(detail=False)
    out = {f"active.{k}": v for k, v in d["active"].items()}
    out.update({f"requests.{k}": v for k, v in d["requests"].items()})
    out["review_litigation"] = d["review_litigation"]
    return out


def no_errors(rep: Report) -> bool:
    return not [f for f in check(rep) if f.severity == "error" and f.applicable]


# -- summing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("corpus", "year", "cases"), YEAR_GROUPS)
def test_summary_is_the_sum_of_its_bodies(corpus: Path, year: int, cases: list[str]) -> None:
    summary = summarize([read(corpus, c) for c in cases], AGENCY, year)
    included = expected_bodies(corpus, cases)
    assert [Path(b.file).stem for b in summary.included] == included
    got = summary_values(summary.report)
    want = label_sums(corpus, included)
    assert set(got) == set(want)
    for name, values in want.items():
        assert [dec(x) for x in got[name]] == values, name
    assert no_errors(summary.report)
    assert summary.report.agency == AGENCY and summary.report.year == year


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_2021_rendering_twins_are_duplicates_never_double_counted(corpus: Path) -> None:
    cases = ["s000", "s001", "s003", "g001", "g002"]
    summary = summarize([read(corpus, c) for c in cases], AGENCY, 2021)
    assert {Path(b.file).stem for b in summary.included} == {"s000", "s001", "s003"}
    twins = {Path(b.file).stem: Path(b.duplicate_of or "").stem for b in summary.duplicates}
    assert twins == {"g001": "s000", "g002": "s001"}
    assert all("同一单位" in b.reason for b in summary.duplicates)
    assert not summary.excluded
    new_total = sum(labels(corpus)[c]["requests"]["new"][6] for c in ("s000", "s001", "s003"))
    assert summary.report.request("new", 6) == new_total
    overview = summary.report.sections["一"].text
    assert "3个单位" in overview and f"新收政府信息公开申请{new_total}件" in overview
    assert PLACEHOLDER in summary.report.sections["五"].text


@pytest.mark.parametrize("corpus", CORPORA, ids=CORPUS_IDS)
def test_fees_keep_their_decimals_exactly(corpus: Path) -> None:
    cases = ["p002", "p003"]
    summary = summarize([read(corpus, c) for c in cases], AGENCY, 2024)
    fees = summary.report.active["admin_fees"][0]
    want = sum((dec(labels(corpus)[c]["active"]["行政事业性收费"][0]) for c in cases), Decimal(0))
    assert Decimal(fees.raw) == want and dec(fees.value) == want
    single = next(b for b in summary.included if Path(b.file).stem == "p002")
    assert "（六）其他处理" in single.reason  # its single row is 0: summed as zeros, and said so


def test_other_years_legacy_and_the_summary_itself_are_listed() -> None:
    cases = ["s000", "p002", "p003", "s002"]
    reports = [read(LOCAL_CORPUS, c) for c in cases]
    reports[2].agency = AGENCY  # e.g. the published summary lying among the bodies' files
    summary = summarize(reports, AGENCY, 2024)
    reasons = {Path(b.file).stem: b.reason for b in summary.excluded}
    assert set(reasons) == {"s000", "p003", "s002"}
    assert "2021年" in reasons["s000"] and "2024年" in reasons["s000"]
    assert reasons["s002"] == LEGACY_REFUSED
    assert "相同" in reasons["p003"]


def test_legacy_report_is_refused() -> None:
    with pytest.raises(GongkaiError) as exc:
        summarize([read(LOCAL_CORPUS, "s002")], AGENCY, 2018)
    assert "2019年以前的报告没有统一的表格，不能汇总" in exc.value.message


def _as_2019(label: dict[str, Any], agency: str) -> Report:
    """The label turned into a 2019-layout report: 2019 Table A rows, （六） as one row."""
    d = copy.deepcopy(label)
    d["template"], d["agency"] = "2019", agency
    d["active"] = {row.label: [i for i, _ in enumerate(row.columns)] for row in ACTIVE_2019}
    req = d["requests"]
    split = [req.pop(k) for k in OTHER_SPLIT]
    req["other"] = [int(sum(dec(row[i]) for row in split)) for i in range(7)]
    return Report.from_dict(d)


def test_mixed_2019_and_2021_layouts_are_refused_naming_each_body() -> None:
    old = _as_2019(load_label(LOCAL_CORPUS / "labels" / "s001.json"), "测试区旧格式单位")
    with pytest.raises(GongkaiError) as exc:
        summarize([read(LOCAL_CORPUS, "s000"), old], AGENCY, 2021)
    msg = exc.value.message
    assert "格式不同" in msg
    assert "2021年格式：北京市西城区人力资源和社会保障局" in msg
    assert "2019年格式：测试区旧格式单位" in msg


def test_2019_layout_reports_sum_among_themselves() -> None:
    a = _as_2019(load_label(LOCAL_CORPUS / "labels" / "s000.json"), "甲单位")
    b = _as_2019(load_label(LOCAL_CORPUS / "labels" / "s001.json"), "乙单位")
    summary = summarize([a, b], AGENCY, 2021)
    rep = summary.report
    assert rep.template == "2019" and "other_1_no_correction" not in rep.requests
    for col in range(7):
        assert rep.request("other", col) == (a.request("other", col) or 0) + (
            b.request("other", col) or 0
        )
    assert [v.value for v in rep.active["admin_licensing"]] == [0, 2, 4]
    assert reconcile(copy.deepcopy(rep), summary) == []


def test_2019_procurement_amounts_add_up_with_their_units() -> None:
    bodies = []
    for agency, amount in (
        ("甲单位", "13575394432.52元"),
        ("乙单位", "2.5万元"),
        ("丙单位", "若干"),
    ):
        rep = _as_2019(load_label(LOCAL_CORPUS / "labels" / "s000.json"), agency)
        rep.active["gov_procurement"][1] = Value(amount, amount)
        bodies.append(rep)
    summary = summarize(bodies, AGENCY, 2021)
    total = summary.report.active["gov_procurement"][1].value
    assert total == f"{Decimal('13575394432.52') / 10000 + Decimal('2.5')}万元"
    (odd,) = [n for b in summary.bodies for n in b.notes]
    assert (odd.kind, odd.raw) == ("文字", "若干")


def test_published_single_other_row_is_compared_with_the_three_sub_rows(
    summary_2021: Summary,
) -> None:
    published = copy.deepcopy(summary_2021.report)
    split = [published.requests.pop(k) for k in OTHER_SPLIT]
    published.requests["other"] = [
        Value(sum(row[i].number or 0 for row in split), "") for i in range(7)
    ]
    assert reconcile(published, summary_2021) == []
    bumped = (published.request("other", 6) or 0) + 1
    published.requests["other"][6] = Value(bumped, str(bumped))
    (diff,) = reconcile(published, summary_2021)
    assert diff.name == "requests.other.total" and diff.difference == 1


def test_nonzero_single_other_row_is_refused() -> None:
    p002 = read(LOCAL_CORPUS, "p002")
    p002.requests["other"][0] = Value(2, "2")
    p002.requests["other"][6] = Value(2, "2")
    summary = summarize([p002, read(LOCAL_CORPUS, "p003")], AGENCY, 2024)
    (body,) = summary.excluded
    assert Path(body.file).stem == "p002" and "无法逐格分到" in body.reason


def test_reports_with_errors_are_excluded_unless_asked() -> None:
    cases = sorted(years_2021_template(LOCAL_CORPUS)[2023])
    reports = [read(LOCAL_CORPUS, c) for c in cases]
    invalid = {c for c, r in zip(cases, reports, strict=True) if not no_errors(r)}
    assert invalid  # p001's table 四 totals are wrong (its label notes say so)
    strict = summarize(reports, AGENCY, 2023)
    assert {Path(b.file).stem for b in strict.excluded} == invalid
    assert all("错误" in b.reason for b in strict.excluded)
    lenient = summarize(reports, AGENCY, 2023, include_invalid=True)
    assert {Path(b.file).stem for b in lenient.included} == set(cases)


def test_blank_and_text_cells_count_zero_and_are_reported() -> None:
    s000, s003 = read(LOCAL_CORPUS, "s000"), read(LOCAL_CORPUS, "s003")
    granted = (s000.request("granted", 0) or 0) + (s003.request("granted", 0) or 0)
    s000.requests["granted"][0] = Value("/", "/")
    s003.requests["denied_1_state_secret"][0] = Value(None, "")
    summary = summarize([s000, s003], AGENCY, 2021, include_invalid=True)
    assert summary.report.request("granted", 0) == granted - (
        read(LOCAL_CORPUS, "s000").request("granted", 0) or 0
    )
    kinds = {(Path(b.file).stem, n.name, n.kind) for b in summary.bodies for n in b.notes}
    assert ("s000", "requests.granted.natural_person", "文字") in kinds
    assert ("s003", "requests.denied_1_state_secret.natural_person", "空白") in kinds
    header, rows = contributions(summary)
    by_file = {Path(r[0]).stem: dict(zip(header, r, strict=True)) for r in rows}
    assert by_file["s000"]["text_cells"] == "requests.granted.natural_person=/"
    assert by_file["s003"]["blank_cells"] >= 1


def test_same_body_with_other_spacing_is_a_duplicate() -> None:
    twin = read(LOCAL_CORPUS, "s000")
    twin.agency = "北京市西城区 人力资源和社会保障局"
    twin.path = "copy.txt"
    summary = summarize([read(LOCAL_CORPUS, "s000"), twin], AGENCY, 2021)
    assert [b.file for b in summary.duplicates] == ["copy.txt"]
    assert summary.report.request("new", 6) == read(LOCAL_CORPUS, "s000").request("new", 6)


# -- output ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def summary_2021() -> Summary:
    cases = ["s000", "s001", "s003", "g001", "g002", "p002", "s002"]
    return summarize([read(LOCAL_CORPUS, c) for c in cases], AGENCY, 2021)


def _tables(rep: Report) -> dict[str, Any]:
    d = rep.to_dict(detail=False)
    return {k: d.get(k) for k in ("template", "active", "requests", "review_litigation")}


def test_summary_renders_to_docx_and_reads_back(summary_2021: Summary) -> None:
    back = gongkai.read(render(summary_2021.report, "docx"), name="summary.docx")
    assert _tables(back) == _tables(summary_2021.report)
    assert (back.agency, back.year) == (AGENCY, 2021)
    assert reconcile(back, summary_2021) == []


def test_contributions_have_one_row_per_body(summary_2021: Summary, tmp_path: Path) -> None:
    n = len(summary_2021.bodies)
    csv_path = write_contributions(summary_2021, tmp_path / "c.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == n
    assert list(rows[0])[: len(CONTRIBUTION_META)] == list(CONTRIBUTION_META)
    assert set(cell_columns()) <= set(rows[0])
    assert sorted(r["included"] for r in rows) == sorted(
        "是" if b.included else "否" for b in summary_2021.bodies
    )
    s000 = next(r for r in rows if Path(r["file"]).stem == "s000")
    assert int(s000["requests.new.total"]) == read(LOCAL_CORPUS, "s000").request("new", 6)
    ws = load_workbook(write_contributions(summary_2021, tmp_path / "c.xlsx"))["contributions"]
    assert ws.max_row == n + 1
    with pytest.raises(GongkaiError):
        write_contributions(summary_2021, tmp_path / "c.txt")


def _bump_cell(data: bytes, label_start: str) -> tuple[bytes, int]:
    """The DOCX with the 总计 cell of the Table B row starting ``label_start`` increased by 1."""
    document = docx.Document(io.BytesIO(data))
    for table in document.tables:
        for row in table.rows:
            if row.cells[0].text.startswith(label_start):
                cell = row.cells[-1]
                old = int(cell.text)
                cell.paragraphs[0].runs[0].text = str(old + 1)
                out = io.BytesIO()
                document.save(out)
                return out.getvalue(), old
    raise AssertionError(f"row {label_start} not found")


def test_reconciliation_finds_a_changed_cell(summary_2021: Summary) -> None:
    label = template_for("2021").request_rows[0].label  # 一、本年新收政府信息公开申请数量
    changed, old = _bump_cell(render(summary_2021.report, "docx"), label)
    published = gongkai.read(changed, name="published.docx")
    (diff,) = reconcile(published, summary_2021)
    assert diff.name == "requests.new.total"
    assert label in diff.label and "总计" in diff.label
    assert (diff.published, diff.expected, diff.difference) == (old + 1, old, 1)


# -- command line ----------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(summarize_command, [*args, "--agency", AGENCY])


def test_cli_summarizes_a_directory(tmp_path: Path) -> None:
    out, sheet = tmp_path / "sum.json", tmp_path / "c.csv"
    result = _run(
        str(LOCAL_CORPUS / "raw"), "--year", "2024", "-o", str(out), "--contributions", str(sheet)
    )
    assert result.exit_code == 0, result.output
    assert "计入 2 个单位" in result.output and "无法读取 0 个" in result.output
    rep = Report.from_dict(json.loads(out.read_text(encoding="utf-8")))
    files = sorted((LOCAL_CORPUS / "raw").iterdir())
    direct = summarize([read(LOCAL_CORPUS, f.stem) for f in files], AGENCY, 2024)
    assert _tables(rep) == _tables(direct.report)
    # keys, Chinese labels, then one row per body
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(files) + 2


def test_cli_reconciles_and_fails_on_differences(tmp_path: Path) -> None:
    base = ["s000", "s001", "s003"]
    paths = [str(LOCAL_CORPUS / labels(LOCAL_CORPUS)[c]["raw"]) for c in base]
    good = tmp_path / "published.docx"
    result = _run(*paths, "--year", "2021", "-o", str(good), "--reconcile", str(good))
    assert result.exit_code == 0, result.output
    assert "核对一致" in result.output
    label = template_for("2021").request_rows[0].label
    bad = tmp_path / "bad.docx"
    bad.write_bytes(_bump_cell(good.read_bytes(), label)[0])
    result = _run(*paths, "--year", "2021", "--reconcile", str(bad))
    assert result.exit_code == 1
    assert "requests.new.total" in result.output and "+1" in result.output


def test_cli_reports_user_errors_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    s002 = str(LOCAL_CORPUS / "raw" / "s002.txt")
    result = _run(s002, str(missing), "--year", "2018")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "无法读取" in result.output and "不能汇总" in result.output
    result = _run(s002, "--year", "2018", "-o", str(tmp_path / "x.xyz"))
    assert result.exit_code == 2 and "扩展名" in result.output


def test_summary_renders_to_markdown_with_placeholders(summary_2021: Summary) -> None:
    text = render(summary_2021.report, "md").decode("utf-8")
    assert PLACEHOLDER in text and AGENCY in text
