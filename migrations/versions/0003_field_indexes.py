"""indexes for the team pages: a team's stops of a plan, a team's latest records

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Every phone request reads its team's stops and latest records: without these two
    # indexes both scan the whole plan and the whole community.
    op.create_index(
        "ix_field_stop_plan_team", "field_stop", ["plan_id", "team_id", "session", "seq"]
    )
    op.create_index(
        "ix_visit_record_team_household",
        "visit_record",
        ["community_id", "team_id", "household_id"],
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_visit_record_team_household", table_name="visit_record")
    op.drop_index("ix_field_stop_plan_team", table_name="field_stop")
