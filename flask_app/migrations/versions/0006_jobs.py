"""Publication jobs: an approval asks for a publication, the one publisher runs it.

Revision ID: 0006_jobs
Revises: 0004_mail
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_jobs"
down_revision = "0005_hostile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the publication job table."""
    op.create_table(
        "publication_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=120), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_publication_jobs_status", "publication_jobs", ["status"], unique=False)
    op.create_index("ix_publication_jobs_submission_id", "publication_jobs", ["submission_id"], unique=False)


def downgrade() -> None:
    """Drop the publication job table."""
    op.drop_index("ix_publication_jobs_submission_id", table_name="publication_jobs")
    op.drop_index("ix_publication_jobs_status", table_name="publication_jobs")
    op.drop_table("publication_jobs")
