"""Write a Report in the official layout: DOCX, HTML, Markdown or PDF.

``render(report, fmt)`` returns the bytes; ``render_to(report, path)`` writes a file and takes
the format from its suffix. The layout (title, six sections, tables with their merged cells)
comes from :mod:`gongkai.templates` through :mod:`gongkai.render.layout`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UnsupportedFormat
from ..output import write_file
from ..report import Report

FORMATS = ("docx", "html", "md", "pdf")
SUFFIXES = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".pdf": "pdf",
}

__all__ = ["FORMATS", "SUFFIXES", "render", "render_to"]


def _renderer(fmt: str) -> Callable[[Report], bytes]:
    if fmt == "docx":
        from .docx import render_docx

        return render_docx
    if fmt == "html":
        from .html import render_html

        return render_html
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf
    raise UnsupportedFormat(f"不支持的输出格式“{fmt}”，可选：{'、'.join(FORMATS)}")


def render(report: Report, fmt: str) -> bytes:
    """The report in format ``fmt`` ("docx", "html", "md" or "pdf")."""
    return _renderer(fmt.lower().lstrip("."))(report)


def render_to(report: Report, out: Path, fmt: str | None = None) -> Path:
    """Write the report to ``out``; the format comes from ``fmt`` or else the file suffix."""
    out = Path(out)
    if fmt is None:
        fmt = SUFFIXES.get(out.suffix.lower())
        if fmt is None:
            raise UnsupportedFormat(
                f"无法从扩展名“{out.suffix or '（无）'}”判断输出格式，可选：" + "、".join(SUFFIXES),
                str(out),
            )
    return write_file(out, render(report, fmt))
