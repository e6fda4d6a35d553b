"""Routes of the patrol page: start a job, show its files, download them."""

from __future__ import annotations

from pathlib import Path

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from web.auth.access import community_for
from web.auth.throttle import public_limits, public_page_limit
from web.db import get_session
from web.downloads import finished_job_file
from web.extensions import limiter, login_manager
from web.jobs import get_queue
from web.jobs.queue import latest_job
from web.links import public_base
from web.patrols import bp, tasks
from web.patrols.operations import PatrolRequest
from web.patrols.pages import exports_root

# The route sheets' phone pages (web.patrols.phone) open from a printed QR code: no log-in,
# so a limit per address (PUBLIC_PAGE_LIMIT) keeps anyone from hammering them.
PUBLIC = frozenset({"patrols.route_page", "patrols.route_map"})
limiter.limit(public_page_limit, exempt_when=public_limits(PUBLIC))(bp)


@bp.before_request
def _logged_in() -> Response | None:
    """Every patrol page but the public phone pages needs a logged-in user."""
    if request.endpoint in PUBLIC or current_user.is_authenticated:
        return None
    answer: Response = login_manager.unauthorized()
    return answer


def root() -> Path:
    """The folder holding the patrol exports, one folder per export key."""
    return exports_root(current_app.config.get("EXPORTS_DIR"), current_app.instance_path)


@bp.get("/communities/<int:community_id>/patrols")
def show(community_id: int) -> str:
    """The newest patrol job and its downloads; the form for a new one."""
    community = community_for(community_id)
    return render_template(
        "patrols/show.html",
        community=community,
        job=latest_job(get_session(), community.id, tasks.KIND),
    )


@bp.post("/communities/<int:community_id>/patrols")
def generate(community_id: int) -> Response:
    """Start a patrol job."""
    community = community_for(community_id, edit=True)
    try:
        patrol_request = PatrolRequest.parse(request.form)
    except ValueError as error:
        flash(str(error), "error")
    else:
        # The sheets' QR codes must reach this service: the configured public URL.
        tasks.start(get_queue(), community, patrol_request, root(), public_base())
        flash(_("已开始计算巡逻路线和排班"), "info")
    return redirect(url_for(".show", community_id=community.id))


@bp.get("/communities/<int:community_id>/patrols/<int:job_id>/<filename>")
def download(community_id: int, job_id: int, filename: str) -> Response:
    """One file a finished patrol job wrote (only names the job recorded)."""
    community = community_for(community_id)
    return finished_job_file(get_session(), community.id, tasks.KIND, job_id, filename)
