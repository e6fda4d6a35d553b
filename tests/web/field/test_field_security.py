"""Team links: scope, revocation, expiry, tokens out of logs, privacy, rate limits, records."""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.web.conftest import login, make_app, make_link
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.field.records import VisitInput
from web.field.tokens import RateLimiter, RedactTokens, redact, token_hash
from web.storage.models import TeamLink


def stops(client: FlaskClient, path: str) -> list[dict[str, Any]]:
    """The stop list a link reads."""
    response = client.get(path + "/api/stops")
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.get_json()["stops"]  # JSON values
    return found


def test_a_link_sees_only_its_team_and_cannot_write_another_teams_stop(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    a, b = make_link(coord, "T001"), make_link(coord, "T002")
    phone = field_app.test_client()
    mine, theirs = stops(phone, a), stops(phone, b)
    assert mine and theirs
    assert not {s["id"] for s in mine} & {s["id"] for s in theirs}
    # team A posting a visit to team B's stop is refused and nothing is stored
    response = phone.post(
        a + "/api/visits",
        json={"key": "k-a-on-b-1", "stop_id": theirs[0]["id"], "status": "refused"},
    )
    assert response.status_code == 403
    # team A reusing team B's idempotency key cannot read B's record back
    phone.post(
        b + "/api/visits",
        json={"key": "k-team-b-01", "stop_id": theirs[0]["id"], "status": "refused"},
    )
    response = phone.post(
        a + "/api/visits",
        json={"key": "k-team-b-01", "stop_id": mine[0]["id"], "status": "visited"},
    )
    assert response.status_code == 403
    page = phone.get(a).get_data(as_text=True)
    theirs_ids = {f'data-stop-id="{s["id"]}"' for s in theirs}
    assert not any(i in page for i in theirs_ids)
    # the coordinator's pages stay closed to a link holder
    assert phone.get("/communities/1/field").status_code == 302
    assert phone.get("/api/v1/communities/1/visits").status_code == 401


def test_revoked_expired_and_unknown_tokens_are_refused(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T003")
    phone = field_app.test_client()
    assert phone.get(path).status_code == 200
    client, csrf = coord
    page = client.get("/communities/1/field").get_data(as_text=True)
    link_id = re.search(r'data-link-id="(\d+)"', page).group(1)  # type: ignore[union-attr]
    response = client.post(
        f"/communities/1/field/links/{link_id}/revoke", data={"csrf_token": csrf}
    )
    assert response.status_code == 302
    for suffix in ("", "/map", "/api/stops", "/route.gpx"):
        assert phone.get(path + suffix).status_code == 404
    # the coordinator's forms on the field pages keep their CSRF check (only the phones'
    # token POST is exempt): a forged revoke or privacy switch is refused
    forged = client.post(f"/communities/1/field/links/{link_id}/revoke", data={})
    assert forged.status_code == 400
    forged = client.post("/communities/1/field/settings", data={"show_phone": "1"})
    assert forged.status_code == 400
    assert phone.post(path + "/api/visits", json={}).status_code == 404
    # expired: move the expiry into the past
    other = make_link(coord, "T004")
    from web.db import sessions

    with sessions(field_app)() as session:
        link = session.query(TeamLink).filter_by(token_hash=token_hash(other[3:])).one()
        link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.commit()
    assert phone.get(other).status_code == 404
    assert phone.get("/t/" + "x" * 43).status_code == 404


def test_only_the_hash_of_a_token_is_stored(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T005")
    token = path[3:]
    assert len(token) >= 43
    raw = Path(field_app.config["DATABASE_URL"].removeprefix("sqlite:///")).read_bytes()
    from web.db import sessions

    with sessions(field_app)() as session:
        hashes = [link.token_hash for link in session.query(TeamLink)]
    assert hashes == [token_hash(token)]
    assert token.encode() not in raw


def test_tokens_never_reach_the_logs(
    field_app: Flask, coord: tuple[FlaskClient, str], caplog: pytest.LogCaptureFixture
) -> None:
    path = make_link(coord, "T006")
    token = path[3:]
    httpd = make_server("127.0.0.1", 0, field_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    try:
        with caplog.at_level(logging.DEBUG):
            for suffix in ("", "/map", "/api/stops", "/route.gpx", "/nope"):
                try:
                    urllib.request.urlopen(base + path + suffix, timeout=30).read()
                except urllib.error.HTTPError as error:
                    assert error.code == 404
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/t/<redacted>" in text  # the access log was captured
    assert token not in text and token_hash(token) not in text


def test_redaction_covers_gunicorn_access_records() -> None:
    token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG0"
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', None, None
    )
    record.args = {"h": "127.0.0.1", "r": f"GET /t/{token}/api/stops HTTP/1.1", "s": "200"}
    assert RedactTokens().filter(record)
    assert token not in record.getMessage() and "/t/<redacted>/api/stops" in record.getMessage()
    assert redact("/t/sw.js") == "/t/sw.js"
    # a patrol sheet's export key is a capability too
    assert redact("GET /r/Q2hlY2twb2ludHNLZXk/R3 HTTP/1.1") == "GET /r/<redacted>/R3 HTTP/1.1"


def test_phones_and_requests_only_when_the_coordinator_allows(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T007")
    phone = field_app.test_client()
    hidden = phone.get(path + "/api/stops").get_json()
    assert hidden["shows"] == {"phone": False, "requests": False}
    assert hidden["stops"]  # a route to hide them on
    assert all("phone" not in s and "requests" not in s for s in hidden["stops"])
    client, csrf = coord
    client.post("/communities/1/field/settings", data={"show_phone": "1", "csrf_token": csrf})
    shown = phone.get(path + "/api/stops").get_json()
    assert shown["shows"] == {"phone": True, "requests": False}
    assert any(s["phone"] for s in shown["stops"])
    assert shown["stops"] and all(s["requests"] == "" for s in shown["stops"])
    # the page itself never carries a phone number (the script adds it from the API)
    numbers = {s["phone"] for s in shown["stops"] if s["phone"]}
    page = phone.get(path).get_data(as_text=True)
    assert not any(n in page for n in numbers)


def test_visit_validation_and_idempotency(field_app: Flask, coord: tuple[FlaskClient, str]) -> None:
    path = make_link(coord, "T008")
    phone = field_app.test_client()
    stop = stops(phone, path)[0]["id"]
    bad = {
        "key": "key-000001",
        "stop_id": stop,
        "status": "visited",
        "residents": "99",
        "since": "2999-01",
        "tenure": "maybe",
    }
    response = phone.post(path + "/api/visits", json=bad)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "residents" in error and "since" in error and "tenure" in error
    good = bad | {"residents": "2", "since": "2015-06", "tenure": "owned", "requests": "换灯泡"}
    assert phone.post(path + "/api/visits", json=good).status_code == 201
    assert phone.post(path + "/api/visits", json=good).status_code == 200  # a re-send
    client, _ = coord
    records = client.get("/api/v1/communities/1/visits").get_json()
    assert len(records) == 1
    assert records[0] | {"created_at": ""} == {
        "id": records[0]["id"],
        "team_id": "T008",
        "household_id": records[0]["household_id"],
        "status": "visited",
        "rented": False,
        "residents": 2,
        "since": "2015-06",
        "vulnerable": "",
        "requests": "换灯泡",
        "created_at": "",
    }
    assert "换灯泡" in client.get("/communities/1/field").get_data(as_text=True)


def test_visit_input_parse_rules() -> None:
    parsed = VisitInput.parse(
        {"key": "abcdefgh", "stop_id": 3, "status": "not_home", "residents": "x"}
    )
    assert parsed.residents is None  # registration fields only count for a visit
    with pytest.raises(ValueError, match="stop_id"):
        VisitInput.parse({"key": "abcdefgh", "stop_id": "3", "status": "visited"})
    with pytest.raises(ValueError, match="key"):
        VisitInput.parse({"key": "short", "stop_id": 3, "status": "visited"})


def test_token_routes_are_rate_limited(field_app: Flask, coord: tuple[FlaskClient, str]) -> None:
    field_app.extensions["redvest.field_limiter"] = RateLimiter(rate=0.5, burst=5)
    path = make_link(coord, "T009")
    phone = field_app.test_client()
    codes = [phone.get(path + "/api/stops").status_code for _ in range(8)]
    assert codes[:5] == [200] * 5 and 429 in codes[5:]
    # another team's link (another bucket) is unaffected
    assert phone.get(make_link(coord, "T010") + "/api/stops").status_code == 200


def test_rate_limiter_refills() -> None:
    limiter = RateLimiter(rate=1000.0, burst=1)
    assert limiter.allow("k")
    import time

    time.sleep(0.01)
    assert limiter.allow("k")
    with pytest.raises(ValueError):
        RateLimiter(rate=0, burst=1)


def test_gpx_page_map_and_coordinator_views(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    path = make_link(coord, "T011")
    phone = field_app.test_client()
    gpx = phone.get(path + "/route.gpx")
    assert gpx.mimetype == "application/gpx+xml"
    assert gpx.data.count(b"<wpt") == len(stops(phone, path)) > 0
    assert b"<trkpt" in gpx.data
    page = phone.get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    html = page.get_data(as_text=True)
    assert "层</h3>" in html and 'id="map"' in html
    map_html = phone.get(path + "/map").get_data(as_text=True)
    assert "rv-num" in map_html and "rv-path" in map_html and "locate" in map_html
    assert "https://" not in map_html.split("<body>")[0].replace("https://leafletjs", "")
    # unknown teams are refused a link; the records API is in the OpenAPI document
    client, csrf = coord
    bad = client.post("/communities/1/field/links", data={"team_id": "nope", "csrf_token": csrf})
    assert bad.status_code == 400
    assert json.loads(client.get("/api/v1/openapi.json").data)["paths"][
        "/communities/{community_id}/visits"
    ]


def test_routes_come_from_the_visit_planner_and_cover_every_household(demo_copy: Path) -> None:
    app = make_app(demo_copy)
    app.config.update(FIELD_ROUTE_SOLVER="visits", FIELD_ROUTE_TIME_LIMIT_S=2.0)
    from web.db import sessions
    from web.storage.models import FieldPath, FieldStop

    with sessions(app)() as session:  # the demo stored sweep routes at publish: plan anew
        session.query(FieldStop).filter_by(team_id="T050").delete()
        session.query(FieldPath).filter_by(team_id="T050").delete()
        session.commit()
    coordinator = app.test_client()
    path = make_link((coordinator, login(coordinator, DEMO_USER, DEMO_PASSWORD)), "T050")
    found = stops(app.test_client(), path)
    from web.storage.models import PlanAssignment

    with sessions(app)() as session:
        solver = session.query(FieldPath.solver).filter_by(team_id="T050").scalar()
        mine = {a.household_id for a in session.query(PlanAssignment).filter_by(team_id="T050")}
    assert solver == "visits"
    assert len(found) == len(mine) > 0
    assert found[0]["arrival"]  # the planner's ETA of the first door
    sessions_seen = [s["session"] for s in found]
    assert sessions_seen == sorted(sessions_seen)


def test_the_page_shows_each_doors_newest_status_as_records_arrive(
    field_app: Flask, coord: tuple[FlaskClient, str]
) -> None:
    # the stop list HTML is cached per route and statuses: a new record must show at once,
    # and two teams must never share a list
    path, other = make_link(coord, "T011"), make_link(coord, "T012")
    phone = field_app.test_client()
    first = stops(phone, path)[0]

    def status_of(stop_id: object) -> str:
        html = phone.get(path).get_data(as_text=True)
        match = re.search(rf'data-stop-id="{stop_id}" [^>]*data-status="([a-z_]*)"', html)
        assert match, html[:500]
        return match.group(1)

    assert status_of(first["id"]) == ""
    for n, status in enumerate(("not_home", "visited", "refused")):
        posted = phone.post(
            path + "/api/visits",
            json={"key": f"page-status-{n:04d}", "stop_id": first["id"], "status": status},
        )
        assert posted.status_code == 201
        assert status_of(first["id"]) == status
        assert stops(phone, path)[0]["status"] == status
    mine = {s["id"] for s in stops(phone, path)}
    theirs = phone.get(other).get_data(as_text=True)
    shown = {int(i) for i in re.findall(r'data-stop-id="(\d+)"', theirs)}
    assert shown and not shown & mine
