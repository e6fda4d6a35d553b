"""Plan pages: workload table, map without CDN, move a band, what moved, publish, downloads."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
from flask.testing import FlaskClient

from tests.web.conftest import login, make_app
from tests.web.support import community_session
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.plans import latest_plan, load_assignment
from web.storage.engine import open_engine, session_factory
from web.storage.models import PinRecord

STATIC = Path(__file__).resolve().parents[3] / "web" / "static"


def _assignment(db: Path, plan_id: int | None = None) -> pd.DataFrame:
    with community_session(db) as (session, community):
        record = latest_plan(session, community)
        assert record is not None
        if plan_id is not None:
            record = session.get(type(record), plan_id)
            assert record is not None
        return load_assignment(session, record)


def test_plan_page_shows_the_workload_of_every_team(client: FlaskClient, demo_db: Path) -> None:
    page = client.get("/communities/1/plans", follow_redirects=True)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    workload = html.split('id="workload"')[1].split("</table>")[0]
    assert workload.count("<tr class=") == 100  # every roster team, even without households
    assert 'id="map"' in html and 'id="balance"' in html
    assert "已发布" in html  # the demo plan is published
    bands = _assignment(demo_db).groupby(["team_id", "building_id"]).ngroups
    assert html.count('<tr class="band"') == bands


def test_map_has_no_cdn_and_one_area_per_team(client: FlaskClient, demo_db: Path) -> None:
    html = client.get("/communities/1/plans/1/map").get_data(as_text=True)
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert "cdn" not in html.lower()
    assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)["']""", html)
    assert any("leaflet.js" in a for a in assets) and any("jquery" in a for a in assets)
    for asset in assets:
        assert (STATIC / asset.removeprefix("/static/")).is_file(), asset
    teams = _assignment(demo_db)["team_id"].nunique()
    features = re.search(r"geo_json_\w+_add\((\{.*?\})\);", html, re.S)
    assert features
    areas = json.loads(features.group(1))["features"]
    assert len(areas) == teams
    assert len({f["properties"]["colour"] for f in areas}) == teams
    assert "rv-floors" in html  # per-floor popups


def test_osm_tiles_are_the_default(demo_db: Path) -> None:
    from web import create_app
    from web.storage.engine import database_url

    app = create_app({"DATABASE_URL": database_url(demo_db), "SECRET_KEY": "x"})
    client = app.test_client()
    login(client, DEMO_USER, DEMO_PASSWORD)
    html = client.get("/communities/1/plans/1/map").get_data(as_text=True)
    assert "tile.openstreetmap.org" in html


def test_move_a_band_pins_it_and_the_next_plan_shows_what_moved(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    before = _assignment(demo_copy)
    band = before.groupby(["team_id", "building_id"]).size().sort_values().index[-1]
    team, building = band
    target = "T001" if team != "T001" else "T002"
    response = client.post(
        "/communities/1/plans/1/move",
        data={"csrf_token": token, "building_id": building, "from_team": team, "to_team": target},
    )
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    after = _assignment(demo_copy, new_id)
    moved = before.merge(after, on="household_id", suffixes=("", "_new"))
    changed = moved[moved["team_id"] != moved["team_id_new"]]
    band_size = int(((before["team_id"] == team) & (before["building_id"] == building)).sum())
    assert len(changed) == band_size
    assert set(changed["team_id_new"]) == {target}
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert f'<td class="num">{band_size}</td>' in changes
    assert target in changes and team in changes
    engine = open_engine(demo_copy)
    with session_factory(engine)() as session:
        pins = session.query(PinRecord).all()
        assert [(p.building_id, p.team_id) for p in pins] == [(building, target)]
    # publish the edited plan
    published = client.post(f"/communities/1/plans/{new_id}/publish", data={"csrf_token": token})
    assert published.status_code == 302
    plans = client.get("/api/v1/communities/1/plans").get_json()
    assert plans[0]["id"] == new_id and plans[0]["published_at"] is not None
    assert plans[0]["parent_id"] == 1


def test_move_through_the_api_refuses_a_missing_band(demo_copy: Path) -> None:
    client = make_app(demo_copy).test_client()
    token = login(client, DEMO_USER, DEMO_PASSWORD)
    response = client.post(
        "/api/v1/communities/1/plans/1/moves",
        json={"building_id": "nope", "from_team": "T001", "to_team": "T002"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert "no band" in response.get_json()["error"]


def test_downloads(client: FlaskClient, demo_db: Path) -> None:
    assignment = _assignment(demo_db)
    csv = client.get("/communities/1/plans/1/territories.csv")
    assert csv.status_code == 200 and "attachment" in csv.headers["Content-Disposition"]
    frame = pd.read_csv(io.StringIO(csv.get_data(as_text=True).lstrip("\ufeff")))
    assert len(frame) == len(assignment)
    assert list(frame.columns) == ["household_id", "team_id", "building_id", "floor", "workload"]
    geo = json.loads(client.get("/communities/1/plans/1/territories.geojson").get_data())
    assert len(geo["features"]) == 100  # every team of the plan
    assert sum(f["properties"]["households"] for f in geo["features"]) == len(assignment)
    gpx = client.get("/communities/1/plans/1/territories.gpx").get_data(as_text=True)
    assert gpx.count("<wpt ") == assignment.groupby(["team_id", "building_id"]).ngroups
    assert client.get("/communities/1/plans/1/territories.exe").status_code == 404


def test_api_plan_and_openapi(client: FlaskClient) -> None:
    plan = client.get("/api/v1/communities/1/plans/1").get_json()
    assert len(plan["teams"]) == 100
    assert plan["balance"]["max_over_mean"] >= 1.0 >= plan["balance"]["min_over_mean"]
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {
        str(rule).removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
        for rule in client.application.url_map.iter_rules()
        if str(rule).startswith("/api/v1/") and "openapi" not in str(rule)
    }
    assert routes == set(doc["paths"])
