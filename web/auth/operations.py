"""Operations on accounts: add a user with a role in a community. Flask-free."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from web.auth.users import ROLES, create_user, grant
from web.storage import frames
from web.storage.models import User


@dataclass(frozen=True)
class AccountRequest:
    """A new account: an admin, or a user with ``role`` in ``community`` (or no role yet)."""

    username: str
    password: str
    admin: bool = False
    community: str | None = None
    role: str = "coordinator"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, got {self.role!r}")

    def describe(self) -> str:
        """What the account may do, in words: ``admin``, ``viewer of X``, ``no role yet``."""
        if self.admin:
            return "admin"
        return f"{self.role} of {self.community}" if self.community else "no role yet"


def create_account(session: Session, request: AccountRequest) -> User:
    """Add the user (and its role, the community added when new); committed.

    Raises
    ------
    ValueError
        A taken or unfit username, a weak password, an unknown role: nothing is stored.
    """
    try:
        user = create_user(session, request.username, request.password, admin=request.admin)
        if request.community:
            community = frames.get_or_create_community(session, request.community)
            grant(session, user, community, request.role)
    except ValueError:
        session.rollback()
        raise
    session.commit()
    return user
