"""The web app's test setup: the real corpus and a roster imported into a real database, users
of every role, and logged-in ASGI test clients (Starlette's TestClient, in process)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus_util import LOCAL_CORPUS, SHARED_CORPUS
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gongkai.store import Store, import_files, open_store
from gongkai.store.roster import import_roster
from gongkai.store.users import add_user
from gongkai.web import create_app

CORPUS = SHARED_CORPUS if (SHARED_CORPUS / "raw").is_dir() else LOCAL_CORPUS
RAW = CORPUS / "raw"
ROSTER = """\ufeffbody,parent,level,region,year
淮安市人民政府,,市级,江苏省/淮安市,2024
洪泽区人民政府,淮安市人民政府,区,江苏省/淮安市/洪泽区,2024
淮安市教育局,淮安市人民政府,部门,江苏省/淮安市,2024
沭阳县发展和改革局,,部门,江苏省/宿迁市/沭阳县,2023
北京市西城区人力资源和社会保障局,北京市西城区人民政府,部门,北京市/西城区,2021
西城区政府办公室,北京市西城区人民政府,部门,北京市/西城区,2021
北京市西城区人民政府,,县,北京市/西城区,2021
"""
PASSWORD = "ceshi-mima-2026"
# name: (role, region, body)
USERS = {
    "admin": ("admin", None, None),
    "jiangsu": ("supervisor", "江苏省", None),
    "beijing": ("supervisor", "北京市", None),
    "hongze": ("agency", None, "洪泽区人民政府"),
    "viewer": ("viewer", None, None),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def build(url: str, folder: Path, sources: list[str] | None = None) -> Store:
    """A store with the corpus (or ``sources``), the roster and one user of every role."""
    store = open_store(url)
    imported = import_files(store, sources or [str(RAW)])
    assert imported.ok, imported.failed
    roster = folder / "名册.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    assert import_roster(store, roster).ok
    for name, (role, region, body) in USERS.items():
        add_user(store, name, PASSWORD, role, region=region, body=body)
    return store


def database(request: pytest.FixtureRequest, folder: Path) -> tuple[str, object]:
    """A fresh database URL for the fixture's param, and how to drop it."""
    if request.param == "sqlite":
        return f"sqlite:///{folder / 'gongkai.db'}", None
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.fresh_database(), cluster.drop_database


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(app: Starlette, name: str) -> TestClient:
    """A client logged in as ``name`` (its ``csrf`` attribute holds the session's token)."""
    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login", data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/"}
    )
    assert answer.status_code == 303, answer.text
    client.csrf = csrf_of(client.get("/overview").text)  # type: ignore[attr-defined]
    return client


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The corpus, the roster and the users, imported once per database for a whole module."""
    folder = tmp_path_factory.mktemp("web")
    url, drop = database(request, folder)
    store = build(url, folder)
    try:
        yield store
    finally:
        store.close()
        if callable(drop):
            drop(url)


@pytest.fixture(scope="module")
def app(web_store: Store) -> Starlette:
    return create_app(web_store)


@pytest.fixture(scope="module")
def admin(app: Starlette) -> TestClient:
    return login(app, "admin")
