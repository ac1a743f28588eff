"""Reading on a Dask cluster: ``gongkai import --dask`` / ``--scheduler tcp://host:8786``.

The client (the machine running ``gongkai import``) reads each file's bytes and sends them with
the task, so workers need gongkai installed but no view of the files; workers read and check
(:func:`prepare_bytes`), and the client writes the outcomes to the database in batches as for a
local import. A bounded number of tasks is in flight, so memory stays flat however many files.

A task that raises becomes an error Outcome with a Chinese message, as does a file whose
workers keep dying (Dask retries it on other workers first: a worker can die of another cause)
and a file over its time budget (its worker is then restarted, which stops the runaway reading).
Memory is Dask's to bound: a worker's nanny restarts it when it goes over its memory limit.
Dask is an optional extra: ``pip install 'gongkai[dask]'``.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..api import file_bytes
from ..batch import Outcome
from ..errors import GongkaiError
from ..readers import limits
from .importer import Reading, prepare

INSTALL = "请安装 Dask：pip install 'gongkai[dask]'"
IN_FLIGHT_PER_THREAD = 4  # tasks queued per worker thread: workers never idle, memory bounded
SCATTER_BYTES = 1024 * 1024  # larger files go to a worker directly, not inside the task graph
CONNECT_SECONDS = 10.0


@contextlib.contextmanager
def dask_reading(
    scheduler: str | None = None,
    workers: int | None = None,
    *,
    timeout: float | None = None,
    connect_timeout: float = CONNECT_SECONDS,
) -> Iterator[Reading]:
    """A Reading on a Dask cluster, for :func:`gongkai.store.import_files` and ``reread``.

    With ``scheduler`` (``tcp://host:8786``) it connects to that cluster; without, it starts a
    LocalCluster of ``workers`` processes (default one per core) and closes it at the end.
    ``timeout`` is each file's time budget in seconds (default ``limits.TIMEOUT_SECONDS``; 0:
    none). Outcomes come in the order the files are finished, not the order given.

    :raises GongkaiError: when Dask is not installed or the scheduler cannot be reached.
    """
    distributed = _dask()
    seconds = limits.TIMEOUT_SECONDS if timeout is None else timeout
    with contextlib.ExitStack() as stack:
        log = logging.getLogger("distributed")  # what goes wrong is told in Chinese instead
        stack.callback(log.setLevel, log.level)
        log.setLevel(logging.CRITICAL)
        if scheduler:
            client = _connect(distributed, scheduler, connect_timeout)
        else:
            cluster = _local_cluster(distributed, workers)
            stack.callback(cluster.close)
            client = distributed.Client(cluster, set_as_default=False)
        stack.callback(client.close)

        def reading(paths: list[str]) -> Iterator[Outcome]:
            return _read_all(client, paths, seconds)

        yield reading


def _dask() -> Any:
    # untyped where it is used (it is partly typed, and an optional extra mypy may not see)
    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise GongkaiError(INSTALL) from None


def _local_cluster(distributed: Any, workers: int | None) -> Any:
    try:
        return distributed.LocalCluster(
            n_workers=workers,  # None: one per core, as threads_per_worker is 1
            threads_per_worker=1,  # the readers hold the GIL: processes, not threads
            processes=True,
            dashboard_address=None,  # no dashboard; its HTTP server on any free port:
            scheduler_kwargs={"dashboard_address": ":0"},  # 8787 may be taken
            silence_logs=logging.CRITICAL,
        )
    except Exception as exc:  # no processes or ports left, a broken installation
        raise GongkaiError(
            f"无法在本机启动 Dask 集群（{type(exc).__name__}: {str(exc)[:200]}）"
        ) from None


def _connect(distributed: Any, address: str, seconds: float) -> Any:
    try:
        # a failed Client prints its own traceback when collected: probe the address first
        asyncio.run(_probe(distributed, address, seconds))
        client = distributed.Client(address, timeout=seconds, set_as_default=False)
    except Exception as exc:  # refused, unreachable, timed out, malformed, not a scheduler
        raise GongkaiError(f"无法连接 Dask 调度器 {address}：{_why(exc)}") from None
    try:
        client.wait_for_workers(1, timeout=seconds)
    except Exception:
        client.close()
        raise GongkaiError(
            f"Dask 调度器 {address} 上没有工作进程，请先启动 dask worker {address}"
        ) from None
    return client


def _why(exc: Exception) -> str:
    if isinstance(exc, ValueError):
        return "地址格式不对，应为 tcp://主机:8786"
    if isinstance(exc, OSError):  # TimeoutError too
        return "连接被拒绝或超时，请检查地址和端口，以及调度器（dask scheduler）是否已启动"
    return "对方不是 Dask 调度器，或其版本与本机的 Dask 不同"


async def _probe(distributed: Any, address: str, seconds: float) -> None:
    comm = await distributed.comm.connect(address, timeout=seconds)  # includes the handshake
    await comm.close()


def _read_all(client: Any, paths: list[str], seconds: float) -> Iterator[Outcome]:
    """Submit the files lazily, a bounded number at a time; yield outcomes as they finish."""
    distributed = _dask()
    running = distributed.as_completed(loop=client.loop)
    sent: dict[Any, str] = {}  # task key -> path
    todo = iter(paths)
    limit, finished = _limit(client), 0
    while True:
        while len(sent) < limit and (path := next(todo, None)) is not None:
            try:
                data = file_bytes(path, None)[0]  # read here: workers need not see the files
            except GongkaiError as exc:
                yield Outcome(path, error=exc.message)
                continue
            try:
                future = _submit(client, path, data, seconds)
            except Exception as exc:  # e.g. no worker left to take the bytes
                _lost(client)
                yield Outcome(path, error=f"无法把文件交给 Dask 工作进程（{type(exc).__name__}）")
                continue
            sent[future.key] = path
            running.add(future)
        if not sent:
            return
        future = next(running)
        path = sent.pop(future.key)
        outcome, runaway = _outcome(distributed, client, future, path)
        if runaway:
            with contextlib.suppress(Exception):  # a worker without a nanny cannot be restarted
                client.restart_workers([runaway], raise_for_error=False)
        yield outcome
        finished += 1
        if finished % 50 == 0:  # workers come and go
            limit = _limit(client)


def _submit(client: Any, path: str, data: bytes, seconds: float) -> Any:
    payload: Any = data
    if len(data) > SCATTER_BYTES:
        payload = client.scatter(data, hash=False)
    return client.submit(_task, path, payload, seconds, pure=False)


def _lost(client: Any) -> None:
    """Raise when the scheduler is gone: nothing more can be read."""
    if client.status not in ("running", "connecting"):
        raise GongkaiError(
            "与 Dask 调度器的连接已断开，导入中止；已写入的批次保留，再次导入即可继续"
        )


def _limit(client: Any) -> int:
    threads = int(sum(client.nthreads().values()))
    return IN_FLIGHT_PER_THREAD * max(1, threads)


def _outcome(distributed: Any, client: Any, future: Any, path: str) -> tuple[Outcome, str | None]:
    """The task's outcome and, when its reading ran over time, the worker to restart."""
    try:
        outcome, runaway = future.result()
        return outcome, runaway
    except distributed.KilledWorker:
        return Outcome(
            path,
            error="读取此文件的 Dask 工作进程多次意外终止（可能是内存不足或文件触发了程序缺陷），"
            "已跳过此文件",
        ), None
    except Exception as exc:
        _lost(client)
        return Outcome(
            path, error=f"Dask 任务失败（{type(exc).__name__}: {str(exc)[:200]}），已跳过此文件"
        ), None


def _task(path: str, data: bytes, seconds: float) -> tuple[Outcome, str | None]:
    """A worker's task: :func:`prepare_bytes` within the time budget. A reading over time
    cannot be stopped in its thread, so the client is told this worker's address to restart."""
    if not seconds:
        return prepare_bytes(path, data), None
    from ..readers import convert

    # LibreOffice's own limit ends the conversion before the budget does
    convert.TIMEOUT_SECONDS = max(1.0, min(convert.TIMEOUT_SECONDS, seconds * 0.9 - 1))
    done: list[Outcome] = []
    thread = threading.Thread(target=lambda: done.append(prepare_bytes(path, data)), daemon=True)
    thread.start()
    thread.join(seconds)
    if done:
        return done[0], None
    message = f"读取超过 {seconds:g} 秒仍未完成，已停止（文件可能过大或结构异常）"
    return Outcome(path, error=message), _dask().get_worker().address


def prepare_bytes(path: str, data: bytes) -> Outcome:
    """:func:`gongkai.store.importer.prepare` on a file's bytes sent by the client, so that
    workers need no view of the files: ``path`` names the file in the outcome and messages."""
    with tempfile.TemporaryDirectory(prefix="gongkai-dask-") as tmp:
        local = Path(tmp) / _name(path)  # the same name: the format may depend on it
        local.write_bytes(data)
        outcome = prepare(local)
    outcome.path = path
    if outcome.error:
        outcome.error = outcome.error.replace(str(local), path)
    if outcome.report is not None:
        outcome.report.path = path
    return outcome


def _name(path: str) -> str:
    """The file's own name (a zip member's too), as a safe file name of at most 120 bytes."""
    name = path.replace("\\", "/").split("/")[-1]
    name = name if name not in ("", ".", "..") else "file"
    while len(name.encode()) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:-1]}.{suffix}" if dot and stem else name[1:]
    return name
