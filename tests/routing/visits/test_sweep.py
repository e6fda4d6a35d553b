"""The sweep (routing/visits/sweep.py): a short building walk, each building top floor down."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from routing.sources import OsmExtract
from routing.visits.sweep import SWEEP_COLUMNS, sweep_order, sweep_stops


def _walk_m(xy: np.ndarray, order: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(xy[order], axis=0), axis=1).sum())


def _greedy(xy: np.ndarray, start: int) -> np.ndarray:
    """Nearest neighbour from ``start``, written out here as the old sweep did it."""
    order, left = [start], set(range(len(xy))) - {start}
    while left:
        here = xy[order[-1]]
        order.append(min(left, key=lambda i: (float(np.linalg.norm(xy[i] - here)), i)))
        left.remove(order[-1])
    return np.array(order)


def test_the_walk_starts_farthest_from_the_middle_and_beats_nearest_neighbour() -> None:
    xy = np.random.default_rng(4).random((40, 2)) * 600
    order = sweep_order(xy)
    far = int(np.argmax(np.hypot(*(xy - xy.mean(axis=0)).T)))
    assert order[0] == far and sorted(order.tolist()) == list(range(40))
    greedy = _walk_m(xy, _greedy(xy, far))
    assert _walk_m(xy, order) < 0.95 * greedy
    assert sweep_order(xy).tolist() == order.tolist()  # a fixed kick budget: it repeats


def test_a_walk_through_seven_buildings_is_the_shortest_from_its_start() -> None:
    xy = np.random.default_rng(9).random((7, 2)) * 300
    order = sweep_order(xy)
    rest = [i for i in range(7) if i != order[0]]
    best = min(_walk_m(xy, np.array([order[0], *p])) for p in itertools.permutations(rest))
    assert _walk_m(xy, order) == pytest.approx(best)


def test_empty_and_single_walks() -> None:
    assert sweep_order(np.zeros((0, 2))).tolist() == []
    assert sweep_order(np.array([[5.0, 5.0]])).tolist() == [0]


@pytest.fixture(scope="module")
def demo(
    helsinki_extract: OsmExtract, demo_households: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The households of 30 demo buildings and the doors of all 483 (representative points)."""
    buildings, households = helsinki_extract.buildings, demo_households
    chosen = households["building_id"].drop_duplicates().iloc[:30]
    inside = buildings.geometry.representative_point()
    metric = gpd.GeoSeries(inside, crs=buildings.crs).to_crs(buildings.estimate_utm_crs())
    places = pd.DataFrame(
        {
            "building_id": buildings["building_id"],
            "label": buildings["building_id"],
            "lon": inside.x,
            "lat": inside.y,
            "x": metric.x,
            "y": metric.y,
        }
    )
    return households[households["building_id"].isin(chosen)].reset_index(drop=True), places


def test_stops_visit_every_household_once_building_by_building_top_down(
    demo: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    households, places = demo
    stops = sweep_stops(households, places)
    assert tuple(stops.columns) == SWEEP_COLUMNS
    assert sorted(stops["household_id"]) == sorted(households["household_id"])
    assert stops["seq"].tolist() == list(range(1, len(households) + 1))
    assert set(stops["session"]) == {1} and set(stops["arrival"]) == {""}
    # each building once, in one run of stops, floors from the top down
    runs = stops["building_id"].ne(stops["building_id"].shift()).cumsum()
    assert runs.max() == households["building_id"].nunique() == 30
    for _, run in stops.groupby(runs):
        assert run["floor"].is_monotonic_decreasing
    # the buildings in the order of the walk through their doors
    walked = stops["building_id"].drop_duplicates().to_numpy()
    doors = places.set_index("building_id").loc[walked, ["x", "y"]].to_numpy()
    assert _walk_m(doors, np.arange(30)) <= _walk_m(doors, _greedy(doors, 0)) + 1e-6
