"""The web app at 10,000 stored reports: p50 / p95 latency of every page and its JSON twin, on
SQLite and PostgreSQL, and requests/s under concurrent clients on loopback.

Usage: python benchmarks/web.py [--db FILE] [--postgres] [-n 30] [--clients 20] [--seconds 15]

``--db`` is a store filled by ``gongkai import`` (by default the one ``benchmarks/store.py``
leaves in /tmp/gongkai-store-bench/runs/all.db: 10,000 generated reports of 1,667 bodies in
three provinces, 2019–2024); ``--postgres`` copies it into a private PostgreSQL cluster and
measures there too. Latency is measured in process through the ASGI test client (the app's own
time: routing, queries, templates; no network), each call with other arguments (another report,
body, region, year, filter) after one warm-up call. Throughput runs the app in uvicorn (one
process: ``gongkai serve`` itself) and ``--clients`` concurrent HTTP clients in this process
for ``--seconds`` over a mix of pages; on a 2-core machine the clients share the cores with
the server.

Goals (issue 9): p95 < 150 ms for every page, < 50 ms for every JSON twin.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import func, select  # noqa: E402

from gongkai.store import Store, open_store, regional, schema  # noqa: E402
from gongkai.store.users import add_user  # noqa: E402
from gongkai.web import create_app  # noqa: E402

USER, PASSWORD = "bench-admin", "bench-password-1"
GONGKAI = str(Path(sys.executable).with_name("gongkai"))
DEFAULT_DB = Path("/tmp/gongkai-store-bench/runs/all.db")
PHRASES = ["依申请公开", "政府信息公开", "存在的主要问题"]  # common: found in most reports


class Sample:
    """Random arguments drawn from what the store holds."""

    def __init__(self, store: Store, seed: int = 7) -> None:
        r, b = schema.reports.c, schema.bodies.c
        with store.begin() as conn:
            self.reports = list(conn.execute(select(r.id).where(r.current.is_(True))).scalars())
            self.pdfs = list(
                conn.execute(select(r.id).where(r.current.is_(True), r.format == "pdf")).scalars()
            )
            self.bodies = list(conn.execute(select(b.id, b.name)).all())
            regions = conn.execute(select(b.region).where(b.region.is_not(None)).distinct())
            self.regions = sorted({p.rsplit("/", 1)[0] for p in regions.scalars()} - {""})
            self.years = sorted(
                conn.execute(select(r.year).where(r.year.is_not(None)).distinct()).scalars()
            )
            self.count = conn.execute(select(func.count()).select_from(schema.reports)).scalar()
        self.rng = random.Random(seed)

    def pick(self, items: list):  # type: ignore[no-untyped-def]
        return self.rng.choice(items)

    def provinces(self) -> list[str]:
        return sorted({r.split("/")[0] for r in self.regions})


def pages(s: Sample) -> dict[str, Callable[[], str]]:
    """Each page (by name) and a maker of one of its URLs with fresh arguments."""
    year = lambda: s.pick(s.years)  # noqa: E731
    body = lambda: s.pick(s.bodies)  # noqa: E731
    cities = [r for r in s.regions if r.count("/") == 1]
    again = f"/summary?region={cities[0]}&year={s.years[-1]}"
    return {
        "总览 (province)": lambda: f"/overview?region={s.pick(s.provinces())}&year={year()}",
        "总览 (city)": lambda: f"/overview?region={s.pick(s.regions)}&year={year()}",
        "报告 list": lambda: f"/reports?year={year()}&region={s.pick(s.regions)}",
        "报告 list, all, sorted by errors": lambda: (
            f"/reports?sort=errors&page={s.rng.randint(1, 20)}"
        ),
        "报告 body search": lambda: f"/reports?body={body()[1][-6:-2]}",
        "报告 text search": lambda: f"/reports?text={s.pick(PHRASES)}&year={year()}",
        "一份报告": lambda: f"/reports/{s.pick(s.reports)}",
        "整改通知": lambda: f"/reports/{s.pick(s.reports)}/letter",
        "一个单位": lambda: f"/bodies/{body()[0]}",
        "对比 (5 bodies × 6 years)": lambda: (
            "/compare?"
            + "&".join(f"body={b[1]}" for b in s.rng.sample(s.bodies, 5))
            + "".join(f"&year={y}" for y in s.years[-6:])
            + "&figure=requests.new.total&figure=rate.granted"
        ),
        "汇总 (a city's year, first time)": lambda: (
            f"/summary?region={s.pick(cities)}&year={year()}"
        ),
        "汇总 (the same again: cached)": lambda: again,
    }


def latency(
    client, make: Callable[[], str], n: int, cold: bool = False
) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """p50 / p95 in ms over ``n`` calls, and how many answered with an error status (``cold``:
    the summaries' cache emptied before each call)."""
    client.get(make())
    times, bad = [], 0
    for _ in range(n):
        url = make()
        if cold:
            regional._CACHE.clear()
        start = time.perf_counter()
        answer = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        bad += answer.status_code >= 400
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], bad


def login_client(app):  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient
    from web_util import csrf_of

    client = TestClient(app, follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"name": USER, "password": PASSWORD, "csrf_token": token})
    return client


def ensure_user(store: Store) -> None:
    with store.begin() as conn:
        have = conn.execute(select(schema.users.c.id).where(schema.users.c.name == USER)).first()
    if have is None:
        add_user(store, USER, PASSWORD, "admin", actor="benchmark")


def json_url(url: str) -> str:
    path, _, query = url.partition("?")
    return f"{path}.json" + (f"?{query}" if query else "")


def measure(db: str, label: str, n: int) -> None:
    store = open_store(db)
    ensure_user(store)
    sample = Sample(store)
    client = login_client(create_app(store))
    print(f"\n{label}: {sample.count} readings stored, p50 / p95 ms over {n} calls each")
    print(f"{'page':<34} {'HTML p50':>9} {'p95':>7} {'JSON p50':>9} {'p95':>7}  errors")
    for name, make in pages(sample).items():
        cold = "first time" in name
        h50, h95, hbad = latency(client, make, n, cold)
        j50, j95, jbad = latency(client, lambda m=make: json_url(m()), n, cold)  # type: ignore[misc]
        flag = "" if h95 < 150 and j95 < 50 else "  ← over goal"
        print(f"{name:<34} {h50:9.1f} {h95:7.1f} {j50:9.1f} {j95:7.1f}  {hbad + jbad}{flag}")
    store.close()


class Served:
    """``gongkai serve`` as a person starts it, in a process of its own (the load generator
    in this process does not share the server's interpreter)."""

    def __init__(self, db: str) -> None:
        from pg import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [GONGKAI, "serve", "--db", db, "--port", str(self.port)]

    def __enter__(self) -> Served:
        import httpx

        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(200):
            try:
                httpx.get(self.url + "/login")
                return self
            except httpx.ConnectError:
                time.sleep(0.1)
        raise RuntimeError("gongkai serve did not start")

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# Pages a person opens all day (a listing, a report, a body, a city): the everyday mix.
EVERYDAY = (
    "总览 (city)",
    "报告 list",
    "报告 body search",
    "一份报告",
    "整改通知",
    "一个单位",
    "对比",
)


def throughput(db: str, label: str, clients: int, seconds: float) -> None:
    for mix in ("every page", "everyday pages"):
        load(db, f"{label}, {mix}", clients, seconds, everyday=mix == "everyday pages")


def load(db: str, label: str, clients: int, seconds: float, everyday: bool) -> None:
    import httpx
    from web_util import csrf_of

    store = open_store(db)
    ensure_user(store)
    sample = Sample(store, seed=11)
    found = pages(sample)
    makers = [m for n, m in found.items() if not everyday or n.startswith(EVERYDAY)]
    with Served(db) as server:
        with httpx.Client(base_url=server.url) as first:  # log in through the server itself
            token = csrf_of(first.get("/login").text)
            first.post("/login", data={"name": USER, "password": PASSWORD, "csrf_token": token})
            cookies = first.cookies

        async def run() -> tuple[int, int, list[float]]:
            done, bad, times = 0, 0, []
            stop = time.monotonic() + seconds
            async with httpx.AsyncClient(base_url=server.url, cookies=cookies, timeout=60) as c:

                async def worker() -> None:
                    nonlocal done, bad
                    while time.monotonic() < stop:
                        url = sample.pick(makers)()
                        if sample.rng.random() < 0.5:
                            url = json_url(url)
                        start = time.perf_counter()
                        answer = await c.get(url)
                        times.append((time.perf_counter() - start) * 1000)
                        done += 1
                        bad += answer.status_code != 200

                await asyncio.gather(*(worker() for _ in range(clients)))
            return done, bad, times

        start = time.monotonic()
        done, bad, times = asyncio.run(run())
        took = time.monotonic() - start
    times.sort()
    print(
        f"\n{label}: {clients} concurrent clients, {took:.0f} s, half HTML half JSON: "
        f"{done / took:.1f} requests/s, latency p50 {statistics.median(times):.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms, {bad} errors"
    )
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=str(DEFAULT_DB))
    ap.add_argument("--postgres", action="store_true", help="also on a PostgreSQL copy")
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=15)
    args = ap.parse_args()
    if not Path(args.db).exists():
        sys.exit(f"{args.db}: no such store; run benchmarks/store.py first, or gongkai import")
    measure(args.db, "SQLite", args.n)
    throughput(args.db, "SQLite", args.clients, args.seconds)
    if args.postgres:
        from pg import Cluster
        from store import copy_to_postgres

        cluster = Cluster.start()
        try:
            url = cluster.fresh_database()
            copy_to_postgres(args.db, url)
            measure(url, "PostgreSQL", args.n)
            throughput(url, "PostgreSQL", args.clients, args.seconds)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
