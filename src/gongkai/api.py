"""The public library API: read reports from files or bytes."""

from __future__ import annotations

from pathlib import Path

from .errors import GongkaiError
from .extract import extract
from .model import Document
from .readers import load, read_bytes
from .report import Report


def read(source: str | Path | bytes, name: str | None = None) -> Report:
    """Read one annual report (TXT, MD, HTML, DOCX, PDF, DOC/WPS/RTF/ODT) into a Report.

    ``source`` is a path or the file's bytes (then ``name`` gives the file name, used for the
    format when the content does not tell). Raises :class:`gongkai.errors.GongkaiError` with a
    Chinese message naming the file when the file cannot be read or is not a report.
    """
    data, path = read_bytes(source, name)
    doc = load(data, path)
    try:
        rep: Report | None = extract(doc)
        error: GongkaiError | None = None
    except GongkaiError as exc:
        rep, error = None, exc
    if doc.format == "pdf" and _problems(rep) > 0:
        rep, error = _read_pdf_grid(data, path, rep, error)
    if rep is None:
        assert error is not None
        raise error
    rep.path = path
    return rep


def _problems(rep: Report | None) -> int:
    """How incomplete a reading is: missing tables and undecided cells."""
    if rep is None:
        return 1_000
    if rep.template == "legacy":
        return 1  # a line-based reading of an indicator table may have lost rows
    missing = sum(1 for w in rep.warnings if w.startswith("缺少表格"))
    return 100 * missing + sum(1 for _, v in rep.cells() if v.ambiguous)


def _read_pdf_grid(
    data: bytes, path: str | None, rep: Report | None, error: GongkaiError | None
) -> tuple[Report | None, GongkaiError | None]:
    """The exact (slower) table-grid PDF reading, kept when it reads more than the fast one."""
    from .readers.pdf_grid import read_pdf_grid

    try:
        doc: Document = read_pdf_grid(data, path)
        grid = extract(doc)
    except GongkaiError:
        return rep, error
    if rep is None or _problems(grid) < _problems(rep) or rep.template == "legacy":
        return grid, None
    return rep, error
