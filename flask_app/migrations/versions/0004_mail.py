"""Mail: the outbox, mail preferences, document follows and password-reset requests.

Revision ID: 0004_mail
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_mail"
down_revision = "0003_regions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the mail tables."""
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_outbox_created_at", "mail_outbox", ["created_at"], unique=False)
    op.create_index("ix_mail_outbox_recipient", "mail_outbox", ["recipient"], unique=False)
    op.create_index("ix_mail_outbox_status", "mail_outbox", ["status"], unique=False)
    op.create_table(
        "mail_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("notifications", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "document_follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("doc_path", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "doc_path"),
    )
    op.create_index("ix_document_follows_user_id", "document_follows", ["user_id"], unique=False)
    op.create_table(
        "password_reset_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_password_reset_requests_email", "password_reset_requests", ["email"], unique=False)


def downgrade() -> None:
    """Drop the mail tables."""
    op.drop_index("ix_password_reset_requests_email", table_name="password_reset_requests")
    op.drop_table("password_reset_requests")
    op.drop_index("ix_document_follows_user_id", table_name="document_follows")
    op.drop_table("document_follows")
    op.drop_table("mail_preferences")
    op.drop_index("ix_mail_outbox_status", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_recipient", table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_created_at", table_name="mail_outbox")
    op.drop_table("mail_outbox")
