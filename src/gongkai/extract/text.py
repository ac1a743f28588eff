"""Text normalisation, tolerant label patterns, and number parsing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Characters that differ between renderings of the same label and carry no meaning.
_FOLD = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "“": '"',
        "”": '"',
        "＂": '"',
        "「": '"',
        "」": '"',
        "、": ".",
        "．": ".",
        "，": ",",
        "：": ":",
        "；": ";",
        "／": "/",
        "－": "-",
        "—": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"[\s\u3000\xa0\ue000]+")

# Whitespace a label may be broken by (line wraps, letter spacing), never a cell boundary.
WS = r"[ \t\r\n\u3000\xa0]*"
_SP = r"[ \t\u3000\xa0]*"
CELL_SEP = "\ue000"  # joins the cells of one table row in the extraction stream

_CHAR_CLASS = {
    "(": "[(（]",
    ")": "[)）]",
    '"': '["“”＂「」]?',
    ".": "[.、．]?",
    ",": "[,，]",
    ":": "[:：]",
    "/": "[/／]?",
}


def norm(text: str) -> str:
    """Fold width, brackets, quotes, enumeration marks and spaces for comparing labels."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_FOLD))


def label_pattern(label: str) -> str:
    """A regex matching ``label`` however it is spaced, wrapped or punctuated."""
    text = norm(label)
    out = ""
    for i, ch in enumerate(text):
        if ch == "." and i > 0 and text[i - 1].isdigit():
            # An enumeration mark ("2." "2、") may be missing, but then the digit must touch
            # the text: "243\n其他…" is a number and a label, not "3.其他".
            out += f"(?:{_SP}[.、．]{_SP})?"
            continue
        glue = "" if i == 0 or (text[i - 1] == "." and i > 1 and text[i - 2].isdigit()) else WS
        out += glue + _CHAR_CLASS.get(ch, re.escape(ch))
    return out


_NUM = re.compile(
    r"^(?P<sign>[+\-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?P<unit>万元|元|件|条|个|人次|人|次|篇|项|%)?$"
)
PLACEHOLDERS = frozenset({"/", "-", "--", "无", "/ ", "——"})
# No count or amount of a report has more digits than this (10^15 is a thousand trillion);
# a longer run of digits is a reading accident (glued cells, a serial number) and is kept as
# text: Python refuses int() of more than 4,300 digits and float() overflows past 308.
MAX_DIGITS = 15


@dataclass(frozen=True, slots=True)
class Parsed:
    value: int | float | str | None
    unit: str | None = None


def parse_value(raw: str) -> Parsed | None:
    """A table cell's value: number (with sign, decimals, unit), placeholder, or blank.

    Returns None when the text is not a value at all (a label, a sentence).
    """
    text = _SPACE.sub("", unicodedata.normalize("NFKC", raw).translate(_FOLD))
    # A number wrapped inside a narrow cell ("4575\n0") was joined by removing the break.
    if not text:
        return Parsed(None)
    if text in PLACEHOLDERS:
        return Parsed(raw.strip())
    m = _NUM.match(text)
    if not m:
        return None
    digits = m.group("int").replace(",", "")
    if len(digits.lstrip("0")) > MAX_DIGITS or len(m.group("frac") or "") > MAX_DIGITS + 1:
        return Parsed(raw.strip())  # too long to be a figure: the text as written
    sign = -1 if m.group("sign") == "-" else 1
    value: int | float
    value = sign * float(digits + m.group("frac")) if m.group("frac") else sign * int(digits)
    return Parsed(value, m.group("unit"))


def is_value(raw: str) -> bool:
    return parse_value(raw) is not None


def join_wrapped_digits(text: str) -> str:
    """Remove a line break between two digits (a number wrapped in a narrow column)."""
    return re.sub(r"(?<=\d)\n(?=\d)", "", text)
