"""Every account and submission belongs to a Pokja region ("00" national, a province or a district).

Revision ID: 0003_regions
Revises: 0001
Create Date: 2026-12-01

Existing accounts and submissions become national ("00"): they keep seeing and doing what they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_regions"
down_revision = "0001"
branch_labels = None
depends_on = None


def _has_column(table: str, column: str) -> bool:
    return column in {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    """Add the region columns (national for every existing row)."""
    # A database that create_all made from today's models (stamped at 0001) has them already.
    if not _has_column("users", "region"):
        with op.batch_alter_table("users") as batch:
            batch.add_column(sa.Column("region", sa.String(length=8), server_default="00", nullable=False))
    if not _has_column("submissions", "region"):
        with op.batch_alter_table("submissions") as batch:
            batch.add_column(sa.Column("region", sa.String(length=8), server_default="00", nullable=False))
            batch.create_index("ix_submissions_region", ["region"], unique=False)


def downgrade() -> None:
    """Drop the region columns."""
    with op.batch_alter_table("submissions") as batch:
        batch.drop_index("ix_submissions_region")
        batch.drop_column("region")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("region")
