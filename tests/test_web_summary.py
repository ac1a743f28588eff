"""汇总 on the real corpus (SQLite and PostgreSQL): 江苏省/淮安市 2024 equals
``summarize_region`` and what the labels add up to, the reconciliation with 淮安市人民政府's own
report, the DOCX in the official layout, and who may use the page."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import docx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.store import Store, summarize_region
from gongkai.templates import REQUEST_COLUMN_KEYS, REVIEW_KEYS
from gongkai.web.pages import jsonable

LABELS = CORPUS / "labels"
ASK = {"region": "江苏省/淮安市", "year": 2024}


def label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{case}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def jiangsu(app: Starlette) -> TestClient:
    return login(app, "jiangsu")


def test_summary_equals_summarize_region(jiangsu: TestClient, web_store: Store) -> None:
    data = jiangsu.get("/summary.json", params=ASK).json()
    made = summarize_region(web_store, "江苏省/淮安市", 2024, "淮安市人民政府")
    assert (data["region"], data["year"], data["agency"]) == (
        "江苏省/淮安市",
        2024,
        "淮安市人民政府",
    )
    assert data["error"] is None
    assert data["cells"] == jsonable({n: v.shown for n, v in made.summary.report.cells()})
    assert [b["report_id"] for b in data["bodies"]] == made.report_ids
    assert data["published_id"] == made.published_id and data["reconciled"] is True
    assert data["differences"] == jsonable(made.differences)
    assert [t["name"] for t in data["tables"]] == ["active", "requests", "review"]


def test_summary_is_what_the_labels_add_up_to(jiangsu: TestClient) -> None:
    data = jiangsu.get("/summary.json", params=ASK).json()
    counted = [b for b in data["bodies"] if b["state"] == "计入"]
    assert [b["agency"] for b in counted] == ["淮安市洪泽区人民政府"]  # p002; p003 is the published
    part, published = label("p002"), label("p003")
    cells = data["cells"]
    for row, values in part["requests"].items():
        if row == "other":  # one （六） row of zeros, summed as the three 2021 sub-rows
            assert all(v == 0 for v in values)
            continue
        for col, v in zip(REQUEST_COLUMN_KEYS, values, strict=True):
            assert cells[f"requests.{row}.{col}"] == v, (row, col)
    for key, v in zip(REVIEW_KEYS, part["review_litigation"], strict=True):
        assert cells[f"review_litigation.{key}"] == v, key
    diffs = {d["name"]: d for d in data["differences"]}
    new = diffs["requests.new.total"]
    assert new["published"] == published["requests"]["new"][6]
    assert new["expected"] == part["requests"]["new"][6]
    assert new["difference"] == new["published"] - new["expected"]


def test_html_and_csv(jiangsu: TestClient) -> None:
    page = jiangsu.get("/summary", params=ASK)
    assert page.status_code == 200
    html = page.text
    assert html.count('class="grid official"') == 3
    assert "一、本年新收政府信息公开申请数量" in html and 'colspan="3"' in html
    assert "淮安市洪泽区人民政府" in html and "计入" in html
    data = jiangsu.get("/summary.json", params=ASK).json()
    assert f"有 {len(data['differences'])} 个单元格与各单位数据之和不同" in html
    assert "/summary.docx?region=" in html
    answer = jiangsu.get("/summary.csv", params=ASK)
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["report_id", "agency", "state"] and rows[1][0] == "报告编号"
    assert [(int(r[0]), r[2]) for r in rows[2:]] == [
        (b["report_id"], b["state"]) for b in data["bodies"]
    ]


def test_docx_in_the_official_layout(jiangsu: TestClient) -> None:
    answer = jiangsu.get("/summary.docx", params=ASK)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer.headers["content-disposition"]
    document = docx.Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "淮安市人民政府" in text and "2024" in text
    rows = {}
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            rows.setdefault(cells[0], cells)
    new = rows["一、本年新收政府信息公开申请数量"]
    assert new[-1] == str(label("p002")["requests"]["new"][6])
    assert rows["二、上年结转政府信息公开申请数量"][-1] == str(
        label("p002")["requests"]["carried_over"][6]
    )


def test_who_may_use_it(app: Starlette, jiangsu: TestClient) -> None:
    agency = login(app, "hongze")
    for path in ("/summary", "/summary.json", "/summary.csv", "/summary.docx"):
        assert agency.get(path, params=ASK).status_code == 403
    viewer = login(app, "viewer")
    assert viewer.get("/summary.json", params=ASK).status_code == 200
    for path in ("/summary", "/summary.json", "/summary.docx"):
        assert (
            jiangsu.get(path, params={"region": "北京市/西城区", "year": 2021}).status_code == 404
        )
    assert jiangsu.get("/summary.json", params={**ASK, "agency": "河北省教育厅"}).status_code == 404
    # A supervisor lands on their own region; 江苏省 has no government body stored: it says so.
    landing = jiangsu.get("/summary")
    assert landing.status_code == 200 and "江苏省" in landing.text and "单位名称" in landing.text
    beijing = login(app, "beijing").get(
        "/summary.json", params={"region": "北京市/西城区", "year": 2021}
    )
    found = beijing.json()
    assert found["agency"] == "北京市西城区人民政府" and found["reconciled"] is False
    assert "未核对" in found["note"]
    assert (
        jiangsu.get("/summary.json", params={"region": "江苏省/淮安市", "year": 2019}).status_code
        == 400
    )
