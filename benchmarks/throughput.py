"""Reading speed per format, on one core and on all cores; PDFs against pdftotext.

Usage: python benchmarks/throughput.py [CORPUS_DIR] [--repeat N]

Inputs: the corpus files (text, HTML, PDF) plus, for formats the corpus lacks, the corpus
reports rendered by gongkai itself (DOCX, HTML). Prints reports per second per format for
read, and read + check; for PDFs the ratio of gongkai's time to `pdftotext` (run as a
process, as people use it) on the same files in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import gongkai  # noqa: E402
from gongkai.report import Report  # noqa: E402

FORMAT_OF = {".txt": "text", ".md": "text", ".html": "html", ".docx": "docx", ".pdf": "pdf"}


def inputs(corpus: Path, work: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for p in sorted((corpus / "raw").iterdir()):
        fmt = FORMAT_OF.get(p.suffix.lower())
        if fmt:
            files.setdefault(fmt, []).append(p)
    try:
        from gongkai.render import render
    except ImportError:
        return files
    for label in sorted((corpus / "labels").glob("*.json")):
        rep = Report.from_dict(json.loads(label.read_text(encoding="utf-8")))
        for fmt, suffix in (("docx", ".docx"), ("html", ".html")):
            out = work / f"{label.stem}{suffix}"
            out.write_bytes(render(rep, suffix[1:]))
            files.setdefault(fmt, []).append(out)
    return files


def read_only(path: Path) -> int:
    gongkai.read(path)
    return 1


def read_and_check(path: Path) -> int:
    from gongkai.checks import check

    check(gongkai.read(path))
    return 1


def per_second(fn: Callable[[Path], int], files: list[Path], repeat: int, jobs: int) -> float:
    work = files * repeat
    if jobs == 1:
        for f in files:  # warm caches and compiled patterns outside the timing
            fn(f)
        t0 = time.perf_counter()
        for f in work:
            fn(f)
        return len(work) / (time.perf_counter() - t0)
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(fn, files * jobs))  # start workers and warm them outside the timing
        t0 = time.perf_counter()
        list(pool.map(fn, work, chunksize=max(1, len(work) // (jobs * 4))))
        return len(work) / (time.perf_counter() - t0)


def pdftotext_seconds(files: list[Path], repeat: int) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        for f in files:
            subprocess.run(["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        corpus = ROOT / "tests" / "corpus"
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        files = inputs(corpus, Path(tmp))
        many_head = f"read/s {cores} cores"
        print(
            f"{'format':<7}{'files':>6}{'read/s 1 core':>15}{'ms/report':>11}"
            f"{many_head:>17}{'read+check/s':>14}"
        )
        for fmt, paths in files.items():
            one = per_second(read_only, paths, args.repeat, 1)
            many = per_second(read_only, paths, args.repeat, cores) if cores > 1 else one
            try:
                checked = f"{per_second(read_and_check, paths, args.repeat, 1):14.1f}"
            except ImportError:
                checked = f"{'n/a':>14}"
            print(f"{fmt:<7}{len(paths):>6}{one:15.1f}{1000 / one:11.1f}{many:17.1f}{checked}")
        pdfs = files.get("pdf", [])
        if pdfs and shutil.which("pdftotext"):
            ours = len(pdfs) * args.repeat / per_second(read_only, pdfs, args.repeat, 1)
            base = pdftotext_seconds(pdfs, args.repeat)
            print(
                f"pdf: gongkai {1000 * ours / (len(pdfs) * args.repeat):.1f} ms/report, "
                f"pdftotext {1000 * base / (len(pdfs) * args.repeat):.1f} ms/report, "
                f"ratio {ours / base:.2f}x (goal ≤ 3x)"
            )


if __name__ == "__main__":
    main()
