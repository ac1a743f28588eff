"""Authoring a report in Excel (`gongkai new`) and writing it out (`gongkai render`).

The workbook is filled here as a person would: cells are found by the printed row and column
labels of each sheet, only input cells are typed into, totals are left to the formulas.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS, load_label, local_label, local_raw
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

import gongkai
from gongkai.authoring import new_workbook, read_workbook, render_file, total_parts
from gongkai.checks import check
from gongkai.cli import main, new_command, render_command
from gongkai.errors import GongkaiError
from gongkai.report import Report
from gongkai.templates import (
    ACTIVE_FIRST_COLUMN,
    OUTCOMES,
    REQUEST_COLUMNS,
    REVIEW_KEYS,
    SECTIONS,
    template_for,
)

TABLES = ("active", "requests", "review_litigation")
FORMATS = ("docx", "md", "html")


# ---------------------------------------------------------------------------------------------
# finding cells by their printed labels
# ---------------------------------------------------------------------------------------------


def sheet(wb: Workbook, number: str) -> Worksheet:
    ws: Worksheet = next(wb[n] for n in wb.sheetnames if n.startswith(f"{number}、"))
    return ws


def text_at(ws: Worksheet, row: int, col: int) -> str:
    v = ws.cell(row, col).value
    return v.strip() if isinstance(v, str) else ""


def row_label(ws: Worksheet, row: int, label_cols: int) -> str:
    """The innermost (rightmost) label printed on a row."""
    texts = [text_at(ws, row, c) for c in range(1, label_cols + 1)]
    return next((t for t in reversed(texts) if t), "")


def request_cells(ws: Worksheet, template: str) -> dict[str, tuple[int, int]]:
    """Table B cell name -> (row, col), found by row labels and column headers."""
    cols: dict[str, int] = {}
    for r in range(1, 10):
        for c in range(1, ws.max_column + 1):
            for col in REQUEST_COLUMNS:
                if text_at(ws, r, c) == col.label:
                    cols[col.key] = c
    assert len(cols) == len(REQUEST_COLUMNS)
    labels = {row_label(ws, r, 3): r for r in range(1, ws.max_row + 1)}
    return {
        f"requests.{row.key}.{ck}": (labels[row.label], c)
        for row in template_for(template).request_rows
        for ck, c in cols.items()
    }


def active_cells(ws: Worksheet, template: str) -> dict[str, tuple[int, int]]:
    """Table A cell name -> (row, col): a row's values sit under its block's header row."""
    out: dict[str, tuple[int, int]] = {}
    header: dict[str, int] = {}
    rows = {r.label: r for r in template_for(template).active_rows}
    for r in range(1, ws.max_row + 1):
        first = text_at(ws, r, 1)
        if first == ACTIVE_FIRST_COLUMN:
            header = {text_at(ws, r, c): c for c in range(2, ws.max_column + 1)}
        elif first in rows:
            for col in rows[first].columns:
                out[f"active.{rows[first].key}.{col.key}"] = (r, header[col.label])
    return out


def review_cells(ws: Worksheet) -> dict[str, tuple[int, int]]:
    """Table C: one value row under the last header row, 15 cells in template order."""
    last_header = max(
        r
        for r in range(1, ws.max_row + 1)
        if text_at(ws, r, 1 + len(OUTCOMES)) == OUTCOMES[0].label
    )
    headers = [text_at(ws, last_header, c) for c in range(6, 16)]
    assert headers == [o.label for o in OUTCOMES] * 2
    return {
        k: (last_header + 1, i + 1)
        for i, k in enumerate(f"review_litigation.{k}" for k in REVIEW_KEYS)
    }


def all_cells(wb: Workbook, template: str) -> dict[str, tuple[Worksheet, int, int]]:
    found: dict[str, tuple[Worksheet, int, int]] = {}
    located = (
        ("二", active_cells(sheet(wb, "二"), template)),
        ("三", request_cells(sheet(wb, "三"), template)),
        ("四", review_cells(sheet(wb, "四"))),
    )
    for number, cells in located:
        ws = sheet(wb, number)
        found.update({n: (ws, r, c) for n, (r, c) in cells.items()})
    return found


def fill(
    path: Path, values: dict[str, Any], sections: dict[str, str], template: str = "2021"
) -> None:
    """Type values into input cells (blank for None) and section texts into 正文."""
    wb = load_workbook(path)
    cells = all_cells(wb, template)
    for name, value in values.items():
        ws, r, c = cells[name]
        cell = ws.cell(r, c)
        assert cell.protection.locked is False, f"{name} should be an input cell"
        cell.value = value
    body = wb["正文"]
    for r in range(2, body.max_row + 1):
        number = text_at(body, r, 1)
        if number in sections:
            body.cell(r, 3).value = sections[number]
    wb.save(path)


def label_values(label: dict[str, Any]) -> dict[str, Any]:
    """Every cell of a label that a person types in (totals are left to the formulas)."""
    rep = Report.from_dict(label)
    totals = total_parts(rep.template)
    return {n: v.value for n, v in rep.cells() if n not in totals}


def tables(rep: Report | dict[str, Any]) -> dict[str, Any]:
    d = rep.to_dict(detail=False) if isinstance(rep, Report) else rep
    return {k: d.get(k) for k in TABLES}


# ---------------------------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------------------------


def invoke(command: Any, *args: str) -> Result:
    result = CliRunner().invoke(command, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def new(tmp_path: Path, agency: str, year: int, *extra: str) -> Path:
    out = tmp_path / "年报.xlsx"
    result = invoke(new_command, "--agency", agency, "--year", str(year), "-o", str(out), *extra)
    assert result.exit_code == 0, result.output
    return out


def render(src: Path, out: Path, *extra: str) -> Result:
    return invoke(render_command, str(src), "-o", str(out), *extra)


def sections_of(raw: Path) -> dict[str, str]:
    return {n: s.text for n, s in gongkai.read(raw).sections.items()}


def filled_s000(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    label = local_label("s000")
    path = new(tmp_path, label["agency"], label["year"])
    fill(path, label_values(label), sections_of(local_raw("s000")))
    return path, label


def round_trip_cases() -> list[Any]:
    """Corpus reports whose tables fit the workbook: template rows, totals equal to their sums."""
    cases = []
    for root, tag in ((LOCAL_CORPUS, "local"), (SHARED_CORPUS, "shared")):
        for p in sorted((root / "labels").glob("*.json")) if (root / "labels").is_dir() else []:
            label = load_label(p)
            if label.get("template") not in ("2021", "2019"):
                continue
            rep = Report.from_dict(label)
            rows = [r.key for r in template_for(rep.template).request_rows]
            cells = dict(rep.cells())
            fits = list(rep.requests) == rows and all(
                cells[t].number == sum(cells[x].number or 0 for x in parts)
                for t, parts in total_parts(rep.template).items()
            )
            if fits and (root / label["raw"]).exists():
                cases.append(pytest.param(root, p, id=f"{tag}-{p.stem}"))
    return cases


# ---------------------------------------------------------------------------------------------
# tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_filled_workbook_renders_and_reads_back_as_the_label(tmp_path: Path, fmt: str) -> None:
    path, label = filled_s000(tmp_path)
    out = tmp_path / f"年报.{fmt}"
    result = render(path, out)
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output
    back = gongkai.read(out)
    assert tables(back) == tables(label)
    assert (back.agency, back.year, back.template) == (label["agency"], label["year"], "2021")
    assert back.sections["五"].text.split() == sections_of(local_raw("s000"))["五"].split()
    assert not [f for f in check(back) if f.severity == "error" and f.applicable]


@pytest.mark.parametrize(("root", "label_path"), round_trip_cases())
def test_corpus_reports_round_trip_through_the_workbook(
    tmp_path: Path, root: Path, label_path: Path
) -> None:
    label = load_label(label_path)
    path = new(tmp_path, label["agency"], label["year"], "--template", label["template"])
    fill(path, label_values(label), sections_of(root / label["raw"]), label["template"])
    rep = read_workbook(path)
    assert tables(rep) == tables(label)
    assert not rep.warnings
    result = render_file(path, tmp_path / "out.docx")
    assert not result.errors, [f.message for f in result.errors]
    assert tables(gongkai.read(result.written or Path())) == tables(label)


def test_totals_are_locked_formulas_over_exactly_their_parts(tmp_path: Path) -> None:
    path = new(tmp_path, "测试局", 2025)
    wb = load_workbook(path)
    cells = all_cells(wb, "2021")
    parts = total_parts("2021")
    for name, (ws, r, c) in cells.items():
        cell = ws.cell(r, c)
        if name not in parts:
            assert cell.protection.locked is False and cell.value is None, name
            continue
        assert cell.protection.locked is not False, name
        assert isinstance(cell.value, str), name
        m = re.fullmatch(r"=SUM\((.+)\)", cell.value)
        assert m, cell.value
        covered: set[tuple[int, int]] = set()
        for ref in m.group(1).split(","):
            c1, r1, c2, r2 = range_boundaries(ref)
            covered |= {(rr, cc) for rr in range(r1, r2 + 1) for cc in range(c1, c2 + 1)}
        assert covered == {cells[p][1:] for p in parts[name]}, name
    # the totals are the template's: 总计 column of Table B, （七）总计 row, Table C 总计
    total_col = REQUEST_COLUMNS[-1].key
    assert {n for n in parts if n.endswith(f".{total_col}") and n.startswith("requests.")} == {
        f"requests.{row.key}.{total_col}" for row in template_for("2021").request_rows
    }
    for name in wb.sheetnames:
        ws = wb[name]
        assert ws.protection.sheet, name
        assert not ws.protection.password, name
    assert wb["说明"]["B3"].protection.locked is False  # agency
    assert wb["说明"]["B4"].protection.locked is False  # year
    assert wb.security is not None and wb.security.lockStructure
    assert not wb.security.workbookPassword
    hidden = [n for n in wb.sheetnames if wb[n].sheet_state != "visible"]
    assert len(hidden) == 1


def test_headers_are_merged_like_the_template(tmp_path: Path) -> None:
    wb = load_workbook(new(tmp_path, "测试局", 2025))
    ws = sheet(wb, "三")
    merged = {str(m) for m in ws.merged_cells.ranges}
    note = next(
        m for m in ws.merged_cells.ranges if "勾稽" in str(ws.cell(m.min_row, m.min_col).value)
    )
    assert (note.max_row - note.min_row + 1, note.max_col - note.min_col + 1) == (3, 3)
    outer = next(
        m
        for m in ws.merged_cells.ranges
        if ws.cell(m.min_row, m.min_col).value == "三、本年度办理结果"
    )
    # 三、本年度办理结果 spans the result rows and （七）总计 (rowspan 22, spec §2.3)
    assert outer.max_row - outer.min_row + 1 == len(template_for("2021").result_rows) + 1
    assert merged and all(ws.column_dimensions[c].width for c in "ABCDEFGHIJ")
    body = wb["正文"]
    assert [text_at(body, r, 2) for r in range(2, 8)] == [s.title for s in SECTIONS]


def test_inconsistent_numbers_are_refused_and_force_renders(tmp_path: Path) -> None:
    path, label = filled_s000(tmp_path)
    # 结转下年度 is typed, not computed: changing it breaks 一+二 = （七）+四 in its column.
    wrong = label["requests"]["carried_forward"][0] - 1
    fill(path, {"requests.carried_forward.natural_person": wrong}, {})
    out = tmp_path / "年报.docx"
    refused = render(path, out)
    assert refused.exit_code != 0
    assert not out.exists()
    assert "[B1]" in refused.output and "错误" in refused.output
    assert "工作表“三、依申请公开”" in refused.output
    assert "--force" in refused.output and "Traceback" not in refused.output
    result = render_file(path, out)
    assert result.refused and result.written is None
    assert "B1" in {f.code for f in result.errors}
    assert any("三、依申请公开" in result.location(f) for f in result.errors)
    forced = render(path, out, "--force")
    assert forced.exit_code == 0, forced.output
    assert gongkai.read(out).requests["carried_forward"][0].value == wrong


def test_2019_template_workbook(tmp_path: Path) -> None:
    label = local_label("s000")
    path = new(tmp_path, label["agency"], 2020)  # 2019 and 2020 reports use the 2019 format
    values = label_values(label)
    split = [k for k in label["requests"] if k.startswith("other_")]
    tpl = template_for("2019")
    single = next(r.key for r in tpl.request_rows if r.key not in label["requests"])
    for col in REQUEST_COLUMNS[:-1]:
        values[f"requests.{single}.{col.key}"] = sum(
            values.pop(f"requests.{k}.{col.key}") for k in split
        )
    for name in [n for n in values if n.startswith("active.")]:
        del values[name]
    for i, row in enumerate(tpl.active_rows, start=1):
        for col in row.columns:  # plausible figures: a decrease by 1, amounts with their unit
            value: Any = -1 if col.signed else f"{i * 1000}元" if col.textual else 10 * i
            values[f"active.{row.key}.{col.key}"] = value
    fill(path, values, sections_of(local_raw("s000")), "2019")
    rep = read_workbook(path)
    assert rep.template == "2019" and rep.year == 2020
    assert rep.requests[single][0].value == sum(label["requests"][k][0] for k in split)
    assert all(
        isinstance(v.value, str)
        for r in tpl.active_rows
        for c, v in zip(r.columns, rep.active[r.key], strict=True)
        if c.textual
    )
    out = tmp_path / "年报.md"
    result = render(path, out)
    assert result.exit_code == 0, result.output
    back = gongkai.read(out)
    assert back.template == "2019"
    assert tables(back) == tables(rep)


def test_render_from_extract_json_and_jsonl(tmp_path: Path) -> None:
    raw = local_raw("s000")
    js = tmp_path / "s000.json"
    extracted = CliRunner().invoke(main, ["extract", str(raw), "-o", str(js)])
    assert extracted.exit_code == 0, extracted.output
    out = tmp_path / "s000.docx"
    result = render(js, out)
    assert result.exit_code == 0, result.output
    assert tables(gongkai.read(out)) == tables(local_label("s000"))
    jsonl = tmp_path / "s000.jsonl"
    jsonl.write_text(
        json.dumps(json.loads(js.read_text(encoding="utf-8")), ensure_ascii=False) + "\n"
    )
    assert render(jsonl, tmp_path / "s000.html").exit_code == 0
    two = tmp_path / "two.jsonl"
    two.write_text(jsonl.read_text() * 2)
    refused = render(two, tmp_path / "two.docx")
    assert refused.exit_code != 0 and "2份报告" in refused.output


def test_render_from_a_raw_corpus_text(tmp_path: Path) -> None:
    out = tmp_path / "g001.docx"
    result = render(local_raw("g001"), out)
    assert result.exit_code == 0, result.output
    assert tables(gongkai.read(out)) == tables(local_label("g001"))


def test_user_errors_are_chinese_messages_without_traceback(tmp_path: Path) -> None:
    path, _ = filled_s000(tmp_path)
    cases = {
        "扩展名": (path, tmp_path / "out.xyz"),
        "找不到文件": (tmp_path / "missing.xlsx", tmp_path / "out.docx"),
    }
    foreign = tmp_path / "other.xlsx"
    Workbook().save(foreign)
    cases["gongkai new"] = (foreign, tmp_path / "o.docx")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(path.read_bytes()[:3000])
    cases["损坏"] = (damaged, tmp_path / "d.docx")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json")
    cases["JSON"] = (bad_json, tmp_path / "j.docx")
    for needle, (src, out) in cases.items():
        result = render(src, out)
        usage = needle == "扩展名"  # a wrong option: exit 2; a bad input file: exit 1
        assert result.exit_code == (2 if usage else 1), (needle, result.output)
        assert needle in result.output and "错误" in result.output, result.output
        assert "Traceback" not in result.output and not out.exists()
    for args, needle in (
        ((str(path), "-o", str(tmp_path / "x.docx"), "--format", "rtf"), "rtf"),
        ((str(path),), "-o"),
        ((), "gongkai render"),
    ):
        result = invoke(render_command, *args)
        assert result.exit_code == 2 and needle in result.output and "错误" in result.output
    for args, needle in (
        (("--year", "2025"), "--agency"),
        (("--agency", "局", "--year", "二〇二五"), "年份"),
    ):
        result = invoke(new_command, *args, "-o", str(tmp_path / "n.xlsx"))
        assert result.exit_code == 2 and needle in result.output and "错误" in result.output
    again = invoke(new_command, "--agency", "测试局", "--year", "2025", "-o", str(path))
    assert again.exit_code == 1 and "已存在" in again.output
    wrong_suffix = invoke(
        new_command, "--agency", "测试局", "--year", "2025", "-o", str(tmp_path / "a.docx")
    )
    assert wrong_suffix.exit_code == 2 and ".xlsx" in wrong_suffix.output
    with pytest.raises(GongkaiError, match="不是用"):
        read_workbook(foreign.read_bytes(), "other.xlsx")


def _set_cached(path: Path, sheet_index: int, coord: str, value: str) -> None:
    """Write a cached result into a formula cell, as Excel does when it saves."""
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    xml = files[member].decode("utf-8")
    cell = re.compile(rf'(<c r="{coord}"[^>]*>)(<f>[^<]*</f>)(<v>[^<]*</v>|<v\s*/>)?')
    assert cell.search(xml), coord
    files[member] = cell.sub(rf"\g<1>\g<2><v>{value}</v>", xml, count=1).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)


def test_totals_are_computed_and_stale_cached_values_warned(tmp_path: Path) -> None:
    path, label = filled_s000(tmp_path)
    wb = load_workbook(path)
    ws, r, c = all_cells(wb, "2021")["requests.new.total"]
    coord = ws.cell(r, c).coordinate
    index = wb.sheetnames.index(ws.title) + 1
    new_total = label["requests"]["new"][-1]
    _set_cached(path, index, coord, str(new_total))
    assert not read_workbook(path).warnings  # a cached value that agrees is fine
    _set_cached(path, index, coord, "999")
    rep = read_workbook(path.read_bytes(), "年报.xlsx")
    assert rep.requests["new"][-1].value == new_total  # computed, not the cached 999
    assert any(coord in w and "999" in w for w in rep.warnings), rep.warnings


def test_values_keep_their_type_and_provenance(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    path.write_bytes(new_workbook("测试局", 2025))
    fill(
        path,
        {
            "active.admin_fees.amount_wan_yuan": 12.5,
            "active.admin_licensing.decisions": "1,234",
            "active.admin_penalty.decisions": "/",
            "requests.new.natural_person": 3,
        },
        {"一": "总体情况的文字。"},
    )
    rep = read_workbook(path)
    fee = rep.active["admin_fees"][0]
    assert fee.value == 12.5 and fee.unit == "万元"
    assert rep.active["admin_licensing"][0].value == 1234
    assert rep.active["admin_penalty"][0].value == "/"
    assert rep.active["regulations"][0].value is None
    assert rep.requests["new"][-1].value == 3  # 总计 computed from the one filled part
    assert rep.requests["carried_over"][-1].value == 0  # what Excel's SUM shows for blanks
    src = rep.requests["new"][0].source
    assert src is not None and src.describe().startswith(f"表格{src.table}第")
    ws_name = load_workbook(path).sheetnames[(src.table or 0) - 1]
    assert ws_name.startswith("三、")
    assert rep.sections["一"].text == "总体情况的文字。"
    assert rep.sections["二"].text == "" and len(rep.sections) == len(SECTIONS)


def test_a_total_overwritten_by_hand_is_recomputed_with_a_warning(tmp_path: Path) -> None:
    path, label = filled_s000(tmp_path)
    wb = load_workbook(path)
    ws, r, c = all_cells(wb, "2021")["review_litigation.review_total"]
    ws.cell(r, c).value = 77  # someone lifted the protection and typed over the formula
    wb.save(path)
    rep = read_workbook(path)
    assert rep.review_litigation is not None
    assert rep.review_litigation[4].value == label["review_litigation"][4]
    assert any("77" in w and "行政复议" in w for w in rep.warnings), rep.warnings
