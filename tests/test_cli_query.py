"""``gongkai query …``, ``gongkai roster`` and ``gongkai summarize --db`` through the real
command line (CliRunner on ``gongkai.cli.main``) on a store holding the corpus: exit codes,
tables, JSON, CSV and XLSX shapes, and clear messages."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS
from openpyxl import load_workbook

from gongkai.cli import main
from gongkai.store import import_files, open_store

CORPUS = SHARED_CORPUS if (SHARED_CORPUS / "raw").is_dir() else LOCAL_CORPUS
RAW = CORPUS / "raw"
P002, P003 = str(RAW / "p002.pdf"), str(RAW / "p003.pdf")
ROSTER = (
    "单位名称,上级单位,层级,所属地区,年度\n"
    "淮安市人民政府,,市,江苏省/淮安市,2024\n"
    "洪泽区人民政府,淮安市人民政府,区,江苏省/淮安市/洪泽区,2024\n"
    "淮安市教育局,淮安市人民政府,部门,江苏省/淮安市,2024\n"
)


def gk(*args: object, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store with the corpus, and the roster loaded through ``gongkai roster``."""
    folder = tmp_path_factory.mktemp("cli-query")
    if request.param == "sqlite":
        url, drop = str(folder / "gongkai.db"), None
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.fresh_database()
        drop = cluster.drop_database
    with open_store(url) as store:
        assert import_files(store, [str(RAW)]).ok
    roster = folder / "名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    loaded = gk("roster", roster, "--db", url)
    assert loaded.exit_code == 0, loaded.output
    assert "导入 3 行，新增单位 1 个，更新单位 2 个" in loaded.output
    try:
        yield url
    finally:
        if drop is not None:
            drop(url)


def test_query_body_as_table_and_json(db: str) -> None:
    shown = gk("query", "body", "淮安市洪泽区人民政府", "--db", db)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0].startswith("洪泽区人民政府（县，江苏省/淮安市/洪泽区，上级：淮安市人民政府）")
    assert lines[1].split("\t")[:3] == ["年度", "报告编号", "报告所写名称"]
    assert [line.split("\t")[0] for line in lines[2:]] == ["2023", "2024"]
    data = json.loads(gk("query", "body", "洪泽区人民政府", "--db", db, "-f", "json").output)
    assert data["name"] == "洪泽区人民政府" and [y["year"] for y in data["years"]] == [2023, 2024]


def test_query_region_to_csv_and_xlsx(db: str, tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    assert gk("query", "region", "江苏省", "--year", "2024", "--db", db, "-o", out).exit_code == 0
    rows = list(csv.DictReader(out.read_text("utf-8-sig").splitlines()))
    assert {r["body"] for r in rows} == {"淮安市人民政府", "洪泽区人民政府"}
    assert {r["path"] for r in rows} == {P002, P003}
    book = tmp_path / "r.xlsx"
    assert (
        gk("query", "region", "--year", "2024", "--level", "县", "--db", db, "-o", book).exit_code
        == 0
    )
    wb = load_workbook(book)
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["body", "level", "region"]
    assert [c.value for c in sheet[2]][:2] == ["洪泽区人民政府", "县"]
    assert "字段说明" in wb.sheetnames


def test_query_missing(db: str) -> None:
    data = json.loads(gk("query", "missing", "--year", "2024", "--db", db, "-f", "json").output)
    assert [(m["body"], m["parent"], m["source"]) for m in data] == [
        ("淮安市教育局", "淮安市人民政府", "名册.csv")
    ]
    assert (
        json.loads(
            gk(
                "query", "missing", "--year", "2024", "--region", "北京市", "--db", db, "-f", "json"
            ).output
        )
        == []
    )


def test_query_figures_and_rates(db: str) -> None:
    got = gk(
        "query", "figures", "--year", "2023-2024", "--figure", "requests.new.total,予以公开率",
        "--region", "江苏省/淮安市", "--db", db, "-f", "json",
    )  # fmt: skip
    assert got.exit_code == 0, got.output
    values = {(r["body"], r["year"], r["figure"]): r["value"] for r in json.loads(got.output)}
    assert values[("洪泽区人民政府", 2024, "requests.new.total")] == 95  # label of p002
    assert values[("洪泽区人民政府", 2024, "rate.granted")] == pytest.approx(50 / 95)
    table = gk(
        "query",
        "figures",
        "--year",
        "2024",
        "--figure",
        "予以公开率",
        "--body",
        "洪泽区人民政府",
        "--db",
        db,
    )
    assert "52.63%" in table.output
    catalogue = json.loads(gk("query", "rates", "-f", "json").output)
    assert {"rate.granted", "rate.review_corrected", "rate.litigation_corrected"} <= {
        r["key"] for r in catalogue
    }


def test_query_figures_needs_bodies_or_a_region_and_known_figures(db: str) -> None:
    neither = gk("query", "figures", "--year", "2024", "--figure", "requests.new.total", "--db", db)
    assert neither.exit_code == 2 and "--body" in neither.output
    unknown = gk(
        "query", "figures", "--year", "2024", "--figure", "x.y", "--region", "江苏省", "--db", db
    )
    assert unknown.exit_code == 1 and "未知的数据项“x.y”" in unknown.output
    bad_year = gk("query", "region", "--year", "1999", "--db", db)
    assert bad_year.exit_code == 2 and "不是有效的年份" in bad_year.output


def test_query_search(db: str) -> None:
    found = json.loads(gk("query", "search", "取得了一定成绩", "--db", db, "-f", "json").output)
    assert [(h["body"], h["year"], h["section"]) for h in found] == [
        ("西工区人力资源和社会保障局", 2023, "五")
    ]
    limited = gk("query", "search", "政府信息公开", "--limit", "2", "--db", db)
    assert limited.exit_code == 0 and "（已达上限）" in limited.output


def test_summarize_from_the_database_reconciles_the_published_report(
    db: str, tmp_path: Path
) -> None:
    from_db = tmp_path / "db.json"
    made = gk(
        "summarize", "--db", db, "--region", "江苏省/淮安市", "--year", "2024",
        "--agency", "淮安市人民政府", "-o", from_db,
    )  # fmt: skip
    assert made.exit_code == 1  # the published city report differs from the sum
    assert "核对 数据库中淮安市人民政府2024年的报告" in made.output
    from_files = tmp_path / "files.json"
    same = gk("summarize", P002, "--agency", "淮安市人民政府", "--year", "2024", "-o", from_files)
    assert same.exit_code == 0, same.output
    assert json.loads(from_db.read_text("utf-8")) == json.loads(from_files.read_text("utf-8"))


def test_summarize_modes_are_exclusive(db: str) -> None:
    both = gk("summarize", P002, "--db", db, "--region", "江苏省", "--year", "2024")
    assert both.exit_code == 2 and "只能选一种" in both.output
    neither = gk("summarize", "--year", "2024", "--agency", "某某县人民政府")
    assert neither.exit_code == 2 and "--region" in neither.output
    no_agency = gk("summarize", P002, "--year", "2024")
    assert no_agency.exit_code == 2 and "--agency" in no_agency.output


def test_default_database_from_the_environment(db: str) -> None:
    shown = gk("query", "missing", "--year", "2024", "-f", "json", env={"GONGKAI_DB": db})
    assert shown.exit_code == 0 and "淮安市教育局" in shown.output


def test_a_missing_database_file_is_not_created(tmp_path: Path) -> None:
    where = tmp_path / "none.db"
    shown = gk("query", "body", "某某县人民政府", "--db", where)
    assert shown.exit_code == 1 and "数据库文件不存在" in shown.output
    assert not where.exists()
    assert "GONGKAI_DB" in gk("query", "region", "--help").output


def test_roster_with_bad_rows_exits_1_naming_them(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("body,level\n甲县人民政府,县\n乙县人民政府,村\n", encoding="utf-8")
    db = tmp_path / "new.db"
    shown = gk("roster", roster, "--year", "2024", "--db", db)
    assert shown.exit_code == 1
    assert "第3行：层级“村”无法识别" in shown.output and "导入 1 行" in shown.output
    again = gk("roster", roster, "--year", "2024", "--db", db)
    assert "未作更改" in again.output
