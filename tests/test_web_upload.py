"""上传 on the real corpus (SQLite and PostgreSQL): real reports uploaded, read, checked and
stored by a background job, duplicates and unreadable files reported per file, zip bundles,
limits refused before anything is stored, safe file names, an agency user limited to its own
body, and only the job's owner (or an admin) seeing it."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient
from web_util import CORPUS, RAW, build, database, login

from gongkai.store import Store, schema
from gongkai.store.users import add_user
from gongkai.web import create_app
from gongkai.web.app import Limits
from gongkai.web.jobs import jobs_of
from gongkai.web.views.upload import safe_name

# Left out of the store at first: these are the uploads.
UPLOADED = (
    "r001.txt",
    "r005.txt",
    "g002.txt",
    "s004.md",
    "r009.txt",
    "r003.txt",
    "s001.txt",
    "s002.txt",
)
NOT_A_REPORT = "这是一份会议通知，不是政府信息公开工作年度报告。\n请各单位于下周一前报送材料。\n"


def label(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (CORPUS / "labels" / f"{Path(name).stem}.json").read_text("utf-8")
    )
    return data


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("upload")
    url, drop = database(request, folder)
    kept = [str(p) for p in sorted(RAW.iterdir()) if p.name not in UPLOADED]
    made = build(url, folder, kept)
    add_user(made, "hebei", "ceshi-mima-2026", "agency", body="河北省教育厅")
    try:
        yield made
    finally:
        made.close()
        if callable(drop):
            drop(url)


@pytest.fixture(scope="module")
def app(store: Store) -> Starlette:
    return create_app(store)


@pytest.fixture(scope="module")
def admin(app: Starlette) -> TestClient:
    return login(app, "admin")


def files(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    """Corpus files as multipart parts (a name may be (name sent, corpus file))."""
    return [
        ("files", (n, (RAW / Path(n).name).read_bytes(), "application/octet-stream")) for n in names
    ]


def upload(client: TestClient, parts: list[Any]) -> dict[str, Any]:
    """Upload, follow to the job, wait for it and return the job's JSON."""
    answer = client.post("/upload", data={"csrf_token": client.csrf}, files=parts)  # type: ignore[attr-defined]
    assert answer.status_code == 303, answer.text
    url = answer.headers["location"]
    job = jobs_of(client.app).wait(url.rsplit("/", 1)[1], timeout=180)
    assert job is not None and job.finished
    data: dict[str, Any] = client.get(f"{url}.json").json()
    assert data["state"] == "done", data
    return data


def count_reports(store: Store) -> int:
    with store.begin() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.reports)).scalar_one())


def test_two_reports_are_read_checked_and_stored(admin: TestClient, store: Store) -> None:
    before = count_reports(store)
    parts = files("r005.txt", "../../r009.txt")  # a client name that climbs out of any folder
    data = upload(admin, parts)
    assert [f["name"] for f in data["files"]] == ["r005.txt", "../../r009.txt"]
    assert [f["status"] for f in data["files"]] == ["stored", "stored"]
    assert data["counts"] == {"stored": 2, "duplicate": 0, "failed": 0, "skipped": 0}
    assert count_reports(store) == before + 2
    r = schema.reports.c
    for f, name in zip(data["files"], ("r005.txt", "r009.txt"), strict=True):
        truth = label(name)
        assert (f["agency"], f["year"]) == (truth["agency"], truth["year"])
        with store.begin() as conn:
            row = conn.execute(
                select(r.agency, r.year, r.errors, r.warnings, r.path, schema.files.c.name)
                .join(schema.files, schema.files.c.sha256 == r.file_sha256)
                .where(r.id == f["report_id"])
            ).one()
        assert (row.agency, row.year) == (truth["agency"], truth["year"])
        # Recorded under the name its uploader gave, not the server's temporary path.
        assert row.path == f["name"] and "tmp" not in row.path
        assert row.name == Path(f["name"]).name
        assert (f["errors"], f["warnings"]) == (row.errors, row.warnings)
    page = admin.get(data["url"])
    assert page.status_code == 200
    for f in data["files"]:
        assert f'href="/reports/{f["report_id"]}"' in page.text
    assert "../../r009.txt" in page.text and "已读取并检查" in page.text
    assert 'hx-trigger="every 1s"' not in page.text  # finished: no more polling
    # The upload page lists the job among the user's recent uploads.
    listed = admin.get("/upload.json").json()
    assert data["id"] in [j["id"] for j in listed["jobs"]]
    # The same two files again: duplicates of the readings just stored, nothing new.
    again = upload(admin, files("r005.txt", "r009.txt"))
    assert [f["status"] for f in again["files"]] == ["duplicate", "duplicate"]
    assert [f["report_id"] for f in again["files"]] == [f["report_id"] for f in data["files"]]
    assert count_reports(store) == before + 2


def test_the_same_files_again_are_duplicates(admin: TestClient, store: Store) -> None:
    before = count_reports(store)
    r = schema.reports.c
    with store.begin() as conn:
        stored = conn.execute(
            select(r.id).where(r.agency == label("r002.txt")["agency"], r.year == 2019)
        ).scalar_one()
    data = upload(admin, files("r002.txt", "g001.txt"))  # both imported when the store was built
    assert [f["status"] for f in data["files"]] == ["duplicate", "duplicate"]
    assert data["files"][0]["report_id"] == stored
    assert count_reports(store) == before
    html = admin.get(data["url"]).text
    assert f'href="/reports/{stored}"' in html and "重复（已存储过）" in html


def test_a_zip_of_two_reports_gives_two_results(admin: TestClient, store: Store) -> None:
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        for name in ("g002.txt", "s004.md"):
            z.write(RAW / name, f"年报/{name}")
    before = count_reports(store)
    data = upload(admin, [("files", ("两份年报.zip", bundle.getvalue(), "application/zip"))])
    names = [f["name"] for f in data["files"]]
    assert names == ["两份年报.zip › 年报/g002.txt", "两份年报.zip › 年报/s004.md"]
    r = schema.reports.c
    with store.begin() as conn:
        paths = conn.execute(
            select(r.path).where(r.id.in_([f["report_id"] for f in data["files"]])).order_by(r.id)
        ).scalars()
        assert list(paths) == ["两份年报.zip!/年报/g002.txt", "两份年报.zip!/年报/s004.md"]
    assert [f["status"] for f in data["files"]] == ["stored", "stored"]
    assert [(f["agency"], f["year"]) for f in data["files"]] == [
        (label(n)["agency"], label(n)["year"]) for n in ("g002.txt", "s004.md")
    ]
    assert count_reports(store) == before + 2


def test_files_in_a_zip_that_are_not_reports_are_listed_as_skipped(admin: TestClient) -> None:
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as z:
        z.write(RAW / "r002.txt", "r002.txt")
        z.writestr("扫描件.png", b"\x89PNG\r\n\x1a\n")
    data = upload(admin, [("files", ("a.zip", bundle.getvalue(), "application/zip"))])
    status = {f["name"]: (f["status"], f["message"]) for f in data["files"]}
    assert status["a.zip › r002.txt"][0] == "duplicate"
    assert status["a.zip › 扫描件.png"] == ("skipped", "图片，不是报告文件")


def test_the_upload_form(app: Starlette, admin: TestClient) -> None:
    html = admin.get("/upload").text
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert 'type="file" name="files" multiple' in html and "单个文件不超过 50 MB" in html
    limits = admin.get("/upload.json").json()["limits"]
    assert limits["files"] == 50 and ".pdf" in limits["types"] and ".exe" not in limits["types"]
    assert "只能上传本单位（河北省教育厅）的报告" in login(app, "hebei").get("/upload").text


def test_unreadable_files_fail_with_their_reason_and_the_batch_goes_on(
    admin: TestClient, store: Store
) -> None:
    parts = [
        ("files", ("通知.txt", NOT_A_REPORT.encode(), "text/plain")),
        ("files", ("坏文件.pdf", b"%PDF-1.7\n\x00\x01 not really a pdf", "application/pdf")),
        *files("s002.txt"),
    ]
    data = upload(admin, parts)
    status = {f["name"]: f for f in data["files"]}
    assert status["通知.txt"]["status"] == "failed"
    assert "不是政府信息公开工作年度报告" in status["通知.txt"]["message"]
    assert status["坏文件.pdf"]["status"] == "failed" and status["坏文件.pdf"]["message"]
    assert "gongkai-upload" not in json.dumps(data, ensure_ascii=False)  # no server paths
    assert status["s002.txt"]["status"] == "stored"
    assert status["s002.txt"]["agency"] == label("s002.txt")["agency"]
    html = admin.get(data["url"]).text
    assert "不是政府信息公开工作年度报告" in html and "失败" in html


def test_limits_refuse_the_whole_upload_and_store_nothing(store: Store) -> None:
    small = create_app(store, limits=Limits(files=1, file_bytes=10_000, total_bytes=20_000))
    client = login(small, "admin")
    before = count_reports(store)
    token = {"csrf_token": client.csrf}  # type: ignore[attr-defined]
    too_many = client.post("/upload", data=token, files=files("r003.txt", "s001.txt"))
    assert too_many.status_code == 413
    assert "一次最多上传 1 个文件" in too_many.text
    too_big = client.post("/upload", data=token, files=files("s001.txt"))  # 13,650 bytes
    assert too_big.status_code == 413
    assert "s001.txt" in too_big.text and "超过单个文件的上限 9.77 KB" in too_big.text
    as_json = client.post("/upload.json", data=token, files=files("s001.txt"))
    assert as_json.status_code == 413 and "s001.txt" in as_json.json()["error"]
    exe = client.post(
        "/upload",
        data=token,
        files=[("files", ("setup.exe", b"MZ\x90\x00", "application/x-msdownload"))],
    )
    assert exe.status_code == 400 and "setup.exe" in exe.text and "类型不允许上传" in exe.text
    assert count_reports(store) == before
    assert jobs_of(small).jobs == {}  # no job was started


def test_the_total_is_limited_too(store: Store) -> None:
    small = create_app(store, limits=Limits(files=5, file_bytes=10_000, total_bytes=10_000))
    client = login(small, "admin")
    parts = files("r003.txt", "r003.txt", "r003.txt", "r003.txt")  # 4 × 3,012 bytes
    answer = client.post("/upload", data={"csrf_token": client.csrf}, files=parts)  # type: ignore[attr-defined]
    assert answer.status_code == 413 and "超过合计上限" in answer.text
    assert jobs_of(small).jobs == {}


def test_safe_names() -> None:
    taken: set[str] = set()
    assert safe_name("../../x.pdf", taken) == "x.pdf"
    assert safe_name("..\\..\\x.PDF", taken) == "x-2.pdf"
    assert safe_name("/etc/passwd", taken) == "passwd"
    assert safe_name(".pdf", taken) == "file.pdf"
    assert safe_name("2023年 报告（终稿）.docx", taken) == "2023年_报告_终稿.docx"
    assert all("/" not in n and not n.startswith(".") for n in taken)


def test_an_agency_user_may_upload_only_its_own_bodys_reports(app: Starlette, store: Store) -> None:
    client = login(app, "hebei")  # agency user of 河北省教育厅
    r = schema.reports.c
    data = upload(client, files("r001.txt", "s001.txt", "r003.txt"))
    own, other, unknown = data["files"]
    assert (
        own["status"] == "stored" and own["agency"] == "河北省教育厅" == label("r001.txt")["agency"]
    )
    assert other["status"] == "failed"
    assert label("s001.txt")["agency"] in other["message"] and "只能上传本单位" in other["message"]
    assert unknown["status"] == "failed" and "无法从报告中读出发布机关" in unknown["message"]
    sha = hashlib.sha256((RAW / "s001.txt").read_bytes()).hexdigest()
    with store.begin() as conn:  # nothing of the refused file is kept, not even its bytes
        assert conn.execute(select(r.id).where(r.file_sha256 == sha)).first() is None
        assert (
            conn.execute(select(schema.files.c.sha256).where(schema.files.c.sha256 == sha)).first()
            is None
        )
        assert (
            conn.execute(
                select(schema.failures.c.sha256).where(schema.failures.c.sha256 == sha)
            ).first()
            is None
        )


def test_viewers_may_not_upload(app: Starlette) -> None:
    viewer = login(app, "viewer")
    assert viewer.get("/upload").status_code == 403
    assert viewer.get("/upload.json").status_code == 403
    answer = viewer.post("/upload", data={"csrf_token": viewer.csrf}, files=files("r003.txt"))  # type: ignore[attr-defined]
    assert answer.status_code == 403


def test_only_the_owner_or_an_admin_sees_a_job(app: Starlette, admin: TestClient) -> None:
    jiangsu = login(app, "jiangsu")
    data = upload(jiangsu, files("r002.txt"))
    assert data["files"][0]["status"] == "duplicate"
    assert data["files"][0]["report_id"] is None  # 河北's report: outside 江苏省
    assert "不在您的查看范围内" in data["files"][0]["message"]
    other = login(app, "hongze")
    assert other.get(data["url"]).status_code == 404
    assert other.get(f"{data['url']}.json").status_code == 404
    assert admin.get(f"{data['url']}.json").json()["id"] == data["id"]
    assert jiangsu.get("/upload/notarealjobid00").status_code == 404


def test_the_status_fragment_for_htmx(admin: TestClient) -> None:
    data = upload(admin, files("r002.txt"))
    fragment = admin.get(data["url"], headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith("<section")
    assert "<html" not in fragment.text and "重复（已存储过）" in fragment.text


def test_json_upload_answers_with_the_job(admin: TestClient) -> None:
    answer = admin.post(
        "/upload.json",
        data={"csrf_token": admin.csrf},
        files=files("r002.txt"),  # type: ignore[attr-defined]
    )
    assert answer.status_code == 202
    job = answer.json()
    assert job["url"] == f"/upload/{job['id']}" and len(job["id"]) >= 20
    assert jobs_of(admin.app).wait(job["id"]) is not None


def test_a_post_without_csrf_token_is_refused(admin: TestClient, store: Store) -> None:
    before = count_reports(store)
    answer = admin.post("/upload", files=files("r002.txt"))
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert count_reports(store) == before
