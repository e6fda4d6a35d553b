"""The coordinator's side of team links: make, show once with its QR code, revoke; records."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from flask import (
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
from web.field import bp, operations, records, stream
from web.field.tokens import is_live
from web.links import external_url
from web.scope import community, editor
from web.storage import frames
from web.storage.models import Community, TeamLink, VisitRecord

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
        settings=operations.settings_of(session, community),
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
    link_request = operations.LinkRequest.parse(request.form)
    token, link = operations.make_link(get_session(), community(), link_request)
    url = external_url("team_phone.phone", token=token)
    new = {"team": link.team_id, "url": url, "qr": qr_svg(url), "link": link, "token": token}
    response = make_response(_page(community(), new))
    # The raw token is on this page: no browser or proxy cache may keep it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/links/<int:link_id>/revoke")
@editor
def revoke_link(link_id: int) -> Response:
    """Revoke a team link at once."""
    operations.revoke_link(get_session(), community(), link_id)
    flash(_("链接已作废"), "info")
    return redirect(url_for(".manage"))


@bp.post("/settings")
@editor
def privacy() -> Response:
    """Whether team pages show phones and requests of this community."""
    operations.set_privacy(get_session(), community(), operations.Privacy.parse(request.form))
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
    after = stream.resume_point(request.headers.get("Last-Event-ID"), request.args.get("after"))
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
