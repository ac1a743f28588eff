"""一份报告, its original file and pages, the finding actions and 整改通知 on the real corpus
(SQLite and PostgreSQL): every labelled value in its cell of the official layout, findings
highlighted, sources down to the drawn PDF page, dismiss / reopen audited, and scopes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pypdfium2 as pdfium
import pytest
from lxml import html as lxml_html
from PIL import Image
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, login

from gongkai.store import Store, list_findings, schema
from gongkai.store.report_files import DEFAULT_SCALE
from gongkai.templates import ACTIVE_2019, ACTIVE_2021, REQUEST_COLUMN_KEYS, REVIEW_KEYS
from gongkai.web.pages import number

R = schema.reports.c


def label(case: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "labels" / f"{case}.json").read_text("utf-8"))
    return data


def report_id(store: Store, case: str) -> int:
    """The stored reading of a corpus case (by its file name)."""
    name = label(case)["raw"].rsplit("/", 1)[-1]
    with store.begin() as conn:
        return int(conn.execute(select(R.id).where(R.path.endswith("/" + name))).scalar_one())


def labelled_cells(case: str) -> dict[str, Any]:
    """The label's values by stored cell name."""
    data, out = label(case), {}
    rows = ACTIVE_2019 if data["template"] == "2019" else ACTIVE_2021
    by_label = {text: row for row in rows for text in row.all_labels}
    for text, values in (data.get("active") or {}).items():
        row = by_label[text]
        out.update(
            {f"active.{row.key}.{c.key}": v for c, v in zip(row.columns, values, strict=False)}
        )
    for key, values in (data.get("requests") or {}).items():
        out.update(
            {f"requests.{key}.{c}": v for c, v in zip(REQUEST_COLUMN_KEYS, values, strict=False)}
        )
    review = data.get("review_litigation") or []
    if review:
        out.update({f"review_litigation.{k}": v for k, v in zip(REVIEW_KEYS, review, strict=True)})
    for key, value in (data.get("legacy") or {}).items():
        if isinstance(value, list):
            out.update({f"legacy.{key}[{i}]": v for i, v in enumerate(value)})
        else:
            out[f"legacy.{key}"] = value
    return out


def shown_cells(page: str) -> dict[str, Any]:
    """The value cells of a report page: name -> (text, class, title)."""
    tree = lxml_html.fromstring(page)
    return {
        td.get("data-cell"): (td.text_content().strip(), td.get("class", ""), td.get("title"))
        for td in tree.iter("td")
        if td.get("data-cell")
    }


@pytest.mark.parametrize("case", ["p001", "d001", "s004", "r002", "s002", "r006", "r003"])
def test_every_labelled_value_is_in_its_cell(
    admin: TestClient, web_store: Store, case: str
) -> None:
    page = admin.get(f"/reports/{report_id(web_store, case)}")
    assert page.status_code == 200
    shown = shown_cells(page.text)
    expected = labelled_cells(case)
    assert expected
    for name, value in expected.items():
        assert shown[name][0] == ("" if value is None else number(value)), (case, name)
    data = label(case)
    if data["template"] == "legacy":
        assert "统计附表" in page.text and "统计指标" in page.text
        for key in data["legacy"]:
            assert f"<th>{key.partition('/')[2] or key}</th>" in page.text
    else:
        assert "第二十条第（一）项" in page.text and "（七）总计" in page.text


def test_findings_are_highlighted_with_their_message(admin: TestClient, web_store: Store) -> None:
    rid = report_id(web_store, "p001")
    shown = shown_cells(admin.get(f"/reports/{rid}").text)
    errors = list_findings(web_store, report=rid, severity="error")
    assert errors  # p001 prints totals that are not the sums of their parts
    marked = {n: title for n, (_, cls, title) in shown.items() if "finding-error" in cls}
    assert marked and set(marked.values()) == {f["message"] for f in errors}
    assert marked["review_litigation.review_total"] in {f["message"] for f in errors}
    data = admin.get(f"/reports/{rid}.json").json()
    assert data["cells"]["review_litigation.review_total"]["severity"] == "error"
    assert {f["id"] for f in data["findings"] if f["severity"] == "error"} == {
        f["id"] for f in errors
    }
    assert data["layout"] == "2021" and data["body"] == "洪泽区人民政府" and data["year"] == 2023


def test_a_pdf_cells_source_page(admin: TestClient, web_store: Store) -> None:
    rid = report_id(web_store, "p001")
    cell = "review_litigation.review_total"
    with web_store.begin() as conn:
        c = schema.cells.c
        page_no, raw = conn.execute(
            select(c.page, c.raw).where(c.report_id == rid, c.name == cell)
        ).one()
    link = f"/reports/{rid}/page/{page_no}?cell={cell}"
    assert f'href="{link}"' in admin.get(f"/reports/{rid}").text
    view = admin.get(link)
    assert view.status_code == 200
    pages = len(pdfium.PdfDocument((CORPUS / label("p001")["raw"]).read_bytes()))
    assert f"原件第 {page_no} / {pages} 页" in view.text
    assert f'src="/reports/{rid}/page/{page_no}.png"' in view.text
    assert f"原文：<code>{raw}</code>" in view.text and "行政复议·总计" in view.text
    data = admin.get(f"/reports/{rid}/page/{page_no}.json", params={"cell": cell}).json()
    assert data["cell"]["raw"] == raw and data["pages"] == pages
    assert admin.get(f"/reports/{rid}/page/{pages + 1}").status_code == 404
    text_case = report_id(web_store, "s004")
    assert admin.get(f"/reports/{text_case}/page/1").status_code == 404  # not a PDF


def test_the_png_is_the_right_page(admin: TestClient, web_store: Store) -> None:
    rid = report_id(web_store, "p001")
    answer = admin.get(f"/reports/{rid}/page/2.png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    assert "max-age" in answer.headers["cache-control"] and answer.headers["etag"]
    got = Image.open(io.BytesIO(answer.content))
    doc = pdfium.PdfDocument((CORPUS / label("p001")["raw"]).read_bytes())
    want = doc[1].render(scale=DEFAULT_SCALE).to_pil()
    assert got.size == want.size
    assert got.convert("RGB").tobytes() == want.convert("RGB").tobytes()
    other = Image.open(io.BytesIO(admin.get(f"/reports/{rid}/page/1.png").content))
    assert other.convert("RGB").tobytes() != got.convert("RGB").tobytes()
    again = admin.get(
        f"/reports/{rid}/page/2.png", headers={"If-None-Match": answer.headers["etag"]}
    )
    assert again.status_code == 304 and not again.content
    huge = Image.open(io.BytesIO(admin.get(f"/reports/{rid}/page/2.png?scale=50").content))
    assert max(huge.size) <= 3000  # the scale is bounded
    for odd in ("nan", "inf", "-1", "x"):  # never an error: the default scale
        assert admin.get(f"/reports/{rid}/page/2.png?scale={odd}").status_code == 200, odd
    assert admin.get(f"/reports/{rid}/page/{len(doc) + 1}.png").status_code == 404
    assert admin.get(f"/reports/{rid}/page/0.png").status_code == 404


def test_the_original_file_downloads_as_stored(admin: TestClient, web_store: Store) -> None:
    for case, media in (("p001", "application/pdf"), ("d001", "text/html")):
        answer = admin.get(f"/reports/{report_id(web_store, case)}/file")
        raw = CORPUS / label(case)["raw"]
        assert answer.status_code == 200 and answer.content == raw.read_bytes()
        assert answer.headers["content-type"].startswith(media)
        disposition = answer.headers["content-disposition"]
        assert disposition.startswith("attachment;")  # never inline, HTML above all
        assert f"filename*=UTF-8''{raw.name}" in disposition
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in answer.headers["content-security-policy"]


def test_last_year_versions_and_sections(admin: TestClient, web_store: Store) -> None:
    p001, p002 = report_id(web_store, "p001"), report_id(web_store, "p002")
    data = admin.get(f"/reports/{p002}.json").json()
    assert data["previous_id"] == p001
    before = labelled_cells("p001")
    assert data["cells"]["requests.new.total"]["previous"] == before["requests.new.total"]
    html = admin.get(f"/reports/{p002}").text
    assert f'<a href="/reports/{p001}">2023年度报告</a>' in html
    s000 = admin.get(f"/reports/{report_id(web_store, 's000')}.json").json()
    versions = s000["versions"]
    assert [v["file"] for v in versions] == ["g001.txt", "s000.txt"]
    assert [v["current"] for v in versions] == [False, True]
    s004 = admin.get(f"/reports/{report_id(web_store, 's004')}")
    assert "五、存在的主要问题及改进情况" in s004.text and "取得了一定成绩" in s004.text
    cells = list(csv.reader(io.StringIO(admin.get(f"/reports/{p002}.csv").text.lstrip("\ufeff"))))
    assert len(cells) - 2 == len(data["cells"])


def test_dismiss_reopen_and_fix_are_audited(app: Starlette, web_store: Store) -> None:
    rid = report_id(web_store, "p001")
    client = login(app, "hongze")  # an agency user acts on its own body's findings
    first = next(f for f in list_findings(web_store, report=rid, severity="error"))
    url = f"/findings/{first['id']}"
    refused = client.post(
        url, data={"status": "dismissed", "reason": " ", "csrf_token": client.csrf}
    )
    assert refused.status_code == 400 and "忽略一条检查结果时必须说明理由" in refused.text
    assert client.post(url, data={"status": "dismissed", "reason": "原文如此"}).status_code == 403
    done = client.post(
        url, data={"status": "dismissed", "reason": "原文如此", "csrf_token": client.csrf}
    )
    assert (
        done.status_code == 303
        and done.headers["location"] == f"/reports/{rid}#finding-{first['id']}"
    )
    after = {f["id"]: f for f in list_findings(web_store, report=rid)}[first["id"]]
    assert (after["status"], after["reason"]) == ("dismissed", "原文如此")
    shown = shown_cells(client.get(f"/reports/{rid}").text)
    cells = [n for n, (_, cls, _) in shown.items() if n.startswith("review_litigation.review_")]
    assert cells and all("finding-error" not in shown[n][1] for n in cells)  # highlight gone
    letter = client.get(f"/reports/{rid}/letter.json").json()
    assert first["id"] not in {p["finding_id"] for p in letter["errors"]}
    fragment = client.post(
        url, data={"status": "open", "csrf_token": client.csrf}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith(
        '<section id="findings">'
    )
    assert "finding-error" in shown_cells(client.get(f"/reports/{rid}").text)[cells[0]][1]
    fixed = client.post(url, data={"status": "fixed", "csrf_token": client.csrf})
    assert fixed.status_code == 303
    with web_store.begin() as conn:
        a = schema.audit.c
        trail = conn.execute(
            select(a.actor, a.action, a.reason)
            .where(a.target == f"finding:{first['id']}")
            .order_by(a.id)
        ).all()
    assert [tuple(t) for t in trail] == [
        ("hongze", "finding.dismissed", "原文如此"),
        ("hongze", "finding.open", None),
        ("hongze", "finding.fixed", None),
    ]
    client.post(url, data={"status": "open", "csrf_token": client.csrf})  # as it was
    viewer = login(app, "viewer")
    assert viewer.post(url, data={"status": "fixed", "csrf_token": viewer.csrf}).status_code == 403
    beijing = login(app, "beijing")
    assert (
        beijing.post(url, data={"status": "fixed", "csrf_token": beijing.csrf}).status_code == 404
    )


def test_the_letter_lists_exactly_the_open_errors(app: Starlette, web_store: Store) -> None:
    rid = report_id(web_store, "p001")
    client = login(app, "jiangsu")
    letter = client.get(f"/reports/{rid}/letter.json", params={"date": "2025-03-01"}).json()
    errors = [f for f in list_findings(web_store, report=rid, severity="error", status="open")]
    warnings = list_findings(web_store, report=rid, severity="warning", status="open")
    assert [p["finding_id"] for p in letter["errors"]] == [f["id"] for f in errors]
    assert [p["finding_id"] for p in letter["warnings"]] == [f["id"] for f in warnings]
    assert letter["addressee"] == "洪泽区人民政府" and letter["office"] == "江苏省人民政府"
    assert letter["issued"] == "2025-03-01" and "15 个工作日" in letter["deadline"]
    page = client.get(f"/reports/{rid}/letter", params={"date": "2025-03-01"}).text
    for f in errors:
        assert f["message"] in page and f["location"] in page
    assert "data-print" in page and "2025年3月1日" in page
    assert "《洪泽区人民政府2023年政府信息公开工作年度报告》" in page
    table = list(csv.reader(io.StringIO(client.get(f"/reports/{rid}/letter.csv").text)))
    assert len(table) - 2 == len(errors) + len(warnings)
    assert client.get(f"/reports/{rid}/letter", params={"date": "明天"}).status_code == 400


def test_scope_hides_other_regions_and_bodies(app: Starlette, web_store: Store) -> None:
    beijing_report = report_id(web_store, "s003")  # 西城区政府办公室, 北京市/西城区
    p001, p003 = report_id(web_store, "p001"), report_id(web_store, "p003")
    jiangsu = login(app, "jiangsu")
    for path in ("", ".json", "/file", "/letter", "/page/1", "/page/1.png"):
        assert jiangsu.get(f"/reports/{beijing_report}{path}").status_code == 404, path
    assert jiangsu.get(f"/reports/{p001}").status_code == 200
    hongze = login(app, "hongze")
    assert hongze.get(f"/reports/{p001}").status_code == 200
    assert hongze.get(f"/reports/{p001}/page/1.png").status_code == 200
    for other in (p003, beijing_report, report_id(web_store, "r003")):
        assert hongze.get(f"/reports/{other}").status_code == 404
        assert hongze.get(f"/reports/{other}.json").json() == {"error": "没有找到，或您无权查看"}
    assert login(app, "beijing").get(f"/reports/{beijing_report}").status_code == 200
    assert jiangsu.get("/reports/999999").status_code == 404
    anonymous = TestClient(app, follow_redirects=False)
    assert anonymous.get(f"/reports/{p001}/file").status_code == 303  # to the login page
