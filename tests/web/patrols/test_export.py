"""export_patrols on the demo database: the files the CLI writes and what they hold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import icalendar
import pandas as pd
import pytest

from routing.errors import InputError
from routing.patrols import SlotTooShortError
from tests.web.support import community_session
from web.cli import main
from web.patrols.export import PatrolExport, export_patrols
from web.patrols.operations import PatrolRequest
from web.storage import frames

MONDAY = dt.date(2026, 3, 2)


def stored(db: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, list[str]]:
    with community_session(db) as (session, community):
        edges = frames.load_network_edges(session, community)
        assert edges is not None
        buildings = frames.load_buildings(session, community)
        teams = frames.load_team_ids(session, community)
    return edges, buildings, teams


@pytest.mark.slow
def test_export_writes_routes_rota_and_pdfs(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, teams = stored(demo_db)
    out = tmp_path / "patrols"
    done = export_patrols(
        edges, buildings, teams, out,
        PatrolRequest(routes=3, weeks=1, time_limit_s=2, start_date=MONDAY, max_checkpoints=5),
    )  # fmt: skip
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        ["patrol_routes.geojson", "rota.csv", "rota.pdf", "calendars"]
        + [f"route_{r}.pdf" for r in ("R01", "R02", "R03")]
    )
    assert sorted(f.name for f in done.files) == sorted(set(names) - {"calendars"})
    routes = gpd.read_file(out / "patrol_routes.geojson")
    assert routes.crs.to_epsg() == 4326
    assert list(routes["route_id"]) == ["R01", "R02", "R03"]
    assert set(routes["team_id"]) <= set(teams) and routes["length_m"].min() > 0
    assert set(routes["kind"]) == {"street"}
    assert (routes["duration_min"] == routes["time_min"]).all()
    assert set(routes.geom_type) == {"LineString"}
    rota = pd.read_csv(out / "rota.csv", dtype=str)
    assert list(rota.columns) == ["date", "slot", "route_id", "team_id"]
    assert len(rota) == 7 * 2 * 3
    for route, team in zip(routes["route_id"], routes["team_id"], strict=True):
        walked = rota.loc[rota["route_id"] == route, "team_id"]
        assert (walked == team).sum() == walked.value_counts().max()
    assert all(len(r.checkpoints) <= 5 for r in done.plan.routes)


def test_no_teams_is_an_input_error(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, _ = stored(demo_db)
    with pytest.raises(InputError, match="no teams"):
        export_patrols(edges, buildings, [], tmp_path, PatrolRequest(routes=2))


def test_an_area_in_metres_without_a_crs_is_refused_by_the_patrol_command(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The patrol area is read by routing.sources.area, as the OSM import's boundary is.
    ring = [[385_000, 6_672_000], [385_400, 6_672_000], [385_400, 6_672_400], [385_000, 6_672_000]]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    area = tmp_path / "metres.geojson"
    area.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    command = ["plan-patrols", "--db", str(demo_db), "--out", str(tmp_path / "out")]
    assert main([*command, "--routes", "2", "--weeks", "1", "--area", str(area)]) == 1
    said = capsys.readouterr()
    refused = [line for line in (said.out + said.err).splitlines() if "metres.geojson" in line]
    assert len(refused) == 1 and "Traceback" not in said.err
    assert refused[0].endswith(
        "metres.geojson::: coordinates look like metres, not WGS84 longitude/latitude; "
        "set the file's CRS or reproject to EPSG:4326"
    )
    assert not (tmp_path / "out").exists()


# One solution per route search (the dynamic programme's split): plans that repeat.
REPEATABLE: dict[str, Any] = {
    "time_limit_s": 30.0,
    "max_solutions": 1,
    "weeks": 1,
    "start_date": MONDAY,
}


@pytest.fixture(scope="module")
def in_slots(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> PatrolExport:
    """Street routes of the demo, each fitting a 120-minute slot (the fewest that do)."""
    edges, buildings, teams = stored(demo_db)
    out = tmp_path_factory.mktemp("slots")
    return export_patrols(
        edges, buildings, teams, out, PatrolRequest(slot_minutes=120, **REPEATABLE)
    )


@pytest.mark.slow
def test_every_street_route_fits_a_120_minute_slot(in_slots: PatrolExport) -> None:
    out = in_slots.files[0].parent
    routes = gpd.read_file(out / "patrol_routes.geojson")
    assert {"route_id", "team_id", "length_m", "duration_min", "kind"} <= set(routes.columns)
    assert routes["duration_min"].max() <= 120 and len(routes) == len(in_slots.plan.routes)
    assert max(r.time_s for r in in_slots.plan.routes) <= 120 * 60
    rota = pd.read_csv(out / "rota.csv", dtype=str)
    assert set(rota["slot"]) == {"09:00-11:00", "15:00-17:00"}
    assert set(rota["route_id"]) == set(routes["route_id"])
    # one calendar per team on the rota, its patrols as events
    calendars = sorted((out / "calendars").glob("*.ics"))
    assert len(calendars) == rota["team_id"].nunique() == len(in_slots.calendars)
    first = icalendar.Calendar.from_ical(calendars[0].read_bytes())
    team = calendars[0].stem
    assert len(first.walk("VEVENT")) == (rota["team_id"] == team).sum()


@pytest.mark.slow
def test_six_routes_in_120_minutes_are_refused_with_the_count_that_fits(
    demo_db: Path, tmp_path: Path, in_slots: PatrolExport
) -> None:
    edges, buildings, teams = stored(demo_db)
    with pytest.raises(SlotTooShortError) as caught:
        request = PatrolRequest(routes=6, slot_minutes=120, **REPEATABLE)
        export_patrols(edges, buildings, teams, tmp_path, request)
    error = caught.value
    fits = len(in_slots.plan.routes)
    assert error.routes == 6 and error.suggested == fits and error.over_s > 0
    assert str(error).startswith("6 route(s) do not fit 120-minute slots: ")
    assert str(error).endswith(f"; {fits} routes fit")
    assert not (tmp_path / "rota.csv").exists()  # nothing written


CHECKPOINTS = (
    "编号,名称,类型,经度,纬度,停留时间(分钟),时段\n"
    "V1,菜市场东口,摊贩点,24.9385,60.1688,10,09:30-10:00\n"
    "V2,菜市场西口,摊贩点,24.9330,60.1690,10,09:30-10:15\n"
    "W1,积水点 1,积水点,24.9420,60.1650,5,\n"
    "W2,积水点 2,积水点,24.9300,60.1660,5,\n"
    "W3,积水点 3,积水点,24.9450,60.1700,5,\n"
    "B1,宣传栏,宣传栏,24.9360,60.1675,,15:10-15:40\n"
)


@pytest.mark.slow
def test_checkpoint_patrols_visit_points_inside_their_hours(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, teams = stored(demo_db)
    points = tmp_path / "点位.csv"
    points.write_text(CHECKPOINTS, encoding="utf-8")
    request = PatrolRequest(kind="checkpoints", checkpoints=points, slot_minutes=60, **REPEATABLE)
    done = export_patrols(edges, buildings, teams, tmp_path / "out", request)
    plan = done.plan
    frame = plan.checkpoints.set_index("checkpoint_id")
    assert sorted(frame.index) == ["B1", "V1", "V2", "W1", "W2", "W3"]
    for route in plan.routes:
        assert route.time_s <= 3600
    starts = {"V1": 9 * 3600, "V2": 9 * 3600, "B1": 15 * 3600}
    windows = {"V1": (9.5, 10.0), "V2": (9.5, 10.25), "B1": (15 + 10 / 60, 15 + 40 / 60)}
    by_id = {r.route_id: r for r in plan.routes}
    for point, (opens, closes) in windows.items():
        route = by_id[frame.loc[point, "route_id"]]
        assert route.start_s == starts[point]
        assert opens * 3600 <= route.start_s + frame.loc[point, "arrival_s"] <= closes * 3600
    rota = pd.read_csv(tmp_path / "out" / "rota.csv", dtype=str)
    walked = rota.groupby("route_id")["slot"].unique()
    for point, start in starts.items():
        slot = "09:00-10:00" if start == 9 * 3600 else "15:00-16:00"
        assert list(walked[frame.loc[point, "route_id"]]) == [slot]
    assert len(rota) == len(plan.routes)  # weekly
    routes = gpd.read_file(tmp_path / "out" / "patrol_routes.geojson")
    assert set(routes["kind"]) == {"checkpoints"} and routes["duration_min"].max() <= 60


@pytest.mark.slow
def test_building_patrols_check_every_floor_once(demo_db: Path, tmp_path: Path) -> None:
    edges, buildings, teams = stored(demo_db)
    towers = buildings.sort_values(["levels", "building_id"]).tail(3)
    request = PatrolRequest(
        kind="building", buildings=tuple(towers["building_id"]), slot_minutes=45, **REPEATABLE
    )
    done = export_patrols(edges, buildings, teams, tmp_path, request)
    floors = sorted(c for r in done.plan.routes for c in r.checkpoints)
    expected = sorted(
        f"{b}:{f}"
        for b, levels, under in zip(
            towers["building_id"], towers["levels"], towers["basement_levels"], strict=True
        )
        for f in [*range(1, int(levels) + 1), *range(-1, -int(under) - 1, -1)]
    )
    assert floors == expected
    assert all(r.time_s <= 45 * 60 and r.climb_s > 0 for r in done.plan.routes)
    routes = gpd.read_file(tmp_path / "patrol_routes.geojson")
    assert set(routes["kind"]) == {"building"}


def test_bad_patrol_options_are_refused_before_planning(demo_db: Path, tmp_path: Path) -> None:
    refused: list[tuple[dict[str, Any], str]] = [
        ({"routes": None}, "need a number of routes, slot minutes, or both"),
        ({"routes": 2, "slot_minutes": 5}, "slot minutes must be a whole number in 10..720, got 5"),
        ({"kind": "building", "routes": 2}, "building ids go with kind building"),
        ({"kind": "checkpoints"}, "a checkpoints file goes with kind checkpoints"),
        ({"kind": "river", "routes": 2}, "kind must be one of street, checkpoints, building"),
        ({"routes": 2, "weeks": 0}, "weeks must be a whole number in 1..53, got 0"),
    ]
    for options, message in refused:
        with pytest.raises(ValueError, match=message):
            PatrolRequest(**options)
    edges, buildings, teams = stored(demo_db)
    request = PatrolRequest(kind="building", buildings=("nowhere",), slot_minutes=60)
    with pytest.raises(InputError, match="unknown building id"):
        export_patrols(edges, buildings, teams, tmp_path, request)
