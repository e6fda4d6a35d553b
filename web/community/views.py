"""Routes of the community pages: parse, call one function, render."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from routing.errors import ForbiddenError
from web.auth.access import sees_personal, user
from web.auth.users import communities_of
from web.community import bp, communities_bp
from web.community.maps import buildings_map
from web.community.operations import CommunityRequest, create_community
from web.community.overview import floor_breakdown, overview, shown_plan
from web.db import get_session
from web.headers import csp_nonce
from web.plans import latest_plan, load_assignment
from web.scope import community
from web.storage import frames
from web.territory.maps import plan_map
from web.territory.service import team_ids
from web.tiles import tiles


@communities_bp.before_request
@login_required
def _logged_in() -> None:
    """The list of communities needs a logged-in user (``bp`` checks its own)."""


@communities_bp.get("/")
def index() -> Response | str:
    """Open the user's only community, or list the communities the user may open."""
    communities = communities_of(get_session(), user())
    if len(communities) == 1 and not user().is_admin:
        return redirect(url_for("community.show", community_id=communities[0].id))
    return render_template("community/index.html", communities=communities)


@communities_bp.post("/communities")
def create() -> Response:
    """Add a community (admins only)."""
    if not user().is_admin:
        raise ForbiddenError("only admins add communities")
    created = create_community(get_session(), CommunityRequest(request.form.get("name", "")))
    return redirect(url_for("community.show", community_id=created.id))


@bp.get("")
def show() -> str:
    """The community page: figures, the map, and a page of each of its lists.

    Query parameters: ``q`` searches buildings (id, name) and teams (id, home building);
    ``page`` and ``team_page`` choose the page of each list.
    """
    session = get_session()
    return render_template(
        "community/show.html",
        o=overview(
            session,
            community(),
            query=request.args.get("q", ""),
            building_page=_page_number("page"),
            team_page=_page_number("team_page"),
        ),
        published=latest_plan(session, community(), published=True),
    )


def _page_number(name: str) -> int:
    """A page number from the query string; anything unreadable is the first page."""
    text = request.args.get(name, "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1


@bp.get("/map")
def map_page() -> str:
    """The overview's map page (in an iframe): the shown plan's areas, else the buildings."""
    session = get_session()
    buildings = frames.load_buildings(session, community())
    if buildings.empty:
        abort(404)
    provider = tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    record = shown_plan(session, community())
    if record is None:
        return buildings_map(buildings, provider, _asset, csp_nonce())
    assignment = load_assignment(session, record)
    teams = team_ids(session, community(), record, assignment)
    return plan_map(buildings, assignment, teams, provider, _asset, csp_nonce())


def _asset(path: str) -> str:
    """The URL of a file under ``static/`` (the vendored Leaflet: maps load offline)."""
    return url_for("static", filename=path)


@bp.get("/buildings/<building_id>")
def building(building_id: str) -> str:
    """One building: its units floor by floor (contacts for coordinators only)."""
    session = get_session()
    buildings = frames.load_buildings(session, community())
    match = buildings[buildings["building_id"] == building_id]
    if match.empty:
        abort(404)
    households = frames.load_households(session, community())
    personal = sees_personal()
    contacts = []
    if personal:
        mine = households[households["building_id"] == building_id]
        contacts = mine.sort_values(["floor", "unit"], ascending=[False, True]).to_dict("records")
    return render_template(
        "community/building.html",
        community=community(),
        b=match.iloc[0],
        floors=floor_breakdown(households, building_id),
        contacts=contacts,
    )
