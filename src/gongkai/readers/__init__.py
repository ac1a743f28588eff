"""Readers turn a file into the intermediate document model (:mod:`gongkai.model`).

One reader per format, each ``read(data: bytes, path: str | None) -> Document``. The format is
found from the content first (PDF, ZIP, OLE, RTF and HTML signatures) and the file name second.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import GongkaiError, UnsupportedFormat
from ..model import Document

MAX_BYTES = 100 * 1024 * 1024  # a real annual report is at most a few MB

Reader = Callable[[bytes, str | None], Document]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
CONVERT_SUFFIXES = {".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot"}
REPORT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CONVERT_SUFFIXES | {".docx", ".pdf"}


def sniff(data: bytes, path: str | None) -> str:
    """The format of ``data``: txt, html, docx, pdf or convert (LibreOffice formats)."""
    suffix = Path(path).suffix.lower() if path else ""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if suffix != ".odt" else "convert"
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"{\\rtf"):
        return "convert"
    low = head[:512].lower()
    if suffix in HTML_SUFFIXES or low.startswith((b"<!doctype html", b"<html")) or b"<html" in low:
        return "html"
    if suffix in TEXT_SUFFIXES or not suffix:
        return "txt"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    if suffix in CONVERT_SUFFIXES:
        return "convert"
    raise UnsupportedFormat(f"不支持的文件类型“{suffix}”", path)


def reader_for(fmt: str) -> Reader:
    if fmt == "txt":
        from .text import read_text

        return read_text
    if fmt == "html":
        from .html import read_html

        return read_html
    if fmt == "docx":
        from .docx import read_docx

        return read_docx
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if fmt == "convert":
        from .convert import read_converted

        return read_converted
    raise UnsupportedFormat(f"不支持的格式“{fmt}”")


def read_bytes(source: str | Path | bytes, name: str | None = None) -> tuple[bytes, str | None]:
    """The file's bytes and its name; refuse missing, empty and oversized files."""
    if isinstance(source, bytes):
        data, path = source, name
    else:
        path = str(source)
        p = Path(source)
        if not p.exists():
            raise GongkaiError("文件不存在", path)
        if p.is_dir():
            raise GongkaiError("这是一个目录，不是文件", path)
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise GongkaiError(
                f"文件过大（{size / 1048576:.0f} MB，"
                f"上限 {MAX_BYTES // 1048576} MB），不像是年度报告",
                path,
            )
        data = p.read_bytes()
    if not data.strip():
        raise GongkaiError("文件为空", path)
    if len(data) > MAX_BYTES:
        raise GongkaiError("文件过大，不像是年度报告", path)
    return data, path


def load(source: str | Path | bytes, name: str | None = None) -> Document:
    """Read a file (path or bytes) into a Document; raise GongkaiError with a Chinese message."""
    data, path = read_bytes(source, name)
    doc = reader_for(sniff(data, path))(data, path)
    doc.path = path
    return doc
