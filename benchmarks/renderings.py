"""Extraction accuracy over renderings of the labelled cases.

Usage: python benchmarks/renderings.py [CORPUS_DIR] [--only NAME[,NAME]] [--cases r001,s000] [-v]

Every labelled case is written in the shapes real reports arrive in (see renderings_gen),
read back with gongkai and compared with its label. Per rendering: cells right, abstained
(marked ambiguous), wrong (missing, invented or different), and agency/year/template right.
PDF printing is cached under ~/.cache/gongkai-renderings, so a second run is fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import label_cells, report_cells, same
from renderings_gen import (
    GLUED,
    RENDERINGS,
    ROOT,
    NotAvailable,
    Source,
    load_source,
)

from gongkai import GongkaiError, read


@dataclass(slots=True)
class Score:
    cells: int = 0
    right: int = 0
    abstained: int = 0
    wrong: int = 0
    meta: int = 0
    meta_n: int = 0
    failed: int = 0  # documents gongkai refused
    seconds: float = 0.0
    bad: list[tuple[str, str, Any, Any]] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k in ("cells", "right", "abstained", "wrong", "meta", "meta_n", "failed"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.seconds += other.seconds
        self.bad.extend(other.bad)


def score_one(src: Source, rendering: str) -> Score:
    """Render one case, read it back and compare with the label (raises NotAvailable)."""
    data, name = RENDERINGS[rendering](src)
    want = label_cells(src.label)
    sc = Score(cells=len(want), meta_n=3)
    t0 = time.perf_counter()
    try:
        rep = read(data, name=name)
    except GongkaiError as exc:
        sc.seconds = time.perf_counter() - t0
        sc.wrong, sc.failed = len(want), 1
        sc.bad.append((src.case, "(document)", exc.message, "a report"))
        return sc
    sc.seconds = time.perf_counter() - t0
    got, abstained = report_cells(rep)
    for cell, value in want.items():
        if cell in abstained:
            sc.abstained += 1
        elif cell in got and same(got[cell], value):
            sc.right += 1
        else:
            sc.wrong += 1
            sc.bad.append((src.case, cell, got.get(cell, "(missing)"), value))
    for cell in got:
        if cell not in want:
            sc.wrong += 1
            sc.bad.append((src.case, cell, got[cell], "(not in label)"))
    for attr in ("agency", "year", "template"):
        if getattr(rep, attr) == src.label.get(attr):
            sc.meta += 1
        else:
            sc.bad.append((src.case, attr, getattr(rep, attr), src.label.get(attr)))
    return sc


def _line(name: str, sc: Score, note: str = "") -> str:
    pct = sc.right / sc.cells if sc.cells else 0.0
    return (
        f"{name:<30}{sc.cells:>7}{sc.right:>7}{pct:>7.1%}{sc.abstained:>6}{sc.wrong:>7}"
        f"{sc.failed:>5}  {sc.meta:>3}/{sc.meta_n:<4}{sc.seconds:>7.2f}  {note}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--only", help="renderings to run, comma-separated")
    ap.add_argument("--cases", help="cases to run, comma-separated")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every wrong cell")
    args = ap.parse_args(argv)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings flood stderr
    start = time.perf_counter()
    names = args.only.split(",") if args.only else list(RENDERINGS)
    unknown = [n for n in names if n not in RENDERINGS]
    if unknown:
        ap.error(f"unknown rendering(s) {unknown}; known: {', '.join(RENDERINGS)}")
    wanted = set(args.cases.split(",")) if args.cases else None
    labels = [
        p
        for p in sorted((args.corpus / "labels").glob("*.json"))
        if wanted is None or p.stem in wanted
    ]
    sources = [load_source(args.corpus, p) for p in labels]
    print(f"{len(sources)} cases: {' '.join(s.case for s in sources)}")
    print(
        f"{'rendering':<30}{'cells':>7}{'right':>7}{'%':>7}{'abst':>6}{'wrong':>7}{'fail':>5}"
        f"  {'meta':<8}{'read s':>7}  worst cases"
    )
    groups = {"keeps cell boundaries": Score(), "glued": Score()}
    for name in names:
        total = Score()
        per_case: dict[str, int] = {}
        try:
            for src in sources:
                sc = score_one(src, name)
                per_case[src.case] = sc.wrong + sc.meta_n - sc.meta
                total.add(sc)
        except NotAvailable as exc:
            print(f"{name:<30}not available ({exc})")
            continue
        worst = sorted((n, c) for c, n in per_case.items() if n)[::-1][:4]
        print(_line(name, total, " ".join(f"{c}:{n}" for n, c in worst)))
        groups["glued" if name in GLUED else "keeps cell boundaries"].add(total)
        if args.verbose:
            for case, cell, got, exp in total.bad:
                print(f"    {case} {name} {cell}: got {got!r}, expected {exp!r}")
    for group, sc in groups.items():
        if sc.meta_n:
            print(_line(f"overall {group}", sc))
    print(f"time {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
