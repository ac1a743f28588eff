"""Shared helpers for the check tests: the corpus (tests/corpus and ../shared/corpus) and edits."""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

from corpus_util import LOCAL_CORPUS, SHARED_CORPUS, load_label

import gongkai
from gongkai.checks import Finding, check
from gongkai.report import CellValue, Report, SectionText, Value

CORPORA = [p for p in (LOCAL_CORPUS, SHARED_CORPUS) if (p / "labels").is_dir()]
CORPUS_IDS = ["local" if p == LOCAL_CORPUS else "shared" for p in CORPORA]


def cases(corpus: Path) -> list[str]:
    return sorted(p.stem for p in (corpus / "labels").glob("*.json"))


def raw_path(corpus: Path, case: str) -> Path:
    return next((corpus / "raw").glob(f"{case}.*"))


def label(corpus: Path, case: str) -> dict[str, Any]:
    return load_label(corpus / "labels" / f"{case}.json")


def label_report(corpus: Path, case: str) -> Report:
    """The ground truth of a corpus case as a Report (no section texts, no provenance)."""
    rep = Report.from_dict(label(corpus, case))
    rep.path = f"labels/{case}.json"
    return rep


@cache
def _read(path: str) -> Report:
    return gongkai.read(path)


def read_report(corpus: Path, case: str) -> Report:
    """A corpus document read by gongkai.read (a fresh copy: tests may change it)."""
    return copy.deepcopy(_read(str(raw_path(corpus, case))))


def found(report: Report, code: str, previous: Report | None = None) -> list[Finding]:
    """The applicable findings of rule ``code``."""
    return [f for f in check(report, previous, select={code}) if f.applicable and f.code == code]


def not_applied(report: Report, code: str, previous: Report | None = None) -> list[Finding]:
    return [f for f in check(report, previous, select={code}) if not f.applicable]


# -- edits -----------------------------------------------------------------------------------


def cell(value: CellValue) -> Value:
    return Value(value, "" if value is None else str(value))


def set_request(rep: Report, row: str, col: int, value: CellValue) -> None:
    rep.requests[row][col] = cell(value)


def set_review(rep: Report, index: int, value: CellValue) -> None:
    assert rep.review_litigation is not None
    rep.review_litigation[index] = cell(value)


def set_active(rep: Report, row: str, col: int, value: CellValue) -> None:
    rep.active[row][col] = cell(value)


def set_section(rep: Report, number: str, text: str) -> None:
    old = rep.sections.get(number)
    rep.sections[number] = SectionText(
        number, old.title if old else "", text, old.source if old else None
    )


def replace_text(rep: Report, old: str, new: str) -> None:
    """Replace words in whichever section holds them, across spaces and PDF line wraps."""
    pattern = re.compile(r"\s*".join(re.escape(ch) for ch in old))
    for sec in rep.sections.values():
        if pattern.search(sec.text):
            sec.text = pattern.sub(new, sec.text, count=1)
            return
    raise AssertionError(f"no section contains {old!r}")
