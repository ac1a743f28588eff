"""Export: a standalone SQLite file that opens in Datasette as it is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    ForeignKey,
    Integer,
    MetaData,
    Row,
    Table,
    Text,
    create_engine,
    insert,
    select,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.types import UserDefinedType

from ..output import (
    cell_columns,
    cell_label,
)
from . import schema
from .engine import errors
from .exporter import (
    CELL_FIELDS,
    CHUNK,
    COLUMNS,
    WIDE_EXTRA,
    Cell,
    Selection,
    batches,
    file_name,
    legacy_names,
    number,
    specs,
    stream,
    with_cells,
)

# -- SQLite ----------------------------------------------------------------------------------

# The standalone file's tables as data; ">t.c" is a foreign key.
SQLITE_TABLES = {
    "labels": specs("key text pk 字段, title text 中文名称"),
    "bodies": specs(
        "id int pk 机关编号, name text 机关（统一名称）, level text 层级, region text 地区,"
        "parent_id int >bodies.id 上级机关"
    ),
    "body_names": specs("name text pk 所见名称, body_id int >bodies.id 机关"),
    "reports": {
        **specs("id int pk 报告编号, title text 报告, body_id int >bodies.id 机关"),
        **{k: COLUMNS[k] for k in ("agency", "year", "template", "version", "current")},
        **{k: COLUMNS[k] for k in WIDE_EXTRA},
        **specs("reader_version text 读取程序版本"),
    },
    "cells": specs(
        "report_id int pk >reports.id 报告, name text pk >labels.key 字段, tbl text 表格,"
        "row_key text 行, col_key text 列, number num 数值, text text 文字, raw text 原文,"
        "page int 页码, line int 行号, derived text 推算依据, ambiguous bool 无法确定"
    ),
    "sections": specs(
        "id int pk 编号, report_id int >reports.id 报告, number text 部分, title text 标题,"
        "text text 正文"
    ),
    "findings": specs(
        "id int pk 编号, report_id int >reports.id 报告, code text 规则代码,"
        "severity text 严重程度, title text 规则, message text 说明, location text 位置,"
        "applicable bool 适用, active bool 仍存在, status text 状态, reason text 理由,"
        "changed_at text 修改时间, changed_by text 修改人"
    ),
}
TIDY_VIEW = """CREATE VIEW tidy AS SELECT c.report_id, b.name AS body, r.agency, b.region, b.level,
 r.year, r.template, r.version, r."current", c.tbl AS "table", c.row_key, c.col_key, c.name,
 l.title AS label, coalesce(c.number, c.text) AS value, c.raw, c.derived, c.ambiguous, c.page,
 c.line, r.file, r.sha256 FROM cells c JOIN reports r ON r.id = c.report_id
 LEFT JOIN bodies b ON b.id = r.body_id LEFT JOIN labels l ON l.key = c.name"""
SECTIONS_FTS = (
    'CREATE VIRTUAL TABLE sections_fts USING fts5(title, text, content="sections", '
    'content_rowid="id", tokenize="trigram")',
    "INSERT INTO sections_fts(sections_fts) VALUES ('rebuild')",
)


class _Value(UserDefinedType[Any]):
    """NUMERIC affinity, nothing converted: 18.0 is stored as 18, "/" stays text."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "NUMERIC"


def _tables(wide: bool) -> MetaData:
    kinds = {"int": Integer, "text": Text, "bool": Boolean, "num": _Value}
    md = MetaData()
    for name, columns in SQLITE_TABLES.items():
        made = [
            Column(
                key,
                kinds[kind](),
                *(ForeignKey(f[1:]) for f in flags if f[0] == ">"),
                primary_key="pk" in flags,
            )
            for key, (kind, flags, _) in columns.items()
        ]
        if name == "reports" and wide:
            made.extend(Column(n, _Value()) for n in cell_columns())
        Table(name, md, *made)
    return md


def write_sqlite(conn: Connection, path: Path, sel: Selection, wide: bool, where: str) -> None:
    """reports, cells, bodies, body_names, findings, sections (searchable where SQLite has
    FTS5), labels, and a ``tidy`` view; keys and foreign keys so Datasette links them."""
    md = _tables(wide)
    t, ids = md.tables, sel.reports(schema.reports.c.id)
    b, n = schema.bodies.c, schema.body_names.c
    body_ids = select(b.id).where(sel.in_region())
    copies = {
        "bodies": select(b.id, b.name, b.level, b.region, b.parent_id).where(sel.in_region()),
        "body_names": select(n.name, n.body_id).where(n.body_id.in_(body_ids)),
    }
    for name in ("sections", "findings"):
        src = getattr(schema, name)
        kept = [src.c[k] for k in SQLITE_TABLES[name]]
        copies[name] = select(*kept).where(src.c.report_id.in_(ids)).order_by(src.c.id)
    names = [*cell_columns(), *legacy_names(conn, sel)]
    labels = [{"key": k, "title": cell_label(k)} for k in names]
    for table, columns in SQLITE_TABLES.items():
        labels += [{"key": f"{table}.{k}", "title": c[2]} for k, c in columns.items()]
    engine = create_engine(f"sqlite:///{path}")
    try:
        with errors(where), engine.begin() as out:  # messages name the file being written
            md.create_all(out)
            out.execute(insert(t["labels"]), labels)
            for name, query in copies.items():
                _copy(out, t[name], (r._asdict() for r in stream(conn, query)))
            reports = (_report_row(rep, cells, wide) for rep, cells in with_cells(conn, sel))
            _copy(out, t["reports"], reports)
            _copy(out, t["cells"], map(_cell_row, stream(conn, sel.cells())))
            out.exec_driver_sql(TIDY_VIEW)
            try:
                with out.begin_nested():
                    for statement in SECTIONS_FTS:
                        out.exec_driver_sql(statement)
            except OperationalError:
                pass  # this SQLite lacks FTS5 or its trigram tokenizer: sections stay unindexed
    finally:
        engine.dispose()


def _report_row(rep: Row[Any], cells: list[Cell], wide: bool) -> dict[str, Any]:
    """A report of the SQLite file; ``title`` names it where Datasette links to it."""
    row = {k: v for k, v in rep._mapping.items() if k in SQLITE_TABLES["reports"]}
    when = f" {rep.year}年" if rep.year else ""
    title = f"{rep.body or rep.agency or file_name(rep.path)}{when} 第{rep.version}版"
    row.update(id=rep.report_id, title=title, file=file_name(rep.path))
    row["notes"] = "；".join(rep.notes or [])
    if wide:  # every row the same keys: one executemany per chunk
        row.update(dict.fromkeys(cell_columns()))
        row.update(
            {c[1]: c[6] if c[5] is None else number(c[5]) for c in cells if c[2] != "legacy"}
        )
    return row


def _cell_row(c: Cell) -> dict[str, Any]:
    row = dict(zip(CELL_FIELDS, c, strict=True))
    row["number"] = number(row["number"])
    return row


def _copy(out: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    for chunk in batches(rows, CHUNK):
        out.execute(insert(table), chunk)
