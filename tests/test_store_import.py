"""The store on real reports, on SQLite and PostgreSQL: import is idempotent and resumable, a
changed file adds a version, re-reading records what changed, cross-year findings use the stored
previous year, people's decisions on findings survive re-checks, and every way a database can be
unusable gives a Chinese message with nothing written."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from corpus_util import SHARED_CORPUS
from sqlalchemy import create_engine, select, text, update

from gongkai.errors import GongkaiError
from gongkai.store import import_files, local_reading, open_store, reread, schema
from gongkai.store.findings import set_status

RAW = SHARED_CORPUS / "raw"
VOLATILE = {"created_at", "stored_at", "imported_at", "started_at", "finished_at", "run_id", "at"}


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every stored row but the runs and the timestamps, in primary-key order."""
    engine = create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name == "runs":
                continue
            cols = [c for c in table.columns if c.name not in VOLATILE]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    engine.dispose()
    return out


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() or 0)
    engine.dispose()
    return n


def serial() -> Any:
    return local_reading(jobs=1, timeout=0, memory=0)


def test_import_twice_gives_the_same_database(db_url: str) -> None:
    with open_store(db_url) as store:
        first = import_files(store, [RAW])
        assert (first.stored, first.already, first.failed) == (20, 0, [])
        before = dump(db_url)
        second = import_files(store, [RAW])
    assert (second.total, second.stored, second.already) == (0, 0, 20)
    assert dump(db_url) == before
    assert len(before["reports"]) == 20
    assert len(before["files"]) == 20
    # every cell of every labelled case is stored: 3,195 as the accuracy benchmark counts
    assert len(before["cells"]) >= 3195


def test_cells_hold_the_documents_numbers(db_url: str) -> None:
    import json

    label = json.loads((SHARED_CORPUS / "labels" / "p002.json").read_text("utf-8"))
    with open_store(db_url) as store:
        import_files(store, [RAW / "p002.pdf"], reading=serial())
        with store.begin() as conn:
            c = schema.cells.c
            rows = dict(
                conn.execute(select(c.name, c.number).where(c.name.like("requests.new.%"))).all()
            )
    keys = ("natural_person", "commercial_enterprise", "research_institution")
    for i, key in enumerate(keys):
        assert rows[f"requests.new.{key}"] == label["requests"]["new"][i]


def test_a_changed_file_adds_a_version_and_keeps_the_first(db_url: str, tmp_path: Path) -> None:
    original = (RAW / "r001.txt").read_text("utf-8")
    changed = original.replace(
        "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量 ", 1
    )
    assert changed != original
    first, second = tmp_path / "a" / "r001.txt", tmp_path / "b" / "r001.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(original, "utf-8")
    second.write_text(changed, "utf-8")
    with open_store(db_url) as store:
        import_files(store, [first], reading=serial())
        import_files(store, [second], reading=serial())
        with store.begin() as conn:
            r = schema.reports.c
            rows = conn.execute(select(r.version, r.current, r.path).order_by(r.id)).all()
    assert [(v, cur) for v, cur, _ in rows] == [(1, False), (2, True)]
    assert rows[0].path.endswith("a/r001.txt")
    assert count(db_url, "files") == 2


def test_corpus_versions_of_one_body_and_year(db_url: str) -> None:
    """g001 and s000 are two files of 北京市西城区人社局's 2021 report: two versions, one shown."""
    with open_store(db_url) as store:
        import_files(store, [RAW / "g001.txt", RAW / "s000.txt"], reading=serial())
        with store.begin() as conn:
            r = schema.reports.c
            rows = conn.execute(
                select(r.body_id, r.year, r.version, r.current).order_by(r.id)
            ).all()
    assert rows[0].body_id == rows[1].body_id and rows[0].year == rows[1].year == 2021
    assert [(x.version, x.current) for x in rows] == [(1, False), (2, True)]


def _x_not_applicable(url: str, agency: str) -> int:
    engine = create_engine(url)
    f, r = schema.findings.c, schema.reports.c
    with engine.connect() as conn:
        n = conn.execute(
            select(f.id)
            .join(schema.reports, r.id == f.report_id)
            .where(
                r.agency == agency, f.code.like("X%"), f.applicable.is_(False), f.active.is_(True)
            )
        ).all()
    engine.dispose()
    return len(n)


def test_cross_year_rules_use_the_stored_previous_year(db_url: str) -> None:
    """p002 (淮安市洪泽区人民政府 2024) is imported before p001 (洪泽区人民政府 2023): when the
    2023 report arrives, the 2024 report's cross-year rules are run against it."""
    with open_store(db_url) as store:
        import_files(store, [RAW / "p002.pdf"], reading=serial())
        alone = _x_not_applicable(db_url, "淮安市洪泽区人民政府")
        import_files(store, [RAW / "p001.pdf"], reading=serial())
        paired = _x_not_applicable(db_url, "淮安市洪泽区人民政府")
    assert alone >= 5  # no previous year: the rules cannot be applied
    assert paired < alone
    assert count(db_url, "bodies") == 1  # the two spellings are one body


def test_dismissed_finding_survives_a_reread(db_url: str) -> None:
    with open_store(db_url) as store:
        import_files(store, [RAW / "p001.pdf"], reading=serial())
        with store.begin() as conn:
            f = schema.findings.c
            target = conn.execute(
                select(f.id, f.key).where(f.severity == "error").order_by(f.id)
            ).first()
            assert target is not None
            errors_before = conn.execute(select(schema.reports.c.errors)).scalar()
        set_status(store, target.id, "dismissed", "审核员甲", "已电话核实，原表如此")
        with store.begin() as conn:
            assert conn.execute(select(schema.reports.c.errors)).scalar() == errors_before - 1
            # pretend an older reader made the stored reading, and that it read one cell wrong
            conn.execute(update(schema.reports).values(reader_version="0.0.1+old"))
            c = schema.cells.c
            conn.execute(
                update(schema.cells).where(c.name == "requests.new.total").values(number=-1.0)
            )
        result = reread(store, reading=serial())
        assert (result.total, result.stored, result.changed) == (1, 1, 1)
        with store.begin() as conn:
            r, f, ch = schema.reports.c, schema.findings.c, schema.changes.c
            readings = conn.execute(select(r.id, r.current).order_by(r.id)).all()
            assert [cur for _, cur in readings] == [False, True]
            carried = conn.execute(
                select(f.status, f.reason, f.changed_by).where(
                    f.report_id == readings[1].id, f.key == target.key
                )
            ).one()
            changes = conn.execute(select(ch.name, ch.before, ch.after)).all()
            audit = conn.execute(select(schema.audit.c.actor, schema.audit.c.action)).all()
        again = reread(store, reading=serial())
    assert tuple(carried) == ("dismissed", "已电话核实，原表如此", "审核员甲")
    assert [(n, b) for n, b, _ in changes] == [("requests.new.total", -1)]
    assert changes[0].after >= 0
    assert audit == [("审核员甲", "finding.dismissed")]
    assert again.total == 0


def test_dismissal_needs_a_reason(db_url: str) -> None:
    with open_store(db_url) as store:
        import_files(store, [RAW / "p001.pdf"], reading=serial())
        with pytest.raises(GongkaiError, match="理由"):
            set_status(store, 1, "dismissed", "甲", "  ")
        with pytest.raises(GongkaiError, match="没有编号为 999999"):
            set_status(store, 999999, "fixed", "甲")


def test_search_finds_chinese_phrases(db_url: str) -> None:
    from gongkai.store.search import matches

    with open_store(db_url) as store:
        import_files(store, [RAW], reading=local_reading())
        with store.begin() as conn:
            s, r = schema.sections.c, schema.reports.c

            def agencies(q: str) -> set[str]:
                cond = matches(q, store.dialect)
                assert cond is not None
                rows = conn.execute(
                    select(r.agency).join(schema.sections, s.report_id == r.id).where(cond)
                )
                return {a for (a,) in rows}

            texts = conn.execute(
                select(r.agency, s.text).join(schema.sections, s.report_id == r.id)
            ).all()
            for phrase in ("政府信息公开", "行政复议", "依申请公开"):
                expected = {a for a, t in texts if phrase in t}
                assert agencies(phrase) == expected, phrase
            assert agencies("平潭") == {a for a, t in texts if "平潭" in t}
            assert agencies("不存在的词语组合甲乙丙") == set()
    assert matches("，。！", "sqlite") is None


@pytest.mark.parametrize("jobs", [2])
def test_an_import_killed_halfway_finishes_when_run_again(tmp_path: Path, jobs: int) -> None:
    """A real process importing 60 files is killed once some batches are in; the second run
    stores the rest, and the database equals one imported in one go."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):  # 60 distinct files: the corpus with a distinguishing trailing line
        for f in sorted(RAW.iterdir()):
            data = f.read_bytes()
            extra = f"\n<!-- copy {i} -->\n" if f.suffix == ".html" else f"\n\n副本{i}\n"
            if f.suffix in (".pdf",):
                data += f"\n% copy {i}\n".encode()
            else:
                data += extra.encode("utf-8")
            (folder / f"{i}-{f.name}").write_bytes(data)
    killed, whole = tmp_path / "killed.db", tmp_path / "whole.db"
    code = (
        "import sys; from gongkai.store import open_store, import_files;"
        "import_files(open_store(sys.argv[1]), [sys.argv[2]], batch=5)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(killed), str(folder)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if killed.exists():
            try:
                with sqlite3.connect(killed, timeout=1) as c:
                    n = c.execute("SELECT count(*) FROM reports").fetchone()[0]
            except sqlite3.Error:
                continue
            if n >= 10:
                break
    proc.kill()
    proc.wait()
    with sqlite3.connect(killed) as c:
        partial = c.execute("SELECT count(*) FROM reports").fetchone()[0]
    assert 10 <= partial < 60
    with open_store(killed) as store:
        rest = import_files(store, [folder], reading=local_reading(jobs=jobs))
    assert rest.already == partial and rest.stored == 60 - partial
    with open_store(whole) as store:
        import_files(store, [folder], reading=local_reading(jobs=jobs))

    def content(db: Path) -> set[tuple[Any, ...]]:
        with sqlite3.connect(db) as c:
            return set(
                c.execute(
                    "SELECT r.file_sha256, r.agency, r.year, c.name, c.number, c.text "
                    "FROM reports r JOIN cells c ON c.report_id = r.id"
                )
            )

    assert content(killed) == content(whole)
    with sqlite3.connect(killed) as c:
        assert c.execute(
            "SELECT count(*), count(DISTINCT file_sha256) FROM reports"
        ).fetchone() == (60, 60)


# -- unusable databases ---------------------------------------------------------------------------


def test_a_corrupt_file_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "gongkai.db"
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    with pytest.raises(GongkaiError, match="已损坏或不是 SQLite") as exc:
        open_store(db)
    assert str(db) in str(exc.value)
    assert db.read_bytes() == before


def test_a_newer_schema_is_refused(db_url: str) -> None:
    open_store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(GongkaiError, match="更新版本的 gongkai"):
        open_store(db_url)


def test_another_programs_database_is_not_written(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    before = db.read_bytes()
    with pytest.raises(GongkaiError, match="不是 gongkai 的数据库"):
        open_store(db)
    assert db.read_bytes() == before


def test_a_locked_file_gives_a_message_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "gongkai.db"
    open_store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with open_store(db, timeout=0.5) as store, pytest.raises(GongkaiError, match="锁定"):
            import_files(store, [RAW / "r001.txt"], reading=serial())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count(f"sqlite:///{db}", "reports") == 0


def test_postgresql_down_gives_a_message(postgres_down_url: str) -> None:
    started = time.monotonic()
    with pytest.raises(GongkaiError, match="无法连接 PostgreSQL"):
        open_store(postgres_down_url)
    assert time.monotonic() - started < 30


def test_migrations_create_exactly_the_schema(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    open_store(db_url).close()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    engine.dispose()
    # the full-text search objects are not SQLAlchemy tables
    search = ("sections_fts", "ix_sections_search", "Column('search'")
    diff = [d for d in diff if not any(s in str(d) for s in search)]
    assert diff == []


def test_default_database_is_gongkai_db_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.store import database_url

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GONGKAI_DB", raising=False)
    assert database_url(None) == f"sqlite:///{tmp_path / 'gongkai.db'}"
    monkeypatch.setenv("GONGKAI_DB", "postgresql://u@h/db")
    assert database_url(None) == "postgresql+psycopg://u@h/db"
    assert database_url("x/y.db") == f"sqlite:///{tmp_path / 'x' / 'y.db'}"
    shutil.rmtree(tmp_path / "x", ignore_errors=True)


def test_reread_tries_again_a_file_an_older_reader_could_not_read(db_url: str) -> None:
    """A stored original that an older reader failed on is read again by --reread."""
    from sqlalchemy import delete, insert

    with open_store(db_url) as store:
        import_files(store, [RAW / "r005.txt"], reading=serial())
        with store.begin() as conn:  # as if an older reader had failed on it
            sha = conn.execute(select(schema.files.c.sha256)).scalar_one()
            for table in (schema.cells, schema.sections, schema.findings):
                conn.execute(delete(table))
            conn.execute(delete(schema.reports))
            conn.execute(
                insert(schema.failures).values(
                    sha256=sha,
                    reader_version="0.0.1+old",
                    path="旧目录/r005.txt",
                    message="旧版无法读取",
                )
            )
        result = reread(store, reading=serial())
        with store.begin() as conn:
            path, agency = conn.execute(
                select(schema.reports.c.path, schema.reports.c.agency)
            ).one()
        again = reread(store, reading=serial())
    assert (result.total, result.stored, result.failed) == (1, 1, [])
    assert (path, agency) == ("旧目录/r005.txt", "河北省工业和信息化厅")
    assert again.total == 0
