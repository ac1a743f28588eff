"""对比 on the real corpus (SQLite and PostgreSQL): two bodies × their years × (新收, 予以公开率)
equal the labels, the CSV is exactly the JSON's table, a region's bodies come in, and a body or
region outside the user's scope is not found."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.output import cell_columns
from gongkai.store.compare import MAX_FIGURES
from gongkai.store.rates import RATES

LABELS = CORPUS / "labels"
FIGURES = ["requests.new.total", "予以公开率"]
# (body, year): the labelled case
CASES = {
    ("洪泽区人民政府", 2023): "p001",
    ("洪泽区人民政府", 2024): "p002",
    ("河北省教育厅", 2019): "r002",
    ("河北省教育厅", 2023): "r001",
}


def label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{case}.json").read_text(encoding="utf-8"))
    return data


def params(**extra: Any) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = [("body", "淮安市洪泽区人民政府"), ("body", "河北省教育厅")]
    pairs += [("figure", f) for f in FIGURES]
    for key, value in extra.items():
        pairs += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return pairs


def test_two_bodies_equal_the_labels(admin: TestClient) -> None:
    data = admin.get("/compare.json", params=params(year=[2019, 2023, 2024])).json()
    assert [b["name"] for b in data["bodies"]] == ["洪泽区人民政府", "河北省教育厅"]
    assert data["years"] == [2019, 2023, 2024]
    granted = next(r for r in RATES if r.label == "予以公开率")
    assert [f["key"] for f in data["figures"]] == ["requests.new.total", granted.key]
    got = {(r["body"], r["year"]): r for r in data["rows"]}
    assert set(got) == set(CASES)
    for key, case in CASES.items():
        lab = label(case)["requests"]
        values = got[key]["values"]
        assert values["requests.new.total"] == lab["new"][6], key
        assert values[granted.key] == pytest.approx(lab["granted"][6] / lab["total"][6]), key
    # Without years: the years the bodies reported.
    again = admin.get("/compare.json", params=params()).json()
    assert {(r["body"], r["year"]) for r in again["rows"]} == set(CASES)


def test_csv_is_the_json_table(admin: TestClient) -> None:
    data = admin.get("/compare.json", params=params()).json()
    answer = admin.get("/compare.csv", params=params())
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    keys, labels, body = rows[0], rows[1], rows[2:]
    assert keys == ["body_id", "body", "year", "report_id", *(f["key"] for f in data["figures"])]
    assert labels[4:] == [f["label"] for f in data["figures"]]
    assert len(body) == len(data["rows"])
    for line, row in zip(body, data["rows"], strict=True):
        assert [int(line[0]), line[1], int(line[2]), int(line[3])] == [
            row["body_id"],
            row["body"],
            row["year"],
            row["report_id"],
        ]
        for cell, f in zip(line[4:], data["figures"], strict=True):
            value = row["values"][f["key"]]
            assert (cell == "") if value is None else float(cell) == pytest.approx(value)


def test_html_form_table_and_charts(admin: TestClient) -> None:
    page = admin.get("/compare", params=params())
    assert page.status_code == 200
    html = page.text
    assert '<datalist id="compare-bodies">' in html and '<option value="洪泽区人民政府">' in html
    assert 'value="rate.granted" selected' in html  # the form as it was sent
    assert 'method="get" action="/compare"' in html
    assert html.count('data-chart="compare-chart-') == 2
    assert "52.6%" in html  # 洪泽区 2024: 50 / 95
    assert "/compare.csv?" in html
    blank = admin.get("/compare")
    assert (
        blank.status_code == 200 and "<datalist" in blank.text and "compare-chart" not in blank.text
    )


def test_a_regions_bodies_in_one_year(app: Starlette) -> None:
    jiangsu = login(app, "jiangsu")
    query = {"region": "江苏省/淮安市", "year": 2024, "figure": "requests.new.total"}
    data = jiangsu.get("/compare.json", params=query).json()
    got = {r["body"]: r["values"]["requests.new.total"] for r in data["rows"]}
    assert got == {
        "洪泽区人民政府": label("p002")["requests"]["new"][6],
        "淮安市人民政府": label("p003")["requests"]["new"][6],
    }
    chart = data["charts"][0]
    assert chart["kind"] == "bar" and chart["categories"] == sorted(got)


def test_scope_and_limits(app: Starlette, admin: TestClient) -> None:
    jiangsu, agency = login(app, "jiangsu"), login(app, "hongze")
    for suffix in ("", ".json", ".csv"):
        refused = jiangsu.get(f"/compare{suffix}", params=params())  # 河北省教育厅 is not theirs
        assert refused.status_code == 404
    assert jiangsu.get("/compare.json", params={"region": "北京市"}).status_code == 404
    assert jiangsu.get("/compare.json", params={"body": "不存在的单位"}).status_code == 404
    assert agency.get("/compare.json", params={"body": "淮安市人民政府"}).status_code == 404
    own = agency.get("/compare.json", params={"body": "洪泽区人民政府"})
    assert own.status_code == 200 and {r["body"] for r in own.json()["rows"]} == {"洪泽区人民政府"}
    many = [("body", "洪泽区人民政府")]
    many += [("figure", name) for name in cell_columns()[: MAX_FIGURES + 1]]
    too_many = admin.get("/compare.json", params=many)
    assert too_many.status_code == 400
    assert f"一次最多对比 {MAX_FIGURES} 个数据项" in too_many.json()["error"]
    shown = admin.get("/compare", params=many)
    assert shown.status_code == 400 and "一次最多对比" in shown.text and "<form" in shown.text
    unknown = admin.get("/compare.json", params={"body": "洪泽区人民政府", "figure": "x.y"})
    assert unknown.status_code == 400 and "未知的数据项" in unknown.json()["error"]
    assert admin.get("/compare.json").status_code == 400
