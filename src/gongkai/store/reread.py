"""``gongkai import --reread``: every stored original read again by this reader version."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import case, func, select

from . import schema
from .engine import Store, reader_version
from .importer import BATCH, Imported, Origin, Reading, _finish, _start, _write_all, local_reading


def reread(
    store: Store,
    *,
    reading: Reading | None = None,
    progress: Callable[[Imported], None] | None = None,
    batch: int = BATCH,
) -> Imported:
    """Re-read every stored original whose newest reading is by another reader version, with
    this one; each new reading is stored beside the old (which stays), the changes recorded."""
    version = reader_version()
    result = Imported(run_id=_start(store, "reread", version))
    r, f = schema.reports.c, schema.failures.c
    with store.begin() as conn:
        newest = (
            select(r.file_sha256, func.max(r.id).label("id")).group_by(r.file_sha256).subquery()
        )
        stale: list[tuple[str, int | None, str]] = [
            (row.file_sha256, row.id, row.path)
            for row in conn.execute(
                select(newest.c.file_sha256, newest.c.id, r.path)
                .join(schema.reports, r.id == newest.c.id)
                .where(r.reader_version != version)
                .order_by(newest.c.id)
            )
        ]
        # files no reader could read yet are tried again too
        tried = select(r.file_sha256).distinct()
        failed = conn.execute(
            select(f.sha256, func.max(f.path))
            .where(f.sha256.not_in(tried))
            .group_by(f.sha256)
            .having(func.sum(case((f.reader_version == version, 1), else_=0)) == 0)
            .order_by(f.sha256)
        ).all()
        stale.extend((sha, None, path) for sha, path in failed)
    result.total = len(stale)
    with tempfile.TemporaryDirectory(prefix="gongkai-reread-") as tmp:
        for start in range(0, len(stale), 200):  # a chunk of originals on disk at a time
            hashes: dict[str, str] = {}
            rereading: dict[str, Origin] = {}
            with store.begin() as conn:
                for sha, old_id, shown in stale[start : start + 200]:
                    name, data = conn.execute(
                        select(schema.files.c.name, schema.files.c.data).where(
                            schema.files.c.sha256 == sha
                        )
                    ).one()
                    path = os.path.join(tmp, f"{sha[:16]}-{_safe(name)}")
                    Path(path).write_bytes(data)
                    hashes[path], rereading[path] = sha, (old_id, shown)
            outcomes = (reading or local_reading())(list(hashes))
            _write_all(store, outcomes, hashes, result, progress, batch, rereading)
            for path in hashes:
                Path(path).unlink(missing_ok=True)
    _finish(store, result)
    return result


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[-120:] or "file"
