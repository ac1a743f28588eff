"""一个单位 on the real corpus (SQLite and PostgreSQL): the year series equal the labelled cells,
the outcome shares equal the labelled counts ÷ （七）总计, the finding history is the body's
stored findings, the CSV is the year table, and nobody sees a body outside their scope."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.store import Store, list_findings
from gongkai.store.findings import set_status
from gongkai.templates import REQUEST_GROUPS, REQUESTS_2019, REQUESTS_2021

LABELS = CORPUS / "labels"


def label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{case}.json").read_text(encoding="utf-8"))
    return data


def total(lab: dict[str, Any], row: str) -> float:
    v = lab["requests"].get(row, [None] * 7)[6]
    return float(v) if isinstance(v, (int, float)) else 0.0


def body_id(client: TestClient, name: str) -> int:
    found = client.get("/bodies.json", params={"q": name}).json()["bodies"]
    ids = [b["id"] for b in found if b["name"] == name]
    assert len(ids) == 1, found
    return int(ids[0])


def expected_shares(lab: dict[str, Any]) -> dict[str, float]:
    """Each outcome's share of （七）总计, from the label and the template's groups."""
    rows = list(dict.fromkeys((*REQUESTS_2021, *REQUESTS_2019)))
    groups = {g.key for g in REQUEST_GROUPS}
    out = {f"share.{k}": total(lab, k) for k in ("granted", "partial")}
    for g in groups:
        keys = [r.key for r in rows if g in (r.group, r.key)]
        out[f"share.{g}"] = sum(total(lab, k) for k in keys)
    return {k: v / total(lab, "total") for k, v in out.items()}


def check_year(year: dict[str, Any], lab: dict[str, Any]) -> None:
    values = year["values"]
    assert year["year"] == lab["year"]
    for row in ("new", "carried_over", "total", "carried_forward"):
        assert values[f"requests.{row}.total"] == lab["requests"][row][6], row
    for key, share in expected_shares(lab).items():
        assert values[key] == pytest.approx(share), key
    rl = [v if isinstance(v, (int, float)) else 0 for v in lab["review_litigation"]]
    assert values["review_litigation.review_total"] == rl[4]
    assert values["review_litigation.review_corrected"] == rl[1]
    assert values["litigation.total"] == rl[9] + rl[14]
    assert values["litigation.corrected"] == rl[6] + rl[11]
    review = rl[1] / rl[4] if rl[4] else None
    assert values["rate.review_corrected"] == (
        pytest.approx(review) if review is not None else None
    )
    lit = (rl[6] + rl[11]) / (rl[9] + rl[14]) if rl[9] + rl[14] else None
    assert values["rate.litigation_corrected"] == (pytest.approx(lit) if lit is not None else None)


def test_hongze_series_equal_the_labels(admin: TestClient) -> None:
    bid = body_id(admin, "洪泽区人民政府")
    data = admin.get(f"/bodies/{bid}.json").json()
    assert data["name"] == "洪泽区人民政府"
    assert "淮安市洪泽区人民政府" in data["names"]
    assert (data["level"], data["region"], data["parent"]) == (
        "县",
        "江苏省/淮安市/洪泽区",
        "淮安市人民政府",
    )
    years = {y["year"]: y for y in data["years"]}
    assert sorted(years) == [2023, 2024]
    check_year(years[2023], label("p001"))
    check_year(years[2024], label("p002"))
    # The shares of the outcomes add up to the labelled outcomes over （七）总计.
    lab = label("p002")
    outcomes = sum(v for k, v in expected_shares(lab).items())
    shares = sum(v for k, v in years[2024]["values"].items() if k.startswith("share."))
    assert shares == pytest.approx(outcomes)
    # The charts draw the same numbers.
    flows = data["charts"][0]
    assert flows["categories"] == ["2023", "2024"]
    assert flows["series"][0]["values"] == [
        label("p001")["requests"]["new"][6],
        label("p002")["requests"]["new"][6],
    ]
    assert data["charts"][1]["percent"] is True


def test_body_html_links_reports_and_shows_the_numbers(admin: TestClient) -> None:
    bid = body_id(admin, "洪泽区人民政府")
    data = admin.get(f"/bodies/{bid}.json").json()
    page = admin.get(f"/bodies/{bid}")
    assert page.status_code == 200
    html = page.text
    for y in data["years"]:
        assert f'href="/reports/{y["report_id"]}"' in html
    assert f'href="/bodies/{data["parent_id"]}"' in html  # 淮安市人民政府
    assert "（一）予以公开" in html and "行政复议纠错率" in html
    assert f"<td>{label('p002')['requests']['new'][6]}</td>" in html  # beside the chart
    assert html.count('data-chart="body-chart-') == 4


def test_body_with_several_years_and_the_csv(admin: TestClient) -> None:
    bid = body_id(admin, "河北省教育厅")
    data = admin.get(f"/bodies/{bid}.json").json()
    years = {y["year"]: y for y in data["years"]}
    assert {2019, 2023} <= set(years)
    check_year(years[2023], label("r001"))
    check_year(years[2019], label("r002"))
    answer = admin.get(f"/bodies/{bid}.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    keys, labels, body = rows[0], rows[1], rows[2:]
    assert keys[:3] == ["year", "report_id", "template"] and labels[0] == "年度"
    assert len(body) == len(data["years"])
    for row, year in zip(body, data["years"], strict=True):
        record = dict(zip(keys, row, strict=True))
        assert int(record["report_id"]) == year["report_id"]
        for key, value in year["values"].items():
            if value is None:
                assert record[key] == ""
            else:
                assert float(record[key]) == pytest.approx(value)


def test_finding_history_is_the_bodys_findings(
    app: Starlette, admin: TestClient, web_store: Store
) -> None:
    bid = body_id(admin, "洪泽区人民政府")
    stored = list_findings(web_store, body="洪泽区人民政府")
    history = admin.get(f"/bodies/{bid}.json").json()["findings"]
    shown = {f["id"]: (y["year"], f) for y in history for f in y["findings"]}
    assert set(shown) == {f["id"] for f in stored}
    for f in stored:
        year, entry = shown[f["id"]]
        assert (year, entry["code"], entry["severity"]) == (f["year"], f["code"], f["severity"])
    for y in history:
        assert sum(y["by_status"].values()) == len(y["findings"])
        assert sum(y["by_severity"].values()) == len(y["findings"])
    errors = [f for f in stored if f["severity"] == "error"]
    assert errors, "p001 has arithmetic errors"
    set_status(web_store, errors[0]["id"], "dismissed", "jiangsu", "报告原文如此，已核实")
    again = admin.get(f"/bodies/{bid}.json").json()["findings"]
    entry = next(f for y in again for f in y["findings"] if f["id"] == errors[0]["id"])
    assert (entry["status"], entry["reason"], entry["changed_by"]) == (
        "dismissed",
        "报告原文如此，已核实",
        "jiangsu",
    )
    assert len(entry["changed_at"]) == 16  # YYYY-MM-DD HH:MM
    html = admin.get(f"/bodies/{bid}").text
    assert "报告原文如此，已核实" in html and "已忽略" in html and errors[0]["code"] in html


def test_scope(app: Starlette, admin: TestClient) -> None:
    hongze, hebei = body_id(admin, "洪泽区人民政府"), body_id(admin, "河北省教育厅")
    city = body_id(admin, "淮安市人民政府")
    jiangsu, beijing, agency = login(app, "jiangsu"), login(app, "beijing"), login(app, "hongze")
    assert jiangsu.get(f"/bodies/{hongze}").status_code == 200
    for client, bid in ((jiangsu, hebei), (beijing, hongze), (agency, city)):
        for suffix in ("", ".json", ".csv"):
            assert client.get(f"/bodies/{bid}{suffix}").status_code == 404
    assert agency.get(f"/bodies/{hongze}.json").json()["parent_id"] is None  # 淮安市: not its own
    assert admin.get("/bodies/999999").status_code == 404
    names = {b["name"] for b in jiangsu.get("/bodies.json").json()["bodies"]}
    assert "洪泽区人民政府" in names and "河北省教育厅" not in names
    assert [b["id"] for b in agency.get("/bodies.json").json()["bodies"]] == [hongze]


def test_body_list_search(admin: TestClient) -> None:
    found = admin.get("/bodies.json", params={"q": "淮安市洪泽区"}).json()  # another spelling
    assert [b["name"] for b in found["bodies"]] == ["洪泽区人民政府"]
    assert found["bodies"][0]["reports"] == 2
    assert (found["bodies"][0]["first_year"], found["bodies"][0]["last_year"]) == (2023, 2024)
    page = admin.get("/bodies", params={"q": "洪泽"})
    assert page.status_code == 200 and "/bodies/" in page.text
    listed = admin.get("/bodies.csv", params={"region": "江苏省/淮安市"}).text
    assert "洪泽区人民政府" in listed and "河北省教育厅" not in listed
