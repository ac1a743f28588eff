"""gongkai (公开): read, check and write 政府信息公开工作年度报告.

One library function per command-line verb::

    gongkai.read(path)                          # gongkai extract: one report
    gongkai.check(paths)                        # gongkai check: findings of every report
    gongkai.render(source, "年报.docx")          # gongkai render: the official layout
    gongkai.summarize(paths, agency, year)      # gongkai summarize: a region's summary
    gongkai.new(agency, year)                   # gongkai new: a fill-in workbook
"""

from __future__ import annotations

# The subpackage gongkai.render is imported first, so that the function ``render`` below is the
# attribute ``gongkai.render`` (submodules stay importable: ``from gongkai.render import ...``).
from . import render as _render_package  # noqa: F401
from .api import Summarized, check, new, read, render, summarize, valid_year
from .errors import GongkaiError
from .report import Report, Value

__all__ = [
    "GongkaiError",
    "Report",
    "Summarized",
    "Value",
    "check",
    "new",
    "read",
    "render",
    "summarize",
    "valid_year",
]
__version__ = "0.1.0"
