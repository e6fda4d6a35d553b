"""Tests of routing/synthetic.py: the synthetic high-rise community (40 towers, ~10,000 flats)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import connected_components

from routing.demo import TAG_RATES
from routing.network import WalkingNetwork
from routing.schema import BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, VOLUNTEER_COLUMNS
from routing.sources import read_buildings, read_households, read_volunteers
from routing.synthetic import (
    FOOTPRINT_M,
    SPACING_M,
    SyntheticCommunity,
    synthetic_community,
    write_synthetic,
)


@pytest.fixture(scope="module")
def community() -> SyntheticCommunity:
    """The default community: 40 towers, 10,170 households, 300 volunteers."""
    return synthetic_community()


def test_forty_named_towers_with_lifts(community: SyntheticCommunity) -> None:
    b = community.buildings
    assert list(b.columns) == list(BUILDING_COLUMNS)
    assert b.crs.to_epsg() == 4326
    assert b["name"].tolist() == [f"{i}座" for i in range(1, 41)]
    assert b["building_id"].is_unique
    assert b["levels"].between(18, 33).all()
    assert (b["units_per_floor"] == 10).all()
    assert b["has_lift"].all()
    assert (b["levels_source"] == "levels").all()


def test_towers_are_squares_on_a_grid(community: SyntheticCommunity) -> None:
    local = community.buildings.to_crs(community.buildings.estimate_utm_crs())
    assert np.allclose(local.area, FOOTPRINT_M**2, rtol=0.01)
    centres = np.column_stack([local.centroid.x, local.centroid.y])
    gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(gaps, np.inf)
    nearest = gaps.min(axis=1)
    assert nearest.min() > FOOTPRINT_M + 10
    assert nearest.max() < SPACING_M * 1.4


def test_entrances_lie_on_the_footprint_boundary(community: SyntheticCommunity) -> None:
    b = community.buildings
    doors = gpd.GeoSeries(gpd.points_from_xy(b["entrance_lon"], b["entrance_lat"]), crs=b.crs)
    crs = b.estimate_utm_crs()
    distance = doors.to_crs(crs).distance(b.geometry.to_crs(crs).boundary)
    assert distance.max() < 0.01


def test_one_household_per_flat(community: SyntheticCommunity) -> None:
    h = community.households
    b = community.buildings.set_index("building_id")
    assert list(h.columns) == list(HOUSEHOLD_COLUMNS)
    assert len(h) == int((b["levels"] * b["units_per_floor"]).sum()) == 10_170
    per_building = h.groupby("building_id").size()
    assert per_building.equals((b["levels"] * b["units_per_floor"]).loc[per_building.index])
    assert h["household_id"].is_unique
    assert not h.duplicated(["building_id", "unit"]).any()
    assert (h["floor"] >= 1).all()
    assert (h["floor"] <= b["levels"].loc[h["building_id"]].to_numpy()).all()


def test_tags_follow_the_demo_rates(community: SyntheticCommunity) -> None:
    h = community.households
    for tag, rate in TAG_RATES.items():
        share = h["tags"].str.split(";").map(lambda tags, t=tag: t in tags).mean()
        assert abs(share - rate) < 4 * np.sqrt(rate * (1 - rate) / len(h)), tag


def test_volunteers_live_in_the_towers(community: SyntheticCommunity) -> None:
    v = community.volunteers
    assert list(v.columns) == list(VOLUNTEER_COLUMNS)
    assert len(v) == 300
    assert (v.groupby("team_id").size() == 3).all()
    assert v["home_building"].isin(community.buildings["building_id"]).all()


def test_same_seed_same_community_other_seed_other_layout() -> None:
    a, b = synthetic_community(towers=6), synthetic_community(towers=6)
    other = synthetic_community(towers=6, seed=8)
    for left, right in [(a.buildings, b.buildings), (a.paths, b.paths)]:
        pd.testing.assert_frame_equal(left, right)
    pd.testing.assert_frame_equal(a.households, b.households)
    pd.testing.assert_frame_equal(a.volunteers, b.volunteers)
    assert not a.buildings.geometry.geom_equals(other.buildings.geometry).all()


def test_size_follows_the_arguments() -> None:
    small = synthetic_community(
        towers=5, min_floors=3, max_floors=3, units_per_floor=4, volunteers=0
    )
    assert len(small.buildings) == 5
    assert len(small.households) == 5 * 3 * 4
    assert small.volunteers.empty
    assert (
        small.summary()
        == f"5 towers, 60 households, {len(small.paths)} path segments, 0 volunteers"
    )


@pytest.mark.parametrize(
    "kwargs", [{"towers": 0}, {"units_per_floor": 0}, {"min_floors": 20, "max_floors": 19}]
)
def test_bad_arguments_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="need towers"):
        synthetic_community(**kwargs)


def test_paths_are_noded_lines_of_three_kinds(community: SyntheticCommunity) -> None:
    p = community.paths
    assert p.crs.to_epsg() == 4326
    assert set(p.geom_type) == {"LineString"}
    assert p["kind"].value_counts()["spur"] == 40
    assert set(p["kind"]) == {"path", "spur", "ring"}


def test_written_files_import_through_the_readers(
    community: SyntheticCommunity, tmp_path: Path
) -> None:
    written = write_synthetic(tmp_path, community)
    assert [f.name for f in written] == [
        "buildings.geojson",
        "paths.geojson",
        "households.csv",
        "volunteers.csv",
    ]
    buildings = read_buildings(tmp_path / "buildings.geojson")
    pd.testing.assert_frame_equal(
        pd.DataFrame(buildings.drop(columns="geometry")),
        pd.DataFrame(community.buildings.drop(columns="geometry")),
    )
    assert buildings.geom_equals_exact(community.buildings.geometry, 1e-9).all()
    pd.testing.assert_frame_equal(
        read_households(tmp_path / "households.csv", buildings), community.households
    )
    pd.testing.assert_frame_equal(
        read_volunteers(tmp_path / "volunteers.csv", buildings), community.volunteers
    )


def test_paths_form_one_walking_network_reaching_every_entrance(
    community: SyntheticCommunity,
) -> None:
    network = WalkingNetwork.from_lines(community.paths)
    assert network.dropped_edges == 0
    assert network.edge_count == len(community.paths)
    assert connected_components(network.length_graph)[0] == 1
    b = community.buildings
    lon, lat = b["entrance_lon"], b["entrance_lat"]
    assert network.snap(lon, lat).distance_m.max() < 3.0
    walk = network.matrix(lon, lat, lon, lat).distance_m
    doors = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=b.crs).to_crs(b.estimate_utm_crs())
    dx = np.abs(doors.x.to_numpy()[:, None] - doors.x.to_numpy())
    dy = np.abs(doors.y.to_numpy()[:, None] - doors.y.to_numpy())
    # Walks follow the grid: never shorter than the crow flies, at most two spurs and one
    # block's detour longer than the Manhattan distance.
    assert (walk >= np.hypot(dx, dy) - 0.5).all()
    assert (walk <= dx + dy + 3 * SPACING_M).all()
