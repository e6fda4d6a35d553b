"""Accounts and roles: create users, check passwords, grant a role in a community."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from web.models import Community, Membership, User

ROLES = ("coordinator", "viewer")
MIN_PASSWORD = 8


def create_user(session: Session, username: str, password: str, *, admin: bool = False) -> User:
    """Add a user with a hashed password (the caller commits).

    Raises
    ------
    ValueError
        When the name is taken or empty, or the password shorter than ``MIN_PASSWORD``.
    """
    username = username.strip()
    if not username:
        raise ValueError("the user name must not be empty")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"user {username!r} exists already")
    user = User(username=username, password_hash=generate_password_hash(password), is_admin=admin)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Replace ``user``'s password (the caller commits)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    user.password_hash = generate_password_hash(password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the name and password match, else None."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def grant(session: Session, user: User, community: Community, role: str) -> None:
    """Give ``user`` the ``role`` (coordinator or viewer) in ``community``."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    )
    if membership is None:
        session.add(Membership(user_id=user.id, community_id=community.id, role=role))
    else:
        membership.role = role
    session.flush()


def role_in(session: Session, user: User, community_id: int) -> str | None:
    """``admin``, ``coordinator``, ``viewer`` or None: what ``user`` may do in a community."""
    if user.is_admin:
        return "admin"
    return session.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.community_id == community_id
        )
    )


def communities_of(session: Session, user: User) -> list[Community]:
    """The communities ``user`` may open, by name."""
    query = select(Community).order_by(Community.name)
    if not user.is_admin:
        query = query.join(Membership, Membership.community_id == Community.id).where(
            Membership.user_id == user.id
        )
    return list(session.scalars(query))
