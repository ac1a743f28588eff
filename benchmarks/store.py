"""The store at scale: import rate and peak memory, and query latency.

Usage: python benchmarks/store.py [WORK_DIR] [-n 10000] [--scale 10] [--skip-postgres]

1. A generated corpus of ``-n`` reports (``benchmarks/store_corpus.py``: corpus reports with
   varied numbers, in every format; cached in WORK_DIR).
2. Import, each as the whole command a user runs, against plain ``gongkai extract`` on the same
   files in the same run: 1 core, all cores, a Dask LocalCluster; SQLite, and PostgreSQL on all
   cores. Prints reports/s, the ratio to extract and the peak memory of the command's process
   tree (the writing process and the workers).
3. Query latency (p50/p95 over repeated calls with varied arguments) of the public queries on
   the imported database, then on a database ``--scale`` times larger, made by copying the
   stored reports under new bodies (the same rows a larger import would give), on SQLite and
   PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402

from gongkai.store import open_store  # noqa: E402
from gongkai.store.queries import body_years, missing, region_reports  # noqa: E402
from gongkai.store.rates import figures  # noqa: E402
from gongkai.store.roster import import_roster  # noqa: E402
from gongkai.store.text_search import search_sections  # noqa: E402

GONGKAI = str(Path(sys.executable).with_name("gongkai"))


def tree_rss(pid: int) -> int:
    """Resident memory of a process and its descendants (bytes; Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Seconds and peak tree memory of a command (which must succeed but for unreadable files)."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    watcher.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-2000:]}")
    return seconds, peak


def import_rates(corpus: Path, work: Path, pg_url: str | None) -> str:
    """Run the import variants; returns the SQLite database of the all-cores run."""
    files = corpus / "files"
    n = sum(1 for _ in files.rglob("*.*"))
    cores = os.cpu_count() or 1
    runs: list[tuple[str, list[str]]] = [
        (
            "extract (baseline, all cores)",
            [GONGKAI, "extract", str(files), "-f", "jsonl", "-o", str(work / "x.jsonl")],
        ),
        (
            "import SQLite, 1 core",
            [GONGKAI, "import", str(files), "--db", str(work / "one.db"), "--jobs", "1"],
        ),
        (
            f"import SQLite, {cores} cores",
            [GONGKAI, "import", str(files), "--db", str(work / "all.db")],
        ),
        (
            "import SQLite, Dask LocalCluster",
            [GONGKAI, "import", str(files), "--db", str(work / "dask.db"), "--dask"],
        ),
    ]
    if pg_url:
        runs.append(
            (f"import PostgreSQL, {cores} cores", [GONGKAI, "import", str(files), "--db", pg_url])
        )
    print(f"\n## Import of {n} generated reports ({cores} cores)\n")
    print("| run | seconds | reports/s | ratio to extract | peak memory (MB) |")
    print("|---|---|---|---|---|")
    base = None
    for name, cmd in runs:
        seconds, peak = timed(cmd)
        base = base or seconds
        rate, ratio, mb = n / seconds, seconds / base, peak / 2**20
        print(f"| {name} | {seconds:.1f} | {rate:.1f} | {ratio:.2f} | {mb:.0f} |", flush=True)
    return str(work / "all.db")


def latency(call: Callable[[], Any], repeat: int = 40) -> tuple[float, float]:
    call()  # warm caches, as a server would be
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def query_latency(db: str, label: str) -> None:
    rng = random.Random(1)
    with open_store(db) as store, store.begin() as conn:
        bodies = [r[0] for r in conn.execute(text("SELECT name FROM bodies"))]
        regions = sorted(
            {
                r[0].split("/")[0]
                for r in conn.execute(text("SELECT region FROM bodies WHERE region IS NOT NULL"))
            }
        )
        cities = sorted(
            {
                "/".join(r[0].split("/")[:2])
                for r in conn.execute(text("SELECT region FROM bodies WHERE region LIKE '%/%'"))
            }
        )
        reports = conn.execute(text("SELECT count(*) FROM reports")).scalar()
    with open_store(db) as store:
        some = rng.sample(bodies, min(50, len(bodies)))
        cases: list[tuple[str, Callable[[], Any]]] = [
            ("a body's years", lambda: body_years(store, rng.choice(bodies))),
            (
                "a city's reports for a year, with finding counts",
                lambda: region_reports(store, rng.choice([2021, 2022, 2023]), rng.choice(cities)),
            ),
            (
                "a province's reports for a year",
                lambda: region_reports(store, 2023, rng.choice(regions)),
            ),
            (
                "who on the roster has not reported",
                lambda: missing(store, rng.choice([2022, 2023, 2024]), rng.choice(cities)),
            ),
            (
                "a cell for 50 bodies × 3 years",
                lambda: figures(
                    store,
                    [2021, 2022, 2023],
                    ["requests.new.total"],
                    bodies=rng.sample(some, 50) if len(some) >= 50 else some,
                ),
            ),
            (
                "a rate for a city × 6 years",
                lambda: figures(
                    store, range(2019, 2025), ["rate.granted"], region=rng.choice(cities)
                ),
            ),
            (
                "full-text search",
                lambda: search_sections(
                    store,
                    rng.choice(["行政复议", "依申请公开", "政府信息公开", "规范性文件"]),
                    limit=50,
                ),
            ),
        ]
        print(f"\n## Query latency, {label}: {reports} stored reports\n")
        print("| query | p50 ms | p95 ms |")
        print("|---|---|---|")
        for name, call in cases:
            p50, p95 = latency(call)
            print(f"| {name} | {p50:.1f} | {p95:.1f} |", flush=True)


# How each copied table's columns change in the k-th copy (other columns are copied as they are).
_SHIFT = {"id": None, "body_id": "body_id + :b * :k", "report_id": "report_id + :r * :k"}
_COPY = {
    # the k-th copy lies in provinces of its own ("河北省#3/…"): 100,000 reports are a whole
    # country's bodies, each city and province of the usual size
    "bodies": (
        {
            "id": "id + :b * :k",
            "name": "name || '#' || :k",
            "parent_id": "NULL",
            "region": "CASE WHEN instr(region, '/') > 0 THEN substr(region, 1, instr(region, "
            "'/') - 1) || '#' || :k || substr(region, instr(region, '/')) "
            "ELSE region || '#' || :k END",
        },
        "id <= :b",
    ),
    "body_names": ({"name": "name || '#' || :k"}, "body_id <= :b"),
    "roster": ({}, "body_id <= :b"),
    "reports": (
        {"id": "id + :r * :k", "reader_version": "reader_version || '#' || :k"},
        "id <= :r",
    ),
    "cells": ({}, "report_id <= :r"),
    "sections": ({}, "report_id <= :r"),
    "findings": ({}, "report_id <= :r"),
}


def copies() -> list[str]:
    """INSERT … SELECT statements copying every stored body and report, and their rows."""
    from gongkai.store import schema

    out = []
    for name, (special, where) in _COPY.items():
        table = schema.metadata.tables[name]
        cols, exprs = [], []
        for col in table.columns:
            expr = special.get(col.name, _SHIFT.get(col.name, col.name))
            if expr is None:
                continue  # a new id
            cols.append(col.name)
            exprs.append(expr)
        out.append(
            f"INSERT INTO {name} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {name} "
            f"WHERE {where}"
        )
    return out


SETVAL = (
    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
    "coalesce((SELECT max(id) FROM {table}), 1))"
)


def scale_up(db: str, times: int) -> None:
    with open_store(db) as store, store.begin() as conn:
        b = conn.execute(text("SELECT max(id) FROM bodies")).scalar()
        r = conn.execute(text("SELECT max(id) FROM reports")).scalar()
        for k in range(1, times):
            for sql in copies():
                conn.execute(text(sql), {"b": b, "r": r, "k": k})
        if store.dialect == "postgresql":
            for table in ("bodies", "reports", "sections", "findings"):
                conn.execute(text(SETVAL.format(table=table)))
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))


def copy_to_postgres(sqlite_db: str, pg_url: str) -> None:
    """The SQLite store's rows into a fresh PostgreSQL store (the same schema)."""
    from sqlalchemy import create_engine, select

    from gongkai.store import schema

    open_store(pg_url).close()
    src, dst = create_engine(f"sqlite:///{sqlite_db}"), create_engine(pg_url)
    with src.connect() as a, dst.begin() as b:
        b.execute(text("SET session_replication_role = replica"))  # rows arrive in id order
        for table in schema.metadata.sorted_tables:
            rows = a.execute(select(table)).mappings()
            batch: list[dict[str, Any]] = []
            for row in rows:
                batch.append(dict(row))
                if len(batch) == 5000:
                    b.execute(table.insert(), batch)
                    batch = []
            if batch:
                b.execute(table.insert(), batch)
        for table in ("bodies", "reports", "sections", "findings", "runs", "audit", "changes"):
            b.execute(text(SETVAL.format(table=table)))
        b.execute(text("ANALYZE"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "work", nargs="?", default=str(Path(tempfile.gettempdir()) / "gongkai-store-bench")
    )
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument(
        "--queries-only", action="store_true", help="reuse WORK_DIR/runs/all.db from a run before"
    )
    args = ap.parse_args()
    work = Path(args.work)
    corpus = work / f"corpus-{args.n}"
    if not (corpus / "manifest.csv").exists():
        from store_corpus import generate

        print(f"generating {args.n} reports in {corpus} …", flush=True)
        generate(corpus, n=args.n)
    runs = work / "runs"
    if not args.queries_only:
        shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir(parents=True, exist_ok=True)
    cluster = None
    pg_import = pg_small = pg_large = None
    if not args.skip_postgres:
        from pg import Cluster

        cluster = Cluster.start()
        pg_import, pg_small, pg_large = (cluster.fresh_database() for _ in range(3))
    try:
        db = str(runs / "all.db") if args.queries_only else import_rates(corpus, runs, pg_import)
        with open_store(db) as store:
            for year in range(2019, 2026):  # every body is expected every year; 2025 is missing
                import_roster(store, corpus / "roster.csv", year=year)
        query_latency(db, "SQLite")
        if pg_small:
            copy_to_postgres(db, pg_small)
            query_latency(pg_small, "PostgreSQL")
        big = str(runs / "big.db")
        shutil.copy(db, big)
        print(f"\ncopying to {args.scale}× …", flush=True)
        scale_up(big, args.scale)
        query_latency(big, "SQLite")
        if pg_large:
            copy_to_postgres(big, pg_large)
            query_latency(pg_large, "PostgreSQL")
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
