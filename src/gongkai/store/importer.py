"""``gongkai import``: files, folders and zip bundles into the store.

Idempotent (a file whose bytes are stored already is skipped by its sha256), resumable (each
batch of readings is one transaction, so an interrupted import keeps every finished batch and the
next run skips them), parallel (worker processes read and check; this process writes), and
streaming (only a batch of readings is held at a time). ``reread`` re-reads every stored
original whose newest reading is by an older reader and records what changed.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, update

from ..api import Sources, file_bytes, scan_reports
from ..batch import Outcome, Skipped, read_many, read_one
from ..checks import check
from ..errors import GongkaiError
from . import schema
from .bodies import Bodies
from .engine import Store, new_id, now, reader_version
from .write import (
    CROSS_YEAR,
    Pending,
    Prepared,
    prepared,
    record_changes,
    store_file,
    store_report,
)

BATCH = 50  # readings written per transaction

# Reads paths into Outcomes whose ``extra`` holds the findings (see :func:`prepare`); the
# default runs worker processes on this machine, gongkai.store.distributed a Dask cluster.
Reading = Callable[[list[str]], Iterator[Outcome]]
# A re-read file: the reading it replaces (None for a file no reader could read yet) and the
# path it was imported from.
Origin = tuple[int | None, str]


@dataclass(slots=True)
class FileResult:
    """One file's fate in an import: ``stored`` (the new reading's id, its error and warning
    counts), ``duplicate`` (its bytes were stored already: the newest reading of them) or
    ``failed`` (the Chinese message)."""

    path: str
    status: str  # stored | duplicate | failed
    report_id: int | None = None
    message: str | None = None
    errors: int = 0
    warnings: int = 0
    sha256: str | None = None
    agency: str | None = None  # as read (stored files)
    year: int | None = None


@dataclass
class Imported:
    """What an import (or re-read) did; passed to the progress callback after every file."""

    run_id: int = 0
    total: int = 0  # files to read in this run
    done: int = 0
    stored: int = 0
    already: int = 0  # skipped: the same bytes were stored before
    changed: int = 0  # re-read: readings that differ from the previous one
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, Chinese message)
    skipped: list[Skipped] = field(default_factory=list)  # not report files
    files: list[FileResult] = field(default_factory=list)  # each file's fate, as decided

    @property
    def ok(self) -> bool:
        """Every file was read."""
        return not self.failed


def prepare(path: str | Path) -> Outcome:
    """A worker's task: read one file (a report JSON too) and check it, but for the cross-year
    rules, which need the stored previous year and run when the reading is written; the rows
    to store are made here too, so that the one writing process only writes."""
    outcome = _read_json(path) if str(path).lower().endswith(".json") else read_one(path)
    if outcome.report is not None:
        try:
            found = check(outcome.report, ignore=CROSS_YEAR)
        except Exception as exc:  # a checker defect must not lose the reading
            found = []
            outcome.report.warnings.append(f"检查时发生内部错误（{type(exc).__name__}）")
        outcome.extra = prepared(outcome.report, found)
    return outcome


def _read_json(path: str | Path) -> Outcome:
    from ..checks.runner import load_json

    try:
        return Outcome(str(path), load_json(Path(path)))
    except GongkaiError as exc:
        return Outcome(str(path), error=exc.message)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return Outcome(str(path), error=f"报告JSON的内容不符合格式（{exc}）")


def local_reading(
    jobs: int | None = None, timeout: float | None = None, memory: int | None = None
) -> Reading:
    """Read with worker processes on this machine (one per core by default)."""

    def reading(paths: list[str]) -> Iterator[Outcome]:
        return read_many(paths, jobs, timeout=timeout, memory=memory, task=prepare)

    return reading


def import_files(
    store: Store,
    sources: Sources,
    *,
    reading: Reading | None = None,
    progress: Callable[[Imported], None] | None = None,
    batch: int = BATCH,
    names: Mapping[str, str] | None = None,
) -> Imported:
    """Import report files, folders and zip bundles into ``store``.

    :param names: the name to record for a source file (and the members of a zip), when it is
        not its path: a web upload's temporary file → the name its uploader gave.

    :raises GongkaiError: when no report file is found, or the database fails (batches already
        written stay; importing again continues where this run stopped).
    """
    found = scan_reports(sources)
    version = reader_version()
    result = Imported(run_id=_start(store, "import", version), skipped=found.skipped)
    with store.begin() as conn:
        stored = set(conn.execute(select(schema.reports.c.file_sha256).distinct()).scalars())
    todo: dict[str, str] = {}  # path -> sha256
    seen: set[str] = set()
    for f in found.files:
        try:
            digest = sha256(file_bytes(f, None)[0]).hexdigest()
        except GongkaiError as exc:
            result.failed.append((str(f), exc.message))
            result.files.append(FileResult(str(f), "failed", message=exc.message))
            continue
        if digest in stored or digest in seen:
            result.already += 1
            result.files.append(FileResult(str(f), "duplicate", sha256=digest))
        else:
            seen.add(digest)
            todo[str(f)] = digest
    result.total = len(todo)
    shown = _renamer(names) if names else None
    _write_all(
        store, (reading or local_reading())(list(todo)), todo, result, progress, batch, None, shown
    )
    _finish(store, result)
    _duplicates_found(store, result)
    return result


def _renamer(names: Mapping[str, str]) -> Callable[[str], str]:
    def rename(path: str) -> str:
        top, sep, member = path.partition("!/")
        return names.get(top, top) + sep + member

    return rename


def _duplicates_found(store: Store, result: Imported) -> None:
    """Point each duplicate at the newest reading of its bytes (one query per 500 of them)."""
    dups = [f for f in result.files if f.status == "duplicate"]
    newest = {f.sha256: f.report_id for f in result.files if f.status == "stored"}
    wanted = sorted({str(f.sha256) for f in dups} - set(newest))
    r = schema.reports.c
    for start in range(0, len(wanted), 500):
        with store.begin() as conn:
            newest.update(
                conn.execute(
                    select(r.file_sha256, func.max(r.id))
                    .where(r.file_sha256.in_(wanted[start : start + 500]))
                    .group_by(r.file_sha256)
                ).all()
            )
    for f in dups:
        f.report_id = newest.get(f.sha256)


def _write_all(
    store: Store,
    outcomes: Iterable[Outcome],
    hashes: dict[str, str],
    result: Imported,
    progress: Callable[[Imported], None] | None,
    batch: int,
    rereading: dict[str, Origin] | None = None,
    shown: Callable[[str], str] | None = None,
) -> None:
    """Write readings in batches from a thread of its own, so that the workers go on reading
    while a batch is written (the queue is bounded: memory stays flat)."""
    with store.begin() as conn:
        bodies = Bodies(conn)
    state = Pending()
    batches: queue.Queue[list[Outcome] | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def writer() -> None:
        while (items := batches.get()) is not None:
            if not failure:
                try:
                    _write(store, bodies, state, items, hashes, result, rereading, shown)
                except BaseException as exc:  # handed to the reading thread, raised there
                    failure.append(exc)

    thread = threading.Thread(target=writer, name="gongkai-store-writer", daemon=True)
    thread.start()
    try:
        chunk: list[Outcome] = []
        for outcome in outcomes:
            if failure:
                break
            chunk.append(outcome)
            if len(chunk) >= batch:
                batches.put(chunk)
                chunk = []
            result.done += 1
            if progress:
                progress(result)
        if chunk and not failure:
            batches.put(chunk)
    finally:
        batches.put(None)
        thread.join()
    if failure:
        raise failure[0]


def _write(
    store: Store,
    bodies: Bodies,
    pending: Pending,
    outcomes: Sequence[Outcome],
    hashes: dict[str, str],
    result: Imported,
    rereading: dict[str, Origin] | None,
    rename: Callable[[str], str] | None = None,
) -> None:
    """One transaction: the batch's files, readings and failures, and the run's counts."""
    version = reader_version()
    stored, failed, changed = result.stored, list(result.failed), result.changed
    done: list[tuple[int, int]] = []  # (old reading, new reading) of a re-read
    files: list[FileResult] = []
    with store.begin() as conn:
        for o in outcomes:
            sha = hashes[o.path]
            old, shown = rereading[o.path] if rereading is not None else (None, o.path)
            if rename is not None:
                shown = rename(shown)
            if rereading is None:  # a re-read's original is stored already
                data = file_bytes(o.path, None)[0]
                if sha256(data).hexdigest() != sha:
                    failed.append((o.path, "文件在导入过程中被修改，未导入；请再次导入"))
                    files.append(FileResult(o.path, "failed", message=failed[-1][1], sha256=sha))
                    continue
                store_file(conn, sha, Path(shown.split("!/")[-1]).name, data)
            if o.report is None or not isinstance(o.extra, Prepared):
                message = o.error or "无法读取"
                _failure(conn, sha, shown, message, version, result.run_id)
                failed.append((shown, message))
                path = o.path if rereading is None else shown
                files.append(FileResult(path, "failed", message=message, sha256=sha))
                continue
            o.report.path = shown
            reading = store_report(
                conn,
                bodies,
                o.report,
                o.extra,
                pending,
                sha=sha,
                path=shown,
                reader_version=version,
                run_id=result.run_id,
                replaces=old,
            )
            conn.execute(
                delete(schema.failures).where(
                    schema.failures.c.sha256 == sha, schema.failures.c.reader_version == version
                )
            )
            stored += 1
            files.append(
                FileResult(o.path if rereading is None else shown, "stored", reading, sha256=sha)
            )
            files[-1].agency, files[-1].year = o.report.agency, o.report.year
            if old is not None:
                done.append((old, reading))
        pending.flush(conn)
        _counts(conn, files)
        changed += sum(1 for old, new in done if record_changes(conn, result.run_id, old, new))
        conn.execute(
            update(schema.runs)
            .where(schema.runs.c.id == result.run_id)
            .values(stored=stored, failed=len(failed), changed=changed, skipped=result.already)
        )
    result.stored, result.failed, result.changed = stored, failed, changed
    result.files.extend(files)


def _counts(conn: Connection, files: list[FileResult]) -> None:
    """The stored readings' error and warning counts, once the batch's findings are written."""
    ids = {f.report_id: f for f in files if f.report_id is not None}
    r = schema.reports.c
    if ids:
        for row in conn.execute(select(r.id, r.errors, r.warnings).where(r.id.in_(list(ids)))):
            ids[row.id].errors, ids[row.id].warnings = row.errors, row.warnings


def _failure(
    conn: Connection, sha: str, path: str, message: str, version: str, run_id: int
) -> None:
    f = schema.failures.c
    conn.execute(delete(schema.failures).where(f.sha256 == sha, f.reader_version == version))
    conn.execute(
        insert(schema.failures).values(
            sha256=sha, reader_version=version, path=path[-1000:], message=message, run_id=run_id
        )
    )


def _start(store: Store, kind: str, version: str) -> int:
    with store.begin() as conn:
        return new_id(
            conn.execute(
                insert(schema.runs).values(
                    kind=kind,
                    reader_version=version,
                    started_at=now(),
                    files=0,
                    stored=0,
                    skipped=0,
                    failed=0,
                    changed=0,
                )
            )
        )


def _finish(store: Store, result: Imported) -> None:
    with store.begin() as conn:
        conn.execute(
            update(schema.runs)
            .where(schema.runs.c.id == result.run_id)
            .values(
                finished_at=now(),
                files=result.total + result.already,
                stored=result.stored,
                skipped=result.already,
                failed=len(result.failed),
                changed=result.changed,
            )
        )
        if result.stored and conn.dialect.name == "sqlite":
            # Statistics for SQLite's planner (PostgreSQL's autovacuum keeps its own): without
            # them it may start a listing from every report's cells. Sampled: milliseconds.
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
