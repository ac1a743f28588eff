"""Reading many files: directory walking, parallel workers, one error never stops a batch."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .api import read
from .errors import GongkaiError
from .readers import REPORT_SUFFIXES
from .report import Report

PARALLEL_FROM = 8  # below this many files a process pool costs more than it saves


@dataclass(slots=True)
class Outcome:
    """The result of reading one file: a report, or the reason it could not be read."""

    path: str
    report: Report | None = None
    error: str | None = None


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, plus every report file under the directories named (recursively)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(
                f
                for f in sorted(p.rglob("*"))
                if f.is_file()
                and f.suffix.lower() in REPORT_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            out.append(p)
    return out


def read_one(path: str | Path) -> Outcome:
    """Read one file; any failure becomes a Chinese message naming the file."""
    try:
        return Outcome(str(path), read(path))
    except GongkaiError as exc:
        return Outcome(str(path), error=exc.message)
    except MemoryError:
        return Outcome(str(path), error="文件过大，读取时内存不足")
    except Exception as exc:  # a defect in gongkai must not stop the batch
        return Outcome(
            str(path), error=f"读取时发生内部错误（{type(exc).__name__}: {exc}），请报告此问题"
        )


def read_many(
    paths: Iterable[str | Path],
    jobs: int | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> Iterator[Outcome]:
    """Read files in order, in parallel across CPU cores when there are many."""
    files = list(paths)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for outcome in pool.map(read_one, files, chunksize=4):
                if progress:
                    progress(outcome)
                yield outcome
        return
    for f in files:
        outcome = read_one(f)
        if progress:
            progress(outcome)
        yield outcome
