"""Tests of routing.visits on the Helsinki extract and its demo register (4,524 households)."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from routing.costs import (
    GROUND_FLOOR,
    BuildingMatrix,
    CostParameters,
    HouseholdCosts,
    vertical_time_s,
)
from routing.network import WalkingNetwork
from routing.sources import OsmExtract
from routing.visits import (
    STOP_COLUMNS,
    RoutingProblem,
    SearchConfig,
    VisitOptions,
    plan_event_day,
    plan_visits,
    solve,
    write_outputs,
)
from routing.visits.build import Site, make_instance, session_bound
from routing.visits.gpx import GPX_NAMESPACE
from routing.visits.prepare import prepare
from routing.visits.result import stop_name
from routing.visits.windows import parse_availability, parse_clock, start_windows

# One search in this process, bounded by work: fast and repeatable.
QUICK = VisitOptions(time_limit_s=2.0, workers=1, max_solutions=500)
NINE, NOON = 9 * 3600.0, 12 * 3600.0


@dataclass(frozen=True, eq=False)
class Demo:
    buildings: gpd.GeoDataFrame
    households: pd.DataFrame
    network: WalkingNetwork
    costs: HouseholdCosts


@pytest.fixture(scope="module")
def demo(
    helsinki_extract: OsmExtract,
    helsinki_network: WalkingNetwork,
    helsinki_matrix: BuildingMatrix,
    demo_households: pd.DataFrame,
) -> Demo:
    """483 buildings, their walking network, the 4,524 demo households and their costs."""
    buildings = helsinki_extract.buildings
    costs = HouseholdCosts(demo_households, buildings, helsinki_matrix)
    return Demo(buildings, demo_households, helsinki_network, costs)


def cluster(demo: Demo, size: int, seed_building: int = 40) -> pd.DataFrame:
    """About ``size`` households of the buildings nearest one building (a team's area)."""
    counts = demo.households.groupby("building_id").size()
    frame = demo.buildings.set_index("building_id").loc[counts.index]
    centre = frame.geometry.to_crs(frame.estimate_utm_crs()).centroid
    order = centre.distance(centre.iloc[seed_building]).sort_values().index
    take = order[: int(np.searchsorted(counts.loc[order].cumsum().to_numpy(), size)) + 1]
    return demo.households[demo.households["building_id"].isin(take)].head(size).copy()


def seconds(text: str) -> float:
    return parse_clock(text)


def test_a_tower_is_visited_in_one_sweep_of_its_floors(demo: Demo) -> None:
    towers = ["w22462913", "w123521829"]  # 10 levels each, with lifts, 36 households each
    chosen = demo.households[demo.households["building_id"].isin(towers)]
    chosen = chosen[chosen["floor"] % 2 == 0].assign(availability="", tags="")
    plan = plan_visits(
        chosen,
        demo.buildings,
        costs=demo.costs,
        network=demo.network,
        session=("08:00", "13:00"),
        options=QUICK,
    )
    stops = plan.stops
    assert plan.metrics.dropped == 0 and len(stops) == len(chosen)
    for tower in towers:
        floors = stops.loc[stops["building_id"] == tower, "floor"].to_numpy()
        steps = np.sign(np.diff(floors))
        assert (steps >= 0).all() or (steps <= 0).all(), f"{tower}: floors {floors}"
        rows = stops.index[stops["building_id"] == tower]
        assert (np.diff(rows) == 1).all(), "a tower is visited in one go"


def test_times_respect_windows_when_recomputed_from_the_matrix(demo: Demo) -> None:
    chosen = cluster(demo, 45).assign(priority=1)
    fifth = chosen.index[::5]
    chosen.loc[fifth, "availability"] = "10:00-11:00"
    chosen.loc[fifth, "priority"] = 2  # kept when the session is full
    plan = plan_visits(
        chosen, demo.buildings, costs=demo.costs, network=demo.network, options=QUICK
    )
    stops = plan.stops.merge(chosen[["household_id", "availability"]], on="household_id")
    rows = pd.Index(demo.costs.household_ids).get_indexer(stops["household_id"])
    service = np.where(demo.costs.hardship[rows], 600.0, 300.0)
    arrival = stops["arrival"].map(seconds).to_numpy()
    departure = stops["departure"].map(seconds).to_numpy()
    np.testing.assert_allclose(departure - arrival, service, atol=1.0)
    travel = demo.costs.between(rows[:-1], rows[1:])  # door to door, independent of the plan
    assert (arrival[1:] >= departure[:-1] + travel - 1.0).all()
    assert arrival[0] >= NINE and departure[-1] <= NOON
    for start, end, text in zip(arrival, departure, stops["availability"], strict=True):
        windows = parse_availability(text) or ((NINE, NOON),)
        assert any(a - 1.0 <= start and end <= b + 1.0 for a, b in windows), (start, end, text)
    assert (stops["availability"] == "10:00-11:00").sum() >= 8


def test_a_household_away_during_the_session_is_dropped_with_the_reason(demo: Demo) -> None:
    chosen = cluster(demo, 12).assign(availability="")
    away = chosen["household_id"].iloc[3]
    chosen.loc[chosen["household_id"] == away, "availability"] = "18:00-19:00"
    plan = plan_visits(chosen, demo.buildings, costs=demo.costs, options=QUICK)
    assert away not in set(plan.stops["household_id"])
    row = plan.dropped.set_index("household_id").loc[away]
    assert row["reason"] == "available 18:00-19:00, outside the session 09:00-12:00"
    nobody = plan_visits(
        chosen.assign(availability="14:00-17:00"), demo.buildings, costs=demo.costs, options=QUICK
    )
    assert nobody.routes == () and nobody.stops.empty and len(nobody.dropped) == len(chosen)
    empty = plan_visits(chosen.iloc[:0], demo.buildings, costs=demo.costs, options=QUICK)
    assert empty.routes == () and empty.dropped.empty and list(empty.stops) == list(STOP_COLUMNS)


def test_low_priority_households_are_dropped_first_and_listed_by_priority(demo: Demo) -> None:
    chosen = cluster(demo, 30).assign(availability="", tags="", priority=1)
    at = chosen.index
    chosen.loc[at[[5, 17, 28]], "priority"] = 3
    chosen.loc[at[[2, 9, 24]], "priority"] = 2
    chosen.loc[at[28], "availability"] = "18:00-19:00"  # cannot come
    calls: list[tuple[float, str]] = []
    plan = plan_visits(
        chosen,
        demo.buildings,
        costs=demo.costs,
        session=("09:00", "10:00"),
        options=QUICK,
        progress=lambda fraction, message: calls.append((fraction, message)),
    )
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    visited = set(plan.stops["household_id"])
    wanted = chosen.loc[(chosen["priority"] > 1) & (chosen["availability"] == ""), "household_id"]
    assert set(wanted) <= visited
    dropped = plan.dropped
    assert len(dropped) == len(chosen) - len(visited) > 10
    assert (np.diff(dropped["priority"].to_numpy()) <= 0).all()
    assert dropped["priority"].iloc[0] == 3 and dropped["reason"].iloc[0].startswith("available")
    assert (dropped["reason"].iloc[1:] == "no time left in the session 09:00-10:00").all()


def test_gpx_is_valid_gpx_11_with_a_waypoint_per_stop_and_no_personal_data(
    demo: Demo, tmp_path: Path
) -> None:
    chosen = cluster(demo, 20).assign(availability="")
    plan = plan_visits(
        chosen,
        demo.buildings,
        costs=demo.costs,
        network=demo.network,
        options=QUICK,
        team_id="T007",
    )
    text = plan.to_gpx(1)
    root = ET.fromstring(text.encode("utf-8"))
    ns = {"g": GPX_NAMESPACE}
    assert root.tag == f"{{{GPX_NAMESPACE}}}gpx" and root.get("version") == "1.1"
    waypoints = root.findall("g:wpt", ns)
    assert len(waypoints) == len(plan.stops)
    first = plan.stops.iloc[0]
    assert str(waypoints[0].findtext("g:name", namespaces=ns)).endswith(
        f"{first.floor}层 {first.unit}"
    )
    track = root.findall("g:trk/g:trkseg/g:trkpt", ns)
    assert len(track) >= 2 and all(-90 <= float(p.get("lat", "nan")) <= 90 for p in track)
    for private in ("phone", "requests", "tags"):
        values = [v for v in chosen[private].astype(str) if v]
        assert not any(v in text for v in values), private
    written = write_outputs([plan], tmp_path)
    assert [p.name for p in written] == ["visits.csv", "dropped.csv", "visits_T007_s1.gpx"]
    table = pd.read_csv(written[0], encoding="utf-8-sig", dtype=str)
    assert tuple(table.columns) == STOP_COLUMNS and len(table) == len(plan.stops)


def test_the_same_seed_gives_the_same_plan(demo: Demo) -> None:
    chosen = cluster(demo, 30)
    # The work budget, not the clock, ends both searches: 10 s is a safety cap only.
    options = VisitOptions(time_limit_s=10.0, workers=2, max_solutions=200, seed=3)
    first = plan_visits(chosen, demo.buildings, costs=demo.costs, options=options)
    again = plan_visits(chosen, demo.buildings, costs=demo.costs, options=options)
    # Equal plans of all 30 households (visited or dropped), not two empty ones.
    assert first.metrics.visited > 0
    assert first.metrics.visited + first.metrics.dropped == len(chosen) == 30
    pd.testing.assert_frame_equal(first.stops, again.stops)
    pd.testing.assert_frame_equal(first.dropped, again.dropped)


def test_an_area_is_split_into_the_fewest_sessions(demo: Demo) -> None:
    chosen = cluster(demo, 25).assign(availability="", tags="")
    options = VisitOptions(time_limit_s=4.0, workers=1, max_solutions=1000, max_sessions=5)
    plan = plan_visits(
        chosen, demo.buildings, costs=demo.costs, session=("09:00", "10:00"), options=options
    )
    assert plan.metrics.dropped == 0 and plan.metrics.visited == 25
    # 25 visits of 5 min need more than two hours: three one-hour sessions at least.
    assert plan.metrics.sessions == 3
    assert sorted(plan.stops["session"].unique()) == [1, 2, 3]
    for route in plan.routes:
        assert route.totals.start_s == NINE and route.totals.end_s <= 10 * 3600
    site = Site.build(chosen, demo.buildings, demo.costs, None, options)
    visits = prepare(chosen, demo.costs, (NINE, 10 * 3600.0), "registration")
    instance, _ = make_instance(
        site, visits, [site.centre(chosen["building_id"])], [(0, 0)], (NINE, 10 * 3600.0)
    )
    assert session_bound(instance) == 3


def test_event_day_balances_the_teams(demo: Demo, tmp_path: Path) -> None:
    pool = cluster(demo, 60).assign(availability="")
    plan = plan_event_day(
        pool,
        demo.buildings,
        ["A", "B", "C"],
        costs=demo.costs,
        session=("08:00", "12:00"),
        options=VisitOptions(time_limit_s=3.0, workers=1, max_solutions=2000),
    )
    assert plan.metrics.dropped == 0
    assert sum(len(p.stops) for p in plan.plans) == len(pool)
    assert all(len(p.stops) > 0 for p in plan.plans)
    assert plan.balance <= 1.15, plan.summary()
    work = plan.working_s
    assert plan.balance == pytest.approx(max(work.values()) / min(work.values()))
    written = write_outputs(plan, tmp_path)
    assert [p.name for p in written[2:]] == [
        "visits_A_s1.gpx",
        "visits_B_s1.gpx",
        "visits_C_s1.gpx",
    ]
    assert len(pd.read_csv(written[0], encoding="utf-8-sig")) == len(pool)


def test_door_to_door_matrix_matches_the_cost_model(demo: Demo) -> None:
    chosen = cluster(demo, 15)
    site = Site.build(chosen, demo.buildings, demo.costs, demo.network, VisitOptions())
    visits = prepare(chosen, demo.costs, (NINE, NOON), "registration")
    door = site.doors.loc[chosen["building_id"].iloc[0]]
    instance, _ = make_instance(site, visits, [(door.lon, door.lat)], [(0, 0)], (NINE, NOON))
    travel, n = instance.travel, instance.travel.n
    rows = visits.frame["row"].to_numpy()[list(instance.nodes)]
    np.testing.assert_allclose(travel.seconds[:n, :n], demo.costs.submatrix(rows))
    first = visits.frame.iloc[instance.nodes[0]]
    lift = demo.costs.has_lift[demo.costs.building[rows[0]]]
    up = vertical_time_s(GROUND_FLOOR, first["floor"], lift, CostParameters())
    assert travel.seconds[n, 0] == pytest.approx(float(up), abs=1.0)  # start at its door
    walk_s, _, vertical = travel.parts(n, 0)
    assert walk_s + vertical == pytest.approx(travel.seconds[n, 0])


def test_windows_and_names() -> None:
    assert parse_availability("09:00-11:30;15:00-17:30") == ((32400.0, 41400.0), (54000.0, 63000.0))
    assert parse_availability("") == ()
    with pytest.raises(ValueError, match="end after"):
        parse_availability("11:00-10:00")
    starts, why = start_windows(((11 * 3600.0 + 3000, 13 * 3600.0),), (NINE, NOON), 900.0)
    assert starts == () and why == (
        "available 11:50-13:00, too short for a 15 min visit in the session 09:00-12:00"
    )
    assert start_windows((), (NINE, NOON), 300.0) == (((NINE, NOON - 300.0),), "")
    assert stop_name("3座", 24, "2401") == "3座 24层 2401"
    assert stop_name("5座", -1, "B101") == "5座 地下1层 B101"


def test_options_and_problems_are_validated() -> None:
    with pytest.raises(ValueError, match="time_limit_s"):
        VisitOptions(time_limit_s=0)
    with pytest.raises(ValueError, match="visit_type"):
        VisitOptions(visit_type="party")
    with pytest.raises(ValueError, match="first_solution"):
        SearchConfig("x", first_solution="NEAREST")
    with pytest.raises(ValueError, match="operator"):
        SearchConfig("x", operators=("use_magic",))
    travel = np.array([[0, 5], [5, 0]], dtype=np.int64)
    with pytest.raises(ValueError, match="horizon"):
        RoutingProblem(travel, np.zeros(2, np.int64), (0,), (0,), None, None, ((), ((0, 9),)))


def test_solver_core_closes_a_small_tour() -> None:
    xy = np.array([[0, 0], [0, 10], [10, 10], [10, 0], [5, -3]], dtype=float)
    travel = np.rint(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))).astype(np.int64)
    problem = RoutingProblem(travel, np.zeros(5, np.int64), (0,), (0,), None, None)
    best = solve(problem, time_limit_s=1.0, workers=1, max_solutions=200).best
    route = [0, *best.routes[0], 0]
    assert sorted(best.routes[0]) == [1, 2, 3, 4]
    assert best.objective == sum(travel[a, b] for a, b in itertools.pairwise(route))
    assert best.objective == 10 + 10 + 10 + 6 + 6  # around the square through (5, -3)
