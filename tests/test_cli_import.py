"""``gongkai import``, ``gongkai findings`` and ``gongkai finding`` on real reports, on SQLite and
PostgreSQL: the summary and exit status, idempotence, one line per unreadable file, the findings
listing and its filters, dismissing with a reason (audited), and a Chinese message with nothing
written for a corrupt, newer, locked or unreachable database. A few runs go through the real
``gongkai`` program so that the exit status and stderr are the ones a shell sees."""

from __future__ import annotations

import csv
import getpass
import io
import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from corpus_util import SHARED_CORPUS
from openpyxl import load_workbook
from pg import Cluster
from sqlalchemy import create_engine, select, text

from gongkai.cli import main
from gongkai.store import list_findings, open_store, schema
from gongkai.store.listing import COLUMNS

RAW = SHARED_CORPUS / "raw"
GONGKAI = Path(sys.executable).with_name("gongkai")
TABLES = ("reports", "cells", "findings", "files", "sections")
FIRST: dict[str, Result] = {}  # the corpus_url fixture's first import, by database


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = {
            t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0) for t in TABLES
        }
    engine.dispose()
    return out


def real_gongkai(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The installed ``gongkai`` program, stderr a pipe (so no terminal progress bar)."""
    return subprocess.run(
        [str(GONGKAI), *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def no_traceback(result: Result | subprocess.CompletedProcess[str]) -> None:
    out = result.output if isinstance(result, Result) else result.stdout + result.stderr
    assert "Traceback" not in out
    if isinstance(result, Result) and result.exception is not None:
        assert isinstance(result.exception, SystemExit), result.exception


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def corpus_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database the corpus was imported into once, by ``gongkai import``; shared by the
    module's tests (first import's Result in ``corpus_url.first``)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'gongkai.db'}"
        cluster = None
    else:
        cluster = request.getfixturevalue("postgres_cluster")
        assert isinstance(cluster, Cluster)
        url = cluster.fresh_database()
    FIRST[url] = run("import", RAW, "--db", url)
    try:
        yield url
    finally:
        if cluster is not None:
            cluster.drop_database(url)


def test_importing_the_corpus_twice_gives_the_same_database(corpus_url: str) -> None:
    first = FIRST[corpus_url]
    assert first.exit_code == 0, first.output
    assert "已导入 20 份报告" in first.stderr
    assert "无法读取" not in first.stderr
    before = counts(corpus_url)
    assert before["reports"] == 20 and before["files"] == 20 and before["cells"] >= 3195
    again = run("import", RAW, "--db", corpus_url)
    assert again.exit_code == 0, again.output
    assert "已导入 0 份报告，跳过 20 份已导入的文件" in again.stderr
    assert counts(corpus_url) == before


def test_reread_of_an_up_to_date_database_reads_nothing(corpus_url: str) -> None:
    before = counts(corpus_url)
    result = run("import", "--reread", "--db", corpus_url)
    assert result.exit_code == 0, result.output
    assert "重新读取 0 份，其中 0 份读取结果有变化" in result.stderr
    assert counts(corpus_url) == before


def listed(url: str, *args: str) -> list[dict[str, Any]]:
    result = run("findings", "--db", url, "-f", "json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_findings_listing_and_its_filters(corpus_url: str) -> None:
    every = listed(corpus_url)
    with open_store(corpus_url) as store:
        assert every == list_findings(store)
    assert every and all(list(r) == list(COLUMNS) for r in every)
    # findings in force of the current readings: not inapplicable rules, not earlier versions
    f, r = schema.findings.c, schema.reports.c
    engine = create_engine(corpus_url)
    with engine.connect() as conn:
        in_force = conn.execute(
            select(f.id)
            .join(schema.reports, r.id == f.report_id)
            .where(f.applicable.is_(True), f.active.is_(True), r.current.is_(True))
        ).scalars()
        assert {r["id"] for r in every} == set(in_force)
        earlier = conn.execute(select(r.id).where(r.current.is_(False))).scalars().first()
    engine.dispose()
    assert earlier is not None  # the corpus holds two versions of one body and year
    assert listed(corpus_url, "--report", str(earlier))  # asked for, an earlier one is listed

    errors = listed(corpus_url, "--severity", "error")
    assert errors and {r["severity"] for r in errors} == {"error"}
    assert {r["code"] for r in errors} >= {"C1", "C2"}  # 洪泽区's review totals of 0
    year = listed(corpus_url, "--year", "2023")
    assert year and {r["year"] for r in year} == {2023} and len(year) < len(every)
    body = listed(corpus_url, "--body", "洪泽区")  # part of a name finds the body
    assert body and {r["body"] for r in body} == {"淮安市洪泽区人民政府"}  # the fullest spelling
    assert listed(corpus_url, "--body", "洪泽区人民政府") == body
    assert listed(corpus_url, "--body", "没有这个机关") == []
    report = every[0]["report"]
    one = listed(corpus_url, "--report", str(report))
    assert one == [r for r in every if r["report"] == report]
    both = listed(corpus_url, "--year", "2023", "--severity", "error")
    assert both == [r for r in year if r["severity"] == "error"]
    assert all(r["status"] == "dismissed" for r in listed(corpus_url, "--status", "dismissed"))

    wrong = run("findings", "--db", corpus_url, "--status", "gone")
    assert wrong.exit_code == 2


def test_findings_as_a_table_csv_and_xlsx(corpus_url: str, tmp_path: Path) -> None:
    every = listed(corpus_url)
    shown = run("findings", "--db", corpus_url, "--severity", "error")
    assert shown.exit_code == 0
    lines = shown.stdout.splitlines()
    assert lines[1].split("\t")[:3] == ["编号", "报告编号", "机关"]
    assert len(lines) == 2 + len([r for r in every if r["severity"] == "error"])
    assert lines[2].split("\t")[5] == "错误"  # severity in Chinese for people

    out = tmp_path / "findings.csv"
    assert run("findings", "--db", corpus_url, "-o", out).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and rows[1][0] == "编号"
    assert len(rows) == 2 + len(every)

    book = tmp_path / "findings.xlsx"
    assert run("findings", "--db", corpus_url, "-o", book, "--year", "2023").exit_code == 0
    ws = load_workbook(book)["findings"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert [c.value for c in ws[2]][:3] == ["编号", "报告编号", "机关"]

    plain = tmp_path / "findings.txt"
    assert run("findings", "--db", corpus_url, "-o", plain, "--severity", "error").exit_code == 0
    assert plain.read_text("utf-8").splitlines() == lines[1:]  # the table without its title
    assert ws.max_row == 2 + len([r for r in every if r["year"] == 2023])


def test_dismissing_needs_a_reason_and_is_audited(corpus_url: str) -> None:
    target = listed(corpus_url, "--severity", "warning")[0]
    fid = str(target["id"])

    for refused in (("--dismiss",), ("--dismiss", " ")):
        result = run("finding", fid, *refused, "--db", corpus_url)
        assert result.exit_code == 1
        assert "必须说明理由" in result.stderr
        no_traceback(result)
    assert run("finding", fid, "--db", corpus_url).exit_code == 2
    assert run("finding", fid, "--fix", "--reopen", "--db", corpus_url).exit_code == 2
    missing = run("finding", "999999", "--fix", "--db", corpus_url)
    assert missing.exit_code == 1 and "没有编号为 999999 的检查结果" in missing.stderr

    done = run("finding", fid, "--dismiss", "表中确无此类申请", "--by", "张三", "--db", corpus_url)
    assert done.exit_code == 0, done.output
    assert "已忽略" in done.stdout and "表中确无此类申请" in done.stdout
    dismissed = listed(corpus_url, "--status", "dismissed")
    assert [(r["id"], r["reason"]) for r in dismissed] == [(target["id"], "表中确无此类申请")]

    assert run("finding", fid, "--fix", "--db", corpus_url).exit_code == 0
    a = schema.audit.c
    engine = create_engine(corpus_url)
    with engine.connect() as conn:
        trail = conn.execute(
            select(a.actor, a.action, a.reason).where(a.target == f"finding:{fid}").order_by(a.id)
        ).all()
    engine.dispose()
    assert [tuple(t) for t in trail] == [
        ("张三", "finding.dismissed", "表中确无此类申请"),
        (getpass.getuser(), "finding.fixed", None),  # --by defaults to the OS user
    ]
    assert listed(corpus_url, "--status", "fixed")[0]["id"] == target["id"]


def mixed_folder(root: Path) -> Path:
    """A good report and a garbage ``.pdf`` beside it (and a non-report file)."""
    folder = root / "mixed"
    folder.mkdir()
    shutil.copy(RAW / "r001.txt", folder / "r001.txt")
    (folder / "garbage.pdf").write_bytes(random.Random(8).randbytes(4096))
    (folder / "notes.xyz").write_text("not a report", "utf-8")
    return folder


def test_real_program_names_the_unreadable_file_and_stores_the_good_one(
    db_url: str, tmp_path: Path
) -> None:
    folder = mixed_folder(tmp_path)
    proc = real_gongkai("import", str(folder), "--db", db_url)
    assert proc.returncode == 1, proc.stderr
    no_traceback(proc)
    lines = proc.stderr.splitlines()
    assert any(line.startswith("无法读取 ") and "garbage.pdf：" in line for line in lines), (
        proc.stderr
    )
    assert any(line.startswith("已跳过 1 个文件：") and "notes.xyz" in line for line in lines)
    assert lines[-1].startswith("已导入 1 份报告，1 个文件无法读取（数据库：")
    assert "导入报告：2/2（100%）" in proc.stderr  # plain progress lines: stderr is no terminal
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr
    assert counts(db_url)["reports"] == 1
    r = schema.reports.c
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(r.path)).scalar_one().endswith("r001.txt")
    engine.dispose()


def test_failures_show_beside_a_terminal_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gongkai.cli.store.stderr_is_terminal", lambda: True)
    result = run("import", mixed_folder(tmp_path), "--db", tmp_path / "t.db")
    assert result.exit_code == 1
    assert "garbage.pdf：" in result.stderr and "已导入 1 份报告" in result.stderr


def test_ctrl_c_stops_and_the_same_command_continues(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    args = [str(GONGKAI), "import", str(RAW), "--db", str(db), "--jobs", "1"]
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # the first progress line: reading has started
        seen.append(line)
        if line.startswith("导入报告："):
            proc.send_signal(signal.SIGINT)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, "".join(seen) + rest
    assert "已中断" in rest and "再次运行同一命令即从中断处继续" in rest
    assert "Traceback" not in rest
    again = run("import", RAW, "--db", db)
    assert again.exit_code == 0, again.output
    stored = counts(f"sqlite:///{db}")
    assert stored["reports"] == 20 and stored["files"] == 20


def test_usage_mistakes_are_refused_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    nothing = run("import", "--db", db)
    assert nothing.exit_code == 2 and "请给出要导入的" in nothing.stderr
    both = run("import", RAW, "--reread", "--db", db)
    assert both.exit_code == 2 and "不需要给出 PATH" in both.stderr
    assert not db.exists()


def test_a_corrupt_database_file_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(random.Random(1).randbytes(16384))
    before = db.read_bytes()
    for args in (("import", RAW), ("findings",), ("finding", "1", "--fix")):
        result = run(*args, "--db", db)
        assert result.exit_code == 1, result.output
        assert "数据库文件已损坏" in result.stderr and str(db) in result.stderr
        no_traceback(result)
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.db"]


def test_a_database_from_a_newer_gongkai_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    open_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f0000000000f'")
    conn.close()
    result = run("import", RAW / "r001.txt", "--db", db)
    assert result.exit_code == 1 and "更新版本的 gongkai" in result.stderr
    assert counts(f"sqlite:///{db}")["reports"] == 0


def test_a_locked_database_file_gives_a_message_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert run("import", RAW / "r001.txt", "--db", db).exit_code == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        by_env = run("import", RAW / "r002.txt", "--db", db, env={"GONGKAI_DB_TIMEOUT": "0.2"})
        by_option = run("finding", "1", "--fix", "--db", db, "--db-timeout", "0.2")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for result in (by_env, by_option):
        assert result.exit_code == 1, result.output
        assert "已锁定" in result.stderr
        no_traceback(result)
    assert counts(f"sqlite:///{db}")["reports"] == 1
    f = schema.findings.c
    with open_store(db) as store, store.begin() as conn:
        assert conn.execute(select(f.status).where(f.id == 1)).scalar() == "open"


def test_postgresql_down_gives_a_message(postgres_down_url: str) -> None:
    for args in (("import", RAW / "r001.txt"), ("findings",)):
        result = run(*args, "--db", postgres_down_url)
        assert result.exit_code == 1
        assert "无法连接 PostgreSQL 数据库" in result.stderr
        no_traceback(result)


def test_import_on_a_dask_local_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    db = tmp_path / "t.db"
    folder = mixed_folder(tmp_path)
    shutil.copy(RAW / "p001.pdf", folder / "p001.pdf")
    # a real process: the LocalCluster's threads and workers end with it
    proc = real_gongkai("import", str(folder), "--dask", "--jobs", "2", "--db", str(db))
    assert proc.returncode == 1, proc.stderr
    assert "garbage.pdf：" in proc.stderr
    assert "已导入 2 份报告，1 个文件无法读取" in proc.stderr
    assert counts(f"sqlite:///{db}")["reports"] == 2


@pytest.mark.parametrize(
    "args", [["findings"], ["finding", "1", "--fix"], ["query", "missing", "--year", "2024"]]
)
def test_reading_verbs_refuse_a_missing_database_and_create_none(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "typo.db"
    from gongkai.cli import main

    result = CliRunner().invoke(main, [*args, "--db", str(db)])
    assert result.exit_code == 1
    assert "数据库文件不存在" in result.output
    assert not db.exists()
