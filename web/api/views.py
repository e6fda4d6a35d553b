"""Routes of the JSON API: parse, call one domain function, return JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import abort, current_app, jsonify, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from web.api import bp, community_bp
from web.api.openapi import document
from web.auth.access import community_for, may_edit, user
from web.auth.users import communities_of, role_in
from web.db import get_session
from web.downloads import exports_dir
from web.field import records, stream
from web.field.coordinator import shown
from web.field.tasks import route_options
from web.imports import tasks as import_tasks
from web.jobs import JobState, get_queue
from web.links import public_base
from web.patrols import tasks as patrol_tasks
from web.patrols.operations import PatrolRequest
from web.schema import BodyError, MoveBody, PlanBody, body, json_body
from web.scope import community, editor
from web.storage import frames
from web.storage.models import Community, TerritoryPlanRecord
from web.territory import operations, service, tasks
from web.territory.views import download, plan_or_404
from web.visits import tasks as visit_tasks
from web.visits.operations import VisitRequest, check_teams

PATROL_FIELDS = ("routes", "slot_minutes", "weeks", "slots_per_day", "time_limit_s", "seed")
VISIT_FIELDS = ("team", "start", "end", "time_limit_s", "seed")


def _community_json(community: Community) -> dict[str, Any]:
    return {"id": community.id, "name": community.name}


def _plan_json(record: TerritoryPlanRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "parent_id": record.parent_id,
        "created_at": record.created_at.isoformat(),
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "headline": record.summary.splitlines()[0] if record.summary else "",
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document())


@bp.get("/communities")
@login_required
def communities() -> Response:
    """The communities the user may open."""
    return jsonify([_community_json(c) for c in communities_of(get_session(), user())])


@community_bp.get("")
def counts() -> Response:
    """A community's counts."""
    found = community()
    return jsonify(_community_json(found) | {"counts": frames.counts(get_session(), found)})


@community_bp.get("/plans")
def plans() -> Response:
    """The community's plans, newest first."""
    found = community()
    return jsonify([_plan_json(r) for r in service.history(get_session(), found)])


@community_bp.get("/plans/<int:plan_id>")
def plan(plan_id: int) -> Response:
    """A plan's workload table, balance figures, bands and changes."""
    found = community()
    view = service.plan_view(get_session(), found, plan_or_404(plan_id))
    b = view.balance
    return jsonify(
        _plan_json(view.record)
        | {
            "balance": {
                "mean_workload_h": b.mean_h,
                "max_over_mean": b.max_ratio,
                "min_over_mean": b.min_ratio,
                "spread": b.spread,
                "tolerance": b.tolerance,
                "teams_outside_tolerance": b.outside,
            },
            "teams": [asdict(r) for r in b.rows],
            "bands": [asdict(r) for r in view.bands],
            "changes": None if view.changes is None else [asdict(c) for c in view.changes],
            "explanations": view.explanations,
        }
    )


@community_bp.get("/plans/<int:plan_id>/territories.geojson")
def plan_geojson(plan_id: int) -> Response:
    """The plan's team areas as GeoJSON (WGS84)."""
    return download(plan_id, "geojson")


@community_bp.post("/plans")
@editor
def generate() -> tuple[Response, int]:
    """Start a territory job; answers 202 with the job at once."""
    found = community()
    values = body(PlanBody)
    plan_request = operations.PlanRequest(
        tolerance=values.tolerance_pct / 100.0,
        time_limit_s=values.time_limit_s or current_app.config["PLAN_TIME_LIMIT_S"],
        seed=values.seed,
        fresh=values.fresh,
    )
    return _accepted(tasks.start(get_queue(), found, plan_request))


@community_bp.post("/plans/<int:plan_id>/moves")
@editor
def move(plan_id: int) -> tuple[Response, int]:
    """Move a band to another team (pinned); answers 201 with the new draft plan."""
    found = community()
    record = plan_or_404(plan_id)
    values = body(MoveBody)
    move_request = operations.MoveRequest(values.building_id, values.from_team, values.to_team)
    new = operations.move_band(get_session(), found, record, move_request)
    return jsonify(_plan_json(new)), 201


@community_bp.post("/plans/<int:plan_id>/publish")
@editor
def publish_plan(plan_id: int) -> Response:
    """Publish a plan; a job stores every team's route (``routes_job``)."""
    record = plan_or_404(plan_id)
    routes = route_options(current_app.config)
    done = operations.publish_plan(get_session(), community(), record, routes, queue=get_queue())
    return jsonify(_plan_json(record) | {"routes_job": done.routes_job})


@community_bp.get("/visits")
def visits() -> Response:
    """The community's visit records, newest first; ``?after=<id>`` only newer ones."""
    after = stream.resume_point(None, request.args.get("after"))
    if after is None:
        found = records.recent(get_session(), community().id, limit=1000)
    else:
        found = stream.newer(get_session(), community().id, after)[::-1]
    render = shown(may_edit())
    return jsonify([render(r) for r in found])


def _fields(allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON body as an object of the ``allowed`` fields only; BodyError otherwise."""
    values = json_body()
    if not isinstance(values, dict):
        raise BodyError([("body", "a JSON object")])
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise BodyError([(name, "not a field of this request") for name in unknown])
    return values


def _accepted(job_id: int) -> tuple[Response, int]:
    """202 with the job's state and its address."""
    state = get_queue().state(job_id)
    assert state is not None
    response = jsonify(state.to_json())
    response.headers["Location"] = url_for("api.job", job_id=job_id)
    return response, 202


@community_bp.post("/patrols")
@editor
def patrols() -> tuple[Response, int]:
    """Start a patrol job (street routes, rota, PDFs); answers 202 with the job at once.

    The body is checked by ``PatrolRequest.parse``, as the patrol page's form is.
    """
    try:
        patrol_request = PatrolRequest.parse(_fields(PATROL_FIELDS))
    except ValueError as error:
        return jsonify({"error": str(error)}), 400
    job_id = patrol_tasks.start(
        get_queue(), community(), patrol_request, exports_dir(), public_base()
    )
    return _accepted(job_id)


@community_bp.post("/visit-plans")
@editor
def visit_plans() -> tuple[Response, int]:
    """Start a visit job (sessions of stops per team); answers 202 with the job at once.

    The body is checked by ``VisitRequest.parse``, as the visit page's form is.
    """
    try:
        visit_request = VisitRequest.parse(_fields(VISIT_FIELDS))
        check_teams(get_session(), community(), visit_request)
    except ValueError as error:
        return jsonify({"error": str(error)}), 400
    return _accepted(visit_tasks.start(get_queue(), community(), visit_request, exports_dir()))


def _job_state(job_id: int, *, edit: bool = False) -> JobState:
    """The job when the user may see it; a job of a community the user has no role in
    answers 404 like a missing one, so job ids cannot be probed."""
    state = get_queue().state(job_id)
    if state is None or role_in(get_session(), user(), state.community_id) is None:
        abort(404, "no such job")
    # An import's problems quote cells of the register (a phone number, a request):
    # only those who may import see them.
    community_for(state.community_id, edit=edit or state.kind == import_tasks.KIND)
    return state


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int) -> Response:
    """A job's status, progress and result."""
    return jsonify(_job_state(job_id).to_json())


@bp.post("/jobs/<int:job_id>/cancel")
@login_required
def cancel(job_id: int) -> Response:
    """Ask a job to stop."""
    _job_state(job_id, edit=True)
    get_queue().cancel(job_id)
    return jsonify(_job_state(job_id).to_json())
