"""Whether two reports come from the same body: agency names compared across spellings."""

from __future__ import annotations

import unicodedata

# A body's name may drop its administrative prefix from one year to the next
# (淮安市洪泽区人民政府 / 洪泽区人民政府).
_DIVISION_ENDINGS = ("省", "市", "县", "区", "州", "盟", "旗", "自治区")
_MIN_NAME = 4


def normalise(agency: str | None) -> str:
    """The name without spaces, full-width forms folded (NFKC)."""
    return "".join(unicodedata.normalize("NFKC", agency or "").split())


def same_body(a: str | None, b: str | None) -> bool:
    """Whether two agency names denote the same body (equal, or one adds a place prefix)."""
    a, b = normalise(a), normalise(b)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < _MIN_NAME or not long.endswith(short):
        return False
    if not any(d in short for d in _DIVISION_ENDINGS):
        return False  # "人民政府" alone names no body
    return long[: len(long) - len(short)].endswith(_DIVISION_ENDINGS)
