"""The store: every report kept, by body, year and cell (SQLite by default, PostgreSQL by URL).

``open_store(db)`` opens (creating or upgrading) a database; ``import_files`` and ``reread``
fill it; the query functions read it. Tables are described in :mod:`.schema`.
"""

from __future__ import annotations

from . import schema
from .engine import DEFAULT_FILE, ENV_VAR, Store, database_url, open_store, reader_version
from .exporter import export
from .importer import Imported, import_files, local_reading, prepare
from .listing import list_findings
from .queries import (
    BodyHistory,
    BodyYear,
    MissingBody,
    RegionReport,
    body_years,
    missing,
    region_reports,
)
from .rates import RATES, FigureRow, Rate, figures
from .regional import RegionSummary, summarize_region
from .reread import reread
from .roster import RosterResult, import_roster
from .text_search import SearchHit, search_sections

__all__ = [
    "DEFAULT_FILE",
    "ENV_VAR",
    "RATES",
    "BodyHistory",
    "BodyYear",
    "FigureRow",
    "Imported",
    "MissingBody",
    "Rate",
    "RegionReport",
    "RegionSummary",
    "RosterResult",
    "SearchHit",
    "Store",
    "body_years",
    "database_url",
    "export",
    "figures",
    "import_files",
    "import_roster",
    "list_findings",
    "local_reading",
    "missing",
    "open_store",
    "prepare",
    "reader_version",
    "region_reports",
    "reread",
    "schema",
    "search_sections",
    "summarize_region",
]
