"""The request ledger (台账): the law as a pure library (the working-day calendar, the statutory
clock, the information processing fee), and the ledger kept in the store (requests, their
events and cases; lists with clocks computed on read; the annual tables 表三 and 表四 and the
requests behind each cell; the clerks' Excel workbook; reconciling a published report).

The store-facing names are loaded on first use, so the pure law stays quick to import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .calendar import (
    Calendar,
    CalendarEntry,
    CalendarError,
    DayKind,
    DueDate,
    describe_crossed,
    notice_title,
)
from .clock import (
    Channel,
    Clock,
    ClockError,
    Event,
    EventKind,
    State,
    TimelineEntry,
    legal_receipt_date,
    run_clock,
)
from .fees import Fee, FeeError, FeeMethod, assess, fee_by_count, fee_by_pages, number_in_month
from .labels import FeeKind
from .records import Case, LedgerError, LedgerEvent, NewRequest

if TYPE_CHECKING:
    from .calendar_store import CalendarAdded, add_calendar, add_calendar_file, store_calendar
    from .fill import filled_workbook, new_from_ledger
    from .reconcile import Difference, Reconciled, reconcile_published
    from .store import (
        Imported,
        add_case,
        add_event,
        add_request,
        decide_case,
        import_requests,
        update_request,
    )
    from .tables import AnnualTables, Explanation, annual_tables, explain, ledger_report
    from .views import Detail, Listed, get_request, list_requests
    from .workbook import export_workbook, template_workbook
    from .workbook_read import LedgerImportError, import_workbook, read_ledger

_LAZY = {
    "calendar_store": ("CalendarAdded", "add_calendar", "add_calendar_file", "store_calendar"),
    "fill": ("filled_workbook", "new_from_ledger"),
    "reconcile": ("Difference", "Reconciled", "reconcile_published"),
    "store": (
        "Imported",
        "add_case",
        "add_event",
        "add_request",
        "decide_case",
        "import_requests",
        "update_request",
    ),
    "tables": ("AnnualTables", "Explanation", "annual_tables", "explain", "ledger_report"),
    "views": ("Detail", "Listed", "get_request", "list_requests"),
    "workbook": ("export_workbook", "template_workbook"),
    "workbook_read": ("LedgerImportError", "import_workbook", "read_ledger"),
}
_HOME = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


__all__ = [
    "AnnualTables",
    "Calendar",
    "CalendarAdded",
    "CalendarEntry",
    "CalendarError",
    "Case",
    "Channel",
    "Clock",
    "ClockError",
    "DayKind",
    "Detail",
    "Difference",
    "DueDate",
    "Event",
    "EventKind",
    "Explanation",
    "Fee",
    "FeeError",
    "FeeKind",
    "FeeMethod",
    "Imported",
    "LedgerError",
    "LedgerEvent",
    "LedgerImportError",
    "Listed",
    "NewRequest",
    "Reconciled",
    "State",
    "TimelineEntry",
    "add_calendar",
    "add_calendar_file",
    "add_case",
    "add_event",
    "add_request",
    "annual_tables",
    "assess",
    "decide_case",
    "describe_crossed",
    "explain",
    "export_workbook",
    "fee_by_count",
    "fee_by_pages",
    "filled_workbook",
    "get_request",
    "import_requests",
    "import_workbook",
    "ledger_report",
    "legal_receipt_date",
    "list_requests",
    "new_from_ledger",
    "notice_title",
    "number_in_month",
    "read_ledger",
    "reconcile_published",
    "run_clock",
    "store_calendar",
    "template_workbook",
    "update_request",
]
