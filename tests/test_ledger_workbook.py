"""The clerks' Excel ledger: the template's headers and drop-down lists, the round trip through
export and import, personal data left out unless asked for, formulas written as text, and a bad
workbook refused row by row with nothing stored."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ledger_gen import generate
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from sqlalchemy import func, select

from gongkai.cli import main
from gongkai.ledger import (
    LedgerEvent,
    LedgerImportError,
    NewRequest,
    annual_tables,
    export_workbook,
    import_requests,
    import_workbook,
    read_ledger,
    template_workbook,
)
from gongkai.ledger.labels import APPLICANTS, OUTCOMES_2021
from gongkai.ledger.store import load_many
from gongkai.ledger.workbook import CASES_SHEET, LISTS_SHEET, REQUESTS_SHEET
from gongkai.store import open_store, schema

BODY = "某某区市场监督管理局"
TODAY = date(2026, 6, 30)


def rows_of(data: bytes, sheet: str = REQUESTS_SHEET) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[0], r, strict=False)) for r in values[1:] if any(r)]


def normal(r: NewRequest) -> NewRequest:
    """A request with its events and cases in a fixed order (a row lists them by column)."""
    from dataclasses import replace

    return replace(
        r, events=tuple(sorted(r.events, key=repr)), cases=tuple(sorted(r.cases, key=repr))
    )


def test_the_template_has_chinese_headers_and_drop_down_lists() -> None:
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames[:3] == [REQUESTS_SHEET, CASES_SHEET, "填写说明"]
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    ws = wb[REQUESTS_SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:6] == ["单位", "申请编号", "收到方式", "提交时间", "收到申请日期", "申请人类型"]
    assert {"答复日期", "办理结果", "申请人姓名或名称", "征求意见开始日期"} <= set(headers)
    lists = _lists(wb)
    assert lists["办理结果"] == list(OUTCOMES_2021.values())  # labels from gongkai.templates
    assert lists["申请人类型"] == list(APPLICANTS.values())
    assert lists["收到方式"][0] == "当面提交" and lists["案件类型"] == [
        "行政复议",
        "未经复议直接起诉",
        "复议后起诉",
    ]


def _lists(wb: Any) -> dict[str, list[str]]:
    """Each drop-down's header and the values its list offers."""
    out: dict[str, list[str]] = {}
    for ws in (wb[REQUESTS_SHEET], wb[CASES_SHEET]):
        for v in ws.data_validations.dataValidation:
            col = next(iter(v.sqref.ranges)).min_col
            sheet, ref = v.formula1.split("!")
            lo_col, lo_row, _, hi_row = range_boundaries(ref.replace("$", ""))
            source = wb[sheet.strip("'")]
            values = [source.cell(r, lo_col).value for r in range(lo_row, hi_row + 1)]
            out[ws.cell(1, col).value] = values
    return out


def test_export_and_import_round_trip(db_url: str, tmp_path: Path) -> None:
    requests = generate(400, seed=7, first=date(2025, 1, 1), last=date(2025, 12, 31), until=TODAY)
    with open_store(db_url) as store:
        first = import_requests(store, BODY, requests, today=TODAY)
        before = annual_tables(store, BODY, 2025).cells
        data = export_workbook(store, BODY, personal=True)
        read = read_ledger(data, BODY, today=TODAY)
        assert read.problems == [] and read.ignored == []
        assert {r.ref: normal(r) for r in read.requests} == {r.ref: normal(r) for r in requests}
        path = tmp_path / "台账.xlsx"
        path.write_bytes(data)
        again, _ = import_workbook(store, path, BODY, today=TODAY)
        assert (again.added, sorted(again.updated)) == ([], sorted(first.added))
        assert annual_tables(store, BODY, 2025).cells == before
        with store.begin() as conn:
            stored = load_many(conn, first.added)
    by_ref = {r.ref: normal(r) for r in requests}
    assert all(normal(req) == by_ref[req.ref] for _, req in stored.values())


def test_export_leaves_out_personal_data_and_writes_formulas_as_text(
    db_url: str, tmp_path: Path
) -> None:
    evil = NewRequest(
        "=1+1",
        "online",
        date(2025, 3, 3),
        "natural_person",
        submitted_at=datetime(2025, 3, 2, 22, 15),
        applicant_name="李四",
        applicant_contact="lisi@example.com",
        content='=HYPERLINK("http://example.com","点击")',
        events=(LedgerEvent("reply", date(2025, 3, 20), outcome="granted"),),
    )
    with open_store(db_url) as store:
        import_requests(store, BODY, [evil], today=TODAY)
        plain = export_workbook(store)
        personal = export_workbook(store, personal=True)
    wb = load_workbook(io.BytesIO(plain))
    everything = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert "李四" not in everything and "lisi@example.com" not in everything
    assert "申请人姓名或名称" not in [c.value for c in wb[REQUESTS_SHEET][1]]
    (row,) = rows_of(personal)
    assert (row["申请人姓名或名称"], row["联系方式"]) == ("李四", "lisi@example.com")
    assert row["申请内容"] == evil.content and row["申请编号"] == "=1+1"
    ws = load_workbook(io.BytesIO(personal))[REQUESTS_SHEET]
    cell = ws.cell(2, [c.value for c in ws[1]].index("申请内容") + 1)
    assert cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    (back,) = read_ledger(plain, BODY, today=TODAY).requests
    assert (back.ref, back.content, back.applicant_name) == ("=1+1", evil.content, None)
    # Importing the export without personal data keeps the names and contacts stored.
    path = tmp_path / "无个人信息.xlsx"
    path.write_bytes(plain)
    with open_store(db_url) as store:
        done, _ = import_workbook(store, path, BODY, today=TODAY)
        with store.begin() as conn:
            ((_, kept),) = load_many(conn, done.updated).values()
    assert (kept.applicant_name, kept.applicant_contact) == ("李四", "lisi@example.com")


def _bad_workbook() -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook()))
    ws = wb[REQUESTS_SHEET]
    head = {c.value: c.column for c in ws[1]}

    def put(row: int, **cells: object) -> None:
        for name, value in cells.items():
            ws.cell(row, head[name], value)

    base = {"收到方式": "当面提交", "申请人类型": "自然人"}
    put(
        2,
        申请编号="OK-1",
        收到申请日期="2025-03-03",
        答复日期="2025-03-10",
        办理结果="予以公开",
        **base,
    )
    put(3, 申请编号="BAD-1", 收到申请日期="2025-02-30", **base)  # no such day
    put(
        4,
        申请编号="BAD-2",
        收到申请日期="2025-03-03",
        答复日期="2025-03-10",
        办理结果="同意",
        **base,
    )
    put(
        5,
        申请编号="BAD-3",
        收到申请日期="2025-03-05",
        答复日期="2025-03-01",
        办理结果="予以公开",
        **base,
    )
    put(6, 申请编号="BAD-4", 收到方式="微信", 申请人类型="自然人", 收到申请日期="2025-03-03")
    put(7, 申请编号="BAD-5", 收到申请日期="2025-03-03", 收到补正日期="2025-03-05", **base)
    put(8, 申请编号="OK-1", 收到申请日期="2025-03-04", **base)
    cs = wb[CASES_SHEET]
    for col, value in enumerate(["NONE-9", "行政复议", "", "2025-05-01"], start=1):
        cs.cell(2, col, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_bad_workbook_is_refused_row_by_row_and_nothing_is_stored(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_bad_workbook())
    with open_store(db_url) as store, pytest.raises(LedgerImportError) as err:
        import_workbook(store, path, BODY, today=TODAY)
    problems = err.value.problems
    expected = [
        "“台账”表第 3 行 E 列（收到申请日期）：“2025-02-30”不是日期",
        "“台账”表第 4 行 W 列（办理结果）：未知的值“同意”",
        "“台账”表第 5 行 V 列（答复日期）：2025-03-01 早于收到申请日期 2025-03-05",
        "“台账”表第 6 行 C 列（收到方式）：未知的值“微信”，应为：当面提交、",
        "“台账”表第 7 行 K 列（收到补正日期）：2025-03-05：收到补正，但此前没有补正通知",
        "“台账”表第 8 行 B 列（申请编号）：申请编号与第 2 行重复",
        "“复议诉讼”表第 2 行 A 列（申请编号）：申请编号“NONE-9”不在“台账”表中",
    ]
    for want, got in zip(expected, problems, strict=True):
        assert got.startswith(want), (want, got)
    with open_store(db_url) as store, store.begin() as conn:
        assert conn.execute(select(func.count()).select_from(schema.ledger_requests)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(schema.bodies)).scalar() == 0
    run = CliRunner().invoke(main, ["ledger", "import", str(path), "--body", BODY, "--db", db_url])
    assert run.exit_code == 1
    assert "有 7 处错误，未导入任何申请" in run.output and "Traceback" not in run.output
    assert expected[2] in run.output


def test_cli_template_import_export(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    template = tmp_path / "台账.xlsx"
    run = runner.invoke(main, ["ledger", "template", "-o", str(template)])
    assert run.exit_code == 0, run.output
    wb = load_workbook(template)
    ws = wb[REQUESTS_SHEET]
    head = {c.value: c.column for c in ws[1]}
    for name, value in {
        "申请编号": "2025-0001",
        "收到方式": "互联网",
        "提交时间": datetime(2025, 4, 1, 20, 5),
        "收到申请日期": "2025年4月2日",
        "申请人类型": "法律服务机构",
        "申请人姓名或名称": "某律师事务所",
        "答复日期": date(2025, 4, 20),
        "办理结果": "（四）无法提供·1.本机关不掌握相关政府信息",
    }.items():
        ws.cell(2, head[name], value)
    ws.cell(1, ws.max_column + 1, "经办人")  # a column of the office's own: ignored
    wb.save(template)
    run = runner.invoke(main, ["ledger", "import", str(template), "--body", BODY, "--db", db_url])
    assert run.exit_code == 0, run.output
    assert "已导入 1 件申请（新增 1 件，更新 0 件）" in run.output
    assert "已忽略：台账·经办人" in run.output
    out = tmp_path / "导出.xlsx"
    run = runner.invoke(main, ["ledger", "export", "-o", str(out), "--db", db_url])
    assert run.exit_code == 0, run.output
    (row,) = rows_of(out.read_bytes())
    assert row["申请人类型"] == "法律服务机构" and row["收到申请日期"] == datetime(2025, 4, 2)
    assert row["办理结果"] == OUTCOMES_2021["unable_1_not_held"] and row["单位"] == BODY
    assert "申请人姓名或名称" not in row
    run = runner.invoke(main, ["ledger", "export", "-o", str(out), "--personal", "--db", db_url])
    assert rows_of(out.read_bytes())[0]["申请人姓名或名称"] == "某律师事务所"
    run = runner.invoke(
        main, ["ledger", "import", str(tmp_path / "无.xlsx"), "--body", BODY, "--db", db_url]
    )
    assert run.exit_code == 1 and "无法读取文件" in run.output
