"""Territory operations: a manual move's metrics, the files the CLI writes and the web serves."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from routing.costs import CostParameters, building_matrix
from routing.territories.metrics import area_loops, plan_metrics
from tests.web.conftest import login, make_app
from tests.web.support import community_session
from web.cli import main
from web.demo import DEMO_PASSWORD, DEMO_USER
from web.plans import latest_plan, load_assignment
from web.storage import frames
from web.storage.network import load_network
from web.territory import operations, service


def test_a_manual_move_stores_the_metrics_a_fresh_computation_gives(demo_copy: Path) -> None:
    with community_session(demo_copy) as (session, community):
        parent = latest_plan(session, community)
        assert parent is not None
        before = load_assignment(session, parent)
        # the band of the team with the most buildings goes to a team without one there
        giver = str(before.groupby("team_id")["building_id"].nunique().idxmax())
        building = before.loc[before["team_id"] == giver, "building_id"].iloc[0]
        there = set(before.loc[before["building_id"] == building, "team_id"])
        taker = next(t for t in sorted(set(before["team_id"])) if t not in there)
        request = operations.MoveRequest(building, giver, taker)
        record = operations.move_band(session, community, parent, request)
        stored = json.loads(record.metrics)
        after = load_assignment(session, record)
        teams = service.team_ids(session, community, record, after)
        # measured from scratch: a matrix computed now, not the stored one
        buildings = frames.load_buildings(session, community)
        params = CostParameters()
        matrix = building_matrix(buildings, load_network(session, community, params), params)
        previous = dict(zip(before["household_id"], before["team_id"], strict=True))
        fresh = plan_metrics(
            after,
            teams,
            area_loops(after, teams, buildings, matrix),
            service.tolerance_of(record),
            previous=previous,
        )
        page = service.plan_view(session, community, record).balance
    assert stored == dataclasses.asdict(fresh)
    old = json.loads(parent.metrics)
    moved = int(((before["team_id"] == giver) & (before["building_id"] == building)).sum())
    assert stored["moved_households"] == moved
    assert stored["mean_loop_m"] != old["mean_loop_m"]  # not the parent's stale loops
    assert page.outside == stored["teams_outside_tolerance"]
    assert page.max_ratio == pytest.approx(stored["max_over_mean"])


def test_the_web_downloads_are_the_command_line_files(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["plan-territories", "--db", str(demo_copy), "--out", str(out), "--time-limit", "1"]
    assert main([*args, "--fresh", "--teams", "20"]) == 0
    with community_session(demo_copy) as (session, community):
        record = latest_plan(session, community)
        assert record is not None
        plan_id = record.id
    client = make_app(demo_copy).test_client()
    login(client, DEMO_USER, DEMO_PASSWORD)
    csv = client.get(f"/communities/1/plans/{plan_id}/territories.csv").get_data(as_text=True)
    text = (out / "territories.csv").read_text(encoding="utf-8")
    assert csv == "\ufeff" + text
    assert text.splitlines()[0] == "household_id,team_id,building_id,floor,workload"
    served = client.get(f"/communities/1/plans/{plan_id}/territories.geojson").get_json()
    written = json.loads((out / "territories.geojson").read_text(encoding="utf-8"))
    assert served["features"] == written["features"]
    features = written["features"]
    assert [f["properties"]["team_id"] for f in features] == [f"T{i:03d}" for i in range(1, 21)]
    assert set(features[0]["properties"]) == {
        "team_id",
        "workload_s",
        "households",
        "loop_m",
        "pieces",
    }
