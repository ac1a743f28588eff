"""Markdown output: headings, paragraphs and GitHub pipe tables.

Pipe tables cannot merge cells, so every table is written on its full grid and the positions a
merged cell covers are left blank, as Word's and WPS's text exports do. A header or value cell
is written in its first position; a row label in the last column it spans (on its first row),
so every data row reads: blanks or outer labels, its row label, then its values in column
order, blank cells empty.

Report text is untrusted: characters Markdown would read as HTML, links, emphasis or code are
backslash-escaped (CommonMark shows "\\<script>" as the text "<script>"; gongkai's reader
removes the backslashes again), and so are line starts it would read as headings, quotes,
lists or table rows.
"""

from __future__ import annotations

import re

from ..report import Report
from .layout import LABEL, LTable, Slot, layout

# Backslash first: the escapes below add backslashes.
_INLINE = re.compile(r"([\\<>\[\]`*_])")
# Line starts Markdown would read as a heading, a table row, a quote, a list or a rule.
_BLOCK_START = re.compile(r"^(?:[#|>+\-~]|\d{1,9}(?=[.)]))")


def escape(text: str) -> str:
    """``text`` shown as written by a Markdown renderer, inline (no HTML, links, emphasis)."""
    return _INLINE.sub(r"\\\1", text)


def escape_line(text: str) -> str:
    """``text`` as a whole line: also no heading, quote, list or rule at its start."""
    text = escape(text)
    m = _BLOCK_START.match(text)
    if m is None:
        return text
    if m.group(0)[:1].isdigit():  # "1." / "1)": escape the delimiter
        end = m.end()
        return text[:end] + "\\" + text[end:]
    return "\\" + text


def render_markdown(rep: Report) -> bytes:
    lay = layout(rep)
    out = [f"# {escape(lay.title)}", ""]
    for sec in lay.sections:
        out += [f"## {escape(sec.heading)}", ""]
        for p in [*sec.paragraphs, *sec.sign_off]:
            out += [escape_line(p), ""]
        if sec.table is not None:
            out += [*_table(sec.table), ""]
    return "\n".join(out).encode("utf-8")


def _text(slot: Slot) -> str:
    cell = slot.cell
    # A merged label is written once, in the last column it covers on its first row, so that
    # it stands right before the row's values; other cells in their first position.
    label_end = slot.dr == 0 and slot.dc == cell.colspan - 1
    shown = label_end if cell.kind == LABEL else slot.origin
    text = escape(cell.text.replace("\n", " ")).replace("|", "\\|")
    return text if shown else ""


def _row(slots: list[Slot]) -> str:
    return "| " + " | ".join(_text(s) for s in slots) + " |"


def _table(lt: LTable) -> list[str]:
    grid = lt.grid()
    lines = [_row(grid[0]), "|" + "|".join(" --- " for _ in range(lt.width)) + "|"]
    lines += [_row(line) for line in grid[1:]]
    return lines
