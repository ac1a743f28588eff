"""The intermediate document model every reader produces.

A document is an ordered list of blocks: paragraphs (headings are paragraphs with a level)
and tables. Tables are grids with rowspan/colspan already resolved: every grid position holds
a cell, and positions covered by a merged cell are marked ``covered`` and repeat its text.
Every piece of text carries where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .errors import GongkaiError

# Grid positions one table may have (see docs/limits.md); readers.limits sets the value in use.
MAX_CELLS_PER_TABLE = 20_000


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a piece of text sits in its source file. All numbers are 1-based."""

    page: int | None = None
    line: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None

    def describe(self) -> str:
        """A Chinese location a person can find in the document."""
        return _describe(self)

    def to_dict(self) -> dict[str, int]:
        return {k: v for k in ("page", "line", "table", "row", "col") if (v := getattr(self, k))}


@lru_cache(maxsize=4096)
def _describe(p: Provenance) -> str:
    # Checks describe the same cells many times over; the text never changes.
    parts = []
    if p.page is not None:
        parts.append(f"第{p.page}页")
    if p.line is not None:
        parts.append(f"第{p.line}行")
    if p.table is not None:
        parts.append(f"表格{p.table}")
    if p.row is not None:
        parts.append(f"第{p.row}行")
    if p.col is not None:
        parts.append(f"第{p.col}列")
    return "".join(parts) or "位置不详"


# Invisible marks editors leave in text (zero-width spaces and joiners, BOM, soft hyphen).
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# A paragraph holding only this is an empty table cell of a text rendering whose layout shows
# one (one cell per line with a fixed number of line breaks after each cell).
BLANK_CELL = "\ue001"


@dataclass(slots=True)
class Cell:
    text: str
    source: Provenance
    rowspan: int = 1
    colspan: int = 1
    covered: bool = False  # a grid position covered by a merged cell above or to the left


@dataclass(slots=True)
class Paragraph:
    text: str
    source: Provenance
    level: int = 0  # 0 = body text; 1.. = heading level where the format says so


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]]
    source: Provenance

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    blocks: list[Block]
    path: str | None = None
    format: str = "txt"
    title: str | None = None  # the HTML <title> or document properties title
    meta: dict[str, str] = field(default_factory=dict)  # e.g. a CMS's 发布机构
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """Plain text of all blocks, tables as tab-separated rows."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend("\t".join(c.text for c in row if not c.covered) for row in b.rows)
        return "\n".join(out)


def grid_from_spans(
    rows: list[list[tuple[str, int, int, Provenance]]],
    table_no: int | None = None,
    limit: int | None = None,
) -> list[list[Cell]]:
    """Lay out rows of (text, rowspan, colspan, provenance) cells on a grid.

    HTML and DOCX give each row only the cells that start in it; merged cells cover
    positions in later rows and columns. The result has one Cell per grid position.

    A table of more than ``limit`` grid positions (default ``MAX_CELLS_PER_TABLE``; merged
    cells count once per position they cover) raises GongkaiError before it is laid out.
    """
    cap = MAX_CELLS_PER_TABLE if limit is None else limit
    grid: dict[tuple[int, int], Cell] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan, src in row:
            while (r, c) in grid:
                c += 1
            rowspan = max(1, min(rowspan, len(rows) - r))
            colspan = max(1, min(colspan, 1000))
            if len(grid) + rowspan * colspan > cap:
                raise GongkaiError(_too_many(table_no, cap))
            origin = Cell(text, src, rowspan, colspan)
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = (
                        origin if (dr, dc) == (0, 0) else Cell(text, src, covered=True)
                    )
            c += colspan
            width = max(width, c)
    if len(rows) * width > cap:
        raise GongkaiError(_too_many(table_no, cap))
    out: list[list[Cell]] = []
    for r in range(len(rows)):
        line = []
        for c in range(width):
            cell = grid.get((r, c))
            if cell is None:
                cell = Cell("", Provenance(table=table_no, row=r + 1, col=c + 1), covered=True)
            line.append(cell)
        out.append(line)
    return out


def _too_many(table_no: int | None, cap: int) -> str:
    which = f"表格{table_no}" if table_no is not None else "表格"
    return f"{which}过大（超过 {cap:,} 个单元格），不像是年度报告，已拒绝读取"
