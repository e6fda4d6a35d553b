"""team links, field routes, visit records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "team_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=False),
        sa.Column("revoked_at", _TZ, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_team_link_community_id", "team_link", ["community_id"])
    op.create_table(
        "field_stop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("territory_plan.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("session", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("arrival", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_field_stop_community_id", "field_stop", ["community_id"])
    op.create_index("ix_field_stop_plan_id", "field_stop", ["plan_id"])
    op.create_table(
        "field_path",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("territory_plan.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("solver", sa.String(length=16), nullable=False),
        sa.Column("path_wkb", sa.LargeBinary(), nullable=False),
        sa.Column("gpx", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "team_id"),
    )
    op.create_index("ix_field_path_plan_id", "field_path", ["plan_id"])
    op.create_table(
        "visit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rented", sa.Boolean(), nullable=True),
        sa.Column("residents", sa.Integer(), nullable=True),
        sa.Column("since", sa.String(length=10), nullable=False),
        sa.Column("vulnerable", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.Text(), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_visit_record_community_id", "visit_record", ["community_id"])
    op.create_table(
        "field_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), sa.ForeignKey("community.id"), nullable=False),
        sa.Column("show_phone", sa.Boolean(), nullable=False),
        sa.Column("show_requests", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("field_settings")
    op.drop_table("visit_record")
    op.drop_table("field_path")
    op.drop_table("field_stop")
    op.drop_table("team_link")
