"""Routes of the community pages: parse, call one function, render."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from web import store
from web.community import bp
from web.community.overview import floor_breakdown, overview
from web.db import get_session
from web.models import Community


@bp.get("/")
def index() -> Response | str:
    """Open the first community, or say how to import one."""
    community = store.find_community(get_session(), None)
    if community is None:
        return render_template("community/empty.html")
    return redirect(url_for("community.show", community_id=community.id))


@bp.get("/communities/<int:community_id>")
def show(community_id: int) -> str:
    """The community page: counts, buildings, teams."""
    session = get_session()
    community = session.get(Community, community_id) or abort(404)
    return render_template("community/show.html", o=overview(session, community))


@bp.get("/communities/<int:community_id>/buildings/<building_id>")
def building(community_id: int, building_id: str) -> str:
    """One building: its units floor by floor."""
    session = get_session()
    community = session.get(Community, community_id) or abort(404)
    buildings = store.load_buildings(session, community)
    match = buildings[buildings["building_id"] == building_id]
    if match.empty:
        abort(404)
    households = store.load_households(session, community)
    return render_template(
        "community/building.html",
        community=community,
        b=match.iloc[0],
        floors=floor_breakdown(households, building_id),
    )
