"""the request ledger (台账) and added calendar years

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("received", sa.Date(), nullable=False),
        sa.Column("applicant_type", sa.String(length=40), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=True),
        sa.Column("applicant_contact", sa.String(length=400), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("answered", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "ref", name="uq_ledger_requests_ref"),
    )
    op.create_index(
        "ix_ledger_requests_received", "ledger_requests", ["body_id", "received"], unique=False
    )
    op.create_index(
        "ix_ledger_requests_answered", "ledger_requests", ["body_id", "answered"], unique=False
    )
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("approver", sa.String(length=100), nullable=True),
        sa.Column("third_party", sa.Boolean(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["ledger_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_ledger_events_request", "ledger_events", ["request_id", "day"], unique=False
    )
    op.create_table(
        "ledger_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("filed", sa.Date(), nullable=False),
        sa.Column("decided", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["ledger_requests.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ledger_cases_request", "ledger_cases", ["request_id"], unique=False)
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("notice", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("calendar_days")
    op.drop_index("ix_ledger_cases_request", table_name="ledger_cases")
    op.drop_table("ledger_cases")
    op.drop_index("ix_ledger_events_request", table_name="ledger_events")
    op.drop_table("ledger_events")
    op.drop_index("ix_ledger_requests_answered", table_name="ledger_requests")
    op.drop_index("ix_ledger_requests_received", table_name="ledger_requests")
    op.drop_table("ledger_requests")
