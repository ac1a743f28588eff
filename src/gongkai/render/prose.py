"""Text helpers the renderers share: safe characters, the title's two lines, the sign-off.

Everything here works on untrusted text read from a report: it never interprets it, it only
drops characters no output format can carry and finds where lines may break.
"""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF) and
# the C1 controls and DEL, which no report means to print (ESC/CSI would reach a terminal).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Vertical tab, form feed and the information separators are line breaks in Word's text.
_SOFT_BREAK = re.compile("[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

TITLE_TAIL = "政府信息公开工作年度报告"

# A date line such as "2024年1月17日" or "二〇二四年一月十七日".
_DATE = (
    r"(?:(?:19|20)\d{2}|二[〇○零][一二三四五六七八九〇○零]{2})\s*年"
    r"\s*[\d一二三四五六七八九十]{1,2}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
)
_DATE_LINE = re.compile(rf"^{_DATE}$")
# A body's name: short, no sentence punctuation.
_NAME_LINE = re.compile(r"^[^\s。，,；;：:！!？?、]{2,40}$")
# A name and date glued to the end of the last sentence: "…信息。某某局2022年1月26日" (the
# name ending as bodies' names do, so that "…。数据截至2023年12月31日" is not taken).
_GLUED = re.compile(
    r"^(?P<body>.*[。！？!?])\s*(?P<name>[^\s。，,；;：:！!？?、]{1,40}?[局委办院府会室厅部处心所站队馆署司社])\s*"
    rf"(?P<date>{_DATE})$"
)


def clean_text(text: str) -> str:
    """``text`` without control characters; in-line breaks (VT, FF, …) become spaces."""
    return _CONTROL.sub("", _SOFT_BREAK.sub(" ", text))


def clean_block(text: str) -> str:
    """Multi-line ``text`` without control characters; in-line breaks become newlines."""
    return _CONTROL.sub("", _SOFT_BREAK.sub("\n", text))


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped, without control characters."""
    return [p.strip() for p in clean_block(text).splitlines() if p.strip()]


def title_lines(agency: str | None, year: int | None) -> list[str]:
    """The title in the pieces it may break between: the body, then "YYYY年政府信息…报告".

    A long title breaks after the body's name, never inside "年度报告"."""
    tail = (f"{year}年" if year is not None else "") + TITLE_TAIL
    return [agency, tail] if agency else [tail]


def text_width(text: str) -> float:
    """Width in em: ASCII letters and digits are about half as wide as Chinese characters."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def split_sign_off(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """(body paragraphs, sign-off lines) — the sign-off being the body's name and the date that
    end a report, as written ("某某局" / "2024年1月17日"), or glued to the last sentence."""
    if not paragraphs:
        return paragraphs, []
    last = paragraphs[-1].strip()
    if _DATE_LINE.match(last):
        k = len(paragraphs) - 1
        if k > 0 and _NAME_LINE.match(paragraphs[k - 1].strip()):
            k -= 1
        return paragraphs[:k], paragraphs[k:]
    m = _GLUED.match(last)
    if m:
        return [*paragraphs[:-1], m.group("body")], [m.group("name"), m.group("date")]
    return paragraphs, []


# A second-level heading: "（一）主动公开情况" alone, or run in before its text ending in "。".
_SUBHEADING = re.compile(
    r"^(?P<head>[（(][一二三四五六七八九十]{1,3}[)）][^。！？!?；;，,]{1,40}?(?:[。！？]|$))"
)


def subheading(paragraph: str) -> tuple[str, str]:
    """(heading, rest) when ``paragraph`` opens with a "（一）…" heading, else ("", paragraph)."""
    m = _SUBHEADING.match(paragraph)
    if m is None:
        return "", paragraph
    head = m.group("head")
    return head, paragraph[len(head) :]
