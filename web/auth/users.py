"""Accounts and roles: create users, check passwords, grant a role in a community."""

from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from web.ids import MAX_ID
from web.storage.models import Community, Membership, User, new_session_nonce

ROLES = ("coordinator", "viewer")
MIN_PASSWORD = 12
MIN_DISTINCT = 5
# A phrase this long needs no digits or signs.
PASSPHRASE = 20
# The most used passwords of at least MIN_PASSWORD characters (from the public breach
# lists); longer lists belong to a password manager, not here.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "administrator",
        "iloveyou1234",
        "password1234",
        "password12345",
        "password123!",
        "passwordpassword",
        "qwerty123456",
        "qwertyuiop12",
        "qwertyuiop123",
        "qwertyuiopasdfgh",
        "welcome12345",
        "woaini1314520",
        "zaq12wsxcde3",
    }
)


def password_problem(username: str, password: str) -> str | None:
    """Why ``password`` is too weak for an account named ``username``, else None.

    The rule: at least ``MIN_PASSWORD`` characters, ``MIN_DISTINCT`` different ones,
    letters together with digits or other characters (unless ``PASSPHRASE`` long), not
    the user name (nor starting with it) and not one of ``COMMON_PASSWORDS``.
    """
    folded, name = password.casefold(), username.strip().casefold()
    if len(password) < MIN_PASSWORD:
        return f"the password must have at least {MIN_PASSWORD} characters"
    if len(set(password)) < MIN_DISTINCT:
        return f"the password must have at least {MIN_DISTINCT} different characters"
    letters = any(c.isalpha() for c in password)
    others = any(not c.isalpha() for c in password)
    if not (letters and others) and len(password) < PASSPHRASE:
        return (
            "the password must mix letters with digits or other characters"
            f" (or be a phrase of at least {PASSPHRASE} characters)"
        )
    if name and folded.startswith(name):
        return "the password must not be (or start with) the user name"
    if folded in COMMON_PASSWORDS:
        return "the password is one of the most common ones: choose another"
    return None


def _check_password(username: str, password: str) -> None:
    problem = password_problem(username, password)
    if problem is not None:
        raise ValueError(problem)


def create_user(session: Session, username: str, password: str, *, admin: bool = False) -> User:
    """Add a user with a hashed password (the caller commits).

    Raises
    ------
    ValueError
        When the name is taken or empty, or the password too weak (``password_problem``).
    """
    username = username.strip()
    if not username:
        raise ValueError("the user name must not be empty")
    _check_password(username, password)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ValueError(f"user {username!r} exists already")
    user = User(username=username, password_hash=generate_password_hash(password), is_admin=admin)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Replace ``user``'s password and end every session of the account (the caller
    commits): a cookie made before the change is refused."""
    _check_password(user.username, password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)


def end_sessions(user: User) -> None:
    """Refuse every session cookie of ``user`` made so far (the caller commits)."""
    user.session_nonce = new_session_nonce()


@cache
def _dummy_hash() -> str:
    # Made with the same method and cost as real hashes, so checking against it takes
    # as long as checking a real password.
    return generate_password_hash(secrets.token_hex(16))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the name and password match, else None.

    An unknown name is checked against a dummy hash, so the answer takes as long as for
    a known name: its timing tells nothing about which accounts exist.
    """
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    return user


def session_user(session: Session, user_id: str) -> User | None:
    """The user of a session cookie's ``<id>:<nonce>``, None when the account is gone or
    the nonce is stale (logged out, password changed since the cookie was made)."""
    number, _, nonce = user_id.partition(":")
    if not (number.isdigit() and int(number) <= MAX_ID and nonce):
        return None
    user = session.get(User, int(number))
    if user is None or not secrets.compare_digest(user.session_nonce, nonce):
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
