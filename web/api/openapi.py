"""The OpenAPI 3.1 document of /api/v1, kept beside the routes it describes.

Request bodies are the JSON schemas of the models that validate them (``web.schema``),
and ids carry the range ``web.ids`` accepts, so the document and the checks agree.
"""

from __future__ import annotations

from typing import Any

from web.ids import MAX_ID
from web.patrols.operations import MAX_ROUTES, MAX_SLOTS_PER_DAY, MAX_WEEKS
from web.patrols.operations import MAX_TIME_LIMIT_S as PATROL_SECONDS
from web.schema import MoveBody, PlanBody, request_schema
from web.visits.operations import MAX_TIME_LIMIT_S as VISIT_SECONDS

_ID = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
_JSON = "application/json"
_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}},
}
_ANSWERS = {
    "400": "the body or a parameter is invalid (the message names the field), the plan has"
    " no such band, or the CSRF token is missing",
    "401": "not logged in",
    "403": "no role (or no editing role) in this community",
    "404": "no such plan or job (a job of a community without a role answers 404 too)",
    "429": "the community has as many jobs queued or running as it may",
}


def _op(
    summary: str,
    status: str = "200",
    *,
    body: str | None = None,
    answers: tuple[str, ...] = ("401", "403"),
    returns: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "OK"}
    if returns is not None:
        ok["content"] = {_JSON: {"schema": returns}}
    responses: dict[str, Any] = {status: ok}
    for code in answers:
        responses[code] = {"description": _ANSWERS[code], "content": {_JSON: {"schema": _ERROR}}}
    op: dict[str, Any] = {"summary": summary, "responses": responses}
    if body is not None:
        op["requestBody"] = {
            "required": False,
            "content": {_JSON: {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        }
    return op


def _post(summary: str, status: str = "200", **kwargs: Any) -> dict[str, Any]:
    # Every POST may fail the CSRF check (400) besides its own answers.
    answers = tuple(kwargs.pop("answers", ("401", "403")))
    kwargs["answers"] = answers if "400" in answers else ("400", *answers)
    op = _op(summary, status, **kwargs)
    op["security"] = [{"session": [], "csrf": []}]  # POSTs carry the CSRF token
    return op


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "path", "required": True, "schema": _ID} for n in names]


_JOB = {
    "type": "object",
    "required": ["id", "community_id", "kind", "status", "progress", "finished"],
    "properties": {
        "id": _ID,
        "community_id": _ID,
        "kind": {"type": "string"},
        "status": {"enum": ["queued", "running", "done", "failed", "cancelled"]},
        "progress": {"type": "number", "minimum": 0, "maximum": 1},
        "message": {"type": "string"},
        "result": {"type": "object"},
        "error": {"type": "string"},
        "problems": {
            "type": "array",
            "description": "a failed job's input problems: file, row, field, message",
            "items": {
                "type": "object",
                "properties": {
                    "file": {"type": "string"},
                    "row": {"type": ["integer", "null"]},
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
        "omitted": {"type": "integer", "minimum": 0},
        "finished": {"type": "boolean"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"},
    },
}
_PLAN = {
    "type": "object",
    "required": ["id", "created_at", "published_at"],
    "properties": {
        "id": _ID,
        "parent_id": {"anyOf": [_ID, {"type": "null"}]},
        "created_at": {"type": "string"},
        "published_at": {"type": ["string", "null"]},
        "headline": {"type": "string"},
        "routes_job": {"anyOf": [_ID, {"type": "null"}]},
    },
}
_PATROL_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "routes": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ROUTES},
        "slot_minutes": {"type": ["integer", "null"], "minimum": 10, "maximum": 720},
        "weeks": {"type": "integer", "minimum": 1, "maximum": MAX_WEEKS},
        "slots_per_day": {"type": "integer", "minimum": 1, "maximum": MAX_SLOTS_PER_DAY},
        "time_limit_s": {"type": "number", "exclusiveMinimum": 0, "maximum": PATROL_SECONDS},
        "seed": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
}
_CLOCK = {"type": "string", "pattern": "^([01]?[0-9]|2[0-3]):[0-5][0-9]$"}
_VISIT_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "team": {"type": "string", "maxLength": 64, "description": "empty: every team"},
        "start": _CLOCK,
        "end": _CLOCK,
        "time_limit_s": {"type": "number", "exclusiveMinimum": 0, "maximum": VISIT_SECONDS},
        "seed": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
}
_REF_JOB = {"$ref": "#/components/schemas/Job"}
_REF_PLAN = {"$ref": "#/components/schemas/Plan"}


def document() -> dict[str, Any]:
    """The OpenAPI document (session cookie auth; POSTs need the X-CSRFToken header)."""
    c, p, j = _params("community_id"), _params("community_id", "plan_id"), _params("job_id")
    # community_for answers 404 to an admin for a community that does not exist
    read = in_plan = ("401", "403", "404")
    after = {
        "name": "after",
        "in": "query",
        "required": False,
        "description": "only records with a greater id (oldest first)",
        "schema": _ID,
    }
    visits = _op("visit records from team phones, newest first", answers=("400", *read))
    visits["parameters"] = [after]
    return {
        "openapi": "3.1.0",
        "info": {"title": "redvest API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {
                "Job": _JOB,
                "Plan": _PLAN,
                "PlanRequest": request_schema(PlanBody),
                "Move": request_schema(MoveBody),
                "PatrolRequest": _PATROL_REQUEST,
                "VisitRequest": _VISIT_REQUEST,
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
        "security": [{"session": []}],
        "paths": {
            "/communities": {"get": _op("communities the user may open", answers=("401",))},
            "/communities/{community_id}": {
                "get": _op("a community's counts", answers=read),
                "parameters": c,
            },
            "/communities/{community_id}/plans": {
                "parameters": c,
                "get": _op(
                    "plans, newest first",
                    answers=read,
                    returns={"type": "array", "items": _REF_PLAN},
                ),
                "post": _post(
                    "start a territory job (202 + job)",
                    "202",
                    body="PlanRequest",
                    answers=("400", *read, "429"),
                    returns=_REF_JOB,
                ),
            },
            "/communities/{community_id}/plans/{plan_id}": {
                "parameters": p,
                "get": _op("workload table, balance, bands, changes", answers=in_plan),
            },
            "/communities/{community_id}/plans/{plan_id}/territories.geojson": {
                "parameters": p,
                "get": _op("team areas as GeoJSON (WGS84)", answers=in_plan),
            },
            "/communities/{community_id}/plans/{plan_id}/moves": {
                "parameters": p,
                "post": _post(
                    "move a band to another team (201 + new plan)",
                    "201",
                    body="Move",
                    answers=("400", *in_plan),
                    returns=_REF_PLAN,
                ),
            },
            "/communities/{community_id}/plans/{plan_id}/publish": {
                "parameters": p,
                "post": _post(
                    "publish the plan; a job stores every team's route (routes_job, null"
                    " when the community's job cap is reached: phones then compute theirs)",
                    answers=in_plan,
                    returns=_REF_PLAN,
                ),
            },
            "/communities/{community_id}/visits": {"parameters": c, "get": visits},
            "/communities/{community_id}/patrols": {
                "parameters": c,
                "post": _post(
                    "start a patrol job: street routes, rota, PDFs (202 + job)",
                    "202",
                    body="PatrolRequest",
                    answers=("400", *read, "429"),
                    returns=_REF_JOB,
                ),
            },
            "/communities/{community_id}/visit-plans": {
                "parameters": c,
                "post": _post(
                    "start a visit job: sessions of stops per team (202 + job)",
                    "202",
                    body="VisitRequest",
                    answers=("400", *read, "429"),
                    returns=_REF_JOB,
                ),
            },
            "/jobs/{job_id}": {
                "parameters": j,
                "get": _op("a job's status and progress", answers=in_plan, returns=_REF_JOB),
            },
            "/jobs/{job_id}/cancel": {
                "parameters": j,
                "post": _post("cancel a job", answers=in_plan, returns=_REF_JOB),
            },
        },
    }
