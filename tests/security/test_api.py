"""Hostile requests get a 4xx naming what is wrong, never a 500; personal fields stay hidden."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app, make_link
from tests.web.field.test_field_security import stops
from web.api.openapi import document
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.field.stream import Slots, StreamOptions
from web.ids import MAX_ID, digits_up_to
from web.schema import MoveBody, PlanBody, request_schema
from web.territory.operations import MAX_TIME_LIMIT_S

HUGE = 2**63
# the last is nested past the JSON decoder's recursion limit
NOT_OBJECTS = [b"[1]", b'"x"', b"null", b"1", b"true", b"[]", b"{bad json", b'{"a":', b"[" * 5000]


@pytest.fixture
def app_rw(accounts_copy: Path) -> Flask:
    """The accounts database's app (a private copy: posts may change it)."""
    return make_app(accounts_copy)


def _coordinator(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    return client, login(client, DEMO_USER, DEMO_PASSWORD)


@pytest.mark.parametrize("raw", NOT_OBJECTS)
def test_json_bodies_that_are_not_objects_are_400_on_every_json_endpoint(
    app_rw: Flask, raw: bytes
) -> None:
    client, token = _coordinator(app_rw)
    path = make_link((client, token), "T003")
    phone = app_rw.test_client()
    headers = {"X-CSRFToken": token, "Content-Type": "application/json"}
    for url, who, extra in (
        ("/api/v1/communities/1/plans", client, headers),
        ("/api/v1/communities/1/plans/1/moves", client, headers),
        (path + "/api/visits", phone, {"Content-Type": "application/json"}),
    ):
        response = who.post(url, data=raw, headers=extra)
        assert response.status_code == 400, (url, raw, response.status_code)
        assert response.get_json()["error"].startswith("body: "), response.get_json()


def test_bad_fields_are_named(app_rw: Flask) -> None:
    client, token = _coordinator(app_rw)
    headers = {"X-CSRFToken": token}
    moved = client.post(
        "/api/v1/communities/1/plans/1/moves", json={"building_id": "b1"}, headers=headers
    )
    assert moved.status_code == 400
    error = moved.get_json()["error"]
    assert "from_team: Field required" in error and "to_team: Field required" in error
    planned = client.post(
        "/api/v1/communities/1/plans",
        json={"seed": "x", "time_limit_s": 10**9, "tolerance_pct": -1, "colour": "red"},
        headers=headers,
    )
    assert planned.status_code == 400
    error = planned.get_json()["error"]
    for name in ("seed", "time_limit_s", "tolerance_pct", "colour"):
        assert f"{name}: " in error, error
    huge_seed = client.post("/api/v1/communities/1/plans", json={"seed": HUGE}, headers=headers)
    assert huge_seed.status_code == 400 and "seed" in huge_seed.get_json()["error"]


def test_huge_stop_ids_and_keys_in_visit_records_are_400(app_rw: Flask) -> None:
    client, token = _coordinator(app_rw)
    path = make_link((client, token), "T004")
    phone = app_rw.test_client()
    for stop in (HUGE, 2**31, -1, 1.5, "1", None, True):
        response = phone.post(
            path + "/api/visits", json={"key": "key-huge-01", "stop_id": stop, "status": "refused"}
        )
        assert response.status_code == 400, stop
        assert "stop_id" in response.get_json()["error"]
    unknown = phone.post(
        path + "/api/visits", json={"key": "key-huge-02", "stop_id": MAX_ID, "status": "refused"}
    )
    assert unknown.status_code == 403  # a valid id, just not one of this team's stops


def _urls_with_ids(app: Flask) -> list[tuple[str, str]]:
    """(method, url) of every route with an id in its path, each id set to 2**63."""
    found = []
    for rule in app.url_map.iter_rules():
        ints = [a for a, c in rule._converters.items() if type(c).__name__ == "IdConverter"]
        if not ints:
            continue
        values = dict.fromkeys(rule.arguments, 1) | dict.fromkeys(ints, HUGE)
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values[name]), path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def test_ids_beyond_the_columns_range_are_404_on_every_route(app_rw: Flask) -> None:
    client, token = _coordinator(app_rw)
    urls = _urls_with_ids(app_rw)
    assert len(urls) > 20  # every <int:...> route of the app
    for method, url in urls:
        response = client.open(
            url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token}
        )
        # (werkzeug answers 405 where another method's rule of the path was tried first)
        assert response.status_code in (404, 405), (method, url, response.status_code)
    # just inside the range: a normal "not found", not a driver error
    assert client.get(f"/api/v1/communities/{MAX_ID}").status_code == 403
    assert client.get(f"/api/v1/jobs/{MAX_ID}").status_code == 404
    assert client.get(f"/communities/1/plans/{MAX_ID}").status_code == 404


def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit() -> None:
    for limit in (0, 9, 10, 255, 1000, 30405, MAX_ID):
        pattern = re.compile(digits_up_to(limit))
        for n in {*range(min(limit + 20, 1200)), limit - 1, limit, limit + 1, limit * 10}:
            assert bool(pattern.fullmatch(str(n))) == (0 <= n <= limit), (limit, n)


@pytest.mark.parametrize("after", [str(HUGE), "-1", "12abc", "１２", str(MAX_ID + 1), ""])
def test_bad_after_values_are_400_naming_after(app_rw: Flask, after: str) -> None:
    client, _ = _coordinator(app_rw)
    app_rw.config["FIELD_STREAM_LIFETIME_S"] = 0.2
    for url in ("/api/v1/communities/1/visits", "/communities/1/field/stream"):
        response = client.get(f"{url}?after={after}")
        assert response.status_code == 400, (url, after)
        assert "after" in response.get_data(as_text=True)
    assert client.get(f"/api/v1/communities/1/visits?after={MAX_ID}").get_json() == []
    # a stale Last-Event-ID from the browser is ignored, not an error
    stream = client.get("/communities/1/field/stream", headers={"Last-Event-ID": after})
    assert stream.status_code == 200


def test_viewers_never_see_vulnerable_members_or_requests(app_rw: Flask) -> None:
    client, token = _coordinator(app_rw)
    path = make_link((client, token), "T005")
    phone = app_rw.test_client()
    stop = stops(phone, path)[0]["id"]
    secret, wish = "独居老人王某，行动不便", "需要送药上门"
    posted = phone.post(
        path + "/api/visits",
        json={"key": "vulnerable-01", "stop_id": stop, "status": "visited",
              "vulnerable": secret, "requests": wish},
    )  # fmt: skip
    assert posted.status_code == 201
    app_rw.config["FIELD_STREAM_LIFETIME_S"] = 0.2
    viewer = app_rw.test_client()
    login(viewer, "viewer")
    page = viewer.get("/communities/1/field").get_data(as_text=True)
    api = viewer.get("/api/v1/communities/1/visits").get_json()
    stream = viewer.get("/communities/1/field/stream?after=0").get_data(as_text=True)
    assert api and api[0]["vulnerable"] == "" and api[0]["requests"] == ""
    for shown in (page, json.dumps(api, ensure_ascii=False), stream):
        assert secret not in shown and wish not in shown
    assert "visit" in stream  # the record itself did arrive
    # the coordinator sees both, on the page, in the API and in the stream
    assert secret in client.get("/communities/1/field").get_data(as_text=True)
    assert client.get("/api/v1/communities/1/visits").get_json()[0]["vulnerable"] == secret
    assert secret in client.get("/communities/1/field/stream?after=0").get_data(as_text=True)


def test_public_patrol_pages_are_rate_limited_per_address(app_rw: Flask) -> None:
    app_rw.config["PUBLIC_PAGE_LIMIT"] = "5 per minute"
    visitor = app_rw.test_client()
    codes = [visitor.get("/r/AAAAAAAAAAAAAAAAAAAAAA/R01").status_code for _ in range(7)]
    assert codes[:5] == [404] * 5 and codes[5:] == [429, 429]
    other = app_rw.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert other.get("/r/AAAAAAAAAAAAAAAAAAAAAA/R01/map").status_code == 404
    client, _ = _coordinator(app_rw)  # the logged-in patrol page is not limited by it
    assert all(client.get("/communities/1/patrols").status_code == 200 for _ in range(8))


def test_team_links_never_come_from_the_host_header(app_rw: Flask) -> None:
    client, token = _coordinator(app_rw)
    form = {"team_id": "T006", "days": "30", "csrf_token": token}
    evil = {"Host": "evil.example"}
    cookie = client.get_cookie("session")
    assert cookie is not None  # the browser sends it to whatever host it asked
    client.set_cookie("session", cookie.value, domain="evil.example")
    refused = client.post("/communities/1/field/links", data=form, headers=evil)
    assert refused.status_code == 409
    assert "REDVEST_PUBLIC_URL" in refused.get_data(as_text=True)
    patrols = client.post(
        "/communities/1/patrols", data={"routes": "2", "csrf_token": token}, headers=evil
    )
    assert patrols.status_code == 409
    app_rw.config["PUBLIC_URL"] = "https://redvest.example.org/app/"
    made = client.post("/communities/1/field/links", data=form, headers=evil)
    html = made.get_data(as_text=True)
    assert made.status_code == 200
    assert 'value="https://redvest.example.org/app/t/' in html and "evil.example" not in html


def test_trusted_hosts_refuse_other_hosts(accounts_copy: Path) -> None:
    app = make_app(accounts_copy)
    app.config["TRUSTED_HOSTS"] = ["redvest.example.org"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "redvest.example.org"}).status_code == 200


def test_one_community_cannot_take_every_stream_slot() -> None:
    options = StreamOptions()
    slots = Slots()
    assert all(slots.take(1, options.max_streams, options.max_total) for _ in range(2))
    assert not slots.take(1, options.max_streams, options.max_total)
    assert slots.take(2, options.max_streams, options.max_total)  # another community
    slots.give_back(1)
    assert slots.take(1, options.max_streams, options.max_total)
    assert slots.take(3, options.max_streams, options.max_total)
    assert not slots.take(4, options.max_streams, options.max_total)  # the process total


def test_the_openapi_document_describes_what_is_validated() -> None:
    spec = document()
    schemas = spec["components"]["schemas"]
    assert schemas["PlanRequest"] == request_schema(PlanBody)
    assert schemas["Move"] == request_schema(MoveBody)
    seed = schemas["PlanRequest"]["properties"]["seed"]
    assert seed["type"] == "integer" and seed["minimum"] == 0 and "ge" not in seed
    assert PlanBody.model_fields["time_limit_s"].metadata  # bounded like the planner
    assert request_schema(PlanBody)["properties"]["time_limit_s"]["anyOf"][0]["maximum"] == (
        MAX_TIME_LIMIT_S
    )
    for path, item in spec["paths"].items():
        for parameter in item.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"]["maximum"] == MAX_ID, path
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "401" in operation["responses"] or path == "/openapi.json", path
            if "{" in path:
                assert "404" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "400" in operation["responses"], (method, path)
    visits = spec["paths"]["/communities/{community_id}/visits"]["get"]
    assert any(p["name"] == "after" and p["in"] == "query" for p in visits["parameters"])


def test_an_import_jobs_problems_are_for_editors_only(app_rw: Flask) -> None:
    # An import's problems quote cells of the register (here a phone number), so a viewer
    # of the community must not read them through the job API; its coordinator may.
    from tests.web.conftest import PASSWORD
    from web.db import sessions
    from web.storage.models import JobRecord

    result = {"problems": [{"file": "h.csv", "row": 2, "field": "联系电话",
                            "message": "not a phone number: '138-0013-8000x'"}]}  # fmt: skip
    with sessions(app_rw)() as session:
        row = JobRecord(community_id=1, kind="import", status="failed", result=json.dumps(result))
        session.add(row)
        session.commit()
        job_id = row.id
    viewer = app_rw.test_client()
    login(viewer, "viewer", PASSWORD)
    refused = viewer.get(f"/api/v1/jobs/{job_id}")
    assert refused.status_code == 403
    assert b"138-0013" not in refused.data
    coordinator, _ = _coordinator(app_rw)
    shown = coordinator.get(f"/api/v1/jobs/{job_id}")
    assert shown.status_code == 200
    assert shown.get_json()["problems"] == result["problems"]
