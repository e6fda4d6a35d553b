"""Routes of the teams page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from web.auth.access import community_for, sees_personal
from web.db import get_session
from web.teams import bp, service


@bp.before_request
@login_required
def _logged_in() -> None:
    """Every teams page needs a logged-in user."""


@bp.get("/communities/<int:community_id>/teams")
def show(community_id: int) -> str:
    """Teams and their members; names and phones only for coordinators."""
    community = community_for(community_id)
    teams, loose = service.roster(get_session(), community)
    return render_template(
        "teams/show.html",
        community=community,
        teams=teams,
        loose=loose,
        personal=sees_personal(),
    )


@bp.post("/communities/<int:community_id>/teams/form")
def form(community_id: int) -> Response:
    """Replace the teams by automatically formed teams of three."""
    community = community_for(community_id, edit=True)
    try:
        formed = service.form_automatically(get_session(), community)
    except ValueError as error:
        flash(str(error), "error")
    else:
        flash(_("已自动编成 %(n)d 支队伍", n=formed.teams), "info")
    return redirect(url_for(".show", community_id=community.id))


@bp.post("/communities/<int:community_id>/volunteers/<int:member_id>/team")
def move(community_id: int, member_id: int) -> Response:
    """Move one volunteer to another team."""
    community = community_for(community_id, edit=True)
    try:
        service.move_member(get_session(), community, member_id, request.form.get("team_id", ""))
    except LookupError:
        abort(404)
    except ValueError as error:
        flash(str(error), "error")
    return redirect(url_for(".show", community_id=community.id))
