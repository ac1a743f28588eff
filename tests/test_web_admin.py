"""管理 on the real corpus (SQLite and PostgreSQL): accounts added, changed, deactivated and
given new passwords (and what that does to logging in), roster import changing the overview's
expected count, the audit trail of every change, admins only, and CSRF on every form."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import PASSWORD, csrf_of, login

HUAIAN = "江苏省/淮安市"
ROSTER = """单位,上级,层级,地区
淮安市清江浦区人民政府,淮安市人民政府,县级,江苏省/淮安市/清江浦区
淮安市淮阴区人民政府,淮安市人民政府,区,江苏省/淮安市/淮阴区
淮安市财政局,淮安市人民政府,星球级,江苏省/淮安市
,淮安市人民政府,部门,江苏省/淮安市
"""


def try_login(app: Starlette, name: str, password: str) -> TestClient | None:
    """A client logged in as ``name``, or None when logging in is refused."""
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}
    )
    if answer.status_code != 303:
        assert answer.status_code == 400 and "用户名或密码不正确" in answer.text
        return None
    return client


def post(client: TestClient, url: str, **fields: Any) -> Any:
    return client.post(url, data={"csrf_token": client.csrf, **fields})  # type: ignore[attr-defined]


def users(admin: TestClient) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in admin.get("/admin.json").json()["users"]}


def test_admin_page_lists_users_and_the_audit_trail(admin: TestClient) -> None:
    data = admin.get("/admin.json").json()
    by_name = {u["name"]: u for u in data["users"]}
    assert {"admin", "jiangsu", "beijing", "hongze", "viewer"} <= set(by_name)
    assert by_name["jiangsu"]["role"] == "supervisor" and by_name["jiangsu"]["region"] == "江苏省"
    assert (
        by_name["hongze"]["body"] == "洪泽区人民政府"
        and by_name["hongze"]["role_label"] == "填报单位"
    )
    actions = [e["action"] for e in data["audit"]]
    assert actions.count("user.add") >= 5 and "roster.import" in actions
    assert data["audit"][0]["id"] > data["audit"][-1]["id"]  # newest first
    html = admin.get("/admin").text
    assert (
        "洪泽区人民政府" in html
        and "监督检查" in html
        and "添加用户" in html
        and "导入名册" in html
    )
    assert f'href="/admin/users/{by_name["jiangsu"]["id"]}"' in html


def test_add_a_user_who_then_logs_in(app: Starlette, admin: TestClient) -> None:
    answer = post(
        admin,
        "/admin/users",
        name="huaian-edu",
        password=PASSWORD,
        role="agency",
        body="淮安市教育局",
    )
    assert answer.status_code == 303
    made = users(admin)["huaian-edu"]
    assert answer.headers["location"] == f"/admin/users/{made['id']}?saved=1"
    assert made["role"] == "agency" and made["body"] == "淮安市教育局" and made["active"]
    client = login(app, "huaian-edu")
    assert "淮安市教育局" in client.get("/overview").text
    page = admin.get(f"/admin/users/{made['id']}.json").json()
    assert page["account"]["name"] == "huaian-edu"
    assert page["audit"][0]["action"] == "user.add" and page["audit"][0]["actor"] == "admin"
    # mistakes come back with their Chinese message and add nothing
    short = post(admin, "/admin/users", name="x1", password="short", role="viewer")
    assert short.status_code == 400 and "密码至少 8 个字符" in short.text
    taken = post(admin, "/admin/users", name="huaian-edu", password=PASSWORD, role="viewer")
    assert taken.status_code == 400 and "已被使用" in taken.text
    nobody = post(admin, "/admin/users", name="x2", password=PASSWORD, role="supervisor")
    assert nobody.status_code == 400 and "必须指定所辖地区" in nobody.text
    assert "x1" not in users(admin) and "x2" not in users(admin)


def test_change_role_and_region(app: Starlette, admin: TestClient) -> None:
    post(admin, "/admin/users", name="mover", password=PASSWORD, role="viewer")
    uid = users(admin)["mover"]["id"]
    answer = post(admin, f"/admin/users/{uid}", role="supervisor", region=HUAIAN, body="")
    assert answer.status_code == 303 and answer.headers["location"] == f"/admin/users/{uid}?saved=1"
    moved = users(admin)["mover"]
    assert (moved["role"], moved["region"]) == ("supervisor", HUAIAN)
    client = login(app, "mover")
    assert client.get("/overview.json", params={"region": "北京市"}).status_code == 404
    audit = admin.get("/admin.json", params={"target": f"user:{uid}"}).json()["audit"]
    change = audit[0]
    assert change["action"] == "user.update" and change["actor"] == "admin"
    assert change["before"]["role"] == "viewer" and change["after"]["role"] == "supervisor"
    assert change["after"]["region"] == HUAIAN
    html = admin.get(f"/admin/users/{uid}").text
    assert "已保存" not in html and "修改用户" in html and HUAIAN in html


def test_deactivate_and_activate(app: Starlette, admin: TestClient) -> None:
    post(admin, "/admin/users", name="leaver", password=PASSWORD, role="viewer")
    uid = users(admin)["leaver"]["id"]
    session = login(app, "leaver")
    assert post(admin, f"/admin/users/{uid}", active="0").status_code == 303
    assert users(admin)["leaver"]["active"] is False
    assert try_login(app, "leaver", PASSWORD) is None
    assert session.get("/overview").status_code == 303  # the open session ends too
    assert "已停用" in admin.get("/admin").text
    assert post(admin, f"/admin/users/{uid}", active="1").status_code == 303
    assert try_login(app, "leaver", PASSWORD) is not None
    audit = admin.get("/admin.json", params={"target": f"user:{uid}"}).json()["audit"]
    assert [e["after"].get("active") for e in audit[:2]] == [True, False]


def test_set_a_new_password(app: Starlette, admin: TestClient) -> None:
    post(admin, "/admin/users", name="forgetful", password=PASSWORD, role="viewer")
    uid = users(admin)["forgetful"]["id"]
    assert post(admin, f"/admin/users/{uid}", password="xin-mima-2026").status_code == 303
    assert try_login(app, "forgetful", PASSWORD) is None
    assert try_login(app, "forgetful", "xin-mima-2026") is not None
    audit = admin.get("/admin.json", params={"target": f"user:{uid}"}).json()["audit"]
    assert audit[0]["after"] == {"password": "（已更改）"}
    assert "xin-mima" not in admin.get("/admin.json").text  # never the password itself
    short = post(admin, f"/admin/users/{uid}", password="1234")
    assert short.status_code == 400 and "密码至少 8 个字符" in short.text


def test_an_admin_cannot_lock_themselves_out(admin: TestClient) -> None:
    me = users(admin)["admin"]["id"]
    answer = post(admin, f"/admin/users/{me}", active="0")
    assert answer.status_code == 400 and "不能停用自己的账户" in answer.text
    demote = post(admin, f"/admin/users/{me}", role="viewer", region="", body="")
    assert demote.status_code == 400
    assert users(admin)["admin"]["active"] and users(admin)["admin"]["role"] == "admin"


def test_roster_import_adds_bodies_and_changes_the_overview(admin: TestClient) -> None:
    before = admin.get("/overview.json", params={"region": HUAIAN, "year": 2024}).json()
    answer = admin.post(
        "/admin/roster",
        data={"csrf_token": admin.csrf, "year": "2024"},  # type: ignore[attr-defined]
        files=[("file", ("淮安名册.csv", ROSTER.encode("utf-8"), "text/csv"))],
    )
    assert answer.status_code == 200
    html = answer.text
    assert "淮安名册.csv" in html and "第4行" in html and "星球级" in html and "第5行" in html
    after = admin.get("/overview.json", params={"region": HUAIAN, "year": 2024}).json()
    assert after["expected"] == before["expected"] + 2
    missing = {m["body"] for m in after["missing"]}
    assert {"淮安市清江浦区人民政府", "淮安市淮阴区人民政府"} <= missing
    entry = admin.get("/admin.json", params={"action": "roster.import"}).json()["audit"][0]
    assert entry["actor"] == "admin" and entry["target"] == "roster:淮安名册.csv"
    assert entry["after"]["created"] == 2 and entry["after"]["problems"] == 2
    # The JSON face of the same import: nothing new the second time.
    again = admin.post(
        "/admin/roster.json",
        data={"csrf_token": admin.csrf, "year": "2024"},  # type: ignore[attr-defined]
        files=[("file", ("淮安名册.csv", ROSTER.encode("utf-8"), "text/csv"))],
    ).json()
    assert (again["rows"], again["created"], again["expected"]) == (2, 0, 0)
    assert len(again["problems"]) == 2 and again["problems"][0].startswith("第4行：")


def test_roster_mistakes_are_reported(admin: TestClient) -> None:
    wrong_type = admin.post(
        "/admin/roster",
        data={"csrf_token": admin.csrf},  # type: ignore[attr-defined]
        files=[("file", ("名册.pdf", b"%PDF-1.4", "application/pdf"))],
    )
    assert wrong_type.status_code == 400 and "应为 CSV 或 XLSX" in wrong_type.text
    bad_year = admin.post(
        "/admin/roster",
        data={"csrf_token": admin.csrf, "year": "明年"},  # type: ignore[attr-defined]
        files=[("file", ("名册.csv", ROSTER.encode("utf-8"), "text/csv"))],
    )
    assert bad_year.status_code == 400 and "不是有效的年份" in bad_year.text


def test_audit_filters(admin: TestClient) -> None:
    adds = admin.get("/admin.json", params={"action": "user.add", "limit": 3}).json()["audit"]
    assert len(adds) == 3 and {e["action"] for e in adds} == {"user.add"}
    family = admin.get("/admin.json", params={"action": "user"}).json()["audit"]
    assert {e["action"] for e in family} <= {"user.add", "user.update"}
    rosters = admin.get("/admin.json", params={"target": "roster"}).json()["audit"]
    assert rosters and all(e["target"].startswith("roster:") for e in rosters)
    html = admin.get("/admin", params={"action": "user.add"}).text
    assert "添加用户" in html and "导入名册</td>" not in html


@pytest.mark.parametrize("name", ["jiangsu", "hongze", "viewer"])
def test_only_admins(app: Starlette, name: str) -> None:
    client = login(app, name)
    assert client.get("/admin").status_code == 403
    assert client.get("/admin.json").status_code == 403
    assert client.get("/admin/users/1").status_code == 403
    assert (
        post(client, "/admin/users", name="sneaky", password=PASSWORD, role="admin").status_code
        == 403
    )
    assert post(client, "/admin/users/1", active="0").status_code == 403
    assert "管理</a>" not in client.get("/overview").text


def test_every_post_needs_the_csrf_token(admin: TestClient) -> None:
    uid = users(admin)["viewer"]["id"]
    for url, data in (
        ("/admin/users", {"name": "csrf-less", "password": PASSWORD, "role": "viewer"}),
        (f"/admin/users/{uid}", {"active": "0"}),
        ("/admin/roster", {"year": "2024"}),
    ):
        answer = admin.post(url, data=data)
        assert answer.status_code == 403 and "CSRF" in answer.text
    assert "csrf-less" not in users(admin) and users(admin)["viewer"]["active"]
    assert admin.get("/admin/users/99999").status_code == 404
