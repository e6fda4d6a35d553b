"""Routes of the teams page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.auth.access import sees_personal
from web.db import get_session
from web.scope import community, editor
from web.teams import bp, operations


@bp.get("/teams")
def show() -> str:
    """Teams and their members; names and phones only for coordinators."""
    teams, loose = operations.roster(get_session(), community())
    return render_template(
        "teams/show.html",
        community=community(),
        teams=teams,
        loose=loose,
        personal=sees_personal(),
    )


@bp.post("/teams/form")
@editor
def form() -> Response:
    """Replace the teams by automatically formed teams of three."""
    formed = operations.form_automatically(get_session(), community())
    flash(_("已自动编成 %(n)d 支队伍", n=formed.teams), "info")
    return redirect(url_for(".show"))


@bp.post("/volunteers/<int:member_id>/team")
@editor
def move(member_id: int) -> Response:
    """Move one volunteer to another team."""
    operations.move_member(get_session(), community(), member_id, request.form.get("team_id", ""))
    return redirect(url_for(".show"))
