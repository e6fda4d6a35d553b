"""A team's printable route sheet, made while its link's raw token is still at hand."""

from __future__ import annotations

import hmac
import io

from flask import current_app, request, send_file
from werkzeug.wrappers import Response

from routing.errors import ConflictError, ForbiddenError, NotFoundError
from web.db import get_session
from web.field import bp
from web.field.operations import link_of
from web.field.routes import ensure, stops_of
from web.field.tasks import route_options
from web.field.tokens import is_live, token_hash
from web.links import external_url
from web.pdf.team_sheet import team_sheet_pdf
from web.pdf.text import page_lang
from web.plans import latest_plan
from web.scope import community, editor


@bp.post("/links/<int:link_id>/sheet")
@editor
def team_sheet(link_id: int) -> Response:
    """The team's route sheet PDF; the link's token comes in the form body, never the URL."""
    session = get_session()
    link = link_of(session, community(), link_id)
    token = request.form.get("token", "")
    if not hmac.compare_digest(token_hash(token), link.token_hash):
        raise ForbiddenError("the token does not belong to this link")
    if not is_live(link):
        raise NotFoundError("this link is revoked or expired")
    plan = latest_plan(session, community(), published=True)
    if plan is None:
        raise ConflictError("no published plan yet: publish one before printing route sheets")
    ensure(session, community(), plan, link.team_id, route_options(current_app.config))
    pdf = team_sheet_pdf(
        stops_of(session, plan.id, link.team_id),
        team=link.team_id,
        url=external_url("team_phone.phone", token=token),
        title=community().name,
        lang=page_lang(),
    )
    response = send_file(
        io.BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"route_sheet_{link.team_id}.pdf",
    )
    # The sheet carries the team's credential: no cache keeps a copy.
    response.headers["Cache-Control"] = "no-store"
    return response
