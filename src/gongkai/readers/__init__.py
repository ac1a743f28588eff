"""Readers turn a file into the intermediate document model (:mod:`gongkai.model`).

One reader per format, each ``read(data: bytes, path: str | None) -> Document``. The format is
found from the content first (PDF, ZIP, OLE, RTF and HTML signatures) and the file name second.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import GongkaiError, UnsupportedFormat
from ..model import Document
from . import bundle, limits

Reader = Callable[[bytes, str | None], Document]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
CONVERT_SUFFIXES = {".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CONVERT_SUFFIXES | {".docx", ".pdf"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}  # the fill-in workbook of ``gongkai new``
REPORT_SUFFIXES = DOCUMENT_SUFFIXES | WORKBOOK_SUFFIXES
IMAGE_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".svg", ".ico",
}  # fmt: skip
LOCK_PREFIX = "~$"  # Office's lock file beside an open document: "~$报告.docx"
_LOCK_OWNERS = {".doc": "Word", ".docx": "Word", ".wps": "WPS", ".xlsx": "Excel", ".xls": "Excel"}


def never_a_report(name: str) -> str | None:
    """Why a file is not read even when named (an Office lock file, an image); else None."""
    base = Path(name).name
    suffix = Path(base).suffix.lower()
    if base.startswith(LOCK_PREFIX):
        return f"{_LOCK_OWNERS.get(suffix, 'Office')} 临时锁文件"
    if suffix in IMAGE_SUFFIXES:
        return "图片，不是报告文件"
    return None


def not_a_report(name: str) -> str | None:
    """Why a file found in a folder or a zip bundle is not read as a report; None if it may be.

    Workbooks (.xlsx) and bundles (.zip) may be: the caller looks inside.
    """
    reason = never_a_report(name)
    suffix = Path(name).suffix.lower()
    if reason is None and suffix == ".json":
        return "JSON 文件，在目录或压缩包中不自动读取（报告 JSON 请直接指定文件）"
    if reason is None and suffix not in REPORT_SUFFIXES | bundle.BUNDLE_SUFFIXES:
        return f"不是报告文件类型（{suffix or '无扩展名'}）"
    return reason


def sniff(data: bytes, path: str | None) -> str:
    """The format of ``data``: txt, html, docx, pdf, convert (LibreOffice formats), xlsx (a
    workbook, read by :mod:`gongkai.authoring`) or zip (a bundle of files, not one report)."""
    suffix = Path(path).suffix.lower() if path else ""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data, suffix)
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
    if suffix in WORKBOOK_SUFFIXES:
        return "xlsx"  # not a zip: the workbook reader says it is damaged
    raise UnsupportedFormat(f"不支持的文件类型“{suffix}”", path)


def _zip_format(data: bytes, suffix: str) -> str:
    if suffix == ".odt":
        return "convert"
    names = bundle.zip_names(data)
    if names is None:  # damaged, or too many members to list: refused by the reader it goes to
        return "xlsx" if suffix in WORKBOOK_SUFFIXES else "zip" if suffix == ".zip" else "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if suffix in bundle.BUNDLE_SUFFIXES:
        return "zip"
    return "docx"


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
    if fmt == "xlsx":
        raise UnsupportedFormat("这是 Excel 工作簿：填报工作簿请用 gongkai.read 读取")
    if fmt == "zip":
        raise UnsupportedFormat("这是压缩包，不是一份报告：请读取整个压缩包所在目录，或解压后读取")
    raise UnsupportedFormat(f"不支持的格式“{fmt}”")


def read_bytes(source: str | Path | bytes, name: str | None = None) -> tuple[bytes, str | None]:
    """The file's bytes and its name; refuse missing, empty, oversized and non-regular files.

    Only regular files are read (a FIFO, a device such as /dev/zero, or a terminal on
    /dev/stdin would block or never end), and never more than ``limits.MAX_FILE_BYTES`` bytes
    however large the file claims or turns out to be.
    """
    if isinstance(source, bytes):
        data, path = source, name
    else:
        path = str(source)
        data = _read_regular(Path(source), path)
    if len(data) > limits.MAX_FILE_BYTES:
        raise GongkaiError(_too_big(len(data)), path)
    if not data or data.isspace():  # (not data.strip(): that copies the whole file)
        raise GongkaiError("文件为空", path)
    return data, path


def _too_big(size: int) -> str:
    return (
        f"文件过大（{size / 1048576:.0f} MB，上限 {limits.MAX_FILE_BYTES // 1048576} MB），"
        "不像是年度报告"
    )


def _read_regular(p: Path, path: str) -> bytes:
    try:
        info = p.stat()
    except FileNotFoundError:
        raise GongkaiError("文件不存在", path) from None
    except OSError as exc:
        raise GongkaiError(f"无法访问文件（{exc.strerror or exc}）", path) from None
    if stat.S_ISDIR(info.st_mode):
        raise GongkaiError("这是一个目录，不是文件", path)
    if not stat.S_ISREG(info.st_mode):
        raise GongkaiError("不是普通文件（可能是设备、管道或终端），不读取", path)
    if info.st_size > limits.MAX_FILE_BYTES:
        raise GongkaiError(_too_big(info.st_size), path)
    try:  # O_NONBLOCK: should the file have been swapped for a FIFO since, open does not block
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise GongkaiError(f"无法打开文件（{exc.strerror or exc}）", path) from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise GongkaiError("不是普通文件（可能是设备、管道或终端），不读取", path)
        try:
            data = f.read(limits.MAX_FILE_BYTES + 1)  # bounded by what is read, not by stat
        except OSError as exc:
            raise GongkaiError(f"读取文件失败（{exc.strerror or exc}）", path) from None
    if len(data) > limits.MAX_FILE_BYTES:
        raise GongkaiError(_too_big(len(data)), path)
    return data


@contextmanager
def resource_errors(path: str | None) -> Iterator[None]:
    """Turn a reader's exhausted stack or memory into a message naming the file."""
    try:
        yield
    except RecursionError:
        raise GongkaiError("文件结构嵌套过深，无法读取", path) from None
    except MemoryError:
        raise GongkaiError("文件过大，读取时内存不足", path) from None


def load(source: str | Path | bytes, name: str | None = None) -> Document:
    """Read a file (path or bytes) into a Document; raise GongkaiError with a Chinese message."""
    data, path = read_bytes(source, name)
    try:
        with resource_errors(path):
            doc = reader_for(sniff(data, path))(data, path)
    except GongkaiError as exc:
        if exc.path is None and path is not None:  # raised where the file name is not known
            raise type(exc)(exc.message, path) from None
        raise
    doc.path = path
    return doc
