"""Tests of routing/synthetic_subdistrict.py: a synthetic sub-district of 39 (or 3) communities."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.sparse.csgraph import connected_components

from routing.errors import ProblemCollector
from routing.ids import is_valid_id
from routing.network import WALK_HIGHWAYS, WalkingNetwork
from routing.schema import BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, VOLUNTEER_COLUMNS
from routing.sources import read_buildings, read_households, read_paths, read_volunteers
from routing.sources.limits import LIMITS
from routing.sources.vector import POLYGONAL, check_geometry, read_vector
from routing.synthetic_streets import street_layout
from routing.synthetic_subdistrict import (
    COMMUNITY_FIELD,
    COMMUNITY_NAMES,
    STREETS,
    TOWERS,
    SubdistrictOptions,
    SyntheticSubdistrict,
    synthetic_subdistrict,
    write_subdistrict,
)

FILES = ["boundaries.geojson", "buildings.geojson", "paths.geojson", "households.csv",
         "volunteers.csv"]  # fmt: skip


@pytest.fixture(scope="module")
def full() -> SyntheticSubdistrict:
    """Issue 15's sub-district: 39 communities, about 200,000 households (about 6 s)."""
    return synthetic_subdistrict()


@pytest.fixture(scope="module")
def small() -> SyntheticSubdistrict:
    """Three communities of about 500 households each."""
    return synthetic_subdistrict(SubdistrictOptions.small())


@pytest.fixture(scope="module")
def written(small: SyntheticSubdistrict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sub-district's files."""
    out = tmp_path_factory.mktemp("subdistrict")
    assert [path.name for path in write_subdistrict(out, small)] == FILES
    return out


def _metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.to_crs(frame.estimate_utm_crs())


def test_thirty_nine_communities_of_both_kinds_within_the_sizes(
    full: SyntheticSubdistrict,
) -> None:
    c = full.communities
    assert c["community"].tolist() == list(COMMUNITY_NAMES[:39])
    assert c["community"].is_unique
    assert c["kind"].value_counts().to_dict() == {TOWERS: 20, STREETS: 19}
    assert c["households"].between(2_000, 10_000).all()
    assert c["households"].sum() == len(full.households)
    assert abs(len(full.households) - 200_000) < 2_000
    assert abs(len(full.volunteers) - 23_000) < 200
    assert c["volunteers"].sum() == len(full.volunteers)
    assert c["teams"].sum() == full.volunteers["team_id"].nunique()
    # Volunteers in proportion to households: within one team of the exact share.
    exact = 23_000 * c["households"] / c["households"].sum()
    assert ((c["volunteers"] - exact).abs() <= 1.5 * 3).all()
    assert c["buildings"].sum() == len(full.buildings)


def test_buildings_of_each_kind(full: SyntheticSubdistrict) -> None:
    b = full.buildings.merge(full.communities[["community", "kind"]], on="community")
    assert list(full.buildings.columns) == [*BUILDING_COLUMNS, "community"]
    towers, streets = b[b["kind"] == TOWERS], b[b["kind"] == STREETS]
    assert towers["levels"].between(18, 33).all() and towers["has_lift"].all()
    assert set(towers["units_per_floor"]) <= {6, 8, 10}
    assert (towers["building_type"] == "apartments").all()
    assert streets["levels"].between(3, 7).all() and not streets["has_lift"].any()
    assert streets["units_per_floor"].between(2, 4).all()
    assert (streets["building_type"] == "residential").all()
    assert (towers["name"].str.endswith("座")).all() and (streets["name"].str.endswith("栋")).all()
    # One household per flat of every building.
    flats = (b["levels"] * b["units_per_floor"]).groupby(b["community"]).sum()
    assert flats.equals(full.households.groupby("community").size())


def test_every_building_lies_in_exactly_its_own_community(full: SyntheticSubdistrict) -> None:
    b, areas = full.buildings, full.boundaries
    points = gpd.GeoDataFrame(
        {"own": b["community"]}, geometry=b.geometry.representative_point(), crs=b.crs
    )
    hits = points.sjoin(areas, predicate="within")
    assert hits.index.is_unique and len(hits) == len(b)
    assert (hits["own"] == hits["community"]).all()
    # The whole footprint too, with room to spare: no building touches a boundary.
    inside = b.geometry.to_numpy()
    own = areas.set_index("community").geometry.loc[b["community"]].to_numpy()
    assert shapely.contains_properly(own, inside).all()
    edges = _metric(areas).set_index("community").boundary.loc[b["community"]].to_numpy()
    assert shapely.distance(_metric(b).geometry.to_numpy(), edges).min() > 20


def test_boundaries_tile_the_subdistrict_without_overlap(full: SyntheticSubdistrict) -> None:
    areas = full.boundaries.geometry.to_numpy()
    assert full.boundaries["community"].tolist() == full.communities["community"].tolist()
    assert (full.boundaries.geom_type == "Polygon").all() and full.boundaries.is_valid.all()
    for a, b in itertools.combinations(range(len(areas)), 2):
        # Interiors never meet; neighbours share an edge (a line), others nothing.
        assert not shapely.relate_pattern(areas[a], areas[b], "T********"), (a, b)
    whole = shapely.union_all(areas)
    assert isinstance(whole, shapely.Polygon) and len(whole.interiors) == 0  # no gaps, no holes
    metric = _metric(full.boundaries)
    assert metric.area.sum() == pytest.approx(metric.union_all().area, rel=1e-9)
    neighbours = metric.sjoin(metric, predicate="touches")
    assert (neighbours.groupby(level=0).size() >= 2).all()


def test_ids_are_unique_and_valid_across_the_subdistrict(full: SyntheticSubdistrict) -> None:
    for frame, column in [
        (full.buildings, "building_id"),
        (full.households, "household_id"),
        (full.volunteers, "volunteer_id"),
    ]:
        assert frame[column].is_unique, column
        assert frame[column].map(is_valid_id).all(), column
    teams = full.volunteers.groupby("team_id")
    assert full.volunteers["team_id"].map(is_valid_id).all()
    assert (teams.size() == 3).all()
    assert (teams["community"].nunique() == 1).all()  # a team works in one community
    b = full.buildings
    assert (b["building_id"] == b["community"] + b["name"]).all()  # "莲花社区3座"
    assert full.households["phone"].is_unique and full.volunteers["phone"].is_unique


def test_registers_name_the_community_of_their_building(full: SyntheticSubdistrict) -> None:
    community = full.buildings.set_index("building_id")["community"]
    h, v = full.households, full.volunteers
    assert list(h.columns) == [*HOUSEHOLD_COLUMNS, "community"]
    assert list(v.columns) == [*VOLUNTEER_COLUMNS, "community"]
    assert (h["building_id"].map(community) == h["community"]).all()
    assert (v["home_building"].map(community) == v["community"]).all()


def test_paths_stay_in_their_community_and_miss_the_buildings(
    full: SyntheticSubdistrict,
) -> None:
    p = full.paths
    areas = _metric(full.boundaries).set_index("community").geometry
    own = areas.loc[p["community"]].to_numpy()
    lines = _metric(p).geometry.to_numpy()
    # A piece's middle is inside its community; its ends reach the boundary at most (less
    # the centimetre grid that paths are noded on).
    middles = shapely.line_interpolate_point(lines, 0.5, normalized=True)
    assert shapely.contains_properly(own, middles).all()
    assert shapely.covers(shapely.buffer(own, 0.01), lines).all()
    assert set(p["community"]) == set(full.communities["community"])
    assert p["highway"].isin(WALK_HIGHWAYS).all()
    assert set(p["kind"]) == {"path", "ring", "spur", "street", "avenue", "link"}
    pairs = full.buildings.sjoin(p, predicate="intersects")
    # Only spurs touch a building, at its entrance: no path enters a footprint (beyond
    # the centimetre grid).
    assert (p["kind"].loc[pairs["index_right"]] == "spur").all()
    footprints = _metric(full.buildings).geometry.loc[pairs.index].to_numpy()
    inside = shapely.intersection(footprints, lines[pairs["index_right"].to_numpy()])
    assert shapely.length(inside).max() < 0.01
    # Every entrance is where a spur starts.
    b = _metric(full.buildings)
    doors = gpd.points_from_xy(b["entrance_lon"], b["entrance_lat"], crs=full.buildings.crs)
    spurs = _metric(p[p["kind"] == "spur"]).geometry.to_numpy()
    assert len(spurs) == len(b)
    metric_doors = gpd.GeoSeries(doors).to_crs(b.crs).to_numpy()
    _, distance = shapely.STRtree(spurs).query_nearest(metric_doors, return_distance=True)
    assert distance.max() < 0.01


def test_one_walking_network_across_all_communities(full: SyntheticSubdistrict) -> None:
    network = WalkingNetwork.from_lines(full.paths)
    assert network.dropped_edges == 0
    assert network.edge_count == len(full.paths)
    assert connected_components(network.length_graph)[0] == 1


def test_files_read_back_clean_with_the_readers(small: SyntheticSubdistrict, written: Path) -> None:
    buildings = read_buildings(written / "buildings.geojson")
    pd.testing.assert_frame_equal(
        pd.DataFrame(buildings.drop(columns="geometry")),
        pd.DataFrame(small.buildings.drop(columns=["geometry", "community"])),
    )
    assert buildings.geom_equals_exact(small.buildings.geometry, 1e-9).all()
    paths = read_paths(written / "paths.geojson")
    assert paths["highway"].tolist() == small.paths["highway"].tolist()
    households = read_households(written / "households.csv", buildings)
    pd.testing.assert_frame_equal(households, small.households.drop(columns="community"))
    volunteers = read_volunteers(written / "volunteers.csv", buildings)
    pd.testing.assert_frame_equal(volunteers, small.volunteers.drop(columns="community"))
    problems = ProblemCollector("boundaries.geojson")
    areas = read_vector(written / "boundaries.geojson", problems, "boundaries", LIMITS["boundary"])
    check_geometry(areas.geometry, problems, POLYGONAL, "polygon")
    assert not problems
    assert areas[COMMUNITY_FIELD].tolist() == small.communities["community"].tolist()


def test_tables_name_the_community_first(small: SyntheticSubdistrict, written: Path) -> None:
    for name, frame in [("households.csv", small.households), ("volunteers.csv", small.volunteers)]:
        table = pd.read_csv(written / name, encoding="utf-8-sig", dtype=str)
        assert table.columns[0] == COMMUNITY_FIELD
        assert table[COMMUNITY_FIELD].tolist() == frame["community"].tolist()


def test_small_network_joins_every_entrance(written: Path) -> None:
    network = WalkingNetwork.from_lines(read_paths(written / "paths.geojson"))
    assert connected_components(network.length_graph)[0] == 1
    b = read_buildings(written / "buildings.geojson")
    lon, lat = b["entrance_lon"], b["entrance_lat"]
    assert network.snap(lon, lat).distance_m.max() < 0.01
    walk = network.matrix(lon, lat, lon, lat).distance_m
    assert np.isfinite(walk).all()


def test_same_seed_same_files_other_seed_other_subdistrict(
    small: SyntheticSubdistrict, written: Path, tmp_path: Path
) -> None:
    again = synthetic_subdistrict(SubdistrictOptions.small())
    for name in ("communities", "boundaries", "buildings", "paths", "households", "volunteers"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(small, name))
    for path in write_subdistrict(tmp_path, again):
        assert path.read_bytes() == (written / path.name).read_bytes(), path.name
    other = synthetic_subdistrict(SubdistrictOptions.small(seed=16))
    assert not other.households.equals(small.households)
    assert other.communities["buildings"].tolist() != small.communities["buildings"].tolist()


def test_small_mode_sizes(small: SyntheticSubdistrict) -> None:
    c = small.communities
    assert len(c) == 3 and set(c["kind"]) == {TOWERS, STREETS}
    assert c["households"].between(300, 900).all()
    assert abs(c["households"].sum() - 1_500) < 200
    assert len(small.volunteers) == 180
    assert small.summary() == (
        f"3 communities ({(c['kind'] == TOWERS).sum()} tower estates, "
        f"{(c['kind'] == STREETS).sum()} low-rise), {len(small.buildings)} buildings, "
        f"{len(small.households)} households, 180 volunteers in 60 teams, "
        f"{len(small.paths)} path segments"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"communities": 0}, "communities must be"),
        ({"communities": len(COMMUNITY_NAMES) + 1}, "communities must be"),
        ({"min_households": 2_000, "max_households": 2_100}, "max_households >="),
        ({"households": 39 * 10_000 + 1}, "households must be between"),
        ({"volunteers": -1}, "volunteers >= 0"),
        ({"team_size": 0}, "team_size >= 1"),
        ({"origin": (114.05, 89.0)}, "origin must be"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SubdistrictOptions(**kwargs)


def test_street_blocks_do_not_overlap() -> None:
    layout = street_layout(np.random.default_rng(1), 37)
    footprints = layout.footprints
    assert len(footprints) == 37
    touching = shapely.intersects(footprints[:, None], footprints[None, :])
    assert (touching == np.eye(37, dtype=bool)).all()
    streets = layout.lines[np.array(layout.kinds) == "street"]
    assert not shapely.intersects(layout.footprints[:, None], streets[None, :]).any()
    with pytest.raises(ValueError, match="buildings >= 1"):
        street_layout(np.random.default_rng(1), 0)
