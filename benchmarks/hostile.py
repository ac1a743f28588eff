"""Time and peak memory of ``gongkai.read`` and of the verbs check, render and summarize on
each kind of hostile input (issue 11, 22-26).

Usage: python benchmarks/hostile.py [--only NAME ...]

Each input is generated at the size named in the issue (tests/hostile_kinds.py), written to a
temporary folder, and read by ``gongkai.read`` in a fresh Python process; the time is that of
the read alone, the peak memory the process's maximum resident set (``ru_maxrss``, which
includes the interpreter and the imported libraries, about 50 MB). A few files just under the
limits show what reading costs where nothing is refused, and the last row reads all the files
and the corpus as one batch (``gongkai.batch.read_many``). Goal: no file over 10 s or 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import hostile_kinds as kinds  # noqa: E402

GOAL_SECONDS = 10.0
GOAL_MB = 500

NEAR_LIMITS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "near: txt 99,000 lines": (
        "lines.txt",
        lambda: (kinds.TITLE + "\n" + "某\n" * 99_000).encode(),
    ),
    "near: docx xml 24 MB": ("xml24.docx", lambda: kinds.docx_inflating(24 * 1024 * 1024)),
    "near: pdf 300 real pages": ("p300.pdf", lambda: kinds.pdf_corpus_pages(300)),
    "near: pdf 60 real pages": ("p60.pdf", lambda: kinds.pdf_corpus_pages(60)),
    "near: html 19 MB": (
        "big.html",
        lambda: kinds._html("<p>本机关主动公开政府信息若干条。</p>" * 400_000),
    ),
}

_READ = """
import json, resource, sys, time
import gongkai
t = time.perf_counter()
try:
    r = gongkai.read(sys.argv[1])
    result = "读取成功" + ("：" + r.warnings[0] if r.warnings else "")
except gongkai.GongkaiError as e:
    result = e.message
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "kb": peak, "result": result}))
"""

_BATCH = """
import json, resource, sys, time
from gongkai.batch import read_many
t = time.perf_counter()
outcomes = list(read_many(sys.argv[1:]))
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": time.perf_counter() - t, "kb": peak,
                  "ok": sum(1 for o in outcomes if o.report), "files": len(outcomes),
                  "errors": [o.error for o in outcomes if o.error]}))
"""


def run(code: str, args: list[str]) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; its JSON output (or the failure)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    try:
        out: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
        return out
    except (ValueError, IndexError):
        return {"seconds": float("nan"), "kb": 0, "result": "进程失败：" + proc.stderr[-200:]}


VERBS: dict[str, Callable[[str, str], list[str]]] = {
    "check": lambda f, out: ["check", f, "-o", f"{out}/c.json"],
    "render": lambda f, out: ["render", f, "-o", f"{out}/r.docx", "--force"],
    "summarize": lambda f, out: [
        "summarize",
        f,
        "--agency",
        "某县人民政府",
        "--year",
        "2021",
        "-o",
        f"{out}/s.json",
    ],
}


def run_verb(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak MB (the process and the workers it waited for) of one CLI run."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gongkai.cli", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        return time.perf_counter() - t, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of the kinds to run")
    parser.add_argument("--generate", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    table = {**kinds.KINDS, **NEAR_LIMITS}
    names = [n for n in table if not args.only or n in args.only]
    if args.generate:  # in a process of its own: the measuring parent stays small, and
        for name in names:  # a child's ru_maxrss starts from its parent's size at fork
            file_name, make = table[name]
            (Path(args.generate) / file_name).write_bytes(make())
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="gongkai-hostile-") as tmp:
        only = ["--only", *names]
        subprocess.run([sys.executable, __file__, "--generate", tmp, *only], check=True)
        files = []
        for name in names:
            path = Path(tmp) / table[name][0]
            files.append(str(path))
            got = run(_READ, [str(path)])
            seconds = float(str(got["seconds"]))
            mb = int(str(got["kb"])) / 1024
            verbs = []
            for make_args in VERBS.values():
                with tempfile.TemporaryDirectory() as out:
                    verbs.append(run_verb(make_args(str(path), out)))
            rows.append((name, path.stat().st_size, seconds, mb, verbs, str(got["result"])))
            print_row(rows[-1])
        corpus = sorted(str(p) for p in kinds.RAW.iterdir() if p.is_file())
        t = time.perf_counter()
        batch = run(_BATCH, files + corpus)
        wall = time.perf_counter() - t
        print()
        print(
            f"batch (read_many) of {len(files)} hostile + {len(corpus)} corpus files: "
            f"{batch.get('ok')} of {batch.get('files')} read, {wall:.1f} s wall, "
            f"largest worker {int(str(batch.get('kb', 0))) / 1024:.0f} MB"
        )
    over = [
        r
        for r in rows
        if max(r[2], *(v[0] for v in r[4])) > GOAL_SECONDS
        or max(r[3], *(v[1] for v in r[4])) > GOAL_MB
    ]
    print(f"over the goal ({GOAL_SECONDS:g} s or {GOAL_MB} MB per file, any verb): {len(over)}")


Row = tuple[str, int, float, float, list[tuple[float, float]], str]


def print_row(row: Row) -> None:
    """One kind: file size, then seconds/MB for read (in process) and each CLI verb (a fresh
    process each: its seconds include starting Python and importing gongkai, about 0.5 s)."""
    name, size, seconds, mb, verbs, result = row
    if not hasattr(print_row, "header"):
        heads = "".join(f" {v + ' s/MB':>14}" for v in VERBS)
        print(f"{'kind':26} {'file':>9} {'read s/MB':>14}{heads}  result")
        print_row.header = True  # type: ignore[attr-defined]
    size_text = f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size / 1024:.0f} KB"
    cells = "".join(f" {s:7.2f}/{m:<6.0f}" for s, m in [(seconds, mb), *verbs])
    print(f"{name:26} {size_text:>9}{cells}  {result[:50]}", flush=True)


if __name__ == "__main__":
    main()
