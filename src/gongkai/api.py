"""The public library API: read reports from files or bytes."""

from __future__ import annotations

from pathlib import Path

from .extract import extract
from .readers import load
from .report import Report


def read(source: str | Path | bytes, name: str | None = None) -> Report:
    """Read one annual report (TXT, MD, HTML, DOCX, PDF, DOC/WPS/RTF/ODT) into a Report.

    ``source`` is a path or the file's bytes (then ``name`` gives the file name, used for the
    format when the content does not tell). Raises :class:`gongkai.errors.GongkaiError` with a
    Chinese message naming the file when the file cannot be read or is not a report.
    """
    doc = load(source, name)
    rep = extract(doc)
    if not isinstance(source, bytes):
        rep.path = str(source)
    elif name is not None:
        rep.path = name
    return rep
