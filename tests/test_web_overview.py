"""总览 on the real corpus (SQLite and PostgreSQL): the reports of a region's year against its
roster, who is missing, headline sums equal to the labelled cells, the change from last year,
and the JSON / CSV twins of the page."""

from __future__ import annotations

import csv
import io
import json

from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.checks.bodies import same_body

HUAIAN = "江苏省/淮安市"


def labelled(year: int, *bodies: str) -> list[dict]:
    """The labels of the corpus reports of ``year`` by any of ``bodies`` (any spelling)."""
    found = []
    for path in sorted((CORPUS / "labels").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        if data.get("year") == year and any(same_body(data["agency"], b) for b in bodies):
            found.append(data)
    return found


def total(labels: list[dict], row: str) -> int:
    return sum(d["requests"][row][-1] or 0 for d in labels)


def test_overview_json_adds_up_the_regions_reports(admin: TestClient) -> None:
    data = admin.get("/overview.json", params={"region": HUAIAN, "year": 2024}).json()
    now = labelled(2024, "淮安市人民政府", "洪泽区人民政府", "淮安市教育局")
    before = labelled(2023, "淮安市人民政府", "洪泽区人民政府", "淮安市教育局")
    assert len(now) == 2 and len(before) == 1  # the corpus: p002 + p003, and p001 a year before
    assert data["received"] == 2 and data["expected"] == 3
    assert [m["body"] for m in data["missing"]] == ["淮安市教育局"]
    heads = {h["key"]: h for h in data["headlines"]}
    new = heads["requests.new.total"]
    assert new["value"] == total(now, "new") == 3214
    assert new["previous"] == total(before, "new")
    assert new["change"] == new["value"] - new["previous"]
    granted = heads["rate.granted"]
    assert granted["value"] == total(now, "granted") / total(now, "total")
    assert granted["rate"] is True
    assert sorted(r["body"] for r in data["reports"]) == ["洪泽区人民政府", "淮安市人民政府"]
    assert data["reports_total"] == 2
    # Charts carry the same numbers as the table beside them.
    assert data["charts"][0]["series"][1]["values"][0] == 3214


def test_overview_html_shows_the_figures_and_the_missing_body(admin: TestClient) -> None:
    page = admin.get("/overview", params={"region": HUAIAN, "year": 2024})
    assert page.status_code == 200
    html = page.text
    assert "淮安市教育局" in html and "3214" in html
    assert 'data-chart="overview-chart-1-data"' in html
    assert "<script>" not in html.replace("<script src=", "")  # no inline script: CSP


def test_overview_csv_is_the_headline_table(admin: TestClient) -> None:
    answer = admin.get("/overview.csv", params={"region": HUAIAN, "year": 2024})
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0] == ["key", "label", "value", "previous", "change"]
    by_key = {r[0]: r for r in rows[2:]}
    assert by_key["requests.new.total"][2] == "3214"
    data = admin.get("/overview.json", params={"region": HUAIAN, "year": 2024}).json()
    assert len(rows) - 2 == len(data["headlines"])


def test_overview_defaults_to_the_newest_year(admin: TestClient) -> None:
    data = admin.get("/overview.json").json()
    assert data["year"] == max(data["years"]) == 2025  # r004 沐阳县人民政府 2025


def test_a_supervisor_sees_only_their_region(app: Starlette) -> None:
    jiangsu = login(app, "jiangsu")
    data = jiangsu.get("/overview.json", params={"year": 2021}).json()
    assert data["region"] == "江苏省" and data["received"] == 0  # 2021 reports are elsewhere
    assert all(r.startswith("江苏省") for r in data["regions"])
    assert jiangsu.get("/overview.json", params={"region": "北京市"}).status_code == 404
    beijing = login(app, "beijing")
    xicheng = beijing.get("/overview.json", params={"year": 2021}).json()
    assert {r["body"] for r in xicheng["reports"]} >= {"北京市西城区人力资源和社会保障局"}
    assert all(r["region"].startswith("北京市") for r in xicheng["reports"])


def test_an_agency_user_sees_only_their_body(app: Starlette) -> None:
    hongze = login(app, "hongze")
    data = hongze.get("/overview.json", params={"year": 2024}).json()
    assert [r["body"] for r in data["reports"]] == ["洪泽区人民政府"]
    assert data["headlines"][0]["value"] == 95  # p002's 新收 alone


def test_anonymous_visitors_are_sent_to_log_in(app: Starlette) -> None:
    anonymous = TestClient(app, follow_redirects=False)
    page = anonymous.get("/overview?year=2024")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/overview%3Fyear%3D2024"
    assert anonymous.get("/overview.json").status_code == 401
    assert anonymous.get("/overview.json").json() == {"error": "请先登录"}
