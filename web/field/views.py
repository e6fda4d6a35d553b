"""Routes a team's phone opens by its link ``/t/<token>``: page, map, stops, visits, GPX."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from flask import abort, current_app, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import and_, bindparam, select
from werkzeug.wrappers import Response

from web.db import get_session
from web.field import bp, phone_bp, records
from web.field.cache import Bounded
from web.field.phone_map import route_map
from web.field.routes import ensure, stops_of
from web.field.tasks import route_options
from web.field.tokens import RateLimiter, install_log_redaction, resolve, token_hash
from web.headers import csp_nonce
from web.plans import PUBLICATION_ORDER
from web.schema import json_body
from web.storage.models import (
    Community,
    FieldPath,
    FieldSettings,
    Household,
    TeamLink,
    TerritoryPlanRecord,
)
from web.tiles import tiles

_LIMITER = "redvest.field_limiter"
# Stops of a stored route, and the rendered stop list per route and statuses: a few MB
# at most for a sub-district's teams. One pair per app: ids are its database's.
_STOPS = "redvest.field_stops"
_LISTS = "redvest.field_lists"
CACHED = 2048
SW = Path(__file__).resolve().parent.parent / "static" / "field-sw.js"


@phone_bp.record_once
def _setup(state: Any) -> None:
    from web.extensions import csrf

    app = state.app
    # On the phone's one POST the token in the path is the credential and no cookie
    # rides along, so no CSRF token; the coordinator's forms (``bp``) keep it.
    csrf.exempt("web.field.views.api_visit")
    app.extensions[_LIMITER] = RateLimiter(
        float(app.config.get("FIELD_RATE_PER_S", 10.0)), float(app.config.get("FIELD_BURST", 60))
    )
    app.extensions[_STOPS] = Bounded[tuple[Any, ...]](CACHED)
    app.extensions[_LISTS] = Bounded[Markup](CACHED)
    install_log_redaction()


def _link(token: str) -> TeamLink:
    """The live link of the token (else 404), within the client's rate limit (else 429)."""
    limiter: RateLimiter = current_app.extensions[_LIMITER]
    if not limiter.allow(f"{token_hash(token)}|{request.remote_addr}"):
        abort(429, "too many requests; wait a moment")
    link = resolve(get_session(), token)
    if link is None:
        abort(404, "this link is not valid (unknown, revoked or expired)")
    g.field_link = link
    return link


@phone_bp.after_request
@bp.after_request
def _headers(response: Response) -> Response:
    # Tile servers and other sites must not learn the token from a Referer header (the
    # coordinator's page shows a new link's token once).
    # (No cache may keep these pages: web.headers says no-store; the service worker keeps
    # the team's copy for offline use.)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@dataclass(frozen=True)
class _Route:
    """What a team's link shows: its stored route's stops and what may be shown."""

    path_id: int | None
    stops: Sequence[Any]
    show_phone: bool = False
    show_requests: bool = False


# Built once: constructing a statement costs about as much as running it on SQLite.
_NEWEST_ROUTE = (
    select(
        TerritoryPlanRecord.id,
        FieldPath.id,
        FieldSettings.show_phone,
        FieldSettings.show_requests,
    )
    .outerjoin(
        FieldPath,
        and_(FieldPath.plan_id == TerritoryPlanRecord.id, FieldPath.team_id == bindparam("team")),
    )
    .outerjoin(FieldSettings, FieldSettings.community_id == TerritoryPlanRecord.community_id)
    .where(
        TerritoryPlanRecord.community_id == bindparam("community"),
        TerritoryPlanRecord.published_at.is_not(None),
    )
    .order_by(*PUBLICATION_ORDER)
    .limit(1)
)


def _route(link: TeamLink) -> _Route:
    """The team's stored route for the plan published last (none before a plan is
    published) and the community's privacy switches: two indexed reads at most."""
    found = (
        get_session()
        .execute(_NEWEST_ROUTE, {"team": link.team_id, "community": link.community_id})
        .first()
    )
    if found is None:
        return _Route(None, ())
    plan_id, path_id, phone, requests = found
    if path_id is None:  # published moments ago: the route job has not reached this team
        path_id = _compute_now(link, plan_id)
    # A stored route never changes under its id (a new plan gets new rows), so its
    # stops are read once per app rather than at every page and stop-list load.
    cache: Bounded[tuple[Any, ...]] = current_app.extensions[_STOPS]
    stops = cache.get(
        (plan_id, link.team_id, path_id), lambda: stops_of(get_session(), plan_id, link.team_id)
    )
    return _Route(path_id, stops, bool(phone), bool(requests))


def _compute_now(link: TeamLink, plan_id: int) -> int:
    session = get_session()
    community = session.get(Community, link.community_id)
    plan = session.get(TerritoryPlanRecord, plan_id)
    assert community is not None and plan is not None
    return ensure(session, community, plan, link.team_id, route_options(current_app.config)).id


def _path(path_id: int | None) -> FieldPath | None:
    return None if path_id is None else get_session().get(FieldPath, path_id)


@phone_bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker of the team pages (scope /t/)."""
    response = Response(SW.read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@phone_bp.get("/<token>")
def phone(token: str) -> str:
    """The team's page: route map and the list grouped by building and floor."""
    link = _link(token)
    route = _route(link)
    path, stops = route.path_id, route.stops
    community = get_session().get(Community, link.community_id)
    done = records.latest_status(get_session(), link.community_id, link.team_id)
    statuses = tuple(done.get(s.household_id) for s in stops)
    lists: Bounded[Markup] = current_app.extensions[_LISTS]
    stop_list = lists.get(
        (path, statuses, str(get_locale())),
        lambda: Markup(render_template("field/_stops.html", stops=stops, done=done)),
    )
    return render_template(
        "field/phone.html",
        team=link.team_id,
        community=community,
        stop_list=stop_list,
        base=request.path,
        has_route=path is not None,
    )


@phone_bp.get("/<token>/map")
def map_page(token: str) -> str:
    """The folium route map (embedded in the phone page)."""
    link = _link(token)
    route = _route(link)
    path, stops = _path(route.path_id), route.stops
    line = shapely.from_wkb(path.path_wkb) if path is not None else shapely.LineString()
    provider = tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    return route_map(
        stops, line, provider, lambda p: url_for("static", filename=p), nonce=csp_nonce()
    )


@phone_bp.get("/<token>/api/stops")
def api_stops(token: str) -> Response:
    """The team's stops in order with their latest record; contacts only if allowed."""
    link = _link(token)
    route = _route(link)
    done = records.latest_status(get_session(), link.community_id, link.team_id)
    contacts = _contacts(link.community_id, [s.household_id for s in route.stops], route)
    return jsonify(
        {
            "team": link.team_id,
            "stops": [_stop_json(s, done, contacts) for s in route.stops],
            "shows": {"phone": route.show_phone, "requests": route.show_requests},
        }
    )


def _contacts(
    community_id: int, household_ids: list[str], settings: _Route
) -> dict[str, dict[str, str]]:
    if not (settings.show_phone or settings.show_requests) or not household_ids:
        return {}
    rows = (
        get_session()
        .execute(
            select(Household.household_id, Household.phone, Household.requests).where(
                Household.community_id == community_id, Household.household_id.in_(household_ids)
            )
        )
        .all()
    )
    return {
        h: {
            "phone": p if settings.show_phone else "",
            "requests": r if settings.show_requests else "",
        }
        for h, p, r in rows
    }


def _stop_json(
    stop: Any, done: dict[str, str], contacts: dict[str, dict[str, str]]
) -> dict[str, Any]:
    out = {
        "id": stop.id,
        "session": stop.session,
        "seq": stop.seq,
        "building_id": stop.building_id,
        "label": stop.label,
        "floor": stop.floor,
        "unit": stop.unit,
        "lon": stop.lon,
        "lat": stop.lat,
        "arrival": stop.arrival,
        "status": done.get(stop.household_id),
    }
    out.update(contacts.get(stop.household_id, {}))
    return out


@phone_bp.post("/<token>/api/visits")
def api_visit(token: str) -> tuple[Response, int]:
    """Record a visit (201; 200 when its key was already stored)."""
    link = _link(token)
    visit = records.VisitInput.parse(json_body())
    record, new = records.save(get_session(), link, visit)
    body = {"id": record.id, "key": record.key, "status": record.status}
    return jsonify(body), 201 if new else 200


@phone_bp.get("/<token>/route.gpx")
def gpx(token: str) -> Response:
    """The route as GPX for offline map apps (no personal data)."""
    link = _link(token)
    path = _path(_route(link).path_id)
    if path is None:
        abort(404, "no published route yet")
    return Response(
        path.gpx,
        mimetype="application/gpx+xml",
        headers={"Content-Disposition": 'attachment; filename="route.gpx"'},
    )
