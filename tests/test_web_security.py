"""The web app's defences, over every route the app has (a new page is covered by adding it):
report text is inert everywhere (HTML escaped, JSON as data, CSV neutralised), every POST
needs its CSRF token, supervisors and agency users see nothing outside their scope, and the
security headers are on every answer."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient
from web_util import RAW, build, database, login

from gongkai import api
from gongkai.store import Store, import_files, schema
from gongkai.web import create_app

# What a hostile report carries: script, HTML with handlers, a template expression, a formula.
SCRIPT = "<script>alert(1)</script>"
HANDLER = "<img src=x onerror=alert(2)>"
FORMULA = '=HYPERLINK("http://evil.example")'
TEMPLATE = "{{ 7*7 }}{% if 1 %}模板{% endif %}"
AGENCY = f"{FORMULA}{SCRIPT}{HANDLER}文登区人力资源和社会保障局"
# Live markup would start with an unescaped "<" (names are stored with their spaces folded).
RAW_PAYLOADS = ("<script>alert", "<img src=x", "<imgsrc")


def hostile_report(folder: Path) -> Path:
    """A real report (s001) as report JSON, its body name and sections replaced by payloads."""
    data = api.read(RAW / "s001.txt").to_dict()
    data["agency"] = AGENCY
    for section in data["sections"].values():
        section["text"] = f"{SCRIPT}{HANDLER}{TEMPLATE}\n{FORMULA}\n" + section["text"]
        section["title"] = f"{SCRIPT}{section['title']}"
    path = folder / "hostile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("security")
    url, drop = database(request, folder)
    opened = build(url, folder)
    assert import_files(opened, [str(hostile_report(folder))]).stored == 1
    try:
        yield opened
    finally:
        opened.close()
        if callable(drop):
            drop(url)


@pytest.fixture(scope="module")
def web(store: Store) -> Starlette:
    return create_app(store)


def ids(store: Store, agency: str) -> dict[str, int]:
    """The ids a route's path parameters need, for the current report of ``agency``."""
    r, f = schema.reports.c, schema.findings.c
    with store.begin() as conn:
        report, body = conn.execute(
            select(r.id, r.body_id).where(r.agency == agency, r.current.is_(True))
        ).first() or (None, None)
        finding = conn.execute(select(f.id).where(f.report_id == report)).scalar()
        user = conn.execute(select(schema.users.c.id).order_by(schema.users.c.id)).scalar()
    assert report is not None, agency
    return {"report": report, "body": body or 0, "finding": finding or 0, "user": user or 0}


# Which object a route's integer parameter names, by the route's first path segment.
OBJECT = {
    "reports": "report",
    "bodies": "body",
    "findings": "finding",
    "admin": "user",
    "ledger": "report",  # any id: this store's ledger is empty, the page answers 404
}


def urls(app: Starlette, method: str, known: dict[str, int]) -> Iterator[str]:
    """Every route of ``method`` with its parameters filled in (``.json`` twins too)."""
    for route in app.routes:
        if not isinstance(route, Route) or method not in (route.methods or set()):
            continue
        path = route.path
        if "{job" in path:  # upload jobs belong to their owner: tested in test_web_upload
            continue
        kind = OBJECT.get(path.strip("/").split("/")[0])
        for name in route.param_convertors:
            kind_of = conv_name(route, name)
            pattern = "{" + name + ":" + kind_of + "}"
            if kind_of == "fmt":
                path = path.replace(pattern, "")
            elif kind_of == "int":
                assert kind is not None, f"unknown object for {route.path}"
                path = path.replace(pattern, str(1 if name == "n" else known[kind]))
            else:
                raise AssertionError(f"a route parameter this test does not know: {route.path}")
        yield path
        if method == "GET" and "{fmt:fmt}" in route.path:
            yield path + ".json"


def conv_name(route: Route, name: str) -> str:
    return re.search(r"\{" + name + r":(\w+)\}", route.path).group(1)  # type: ignore[union-attr]


def test_report_text_is_inert_on_every_page(web: Starlette, store: Store) -> None:
    admin = login(web, "admin")
    known = ids(store, AGENCY)
    visited = 0
    for url in urls(web, "GET", known):
        answer = admin.get(url, params={"year": 2021})
        assert answer.status_code < 500, (url, answer.text[:300])
        if url.endswith(".json"):
            json.loads(answer.text)  # data, whatever it holds
            continue
        if answer.headers.get("content-disposition", "").startswith("attachment"):
            # The original as stored (its bytes are the evidence): a download, never a page.
            assert "sandbox" in answer.headers["content-security-policy"], url
            assert answer.headers["x-content-type-options"] == "nosniff"
            continue
        if not answer.headers.get("content-type", "").startswith("text/html"):
            continue  # a PNG of a page
        body = answer.text
        for raw in RAW_PAYLOADS:
            assert raw not in body, f"{url} shows {raw!r} unescaped"
        visited += 1
    assert visited >= 2
    report = admin.get(f"/reports/{known['report']}")
    if report.status_code == 200:  # the report page: the payloads are shown, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report.text
        assert "{{ 7*7 }}" in report.text  # never evaluated as a template


def test_the_body_name_is_escaped_where_it_is_listed(web: Starlette, store: Store) -> None:
    admin = login(web, "admin")
    with store.begin() as conn:
        name = conn.execute(
            select(schema.bodies.c.name).where(schema.bodies.c.name.contains("<script>"))
        ).scalar_one()
    page = admin.get("/overview", params={"year": 2021})
    assert str(escape(name)) in page.text  # shown, as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and SCRIPT not in page.text


def test_csv_downloads_neutralise_formulas(web: Starlette, store: Store) -> None:
    admin = login(web, "admin")
    checked = 0
    for url in urls(web, "GET", ids(store, AGENCY)):
        if url.endswith(".json"):
            answer = admin.get(url[: -len(".json")] + ".csv", params={"year": 2021})
            if answer.status_code != 200:
                continue
            for row in csv.reader(io.StringIO(answer.text.lstrip("\ufeff"))):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@")), (url, cell)
            checked += 1
    assert checked >= 1


def test_every_post_without_its_csrf_token_is_refused(web: Starlette, store: Store) -> None:
    admin = login(web, "admin")
    posts = list(urls(web, "POST", ids(store, AGENCY)))
    assert "/logout" in posts and "/login" in posts
    for url in posts:
        answer = admin.post(url, data={"status": "dismissed", "reason": "x", "name": "x"})
        assert answer.status_code == 403, (url, answer.status_code)
        assert "安全令牌" in answer.text
        wrong = admin.post(url, data={"csrf_token": "forged", "reason": "x"})
        assert wrong.status_code == 403, url
    # Nothing changed: the findings are all still open.
    with store.begin() as conn:
        statuses = set(conn.execute(select(schema.findings.c.status)).scalars())
    assert statuses == {"open"}


def test_a_supervisor_sees_nothing_of_another_region(web: Starlette, store: Store) -> None:
    jiangsu = login(web, "jiangsu")
    beijing = ids(store, "北京市西城区人力资源和社会保障局")
    for url in urls(web, "GET", beijing):
        if any(url.startswith(p) for p in ("/reports/", "/bodies/", "/findings/")):
            answer = jiangsu.get(url)
            assert answer.status_code == 404, url
    listing = jiangsu.get("/overview.json", params={"year": 2021}).json()
    assert listing["reports"] == []


def test_an_agency_user_sees_nothing_of_another_body(web: Starlette, store: Store) -> None:
    hongze = login(web, "hongze")
    other = ids(store, "淮安市人民政府")
    for url in urls(web, "GET", other):
        if any(url.startswith(p) for p in ("/reports/", "/bodies/", "/findings/")):
            assert hongze.get(url).status_code == 404, url
    own = ids(store, "淮安市洪泽区人民政府")
    assert hongze.get(f"/reports/{own['report']}.json").status_code in (200, 404)


def test_security_headers_are_on_every_answer(web: Starlette) -> None:
    anonymous = TestClient(web, follow_redirects=False)
    for url in ("/login", "/overview", "/static/app.css", "/nowhere"):
        headers = anonymous.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_session_cookie_is_http_only_and_strict(web: Starlette) -> None:
    client = TestClient(web, follow_redirects=False)
    client.get("/login")
    cookie = client.get("/login").headers.get("set-cookie", "") or ""
    login_page = TestClient(web, follow_redirects=False)
    answer = login_page.get("/login")
    header = answer.headers.get("set-cookie", "") + cookie
    assert "httponly" in header.lower() and "samesite=strict" in header.lower()


def test_login_refuses_wrong_passwords_and_open_redirects(web: Starlette) -> None:
    client = TestClient(web, follow_redirects=False)
    from web_util import PASSWORD, csrf_of

    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"name": "admin", "password": "x" * 12, "csrf_token": token})
    assert wrong.status_code == 400 and "用户名或密码不正确" in wrong.text
    unknown = client.post(
        "/login", data={"name": "nobody", "password": PASSWORD, "csrf_token": token}
    )
    assert unknown.status_code == 400 and "用户名或密码不正确" in unknown.text
    away = client.post(
        "/login",
        data={
            "name": "admin",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
    )
    assert away.status_code == 303 and away.headers["location"] == "/"


# Parameters people (and scanners) send that the pages must answer with a message, not a crash.
ODD = (
    {"year": "99999"},
    {"year": "abc"},
    {"page": "-5", "per_page": "100000"},
    {"sort": "zz", "dir": "sideways"},
    {"region": "%", "body": "%_", "q": "'--"},
    {"text": "\"'*:() OR NEAR"},
    {"as_of": "2026-13-40", "date": "bad", "due": "-3"},
    {"figure": "nope", "cell": "x", "scale": "nan"},
)


def test_odd_parameters_never_crash_a_page(web: Starlette, store: Store) -> None:
    admin = login(web, "admin")
    for url in urls(web, "GET", ids(store, AGENCY)):
        for params in ODD:
            answer = admin.get(url, params=params)  # a server error would raise here
            assert answer.status_code < 500, (url, params)
