"""Roster import on SQLite and PostgreSQL: canonical names across spellings, levels and
regions normalised, "expected to report", idempotency, one audit row, bad rows named by row
number while the good rows are imported, and CSV (UTF-8, BOM, GBK) and XLSX files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_util import local_raw
from openpyxl import Workbook
from sqlalchemy import select

from gongkai.errors import GongkaiError
from gongkai.store import Store, import_files, open_store, schema
from gongkai.store.roster import import_roster, normalise_level, normalise_region


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.close()


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the roster touches (bodies without their creation time)."""
    b = schema.bodies.c
    with store.begin() as conn:
        return {
            "bodies": [
                tuple(r)
                for r in conn.execute(
                    select(b.id, b.name, b.level, b.region, b.parent_id).order_by(b.id)
                )
            ],
            "names": [tuple(r) for r in conn.execute(select(schema.body_names).order_by("name"))],
            "roster": [
                tuple(r) for r in conn.execute(select(schema.roster).order_by("body_id", "year"))
            ],
            "audit": [
                (r.actor, r.action, r.target, r.after)
                for r in conn.execute(select(schema.audit).order_by(schema.audit.c.id))
            ],
        }


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_roster_names_the_canonical_spelling_of_an_imported_body(
    store: Store, tmp_path: Path
) -> None:
    # p001 writes 洪泽区人民政府 (2023), p002 淮安市洪泽区人民政府 (2024): one body.
    assert import_files(store, [str(local_raw("p001")), str(local_raw("p002"))]).ok
    roster = write(
        tmp_path / "名册.csv",
        "\ufeffbody,parent,level,region\n"
        "淮安市洪泽区人民政府,淮安市人民政府,区,江苏省／淮安市／洪泽区\n"
        "淮安市人民政府,,市级,江苏省 淮安市\n",
    )
    result = import_roster(store, roster, year=2025, actor="张三")
    assert result.ok and (result.rows, result.created, result.expected) == (2, 1, 2)
    state = snapshot(store)
    hongze = next(row for row in state["bodies"] if row[1] == "淮安市洪泽区人民政府")
    huaian = next(row for row in state["bodies"] if row[1] == "淮安市人民政府")
    assert hongze[2:] == ("县", "江苏省/淮安市/洪泽区", huaian[0])
    assert huaian[2:] == ("市", "江苏省/淮安市", None)
    assert {n for n, body in state["names"] if body == hongze[0]} == {
        "洪泽区人民政府",
        "淮安市洪泽区人民政府",
    }  # the other spelling is kept
    assert len(state["bodies"]) == 2
    with store.begin() as conn:
        bodies = set(conn.execute(select(schema.reports.c.body_id)).scalars())
    assert bodies == {hongze[0]}  # both reports stay with the renamed body
    assert [(b, y) for b, y, _ in state["roster"]] == sorted([(hongze[0], 2025), (huaian[0], 2025)])
    assert state["audit"][0][:3] == ("张三", "roster.import", "roster:名册.csv")
    assert state["audit"][0][3]["created"] == 1


def test_importing_the_same_roster_twice_changes_nothing(store: Store, tmp_path: Path) -> None:
    roster = write(
        tmp_path / "r.csv",
        "单位名称,上级单位,层级,所属地区,年度\n"
        "某某县人民政府,,县级,河北省/石家庄市/某某县,2024\n"
        "某某县司法局,某某县人民政府,部门,河北省/石家庄市/某某县,2024\n",
    )
    first = import_roster(store, roster)
    before = snapshot(store)
    second = import_roster(store, roster)
    assert first.changed and not second.changed and second.ok
    assert (second.rows, second.created, second.updated, second.expected) == (2, 0, 0, 0)
    assert snapshot(store) == before
    assert len(before["audit"]) == 1  # one audit row for the import that changed something


def test_bad_rows_are_named_and_the_good_rows_imported(store: Store, tmp_path: Path) -> None:
    roster = write(
        tmp_path / "r.csv",
        "body,level,region,year\n"
        "甲县人民政府,县,河北省/甲市/甲县,2024\n"
        ",县,河北省,2024\n"
        "乙县人民政府,村,河北省/乙县,2024\n"
        "\n"
        "丙县人民政府,乡,河北省/丙县,二〇二四\n"
        "丁县人民政府,街道,河北省/丁县,2024\n",
    )
    result = import_roster(store, roster)
    assert not result.ok and result.rows == 2
    assert result.problems[0] == "第3行：单位名称为空"
    assert result.problems[1] == "第4行：层级“村”无法识别（可选：省、市、县、乡镇、部门）"
    assert result.problems[2].startswith("第6行：报告年度“二〇二四”不是有效的年份")
    names = {row[1]: row[2] for row in snapshot(store)["bodies"]}
    assert names == {"甲县人民政府": "县", "丁县人民政府": "乡镇"}


def test_gbk_csv_with_chinese_headers_and_xlsx(store: Store, tmp_path: Path) -> None:
    gbk = write(
        tmp_path / "gbk.csv",
        "机关名称,上级机关,级别,行政区划\r\n某某市教育局,某某市人民政府,部门,河南省/某某市\r\n",
        "gbk",
    )
    assert import_roster(store, gbk, year="2023年").expected == 1
    wb = Workbook()
    ws = wb.active
    ws.append(["单位", "上级", "层级", "地区", "年度"])
    ws.append(["某某市人民政府", None, "市", "河南省/某某市", 2024])
    ws.append(["某某市教育局", "某某市人民政府", None, None, 2024.0])
    wb.save(tmp_path / "r.xlsx")
    result = import_roster(store, tmp_path / "r.xlsx", year=2023)
    assert result.ok and result.expected == 2  # the year column wins over the argument
    state = snapshot(store)
    ids = {row[1]: row[0] for row in state["bodies"]}
    assert sorted((b, y) for b, y, _ in state["roster"]) == sorted(
        [(ids["某某市教育局"], 2023), (ids["某某市教育局"], 2024), (ids["某某市人民政府"], 2024)]
    )
    edu = next(row for row in state["bodies"] if row[1] == "某某市教育局")
    assert edu[2:] == ("部门", "河南省/某某市", ids["某某市人民政府"])  # empty cells keep values


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("r.csv", "名称,地区\n甲,乙\n", "须有单位名称列"),
        ("r.xls", "body\n甲\n", "名册应为 CSV 或 XLSX 文件"),
        ("r.xlsx", "not a workbook", "无法读取 XLSX 名册"),
        ("r.csv", "", "名册文件是空的"),
    ],
)
def test_unusable_roster_files_are_refused(
    store: Store, tmp_path: Path, name: str, content: str, message: str
) -> None:
    with pytest.raises(GongkaiError, match=message):
        import_roster(store, write(tmp_path / name, content))
    assert snapshot(store)["bodies"] == []


def test_missing_file_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    with pytest.raises(GongkaiError, match="名册文件不存在"):
        import_roster(store, tmp_path / "none.csv")


def test_levels_and_regions_are_normalised() -> None:
    assert [normalise_level(v) for v in ("省级", "区", "镇", "街道", "部门", "", None)] == [
        "省",
        "县",
        "乡镇",
        "乡镇",
        "部门",
        None,
        None,
    ]
    assert normalise_region(" 河北省 > 石家庄市、正定县 ") == "河北省/石家庄市/正定县"
    with pytest.raises(GongkaiError, match="层级“村委会”无法识别"):
        normalise_level("村委会")
