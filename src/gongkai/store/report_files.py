"""A stored report's original file: its bytes for download, and for a PDF a page drawn as PNG
(PDFium) with the cells read from that page, so a reader can check a value at its source."""

from __future__ import annotations

import io
import math
import mimetypes
import threading
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
from sqlalchemy import select

from ..output import cell_label
from . import schema
from .access import Scope
from .detail import file_name, report_head
from .engine import Store

C, FI = schema.cells.c, schema.files.c
MIN_SCALE, MAX_SCALE, DEFAULT_SCALE = 0.5, 3.0, 1.5  # 1.0 = 72 dpi
MAX_SIDE = 3000  # pixels on a drawn page's longer side
# PDFium is not thread-safe: the app's worker threads draw one page at a time.
_PDFIUM = threading.Lock()
MEDIA = {
    ".md": "text/markdown",
    ".wps": "application/vnd.ms-works",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class StoredFile:
    name: str  # the name it was imported under
    media_type: str
    data: bytes
    sha256: str
    pdf: bool


@dataclass(frozen=True)
class PageCell:
    name: str
    label: str
    raw: str
    line: int | None


@dataclass(frozen=True)
class SourcePage:
    report_id: int
    body: str | None
    year: int | None
    file: str
    page: int  # 1-based
    pages: int
    cell: PageCell | None  # the cell asked about, when it was read from this page
    cells: list[PageCell]  # every cell read from this page, by line


def media_type(name: str) -> str:
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    return MEDIA.get(suffix) or mimetypes.guess_type("x" + suffix)[0] or "application/octet-stream"


def report_file(store: Store, report_id: int, scope: Scope | None = None) -> StoredFile | None:
    """The original file of a report ``scope`` covers (None otherwise)."""
    with store.begin() as conn:
        head = report_head(conn, report_id, scope or Scope())
        if head is None:
            return None
        data = conn.execute(select(FI.data).where(FI.sha256 == head.file_sha256)).scalar_one()
    name = file_name(head.path, head.file)
    pdf = head.format == "pdf" or bytes(data[:5]) == b"%PDF-"
    return StoredFile(name, media_type(name), bytes(data), head.file_sha256, pdf)


def _count(data: bytes) -> int:
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(data)
        except Exception:  # a damaged file: no page to show
            return 0
        try:
            return len(doc)
        finally:
            doc.close()


def page_png(
    store: Store,
    report_id: int,
    page: int,
    scope: Scope | None = None,
    scale: float = DEFAULT_SCALE,
) -> bytes | None:
    """Page ``page`` (1-based) of the report's PDF as PNG, drawn at ``scale`` (bounded by
    :data:`MIN_SCALE`, :data:`MAX_SCALE` and :data:`MAX_SIDE`); None when the report is out of
    scope, not a PDF, or has no such page."""
    original = report_file(store, report_id, scope)
    if original is None or not original.pdf or page < 1:
        return None
    with _PDFIUM:
        try:
            doc = pdfium.PdfDocument(original.data)
        except Exception:
            return None
        try:
            if page > len(doc):
                return None
            sheet = doc[page - 1]
            width, height = sheet.get_size()
            wanted = scale if math.isfinite(scale) else DEFAULT_SCALE  # "nan", "inf" parse too
            bounded = min(max(wanted, MIN_SCALE), MAX_SCALE, MAX_SIDE / max(width, height, 1))
            image: Any = sheet.render(scale=bounded).to_pil()
        finally:
            doc.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def source_page(
    store: Store, report_id: int, page: int, scope: Scope | None = None, cell: str | None = None
) -> SourcePage | None:
    """Page ``page`` of a PDF report with the cells read from it (``cell`` singled out); None
    when the report is out of scope, not a PDF, or has no such page."""
    original = report_file(store, report_id, scope)
    if original is None or not original.pdf:
        return None
    pages = _count(original.data)
    if not 1 <= page <= pages:
        return None
    with store.begin() as conn:
        head = report_head(conn, report_id, scope or Scope())
        rows = conn.execute(
            select(C.name, C.raw, C.line)
            .where(C.report_id == report_id, C.page == page)
            .order_by(C.line, C.name)
        ).all()
    cells = [PageCell(r.name, cell_label(r.name), r.raw, r.line) for r in rows]
    chosen = next((c for c in cells if c.name == cell), None)
    return SourcePage(
        report_id, head.body or head.agency, head.year, original.name, page, pages, chosen, cells
    )


__all__ = ["PageCell", "SourcePage", "StoredFile", "page_png", "report_file", "source_page"]
