"""PDF output: the DOCX rendering converted by LibreOffice (headless, private profile).

The DOCX for the PDF names the installed faces closest to the official ones (song/serif, hei,
kai; :func:`gongkai.render.fonts.best_fonts`): LibreOffice would otherwise replace every
missing official font with one sans-serif face.
"""

from __future__ import annotations

from ..errors import NeedsTool
from ..readers.convert import convert_with_soffice
from ..report import Report
from .docx import render_docx
from .fonts import best_fonts

MSG_NO_SOFFICE = "生成 PDF 需要安装 LibreOffice（例如 apt-get install libreoffice-writer-nogui）"


def render_pdf(rep: Report) -> bytes:
    return docx_to_pdf(render_docx(rep, best_fonts()))


def docx_to_pdf(data: bytes) -> bytes:
    """Convert DOCX bytes to PDF bytes with LibreOffice (timeout and cleanup in readers.convert)."""
    try:
        return convert_with_soffice(data, ".docx", "pdf")
    except NeedsTool:
        raise NeedsTool(MSG_NO_SOFFICE) from None
