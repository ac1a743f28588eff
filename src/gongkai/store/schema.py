"""The store's tables, as data a user can query directly (SQLite or PostgreSQL).

Bodies and the names they were seen under; the roster (who is expected to report in a year);
original files, content-addressed by sha256; reports (one row per reading of one file: a
changed file for the same body and year is a new version, a re-read with a newer reader a new
reading, and nothing is overwritten); cells in long form; the six sections with their search
tokens; check findings with a status people change, and the audit trail of those changes.

The migrations in ``migrations/versions`` create exactly these tables (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

bodies = Table(
    "bodies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),  # canonical name
    Column("level", String(20)),  # 省 / 市 / 县 / 乡镇 / 部门, from a roster
    Column("region", String(400)),  # path: 河北省/石家庄市/正定县
    Column("parent_id", Integer, ForeignKey("bodies.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_bodies_region", bodies.c.region)
Index("ix_bodies_parent", bodies.c.parent_id)

# Every spelling a body was seen under (its canonical name too), folded as checks.bodies does.
body_names = Table(
    "body_names",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("body_id", Integer, ForeignKey("bodies.id"), nullable=False),
)
Index("ix_body_names_body", body_names.c.body_id)

# "Expected to report in year Y", from a roster import.
roster = Table(
    "roster",
    metadata,
    Column("body_id", Integer, ForeignKey("bodies.id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("source", String(400)),
)
Index("ix_roster_year", roster.c.year)

files = Table(
    "files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("name", String(400), nullable=False),  # the file name it was first imported under
    Column("data", LargeBinary, nullable=False),  # the original bytes
    Column("stored_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # import | reread
    Column("reader_version", String(60), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),  # None: interrupted or still running
    Column("files", Integer, nullable=False, default=0),
    Column("stored", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("changed", Integer, nullable=False, default=0),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_id", Integer, ForeignKey("bodies.id")),
    Column("agency", String(200)),  # as read
    Column("year", Integer),
    Column("template", String(10), nullable=False),
    Column("published", String(10)),  # YYYY-MM-DD
    Column("file_sha256", String(64), ForeignKey("files.sha256"), nullable=False),
    Column("path", String(1000), nullable=False),  # as imported
    Column("format", String(10)),
    Column("reader_version", String(60), nullable=False),
    Column("version", Integer, nullable=False),  # the file's version for this body and year
    Column("current", Boolean, nullable=False),  # the reading shown for this body and year
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),  # findings of severity warning
    Column("notes", JSON, nullable=False),  # the reader's warnings
    Column("data", JSON, nullable=False),  # Report.to_dict(): the whole reading
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("file_sha256", "reader_version", name="uq_reports_reading"),
)
Index("ix_reports_body_year", reports.c.body_id, reports.c.year, reports.c.current)
Index("ix_reports_year", reports.c.year, reports.c.current)

cells = Table(
    "cells",
    metadata,
    Column("report_id", Integer, ForeignKey("reports.id"), primary_key=True),
    Column("name", String(300), primary_key=True),  # requests.new.total (Report.cells())
    Column("tbl", String(20), nullable=False),  # active | requests | review_litigation | legacy
    Column("row_key", String(300), nullable=False),
    Column("col_key", String(40), nullable=False),
    Column("number", Float),  # the number, when the cell holds one
    Column("text", Text),  # the text as written ("/", "无") or an undecided cell's raw text
    Column("raw", Text, nullable=False),
    Column("page", Integer),
    Column("line", Integer),
    Column("derived", String(200)),
    Column("ambiguous", Boolean, nullable=False),
)
Index("ix_cells_name", cells.c.name, cells.c.report_id)

sections = Table(
    "sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("number", String(4), nullable=False),  # 一 … 六
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("tokens", Text, nullable=False),  # search.tokens(text): what full-text search indexes
)
Index("ix_sections_report", sections.c.report_id)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("key", String(64), nullable=False),  # stable identity across re-checks
    Column("code", String(10), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("detail", JSON, nullable=False),  # Finding.to_dict()
    Column("applicable", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),  # False: no longer found when re-checked
    Column("status", String(10), nullable=False),  # open | dismissed | fixed
    Column("reason", Text),
    Column("changed_at", DateTime(timezone=True)),
    Column("changed_by", String(100)),
    UniqueConstraint("report_id", "key", name="uq_findings_key"),
)
Index(
    "ix_findings_report",
    findings.c.report_id,
    findings.c.severity,
    findings.c.status,
    findings.c.active,
    findings.c.applicable,
)  # counts of open findings per report come from the index alone
Index("ix_findings_code", findings.c.code)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("target", String(100), nullable=False),  # finding:12, body:3, roster:…
    Column("before", JSON),
    Column("after", JSON),
    Column("reason", Text),
)
Index("ix_audit_target", audit.c.target)

# Files that could not be read, with the reader's message (retried on every import).
failures = Table(
    "failures",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("reader_version", String(60), primary_key=True),
    Column("path", String(1000), nullable=False),
    Column("message", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id")),
)

# What a re-read changed: one row per cell or field whose reading differs.
changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("old_report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("new_report_id", Integer, ForeignKey("reports.id"), nullable=False),
    Column("name", String(300), nullable=False),  # a cell name, or agency / year / template
    Column("before", JSON),
    Column("after", JSON),
)
Index("ix_changes_run", changes.c.run_id)

# People who use the web app. Roles: admin; supervisor (a region); agency (one body); viewer.
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),  # argon2id
    Column("role", String(20), nullable=False),
    Column("region", String(400)),  # a supervisor's (or viewer's) region path; None: all
    Column("body_id", Integer, ForeignKey("bodies.id")),  # an agency user's body
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The web app's listing of reports counts and sorts from this index alone (no wide rows read).
Index(
    "ix_reports_listing",
    reports.c.current,
    reports.c.year,
    reports.c.template,
    reports.c.errors,
    reports.c.warnings,
    reports.c.published,
    reports.c.body_id,
    reports.c.agency,
)
Index("ix_audit_action", audit.c.action, audit.c.id)

# The installation's own settings (the key that signs session cookies).
settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

# -- the request ledger (台账): see gongkai.ledger.store --------------------------------------
# Clocks (due dates, states) are never stored: they are computed on read from the events and the
# calendar, so adding a year's holidays recomputes every running request. ``answered`` and
# ``outcome`` repeat the reply event so the annual tables are one GROUP BY.

ledger_requests = Table(
    "ledger_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body_id", Integer, ForeignKey("bodies.id"), nullable=False),
    Column("ref", String(60), nullable=False),  # the office's own number (申请编号)
    Column("channel", String(20), nullable=False),  # gongkai.ledger.Channel
    Column("submitted_at", DateTime),  # the raw time it arrived or was sent, as recorded
    Column("received", Date, nullable=False),  # the legal receipt date (第三十一条)
    Column("applicant_type", String(40), nullable=False),  # a 表三 column key
    Column("applicant_name", String(200)),  # personal data
    Column("applicant_contact", String(400)),  # personal data
    Column("content", Text),
    Column("answered", Date),  # the reply's day (None: not answered)
    Column("outcome", String(60)),  # the reply's 表三 row key (2021 template)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("body_id", "ref", name="uq_ledger_requests_ref"),
)
Index("ix_ledger_requests_received", ledger_requests.c.body_id, ledger_requests.c.received)
Index("ix_ledger_requests_answered", ledger_requests.c.body_id, ledger_requests.c.answered)

ledger_events = Table(
    "ledger_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("ledger_requests.id"), nullable=False),
    Column("kind", String(30), nullable=False),  # an EventKind, or fee_notice / fee_paid
    Column("day", Date, nullable=False),
    Column("outcome", String(60)),  # reply: the 表三 row key
    Column("days", Integer),  # extension: working days granted
    Column("approver", String(100)),  # extension: who approved it
    Column("third_party", Boolean),  # consultation: a third party (or another organ)
    Column("amount", Integer),  # fee notice: 元
    Column("note", Text),
)
Index("ix_ledger_events_request", ledger_events.c.request_id, ledger_events.c.day)

# Administrative review and litigation cases brought over requests (表四).
ledger_cases = Table(
    "ledger_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("ledger_requests.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # review | lit_direct | lit_after_review
    Column("reference", String(100)),  # 案号
    Column("filed", Date, nullable=False),
    Column("decided", Date),  # None: not yet decided
    Column("outcome", String(20)),  # upheld | corrected | other (None while pending)
)
Index("ix_ledger_cases_request", ledger_cases.c.request_id)

# Holiday notices added after release (gongkai calendar add), merged with the packaged calendar.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(10), nullable=False),  # holiday | workday
    Column("name", String(40), nullable=False),
    Column("notice", String(200), nullable=False),
    Column("year", Integer, nullable=False),  # the notice's year
    Column("added_at", DateTime(timezone=True), nullable=False),
)
