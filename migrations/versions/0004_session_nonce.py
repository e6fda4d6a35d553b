"""a session nonce per user: log-out and a password change end the account's sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.add_column(
        "app_user",
        sa.Column("session_nonce", sa.String(length=32), nullable=False, server_default=""),
    )
    # Each existing account gets its own nonce; cookies made before the upgrade carry
    # no nonce and are refused (their users log in again).
    users = sa.table("app_user", sa.column("id", sa.Integer), sa.column("session_nonce"))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(
            users.update().where(users.c.id == user_id).values(session_nonce=secrets.token_hex(16))
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("session_nonce")
