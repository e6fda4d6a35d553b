"""Routes of the visit page: start a job, show its sessions of stops, download its files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.db import get_session
from web.downloads import exports_dir, finished_job, finished_job_file
from web.jobs import JobState, get_queue
from web.jobs.queue import latest_job
from web.scope import community, editor
from web.storage import frames
from web.storage.models import Community
from web.visits import bp, tasks
from web.visits.operations import VisitRequest, check_teams, plan_teams

# Only these columns reach the page: no name, phone, tag or request.
_STOP_COLUMNS = ["seq", "building_id", "floor", "unit", "arrival", "departure"]


def _tables(community: Community, job: JobState) -> dict[str, Any]:
    """Stops per team and session, and the left-out households, read from the job's CSVs."""
    row = finished_job(get_session(), community.id, tasks.KIND, job.id)
    folder = Path(json.loads(row.params)["folder"]) if row is not None else None
    if folder is None or not (folder / "visits.csv").is_file():
        return {"sessions": [], "dropped": []}
    visits = pd.read_csv(folder / "visits.csv", dtype=str, keep_default_na=False)
    dropped = pd.read_csv(folder / "dropped.csv", dtype=str, keep_default_na=False)
    buildings = frames.load_buildings(get_session(), community)
    names = dict(zip(buildings["building_id"], buildings["name"], strict=True))
    visits["building"] = visits["building_id"].map(names).fillna("")
    homes = frames.load_households(get_session(), community)[
        ["household_id", "building_id", "floor", "unit"]
    ].astype(str)
    dropped = dropped.merge(homes, on="household_id", how="left").fillna("")
    dropped["building"] = dropped["building_id"].map(names).fillna("")
    sessions = [
        {
            "team": team,
            "session": session,
            "stops": part[[*_STOP_COLUMNS, "building"]].to_dict("records"),
        }
        for (team, session), part in visits.groupby(["team_id", "session"], sort=False)
    ]
    return {"sessions": sessions, "dropped": dropped.to_dict("records")}


@bp.get("")
def show() -> str:
    """The newest visit job, its sessions and downloads; the form for a new one."""
    job = latest_job(get_session(), community().id, tasks.KIND)
    tables = _tables(community(), job) if job is not None and job.status == "done" else {}
    return render_template(
        "visits/show.html",
        community=community(),
        job=job,
        teams=plan_teams(get_session(), community()),
        **tables,
    )


@bp.post("")
@editor
def generate() -> Response:
    """Start a visit job."""
    visit_request = VisitRequest.parse(request.form)
    check_teams(get_session(), community(), visit_request)
    tasks.start(get_queue(), community(), visit_request, exports_dir())
    flash(_("已开始计算入户路线"), "info")
    return redirect(url_for(".show"))


@bp.post("/<int:job_id>/cancel")
@editor
def cancel(job_id: int) -> Response:
    """Cancel a running visit job (the page uses the API; this is the no-script fallback)."""
    state = get_queue().state(job_id)
    if state is None or state.community_id != community().id or state.kind != tasks.KIND:
        abort(404)
    get_queue().cancel(job_id)
    return redirect(url_for(".show"))


@bp.get("/<int:job_id>/<filename>")
def download(job_id: int, filename: str) -> Response:
    """One file a finished visit job wrote (only names the job recorded)."""
    return finished_job_file(get_session(), community().id, tasks.KIND, job_id, filename)
