"""Edit proposals: the kind of a submission, the file it edits, its base revision and texts.

Revision ID: 0007_wiki
Revises: 0004_mail
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_wiki"
down_revision = "0006_jobs"
branch_labels = None
depends_on = None


def _has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    """Add the edit columns to submissions (existing rows are new documents)."""
    # A database that create_all made from today's models (stamped at 0001) has them already.
    if _has_column("submissions", "kind"):
        return
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), server_default="baru", nullable=False))
        batch.add_column(sa.Column("target_path", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("base_revision", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("base_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("proposed_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("conflict_text", sa.Text(), nullable=True))
        batch.create_index("ix_submissions_target_path", ["target_path"], unique=False)


def downgrade() -> None:
    """Drop the edit columns."""
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_target_path")
        for column in ("conflict_text", "proposed_text", "base_text", "base_revision", "target_path", "kind"):
            batch.drop_column(column)
