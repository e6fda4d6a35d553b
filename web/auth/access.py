"""Who may open what: the role check behind every community URL (``web.scope``) and job."""

from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from web.auth.users import role_in
from web.db import get_session
from web.storage.models import Community, User

EDITORS = ("admin", "coordinator")


def user() -> User:
    """The logged-in user (views run behind ``login_required``)."""
    found: User = current_user._get_current_object()
    return found


def community_for(community_id: int, *, edit: bool = False) -> Community:
    """The community if the current user may read it (or edit it); else 404 or 403.

    A community the user has no role in answers 403 whether or not it exists, so
    ids cannot be probed.
    """
    session = get_session()
    role = role_in(session, user(), community_id)
    if role is None:
        abort(403)
    if edit and role not in EDITORS:
        abort(403)
    community = session.get(Community, community_id)
    if community is None:
        abort(404)
    g.role = role
    return community


def may_edit() -> bool:
    """Whether the current user edits the community of this request."""
    return g.get("role") in EDITORS


def sees_personal() -> bool:
    """Whether names, phones and requests may be shown (coordinators and admins only)."""
    return may_edit()
