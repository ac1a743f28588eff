"""Roster import: who the bodies are (canonical name, level, region, parent) and who is expected
to report in a year, from a CSV (UTF-8 with or without BOM, or GBK) or XLSX file.

Columns (English or Chinese headers): body (单位 / 机关 / 机关名称 / 单位名称), parent (上级 /
上级单位 / 上级机关), level (层级 / 级别), region (地区 / 行政区划 / 所属地区) and an optional
year (年度 / 年份). Each row's body is matched to a stored body across spellings (a roster name
becomes the canonical name, the other spellings are kept); an empty cell leaves the stored value
as it is. Importing the same roster again changes nothing and writes no audit row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from ..api import valid_year
from ..checks.bodies import normalise
from ..errors import GongkaiError
from . import schema
from .bodies import Bodies
from .engine import Store, now

LEVELS = ("省", "市", "县", "乡镇", "部门")
LEVEL_ALIASES = {
    **{level: level for level in LEVELS},
    "省级": "省",
    "自治区": "省",
    "直辖市": "省",
    "市级": "市",
    "地级市": "市",
    "县级": "县",
    "区": "县",
    "县区": "县",
    "区县": "县",
    "县级市": "县",
    "乡": "乡镇",
    "镇": "乡镇",
    "乡级": "乡镇",
    "乡镇级": "乡镇",
    "街道": "乡镇",
    "部门级": "部门",
}
HEADERS = {
    "body": ("body", "name", "单位", "机关", "机关名称", "单位名称"),
    "parent": ("parent", "上级", "上级单位", "上级机关"),
    "level": ("level", "层级", "级别"),
    "region": ("region", "地区", "行政区划", "所属地区"),
    "year": ("year", "年度", "年份"),
}
_HEADER_OF = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# Region paths are written 河北省/石家庄市; people also use other separators.
_REGION_SEPARATORS = re.compile(r"\s*[/\\>|,，、]\s*|\s+")
MAX_NAME = 200
MAX_REGION = 400
MAX_BYTES = 50_000_000


@dataclass
class RosterResult:
    """What a roster import did; ``problems`` are Chinese messages naming the skipped rows."""

    file: str
    rows: int = 0  # rows imported
    created: int = 0  # bodies new to the store
    updated: int = 0  # stored bodies whose name, level, region or parent changed
    expected: int = 0  # "expected to report in year Y" rows added
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every row was imported."""
        return not self.problems

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.expected)


def normalise_level(value: str | None) -> str | None:
    """The level as one of :data:`LEVELS`; None for an empty cell.

    :raises GongkaiError: for a level that is none of them (nor an alias such as 县级, 街道).
    """
    text = normalise(value)
    if not text:
        return None
    level = LEVEL_ALIASES.get(text)
    if level is None:
        raise GongkaiError(f"层级“{text[:20]}”无法识别（可选：{'、'.join(LEVELS)}）")
    return level


def normalise_region(value: str | None) -> str | None:
    """A region path ``省/市/县/乡镇``: full-width forms folded, separators made ``/``."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    parts = [p for p in _REGION_SEPARATORS.split(text) if p]
    return "/".join(parts) or None


def import_roster(
    store: Store, path: str | Path, year: int | str | None = None, actor: str = "cli"
) -> RosterResult:
    """Load a roster into the store (``gongkai roster``).

    :param path: a .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file.
    :param year: every listed body is expected to report in this year (a row's own year column
        wins when it is filled).
    :param actor: who imports, kept in the audit trail.
    :returns: counts and the rows that could not be imported (the good rows are imported).
    :raises GongkaiError: when the file cannot be read or has no body column.
    """
    path = Path(path)
    default_year = valid_year(year) if year not in (None, "") else None
    rows = list(_parse(path))
    result = RosterResult(str(path))
    with store.begin() as conn:
        loader = _Loader(conn, str(path.name)[-400:], result)
        for number, row in rows:
            try:
                loader.add(row, default_year)
            except GongkaiError as exc:
                result.problems.append(f"第{number}行：{exc.message}")
        if result.changed:
            conn.execute(
                insert(schema.audit).values(
                    at=now(),
                    actor=(actor or "cli")[:100],
                    action="roster.import",
                    target=f"roster:{path.name}"[:100],
                    after={
                        "file": path.name,
                        "rows": result.rows,
                        "created": result.created,
                        "updated": result.updated,
                        "expected": result.expected,
                        "problems": len(result.problems),
                    },
                )
            )
    return result


class _Loader:
    """One roster import's state: the stored bodies and roster rows, kept in memory."""

    def __init__(self, conn: Connection, source: str, result: RosterResult) -> None:
        self.conn = conn
        self.source = source
        self.result = result
        self.bodies = Bodies(conn)
        b = schema.bodies.c
        self.known: dict[int, dict[str, Any]] = {
            row.id: {"name": row.name, "level": row.level, "region": row.region, "p": row.parent_id}
            for row in conn.execute(select(b.id, b.name, b.level, b.region, b.parent_id))
        }
        self.expected: set[tuple[int, int]] = set()
        self.years_loaded: set[int] = set()
        self.touched: set[int] = set()

    def body(self, name: str) -> int:
        body_id = self.bodies.find(name)
        if body_id is None:
            made = self.bodies.resolve(self.conn, name)
            assert made is not None  # the name is not empty
            body_id = made
        if body_id not in self.known:
            self.known[body_id] = {"name": name, "level": None, "region": None, "p": None}
            self.result.created += 1
            self.touched.add(body_id)
        return body_id

    def add(self, row: dict[str, str], default_year: int | None) -> None:
        name = normalise(row.get("body"))
        if not name:
            raise GongkaiError("单位名称为空")
        if len(name) > MAX_NAME:
            raise GongkaiError(f"单位名称超过{MAX_NAME}个字")
        level = normalise_level(row.get("level"))
        region = normalise_region(row.get("region"))
        if region is not None and len(region) > MAX_REGION:
            raise GongkaiError(f"地区超过{MAX_REGION}个字")
        parent_name = normalise(row.get("parent"))
        if len(parent_name) > MAX_NAME:
            raise GongkaiError(f"上级单位名称超过{MAX_NAME}个字")
        when = row.get("year", "").strip()
        year = valid_year(when) if when else default_year
        body_id = self.body(name)
        parent_id = self.body(parent_name) if parent_name else None
        if parent_id == body_id:
            raise GongkaiError(f"上级单位“{parent_name}”与本单位是同一单位")
        self._update(body_id, name, level, region, parent_id)
        if year is not None:
            self._expect(body_id, year)
        self.result.rows += 1

    def _update(
        self, body_id: int, name: str, level: str | None, region: str | None, parent: int | None
    ) -> None:
        stored = self.known[body_id]
        if stored["name"] != name:
            self.bodies.rename(self.conn, body_id, name)
            renamed = self.conn.execute(
                select(schema.bodies.c.name).where(schema.bodies.c.id == body_id)
            ).scalar_one()
            if renamed != stored["name"]:
                stored["name"] = renamed
                self._touch(body_id)
        values = {
            k: v
            for k, v in (("level", level), ("region", region), ("parent_id", parent))
            if v is not None and stored["p" if k == "parent_id" else k] != v
        }
        if values:
            self.conn.execute(
                update(schema.bodies).where(schema.bodies.c.id == body_id).values(**values)
            )
            stored.update({("p" if k == "parent_id" else k): v for k, v in values.items()})
            self._touch(body_id)

    def _touch(self, body_id: int) -> None:
        if body_id not in self.touched:
            self.touched.add(body_id)
            self.result.updated += 1

    def _expect(self, body_id: int, year: int) -> None:
        if year not in self.years_loaded:
            ro = schema.roster.c
            self.expected.update(
                (row.body_id, year)
                for row in self.conn.execute(select(ro.body_id).where(ro.year == year))
            )
            self.years_loaded.add(year)
        if (body_id, year) in self.expected:
            return
        self.conn.execute(
            insert(schema.roster).values(body_id=body_id, year=year, source=self.source)
        )
        self.expected.add((body_id, year))
        self.result.expected += 1


# -- reading the file ------------------------------------------------------------------------


def _parse(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet shows it, {field: text}) for every non-empty data row."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
        raise GongkaiError("名册应为 CSV 或 XLSX 文件（.xls 请先另存为 .xlsx）", str(path))
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise GongkaiError("名册文件不存在", str(path)) from None
    except OSError as exc:
        raise GongkaiError(f"无法读取名册文件（{exc.strerror}）", str(path)) from None
    if size > MAX_BYTES:
        raise GongkaiError(f"名册文件超过 {MAX_BYTES // 1_000_000} MB", str(path))
    grid = _xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _csv_rows(path)
    header: dict[int, str] | None = None
    for number, cells in grid:
        if not any(cells):
            continue
        if header is None:
            header = _header(cells, path)
            continue
        yield number, {key: cells[i] if i < len(cells) else "" for i, key in header.items()}
    if header is None:
        raise GongkaiError("名册文件是空的（没有表头行）", str(path))


def _header(cells: list[str], path: Path) -> dict[int, str]:
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = _HEADER_OF.get(unicodedata.normalize("NFKC", cell).strip().lower())
        if key is not None and key not in found.values():
            found[i] = key
    if "body" not in found.values():
        raise GongkaiError(
            "名册第一行应为表头，且须有单位名称列（body，或 单位、机关、机关名称、单位名称）",
            str(path),
        )
    return found


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK
    except UnicodeDecodeError:
        raise GongkaiError("无法识别名册文件的编码（应为 UTF-8 或 GBK）", str(path)) from None


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = _decode(path.read_bytes(), path)
    except OSError as exc:
        raise GongkaiError(f"无法读取名册文件（{exc.strerror}）", str(path)) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [c.strip() for c in cells]
    except csv.Error as exc:
        raise GongkaiError(f"CSV 格式有误（{exc}）", str(path)) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else "文件已损坏"
        raise GongkaiError(
            f"无法读取 XLSX 名册（{problem}，或不是 Excel 工作簿）", str(path)
        ) from None
    try:
        ws = wb.worksheets[0]
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    finally:
        wb.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed as a number
    return str(value).strip()


__all__ = ["LEVELS", "RosterResult", "import_roster", "normalise_level", "normalise_region"]
