"""Pair labels with the value cells that follow them in the stream."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .stream import Stream, Token
from .text import CELL_SEP, parse_value

_SPLIT = re.compile(r"[ \t\r\u3000\xa0\ue000]+")


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
    """The label ``token`` with its values, plus unknown labelled rows before ``stop``."""
    text = stream.text
    if stream.grid_at(token.start):
        line_end = text.find("\n", token.end)
        line_end = stop if line_end < 0 else min(line_end, stop)
        cells = text[token.end : line_end].split(CELL_SEP)
        seg = Segment(token, token.text, token.start, grid=True)
        offset = token.end + len(cells[0]) + 1
        rest = cells[0].strip()
        if rest and parse_value(rest) is not None and parse_value(rest).value is not None:  # type: ignore[union-attr]
            # The label and its first number share a cell ("规章 0").
            seg.values.append(Tok(rest, token.end))
        for cell in cells[1:]:
            seg.values.append(Tok(cell.strip(), offset))
            offset += len(cell) + 1
        return [seg]
    return free_segments(stream, token, token.end, stop)


def free_segments(stream: Stream, token: Token | None, start: int, stop: int) -> list[Segment]:
    """Split running text into (label text, numbers) runs; the first run belongs to token."""
    text = stream.text
    out: list[Segment] = []
    current = Segment(token, token.text if token else "", token.start if token else start)
    label_words: list[str] = []
    label_pos = start
    for word, pos in _words(text, start, stop):
        if _is_free_value(word):
            if label_words and _continues(current, label_words):
                label_words = []  # the rest of a wrapped label, not a new row
            if label_words:
                if current.token is not None or current.values:
                    out.append(current)
                current = Segment(None, "".join(label_words), label_pos)
                label_words = []
            current.values.append(Tok(word, pos))
        else:
            if not label_words:
                label_pos = pos
            label_words.append(word)
    if current.token is not None or current.values:
        out.append(current)
    return out


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
        if _is_free_value(word):
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
            if out and not _is_free_value(piece) and not _is_free_value(out[-1][0]):
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
