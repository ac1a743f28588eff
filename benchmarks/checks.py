"""How well `gongkai check` catches single-cell changes, and how often it cries wolf.

Usage: python benchmarks/checks.py [CORPUS_DIR] [--trials N] [--seed S] [--documents]

For every corpus report (the ground-truth labels, or with --documents the raw files read by
gongkai.read) it changes one table cell at a time — add or subtract a small random amount, or
set it to another value — and counts the changes that produce a new error finding (recall),
split by table: 三 (applications), 四 (reconsideration/litigation), 二 (第二十条). It also prints
the errors on the untouched corpus (false alarms, unless a label's notes document the defect).
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import sys
from collections import Counter
from pathlib import Path

from gongkai.checks import Finding, check
from gongkai.report import Report, Value

TABLES = {"requests": "表三", "review_litigation": "表四", "active": "表二"}
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def load(corpus: Path, documents: bool) -> list[Report]:
    reports = []
    for path in sorted((corpus / "labels").glob("*.json")):
        if documents:
            import gongkai

            raw = next((corpus / "raw").glob(f"{path.stem}.*"))
            rep = gongkai.read(raw)
        else:
            rep = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
        rep.path = path.stem
        reports.append(rep)
    return reports


def cells(rep: Report, table: str) -> list[tuple[list[Value], int]]:
    """(row list, index) of every numeric cell of a table."""
    out: list[tuple[list[Value], int]] = []
    if table == "requests":
        out = [(vals, i) for vals in rep.requests.values() for i in range(len(vals))]
    elif table == "review_litigation" and rep.review_litigation:
        out = [(rep.review_litigation, i) for i in range(len(rep.review_litigation))]
    elif table == "active":
        for row in rep.active_rows():
            vals = rep.active.get(row.key, [])
            out += [(vals, i) for i, c in enumerate(row.columns) if i < len(vals) and not c.textual]
    return [(vals, i) for vals, i in out if vals[i].value is None or vals[i].number is not None]


def change(v: Value, rng: random.Random) -> Value:
    """Another value for the cell: ± a small amount, or a different number."""
    old = v.number or 0
    decimal = isinstance(v.number, float) and not float(v.number).is_integer()
    if rng.random() < 0.5:
        delta = rng.randint(1, 5) * (0.01 if decimal else 1)
        new = old - delta if rng.random() < 0.5 and old - delta >= 0 else old + delta
    else:
        new = old
        while new == old:
            new = rng.randint(0, max(10, 2 * int(old)))
    new = round(new, 4) if decimal else int(new)
    return Value(new, str(new), v.unit)


def errors(findings: list[Finding], severity: str = "error") -> set[tuple[str, str]]:
    return {(f.code, f.message) for f in findings if f.severity == severity and f.applicable}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--trials", type=int, default=300, help="changes per table per report")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--documents", action="store_true", help="read the raw files, not labels")
    args = parser.parse_args(argv)
    if not (args.corpus / "labels").is_dir():
        sys.exit(f"找不到语料目录：{args.corpus}")
    rng = random.Random(args.seed)
    reports = load(args.corpus, args.documents)

    source = "documents" if args.documents else "labels"
    print(f"corpus: {args.corpus} ({len(reports)} reports, {source})")
    print("\nerrors on the untouched corpus:")
    baseline, warned = {}, {}
    for rep in reports:
        findings = check(rep)
        base = errors(findings)
        baseline[rep.path], warned[rep.path] = base, errors(findings, "warning")
        codes = ", ".join(sorted(c for c, _ in base)) or "-"
        print(f"  {rep.path:<6} {len(base):>3}  {codes}")
    print(f"  total  {sum(len(b) for b in baseline.values()):>3}")

    print(f"\nsingle-cell changes flagged as an error ({args.trials} per table per report):")
    catchers: Counter[str] = Counter()
    for table, name in TABLES.items():
        tried = flagged = noticed = repaired = 0
        for rep in reports:
            for _ in range(args.trials if cells(rep, table) else 0):
                trial = copy.deepcopy(rep)
                vals, i = rng.choice(cells(trial, table))
                vals[i] = change(vals[i], rng)
                findings = check(trial)
                now = errors(findings)
                new = now - baseline[rep.path]
                if not new and now < baseline[rep.path]:
                    repaired += 1  # the change undid a defect the document has: not a miss
                    continue
                tried += 1
                noticed += bool(new or errors(findings, "warning") - warned[rep.path])
                if new:
                    flagged += 1
                    catchers.update({c for c, _ in new})
        share = f"{flagged / tried:.1%}" if tried else "n/a"
        also = f"{noticed / tried:.1%}" if tried else "n/a"
        print(f"  {name} ({table}): {flagged} / {tried} = {share}; error or warning: {also}")
        if repaired:
            print(
                f"      ({repaired} changes undid an error the document already had; not counted)"
            )
    caught = ", ".join(f"{c} {n}" for c, n in catchers.most_common())
    print(f"\nrules that caught changes: {caught}")


if __name__ == "__main__":
    main()
