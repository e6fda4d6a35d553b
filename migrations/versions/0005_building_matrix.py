"""the community's building matrix, stored by `redvest matrix` and the planners

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "building_matrix",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("building_ids", sa.Text(), nullable=False),
        sa.Column("distance_m", sa.LargeBinary(), nullable=False),
        sa.Column("time_s", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("building_matrix")
