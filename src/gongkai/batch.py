"""Reading many files: directory walking, parallel workers, one error never stops a batch.

Each file is read in a process of its own, with a time budget (``timeout`` seconds) and a
memory budget (``memory`` bytes of address space on top of the program itself, enforced with
``RLIMIT_AS`` where the system has it). A file over its budget, or whose process dies (the
kernel's OOM killer, a crash in a C library), becomes an error Outcome with a Chinese message;
the other files are read as usual and every good file's result is returned.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .api import read
from .errors import GongkaiError
from .readers import WORKBOOK_SUFFIXES, bundle, limits, never_a_report, not_a_report, read_bytes
from .report import Report

# Modules the worker processes need, loaded once by the fork server rather than per file.
_PRELOAD = [
    "gongkai.batch",
    "gongkai.extract",
    "gongkai.readers.bundle",
    "gongkai.readers.docx",
    "gongkai.readers.html",
    "gongkai.readers.pdf",
    "gongkai.readers.pdf_grid",
    "gongkai.readers.text",
    "docx",
]


@dataclass(slots=True)
class Outcome:
    """The result of reading one file: a report, or the reason it could not be read."""

    path: str
    report: Report | None = None
    error: str | None = None
    extra: Any = None  # what a caller's own per-file task added (e.g. the store's findings)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file not read as a report, and why (a Word lock file, an image, a nested zip…)."""

    path: str
    reason: str


@dataclass(slots=True)
class Scan:
    """What :func:`scan` found: the files to read, and the files skipped with the reason."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read under ``paths`` (see :func:`scan`), without the skipped ones."""
    return scan(paths).files


def scan(paths: Iterable[str | Path]) -> Scan:
    """Files named, plus every report file under the directories named (recursively).

    A zip bundle (named, or found in a directory) stands for its report members, named
    "bundle.zip!/member" (zips inside it are not opened). A bundle that cannot be opened is kept
    as a file, so that reading it reports why. In a directory, hidden files and folders are
    skipped silently; other files that are not reports (Office lock files, images, other types,
    Excel workbooks not made by ``gongkai new``, a symbolic link leading out of the directory)
    are listed in ``skipped`` with the reason. A file named on the command line is read wherever
    it leads, unless it is a lock file or an image.
    """
    found = Scan()
    for p in map(Path, paths):
        if p.is_dir():
            for f in _walk(p, found.skipped):
                _add(f, found, named=False)
        else:
            _add(p, found, named=True)
    return found


def _walk(root: Path, skipped: list[Skipped]) -> list[Path]:
    real_root = root.resolve()
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):  # does not descend into linked directories
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            f = Path(folder) / name
            if name.startswith("."):
                continue
            if f.is_symlink() and not f.resolve().is_relative_to(real_root):
                skipped.append(Skipped(str(f), "符号链接指向所扫描的目录之外，不读取"))
            elif f.is_file():
                found.append(f)
            else:
                skipped.append(Skipped(str(f), "不是普通文件（设备、管道或失效的链接），不读取"))
    return sorted(found)


def _add(f: Path, found: Scan, named: bool) -> None:
    reason = never_a_report(f.name) if named else not_a_report(f.name)
    suffix = f.suffix.lower()
    if reason is None and suffix in bundle.BUNDLE_SUFFIXES and f.is_file():
        _add_bundle(f, found)
        return
    if reason is None and not named and suffix in WORKBOOK_SUFFIXES:
        reason = _foreign_workbook(f)
    if reason is None:
        found.files.append(f)
    else:
        found.skipped.append(Skipped(str(f), reason))


FOREIGN_WORKBOOK = "Excel 工作簿，但不是 gongkai new 生成的填报工作簿（如 extract 的输出表格）"


def _foreign_workbook(f: Path | str) -> str | None:
    """The reason to skip a workbook not made by ``gongkai new``; None to read it."""
    from .authoring.read import is_fill_in_workbook

    try:
        data = bundle.read_member(*ref) if (ref := bundle.split(f)) else read_bytes(f)[0]
    except GongkaiError:
        return None  # reading it says what is wrong
    return FOREIGN_WORKBOOK if is_fill_in_workbook(data) is False else None


def _add_bundle(f: Path, found: Scan) -> None:
    try:
        members = bundle.members(str(f))
    except GongkaiError:
        found.files.append(f)  # reading it reports why it cannot be opened
        return
    before = len(found.files)
    for name, _ in members:
        if name.startswith("__MACOSX/") or any(p.startswith(".") for p in name.split("/")):
            continue  # macOS resource forks and hidden files, as in a folder
        where = bundle.member_path(f, name)
        reason = not_a_report(name)
        suffix = Path(name).suffix.lower()
        if reason is None and suffix in bundle.BUNDLE_SUFFIXES:
            reason = "压缩包中的压缩包，不展开读取"
        if reason is None and suffix in WORKBOOK_SUFFIXES:
            reason = _foreign_workbook(where)
        if reason is None:
            found.files.append(Path(where))
        else:
            found.skipped.append(Skipped(where, reason))
    if len(found.files) == before:
        found.skipped.append(Skipped(str(f), "压缩包中没有报告文件"))


def read_one(path: str | Path) -> Outcome:
    """Read one file; any failure becomes a Chinese message naming the file."""
    try:
        return Outcome(str(path), read(path))
    except GongkaiError as exc:
        return Outcome(str(path), error=exc.message)
    except MemoryError:
        return Outcome(str(path), error="文件过大，读取时内存不足（超过内存上限）")
    except RecursionError:
        return Outcome(str(path), error="文件结构嵌套过深，无法读取")
    except Exception as exc:  # a defect in gongkai must not stop the batch
        return Outcome(
            str(path), error=f"读取时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题"
        )


def read_many(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
    *,
    timeout: float | None = None,
    memory: int | None = None,
    task: Callable[[str | Path], Outcome] = read_one,
) -> Iterator[Outcome]:
    """Read files, yielding one Outcome per file in the order given.

    ``jobs`` files are read at a time (default: one per CPU core), each in its own process
    with at most ``timeout`` seconds (default ``limits.TIMEOUT_SECONDS``) and ``memory`` bytes
    (default ``limits.MEMORY_BYTES``). ``timeout=0`` and ``memory=0`` mean no budget; with
    neither and ``jobs=1`` the files are read in this process. ``task`` reads one file (a
    module-level function, so that worker processes can be handed it); by default
    :func:`read_one`.
    """
    files = list(paths)
    jobs = max(1, jobs or os.cpu_count() or 1)
    seconds = limits.TIMEOUT_SECONDS if timeout is None else timeout
    budget = limits.MEMORY_BYTES if memory is None else memory
    if jobs == 1 and not seconds and not budget:
        for f in files:
            outcome = task(f)
            if progress:
                progress(outcome)
            yield outcome
        return
    for outcome in _isolated(files, jobs, seconds, budget, task):
        if progress:
            progress(outcome)
        yield outcome


# A worker reads files one after another (its caches stay warm) and is replaced after this many,
# so that memory a library leaks cannot add up against the budget.
FILES_PER_WORKER = 50


@dataclass(slots=True)
class _Worker:
    process: Any  # multiprocessing's Process of the chosen context
    conn: Connection
    index: int | None = None  # the file being read
    deadline: float = float("inf")
    served: int = 0


def _isolated(
    files: list[Path | str],
    jobs: int,
    seconds: float,
    budget: int,
    task: Callable[[str | Path], Outcome],
) -> Iterator[Outcome]:
    """Read the files in worker processes, ``jobs`` at a time; yield outcomes in order.

    A worker over its time budget is killed, one that dies is not reused: either way its file
    gets an error Outcome and a fresh worker takes the next file.
    """
    context = _context()
    done: dict[int, Outcome] = {}
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    start = emitted = 0
    try:
        while emitted < len(files):
            while start < len(files) and len(busy) < jobs:
                worker = idle.pop() if idle else _spawn(context, seconds, budget, task)
                worker.conn.send(files[start])
                worker.index, worker.served = start, worker.served + 1
                worker.deadline = time.monotonic() + seconds if seconds else float("inf")
                busy.append(worker)
                start += 1
            nearest = min(w.deadline for w in busy)
            ready = wait([w.conn for w in busy], timeout=_until(nearest))
            for worker in list(busy):
                index = worker.index
                assert index is not None
                path = str(files[index])
                if worker.conn in ready:
                    outcome = _receive(worker, path)
                elif time.monotonic() >= worker.deadline:
                    _stop(worker)
                    outcome = Outcome(
                        path,
                        error=f"读取超过 {seconds:g} 秒仍未完成，已停止（文件可能过大或结构异常）",
                    )
                else:
                    continue
                done[index] = outcome
                busy.remove(worker)
                if worker.process.is_alive() and worker.served < FILES_PER_WORKER:
                    idle.append(worker)
                else:
                    _stop(worker)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1
    finally:
        for worker in idle:
            with contextlib.suppress(OSError):
                worker.conn.send(None)  # done: the worker ends by itself
        for worker in idle + busy:
            _stop(worker, grace=1.0)


def _until(deadline: float) -> float | None:
    return None if deadline == float("inf") else max(0.0, deadline - time.monotonic()) + 0.01


def _context() -> Any:
    """Fork when this process has one thread (fast); else a fork server (a clean process)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        for module in _PRELOAD:  # imported once here, not once per file in each child
            importlib.import_module(module)
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _spawn(
    context: Any, seconds: float, budget: int, task: Callable[[str | Path], Outcome]
) -> _Worker:
    mine, theirs = context.Pipe()
    process = context.Process(target=_work, args=(theirs, budget, seconds, task), daemon=True)
    process.start()
    theirs.close()  # the child holds its end; EOF on ours means the child is gone
    return _Worker(process, mine)


def _receive(worker: _Worker, path: str) -> Outcome:
    try:
        outcome: Outcome = worker.conn.recv()
        return outcome
    except (EOFError, OSError):  # the process died before it could answer
        worker.process.join()
        code = worker.process.exitcode
        how = f"（信号 {-code}）" if code is not None and code < 0 else f"（退出码 {code}）"
        return Outcome(
            path,
            error=f"读取进程意外终止{how}，可能是内存不足或文件触发了程序缺陷，已跳过此文件",
        )


def _stop(worker: _Worker, grace: float = 0.0) -> None:
    if grace:
        worker.process.join(grace)
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.conn.close()


def _work(
    conn: Connection, budget: int, seconds: float, task: Callable[[str | Path], Outcome]
) -> None:
    """A worker: set the budgets, then read each path sent until None (or the pipe closes)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if budget:
        _limit_memory(budget)  # LibreOffice, run for .doc/.wps/.rtf, inherits it too
    if seconds:  # LibreOffice runs in a session of its own: end it before this process is
        from .readers import convert  # killed, or it would outlive it

        convert.TIMEOUT_SECONDS = max(1.0, min(convert.TIMEOUT_SECONDS, seconds * 0.9 - 1))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        outcome = task(path)
        try:
            conn.send(outcome)
        except MemoryError:
            conn.send(Outcome(str(path), error="文件过大，读取时内存不足（超过内存上限）"))


def _limit_memory(budget: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + budget
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or limit < soft:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's current virtual size (Linux), 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
