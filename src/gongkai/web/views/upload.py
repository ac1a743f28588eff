"""上传: report files or zip bundles, checked against the app's limits and written under safe
names to a private temporary folder, then imported by a background job (:mod:`..jobs`);
``/upload/{job}`` shows its progress and every file's result.

Nothing is stored from an upload that breaks a limit: the whole request is refused with a
message naming the file and the limit. The client's file name is only ever shown, never used
as a path.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Message

from ..jobs import MAX_PENDING, Job, jobs_of
from ..pages import render, respond
from ..security import deny_outside, form, page, user_of, wants_data

if TYPE_CHECKING:
    from ..app import Limits

FIELD = "files"
OVERHEAD = 64 * 1024  # multipart headers and the CSRF field, beyond the files' own bytes


class JobConvertor(Convertor[str]):
    """A job id (``secrets.token_urlsafe``): never a dot, so ``.json`` stays the format."""

    regex = r"[A-Za-z0-9_-]{8,64}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("upload_job", JobConvertor())


class Refused(Exception):
    """An upload over a limit: nothing of it is kept."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def size_text(n: int) -> str:
    """A byte count as people read it: 50 MB, 300 KB, 12 字节."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} 字节"


BEIJING = dt.timezone(dt.timedelta(hours=8), "北京时间")


def beijing(at: dt.datetime) -> str:
    """A stored time (UTC; SQLite hands it back without a zone) in Beijing time."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def limits_data(limits: Limits) -> dict[str, Any]:
    return {
        "files": limits.files,
        "file_bytes": limits.file_bytes,
        "total_bytes": limits.total_bytes,
        "types": list(limits.types),
        "file_size": size_text(limits.file_bytes),
        "total_size": size_text(limits.total_bytes),
    }


def job_data(job: Job) -> dict[str, Any]:
    """A job as the page and its JSON twin show it."""
    return {
        "id": job.id,
        "url": f"/upload/{job.id}",
        "state": job.state,
        "state_label": job.state_label,
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "created": beijing(job.created),
        "counts": job.counts(),
        "files": [
            {
                "name": f.name,
                "status": f.status,
                "status_label": f.status_label,
                "report_id": f.report_id,
                "agency": f.agency,
                "year": f.year,
                "errors": f.errors,
                "warnings": f.warnings,
                "message": f.message,
            }
            for f in job.files
        ],
    }


def safe_name(given: str, taken: set[str]) -> str:
    """A file name for the temporary folder made from the client's: its last path part, only
    letters, digits, ``-`` and ``_`` (CJK kept: the reader may read a year or body from it),
    the suffix lower-cased, never hidden, never one already ``taken`` (which it joins)."""
    stem, suffix = _split(given)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem).strip("_")[:80] or "file"
    suffix = suffix.lower() if suffix[1:].isalnum() else ""
    name, n = f"{stem}{suffix}", 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}{suffix}"
    taken.add(name)
    return name


def _split(given: str) -> tuple[str, str]:
    """(stem, suffix) of the last part of a client's file name (``.pdf``: "", ".pdf")."""
    base = unicodedata.normalize("NFKC", given).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = base.rstrip(". ").rpartition(".")
    return (stem, dot + ext) if dot else (ext, "")


def _suffix(given: str) -> str:
    return _split(given)[1].lower()


def bounded(request: Request, limit: int) -> Request:
    """The request, whose body is refused once it exceeds ``limit`` bytes (a client may send
    no Content-Length, or a false one)."""
    seen = 0

    async def receive() -> Message:
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise Refused(413, f"上传的内容超过合计上限 {size_text(limit - OVERHEAD)}")
        return message

    return Request(request.scope, receive)


async def _files(request: Request, limits: Limits) -> list[UploadFile]:
    """The uploaded files, once every limit is met (CSRF checked by :func:`form`)."""
    ceiling = limits.total_bytes + OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > ceiling:
        raise Refused(413, f"上传的内容超过合计上限 {size_text(limits.total_bytes)}")
    try:
        data = await form(bounded(request, ceiling), max_files=limits.files, max_fields=20)
    except HTTPException as exc:
        if exc.status_code == 400 and "Too many files" in str(exc.detail):
            raise Refused(413, f"一次最多上传 {limits.files} 个文件") from None
        raise
    files = [
        f
        for f in data.getlist(FIELD)
        if isinstance(f, UploadFile) and (f.filename or (f.size or 0) > 0)
    ]
    if not files:
        raise Refused(400, "请选择要上传的报告文件或 zip 压缩包")
    if len(files) > limits.files:
        raise Refused(413, f"一次最多上传 {limits.files} 个文件，这次选择了 {len(files)} 个")
    total = 0
    for f in files:
        name, size = f.filename or "（无名文件）", f.size or 0
        if _suffix(name) not in limits.types:
            raise Refused(
                400,
                f"文件“{name}”的类型不允许上传（允许：{'、'.join(limits.types)}）；"
                "本次上传的文件均未保存",
            )
        if size > limits.file_bytes:
            raise Refused(
                413,
                f"文件“{name}”有 {size_text(size)}，超过单个文件的上限 "
                f"{size_text(limits.file_bytes)}；本次上传的文件均未保存",
            )
        total += size
    if total > limits.total_bytes:
        raise Refused(
            413,
            f"这次上传合计 {size_text(total)}，超过合计上限 {size_text(limits.total_bytes)}；"
            "本次上传的文件均未保存",
        )
    return files


def _write(files: list[UploadFile]) -> tuple[Path, dict[str, str]]:
    """The files in a new private folder (mode 0700) under safe names; safe name -> given."""
    folder = Path(tempfile.mkdtemp(prefix="gongkai-upload-"))
    names: dict[str, str] = {}
    try:
        for f in files:
            given = (f.filename or "file")[:200]
            name = safe_name(given, set(names))
            f.file.seek(0)
            with open(folder / name, "xb") as out:  # x: never through an existing entry
                shutil.copyfileobj(f.file, out, 1 << 20)
            names[name] = given
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, names


def _refusal(request: Request, refused: Refused) -> Response:
    if wants_data(request):
        return JSONResponse({"error": refused.message}, status_code=refused.status)
    data = _page_data(request)
    return render(request, "upload.html", status=refused.status, error=refused.message, **data)


def _page_data(request: Request) -> dict[str, Any]:
    user = user_of(request)
    jobs = jobs_of(request.app).of(user.id)
    return {
        "limits": limits_data(request.app.state.limits),
        "jobs": [job_data(j) for j in jobs],
        "body": user.body if user.role == "agency" else None,
    }


@page(act=True)
def upload_page(request: Request) -> Response:
    return respond(request, "upload.html", _page_data(request))


@page(act=True)
async def upload(request: Request) -> Response:
    user = user_of(request)
    try:
        if jobs_of(request.app).pending(user.id) >= MAX_PENDING:
            raise Refused(429, f"您已有 {MAX_PENDING} 批上传正在处理，请等它们完成后再上传")
        files = await _files(request, request.app.state.limits)
    except Refused as refused:
        return _refusal(request, refused)
    try:
        folder, names = await run_in_threadpool(_write, files)
    finally:
        for f in files:
            await f.close()
    own = None  # an agency user's body: another body's report is refused
    if user.role == "agency":
        own = user.body_id if user.body_id is not None else -1
    job = jobs_of(request.app).start(
        user.id, folder, names, scope=user.scope, body_id=own, body=user.body
    )
    if wants_data(request):
        return JSONResponse(job_data(job), status_code=202)
    return RedirectResponse(f"/upload/{job.id}", 303)


@page(act=True)
def job_page(request: Request) -> Response:
    user = user_of(request)
    job = jobs_of(request.app).get(request.path_params["job"], user.id, admin=user.role == "admin")
    deny_outside(job is not None)
    assert job is not None
    data = {**job_data(job), "limits": limits_data(request.app.state.limits)}
    return respond(request, "upload.html", data, fragment="upload_status.html")


routes: list[BaseRoute] = [
    Route("/upload{fmt:fmt}", upload_page, methods=["GET"]),
    Route("/upload{fmt:fmt}", upload, methods=["POST"]),
    Route("/upload/{job:upload_job}{fmt:fmt}", job_page, methods=["GET"]),
]
