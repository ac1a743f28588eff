"""Uploads being imported: a small in-process registry of import jobs, each run in a thread.

A job owns a private temporary folder holding the uploaded files under safe names; it imports
them with :func:`gongkai.store.import_files` (each file read in a worker process, with the
reader's time, memory and zip-bomb guards) and then removes the folder. Jobs run one at a time
(imports write to one database); a finished job is forgotten after :data:`KEEP_SECONDS`.
The registry lives in this process only: a restarted server forgets its jobs (the imported
reports stay in the store).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..batch import Outcome
from ..errors import GongkaiError
from ..store import Store, import_files, local_reading, schema
from ..store.access import Scope
from ..store.bodies import Bodies
from ..store.importer import FileResult, Imported, Reading

KEEP_SECONDS = 3600
MAX_PENDING = 3  # a user's unfinished jobs (each holds its files on disk until it runs)
STATUS_LABELS = {
    "stored": "已读取并检查",
    "duplicate": "重复（已存储过）",
    "failed": "失败",
    "skipped": "未读取",
}
STATE_LABELS = {"queued": "排队中", "running": "正在读取", "done": "已完成", "failed": "失败"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobFile:
    """One uploaded file's result, as shown (``name`` is the name the user gave it)."""

    name: str
    status: str  # stored | duplicate | failed | skipped
    report_id: int | None = None  # None when outside the uploader's scope
    agency: str | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    message: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Job:
    id: str
    owner: int
    names: dict[str, str]  # safe file name in the folder -> the name the user gave
    created: dt.datetime
    state: str = "queued"
    done: int = 0
    total: int = 0
    message: str | None = None  # why the whole job failed
    files: list[JobFile] = field(default_factory=list)
    finished_at: float | None = None  # time.monotonic()

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.files if f.status == s) for s in STATUS_LABELS}


class Jobs:
    """The import jobs of one app."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()  # guards ``jobs`` and every job's fields
        self.running = threading.Lock()  # one import at a time

    def start(
        self,
        owner: int,
        folder: Path,
        names: dict[str, str],
        *,
        scope: Scope,
        body_id: int | None = None,
        body: str | None = None,
    ) -> Job:
        """Import the files in ``folder`` (then removed) in a thread; returns the job at once.

        :param body_id: an agency user's body: a file read as another body's report is refused
            before anything of it is stored.
        """
        job = Job(secrets.token_urlsafe(18), owner, names, dt.datetime.now(dt.UTC))
        job.total = len(names)
        with self.lock:
            self._forget()
            self.jobs[job.id] = job
        thread = threading.Thread(
            target=self._run,
            args=(job, folder, scope, body_id, body),
            name=f"gongkai-upload-{job.id[:6]}",
            daemon=True,
        )
        thread.start()
        return job

    def get(self, job_id: str, user_id: int, admin: bool = False) -> Job | None:
        """A copy of the job, when ``user_id`` owns it (an admin sees every job)."""
        with self.lock:
            self._forget()
            job = self.jobs.get(job_id)
            if job is None or (job.owner != user_id and not admin):
                return None
            return replace(job, files=list(job.files))

    def of(self, user_id: int) -> list[Job]:
        """The user's jobs still remembered, newest first."""
        with self.lock:
            self._forget()
            mine = [
                replace(j, files=list(j.files)) for j in self.jobs.values() if j.owner == user_id
            ]
        return sorted(mine, key=lambda j: j.created, reverse=True)

    def pending(self, user_id: int) -> int:
        """How many of the user's jobs are not finished yet."""
        with self.lock:
            return sum(1 for j in self.jobs.values() if j.owner == user_id and not j.finished)

    def wait(self, job_id: str, timeout: float = 60) -> Job | None:
        """The job once finished (for tests and scripts); None when unknown or still running."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                job = self.jobs.get(job_id)
                if job is None or job.finished:
                    return job
            time.sleep(0.05)
        return None

    def _forget(self) -> None:
        now = time.monotonic()
        for key in [
            k
            for k, j in self.jobs.items()
            if j.finished_at is not None and now - j.finished_at > KEEP_SECONDS
        ]:
            del self.jobs[key]

    def _run(
        self, job: Job, folder: Path, scope: Scope, body_id: int | None, body: str | None
    ) -> None:
        refused: list[FileResult] = []

        def progress(result: Imported) -> None:
            with self.lock:
                job.state = "running"
                job.total = result.total + result.already
                job.done = result.done + result.already + len(refused)

        try:
            with self.running:
                with self.lock:
                    job.state = "running"
                reading: Reading = local_reading(jobs=1)
                if body_id is not None:
                    reading = own_body_only(self.store, reading, body_id, body, refused)
                paths = [str(folder / name) for name in job.names]
                given = {str(folder / safe): name for safe, name in job.names.items()}
                result = import_files(
                    self.store, paths, reading=reading, progress=progress, names=given
                )
            shown = _results(self.store, folder, job.names, result, refused, scope)
            with self.lock:
                job.files, job.state = shown, "done"
                job.done = job.total = len(shown)
        except GongkaiError as exc:  # no report file at all; the database failed
            with self.lock:
                job.state, job.message = "failed", _hide(exc.message, folder, job.names)
        except Exception:
            log.exception("upload job %s failed", job.id)
            with self.lock:
                job.state, job.message = "failed", "导入时发生内部错误，请联系管理员"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            with self.lock:
                job.finished_at = time.monotonic()


def jobs_of(app: Any) -> Jobs:
    """The app's job registry (made on first use)."""
    with _MAKING:
        registry = getattr(app.state, "jobs", None)
        if not isinstance(registry, Jobs):
            registry = Jobs(app.state.store)
            app.state.jobs = registry
    return registry


_MAKING = threading.Lock()


def own_body_only(
    store: Store, reading: Reading, body_id: int, body: str | None, refused: list[FileResult]
) -> Reading:
    """``reading``, less the reports of bodies other than ``body_id``: those are not handed to
    the import at all (nothing of them is stored, not even the original), but listed in
    ``refused`` with a message."""
    with store.begin() as conn:
        bodies = Bodies(conn)

    def filtered(paths: list[str]) -> Iterator[Outcome]:
        for outcome in reading(paths):
            rep = outcome.report
            if rep is not None and bodies.find(rep.agency) != body_id:
                mine = body or "未指定"
                if rep.agency:
                    message = f"这份报告的发布机关是“{rep.agency}”，不是您的单位（{mine}）"
                else:
                    message = f"无法从报告中读出发布机关，不能确认是您的单位（{mine}）的报告"
                message += "；填报单位的用户只能上传本单位的报告"
                refused.append(
                    FileResult(outcome.path, "failed", message=message, agency=rep.agency)
                )
                continue
            yield outcome

    return filtered


def _results(
    store: Store,
    folder: Path,
    names: dict[str, str],
    result: Imported,
    refused: list[FileResult],
    scope: Scope,
) -> list[JobFile]:
    """Every file's result in upload order, named as the user named it; links only to the
    reports the user may open."""
    ids = [f.report_id for f in result.files if f.report_id is not None]
    seen: dict[int, tuple[str | None, int | None]] = {}  # id -> (agency, year), in scope
    if ids:
        r = schema.reports.c
        with store.begin() as conn:
            rows = conn.execute(
                select(r.id, r.agency, r.year).where(r.id.in_(ids), scope.reports())
            ).all()
        seen = {row.id: (row.agency, row.year) for row in rows}
    order = {safe: i for i, safe in enumerate(names)}  # as uploaded
    shown: list[tuple[int, str, JobFile]] = []
    for f in [*result.files, *refused]:
        top, name = _shown(f.path, folder, names)
        message = _hide(f.message, folder, names) if f.message else None
        report_id, (agency, year) = None, (f.agency, f.year)
        if f.report_id is not None and f.report_id in seen:
            report_id, (agency, year) = f.report_id, seen[f.report_id]
        elif f.report_id is not None:
            message = "已存储，但不在您的查看范围内"
        file = JobFile(name, f.status, report_id, agency, year, f.errors, f.warnings, message)
        shown.append((order.get(top, len(order)), name, file))
    for s in result.skipped:
        top, name = _shown(s.path, folder, names)
        shown.append((order.get(top, len(order)), name, JobFile(name, "skipped", message=s.reason)))
    return [f for _, _, f in sorted(shown, key=lambda x: (x[0], x[1]))]


def _shown(path: str, folder: Path, names: dict[str, str]) -> tuple[str, str]:
    """(the safe name in the folder, the file as the user knows it): ``folder/safe.zip!/a.pdf``
    is ``原名.zip › a.pdf``."""
    rel = path[len(str(folder)) + 1 :] if path.startswith(str(folder)) else Path(path).name
    top, _, member = rel.partition("!/")
    given = names.get(top, top)
    return top, (f"{given} › {member}" if member else given)


def _hide(message: str, folder: Path, names: dict[str, str]) -> str:
    """A message without the server's temporary folder in it."""
    for safe, given in names.items():
        message = message.replace(str(folder / safe), given)
    return message.replace(str(folder), "")


__all__ = ["KEEP_SECONDS", "MAX_PENDING", "Job", "JobFile", "Jobs", "jobs_of", "own_body_only"]
