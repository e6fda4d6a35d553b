"""The OpenAPI 3.1 document of /api/v1, kept beside the routes it describes."""

from __future__ import annotations

from typing import Any

_ID = {"type": "integer"}
_JSON = "application/json"


def _op(summary: str, status: str = "200", body: dict[str, Any] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            status: {"description": "OK"},
            "401": {"description": "not logged in"},
            "403": {"description": "no role in this community"},
        },
    }
    if body is not None:
        op["requestBody"] = {"content": {_JSON: {"schema": body}}}
    return op


def _params(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "path", "required": True, "schema": _ID} for n in names]


_PLAN_REQUEST = {
    "type": "object",
    "properties": {
        "tolerance_pct": {"type": "number", "default": 5},
        "time_limit_s": {"type": "number"},
        "seed": {"type": "integer", "default": 0},
        "fresh": {"type": "boolean", "default": False},
    },
}
_MOVE = {
    "type": "object",
    "required": ["building_id", "from_team", "to_team"],
    "properties": {
        "building_id": {"type": "string"},
        "from_team": {"type": "string"},
        "to_team": {"type": "string"},
    },
}
_JOB = {
    "type": "object",
    "properties": {
        "id": _ID,
        "community_id": _ID,
        "kind": {"type": "string"},
        "status": {"enum": ["queued", "running", "done", "failed", "cancelled"]},
        "progress": {"type": "number", "minimum": 0, "maximum": 1},
        "message": {"type": "string"},
        "result": {"type": "object"},
        "error": {"type": "string"},
        "finished": {"type": "boolean"},
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI document (session cookie auth; POSTs need the X-CSRFToken header)."""
    c, p, j = _params("community_id"), _params("community_id", "plan_id"), _params("job_id")
    return {
        "openapi": "3.1.0",
        "info": {"title": "redvest API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "schemas": {"Job": _JOB, "PlanRequest": _PLAN_REQUEST, "Move": _MOVE},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            },
        },
        "security": [{"session": []}],
        "paths": {
            "/communities": {"get": _op("communities the user may open")},
            "/communities/{community_id}": {"get": _op("a community's counts"), "parameters": c},
            "/communities/{community_id}/plans": {
                "parameters": c,
                "get": _op("plans, newest first"),
                "post": _op("start a territory job (202 + job)", "202", _PLAN_REQUEST),
            },
            "/communities/{community_id}/plans/{plan_id}": {
                "parameters": p,
                "get": _op("workload table, balance, bands, changes"),
            },
            "/communities/{community_id}/plans/{plan_id}/territories.geojson": {
                "parameters": p,
                "get": _op("team areas as GeoJSON (WGS84)"),
            },
            "/communities/{community_id}/plans/{plan_id}/moves": {
                "parameters": p,
                "post": _op("move a band to another team (201 + new plan)", "201", _MOVE),
            },
            "/communities/{community_id}/plans/{plan_id}/publish": {
                "parameters": p,
                "post": _op("publish the plan"),
            },
            "/communities/{community_id}/visits": {
                "parameters": c,
                "get": _op("visit records from team phones, newest first"),
            },
            "/jobs/{job_id}": {"parameters": j, "get": _op("a job's status and progress")},
            "/jobs/{job_id}/cancel": {"parameters": j, "post": _op("cancel a job")},
        },
    }
