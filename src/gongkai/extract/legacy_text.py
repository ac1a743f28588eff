"""Legacy indicator tables whose grid was lost: one cell per line, one row per line with
spaces between cells, or crawler text with every cell glued to the next.

The document is flattened to one token sequence (paragraph lines and table cells alike), so
it does not matter whether a reader produced paragraphs or Table blocks. Units anchor the
rows: a row is label text, a unit, then its value(s).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import templates as T
from ..model import BLANK_CELL, Document, Paragraph, Provenance
from .text import PLACEHOLDERS

_UNITS = "|".join(T.LEGACY_UNITS)
_COLS = "|".join(T.LEGACY_COLUMN_NAMES)
_HEADER = re.compile(r"(?:统\s*计\s*指\s*标|指\s*标\s*名\s*称)\s*(?:计\s*量\s*)?单\s*位")
_COLUMN = re.compile(rf"\s*({_COLS})")
# A unit glued between label text and digits: "主动公开文件数条294981916".
_GLUED = re.compile(rf"(?<![\d.])({_UNITS})(\d[\d,]*(?:\.\d+)?)")
_NUMBER = re.compile(r"^[+\-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Numbering that starts a row label; 其中 introduces the first sub-item of the row above.
_MARK = re.compile(
    r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.、．](?!\d)|其中[:：])"
)
_DIGIT_MARK = re.compile(r"^(?:其中[:：]\s*)?(\d{1,2})[.、．](?!\d)")
_TOP = re.compile(r"^[一二三四五六七八九十]+[、.．]")
# A label this long, or holding a full stop, is narrative text: the table has ended.
_MAX_LABEL = 90


@dataclass(slots=True)
class Piece:
    text: str
    source: Provenance


@dataclass(slots=True)
class TextRow:
    """One indicator row as read from text: values are raw token texts."""

    label: str
    source: Provenance
    unit: str | None = None
    values: list[str] = field(default_factory=list)
    value_sources: list[Provenance] = field(default_factory=list)
    glued: bool = False  # the values came from one run of digits
    top: str | None = None
    after_heading: bool = False  # a heading row without values comes right before it


@dataclass(slots=True)
class TextTable:
    columns: list[str]
    rows: list[TextRow]
    narrative: str  # the document's text outside the table, for figures it states


def pieces(doc: Document) -> list[Piece]:
    """Every line of every paragraph and every table cell, in document order."""
    out: list[Piece] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            for i, line in enumerate(block.text.split("\n")):
                src = block.source
                if i and src.line is not None:
                    src = Provenance(src.page, src.line + i, src.table, src.row, src.col)
                out.append(Piece(line, src))
        else:
            out.extend(Piece(c.text, c.source) for row in block.rows for c in row if not c.covered)
    return [p for p in out if p.text.strip()]


def find_text_table(doc: Document) -> TextTable | None:
    """The first indicator table of the flattened document, or None."""
    ps = pieces(doc)
    starts: list[int] = []
    joined = ""
    for p in ps:
        starts.append(len(joined))
        joined += p.text + "\n"
    m = _HEADER.search(joined)
    if m is None:
        return None
    columns: list[str] = []
    end = m.end()
    while (c := _COLUMN.match(joined, end)) is not None:
        columns.append(re.sub(r"\s+", "", c.group(1)))
        end = c.end()

    def source(pos: int) -> Provenance:
        return ps[max(0, bisect_right(starts, pos) - 1)].source

    rows, stop = _rows(joined, end, source)
    narrative = joined[: m.start()] + "\n" + joined[stop:]
    return TextTable(columns, rows, narrative)


def _label_parts(text: str) -> list[str]:
    """Split label text at numbering inside it (glued rows: "八、…情况（一）…数")."""
    cuts = [m.start() for m in _MARK.finditer(text) if m.start() > 0]
    parts, prev = [], 0
    for c in cuts:
        if text[prev:c].strip():
            parts.append(text[prev:c])
        prev = c
    parts.append(text[prev:])
    return [p.strip() for p in parts if p.strip()]


class _Builder:
    """Assembles rows from label text, units and numbers as they come."""

    def __init__(self) -> None:
        self.rows: list[TextRow] = []
        self.pending: list[tuple[str, Provenance]] = []  # label parts not yet given a unit
        self.row: TextRow | None = None  # a row that has its unit or values
        self.top: str | None = None
        self.last_number = 0  # the last "n." numbering seen, to peel "n." off glued digits

    def label(self, text: str, src: Provenance) -> None:
        self.close()
        for part in _label_parts(text):
            starts = _MARK.match(part) is not None
            if self.pending and (not starts or re.fullmatch(r"其中[:：]", self.pending[-1][0])):
                # A wrapped label line, or "其中：" printed apart from its item.
                self.pending[-1] = (self.pending[-1][0] + part, self.pending[-1][1])
            else:
                self.pending.append((part, src))

    def unit(self, unit: str, src: Provenance) -> None:
        if self.row is None and self.pending:
            self._start(src)
            assert self.row is not None
            self.row.unit = unit

    def blank(self, src: Provenance) -> None:
        """An empty cell: the unit cell right after a label, else a value cell."""
        if self.row is None and self.pending:
            self._start(src)
            assert self.row is not None
            self.row.unit = ""
        elif self.row is not None:
            self.value("", src)

    def value(self, text: str, src: Provenance, glued: bool = False) -> None:
        if self.row is None and self.pending:
            self._start(src)
        if self.row is not None:
            self.row.values.append(text)
            self.row.value_sources.append(src)
            self.row.glued = self.row.glued or glued

    def _start(self, src: Provenance) -> None:
        # Every pending part but the last is a heading row without value.
        for text, _ in self.pending[:-1]:
            self._heading(text)
        text, lsrc = self.pending[-1]
        after_heading = len(self.pending) > 1
        self.pending = []
        if _TOP.match(text):
            self.top = text
        m = _DIGIT_MARK.match(text)
        if m:
            self.last_number = int(m.group(1))
        top = self.top if self.top != text else None
        self.row = TextRow(text, lsrc, top=top, after_heading=after_heading)

    def _heading(self, text: str) -> None:
        if _TOP.match(text):
            self.top = text

    def close(self) -> None:
        if self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def peel_number(self, digits: str) -> tuple[str, str]:
        """Split the next row's "n." numbering off the end of a run of glued digits."""
        for n in (self.last_number + 1, 1):
            s = str(n)
            if digits.endswith(s) and len(digits) > len(s):
                return digits[: -len(s)], s
        return digits, ""


def _rows(
    joined: str, start: int, source: Callable[[int], Provenance]
) -> tuple[list[TextRow], int]:
    b = _Builder()
    stop = len(joined)
    for tok in re.finditer(r"\S+", joined[start:]):
        text, pos = tok.group(), start + tok.start()
        src = source(pos)
        if text == BLANK_CELL:
            b.blank(src)
        elif text in T.LEGACY_UNITS:
            b.unit(text, src)
        elif _NUMBER.match(text) or (text in PLACEHOLDERS and b.row is not None):
            b.value(text, src)
        elif not _glued(b, text, src):
            if len(text) > _MAX_LABEL or "。" in text:
                stop = pos
                break
            b.label(text, src)
    b.close()
    # A row with neither a unit nor a value (blank cells only) is a heading.
    rows = [r for r in b.rows if r.unit or any(r.values)]
    return rows, stop


def _glued(b: _Builder, text: str, src: Provenance) -> bool:
    """Read a token in which labels, units and digits run together; False if it has none."""
    matches = list(_GLUED.finditer(text))
    if not matches or any(len(text[: m.start()]) > _MAX_LABEL for m in matches[:1]):
        return False
    prev = 0
    carry = ""
    for m in matches:
        label = carry + text[prev : m.start()]
        if label.strip():
            b.label(label, src)
        b.unit(m.group(1), src)
        digits, carry = m.group(2), ""
        rest = text[m.end() :]
        if re.match(r"[.、．]\D", rest):
            digits, carry = b.peel_number(digits)
        b.value(digits, src, glued=True)
        prev = m.end()
    tail = carry + text[prev:]
    if tail.strip():
        if len(tail) > _MAX_LABEL or "。" in tail:
            return True
        b.label(tail, src)
    return True
