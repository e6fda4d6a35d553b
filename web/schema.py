"""JSON request bodies: read as one object, validated by a pydantic model, errors name fields.

Every JSON endpoint (the API under /api/v1 and the team phone's visit record) reads its
body with ``body(Model)``: a body that is not a JSON object, a field of the wrong type, a
number out of range or an unknown field is a ``BodyError`` (a ``ValueError``, answered
400) whose message names each bad field. The OpenAPI document is made from the same
models (``request_schema``), so the two cannot disagree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from flask import request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from web.ids import MAX_ID

Model = TypeVar("Model", bound="Body")


def _integral(value: Any) -> Any:
    # JSON has one number type: 7.0 is an integer to JSON Schema (and to the OpenAPI
    # document), so it is one here too; 7.5 stays a float and is refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Ids of the imported files (buildings, households, teams): what the columns hold.
Text64 = Annotated[str, StringConstraints(min_length=1, max_length=64)]
# (Field before the validator: the other way round pydantic writes "ge" into the JSON
# schema instead of "minimum".)
RecordId = Annotated[int, Field(ge=0, le=MAX_ID), BeforeValidator(_integral)]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1), BeforeValidator(_integral)]


class BodyError(ValueError):
    """A request body that does not fit its model; ``problems`` are (field, message)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.problems))


class Body(BaseModel):
    """Base of every request body: exact JSON types, no unknown fields, frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class PlanBody(Body):
    """Start a territory job: balance tolerance (%), time limit, seed, start afresh."""

    tolerance_pct: float = Field(5.0, ge=0, lt=100)
    time_limit_s: float | None = Field(None, gt=0, le=600)
    seed: Seed = 0
    fresh: bool = False


class MoveBody(Body):
    """Move a team's band of a building to another team."""

    building_id: Text64
    from_team: Text64
    to_team: Text64


MAX_RESIDENTS = 30
_SINCE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
REGISTRATION = ("tenure", "residents", "since", "vulnerable", "requests")


def _residents(value: Any) -> Any:
    # The phone's form sends text ("" when left empty); a number is fine too.
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _integral(value)
    raise ValueError(f"a whole number from 1 to {MAX_RESIDENTS}")


def _since(value: Any) -> Any:
    if value is None:
        return ""
    if not isinstance(value, str):
        return value  # refused as "not a string"
    text = value.strip()
    if not text:
        return ""
    match = _SINCE.match(text)
    if match is None:
        raise ValueError("a year (2015) or year and month (2015-06)")
    year, month = int(match.group(1)), int(match.group(2) or 1)
    today = date.today()
    if not (year >= 1900 and 1 <= month <= 12 and (year, month) <= (today.year, today.month)):
        raise ValueError("not in the future, from 1900")
    return text


def _text(value: Any) -> Any:
    return "" if value is None else value.strip() if isinstance(value, str) else value


class VisitBody(Body):
    """What a team's phone posts for one door. The registration fields (as its form
    sends them: text) count only for a visit; for not-home or refused they are ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{8,64}$")]
    stop_id: RecordId
    status: Literal["visited", "not_home", "refused"]
    tenure: Literal["", "rented", "owned"] | None = None
    residents: Annotated[int | None, Field(ge=1, le=MAX_RESIDENTS), BeforeValidator(_residents)] = (
        None
    )
    since: Annotated[str, BeforeValidator(_since)] = ""
    vulnerable: Annotated[str, BeforeValidator(_text), StringConstraints(max_length=200)] = ""
    requests: Annotated[str, BeforeValidator(_text), StringConstraints(max_length=2000)] = ""

    @model_validator(mode="before")
    @classmethod
    def _registration_only_for_visits(cls, values: Any) -> Any:
        if isinstance(values, dict) and values.get("status") != "visited":
            return {k: v for k, v in values.items() if k not in REGISTRATION}
        return values


_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def _problem(error: Mapping[str, Any]) -> tuple[str, str]:
    # loc is the path to the field ("stop_id"; a union adds the member it tried)
    names = [str(part) for part in error.get("loc", ()) if isinstance(part, str | int)]
    field = names[0] if names else "body"
    message = _PREFIX.sub("", str(error.get("msg", "invalid")))
    if error.get("type") == "extra_forbidden":
        message = "not a field of this request"
    return field, message


def parse(model: type[Model], values: Any) -> Model:
    """``values`` (a JSON object) as ``model``; BodyError naming each bad field.

    Parameters
    ----------
    model : type of Body
        The request's model.
    values : Any
        The decoded JSON body.
    """
    if not isinstance(values, dict):
        kind = type(values).__name__ if values is not None else "null"
        raise BodyError([("body", f"a JSON object, got {kind}")])
    try:
        return model.model_validate(values)
    except ValidationError as error:
        problems = dict(_problem(e) for e in error.errors())  # one message per field
        raise BodyError(list(problems.items())) from None


def json_body() -> Any:
    """The request's body decoded as JSON; an empty body is ``{}``; BodyError otherwise."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise BodyError([("body", "not valid JSON")]) from None


def body(model: type[Model]) -> Model:
    """The current request's JSON body as ``model`` (see ``parse``)."""
    return parse(model, json_body())


def request_schema(model: type[Body]) -> dict[str, Any]:
    """The JSON schema of ``model`` for the OpenAPI document (OpenAPI 3.1 = JSON Schema)."""
    schema = model.model_json_schema()
    schema.pop("title", None)
    for spec in schema.get("properties", {}).values():
        spec.pop("title", None)
    return schema
