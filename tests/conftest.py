"""Shared fixtures."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus_util import LOCAL_CORPUS
from pg import Cluster, PostgresUnavailable, free_port, make_url

pytest_plugins = ["web_util"]  # the web app's fixtures (web_store, app, admin)


@pytest.fixture
def corpus_dir() -> Path:
    return LOCAL_CORPUS


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A private PostgreSQL cluster for the whole session (database ``gongkai_test``)."""
    missing = None
    try:
        cluster = Cluster.start()
    except PostgresUnavailable as exc:
        missing = str(exc)
    if missing is not None:  # fail outside the except block: no chained traceback
        pytest.fail(missing, pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of a fresh, empty database: SQLite file or PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gongkai.db'}"
        return
    # Looked up lazily so that SQLite-only runs never start PostgreSQL.
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.fresh_database()
    try:
        yield url
    finally:
        cluster.drop_database(url)


@pytest.fixture
def postgres_down_url() -> Iterator[str]:
    """A PostgreSQL URL where no server listens (a socket dir with no server in it)."""
    empty = tempfile.mkdtemp(prefix="gongkai-pgdown-")
    try:
        yield make_url("gongkai_test", empty, free_port())
    finally:
        shutil.rmtree(empty, ignore_errors=True)
