"""报告 on the real corpus (SQLite and PostgreSQL): facet counts equal to what the store and the
labels give, paging and sort, search by body and in the sections' text, the CSV of the whole
filtered list equal to the JSON rows, the HTMX fragment, and each user's scope."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from math import ceil
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.store import Store, body_years, list_findings, region_reports

ONLY_IN_S004 = "取得了一定成绩"  # section 五 of s004 (西工区人力资源和社会保障局), no other report


def labels() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted((CORPUS / "labels").glob("*.json"))]


def listing(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get("/reports.json", params={"per_page": 500, **params})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    return data


def facet(data: dict[str, Any], key: str) -> dict[str, int]:
    found = next(f for f in data["facets"] if f["key"] == key)
    return {v["value"]: v["count"] for v in found["values"]}


def test_facets_count_what_the_store_and_the_labels_hold(
    admin: TestClient, web_store: Store
) -> None:
    data = listing(admin)
    cases = labels()
    # One current report per body and year (g001/g002 are earlier versions of s000/s001).
    assert data["total"] == len(data["rows"]) == len({(c["agency"], c["year"]) for c in cases})
    years = facet(data, "year")
    assert set(years) == {str(c["year"]) for c in cases}
    for year, count in years.items():
        stored = region_reports(web_store, int(year))
        assert count == len(stored) + sum(
            1 for r in data["rows"] if r["body_id"] is None and r["year"] == int(year)
        )
    by_template = Counter(
        t for (_, _, t) in {(c["agency"], c["year"], c["template"]) for c in cases}
    )
    assert facet(data, "template") == {
        "2021": by_template["2021"],
        "2019": by_template["2019"],
        "legacy": by_template["legacy"],
    }
    open_errors = {
        f["report"]
        for f in list_findings(web_store, severity="error")
        if f["status"] != "dismissed"
    }
    assert facet(data, "errors") == {"1": len(open_errors), "0": data["total"] - len(open_errors)}
    assert {r["report_id"] for r in data["rows"] if r["errors"]} == open_errors
    on_time = [r for y in years for r in region_reports(web_store, int(y)) if r.on_time]
    assert facet(data, "published")["on_time"] == len(on_time) == 1  # d001, 2024-01-17
    assert facet(data, "level") == {"县": 2, "市": 1, "部门": 3}  # from the roster
    assert {v["value"]: v["count"] for v in data["regions"]} == {"北京市": 2, "江苏省": 4}


def test_facets_follow_the_filter(admin: TestClient) -> None:
    data = listing(admin, region="江苏省/淮安市")
    assert data["total"] == 3  # p001, p002 (洪泽区) and p003 (淮安市人民政府)
    assert facet(data, "year") == {"2023": 1, "2024": 2}
    assert {v["value"] for v in data["regions"]} == {"江苏省/淮安市", "江苏省/淮安市/洪泽区"}
    chosen = listing(admin, region="江苏省/淮安市", year=2024, errors=0)
    assert chosen["total"] == 2
    assert [v for v in next(f for f in chosen["facets"] if f["key"] == "year")["values"]] == [
        {"value": "2024", "label": "2024年", "count": 2, "selected": True}
    ]
    assert listing(admin, level="区")["total"] == 2  # an alias of 县: 洪泽区 2023, 2024
    assert listing(admin, template="legacy", published="unknown")["total"] == 5


def test_paging_and_sort(admin: TestClient) -> None:
    everything = listing(admin)
    total = everything["total"]
    seen: list[int] = []
    for number in range(1, ceil(total / 5) + 1):
        part = listing(admin, per_page=5, page=number, sort="year", dir="desc")
        assert part["pages"] == ceil(total / 5) and part["page"] == number
        assert len(part["rows"]) == min(5, total - 5 * (number - 1))
        seen += [r["report_id"] for r in part["rows"]]
    assert sorted(seen) == sorted(r["report_id"] for r in everything["rows"])
    assert len(set(seen)) == total
    by_year = listing(admin, sort="year", dir="desc")["rows"]
    years = [r["year"] for r in by_year if r["year"] is not None]
    assert years == sorted(years, reverse=True) and by_year[-1]["year"] is None  # r003: no year
    worst = listing(admin, sort="errors", dir="desc")["rows"][0]
    assert (worst["body"], worst["year"], worst["errors"]) == ("洪泽区人民政府", 2023, 2)  # p001
    names = [r["body"] for r in everything["rows"] if r["body"]]
    assert names == sorted(names)
    assert listing(admin, page=99, per_page=5)["page"] == ceil(total / 5)  # past the end: last


def test_body_search_finds_any_spelling(admin: TestClient, web_store: Store) -> None:
    found = listing(admin, body="洪泽")
    history = body_years(web_store, "淮安市洪泽区人民政府")
    assert {r["body"] for r in found["rows"]} == {"洪泽区人民政府"}
    assert (
        sorted(r["year"] for r in found["rows"]) == [y.year for y in history.years] == [2023, 2024]
    )


def test_text_search_finds_the_one_report(admin: TestClient) -> None:
    found = listing(admin, text=ONLY_IN_S004)
    assert [(r["body"], r["year"]) for r in found["rows"]] == [("西工区人力资源和社会保障局", 2023)]
    assert listing(admin, text="政府信息公开")["total"] > 10
    refused = admin.get("/reports.json", params={"text": "！？"})
    assert refused.status_code == 400 and "没有可检索的文字" in refused.json()["error"]


def test_a_text_search_counts_and_sorts_like_the_rest(admin: TestClient) -> None:
    """With a text filter the rows are counted and sorted in Python: the same answers."""
    for sort, direction in (
        ("year", "desc"),
        ("body", None),
        ("errors", "desc"),
        ("published", None),
    ):
        found = listing(admin, text="政府信息公开", sort=sort, dir=direction)
        ids = {r["report_id"] for r in found["rows"]}
        assert 10 < len(ids) < listing(admin)["total"]  # legacy tables without the phrase
        same = [
            r for r in listing(admin, sort=sort, dir=direction)["rows"] if r["report_id"] in ids
        ]
        assert found["rows"] == same, sort
    rows = found["rows"]
    assert facet(found, "year") == dict(Counter(str(r["year"]) for r in rows if r["year"]))
    assert facet(found, "template") == dict(Counter(r["template"] for r in rows))
    assert facet(found, "errors") == dict(Counter("1" if r["errors"] else "0" for r in rows))
    status = Counter(
        "unknown" if r["on_time"] is None else "on_time" if r["on_time"] else "late" for r in rows
    )
    assert facet(found, "published") == dict(status)
    for words in ("人力资源", "人民政府"):  # a name search is counted and sorted here too
        named = listing(admin, body=words, sort="year", dir="desc")["rows"]
        ids = {r["report_id"] for r in named}
        assert len(ids) > 2
        whole = listing(admin, sort="year", dir="desc")["rows"]
        assert named == [r for r in whole if r["report_id"] in ids]
    paged = listing(admin, text="政府信息公开", per_page=4, page=2, sort="year")["rows"]
    assert paged == listing(admin, text="政府信息公开", sort="year")["rows"][4:8]


def test_csv_is_the_whole_filtered_list(admin: TestClient) -> None:
    page = admin.get("/reports.json", params={"per_page": 5, "sort": "year"}).json()
    answer = admin.get("/reports.csv", params={"per_page": 5, "sort": "year"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    keys, body = rows[0], rows[2:]
    assert rows[1][:3] == ["报告编号", "单位编号", "单位"]
    assert len(body) == page["total"] > len(page["rows"])  # every row, not one page
    whole = listing(admin, sort="year")["rows"]

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    assert body == [[text(r[k]) for k in keys] for r in whole]
    only = admin.get("/reports.csv", params={"errors": 1})
    assert len(list(csv.reader(io.StringIO(only.text)))) - 2 == listing(admin, errors=1)["total"]


def test_html_page_and_htmx_fragment(admin: TestClient) -> None:
    page = admin.get("/reports", params={"body": "洪泽", "sort": "errors", "dir": "desc"})
    assert page.status_code == 200
    html = page.text
    assert html.count("洪泽区人民政府</a>") == 2
    assert 'hx-push-url="true"' in html and 'id="reports-results"' in html
    assert "/reports.csv?" in html and "body=%E6%B4%AA%E6%B3%BD" in html  # filters kept in links
    assert 'aria-sort="descending"' in html
    fragment = admin.get("/reports", params={"year": 2024}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="reports-results"' in fragment.text and "淮安市人民政府" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]


def test_bad_parameters_get_a_message(admin: TestClient) -> None:
    for params, words in (
        ({"errors": "x"}, "errors"),
        ({"template": "2030"}, "未知的格式"),
        ({"published": "soon"}, "未知的发布状态"),
        ({"sort": "colour"}, "未知的排序"),
        ({"year": "二〇二三"}, "参数 year 应为整数"),
        ({"level": "星"}, "层级"),
    ):
        answer = admin.get("/reports.json", params=params)
        assert answer.status_code == 400 and words in answer.json()["error"], params


def test_each_user_sees_their_scope(app: Starlette, web_store: Store) -> None:
    jiangsu = listing(login(app, "jiangsu"))
    assert jiangsu["total"] == 4
    assert all(r["region"].startswith("江苏省/") for r in jiangsu["rows"])
    assert listing(login(app, "jiangsu"), region="北京市")["total"] == 0
    hongze = listing(login(app, "hongze"))
    assert {r["body"] for r in hongze["rows"]} == {"洪泽区人民政府"} and hongze["total"] == 2
    beijing = login(app, "beijing")
    html = beijing.get("/reports").text
    assert "西城区政府办公室" in html and "洪泽区人民政府" not in html
    assert TestClient(app).get("/reports.json").status_code == 401
