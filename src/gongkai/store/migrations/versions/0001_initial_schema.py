"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-12-04 01:05:39.239187
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.create_index("ix_audit_target", ["target"], unique=False)

    op.create_table(
        "bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=400), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["bodies.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.create_index("ix_bodies_parent", ["parent_id"], unique=False)
        batch_op.create_index("ix_bodies_region", ["region"], unique=False)

    op.create_table(
        "files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reader_version", sa.String(length=60), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("files", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "body_names",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.PrimaryKeyConstraint("name"),
    )
    with op.batch_alter_table("body_names", schema=None) as batch_op:
        batch_op.create_index("ix_body_names_body", ["body_id"], unique=False)

    op.create_table(
        "failures",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("reader_version", sa.String(length=60), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
        ),
        sa.PrimaryKeyConstraint("sha256", "reader_version"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("agency", sa.String(length=200), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(length=10), nullable=False),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=True),
        sa.Column("reader_version", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["files.sha256"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("file_sha256", "reader_version", name="uq_reports_reading"),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index("ix_reports_body_year", ["body_id", "year", "current"], unique=False)
        batch_op.create_index("ix_reports_year", ["year", "current"], unique=False)

    op.create_table(
        "roster",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=True),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
        ),
        sa.PrimaryKeyConstraint("body_id", "year"),
    )
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.create_index("ix_roster_year", ["year"], unique=False)

    op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("tbl", sa.String(length=20), nullable=False),
        sa.Column("row_key", sa.String(length=300), nullable=False),
        sa.Column("col_key", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("derived", sa.String(length=200), nullable=True),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.PrimaryKeyConstraint("report_id", "name"),
    )
    with op.batch_alter_table("cells", schema=None) as batch_op:
        batch_op.create_index("ix_cells_name", ["name", "report_id"], unique=False)

    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("old_report_id", sa.Integer(), nullable=False),
        sa.Column("new_report_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["new_report_id"],
            ["reports.id"],
        ),
        sa.ForeignKeyConstraint(
            ["old_report_id"],
            ["reports.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["runs.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index("ix_changes_run", ["run_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "key", name="uq_findings_key"),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index("ix_findings_code", ["code"], unique=False)
        batch_op.create_index(
            "ix_findings_report",
            ["report_id", "severity", "status", "active", "applicable"],
            unique=False,
        )

    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=4), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index("ix_sections_report", ["report_id"], unique=False)
    _search_index()


def _search_index() -> None:
    """Full-text search over sections.tokens (CJK bigrams, see gongkai.store.search)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE sections_fts USING fts5("
            "tokens, content='sections', content_rowid='id')"
        )
        op.execute(
            "CREATE TRIGGER sections_fts_insert AFTER INSERT ON sections BEGIN "
            "INSERT INTO sections_fts(rowid, tokens) VALUES (new.id, new.tokens); END"
        )
        op.execute(
            "CREATE TRIGGER sections_fts_delete AFTER DELETE ON sections BEGIN "
            "INSERT INTO sections_fts(sections_fts, rowid, tokens) "
            "VALUES ('delete', old.id, old.tokens); END"
        )
    elif dialect == "postgresql":
        # A stored tsvector: a phrase match is rechecked on every row the index gives, and
        # computing the vector there for a common phrase would take seconds.
        op.execute(
            "ALTER TABLE sections ADD COLUMN search tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED"
        )
        op.execute("CREATE INDEX ix_sections_search ON sections USING gin (search)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE sections_fts")  # its triggers go with the sections table
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_sections_search")
        op.execute("ALTER TABLE sections DROP COLUMN search")
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index("ix_sections_report")

    op.drop_table("sections")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_report")
        batch_op.drop_index("ix_findings_code")

    op.drop_table("findings")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_run")

    op.drop_table("changes")
    with op.batch_alter_table("cells", schema=None) as batch_op:
        batch_op.drop_index("ix_cells_name")

    op.drop_table("cells")
    with op.batch_alter_table("roster", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_year")

    op.drop_table("roster")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_year")
        batch_op.drop_index("ix_reports_body_year")

    op.drop_table("reports")
    op.drop_table("failures")
    with op.batch_alter_table("body_names", schema=None) as batch_op:
        batch_op.drop_index("ix_body_names_body")

    op.drop_table("body_names")
    op.drop_table("runs")
    op.drop_table("files")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_index("ix_bodies_region")
        batch_op.drop_index("ix_bodies_parent")

    op.drop_table("bodies")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_target")

    op.drop_table("audit")
