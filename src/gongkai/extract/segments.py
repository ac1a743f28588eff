"""Pair labels with the value cells that follow them in the stream."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import BLANK_CELL
from .stream import Stream, Token
from .text import CELL_SEP, parse_value


@dataclass(slots=True)
class Tok:
    """A value as written and where it starts in the stream."""

    raw: str
    pos: int


@dataclass(slots=True)
class Segment:
    """A row label (a template token, or unknown text) and the values after it."""

    token: Token | None
    text: str
    pos: int
    values: list[Tok] = field(default_factory=list)
    grid: bool = False


def _is_free_value(word: str) -> bool:
    p = parse_value(word)
    # In running text a lone "无" is a word, not a cell; dashes and slashes are placeholders.
    return p is not None and p.value is not None and word != "无"


def segments_after(stream: Stream, token: Token, stop: int) -> list[Segment]:
    """The label ``token`` with its values, plus rows with unknown labels before ``stop``."""
    return _Walker(stream, token, token.end).run(stop)


def free_segments(stream: Stream, token: Token | None, start: int, stop: int) -> list[Segment]:
    """Rows (label text, values) in [start, stop); the first values belong to ``token``."""
    return _Walker(stream, token, start).run(stop)


class _Walker:
    """Walks lines after a label. Table rows (cells joined by CELL_SEP) keep their blank
    cells; running text is split into words, numbers glued to text are split off."""

    def __init__(self, stream: Stream, token: Token | None, start: int) -> None:
        self.stream = stream
        self.start = start
        self.out: list[Segment] = []
        self.current = Segment(token, token.text if token else "", token.start if token else start)
        self.label: list[str] = []
        self.label_pos = start

    def run(self, stop: int) -> list[Segment]:
        text = self.stream.text
        pos = self.start
        first = True
        while pos < stop:
            end = text.find("\n", pos)
            end = stop if end < 0 else min(end, stop)
            if CELL_SEP in text[pos:end] and self.stream.grid_at(pos):
                self._row(pos, end, own=first and self.current.token is not None)
            else:
                for word, at in _words(text, pos, end):
                    self._word(word, at)
            first = False
            pos = end + 1
        self._flush()
        return self.out

    def _row(self, lo: int, hi: int, own: bool) -> None:
        """A table row. ``own``: the row of the current label, which ends at ``lo``."""
        cells: list[Tok] = []
        at = lo
        for cell in self.stream.text[lo:hi].split(CELL_SEP):
            cells.append(Tok(cell.strip(), at))
            at += len(cell) + 1
        if own:
            head, *rest = cells
            if head.raw and _is_free_value(head.raw):
                rest.insert(0, head)  # the label and its first number share a cell
            self.current.grid = True
            self.current.values.extend(rest)
            return
        k = 0
        while k < len(cells) and (not cells[k].raw or not _is_value_cell(cells[k].raw)):
            k += 1
        label = "".join(c.raw for c in cells[:k])
        # A row without a label keeps its leading blanks: they are cells (表四's data row);
        # whoever knows the row's width trims what is too many.
        values = cells[k:] if label else cells
        if not any(v.raw for v in values):
            if label:
                self.label.append(label)
                self.label_pos = cells[0].pos
            return
        if label and not _continues(self.current, [label]):
            self._start(label, next(c.pos for c in cells if c.raw))
        elif self.label and self.current.values:
            # Label rows above a row of numbers (a header, or a label detached from its
            # values by a PDF-to-text step): they label it.
            self._start("".join(self.label), self.label_pos)
        elif self.current.values and not label and not any(v.raw for v in self.current.values):
            # The label's own row is all blank and the numbers come on the next row (a
            # PDF-to-markdown step detached them): they are the label's.
            self.current.values = []
        elif self.current.values:
            return  # numbers without a label after a complete row: not ours
        self.label = []
        self.current.grid = True
        self.current.values.extend(values)

    def _word(self, word: str, at: int) -> None:
        if word == BLANK_CELL:
            if self.label and not _continues(self.current, self.label):
                self._start("".join(self.label), self.label_pos)
            self.label = []
            self.current.values.append(Tok("", at))
            return
        if not _is_free_value(word):
            if not self.label:
                self.label_pos = at
            self.label.append(word)
            return
        if self.label and not _continues(self.current, self.label):
            self._start("".join(self.label), self.label_pos)
        elif self.current.grid and self.current.values:
            return  # numbers without a label after a complete table row: not ours
        self.label = []  # else: the rest of a wrapped label, not a new row
        self.current.values.append(Tok(word, at))

    def _start(self, label: str, pos: int) -> None:
        self._flush()
        self.current = Segment(None, label, pos)

    def _flush(self) -> None:
        keep = self.current.token is not None or self.current.values
        if keep and (not self.out or self.out[-1] is not self.current):
            self.out.append(self.current)


def _is_value_cell(raw: str) -> bool:
    p = parse_value(raw)
    return p is not None


_PIECE = re.compile(r"[+\-]?\d+(?:,\d{3})*(?:\.\d+)?(?:万元|元)?|[^\d+\-]+|[+\-]")
_ENUMERATION = re.compile(r"[.、．]\s*[^\d\s]")


def _words(text: str, start: int, stop: int) -> list[tuple[str, int]]:
    """Words of running text, with numbers split from the text they are glued to.

    "9000009四、…" gives 9000009 and "四、…"; "10000012.其他…" gives 1000001 and "2.其他…",
    because an enumeration digit ("2.") belongs to the label after it.
    """
    out: list[tuple[str, int]] = []
    for m in re.finditer(r"[^ \t\r\n\u3000\xa0\ue000]+", text[start:stop]):
        word, pos = m.group(), start + m.start()
        if word == BLANK_CELL or _is_free_value(word):
            out.append((word, pos))
            continue
        pieces = [(p.group(), pos + p.start()) for p in _PIECE.finditer(word)]
        carry: tuple[str, int] | None = None
        for i, (piece, at) in enumerate(pieces):
            if carry is not None:
                piece, at = carry[0] + piece, carry[1]
                carry = None
            nxt = pieces[i + 1][0] if i + 1 < len(pieces) else ""
            if piece[-1:].isdigit() and _ENUMERATION.match(nxt):
                # The last digit numbers the next label.
                if len(piece) > 1 and piece[:-1].isdigit():
                    out.append((piece[:-1], at))
                carry = (piece[-1], at + len(piece) - 1)
                continue
            if (
                out
                and not _is_free_value(piece)
                and not _is_free_value(out[-1][0])
                and out[-1][0] != BLANK_CELL
            ):
                out[-1] = (out[-1][0] + piece, out[-1][1])  # keep label text whole
            else:
                out.append((piece, at))
        if carry is not None:
            out.append(carry)
    return out


def _continues(current: Segment, words: list[str]) -> bool:
    """Text between a label and its numbers that continues the label rather than starting
    a new row (new rows start with an enumeration: "2.", "（三）", "四、")."""
    return (
        current.token is not None
        and not current.values
        and re.match(r"[\d一二三四五六七八九十(（]", words[0]) is None
    )


def trim_blanks(values: list[Tok], expected: int) -> list[Tok]:
    """Drop blank cells that stand in for merged label cells or trailing grid columns."""
    vals = list(values)
    while len(vals) > expected and vals and not vals[-1].raw:
        vals.pop()
    while len(vals) > expected and vals and not vals[0].raw:
        vals.pop(0)
    return vals
