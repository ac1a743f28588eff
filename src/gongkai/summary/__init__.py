"""Regional summaries (本级政府年度报告): the tables of many bodies' reports added cell by cell.

``summarize`` decides which reports can be summed (same year, same template, no check errors,
each body once), adds their tables with exact decimals and writes a summary Report;
``contributions``/``write_contributions`` list what every body contributed; ``reconcile``
compares a published summary with the sum of its bodies.

A 2021-layout report that prints （六）其他处理 as one row cannot be split over the three
2021 sub-rows: it is summed (as zeros) only when that row is 0 in every column, and refused
otherwise, since any split would invent figures.
"""

from __future__ import annotations

from .cells import CellNote, Slot, slots
from .core import LEGACY_REFUSED, Body, Summary, summarize
from .reconcile import Difference, reconcile
from .sheet import CONTRIBUTION_META, CONTRIBUTION_TAIL, contributions, write_contributions
from .text import PLACEHOLDER

__all__ = [
    "CONTRIBUTION_META",
    "CONTRIBUTION_TAIL",
    "LEGACY_REFUSED",
    "PLACEHOLDER",
    "Body",
    "CellNote",
    "Difference",
    "Slot",
    "Summary",
    "contributions",
    "reconcile",
    "slots",
    "summarize",
    "write_contributions",
]
