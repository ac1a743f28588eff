"""Exporting the store: the stored reports (all, or a year's, a region's) as CSV, XLSX, Parquet
or a standalone SQLite file, tidy (one row per cell) or wide (one row per report).

Every export streams: rows come from the database in chunks (server-side cursors on
PostgreSQL) and go out in chunks, so memory stays flat however many reports are stored. The
file is written beside the output under a temporary name and renamed at the end, so a failed
export leaves no half-written file. CSV and XLSX have the shape of ``extract``'s tables (keys,
then a Chinese label row; formula-like text neutralised); Parquet keeps types (numbers as
float, text in a separate column) and the labels as column metadata; the SQLite file is
self-describing (a ``labels`` table) and opens in Datasette as it is.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, groupby, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    Row,
    Select,
    func,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from ..api import format_for
from ..errors import GongkaiError
from ..output import (
    FORMULA_STARTS,
    META_LABELS,
    cell_columns,
    cell_label,
    column_labels,
    neutralise,
)
from . import schema
from .engine import Store, errors
from .queries import in_region

FORMATS = ("csv", "xlsx", "parquet", "sqlite")
SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".sqlite": "sqlite"}
SUFFIXES[".db"] = "sqlite"
SHAPES = ("tidy", "wide")
CHUNK = 5_000  # rows fetched from the database at a time
PARQUET_GROUP = 100_000  # rows per Parquet row group (small groups make slow readers)
XLSX_MAX_ROWS, XLSX_MAX_COLUMNS = 1_048_576, 16_384
TEXT_SUFFIX = ":text"  # Parquet wide: the text column beside a cell's number column


def specs(text: str) -> dict[str, tuple[str, list[str], str]]:
    """Columns as data, "key type [flags] 中文名称, …" -> {key: (type, flags, label)}."""
    found = {}
    for spec in text.split(","):
        key, kind, *flags, label = spec.split()
        found[key] = (kind, flags, label)
    return found


# The columns of the tidy and wide tables (cells add theirs), with their types and labels.
COLUMNS = specs(
    "report_id int 报告编号, body text 机关（统一名称）, agency text -, region text 地区,"
    "level text 层级, year int -, template text -, version int 文件版本, current bool 当前版本,"
    "published text 发布日期, errors int 错误数, warnings int 警告数, notes text -, file text -,"
    "sha256 text 文件SHA-256, table text 表格, row_key text 行, col_key text 列, name text 字段,"
    "label text 中文名称, value num 数值, text text 文字, raw text 原文, derived text 推算依据,"
    "ambiguous bool 无法确定, page int 页码, line int 行号"
)
LABELS = {k: label for k, (_, _, label) in COLUMNS.items()}
LABELS.update({k: META_LABELS[k] for k in ("agency", "year", "template", "file")})
LABELS["notes"] = META_LABELS["warnings"]  # what the reader noticed
COLUMNS = {k: (kind, flags, LABELS[k]) for k, (kind, flags, _) in COLUMNS.items()}
REPORT_COLUMNS = list(COLUMNS)[:9]
WIDE_EXTRA = list(COLUMNS)[9:15]
TIDY_CELL = ("table", "row_key", "col_key", "name", "label", "value")
TIDY_TAIL = ("raw", "derived", "ambiguous", "page", "line", "file", "sha256")
# A cell as read from the store (plain tuples: rows are unpacked, fast, in the hot loops).
Cell = Sequence[Any]
CELL_FIELDS: tuple[str, ...] = ("report_id", "name", "tbl", "row_key", "col_key", "number")
CELL_FIELDS += ("text", "raw", "page", "line", "derived", "ambiguous")


@dataclass(frozen=True)
class Selection:
    """Which reports to export: a year, a region (a path such as 河北省/石家庄市: its bodies
    and those below it), and only the current reading of each body and year unless
    ``current_only`` is False."""

    year: int | None = None
    region: str | None = None
    current_only: bool = True

    def conditions(self) -> list[ColumnElement[bool]]:
        r = schema.reports.c
        found = [self.in_region()]
        if self.current_only:
            found.append(r.current.is_(True))
        if self.year is not None:
            found.append(r.year == self.year)
        return found

    def in_region(self) -> ColumnElement[bool]:
        """Bodies of the region and the regions below it, as ``gongkai query`` reads it."""
        return in_region(self.region) if self.region else true()

    def reports(self, *columns: Any) -> Select[Any]:
        joined = schema.reports.outerjoin(
            schema.bodies, schema.reports.c.body_id == schema.bodies.c.id
        )
        return select(*columns).select_from(joined).where(*self.conditions())

    def cells(self) -> Select[Any]:
        c = schema.cells.c
        ids = self.reports(schema.reports.c.id)
        columns = [c[k] for k in CELL_FIELDS]
        # the primary key's order: an index scan on both databases, never a sort
        return select(*columns).where(c.report_id.in_(ids)).order_by(c.report_id, c.name)


def export(
    store: Store,
    out: str | Path,
    fmt: str | None = None,
    shape: str = "tidy",
    year: int | None = None,
    region: str | None = None,
    current_only: bool = True,
    labels: bool = True,
) -> Path:
    """Write the stored reports to ``out``; returns the path written.

    :param fmt: csv, xlsx, parquet or sqlite; by default from the suffix of ``out`` (.csv
        .xlsx .parquet .sqlite .db), which a given ``fmt`` must agree with.
    :param shape: ``tidy`` (one row per cell) or ``wide`` (one row per report, one column per
        cell; in SQLite the template cells become columns of ``reports``).
    :param year: only this year's reports; :param region: only bodies in this region.
    :param current_only: only the current reading of each body and year (else every version).
    :param labels: CSV and XLSX: the Chinese label row under the keys (else labels as notes).
    :raises GongkaiError: with a Chinese message for a wrong choice, a database failure, an
        XLSX that would exceed a sheet, a missing pyarrow, or a file that cannot be written.
    """
    out = Path(out)
    chosen = format_for(out, fmt, SUFFIXES, FORMATS)
    if shape not in SHAPES:
        raise GongkaiError(f"不支持的导出形式“{shape}”，可选：{'、'.join(SHAPES)}")
    if store.dialect == "sqlite" and out.resolve() == Path(store.where).resolve():
        raise GongkaiError("导出文件不能是数据库文件本身", str(out))
    sel = Selection(year, region, current_only)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GongkaiError(f"无法写入文件：{exc.strerror or exc}", str(out)) from None
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with errors(store.where), store.engine.connect() as conn:
            if chosen == "sqlite":
                from .export_sqlite import write_sqlite

                write_sqlite(conn, part, sel, shape == "wide", str(out))
            else:
                _write(conn, part, chosen, sel, shape, labels)
        os.replace(part, out)
    except OSError as exc:
        raise GongkaiError(f"无法写入文件：{exc.strerror or exc}", str(out)) from None
    finally:
        part.unlink(missing_ok=True)
    return out


def _write(
    conn: Connection, part: Path, fmt: str, sel: Selection, shape: str, labels: bool
) -> None:
    split = fmt == "parquet"  # typed columns: the number, and the text apart
    texts = _text_names(conn, sel) if split and shape == "wide" else set()
    header, rows = _wide(conn, sel, split, texts) if shape == "wide" else _tidy(conn, sel, split)
    meta = {**LABELS, **{n + TEXT_SUFFIX: cell_label(n) + "（文字）" for n in texts}}
    names = column_labels(header, meta)
    if fmt == "csv":
        _write_csv(part, header, names if labels else None, rows)
    elif fmt == "parquet":
        _write_parquet(part, header, names, rows, texts)
    else:
        count = select(func.count()).select_from(
            sel.cells().subquery()
            if shape == "tidy"
            else sel.reports(schema.reports.c.id).subquery()
        )
        total = int(conn.execute(count).scalar() or 0)
        title, freeze = ("cells", 0) if shape == "tidy" else ("reports", 3)
        from .export_xlsx import write_xlsx

        write_xlsx(part, header, names, rows, total, title, freeze, labels)


# -- rows ------------------------------------------------------------------------------------


def stream(conn: Connection, query: Select[Any]) -> CursorResult[Any]:
    """Rows fetched in chunks (a server-side cursor on PostgreSQL), never all at once."""
    return conn.execution_options(yield_per=CHUNK).execute(query)


def _report_rows(conn: Connection, sel: Selection) -> CursorResult[Any]:
    r, b = schema.reports.c, schema.bodies.c
    columns = [r.id.label("report_id"), b.name.label("body"), r.agency, b.region, b.level]
    columns += [r.year, r.template, r.version, r.current, r.published, r.errors, r.warnings]
    columns += [r.notes, r.path, r.file_sha256.label("sha256"), r.body_id, r.reader_version]
    return stream(conn, sel.reports(*columns).order_by(r.id))


def with_cells(conn: Connection, sel: Selection) -> Iterator[tuple[Row[Any], list[Cell]]]:
    """Each selected report with its cells (``CELL_FIELDS``) in template order, legacy cells
    in reading order: two streams ordered by report id, merged here, so that nothing is held
    but one report's cells."""
    order = {name: i for i, name in enumerate(cell_columns())}
    last = len(order)

    def place(c: Cell) -> tuple[int, int, int, str]:
        return (order.get(c[1], last), c[8] or 0, c[9] or 0, c[1])

    groups = groupby(stream(conn, sel.cells()), key=itemgetter(0))
    pending = next(groups, None)
    for rep in _report_rows(conn, sel):
        cells: list[Cell] = []
        while pending is not None and pending[0] <= rep.report_id:
            if pending[0] == rep.report_id:
                cells = sorted(pending[1], key=place)
            pending = next(groups, None)
        yield rep, cells


def number(value: float | None) -> float | int | None:
    """A stored number as written: 18.0 is 18."""
    if value is not None and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def file_name(path: str) -> str:
    """The file's own name from the path it was imported under (zip members too)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _head(rep: Row[Any]) -> list[Any]:
    return [getattr(rep, k) for k in REPORT_COLUMNS]


def _tidy(conn: Connection, sel: Selection, split: bool) -> tuple[list[str], Iterator[list[Any]]]:
    header = [*REPORT_COLUMNS, *TIDY_CELL, *(["text"] if split else []), *TIDY_TAIL]
    label = cache(cell_label)

    def rows() -> Iterator[list[Any]]:
        for rep, cells in with_cells(conn, sel):
            head, tail = _head(rep), [file_name(rep.path), rep.sha256]
            for _, name, tbl, row_key, col_key, num, text, raw, page, line, how, amb in cells:
                # CSV/XLSX: the cell as extract shows it; Parquet: the number and the text
                value = [num, text] if split else [text if num is None else number(num)]
                cell = [tbl, row_key, col_key, name, label(name), *value, raw, how, amb, page, line]
                yield [*head, *cell, *tail]

    return header, rows()


def legacy_names(conn: Connection, sel: Selection) -> list[str]:
    """The legacy cells' names in the selection, in the order first seen."""
    c = schema.cells.c
    ids = sel.reports(schema.reports.c.id)
    query = (
        select(c.name)
        .where(c.tbl == "legacy", c.report_id.in_(ids))
        .group_by(c.name)
        .order_by(func.min(c.report_id), func.min(c.page), func.min(c.line), c.name)
    )
    return list(conn.execute(query).scalars())


def _text_names(conn: Connection, sel: Selection) -> set[str]:
    """The cells holding text in at least one selected report (they get a text column)."""
    c = schema.cells.c
    ids = sel.reports(schema.reports.c.id)
    query = select(c.name).where(c.text.is_not(None), c.report_id.in_(ids)).distinct()
    return set(conn.execute(query).scalars())


def _wide(
    conn: Connection, sel: Selection, split: bool, texts: set[str]
) -> tuple[list[str], Iterator[list[Any]]]:
    names = [*cell_columns(), *legacy_names(conn, sel)]
    columns = chain.from_iterable([n, n + TEXT_SUFFIX] if n in texts else [n] for n in names)
    header = [*REPORT_COLUMNS, *WIDE_EXTRA, *columns]

    def rows() -> Iterator[list[Any]]:
        for rep, cells in with_cells(conn, sel):
            row = _head(rep)
            row += [rep.published, rep.errors, rep.warnings, "；".join(rep.notes or [])]
            row += [file_name(rep.path), rep.sha256]
            by_name = {c[1]: (c[5], c[6]) for c in cells}
            for n in names:
                num, text = by_name.get(n, (None, None))
                if not split:
                    row.append(text if num is None else number(num))
                    continue
                row.append(num)
                if n in texts:
                    row.append(text)
            yield row

    return header, rows()


# -- files -----------------------------------------------------------------------------------


def batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def _write_csv(
    path: Path, header: list[str], labels: list[str] | None, rows: Iterator[list[Any]]
) -> None:
    """CSV as ``extract`` writes it: a BOM for Excel, keys, labels, formula-like text made
    harmless."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\ufeff")
        w = csv.writer(f)
        w.writerow([neutralise(h) for h in header])
        if labels is not None:
            w.writerow([neutralise(h) for h in labels])
        # neutralise() only where it can change something: the check is per value
        w.writerows(
            [neutralise(v) if v.__class__ is str and v.startswith(FORMULA_STARTS) else v for v in r]
            for r in rows
        )


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise GongkaiError(
            "导出 Parquet 需要 pyarrow，当前环境中没有安装；"
            "请运行 pip install 'gongkai[parquet]'（或 pip install pyarrow）后再试，"
            "或改为导出 CSV / XLSX / SQLite"
        ) from None
    return pa, pq


def _write_parquet(
    path: Path, header: list[str], labels: list[str], rows: Iterator[list[Any]], texts: set[str]
) -> None:
    """Typed columns (numbers float64, text string), the Chinese label of each column in its
    field metadata (``label``) and all of them in the schema metadata (``gongkai:labels``)."""
    pa, pq = _pyarrow()

    types = {"int": pa.int64(), "bool": pa.bool_(), "num": pa.float64(), "text": pa.string()}

    def kind(h: str) -> Any:
        if h in COLUMNS:
            return types[COLUMNS[h][0]]
        return pa.string() if h.endswith(TEXT_SUFFIX) else pa.float64()

    fields = [
        pa.field(h, kind(h), metadata={"label": t}) for h, t in zip(header, labels, strict=True)
    ]
    shown_labels = json.dumps(dict(zip(header, labels, strict=True)), ensure_ascii=False)
    arrow = pa.schema(fields, metadata={"gongkai:labels": shown_labels})
    with pq.ParquetWriter(str(path), arrow, compression="zstd") as writer:
        group: list[Any] = []  # Arrow batches (compact) gathered into one row group
        for chunk in batches(rows, CHUNK):
            columns = zip(zip(*chunk, strict=True), fields, strict=True)
            group.append(pa.record_batch([pa.array(c, type=f.type) for c, f in columns], arrow))
            if len(group) * CHUNK >= PARQUET_GROUP:
                writer.write_table(pa.Table.from_batches(group), row_group_size=PARQUET_GROUP)
                group = []
        if group:
            writer.write_table(pa.Table.from_batches(group), row_group_size=PARQUET_GROUP)
