"""Importing on a Dask LocalCluster (real worker processes, sent the files' bytes) stores what
the local engine stores, on SQLite and PostgreSQL; unreadable files, files over their time
budget and an unreachable scheduler each give a Chinese message and never stop the import."""

from __future__ import annotations

import shutil
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_util import SHARED_CORPUS
from sqlalchemy import select

from gongkai.errors import GongkaiError
from gongkai.store import Store, import_files, local_reading, open_store, schema
from gongkai.store.importer import Reading

pytest.importorskip("distributed", reason="Dask is an optional extra: pip install '.[dask]'")

from gongkai.store.distributed import INSTALL, dask_reading

CORPUS = SHARED_CORPUS / "raw"


@pytest.fixture(scope="module")
def dask() -> Iterator[Reading]:
    """One LocalCluster of two worker processes for the module."""
    with dask_reading(workers=2) as reading:
        yield reading


def content(store: Store) -> dict[str, Any]:
    """What was stored, keyed by file path. Dask stores files in the order they finish, so what
    depends on that order is left out: ids and row order, a body's canonical name (the first
    spelling stored), which of two files of one body and year is version 2, and cross-year
    findings no longer active (a previous year stored after the next one re-checks it)."""
    r, c, f, s = (t.c for t in (schema.reports, schema.cells, schema.findings, schema.sections))
    with store.begin() as conn:
        reports = {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                select(r.path, r.agency, r.year, r.template, r.published, r.format, r.errors,
                       r.warnings, r.notes, r.data)
            )
        }  # fmt: skip
        cells = {
            (row[0], row[1]): tuple(row[2:])
            for row in conn.execute(
                select(r.path, c.name, c.tbl, c.row_key, c.col_key, c.number, c.text, c.raw,
                       c.page, c.line, c.derived, c.ambiguous)
                .join(schema.reports, r.id == c.report_id)
            )
        }  # fmt: skip
        findings = sorted(
            tuple(row)
            for row in conn.execute(
                select(r.path, f.key, f.code, f.severity, f.message, f.applicable, f.status)
                .join(schema.reports, r.id == f.report_id)
                .where(f.active)
            )
        )
        sections = sorted(
            tuple(row)
            for row in conn.execute(
                select(r.path, s.number, s.title, s.text, s.tokens).join(
                    schema.reports, r.id == s.report_id
                )
            )
        )
        bodies: dict[Any, list[str]] = {}  # the files of each body
        groups: dict[Any, list[tuple[int, bool]]] = {}  # the versions of each body and year
        for row in conn.execute(select(r.body_id, r.year, r.path, r.version, r.current)):
            bodies.setdefault(row.body_id, []).append(row.path)
            groups.setdefault((row.body_id, row.year), []).append((row.version, row.current))
        failures = sorted(
            tuple(row)
            for row in conn.execute(select(schema.failures.c.path, schema.failures.c.message))
        )
    return {
        "reports": reports,
        "cells": cells,
        "findings": findings,
        "sections": sections,
        "bodies": sorted(sorted(paths) for paths in bodies.values()),
        "versions": sorted(
            sorted(versions) for versions in groups.values()
        ),  # 1..n, newest current
        "failures": failures,
    }


@pytest.fixture
def other_url(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A second fresh database of the same kind as ``db_url``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'local.db'}"
        return
    cluster = request.getfixturevalue("postgres_cluster")
    url = cluster.fresh_database()
    try:
        yield url
    finally:
        cluster.drop_database(url)


def test_dask_stores_what_the_local_engine_stores(
    dask: Reading, db_url: str, other_url: str
) -> None:
    with open_store(db_url) as store:
        result = import_files(store, [CORPUS], reading=dask)
        assert (result.stored, result.failed) == (20, [])
        on_dask = content(store)
        again = import_files(store, [CORPUS], reading=dask)  # idempotent on Dask too
        assert (again.total, again.already) == (0, 20)
    with open_store(other_url) as store:
        import_files(store, [CORPUS], reading=local_reading(jobs=1, timeout=0, memory=0))
        local = content(store)
    assert len(on_dask["reports"]) == 20
    assert len(on_dask["cells"]) >= 3195  # every labelled cell of the corpus
    assert {code for _, _, code, *_ in on_dask["findings"]} > {"G3"}
    assert on_dask == local


def test_unreadable_files_fail_alone(dask: Reading, db_url: str, tmp_path: Path) -> None:
    for name in ("g001.txt", "p001.pdf"):
        shutil.copy(CORPUS / name, tmp_path / name)
    (tmp_path / "坏.pdf").write_bytes(b"%PDF-1.7 this is not a PDF at all" * 10)
    (tmp_path / "坏.docx").write_bytes(b"a .docx that is not a zip package")
    with open_store(db_url) as store:
        result = import_files(store, [tmp_path], reading=dask)
        stored = content(store)
    assert result.stored == 2
    failed = dict(result.failed)
    assert set(failed) == {str(tmp_path / "坏.pdf"), str(tmp_path / "坏.docx")}
    assert "PDF" in failed[str(tmp_path / "坏.pdf")]
    assert "DOCX" in failed[str(tmp_path / "坏.docx")]
    assert sorted(stored["failures"]) == sorted(result.failed)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in failed.values())
    assert set(stored["reports"]) == {str(tmp_path / "g001.txt"), str(tmp_path / "p001.pdf")}


def test_a_file_over_its_time_budget_fails_and_the_rest_are_read(tmp_path: Path) -> None:
    # a report 350 times over (under the character limit): 1.4 s to read on an idle machine
    # (more under load), where a corpus text file takes under 0.05 s
    slow = tmp_path / "长.txt"
    slow.write_bytes((CORPUS / "g001.txt").read_bytes() * 350)  # > 1 MB: scattered, too
    files = [str(slow), str(CORPUS / "g001.txt"), str(CORPUS / "r001.txt")]
    # one worker: the reading over time must be stopped (the worker restarted) for the rest
    with dask_reading(workers=1, timeout=1.0) as reading:
        outcomes = {o.path: o for o in reading(files)}
    assert set(outcomes) == set(files)
    late = outcomes[str(slow)]
    assert late.report is None and late.error and "读取超过 1 秒" in late.error
    assert all(outcomes[f].report is not None for f in files[1:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:{port}", "not an address"])
def test_a_scheduler_out_of_reach_is_a_chinese_error(address: str) -> None:
    address = address.format(port=free_port())
    start = time.monotonic()
    with (
        pytest.raises(GongkaiError, match="无法连接 Dask 调度器"),
        dask_reading(address, connect_timeout=1),
    ):
        pass
    assert time.monotonic() - start < 10


def test_without_dask_installed_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(GongkaiError) as info, dask_reading():
        pass
    assert info.value.message == INSTALL == "请安装 Dask：pip install 'gongkai[dask]'"
