"""The coordinator's side of team links: make, show once with its QR code, revoke; records."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from web.auth.access import may_edit
from web.db import get_session, sessions
from web.field import bp, records, stream
from web.field.tokens import create_link, is_live, revoke
from web.links import external_url
from web.scope import community, editor
from web.storage import frames
from web.storage.models import Community, FieldSettings, TeamLink, VisitRecord

_STREAMS = "redvest.field_streams"


@bp.record_once
def _count_streams(state: Any) -> None:
    state.app.extensions[_STREAMS] = stream.Slots()


def qr_svg(text: str) -> Markup:
    """``text`` as an inline SVG QR code (medium error correction, survives a crease)."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode("utf-8")
    return Markup(svg[svg.index("<svg") :])


def settings_of(community: Community) -> FieldSettings:
    """The community's field settings, created (all hidden) when missing."""
    session = get_session()
    found = session.scalar(select(FieldSettings).where(FieldSettings.community_id == community.id))
    if found is None:
        found = FieldSettings(community_id=community.id, show_phone=False, show_requests=False)
        session.add(found)
        session.flush()
    return found


def _page(community: Community, new: dict[str, Any] | None = None) -> str:
    session = get_session()
    links = session.scalars(
        select(TeamLink).where(TeamLink.community_id == community.id).order_by(TeamLink.id.desc())
    ).all()
    return render_template(
        "field/manage.html",
        community=community,
        links=links,
        new=new,
        is_live=is_live,
        teams=frames.load_team_ids(session, community),
        settings=settings_of(community),
        editor=may_edit(),
        visits=records.recent(session, community.id),
    )


@bp.get("")
def manage() -> str:
    """Team links, privacy switches and the visit records as they arrive."""
    return _page(community())


@bp.post("/links")
@editor
def new_link() -> Response:
    """Make a team link and show it once, with its QR code (the token is not kept)."""
    team = request.form.get("team_id", "")
    if team not in frames.load_team_ids(get_session(), community()):
        abort(400, "unknown team")
    try:
        token, link = create_link(
            get_session(), community(), team, float(request.form.get("days") or 30)
        )
    except ValueError as error:
        abort(400, str(error))
    url = external_url("team_phone.phone", token=token)
    new = {"team": team, "url": url, "qr": qr_svg(url), "link": link, "token": token}
    response = make_response(_page(community(), new))
    # The raw token is on this page: no browser or proxy cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/links/<int:link_id>/revoke")
@editor
def revoke_link(link_id: int) -> Response:
    """Revoke a team link at once."""
    link = get_session().get(TeamLink, link_id)
    if link is None or link.community_id != community().id:
        abort(404)
    revoke(get_session(), link)
    flash(_("链接已作废"), "info")
    return redirect(url_for(".manage"))


@bp.post("/settings")
@editor
def privacy() -> Response:
    """Whether team pages show phones and requests of this community."""
    settings = settings_of(community())
    settings.show_phone = request.form.get("show_phone") == "1"
    settings.show_requests = request.form.get("show_requests") == "1"
    get_session().commit()
    flash(_("已保存"), "info")
    return redirect(url_for(".manage"))


def visit_json(record: VisitRecord) -> dict[str, Any]:
    """A visit record as the API answers it."""
    return {
        "id": record.id,
        "team_id": record.team_id,
        "household_id": record.household_id,
        "status": record.status,
        "rented": record.rented,
        "residents": record.residents,
        "since": record.since,
        "vulnerable": record.vulnerable,
        "requests": record.requests,
        "created_at": record.created_at.isoformat(),
    }


# What only coordinators (and admins) see of a record: who is vulnerable, what they ask.
PERSONAL = ("vulnerable", "requests")


def shown(editor: bool) -> Callable[[VisitRecord], dict[str, Any]]:
    """``visit_json`` as the viewer may see it: ``PERSONAL`` fields for coordinators
    only (empty for viewers), on the page, in its stream and in the API."""

    def render(record: VisitRecord) -> dict[str, Any]:
        row = visit_json(record)
        if not editor:
            row.update(dict.fromkeys(PERSONAL, ""))
        return row

    return render


@bp.get("/stream")
def visit_stream() -> Response:
    """New visit records as Server-Sent Events; a reconnect resends from Last-Event-ID."""
    try:
        after = stream.resume_point(request.headers.get("Last-Event-ID"), request.args.get("after"))
    except ValueError as error:
        abort(400, str(error))
    if after is None:
        after = stream.newest_id(get_session(), community().id)
    body = stream.events(
        sessions(current_app),
        community().id,
        after,
        shown(may_edit()),
        stream.StreamOptions.from_config(current_app.config),
        current_app.extensions[_STREAMS],
    )
    response = Response(body, mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy in front must not hold events back
    return response
