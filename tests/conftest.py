"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_util import LOCAL_CORPUS


@pytest.fixture
def corpus_dir() -> Path:
    return LOCAL_CORPUS
