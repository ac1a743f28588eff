"""The annual tables from the ledger: year boundaries (上年结转 / 结转下年度) by hand, then a
generated ledger of 10,000 requests whose tables pass every check rule and whose every cell's
explain lists exactly the requests an independent count finds; the report, the filled
``gongkai new`` workbook and the reconciliation of a published report."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from ledger_gen import generate
from openpyxl import load_workbook

from gongkai.authoring.read import read_workbook
from gongkai.checks import check
from gongkai.cli import main
from gongkai.errors import GongkaiError
from gongkai.ledger import (
    Case,
    LedgerEvent,
    NewRequest,
    annual_tables,
    explain,
    filled_workbook,
    import_requests,
    ledger_report,
    reconcile_published,
)
from gongkai.ledger.tables import cell_names
from gongkai.report import empty_report
from gongkai.store import open_store
from gongkai.templates import APPLICANT_KEYS, REVIEW_GROUPS, TEMPLATE_2021

BODY = "某某市生态环境局"
TODAY = date(2026, 6, 30)
RESULT_KEYS = [r.key for r in TEMPLATE_2021.result_rows]


def d(text: str) -> date:
    return date.fromisoformat(text)


def req(ref: str, received: str, answered: str | None = None, **kw: object) -> NewRequest:
    events = (LedgerEvent("reply", d(answered), outcome="granted"),) if answered else ()
    fields: dict[str, object] = {"channel": "online", "applicant_type": "natural_person"}
    fields.update(kw)
    return NewRequest(ref, received=d(received), events=events, **fields)  # type: ignore[arg-type]


def test_year_boundaries(db_url: str) -> None:
    requests = [
        req("Y-1", "2024-12-20", "2025-01-06"),  # carried from 2024 into 2025, answered there
        req("Y-2", "2024-12-31"),  # received on the last day, never answered
        req("Y-3", "2025-01-01", "2025-12-31"),  # new and answered on the year's last day
        req("Y-4", "2025-12-30", "2026-01-05", applicant_type="commercial_enterprise"),
        req("Y-5", "2024-06-03", "2024-06-20"),  # answered before 2025: in neither 2025 row
        req("Y-6", "2026-01-02", "2026-01-10"),  # received after 2025
    ]
    with open_store(db_url) as store:
        import_requests(store, BODY, requests, today=TODAY)
        t24, t25, t26 = (annual_tables(store, BODY, y).cells for y in (2024, 2025, 2026))

        def refs(cell: str, year: int = 2025) -> list[str]:
            return [r.ref for r in explain(store, BODY, year, cell).rows]

        assert refs("requests.new.total") == ["Y-3", "Y-4"]
        assert refs("requests.carried_over.total") == ["Y-1", "Y-2"]
        assert refs("requests.granted.total") == ["Y-1", "Y-3"]
        assert refs("requests.carried_forward.total") == ["Y-2", "Y-4"]
        assert refs("requests.carried_forward.commercial_enterprise") == ["Y-4"]
        assert refs("requests.carried_over.total", 2026) == ["Y-2", "Y-4"]
    assert (t24["requests.new.total"], t24["requests.carried_forward.total"]) == (3, 2)
    assert (t25["requests.new.total"], t25["requests.carried_over.total"]) == (2, 2)
    assert (t25["requests.total.total"], t25["requests.carried_forward.total"]) == (2, 2)
    assert t26["requests.carried_over.total"] == t25["requests.carried_forward.total"]
    assert (t26["requests.new.total"], t26["requests.total.total"]) == (1, 2)


def test_cases_count_while_open_and_by_result_in_the_year_decided(db_url: str) -> None:
    base = req("R-1", "2024-03-01", "2024-03-20")
    cases = (
        Case("review", d("2024-05-01"), "upheld", d("2025-02-01")),  # pending in 2024
        Case("lit_direct", d("2025-03-01"), "corrected", d("2025-09-01")),
        Case("lit_after_review", d("2025-10-01")),  # still pending
    )
    with open_store(db_url) as store:
        import_requests(store, BODY, [replace(base, cases=cases)], today=TODAY)
        t24, t25 = (annual_tables(store, BODY, y).cells for y in (2024, 2025))
        upheld = explain(store, BODY, 2025, "review_litigation.review_upheld")
    assert (t24["review_litigation.review_pending"], t24["review_litigation.review_total"]) == (
        1,
        1,
    )
    assert t24["review_litigation.lit_direct_total"] == 0
    assert (t25["review_litigation.review_upheld"], t25["review_litigation.review_pending"]) == (
        1,
        0,
    )
    assert t25["review_litigation.lit_direct_corrected"] == 1
    assert t25["review_litigation.lit_after_review_pending"] == 1
    assert [r.ref for r in upheld.rows] == ["R-1"] and len(upheld.case_ids) == 1


def _expected(requests: list[NewRequest], year: int) -> dict[str, set[str]]:
    """Each cell's requests (refs; cases as ref#n), counted here without SQL."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    out: dict[str, set[str]] = defaultdict(set)
    for r in requests:
        answer = r.answer
        done = answer.day if answer else None
        rows = []
        if start <= r.received <= end:
            rows.append("new")
        if r.received < start and (done is None or done >= start):
            rows.append("carried_over")
        if r.received <= end and (done is None or done > end):
            rows.append("carried_forward")
        if done is not None and start <= done <= end:
            assert answer is not None and answer.outcome is not None
            rows += [answer.outcome, "total"]
        for row in rows:
            out[f"requests.{row}.{r.applicant_type}"].add(r.ref)
            out[f"requests.{row}.total"].add(r.ref)
        for i, c in enumerate(r.cases):
            if c.filed > end or (c.decided is not None and c.decided < start):
                continue
            result = c.outcome if c.decided is not None and c.decided <= end else "pending"
            for col in (result, "total"):
                out[f"review_litigation.{c.kind}_{col}"].add(f"{r.ref}#{i}")
    return out


def test_a_generated_ledger_of_10000_requests(db_url: str) -> None:
    requests = generate(10_000, seed=10, until=TODAY)
    with open_store(db_url) as store:
        import_requests(store, BODY, requests, today=TODAY)
        previous = None
        for year in (2023, 2024, 2025):
            tables = annual_tables(store, BODY, year)
            expected = _expected(requests, year)
            # Every cell: the count, and explain's requests, equal the independent count.
            for cell in cell_names(year):
                e = explain(store, BODY, year, cell)
                if cell.startswith("review_litigation."):
                    got = {f"{r.ref}#{r.case_id}" for r in e.rows}
                    assert len(got) == len(expected[cell]) == tables.cells[cell], cell
                    assert {g.split("#")[0] for g in got} == {
                        x.split("#")[0] for x in expected[cell]
                    }
                else:
                    assert {r.ref for r in e.rows} == expected[cell], cell
                    assert tables.cells[cell] == len(expected[cell]), cell
            report = tables.report()
            findings = check(report, previous)
            errors = [f for f in findings if f.severity == "error"]
            # 表二 is not in the ledger: the bare tables lack it, and nothing else is wrong.
            assert [(f.code, "表二" in f.message) for f in errors] == [("F3", True)]
            x1 = [f for f in findings if f.code == "X1"]  # 上年结转 = last year's 结转下年度
            assert x1 == [] if previous else [f.applicable for f in x1] == [False]
            whole = tables.report(base=empty_report(BODY, year))
            assert [f for f in check(whole, previous) if f.severity == "error"] == []
            previous = report
        for key in RESULT_KEYS:  # the generated ledger reaches every outcome row
            assert tables.cells[f"requests.{key}.total"] > 0, key
        for a in APPLICANT_KEYS:
            assert tables.cells[f"requests.new.{a}"] > 0, a
        for g in REVIEW_GROUPS:
            assert tables.cells[f"review_litigation.{g.key}_total"] > 0


def test_report_workbook_and_reconcile(db_url: str, tmp_path: Path) -> None:
    requests = generate(300, seed=3, first=d("2024-06-01"), last=d("2025-12-31"), until=TODAY)
    with open_store(db_url) as store:
        import_requests(store, BODY, requests, today=TODAY)
        tables = annual_tables(store, BODY, 2025)
        report = ledger_report(store, BODY, 2025)
        assert report.requests["granted"][6].value == tables.cells["requests.granted.total"]
        # gongkai new --from-ledger: the fill-in workbook with 表三 and 表四 from the ledger
        data = filled_workbook(tables)
        back = read_workbook(data)
        assert (back.agency, back.year, back.template) == (BODY, 2025, "2021")
        for name, v in back.cells():
            if name.startswith(("requests.", "review_litigation.")):
                assert v.value == tables.cells[name], name
        # The text is the clerk's to write; the tables pass their rules.
        assert [f for f in check(back, select="B,C") if f.severity == "error"] == []
        assert reconcile_published(store, BODY, 2025, data, "年报.xlsx").differences == []
        # A published report with one wrong cell: reconcile lists exactly it.
        wb = load_workbook(io.BytesIO(data))
        sheet, cell = next(
            (str(s), str(c))
            for n, s, c, role in wb["_gongkai"].iter_rows(min_row=4, values_only=True)
            if n == "requests.granted.natural_person"
        )
        wb[sheet][cell].value = tables.cells["requests.granted.natural_person"] + 2
        buf = io.BytesIO()
        wb.save(buf)
        done = reconcile_published(store, BODY, 2025, buf.getvalue(), "年报.xlsx")
        assert sorted((x.name, x.difference) for x in done.differences) == [
            ("requests.granted.natural_person", 2),
            ("requests.granted.total", 2),  # the workbook's totals follow their parts
            ("requests.total.natural_person", 2),
            ("requests.total.total", 2),
        ]
        published = tmp_path / "年报.xlsx"
        published.write_bytes(buf.getvalue())
        with pytest.raises(GongkaiError, match="这是2025年度的报告，不是2024年度的"):
            reconcile_published(store, BODY, 2024, published)
    runner = CliRunner()
    out = runner.invoke(
        main,
        ["ledger", "reconcile", str(published), "--body", BODY, "--year", "2025", "--db", db_url],
    )
    assert out.exit_code == 1, out.output
    assert "requests.granted.natural_person" in out.output and "（一）予以公开·自然人" in out.output
    cell = "requests.granted.natural_person"
    out = runner.invoke(
        main,
        ["ledger", "explain", "--body", BODY, "--year", "2025", "--cell", cell, "--db", db_url],
    )
    assert out.exit_code == 0, out.output
    assert f"（一）予以公开·自然人：{tables.cells[cell]} 件" in out.output
    out = runner.invoke(
        main,
        [
            "ledger",
            "explain",
            "--body",
            BODY,
            "--year",
            "2025",
            "--cell",
            "requests.granted.citizen",
            "--db",
            db_url,
        ],
    )
    assert out.exit_code == 1 and "未知的单元格“requests.granted.citizen”" in out.output
    target = tmp_path / "out" / "report.json"
    out = runner.invoke(
        main,
        ["ledger", "tables", "--body", BODY, "--year", "2025", "-o", str(target), "--db", db_url],
    )
    assert out.exit_code == 0, out.output
    run = runner.invoke(main, ["check", str(target), "--ignore", "F3"])
    assert run.exit_code == 0, run.output
    out = runner.invoke(
        main, ["ledger", "tables", "--body", "不存在的单位", "--year", "2025", "--db", db_url]
    )
    assert out.exit_code == 1 and "没有名为“不存在的单位”的单位" in out.output
    out = runner.invoke(
        main, ["ledger", "tables", "--body", BODY, "--year", "2018", "--db", db_url]
    )
    assert out.exit_code == 1 and "2018年度没有全国统一的表三、表四" in out.output
    # gongkai new --from-ledger, then gongkai render: the report, its tables from the ledger.
    book = tmp_path / "填报" / "2025年报.xlsx"
    argv = ["new", "--from-ledger", "--agency", BODY, "--year", "2025", "-o", str(book)]
    out = runner.invoke(main, [*argv, "--db", db_url])
    assert out.exit_code == 0, out.output
    filled = read_workbook(book.read_bytes())
    assert filled.requests["granted"][0].value == tables.cells["requests.granted.natural_person"]
    # The tables are right by construction; the text is still the clerk's to write.
    md = tmp_path / "填报" / "年报.md"
    out = runner.invoke(main, ["render", str(book), "-o", str(md)])
    assert out.exit_code == 1 and "[F9]" in out.output and "[B" not in out.output
    out = runner.invoke(main, ["render", str(book), "-o", str(md), "--force"])
    assert out.exit_code == 0, out.output
    assert str(tables.cells["requests.new.total"]) in md.read_text("utf-8")
