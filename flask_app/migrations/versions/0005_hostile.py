"""Hostile input: upload bookkeeping (quotas, sweep), per-account rate limits, login attempts by client.

Revision ID: 0005_hostile
Revises: 0004_mail
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_hostile"
down_revision = "0004_mail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the upload and rate-limit tables; index login attempts by client and time."""
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stored_name"),
    )
    op.create_index("ix_uploads_owner_id", "uploads", ["owner_id"], unique=False)
    op.create_index("ix_uploads_created_at", "uploads", ["created_at"], unique=False)
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rate_events_user_id", "rate_events", ["user_id"], unique=False)
    op.create_index("ix_rate_events_at", "rate_events", ["at"], unique=False)
    op.create_index("ix_login_failures_ip", "login_failures", ["ip"], unique=False)
    op.create_index("ix_login_failures_at", "login_failures", ["at"], unique=False)


def downgrade() -> None:
    """Drop what upgrade created."""
    op.drop_index("ix_login_failures_at", table_name="login_failures")
    op.drop_index("ix_login_failures_ip", table_name="login_failures")
    op.drop_index("ix_rate_events_at", table_name="rate_events")
    op.drop_index("ix_rate_events_user_id", table_name="rate_events")
    op.drop_table("rate_events")
    op.drop_index("ix_uploads_created_at", table_name="uploads")
    op.drop_index("ix_uploads_owner_id", table_name="uploads")
    op.drop_table("uploads")
