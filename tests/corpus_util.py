"""Corpus access for tests: the copy shipped in tests/corpus and ../shared/corpus when present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
LOCAL_CORPUS = TESTS / "corpus"
SHARED_CORPUS = TESTS.parent.parent / "shared" / "corpus"


def corpus_cases() -> list[Any]:
    """(corpus dir, label) for every label in the local corpus and in ../shared/corpus."""
    cases = []
    for root, tag in ((LOCAL_CORPUS, "local"), (SHARED_CORPUS, "shared")):
        labels = root / "labels"
        if labels.is_dir():
            for p in sorted(labels.glob("*.json")):
                cases.append(pytest.param(root, p, id=f"{tag}-{p.stem}"))
    return cases


def load_label(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def local_label(case: str) -> dict[str, Any]:
    return load_label(LOCAL_CORPUS / "labels" / f"{case}.json")


def local_raw(case: str) -> Path:
    return LOCAL_CORPUS / local_label(case)["raw"]
