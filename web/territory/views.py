"""Routes of the plan pages: parse, call one function, render or redirect."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from web.db import get_session
from web.downloads import BOM
from web.field.tasks import route_options
from web.headers import csp_nonce
from web.jobs import get_queue
from web.jobs.queue import latest_job
from web.plans import latest_plan, load_assignment
from web.scope import community, editor
from web.storage import frames
from web.storage.models import TerritoryPlanRecord
from web.territory import bp, exports, operations, service, tasks
from web.territory.maps import plan_map
from web.tiles import tiles


def plan_or_404(plan_id: int) -> TerritoryPlanRecord:
    """Plan ``plan_id`` of the request's community, else 404."""
    record = service.plan_of(get_session(), community(), plan_id)
    if record is None:
        abort(404)
    return record


@bp.get("/plans")
def index() -> Response | str:
    """The newest plan, or the page to generate the first one."""
    session = get_session()
    record = latest_plan(session, community())
    if record is not None:
        return redirect(url_for(".show", plan_id=record.id))
    return render_template(
        "territory/plan.html",
        community=community(),
        view=None,
        job=latest_job(session, community().id, tasks.KIND),
        published=None,
        history=[],
        default_time=current_app.config["PLAN_TIME_LIMIT_S"],
    )


@bp.get("/plans/<int:plan_id>")
def show(plan_id: int) -> str:
    """A plan: map, workload table, bands to move, what moved, history, downloads."""
    session = get_session()
    record = plan_or_404(plan_id)
    return render_template(
        "territory/plan.html",
        community=community(),
        view=service.plan_view(session, community(), record),
        job=latest_job(session, community().id, tasks.KIND),
        published=latest_plan(session, community(), published=True),
        history=service.history(session, community()),
        default_time=current_app.config["PLAN_TIME_LIMIT_S"],
    )


@bp.get("/plans/<int:plan_id>/map")
def map_page(plan_id: int) -> str:
    """The plan's folium map as a page of its own (embedded in an iframe)."""
    session = get_session()
    record = plan_or_404(plan_id)
    assignment = load_assignment(session, record)
    provider = tiles(current_app.config["MAP_TILES"], current_app.config["TIANDITU_KEY"])
    return plan_map(
        frames.load_buildings(session, community()),
        assignment,
        service.team_ids(session, community(), record, assignment),
        provider,
        lambda path: url_for("static", filename=path),
        csp_nonce(),
    )


@bp.post("/plans/generate")
@editor
def generate() -> Response:
    """Start a territory job; the page then shows its progress."""
    plan_request = operations.PlanRequest.parse(
        request.form, current_app.config["PLAN_TIME_LIMIT_S"]
    )
    tasks.start(get_queue(), community(), plan_request)
    flash(_("已开始计算，进度见下方"), "info")
    return redirect(url_for(".index"))


@bp.post("/plans/<int:plan_id>/move")
@editor
def move(plan_id: int) -> Response:
    """Move one team's band of a building to another team; the move is pinned."""
    session = get_session()
    record = plan_or_404(plan_id)
    move_request = operations.MoveRequest(
        request.form.get("building_id", ""),
        request.form.get("from_team", ""),
        request.form.get("to_team", ""),
    )
    new = operations.move_band(session, community(), record, move_request)
    flash(_("已调整并锁定；点“重新平衡”让其余队伍重新均衡"), "info")
    return redirect(url_for(".show", plan_id=new.id))


@bp.post("/plans/<int:plan_id>/publish")
@editor
def publish_plan(plan_id: int) -> Response:
    """Publish a plan: it becomes the teams' current areas; a job stores the team routes."""
    record = plan_or_404(plan_id)
    routes = route_options(current_app.config)
    operations.publish_plan(get_session(), community(), record, routes, queue=get_queue())
    flash(_("方案已发布"), "info")
    flash(_("已开始计算入户路线"), "info")
    return redirect(url_for(".show", plan_id=record.id))


@bp.post("/pins/clear")
@editor
def clear_pins() -> Response:
    """Forget every pinned band of the community."""
    count = operations.clear_pins(get_session(), community())
    flash(_("已解除 %(n)d 处锁定", n=count), "info")
    return redirect(url_for(".index"))


@bp.post("/jobs/<int:job_id>/cancel")
@editor
def cancel(job_id: int) -> Response:
    """Cancel a running job (the pages use the API; this is the no-script fallback)."""
    state = get_queue().state(job_id)
    if state is None or state.community_id != community().id:
        abort(404)
    get_queue().cancel(job_id)
    return redirect(url_for(".index"))


_DOWNLOADS = {
    "csv": ("territories.csv", "text/csv; charset=utf-8"),
    "geojson": ("territories.geojson", "application/geo+json"),
    "gpx": ("territories.gpx", "application/gpx+xml"),
}


@bp.get("/plans/<int:plan_id>/territories.<fmt>")
def download(plan_id: int, fmt: str) -> Response:
    """The plan as CSV (per household), GeoJSON (team areas) or GPX (band waypoints)."""
    if fmt not in _DOWNLOADS:
        abort(404)
    session = get_session()
    record = plan_or_404(plan_id)
    if fmt == "gpx":
        buildings = frames.load_buildings(session, community())
        body = exports.bands_gpx(buildings, load_assignment(session, record))
    else:
        csv, geojson = operations.territory_files(session, community(), record)
        # Excel reads UTF-8 only after a byte-order mark; the rows are the CLI's file.
        body = BOM + csv if fmt == "csv" else geojson
    name, mimetype = _DOWNLOADS[fmt]
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="plan{plan_id}-{name}"'},
    )
