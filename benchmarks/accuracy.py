"""Extraction accuracy against hand-checked labels.

Usage: python benchmarks/accuracy.py [CORPUS_DIR]   (default ../shared/corpus; raw/ + labels/)

Prints, per case and overall: table cells exactly right, cells abstained (left raw because
ambiguous), cells wrong (including missing or invented), and metadata (agency, year,
template) right.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai import GongkaiError, read  # noqa: E402
from gongkai.report import Report  # noqa: E402


def label_cells(label: dict[str, Any]) -> dict[str, Any]:
    """Flatten a label's tables to {cell name: value}."""
    out: dict[str, Any] = {}
    for row, vals in (label.get("active") or {}).items():
        for i, v in enumerate(vals):
            out[f"active/{row}/{i}"] = v
    for row, vals in (label.get("requests") or {}).items():
        for i, v in enumerate(vals):
            out[f"requests/{row}/{i}"] = v
    for i, v in enumerate(label.get("review_litigation") or []):
        out[f"review/{i}"] = v
    for row, v in (label.get("legacy") or {}).items():
        if isinstance(v, list):
            for i, x in enumerate(v):
                out[f"legacy/{row}/{i}"] = x
        else:
            out[f"legacy/{row}"] = v
    return out


def report_cells(rep: Report) -> tuple[dict[str, Any], set[str]]:
    """The same flattening for an extracted report, plus the names of abstained cells."""
    d = rep.to_dict(detail=False)
    cells = label_cells(d)
    abstained = set()
    for row in rep.active_rows():
        for i, v in enumerate(rep.active.get(row.key, [])):
            if v.ambiguous:
                abstained.add(f"active/{row.label}/{i}")
    for key, vals in rep.requests.items():
        for i, v in enumerate(vals):
            if v.ambiguous:
                abstained.add(f"requests/{key}/{i}")
    for i, v in enumerate(rep.review_litigation or []):
        if v.ambiguous:
            abstained.add(f"review/{i}")
    for label, lv in rep.legacy.items():
        for i, v in enumerate(lv if isinstance(lv, list) else [lv]):
            if v.ambiguous:
                abstained.add(f"legacy/{label}/{i}" if isinstance(lv, list) else f"legacy/{label}")
    return cells, abstained


def same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return bool(a == b)


def score(corpus: Path) -> int:
    totals = {"right": 0, "abstained": 0, "wrong": 0, "cells": 0, "meta": 0, "meta_n": 0}
    print(f"{'case':<10}{'cells':>7}{'right':>7}{'abst':>6}{'wrong':>7}  meta   ms  notes")
    for label_path in sorted((corpus / "labels").glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        raw = corpus / label["raw"]
        case = label.get("case", label_path.stem)
        t0 = time.perf_counter()
        try:
            rep = read(raw)
        except GongkaiError as exc:
            n = len(label_cells(label))
            totals["cells"] += n
            totals["wrong"] += n
            totals["meta_n"] += 3
            print(f"{case:<10}{n:>7}{0:>7}{0:>6}{n:>7}  0/3         失败：{exc.message}")
            continue
        ms = (time.perf_counter() - t0) * 1000
        want = label_cells(label)
        got, abstained = report_cells(rep)
        right = abst = wrong = 0
        bad = []
        for name, value in want.items():
            if name in abstained:
                abst += 1
            elif name in got and same(got[name], value):
                right += 1
            else:
                wrong += 1
                bad.append(f"{name}={got.get(name, '缺')}≠{value}")
        extra = [n for n in got if n not in want]
        wrong += len(extra)
        bad.extend(f"多出 {n}" for n in extra[:3])
        meta = sum(
            (
                rep.agency == label.get("agency"),
                rep.year == label.get("year"),
                rep.template == label.get("template"),
            )
        )
        if rep.agency != label.get("agency"):
            bad.append(f"agency={rep.agency}")
        if rep.year != label.get("year"):
            bad.append(f"year={rep.year}")
        if rep.template != label.get("template"):
            bad.append(f"template={rep.template}")
        totals["cells"] += len(want)
        totals["right"] += right
        totals["abstained"] += abst
        totals["wrong"] += wrong
        totals["meta"] += meta
        totals["meta_n"] += 3
        note = "; ".join(bad[:4])
        print(f"{case:<10}{len(want):>7}{right:>7}{abst:>6}{wrong:>7}  {meta}/3 {ms:6.1f}  {note}")
    n = max(totals["cells"], 1)
    print(
        f"overall: cells {totals['cells']}, right {totals['right']} ({totals['right'] / n:.1%}), "
        f"abstained {totals['abstained']}, wrong {totals['wrong']}; "
        f"metadata {totals['meta']}/{totals['meta_n']}"
    )
    return 0


if __name__ == "__main__":
    arg = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    raise SystemExit(score(arg))
