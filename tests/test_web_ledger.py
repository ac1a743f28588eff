"""台账 in the web app (SQLite and PostgreSQL): the list and its 即将到期 / 已逾期 views equal to
the library's, a request's timeline, steps added through the clock (a reply before receipt is
refused, nothing stored), the fee pause, the entry form, the annual tables whose every cell links
to exactly the requests behind it, the Excel workbook both ways, and who sees what: applicants'
names and contacts only for the agency's own users, other regions' ledgers not at all."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs

import pytest
from ledger_gen import generate
from openpyxl import load_workbook
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from web_util import login

from gongkai.authoring.read import MAP_SHEET
from gongkai.ledger import (
    Calendar,
    Case,
    LedgerEvent,
    NewRequest,
    add_case,
    annual_tables,
    explain,
    get_request,
    import_requests,
    list_requests,
)
from gongkai.ledger.workbook import REQUESTS_SHEET
from gongkai.store import Store
from gongkai.store.audit import list_audit
from gongkai.web.views import ledger, ledger_book

HONGZE, OTHER = "洪泽区人民政府", "淮安市教育局"
AS_OF = "2026-12-04"  # the lists are read as of this day (everything below happened before it)
NAME, CONTACT = "张晓明", "13912345678"
CAL = Calendar.packaged()


def d(text: str) -> date:
    return date.fromisoformat(text)


def person(ref: str, received: str, *events: LedgerEvent) -> NewRequest:
    return NewRequest(
        ref,
        "in_person",
        d(received),
        "natural_person",
        submitted_at=datetime.fromisoformat(f"{received}T09:30"),
        applicant_name=NAME,
        applicant_contact=CONTACT,
        content="申请公开某项目的批复文件",
        events=events,
    )


@pytest.fixture(scope="module")
def ids(web_store: Store) -> dict[str, int]:
    """A generated ledger for 洪泽区 plus requests whose states are known on AS_OF."""
    mine = [
        person("T-OVERDUE", "2026-10-19"),  # due 2026-11-16
        person("T-SOON", "2026-11-09"),  # due 2026-12-07: one working day left
        person(
            "T-CORR",
            "2026-03-02",
            LedgerEvent("correction_notice", d("2026-03-04")),
            LedgerEvent("correction_received", d("2026-03-16")),
            LedgerEvent("reply", d("2026-04-01"), outcome="granted"),
        ),
    ]
    generated = generate(30, seed=7, first=d("2025-01-01"), last=d("2026-10-31"), until=d(AS_OF))
    done = import_requests(web_store, HONGZE, [*mine, *generated])
    other = import_requests(web_store, OTHER, [person("J-1", "2026-11-02")])
    found = dict(zip(["T-OVERDUE", "T-SOON", "T-CORR"], done.added, strict=False))
    return {**found, "J-1": other.added[0], "hongze": done.body_id}


@pytest.fixture(scope="module")
def hongze(app: Starlette, ids: dict[str, int]) -> TestClient:
    return login(app, "hongze")


@pytest.fixture(scope="module")
def jiangsu(app: Starlette, ids: dict[str, int]) -> TestClient:
    return login(app, "jiangsu")


def got(client: TestClient, url: str, status: int = 200, **params: Any) -> Any:
    answer = client.get(url, params=params)
    assert answer.status_code == status, answer.text
    return answer.json() if ".json" in url else answer


def listed(client: TestClient, **params: Any) -> list[int]:
    data = got(client, "/ledger.json", as_of=AS_OF, per_page=1000, **params)
    assert data["total"] == len(data["rows"])
    return [r["id"] for r in data["rows"]]


# -- the list -------------------------------------------------------------------------------


def test_list_views_equal_the_library(
    hongze: TestClient, jiangsu: TestClient, web_store: Store, ids: dict[str, int]
) -> None:
    def library(**kw: Any) -> list[int]:
        found = list_requests(web_store, body=HONGZE, as_of=d(AS_OF), **kw)
        return [r.id for r in found]

    overdue, soon = listed(hongze, overdue=1), listed(hongze, due=5)
    assert overdue == library(overdue=True) and ids["T-OVERDUE"] in overdue
    assert soon == library(due_within=5) and ids["T-SOON"] in soon
    assert ids["T-SOON"] not in overdue and set(overdue) <= set(soon)
    assert listed(hongze) == library() and len(library()) == 33
    assert listed(hongze, year=2025) == library(year=2025)
    assert listed(hongze, state="已答复") == library(state="已答复")
    # A supervisor sees both bodies of 淮安市 and may narrow to one.
    assert set(listed(jiangsu)) == {*library(), ids["J-1"]}
    assert listed(jiangsu, body=HONGZE, overdue=1) == overdue
    row = next(r for r in got(hongze, "/ledger.json", as_of=AS_OF)["rows"] if r["ref"] == "T-SOON")
    assert (row["state"], row["due"], row["days_left"]) == ("即将到期", "2026-12-07", 1)
    assert row["applicant_label"] == "自然人" and row["received"] == "2026-11-09"
    page = got(hongze, "/ledger", as_of=AS_OF, overdue=1).text
    assert f'href="/ledger/{ids["T-OVERDUE"]}">T-OVERDUE</a>' in page and "已逾期" in page


def test_list_csv_is_the_filtered_list_without_personal_data(hongze: TestClient) -> None:
    answer = got(hongze, "/ledger.csv", as_of=AS_OF, due=5)
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "body", "ref"] and rows[1][2] == "申请编号"
    assert [int(r[0]) for r in rows[2:]] == listed(hongze, due=5)
    assert NAME not in answer.text and CONTACT not in answer.text


# -- who sees what --------------------------------------------------------------------------


def test_personal_data_only_for_the_agency_itself(
    app: Starlette, hongze: TestClient, jiangsu: TestClient, ids: dict[str, int]
) -> None:
    rid = ids["T-SOON"]
    mine = got(hongze, f"/ledger/{rid}.json")["record"]
    assert (mine["applicant_name"], mine["applicant_contact"]) == (NAME, CONTACT)
    assert NAME in got(hongze, "/ledger", as_of=AS_OF).text
    assert any(r.get("applicant_name") == NAME for r in got(hongze, "/ledger.json")["rows"])
    viewer, admin = login(app, "viewer"), login(app, "admin")
    for client in (jiangsu, viewer, admin):
        for url in (f"/ledger/{rid}", f"/ledger/{rid}.json", "/ledger", "/ledger.json"):
            answer = client.get(url, params={"as_of": AS_OF})
            assert answer.status_code == 200, url
            text = answer.text
            assert NAME not in text and CONTACT not in text, url
        assert "applicant_name" not in got(client, f"/ledger/{rid}.json")["record"]
        assert not cells_with(got(client, "/ledger/export.xlsx", personal=1).content, NAME)
    assert cells_with(got(hongze, "/ledger/export.xlsx", personal=1).content, NAME)
    assert not cells_with(got(hongze, "/ledger/export.xlsx").content, NAME)


def cells_with(data: bytes, text: str) -> int:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[REQUESTS_SHEET]
    return sum(1 for row in ws.iter_rows(values_only=True) for v in row if v == text)


def test_scope(
    app: Starlette, hongze: TestClient, jiangsu: TestClient, ids: dict[str, int]
) -> None:
    beijing = login(app, "beijing")
    for url in (f"/ledger/{ids['T-SOON']}", f"/ledger/{ids['T-SOON']}.json"):
        got(beijing, url, 404)
    assert listed(beijing) == []
    got(beijing, "/ledger", 404, body=HONGZE)
    got(beijing, "/ledger/tables.json", 404, body=HONGZE, year=2025)
    got(beijing, "/ledger/explain.json", 404, body=HONGZE, year=2025, cell="requests.new.total")
    got(hongze, f"/ledger/{ids['J-1']}.json", 404)  # another body of the same city
    assert got(jiangsu, f"/ledger/{ids['J-1']}.json")["body"] == OTHER
    got(hongze, "/ledger/999999.json", 404)
    # An agency user's own body, whatever body it names.
    assert listed(hongze, body=OTHER) == listed(hongze)


# -- one request ----------------------------------------------------------------------------


def test_timeline_explains_the_correction_restart(hongze: TestClient, ids: dict[str, int]) -> None:
    due = CAL.working_days_after(d("2026-03-16"), 20).due
    restart = f"收到补正，期限重新计算：第 0 日 2026-03-16，届满 {due}"
    data = got(hongze, f"/ledger/{ids['T-CORR']}.json")
    assert any(t["text"].startswith(restart) for t in data["timeline"])
    assert data["clock"]["state"] == "已答复" and data["clock"]["late"] is False
    assert [e["kind"] for e in data["events"]] == [
        "correction_notice",
        "correction_received",
        "reply",
    ]
    assert data["events"][2]["outcome_label"] == "（一）予以公开"
    page = got(hongze, f"/ledger/{ids['T-CORR']}").text
    assert restart in html.unescape(page) and 'id="add-event"' not in page  # answered: no forms


def test_a_reply_before_receipt_is_refused_and_nothing_stored(
    hongze: TestClient, web_store: Store, ids: dict[str, int]
) -> None:
    rid = ids["T-SOON"]
    page = got(hongze, f"/ledger/{rid}").text
    assert 'id="add-event"' in page and "（三）不予公开·1.属于国家秘密" in page
    form = {"csrf_token": hongze.csrf, "kind": "reply", "day": "2026-11-01", "outcome": "granted"}  # type: ignore[attr-defined]
    answer = hongze.post(f"/ledger/{rid}/events", data=form)
    assert answer.status_code == 400
    assert "早于收到申请之日" in html.unescape(answer.text)
    assert get_request(web_store, rid).request.events == ()
    del form["csrf_token"]
    assert hongze.post(f"/ledger/{rid}/events", data=form).status_code == 403


def test_only_the_agency_and_admins_enter(
    app: Starlette, jiangsu: TestClient, ids: dict[str, int]
) -> None:
    form = {"csrf_token": jiangsu.csrf, "kind": "extension", "day": "2026-11-20", "approver": "王"}  # type: ignore[attr-defined]
    assert jiangsu.post(f"/ledger/{ids['T-SOON']}/events", data=form).status_code == 403
    assert jiangsu.get("/ledger/new").status_code == 403
    assert 'id="add-event"' not in got(jiangsu, f"/ledger/{ids['T-SOON']}").text
    viewer = login(app, "viewer")
    assert viewer.post("/ledger/new", data={"csrf_token": viewer.csrf}).status_code == 403  # type: ignore[attr-defined]


def test_entry_form_and_the_fee_pause(hongze: TestClient, web_store: Store) -> None:
    page = got(hongze, "/ledger/new").text
    assert "自然人" in page and "邮寄（需签收）" in page
    base = {"csrf_token": hongze.csrf, "ref": "W-FEE", "applicant_type": "natural_person"}  # type: ignore[attr-defined]
    bad = hongze.post("/ledger/new", data={**base, "channel": "online"})
    assert bad.status_code == 400 and "双方确认之日" in html.unescape(bad.text)
    assert hongze.post("/ledger/new", data={**base, "channel": "in_person"}).status_code == 400
    made = hongze.post(
        "/ledger/new",
        data={**base, "channel": "in_person", "submitted_at": "2026-09-14T10:00"}
        | {"applicant_name": "李四", "content": "某项目环评文件"},
    )
    assert made.status_code == 303
    rid = int(made.headers["location"].rsplit("/", 1)[1])
    assert get_request(web_store, rid, personal=True).request.applicant_name == "李四"
    plain = got(hongze, f"/ledger/{rid}.json")["clock"]["due"]
    assert plain == CAL.working_days_after(d("2026-09-14"), 20).due.isoformat()

    def step(kind: str, day: str, **extra: str) -> dict[str, Any]:
        form = {"csrf_token": hongze.csrf, "kind": kind, "day": day, **extra}  # type: ignore[attr-defined]
        assert hongze.post(f"/ledger/{rid}/events", data=form).status_code == 303
        data: dict[str, Any] = got(hongze, f"/ledger/{rid}.json")
        return data

    # Paid ten working days after the notice, across 中秋 and 国庆: due ten working days later.
    paid = CAL.working_days_after(d("2026-09-17"), 10).due
    assert paid.month == 10
    lapsed = step("fee_notice", "2026-09-17", amount="100")  # as of today: never paid
    assert lapsed["clock"]["state"] == "逾期未缴费"
    assert "（六）其他处理·2." in lapsed["timeline"][-1]["text"]
    waiting = got(hongze, f"/ledger/{rid}.json", as_of="2026-09-18")["clock"]
    assert (waiting["state"], waiting["due"], waiting["days_left"]) == ("暂停（待缴费）", None, 17)
    data = step("fee_paid", paid.isoformat())
    assert data["clock"]["due"] == CAL.working_days_after(d(plain), 10).due.isoformat()
    assert any(t["text"].startswith(f"申请人缴纳费用：{paid}，恢复计时") for t in data["timeline"])
    assert [e["label"] for e in data["events"]] == ["收费通知", "缴纳费用"]
    # Every step is in the audit trail under the clerk's name, the applicant's name is not.
    entries = list_audit(web_store, target=f"ledger:{rid}")
    assert [e.action for e in entries] == ["ledger.event.add", "ledger.event.add"]
    assert {e.actor for e in entries} == {"hongze"}
    assert entries[0].after["kind"] == "fee_paid"
    imports = list_audit(web_store, action="ledger.import")
    assert imports and "李四" not in json.dumps([e.after for e in imports], ensure_ascii=False)


# -- the annual tables ----------------------------------------------------------------------


EXPLAIN = re.compile(r'href="(/ledger/explain\?[^"]+)"')


def test_every_cell_links_to_exactly_its_requests(
    hongze: TestClient, web_store: Store, ids: dict[str, int]
) -> None:
    tables = annual_tables(web_store, HONGZE, 2025)
    data = got(hongze, "/ledger/tables.json", year=2025)
    assert data["cells"] == tables.cells and data["template"] == "2021"
    assert data["cells"]["requests.new.total"] > 0
    page = got(hongze, "/ledger/tables", year=2025).text
    links = [html.unescape(u) for u in EXPLAIN.findall(page)]
    linked = {parse_qs(u.split("?", 1)[1])["cell"][0] for u in links}
    assert linked == set(tables.cells) and len(links) == len(tables.cells)
    for cell, count in tables.cells.items():
        behind = got(hongze, "/ledger/explain.json", year=2025, body=ids["hongze"], cell=cell)
        expected = explain(web_store, HONGZE, 2025, cell)
        assert behind["count"] == count == expected.count, cell
        assert behind["request_ids"] == expected.request_ids
        assert behind["case_ids"] == expected.case_ids
    cell = "requests.new.natural_person"
    shown = got(hongze, "/ledger/explain", year=2025, cell=cell).text
    for rid in explain(web_store, HONGZE, 2025, cell).request_ids:
        assert f'href="/ledger/{rid}"' in shown
    got(hongze, "/ledger/explain.json", 400, year=2025, cell="requests.nothing.total")


def test_tables_csv_and_the_filled_workbook(
    hongze: TestClient, jiangsu: TestClient, web_store: Store
) -> None:
    tables = annual_tables(web_store, HONGZE, 2025)
    assert got(jiangsu, "/ledger/tables.json", body=HONGZE, year=2025)["cells"] == tables.cells
    assert "请填写单位名称" in got(jiangsu, "/ledger/tables").text
    text = got(hongze, "/ledger/tables.csv", year=2025).text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))[2:]
    assert {r[0]: int(r[2]) for r in rows} == tables.cells
    answer = got(hongze, "/ledger/tables.xlsx", year=2025)
    assert answer.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in answer.headers["content-security-policy"]
    wb = load_workbook(io.BytesIO(answer.content))
    filled = [
        wb[str(sheet)][str(ref)].value
        for name, sheet, ref, *_ in wb[MAP_SHEET].iter_rows(min_row=4, values_only=True)
        if name == "requests.new.natural_person"  # an input cell (totals are formulas)
    ]
    assert filled == [tables.cells["requests.new.natural_person"]]
    assert got(hongze, "/ledger/template.xlsx").content[:2] == b"PK"


# -- the workbook ---------------------------------------------------------------------------


def test_workbook_import_all_or_nothing(
    hongze: TestClient, web_store: Store, ids: dict[str, int]
) -> None:
    exported = got(hongze, "/ledger/export.xlsx").content  # without personal data
    before = len(list_requests(web_store, body=HONGZE))
    wb = load_workbook(io.BytesIO(exported))
    ws = wb[REQUESTS_SHEET]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[header.index("申请编号")].value == "T-SOON")
    row[header.index("答复日期")].value = datetime(2026, 11, 1)
    row[header.index("办理结果")].value = "（一）予以公开"
    buf = io.BytesIO()
    wb.save(buf)
    token = {"csrf_token": hongze.csrf}  # type: ignore[attr-defined]
    files = {"file": ("台账.xlsx", buf.getvalue())}
    bad = hongze.post("/ledger/workbook", data=token, files=files)
    assert bad.status_code == 400
    assert (
        "未导入任何申请" in bad.text
        and "（答复日期）：2026-11-01 早于收到申请日期 2026-11-09" in bad.text
    )
    assert get_request(web_store, ids["T-SOON"]).request.events == ()
    good = hongze.post("/ledger/workbook.json", data=token, files={"file": ("台账.xlsx", exported)})
    assert good.status_code == 200, good.text
    assert good.json()["added"] == [] and len(good.json()["updated"]) == before
    again = get_request(web_store, ids["T-SOON"], personal=True).request
    assert again.applicant_name == NAME  # an export without names does not erase them
    assert hongze.post("/ledger/workbook", files=files).status_code == 403
    assert "导入" in got(hongze, "/ledger/workbook").text


def test_every_ledger_route_answers_and_every_post_needs_its_token(
    app: Starlette, ids: dict[str, int]
) -> None:
    admin = login(app, "admin")
    for route in [*ledger.routes, *ledger_book.routes]:
        assert isinstance(route, Route)
        path = route.path.replace("{fmt:fmt}", "").replace("{id:int}", str(ids["T-SOON"]))
        if "GET" in (route.methods or set()):
            query = {"year": 2025, "body": HONGZE, "cell": "requests.new.total"}
            answer = admin.get(path, params=query)
            assert answer.status_code == 200, (path, answer.text[:300])
            if answer.headers.get("content-disposition", "").startswith("attachment"):
                assert "sandbox" in answer.headers["content-security-policy"], path
        else:
            answer = admin.post(path, data={"kind": "reply", "day": "2026-12-01"})
            assert answer.status_code == 403 and "安全令牌" in answer.text, path
            assert admin.post(path, data={"csrf_token": "forged"}).status_code == 403


def test_a_review_is_recorded_and_decided_and_counts_in_table_four(
    hongze: TestClient, jiangsu: TestClient, web_store: Store, ids: dict[str, int]
) -> None:
    rid, cell = ids["T-CORR"], "review_litigation.review_corrected"
    before = annual_tables(web_store, HONGZE, 2026).cells[cell]
    token = {"csrf_token": hongze.csrf}  # type: ignore[attr-defined]
    missing = hongze.post(f"/ledger/{rid}/cases", data={**token, "kind": "review"})
    assert missing.status_code == 400 and "请填写立案日期" in html.unescape(missing.text)
    new = {"kind": "review", "filed": "2026-05-11", "reference": "淮洪复〔2026〕8号"}
    assert hongze.post(f"/ledger/{rid}/cases", data={**token, **new}).status_code == 303
    case = got(hongze, f"/ledger/{rid}.json")["cases"][0]
    assert (case["kind"], case["reference"], case["outcome"]) == ("review", new["reference"], None)
    page = got(hongze, f"/ledger/{rid}").text
    assert "登记结果" in page and f'name="case_id" value="{case["id"]}"' in page
    decided = {"case_id": str(case["id"]), "outcome": "corrected", "decided": "2026-07-01"}
    assert hongze.post(f"/ledger/{rid}/cases", data={**token, **decided}).status_code == 303
    assert got(hongze, f"/ledger/{rid}.json")["cases"][0]["outcome"] == "corrected"
    assert annual_tables(web_store, HONGZE, 2026).cells[cell] == before + 1
    assert case["id"] in explain(web_store, HONGZE, 2026, cell).case_ids
    actions = [e.action for e in list_audit(web_store, target=f"ledger:{rid}")]
    assert actions[:2] == ["ledger.case.decide", "ledger.case.add"]
    # Another body's case cannot be decided through one's own request; supervisors read only.
    other = add_case(web_store, ids["J-1"], Case("review", d("2026-11-20")))
    sneaky = {**decided, "case_id": str(other)}
    assert hongze.post(f"/ledger/{rid}/cases", data={**token, **sneaky}).status_code == 404
    assert (
        jiangsu.post(
            f"/ledger/{rid}/cases",
            data={"csrf_token": jiangsu.csrf, **new},  # type: ignore[attr-defined]
        ).status_code
        == 403
    )
