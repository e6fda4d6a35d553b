"""Community-scoped blueprints: the community of a URL loaded and checked once per request.

A blueprint made by ``community_blueprint`` has ``/communities/<int:community_id>`` at the
front of its URLs. Before any of its views runs, the user must be logged in and hold a role
in that community (``web.auth.access.community_for``); the community is then ``g.community``
and the role ``g.role``. Views that change something carry ``@editor``. Views never take
``community_id``: ``url_for`` fills it in from ``g.community`` within the same community.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from flask import Blueprint, abort, current_app, g, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.access import community_for, may_edit
from web.extensions import login_manager
from web.storage.models import Community

COMMUNITY_URL = "/communities/<int:community_id>"

P = ParamSpec("P")
R = TypeVar("R")

# Each community blueprint's home page (its endpoint), where a refused form returns.
_HOMES: dict[str, str] = {}


def community_blueprint(
    name: str, import_name: str, path: str = "", home: str | None = "show"
) -> Blueprint:
    """A blueprint whose URLs start with ``/communities/<int:community_id>`` + ``path``.

    Parameters
    ----------
    name, import_name
        As for ``flask.Blueprint``.
    path
        What follows the community in every URL of the blueprint, e.g. ``"/patrols"``.
    home
        The view (of this blueprint, taking no arguments) a refused form returns to.
    """
    bp = Blueprint(name, import_name, url_prefix=COMMUNITY_URL + path)
    if home is not None:
        _HOMES[name] = f"{name}.{home}"
    bp.url_value_preprocessor(_take_community_id)
    bp.before_request(_load_community)
    bp.url_defaults(_give_community_id)
    return bp


def _take_community_id(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values is not None and "community_id" in values:
        g.community_id = values.pop("community_id")


def _load_community() -> Response | None:
    """Log-in first, then the role check: 403 without a role, 404 for a missing community."""
    if not current_user.is_authenticated:
        answer: Response = login_manager.unauthorized()
        return answer
    g.community = community_for(g.community_id)
    return None


def _give_community_id(endpoint: str, values: dict[str, Any]) -> None:
    if (
        "community_id" not in values
        and "community" in g
        and current_app.url_map.is_endpoint_expecting(endpoint, "community_id")
    ):
        values["community_id"] = g.community.id


def home_url() -> str | None:
    """The home page of this request's community blueprint, if it has one."""
    endpoint = _HOMES.get(request.blueprint or "")
    if endpoint is None or "community" not in g:
        return None
    return url_for(endpoint)


def community() -> Community:
    """The community of this request's URL (set before the view runs)."""
    found: Community = g.community
    return found


def editor(view: Callable[P, R]) -> Callable[P, R]:
    """Let only the community's coordinators and admins through; anyone else gets 403."""

    @wraps(view)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        if not may_edit():
            abort(403)
        return view(*args, **kwargs)

    return checked
