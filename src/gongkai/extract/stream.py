"""The extraction stream: a document flattened to one string, and the labels found in it.

Every reader's output goes through here, so extraction is the same for a Word table, an HTML
grid, PDF text lines, one-cell-per-line text or crawler text whose cells ran together. Table
rows become lines whose cells are joined by ``CELL_SEP``; paragraphs become lines. Labels are
found by tolerant patterns (spacing, wrapping, bracket and quote variants) built from the
template data, longest first.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from .. import templates as T
from ..model import Document, Paragraph, Provenance
from .text import CELL_SEP, join_wrapped_digits, label_pattern, norm


@dataclass(frozen=True, slots=True)
class TokenSpec:
    kind: str  # A, B, Bmark, Amark, Cmark, Chead
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Token:
    spec: TokenSpec
    start: int
    end: int
    text: str


class Stream:
    """The flattened document with a map from offsets back to provenance."""

    def __init__(self, doc: Document) -> None:
        parts: list[str] = []
        self.starts: list[int] = []
        self.sources: list[Provenance] = []
        self.in_grid: list[bool] = []
        self.in_paragraph: list[bool] = []
        self.line_starts: list[int] = []  # offsets where a paragraph or table row begins
        pos = 0

        def add(text: str, src: Provenance, grid: bool, paragraph: bool = False) -> None:
            nonlocal pos
            self.starts.append(pos)
            self.sources.append(src)
            self.in_grid.append(grid)
            self.in_paragraph.append(paragraph)
            parts.append(text)
            pos += len(text)

        for block in doc.blocks:
            if isinstance(block, Paragraph):
                self.line_starts.append(pos)
                text = block.text.replace(CELL_SEP, " ")
                body = text.strip(" \r\n\u3000")  # TABs at either end are blank cells
                if "\t" in body:
                    # A table row laid out as text (PDF lines with TABs at cell gaps):
                    # its cells, blanks included, are cells.
                    pieces = body.split("\t")
                    for i, piece in enumerate(pieces):
                        end = CELL_SEP if i < len(pieces) - 1 else "\n"
                        add(piece.strip() + end, block.source, True, paragraph=True)
                else:
                    add(text + "\n", block.source, False, paragraph=True)
                continue
            for row in block.rows:
                cells = [c for c in row if not c.covered]
                if not cells:
                    continue
                self.line_starts.append(pos)
                for i, cell in enumerate(cells):
                    text = join_wrapped_digits(cell.text).replace("\n", " ")
                    add(text + (CELL_SEP if i < len(cells) - 1 else "\n"), cell.source, True)
        self.text = "".join(parts)

    def _index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def source_at(self, pos: int) -> Provenance:
        return self.sources[self._index(pos)]

    def grid_at(self, pos: int) -> bool:
        return self.in_grid[self._index(pos)]

    def has_grid(self, lo: int, hi: int) -> bool:
        """Whether any table cell lies between two offsets."""
        return any(self.in_grid[self._index(lo) : self._index(hi) + 1])

    def plain(self, lo: int, hi: int) -> str:
        """The paragraph text (not table cells) between two offsets."""
        out = []
        for i in range(self._index(lo), len(self.starts)):
            start = self.starts[i]
            if start >= hi:
                break
            if not self.in_paragraph[i]:
                continue
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
            out.append(self.text[max(start, lo) : min(end, hi)])
        return "".join(out).replace(CELL_SEP, " ").strip()

    def at_line_start(self, pos: int) -> bool:
        i = bisect.bisect_right(self.line_starts, pos) - 1
        if i < 0:
            return False
        return not self.text[self.line_starts[i] : pos].strip(" \t\u3000\xa0#")


def _specs() -> list[TokenSpec]:
    specs: list[TokenSpec] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, key: str, label: str) -> None:
        if (kind, norm(label)) not in seen:
            seen.add((kind, norm(label)))
            specs.append(TokenSpec(kind, key, label))

    for row in (*T.ACTIVE_2021, *T.ACTIVE_2019):
        for label in row.all_labels:
            add("A", row.key, label)
    for caption in T.ACTIVE_CAPTIONS:
        add("Amark", caption, caption)
    add("Amark", "first_column", T.ACTIVE_FIRST_COLUMN)
    for row in (*T.ACTIVE_2021, *T.ACTIVE_2019):
        for col in row.columns:
            for label in (col.label, *col.aliases):
                add("Ahead", col.key, label)
    for row in (*T.REQUESTS_2021, *T.REQUESTS_2019):
        for label in row.all_labels:
            add("B", row.key, label)
    for group in (*T.REQUEST_GROUPS, T.G_RESULT):
        if group.key != "other":  # （六）其他处理 is a value row in some layouts: kind B
            add("Bgroup", group.key, group.label)
    add("Bmark", "note", T.REQUEST_NOTE)
    add("Bmark", "note", "本列数据的勾稽关系")
    add("Bmark", "header", T.REQUEST_HEADER)
    for g in T.REVIEW_GROUPS:
        add("Chead", g.key, g.label)
    add("Chead", "litigation", T.LITIGATION_HEADER)
    for o in T.OUTCOMES:
        add("Chead", o.key, o.label)
    return specs


@lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], list[TokenSpec]]:
    specs = sorted(_specs(), key=lambda s: -len(norm(s.label)))
    # A row label may follow an enumeration digit glued to the previous cell's digits
    # ("00000002.其他…"), so the pattern itself carries the digit and nothing else does.
    alternatives = [f"(?P<t{i}>{label_pattern(s.label)})" for i, s in enumerate(specs)]
    # A lookahead on the possible first characters lets the engine skip most positions
    # quickly (8x faster on real reports than trying every alternative everywhere).
    first = sorted({ch for s in specs for ch in _first_chars(norm(s.label)[0])})
    lead = "[" + re.escape("".join(first)) + "]"
    return re.compile(f"(?={lead})(?:{'|'.join(alternatives)})"), specs


def _first_chars(ch: str) -> str:
    return {"(": "(（", ")": ")）"}.get(ch, ch)


def find_tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    pattern, specs = _compiled()
    out: list[Token] = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        name = m.lastgroup
        assert name is not None
        out.append(Token(specs[int(name[1:])], m.start(), m.end(), m.group()))
    return out


# Section headings: an optional enumeration (一、 / 2、 / #), then a title variant.
_SP = r"[ \t\u3000\xa0]*"
_SECTION_PREFIX = (
    rf"(?:#{{1,6}}{_SP})?(?:[一二三四五六七八九十]{{1,2}}{_SP}[、.．]?{_SP}|\d{_SP}[、.．]{_SP})?"
)


@lru_cache(maxsize=1)
def _section_patterns() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for s in T.SECTIONS:
        titles = sorted(s.all_titles, key=len, reverse=True)
        alt = "|".join(label_pattern(t) for t in titles)
        out.append((s.number, re.compile(f"(?<![)）])(?P<pre>{_SECTION_PREFIX})(?P<title>{alt})")))
    return out


@dataclass(frozen=True, slots=True)
class Heading:
    number: str
    start: int  # where the heading begins
    end: int  # where the section text begins
    title: str


def find_sections(stream: Stream) -> list[Heading]:
    """The six section headings, in order; a heading at a line start wins over one in text."""
    text = stream.text
    found: list[Heading] = []
    pos = 0
    for number, pattern in _section_patterns():
        best: Heading | None = None
        fallback: Heading | None = None
        for m in pattern.finditer(text, pos):
            h = Heading(number, m.start(), m.end(), m.group("title"))
            rest = text[m.end() : m.end() + 8]
            line_end = re.match(r"[\s。:：)）\ue000]*(\n|\ue000|$)", rest) is not None
            if stream.at_line_start(m.start()) and line_end:
                best = h
                break
            if fallback is None and m.group("pre").strip():
                fallback = h
        chosen = best or fallback
        if chosen is not None:
            found.append(chosen)
            pos = chosen.end
    return found
