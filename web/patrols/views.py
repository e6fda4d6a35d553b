"""Routes of the patrol page: start a job, show its files, download them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.db import get_session
from web.downloads import exports_dir, finished_job_file
from web.jobs import get_queue
from web.jobs.queue import latest_job
from web.links import public_base
from web.patrols import bp, tasks
from web.patrols.operations import PatrolRequest
from web.scope import community, editor


@bp.get("")
def show() -> str:
    """The newest patrol job and its downloads; the form for a new one."""
    return render_template(
        "patrols/show.html",
        community=community(),
        job=latest_job(get_session(), community().id, tasks.KIND),
    )


@bp.post("")
@editor
def generate() -> Response:
    """Start a patrol job."""
    patrol_request = PatrolRequest.parse(request.form)
    # The sheets' QR codes must reach this service: the configured public URL.
    tasks.start(get_queue(), community(), patrol_request, exports_dir(), public_base())
    flash(_("已开始计算巡逻路线和排班"), "info")
    return redirect(url_for(".show"))


@bp.get("/<int:job_id>/<filename>")
def download(job_id: int, filename: str) -> Response:
    """One file a finished patrol job wrote (only names the job recorded)."""
    return finished_job_file(get_session(), community().id, tasks.KIND, job_id, filename)
