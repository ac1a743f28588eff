"""Helpers shared by the readers: cell text clean-up, grid layout, page marks, quiet libraries."""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ..model import ZERO_WIDTH, Provenance, Table, grid_from_spans
from . import limits

_SPACES = re.compile(r"\s+")  # str patterns: includes NBSP and the full-width space U+3000
_WRAPPED_NUMBER = re.compile(r"(?<=\d)\n(?=\d)")


def clean_line(text: str) -> str:
    """One line of text: zero-width marks removed, whitespace runs collapsed, ends trimmed."""
    return _SPACES.sub(" ", text.translate(ZERO_WIDTH)).strip()


def cell_text(lines: Iterable[str]) -> str:
    """A cell's text: its non-empty lines joined by newlines.

    A newline between two digits is a number wrapped in a narrow column, so it is removed;
    a space between digits is kept (it separates two numbers).
    """
    joined = "\n".join(line for line in map(clean_line, lines) if line)
    return _WRAPPED_NUMBER.sub("", joined)


@dataclass(slots=True)
class RawCell:
    """A cell as the source gives it, before grid layout."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    gap: bool = False  # a grid position with no cell at all (DOCX gridBefore/gridAfter)


def make_table(rows: list[list[RawCell]], table_no: int) -> Table:
    """Lay the rows out on a grid; every cell's provenance is its grid position (1-based).

    Positions covered by a merged cell keep the provenance of the merged cell, whose text
    they repeat; gap positions become empty covered cells.
    """
    # Unique placeholder provenances let us find, after layout, where each source cell landed.
    spans: list[list[tuple[str, int, int, Provenance]]] = []
    gaps: set[int] = set()
    for r, row in enumerate(rows, 1):
        line = []
        for c, raw in enumerate(row, 1):
            placeholder = Provenance(table=table_no, row=r, col=c)
            if raw.gap:
                gaps.add(id(placeholder))
            line.append((raw.text, raw.rowspan, raw.colspan, placeholder))
        spans.append(line)
    grid = grid_from_spans(spans, table_no, limits.MAX_CELLS_PER_TABLE)
    located: dict[int, Provenance] = {}
    for r, grid_row in enumerate(grid, 1):
        for c, cell in enumerate(grid_row, 1):
            if not cell.covered:
                located[id(cell.source)] = Provenance(table=table_no, row=r, col=c)
    for grid_row in grid:
        for cell in grid_row:
            if id(cell.source) in gaps:
                cell.text, cell.covered, cell.rowspan, cell.colspan = "", True, 1, 1
            cell.source = located.get(id(cell.source), cell.source)
    return Table(rows=grid, source=Provenance(table=table_no))


def has_text(rows: list[list[RawCell]]) -> bool:
    return any(cell.text for row in rows for cell in row)


# A line that is only a page number: "- 3 -", "—3—", "第3页", "第3页 共5页", "3/5".
PAGE_MARK = re.compile(
    r"^(?:[-—–－―‐~～]+\d{1,4}[-—–－―‐~～]+"
    r"|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?"
    r"|共\d{1,4}页[,，]?第\d{1,4}页"
    r"|\d{1,4}/\d{1,4})$"
)


@contextmanager
def quiet_libraries(*loggers: str) -> Iterator[None]:
    """Silence the named libraries' logging and all Python warnings while reading a file.

    pdfminer logs "Could not get FontBBox …" for fonts of browser-printed PDFs; with no logging
    set up, Python prints such records on the user's terminal. What matters reaches the user
    as a GongkaiError or a Document warning instead.
    """
    saved = [(log, log.level) for log in map(logging.getLogger, loggers)]
    for log, _ in saved:
        log.setLevel(logging.CRITICAL + 1)  # also silences child loggers ("pdfminer.pdffont")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for log, level in saved:
            log.setLevel(level)
