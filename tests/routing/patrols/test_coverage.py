"""Patrol routes on the Helsinki network: coverage, closure, balance, areas, checkpoints."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from routing.network import WalkingNetwork
from routing.patrols import (
    PatrolOptions,
    PatrolPlan,
    StreetCheckpoints,
    edges_in_area,
    plan_patrol_routes,
)
from routing.patrols.checkpoints import attach_checkpoints
from routing.schema import WGS84
from routing.sources import OsmExtract
from tests.routing.patrols.support import assert_closed_walk, start_node

FAST = PatrolOptions(time_limit_s=1.0)


@pytest.fixture(scope="module")
def three(small: WalkingNetwork) -> PatrolPlan:
    """Three routes over every street of the 300 m piece."""
    return plan_patrol_routes(small, 3, options=FAST)


def test_every_street_is_covered_by_exactly_one_route(
    small: WalkingNetwork, three: PatrolPlan
) -> None:
    served = np.concatenate([r.edge[r.service] for r in three.routes])
    assert np.array_equal(np.sort(served), np.arange(small.edge_count))
    walked = np.unique(np.concatenate([r.edge for r in three.routes]))
    assert np.array_equal(walked, np.arange(small.edge_count))


def test_each_route_is_a_closed_walk_from_the_start(
    small: WalkingNetwork, three: PatrolPlan
) -> None:
    start = start_node(small, three)
    for route in three.routes:
        assert_closed_walk(small.edges, route, start)
        xy = shapely.get_coordinates(route.geometry)
        assert tuple(xy[0]) == tuple(xy[-1]) == (three.start_lon, three.start_lat)


def test_routes_are_balanced_and_lengths_add_up(small: WalkingNetwork, three: PatrolPlan) -> None:
    lengths = np.array([r.length_m for r in three.routes])
    assert lengths.max() / lengths.mean() <= 1.10
    length = small.edges["length_m"].to_numpy()
    for route in three.routes:
        assert route.length_m == pytest.approx(length[route.edge].sum())
        metric = gpd.GeoSeries([route.geometry], crs=WGS84).to_crs(small.crs).length.iloc[0]
        assert metric == pytest.approx(route.length_m, rel=0.02)
    assert three.required_m == pytest.approx(length.sum())
    assert three.total_m >= three.postman_m >= three.required_m
    assert [r.route_id for r in three.routes] == ["R01", "R02", "R03"]


@pytest.mark.slow
def test_a_work_budget_makes_the_split_repeat(small: WalkingNetwork) -> None:
    # the clock alone depends on the machine's load; a solution budget does not (each
    # improving split of this 1,200-street piece takes about half a second here)
    options = PatrolOptions(time_limit_s=60.0, max_solutions=5)
    runs = [plan_patrol_routes(small, 4, options=options) for _ in range(2)]
    edges = [[tuple(r.edge) for r in plan.routes] for plan in runs]
    assert edges[0] == edges[1] and len(edges[0]) == 4


def test_one_team_walks_the_postman_walk(small: WalkingNetwork) -> None:
    plan = plan_patrol_routes(small, 1)
    assert plan.exact
    assert plan.routes[0].length_m == pytest.approx(plan.postman_m)
    assert plan.routes[0].deadhead_m == pytest.approx(plan.postman_m - plan.required_m)
    assert plan.routes[0].time_s > plan.routes[0].length_m / 1.2 * 0.99


def test_area_limits_the_required_streets(network: WalkingNetwork) -> None:
    centre = shapely.box(*network.edges.total_bounds).centroid
    area = gpd.GeoSeries([centre], crs=WGS84).to_crs(network.crs).buffer(250)
    polygon = area.to_crs(WGS84).iloc[0]
    start = (float(centre.x), float(centre.y))
    plan = plan_patrol_routes(network, 2, area=polygon, start=start, options=FAST)
    wanted = np.flatnonzero(edges_in_area(network, polygon))
    served = np.concatenate([r.edge[r.service] for r in plan.routes])
    assert set(wanted.tolist()) == set(served.tolist())
    assert plan.required_m == pytest.approx(network.edges["length_m"].to_numpy()[wanted].sum())
    snapped = shapely.Point(plan.start_lon, plan.start_lat)
    away = gpd.GeoSeries([snapped, centre], crs=WGS84).to_crs(network.crs)
    assert away.iloc[0].distance(away.iloc[1]) < 60
    for route in plan.routes:
        assert_closed_walk(network.edges, route, start_node(network, plan))


def test_checkpoints_follow_the_walk_and_are_capped(
    small: WalkingNetwork, three: PatrolPlan, extract: OsmExtract
) -> None:
    doors = small.snap_entrances(extract.buildings)
    points = gpd.GeoDataFrame(
        {"checkpoint_id": doors["building_id"], "name": doors["name"], "priority": doors["levels"]},
        geometry=gpd.points_from_xy(doors["entrance_lon"], doors["entrance_lat"]),
        crs=WGS84,
    )
    full = attach_checkpoints(three, small, points)
    capped = attach_checkpoints(three, small, points, max_per_route=3)
    assert all(len(r.checkpoints) <= 3 for r in capped.routes)
    levels = points.set_index("checkpoint_id")["priority"]
    for whole, cut in zip(full.routes, capped.routes, strict=True):
        assert set(cut.checkpoints) <= set(whole.checkpoints)
        dropped = set(whole.checkpoints) - set(cut.checkpoints)
        if dropped and cut.checkpoints:
            assert levels[list(cut.checkpoints)].min() >= levels[list(dropped)].max()
        assert cut.checkpoint_s == pytest.approx(120 * len(cut.checkpoints))
        edge = full.checkpoints.set_index("checkpoint_id")["edge"]
        steps = [
            int(np.flatnonzero(whole.service & (whole.edge == edge[c]))[0])
            for c in whole.checkpoints
        ]
        assert steps == sorted(steps)  # numbered in walking order
    ids = set(full.checkpoints["checkpoint_id"])
    assert ids == {c for r in full.routes for c in r.checkpoints}


def test_checkpoints_make_their_street_required(network: WalkingNetwork) -> None:
    centre = shapely.box(*network.edges.total_bounds).centroid
    polygon = gpd.GeoSeries([centre], crs=WGS84).to_crs(network.crs).buffer(120)
    polygon = polygon.to_crs(WGS84).iloc[0]
    far = network.edges.geometry.iloc[0].interpolate(0.5, normalized=True)
    point = gpd.GeoDataFrame({"name": ["远处检查点"]}, geometry=[far], crs=WGS84)
    plan = plan_patrol_routes(
        network, 1, area=polygon, checkpoints=StreetCheckpoints(point), options=FAST
    )
    assert 0 in plan.routes[0].edge[plan.routes[0].service]
    assert plan.routes[0].checkpoints == ("1",)
    assert plan.checkpoints["name"].tolist() == ["远处检查点"]


def test_bad_requests_are_refused(small: WalkingNetwork) -> None:
    with pytest.raises(ValueError, match="teams"):
        plan_patrol_routes(small, 0)
    nowhere = shapely.box(0, 0, 0.001, 0.001)
    with pytest.raises(ValueError, match="no street"):
        plan_patrol_routes(small, 1, area=nowhere)
    with pytest.raises(ValueError, match="only"):
        plan_patrol_routes(small, 5, required=[0, 1], options=FAST)
    with pytest.raises(ValueError, match="time_limit_s"):
        PatrolOptions(time_limit_s=0)
    with pytest.raises(ValueError, match="max_solutions"):
        PatrolOptions(max_solutions=0)
