"""Routes a team's phone opens by its link ``/t/<token>``: page, map, stops, visits, GPX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import shapely
from flask import abort, current_app, g, jsonify, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.db import get_session
from web.field import bp, records
from web.field.phone_map import route_map
from web.field.routes import RouteOptions, ensure, stops_of
from web.field.tokens import RateLimiter, install_log_redaction, resolve, token_hash
from web.models import Community, FieldPath, FieldSettings, FieldStop, Household, TeamLink
from web.plans import latest_plan
from web.tiles import tiles

_LIMITER = "redvest.field_limiter"
SW = Path(__file__).resolve().parent.parent / "static" / "field-sw.js"


@bp.record_once
def _setup(state: Any) -> None:
    from web.extensions import csrf

    app = state.app
    # The token in the path is the credential; no cookie rides along, so no CSRF.
    csrf.exempt(bp)
    app.extensions[_LIMITER] = RateLimiter(
        float(app.config.get("FIELD_RATE_PER_S", 10.0)), float(app.config.get("FIELD_BURST", 60))
    )
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


@bp.after_request
def _headers(response: Response) -> Response:
    # Tile servers and other sites must not learn the token from a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "private, no-cache")
    return response


def _route(link: TeamLink) -> tuple[Community, FieldPath | None, list[FieldStop]]:
    session = get_session()
    community = session.get(Community, link.community_id)
    if community is None:
        abort(404)
    plan = latest_plan(session, community, published=True)
    if plan is None:
        return community, None, []
    options = RouteOptions(
        current_app.config.get("FIELD_ROUTE_SOLVER", "visits"),
        float(current_app.config.get("FIELD_ROUTE_TIME_LIMIT_S", 2.0)),
    )
    path = ensure(session, community, plan, link.team_id, options)
    return community, path, stops_of(session, plan.id, link.team_id)


def _settings(community_id: int) -> FieldSettings:
    found = get_session().scalar(
        select(FieldSettings).where(FieldSettings.community_id == community_id)
    )
    return found or FieldSettings(community_id=community_id, show_phone=False, show_requests=False)


@bp.get("/t/sw.js")
def service_worker() -> Response:
    """The service worker of the team pages (scope /t/)."""
    response = Response(SW.read_text(encoding="utf-8"), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/t/<token>")
def phone(token: str) -> str:
    """The team's page: route map and the list grouped by building and floor."""
    link = _link(token)
    community, path, stops = _route(link)
    done = records.latest_by_household(get_session(), community.id, link.team_id)
    return render_template(
        "field/phone.html",
        team=link.team_id,
        community=community,
        stops=stops,
        done=done,
        base=request.path,
        has_route=path is not None,
    )


@bp.get("/t/<token>/map")
def map_page(token: str) -> str:
    """The folium route map (embedded in the phone page)."""
    link = _link(token)
    _, path, stops = _route(link)
    line = shapely.from_wkb(path.path_wkb) if path is not None else shapely.LineString()
    provider = tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    return route_map(stops, line, provider, lambda p: url_for("static", filename=p))


@bp.get("/t/<token>/api/stops")
def api_stops(token: str) -> Response:
    """The team's stops in order with their latest record; contacts only if allowed."""
    link = _link(token)
    community, _, stops = _route(link)
    done = records.latest_by_household(get_session(), community.id, link.team_id)
    settings = _settings(community.id)
    contacts = _contacts(community.id, [s.household_id for s in stops], settings)
    return jsonify(
        {
            "team": link.team_id,
            "stops": [_stop_json(s, done, contacts) for s in stops],
            "shows": {"phone": settings.show_phone, "requests": settings.show_requests},
        }
    )


def _contacts(
    community_id: int, household_ids: list[str], settings: FieldSettings
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
    stop: FieldStop, done: dict[str, Any], contacts: dict[str, dict[str, str]]
) -> dict[str, Any]:
    record = done.get(stop.household_id)
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
        "status": record.status if record is not None else None,
    }
    out.update(contacts.get(stop.household_id, {}))
    return out


@bp.post("/t/<token>/api/visits")
def api_visit(token: str) -> tuple[Response, int]:
    """Record a visit (201; 200 when its key was already stored)."""
    link = _link(token)
    try:
        visit = records.VisitInput.parse(request.get_json(silent=True) or {})
        record, new = records.save(get_session(), link, visit)
    except ValueError as error:
        return jsonify({"error": str(error)}), 400
    except LookupError:
        return jsonify({"error": "not a stop of this team"}), 403
    body = {"id": record.id, "key": record.key, "status": record.status}
    return jsonify(body), 201 if new else 200


@bp.get("/t/<token>/route.gpx")
def gpx(token: str) -> Response:
    """The route as GPX for offline map apps (no personal data)."""
    link = _link(token)
    _, path, _ = _route(link)
    if path is None:
        abort(404, "no published route yet")
    return Response(
        path.gpx,
        mimetype="application/gpx+xml",
        headers={"Content-Disposition": 'attachment; filename="route.gpx"'},
    )
