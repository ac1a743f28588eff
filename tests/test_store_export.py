"""``gongkai export`` on the real corpus, on SQLite and PostgreSQL: every format (CSV, XLSX,
Parquet, a standalone SQLite file) in both shapes, read back with csv, openpyxl, pyarrow and
sqlite3 and compared with the labelled values; Chinese labels beside the keys; a report whose
agency, file name and text hold formulas neutralised in the spreadsheets; --year, --region and
--all-versions; a contradicting format, a missing database and an over-long XLSX refused with a
Chinese message and nothing written."""

from __future__ import annotations

import asyncio
import csv
import json
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa  # the extra gongkai[parquet], part of the test extra
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result
from corpus_util import SHARED_CORPUS
from datasette import app
from openpyxl import load_workbook
from pg import Cluster

from gongkai.cli import main
from gongkai.errors import GongkaiError
from gongkai.output import LABELS_SHEET, cell_columns, cell_label
from gongkai.store import Store, export_xlsx, import_files, open_store
from gongkai.store import exporter as export_module
from gongkai.store.roster import import_roster

RAW, LABELS = SHARED_CORPUS / "raw", SHARED_CORPUS / "labels"
NEW_TOTAL = "requests.new.total"
HOSTILE_AGENCY = "=测试区人力资源和社会保障局"
HOSTILE_FILE = '=HYPERLINK("http:evil","x").txt'
HOSTILE_TEXT = '=HYPERLINK("http://evil.example/","点击查看")'
ROSTER = [
    ("body", "level", "region"),
    ("淮安市人民政府", "市", "江苏省/淮安市"),
    ("洪泽区人民政府", "县", "江苏省/淮安市/洪泽区"),
    ("沭阳县发展和改革局", "部门", "江苏省/宿迁市/沭阳县"),
    ("河北省教育厅", "部门", "河北省"),
    ("河北省工业和信息化厅", "部门", "河北省"),
]


@dataclass(frozen=True)
class Stored:
    url: str
    store: Store
    folder: Path


def labels() -> dict[str, dict[str, Any]]:
    """The labelled cases by raw file name."""
    found = {}
    for p in sorted(LABELS.glob("*.json")):
        label = json.loads(p.read_text(encoding="utf-8"))
        found[Path(label["raw"]).name] = label
    return found


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stored(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stored]:
    """The corpus, a report with formulas in its agency, file name and text (s000 changed),
    and a roster giving some bodies a region; imported once per database for the module."""
    folder = tmp_path_factory.mktemp("export")
    lines = (RAW / "s000.txt").read_text(encoding="utf-8").splitlines()
    hostile = folder / "hostile" / HOSTILE_FILE
    hostile.parent.mkdir()
    hostile.write_text("\n".join([HOSTILE_AGENCY, *lines[1:], HOSTILE_TEXT]), encoding="utf-8")
    roster = folder / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(ROSTER)
    cluster: Cluster | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'gongkai.db'}"
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        assert isinstance(cluster, Cluster)
        url = cluster.fresh_database()
    store = open_store(url)
    imported = import_files(store, [str(RAW), str(hostile.parent)])
    assert imported.stored == 21 and not imported.failed
    assert import_roster(store, roster).ok
    try:
        yield Stored(url, store, folder)
    finally:
        store.close()
        if cluster is not None:
            cluster.drop_database(url)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def exported(stored: Stored, name: str, *options: str) -> Path:
    out = stored.folder / "out" / name
    result = run("export", "--db", stored.url, "-o", out, *options)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and f"已导出到 {out}" in result.stderr
    assert not list(out.parent.glob(".*.part"))  # the temporary file was renamed
    return out


def read_csv(path: Path) -> tuple[list[str], list[str], list[dict[str, str]]]:
    """Keys, the Chinese label row, then the rows as dicts."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    keys, names, *rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    return keys, names, [dict(zip(keys, r, strict=True)) for r in rows]


def stored_count(stored: Stored, sql: str) -> int:
    from sqlalchemy import text

    with stored.store.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar() or 0)


def current_reports(stored: Stored) -> int:
    return stored_count(stored, "SELECT count(*) FROM reports WHERE current")


def current_cells(stored: Stored) -> int:
    sql = "SELECT count(*) FROM cells JOIN reports ON reports.id = cells.report_id WHERE current"
    return stored_count(stored, sql)


# -- CSV -------------------------------------------------------------------------------------


def test_tidy_csv_holds_every_current_cell_with_labels(stored: Stored) -> None:
    keys, names, rows = read_csv(exported(stored, "tidy.csv"))
    assert keys[:3] == ["report_id", "body", "agency"] and "label" in keys and "sha256" in keys
    assert names[keys.index("year")] == "年度" and names[keys.index("label")] == "中文名称"
    assert len(rows) == current_cells(stored)
    totals = {r["file"]: r for r in rows if r["name"] == NEW_TOTAL}
    checked = 0
    for name, label in labels().items():
        if name in totals and label.get("requests"):
            assert totals[name]["value"] == str(label["requests"]["new"][6]), name
            assert totals[name]["year"] == str(label["year"])
            checked += 1
    assert checked == 13  # the labelled 2019/2021 reports but g001, g002 (older versions)
    row = totals["r001.txt"]
    assert row["label"] == cell_label(NEW_TOTAL) == "一、本年新收政府信息公开申请数量·总计"
    assert (row["table"], row["row_key"], row["col_key"]) == ("requests", "new", "total")
    assert row["agency"] == "河北省教育厅" and row["region"] == "河北省" and row["level"] == "部门"
    assert row["ambiguous"] == "False" and len(row["sha256"]) == 64
    # a legacy (pre-2019) table: r006's 主动公开文件数, this year and all years
    r006 = {r["name"]: r["value"] for r in rows if r["file"] == "r006.txt"}
    assert (
        r006["legacy.主动公开文件数[0]"] == "2949" and r006["legacy.主动公开文件数[1]"] == "81916"
    )
    # cells in template order within a report
    order = [r["name"] for r in rows if r["file"] == "r001.txt"]
    assert order == [n for n in cell_columns() if n in set(order)]


def test_wide_csv_has_one_row_per_report_in_template_column_order(stored: Stored) -> None:
    keys, names, rows = read_csv(exported(stored, "wide.csv", "--shape", "wide"))
    assert len(rows) == current_reports(stored)
    cells = cell_columns()
    start = keys.index(cells[0])
    assert keys[start : start + len(cells)] == cells  # the template order extract -o x.csv uses
    assert "legacy.主动公开文件数[0]" in keys[start + len(cells) :]
    assert names[keys.index(NEW_TOTAL)] == cell_label(NEW_TOTAL)
    assert names[keys.index("agency")] == "机关名称"
    by_file = {r["file"]: r for r in rows}
    for name, label in labels().items():
        if name in by_file and label.get("requests"):
            assert by_file[name][NEW_TOTAL] == str(label["requests"]["new"][6]), name
            assert by_file[name]["requests.granted.total"] == str(label["requests"]["granted"][6])
    assert by_file["r006.txt"]["legacy.主动公开文件数[1]"] == "81916"


def test_csv_without_labels_has_only_the_keys(stored: Stored) -> None:
    out = exported(stored, "bare.csv", "--shape", "wide", "--no-labels")
    first, second = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert first.startswith("report_id,") and not second.startswith("报告编号")


def test_spreadsheets_neutralise_formulas_from_reports(stored: Stored) -> None:
    for shape in ("tidy", "wide"):
        out = exported(stored, f"hostile-{shape}.csv", "--shape", shape)
        text = out.read_text(encoding="utf-8-sig")
        assert "'" + HOSTILE_AGENCY in text and '"\'=HYPERLINK(""http:evil' in text
        for line in text.splitlines():
            assert not any(field.startswith(("=", "@", "+")) for field in line.split(","))
        wb = load_workbook(exported(stored, f"hostile-{shape}.xlsx", "--shape", shape))
        values = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
        assert "'" + HOSTILE_AGENCY in values and "'" + HOSTILE_FILE in values
        assert not any(isinstance(v, str) and v.startswith("=") for v in values)


# -- XLSX ------------------------------------------------------------------------------------


def test_xlsx_looks_like_extract_output(stored: Stored) -> None:
    wb = load_workbook(exported(stored, "wide.xlsx", "--shape", "wide"))
    ws = wb["reports"]
    keys = [c.value for c in ws[1]]
    assert [c.value for c in ws[2]][keys.index(NEW_TOTAL)] == cell_label(NEW_TOTAL)
    assert ws["A1"].font.b and ws["A2"].font.b and ws.freeze_panes == "D3"
    assert ws.auto_filter.ref == f"A2:{ws.cell(1, len(keys)).column_letter}{ws.max_row}"
    assert ws.max_row == 2 + current_reports(stored)
    rows = {r[keys.index("file")]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["p003.pdf"][keys.index(NEW_TOTAL)] == 3119  # a number, not text
    assert rows["r006.txt"][keys.index("legacy.主动公开文件数[0]")] == 2949
    sheet = {r[0]: r[1] for r in wb[LABELS_SHEET].iter_rows(min_row=2, values_only=True)}
    assert sheet[NEW_TOTAL] == cell_label(NEW_TOTAL) and sheet["year"] == "年度"


def test_tidy_xlsx_and_labels_as_notes(stored: Stored) -> None:
    wb = load_workbook(exported(stored, "tidy.xlsx", "--no-labels"))
    ws = wb["cells"]
    keys = [c.value for c in ws[1]]
    assert ws["A1"].font.b and ws.freeze_panes == "A2"
    assert ws.cell(1, keys.index("agency") + 1).comment.text == "机关名称"
    assert ws.max_row == 1 + current_cells(stored)
    found = [
        r
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[keys.index("file")] == "p002.pdf" and r[keys.index("name")] == NEW_TOTAL
    ]
    assert len(found) == 1 and found[0][keys.index("value")] == 95
    assert found[0][keys.index("label")] == cell_label(NEW_TOTAL)


def test_tidy_xlsx_beyond_a_sheet_is_refused(
    stored: Stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_xlsx, "XLSX_MAX_ROWS", 1000)  # the corpus has ~3,000 cells
    out = stored.folder / "out" / "too-long.xlsx"
    result = run("export", "--db", stored.url, "-o", out)
    assert result.exit_code == 1 and "超过 XLSX 工作表的上限" in result.stderr
    assert "CSV 或 Parquet" in result.stderr and "Traceback" not in result.output
    assert not out.exists() and not list(out.parent.glob(".*.part"))


# -- Parquet ---------------------------------------------------------------------------------


def test_tidy_parquet_is_typed_and_labelled(stored: Stored) -> None:
    table = pq.read_table(exported(stored, "tidy.parquet"))
    schema = table.schema
    assert schema.field("value").type == pa.float64() and schema.field("text").type == pa.string()
    assert schema.field("year").type == pa.int64() and schema.field("ambiguous").type == pa.bool_()
    assert schema.field("year").metadata[b"label"].decode() == "年度"
    assert json.loads(schema.metadata[b"gongkai:labels"])["label"] == "中文名称"
    assert table.num_rows == current_cells(stored)
    rows = table.to_pylist()
    totals = {r["file"]: r for r in rows if r["name"] == NEW_TOTAL}
    for name, label in labels().items():
        if name in totals and label.get("requests"):
            assert totals[name]["value"] == float(label["requests"]["new"][6]), name
    assert totals["p003.pdf"]["label"] == cell_label(NEW_TOTAL)
    text = [r for r in rows if r["text"] is not None]  # text kept apart from numbers
    assert text and all(r["value"] is None for r in text)
    assert {(r["file"], r["name"], r["text"]) for r in text} >= {
        ("r009.txt", "active.gov_procurement.items", "156805947.43元")
    }


def test_wide_parquet_has_float_cells_and_text_columns(stored: Stored) -> None:
    table = pq.read_table(exported(stored, "wide.parquet", "--shape", "wide"))
    schema = table.schema
    assert schema.field(NEW_TOTAL).type == pa.float64()
    assert schema.field(NEW_TOTAL).metadata[b"label"].decode() == cell_label(NEW_TOTAL)
    text_column = "active.gov_procurement.items:text"  # a cell holding text in r009
    assert schema.field(text_column).type == pa.string()
    assert f"{NEW_TOTAL}:text" not in schema.names
    rows = {r["file"]: r for r in table.to_pylist()}
    assert rows["r001.txt"][NEW_TOTAL] == 19.0 and rows["r001.txt"]["year"] == 2023
    assert rows["r006.txt"]["legacy.主动公开文件数[1]"] == 81916.0


def test_parquet_without_pyarrow_says_how_to_install(
    stored: Stored, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = run("export", "--db", stored.url, "-o", stored.folder / "out" / "no.parquet")
    assert result.exit_code == 1 and "gongkai[parquet]" in result.stderr
    assert "pyarrow" in result.stderr and "Traceback" not in result.output


# -- SQLite ----------------------------------------------------------------------------------


def test_sqlite_export_is_self_describing(stored: Stored) -> None:
    db = sqlite3.connect(exported(stored, "export.sqlite", "--shape", "wide"))
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reports", "cells", "bodies", "body_names", "findings", "sections", "labels"} <= tables
    keys = {r[3]: r[2] for r in db.execute("PRAGMA foreign_key_list(cells)")}
    assert keys == {"report_id": "reports", "name": "labels"}
    assert {r[2] for r in db.execute("PRAGMA foreign_key_list(reports)")} == {"bodies"}
    assert dict(db.execute("SELECT key, title FROM labels"))[NEW_TOTAL] == cell_label(NEW_TOTAL)
    assert db.execute("SELECT title FROM labels WHERE key = 'reports.year'").fetchone() == ("年度",)
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (current_reports(stored),)
    assert db.execute("SELECT count(*) FROM cells").fetchone() == (current_cells(stored),)
    wide = dict(db.execute(f'SELECT file, "{NEW_TOTAL}" FROM reports'))
    tidy = dict(db.execute("SELECT file, value FROM tidy WHERE name = ?", (NEW_TOTAL,)))
    for name, label in labels().items():
        if name in wide and label.get("requests"):
            assert wide[name] == tidy[name] == label["requests"]["new"][6], name
    label = db.execute("SELECT label FROM tidy WHERE file = 'p003.pdf' AND name = ?", (NEW_TOTAL,))
    assert label.fetchone() == (cell_label(NEW_TOTAL),)
    # the text of sections, verbatim (not a spreadsheet) and searchable
    text = db.execute("SELECT text FROM sections WHERE text LIKE '%evil.example%'").fetchone()
    assert text is not None and text[0].endswith(HOSTILE_TEXT)
    found = db.execute(
        "SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", ('"依申请公开"',)
    ).fetchone()
    assert found[0] > 0
    counts = db.execute("SELECT count(*) FROM findings").fetchone()[0]
    assert counts == stored_count(
        stored,
        "SELECT count(*) FROM findings JOIN reports ON reports.id = findings.report_id"
        " WHERE current",
    )


def test_sqlite_export_opens_in_datasette(stored: Stored) -> None:
    path = exported(stored, "datasette.sqlite")

    async def fetch() -> tuple[dict[str, Any], dict[str, Any]]:
        ds = app.Datasette([str(path)])
        index = (await ds.client.get("/datasette.json")).json()
        query = f"/datasette/cells.json?_labels=on&name={NEW_TOTAL}&_shape=array"
        return index, (await ds.client.get(query)).json()

    index, rows = asyncio.run(fetch())
    names = {t["name"] for t in index["tables"]}
    assert {"reports", "cells", "bodies", "findings", "sections", "labels"} <= names
    assert rows and rows[0]["name"] == {"value": NEW_TOTAL, "label": cell_label(NEW_TOTAL)}
    assert rows[0]["report_id"]["label"].endswith("第1版")


# -- choosing what to export ----------------------------------------------------------------


def test_year_region_and_versions_restrict_rows(stored: Stored) -> None:
    _, _, rows = read_csv(exported(stored, "2023.csv", "--shape", "wide", "--year", "2023"))
    assert rows and {r["year"] for r in rows} == {"2023"}
    _, _, rows = read_csv(
        exported(stored, "huaian.csv", "--shape", "wide", "--region", "江苏省/淮安市")
    )
    assert sorted(r["file"] for r in rows) == ["p001.pdf", "p002.pdf", "p003.pdf"]
    _, _, rows = read_csv(exported(stored, "hebei.csv", "--region", "河北省", "--year", "2023"))
    assert {r["file"] for r in rows} == {"r001.txt", "r005.txt"}
    assert {r["region"] for r in rows} == {"河北省"}
    _, _, rows = read_csv(exported(stored, "all.csv", "--shape", "wide", "--all-versions"))
    versions = {r["file"]: (r["version"], r["current"]) for r in rows}
    assert versions["g001.txt"] == ("1", "False") and versions["s000.txt"] == ("2", "True")
    assert len(rows) == stored_count(stored, "SELECT count(*) FROM reports")
    db = sqlite3.connect(exported(stored, "huaian.db", "--region", "江苏省/淮安市"))
    assert db.execute("SELECT count(*) FROM reports").fetchone() == (3,)
    assert {r[0] for r in db.execute("SELECT name FROM bodies")} == {
        "淮安市人民政府",
        "洪泽区人民政府",
    }


def test_library_export_returns_the_path(stored: Stored) -> None:
    out = export_module.export(stored.store, stored.folder / "lib" / "x.csv", year=2024)
    assert out.exists()
    _, _, rows = read_csv(out)
    assert {r["file"] for r in rows} == {"p002.pdf", "p003.pdf"}
    with pytest.raises(GongkaiError, match="不支持的导出形式"):
        export_module.export(stored.store, stored.folder / "lib" / "x.csv", shape="long")


# -- refusals --------------------------------------------------------------------------------


def test_a_contradicting_format_is_refused(stored: Stored) -> None:
    out = stored.folder / "out" / "wrong.csv"
    result = run("export", "--db", stored.url, "-o", out, "-f", "parquet")
    assert result.exit_code == 2, result.output  # a wrong option, as in every verb
    assert "扩展名“.csv”与输出格式“parquet”不符" in result.stderr and not out.exists()
    unknown = run("export", "--db", stored.url, "-o", stored.folder / "out" / "x.txt")
    assert unknown.exit_code == 2 and "无法从扩展名" in unknown.stderr


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    result = run("export", "--db", tmp_path / "none.db", "-o", tmp_path / "x.csv")
    assert result.exit_code == 1 and "数据库文件不存在" in result.stderr
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "x.csv").exists()


def test_exporting_onto_the_database_is_refused(tmp_path: Path, db_url: str) -> None:
    with open_store(db_url) as store:
        import_files(store, [str(RAW / "r001.txt")])
        if store.dialect == "sqlite":
            with pytest.raises(GongkaiError, match="不能是数据库文件本身"):
                export_module.export(store, Path(store.where))
        out = export_module.export(store, tmp_path / "one.csv", shape="wide")
    _, _, rows = read_csv(out)
    assert len(rows) == 1 and rows[0][NEW_TOTAL] == "19"
