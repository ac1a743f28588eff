"""``gongkai import`` (reports into the store), ``gongkai findings`` (the stored findings) and
``gongkai finding`` (dismiss, fix or reopen one), thin faces of :mod:`gongkai.store`.

Each takes ``--db`` and a hidden ``--db-timeout`` (or ``GONGKAI_DB_TIMEOUT``: seconds to wait for
another program's lock on a SQLite file). A database that cannot be used ends with its Chinese
message and exit status 1, never a traceback.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import output
from ..checks.catalogue import SEVERITY_LABELS
from ..errors import GongkaiError
from ..store import (
    Imported,
    Store,
    database_url,
    import_files,
    list_findings,
    local_reading,
    open_store,
)
from ..store import reread as reread_files
from ..store.findings import STATUSES, set_status
from ..store.importer import Reading
from ..store.listing import COLUMNS, LABELS
from .common import (
    USAGE,
    OutputKind,
    emit,
    fail,
    fail_on,
    output_options,
    safe,
    say,
    show_skipped,
    stderr_is_terminal,
    table,
    target,
)

F = TypeVar("F", bound=Callable[..., Any])

TIMEOUT_ENV = "GONGKAI_DB_TIMEOUT"
INTERRUPTED = 130  # the shell's status for a command ended by Ctrl-C
LOG_STEP, LOG_SECONDS = 20, 10.0  # without a terminal: a progress line every 5 % or 10 s


def db_options(func: F) -> F:
    """``--db`` and the hidden ``--db-timeout`` every verb on the store shares."""
    func = click.option(
        "--db-timeout",
        "db_timeout",
        type=click.FloatRange(min=0),
        envvar=TIMEOUT_ENV,
        default=None,
        hidden=True,
        help="等待其他程序释放 SQLite 文件锁的秒数（默认10）。",
    )(func)
    func = click.option(
        "--db",
        metavar="URL",
        default=None,
        help="数据库：SQLite 文件路径，或 postgresql://user:pass@host/db 地址"
        "（默认环境变量 GONGKAI_DB，否则为工作目录下的 gongkai.db）。",
    )(func)
    return func


def open_db(db: str | None, timeout: float | None, create: bool = True) -> Store:
    """The store, or exit 1 with the database's Chinese message. Without ``create`` a SQLite
    file that does not exist is refused (a query must not leave an empty database behind)."""
    url = database_url(db)
    path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else None
    if not create and path and path != ":memory:" and not Path(path).exists():
        fail(f"数据库文件不存在：{path}（请先用 gongkai import 导入报告）")
    try:
        return open_store(db) if timeout is None else open_store(db, timeout=timeout)
    except GongkaiError as exc:
        fail_on(exc)


def _duration(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600} 小时 {s % 3600 // 60} 分" if s >= 3600 else f"{s // 60} 分 {s % 60} 秒"


class Watch:
    """Follows an import: a rich progress bar on a terminal (rate and time left), plain lines
    every 5 % or 10 s otherwise (logs get no control characters), and one line per unreadable
    file as soon as the import records it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None  # rich.progress.Progress, started at the first file
        self.task: Any = None
        self.failures_shown = 0
        self.first: tuple[float, int] | None = None  # (time, done) at the first callback
        self.logged: tuple[float, int] = (0.0, -1)  # (time, step) of the last plain line

    def __call__(self, imported: Imported) -> None:
        if self.first is None:
            self.first = (time.monotonic(), imported.done)
            show_skipped(imported.skipped)
            if stderr_is_terminal():
                self._start_bar(imported.total)
        self._failures(imported)
        if self.bar is not None:
            self.bar.update(self.task, completed=imported.done, total=imported.total)
            self.bar.refresh()  # refreshed here, not by a thread: workers can still be forked
        else:
            self._log(imported)

    def _start_bar(self, total: int) -> None:
        import rich.progress as rp
        from rich.console import Console
        from rich.text import Text

        class Rate(rp.ProgressColumn):
            def render(self, task: rp.Task) -> Text:
                speed = task.speed
                return Text("– 份/秒" if speed is None else f"{speed:.1f} 份/秒")

        self.bar = rp.Progress(
            rp.TextColumn(self.label),
            rp.BarColumn(),
            rp.MofNCompleteColumn(),
            Rate(),
            rp.TextColumn("剩余"),
            rp.TimeRemainingColumn(),
            console=Console(stderr=True, highlight=False),
            auto_refresh=False,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=total)

    def _log(self, imported: Imported) -> None:
        total, done = imported.total, imported.done
        now = time.monotonic()
        step = done * LOG_STEP // max(total, 1)
        if step <= self.logged[1] and now - self.logged[0] < LOG_SECONDS and done < total:
            return
        self.logged = (now, step)
        since, before = self.first or (now, done)
        # Outcomes arrive in bursts: a rate over less than a second means nothing yet.
        rate = (done - before) / (now - since) if now - since >= 1 and done > before else 0.0
        line = f"{self.label}：{done}/{total}（{done * 100 // max(total, 1)}%）"
        if rate:
            line += f"，每秒 {rate:.1f} 份"
            if done < total:
                line += f"，预计还需 {_duration((total - done) / rate)}"
        say(line)

    def _failures(self, imported: Imported) -> None:
        for path, message in imported.failed[self.failures_shown :]:
            self._say(f"无法读取 {path}：{message}")
        self.failures_shown = len(imported.failed)

    def _say(self, line: str) -> None:
        if self.bar is None:
            say(line)
            return
        from rich.text import Text

        self.bar.console.print(Text(safe(line)), soft_wrap=True)  # the terminal wraps it

    def close(self, imported: Imported | None = None) -> None:
        """Stop the bar; name what was not shown yet (failures of the last batch)."""
        if imported is not None:
            if self.first is None:
                show_skipped(imported.skipped)
            self._failures(imported)
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@contextlib.contextmanager
def _reading(
    jobs: int | None, timeout: float | None, dask: bool, scheduler: str | None
) -> Iterator[Reading]:
    """Local worker processes, or a Dask cluster (a LocalCluster, or the one at ``scheduler``)."""
    if not dask and scheduler is None:
        yield local_reading(jobs=jobs, timeout=timeout)
        return
    from ..store.distributed import dask_reading  # Dask itself is imported only there

    with dask_reading(scheduler=scheduler, workers=jobs, timeout=timeout) as reading:
        yield reading


def _summary(result: Imported, again: bool, where: str) -> str:
    if again:
        parts = [f"重新读取 {result.done} 份，其中 {result.changed} 份读取结果有变化"]
    else:
        parts = [f"已导入 {result.stored} 份报告"]
        parts += [f"跳过 {result.already} 份已导入的文件"] if result.already else []
    parts += [f"{len(result.failed)} 个文件无法读取"] if result.failed else []
    return "，".join(parts) + f"（数据库：{where}）"


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@db_options
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="同时读取的文件数（默认每个CPU核心一个；用 Dask 时为本地集群的工作进程数）。",
)
@click.option(
    "--reread",
    is_flag=True,
    help="用当前版本重新读取数据库中所有由旧版本读取的原始文件，并记录变化（不需要 PATH）。",
)
@click.option("--dask", is_flag=True, help="在本机的 Dask 集群（LocalCluster）上读取和检查。")
@click.option(
    "--scheduler",
    metavar="ADDR",
    default=None,
    help="在已有的 Dask 集群上读取和检查，如 tcp://host:8786（需安装 gongkai[dask]）。",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=None,
    help="每个文件的读取时限（秒，默认120；0为不限），超时的文件报告为失败，其余照常。",
)
def import_command(
    paths: tuple[Path, ...],
    db: str | None,
    db_timeout: float | None,
    jobs: int | None,
    reread: bool,
    dask: bool,
    scheduler: str | None,
    timeout: float | None,
) -> None:
    """把年度报告（文件、目录或 zip 压缩包）读入数据库，并在导入时检查。

    已导入过的文件（内容相同）自动跳过；导入中断后再次运行同一命令即从中断处继续。
    有文件无法读取时退出码为 1。
    """
    if reread and paths:
        fail("--reread 重新读取数据库中已有的原始文件，不需要给出 PATH", USAGE)
    if not reread and not paths:
        fail("请给出要导入的报告文件、目录或 zip 压缩包", USAGE)
    store = open_db(db, db_timeout)
    watch = Watch("重新读取" if reread else "导入报告")
    try:
        with _reading(jobs, timeout, dask, scheduler) as reading:
            if reread:
                result = reread_files(store, reading=reading, progress=watch)
            else:
                sources = [str(p) for p in paths]
                result = import_files(store, sources, reading=reading, progress=watch)
    except GongkaiError as exc:
        watch.close()
        fail_on(exc)
    except KeyboardInterrupt:
        watch.close()
        again = "gongkai import --reread" if reread else "同一命令"
        say(f"已中断：已完成的批次已保存在数据库中；再次运行{again}即从中断处继续。")
        sys.exit(INTERRUPTED)
    finally:
        store.close()
    watch.close(result)
    say(_summary(result, reread, store.where))
    if result.failed:
        sys.exit(1)


FINDINGS = OutputKind(
    {".txt": "text", ".json": "json", ".csv": "csv", ".xlsx": "xlsx"},
    "text",
    binary=frozenset({"xlsx"}),
)


def _shown(row: dict[str, Any]) -> list[object]:
    """A row for people: severity and status in Chinese, blanks for nothing."""
    names = {"severity": SEVERITY_LABELS, "status": STATUSES}
    return [
        names[k].get(row[k], row[k]) if k in names else ("" if row[k] is None else row[k])
        for k in COLUMNS
    ]


@click.command("findings")
@db_options
@click.option(
    "--report", type=int, default=None, help="只列这份报告（报告编号，当前版本与否均可）。"
)
@click.option(
    "--body", default=None, help="只列这个机关（任一写法；不完全的名称匹配所有含它的机关）。"
)
@click.option("--year", type=int, default=None, help="只列这一年度的报告。")
@click.option(
    "--status",
    type=click.Choice(list(STATUSES)),
    default=None,
    help="只列这种处理状态：open 待处理、dismissed 已忽略、fixed 已整改。",
)
@click.option(
    "--severity",
    type=click.Choice(list(SEVERITY_LABELS)),
    default=None,
    help="只列这种严重程度：error 错误、warning 警告、info 提示。",
)
@output_options(FINDINGS, "检查结果清单")
def findings_command(
    db: str | None,
    db_timeout: float | None,
    report: int | None,
    body: str | None,
    year: int | None,
    status: str | None,
    severity: str | None,
    fmt: str | None,
    out: Path | None,
) -> None:
    """列出数据库中各报告当前版本的检查结果（不含不适用的规则），可按报告、机关、年度、
    处理状态和严重程度筛选。CSV/XLSX 的第一行为字段名，第二行为中文列名。"""
    tgt = target(FINDINGS, fmt, out)
    store = open_db(db, db_timeout, create=False)
    try:
        rows = list_findings(store, report, body, year, status, severity)
    except GongkaiError as exc:
        fail_on(exc)
    finally:
        store.close()
    header = list(COLUMNS)
    names = [LABELS[k] for k in header]
    body_rows = [[r[k] for k in header] for r in rows]
    if tgt.fmt == "text" and tgt.path is None:
        table(f"检查结果：{len(rows)} 条", names, [_shown(r) for r in rows])
        return
    data: str | bytes
    if tgt.fmt == "text":
        shown: list[list[object]] = [list(names), *map(_shown, rows)]
        data = "".join("\t".join(map(str, r)) + "\n" for r in shown)
    elif tgt.fmt == "json":
        data = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    elif tgt.fmt == "csv":
        data = output.csv_text(header, body_rows, names)
    else:
        wb = output.xlsx_workbook(header, body_rows, "findings", 1, names, label_row=True)
        data = output.xlsx_bytes(wb)
    emit(tgt, data)


@click.command("finding")
@click.argument("finding_id", metavar="ID", type=int)
@click.option(
    "--dismiss",
    "reason",
    metavar="REASON",
    is_flag=False,
    flag_value="",
    default=None,
    help="忽略这条检查结果，并说明理由（必填）。",
)
@click.option("--fix", is_flag=True, help="标记为已整改。")
@click.option("--reopen", is_flag=True, help="重新打开（恢复为待处理）。")
@click.option("--by", "actor", default=None, help="操作人（默认当前系统用户名），记入审计记录。")
@db_options
def finding_command(
    finding_id: int,
    reason: str | None,
    fix: bool,
    reopen: bool,
    actor: str | None,
    db: str | None,
    db_timeout: float | None,
) -> None:
    """更改一条检查结果的处理状态：忽略（须说明理由）、已整改或重新打开；每次更改都记入审计记录。"""
    chosen = [
        s for s, on in (("dismissed", reason is not None), ("fixed", fix), ("open", reopen)) if on
    ]
    if len(chosen) != 1:
        fail("请给出且只给出 --dismiss 理由、--fix、--reopen 中的一个", USAGE)
    if actor is None:
        try:
            actor = getpass.getuser()
        except Exception:  # no user name in this environment (e.g. a container)
            fail("无法得知当前用户名，请用 --by 说明操作人", USAGE)
    store = open_db(db, db_timeout, create=False)
    try:
        done = set_status(store, finding_id, chosen[0], actor, reason)
    except GongkaiError as exc:
        fail_on(exc)
    finally:
        store.close()
    line = f"检查结果 {done['id']}（{done['code']}）：{STATUSES[done['status']]}"
    if done["reason"]:
        line += f"，理由：{done['reason']}"
    click.echo(safe(line))


__all__ = ["db_options", "finding_command", "findings_command", "import_command", "open_db"]
