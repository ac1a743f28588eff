"""Markdown output: headings, paragraphs and GitHub pipe tables.

Pipe tables cannot merge cells, so every table is written on its full grid and the positions a
merged cell covers are left blank, as Word's and WPS's text exports do. A header or value cell
is written in its first position; a row label in the last column it spans (on its first row),
so every data row reads: blanks or outer labels, its row label, then its values in column
order, blank cells empty.
"""

from __future__ import annotations

from ..report import Report
from .layout import LABEL, LTable, Slot, layout

# Line starts that Markdown would read as a heading, a table row or a quote.
_MARKUP_STARTS = ("#", "|", ">")


def render_markdown(rep: Report) -> bytes:
    lay = layout(rep)
    out = [f"# {lay.title}", ""]
    for sec in lay.sections:
        out += [f"## {sec.heading}", ""]
        for p in sec.paragraphs:
            p = p.replace("\\", "\\\\")  # a literal backslash, not an escape
            out += ["\\" + p if p.startswith(_MARKUP_STARTS) else p, ""]
        if sec.table is not None:
            out += [*_table(sec.table), ""]
    return "\n".join(out).encode("utf-8")


def _text(slot: Slot) -> str:
    cell = slot.cell
    # A merged label is written once, in the last column it covers on its first row, so that
    # it stands right before the row's values; other cells in their first position.
    label_end = slot.dr == 0 and slot.dc == cell.colspan - 1
    shown = label_end if cell.kind == LABEL else slot.origin
    text = cell.text.replace("\n", " ").replace("\\", "\\\\").replace("|", "\\|")
    return text if shown else ""


def _row(slots: list[Slot]) -> str:
    return "| " + " | ".join(_text(s) for s in slots) + " |"


def _table(lt: LTable) -> list[str]:
    grid = lt.grid()
    lines = [_row(grid[0]), "|" + "|".join(" --- " for _ in range(lt.width)) + "|"]
    lines += [_row(line) for line in grid[1:]]
    return lines
