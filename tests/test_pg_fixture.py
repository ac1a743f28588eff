"""The database fixtures: a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

TEXT = "国务院办公厅 2023 年政府信息公开工作年度报告（主动公开）"


def test_round_trip_chinese_text(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        meta = sa.MetaData()
        reports = sa.Table(
            "reports",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("title", sa.Text, nullable=False),
        )
        meta.create_all(engine)
        with engine.begin() as conn:
            conn.execute(reports.insert(), [{"title": TEXT}])
        with engine.connect() as conn:
            rows = conn.execute(sa.select(reports.c.id, reports.c.title)).all()
            assert [tuple(r) for r in rows] == [(1, TEXT)]
            # Matching by a Chinese prefix works on the server side too.
            found = conn.execute(
                sa.select(reports.c.title).where(reports.c.title.like("国务院%"))
            ).scalar_one()
            assert found == TEXT
    finally:
        engine.dispose()


def test_fresh_database_is_empty(db_url: str) -> None:
    engine = sa.create_engine(db_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


def test_postgres_down_url_fails_to_connect(postgres_down_url: str) -> None:
    engine = sa.create_engine(postgres_down_url)
    try:
        with pytest.raises(OperationalError), engine.connect():
            pass
    finally:
        engine.dispose()
