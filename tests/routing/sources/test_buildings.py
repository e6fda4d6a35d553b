"""Tests of routing.sources.buildings: derivation, CRS handling and ids."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from routing.errors import InputError, Note
from routing.schema import BUILDING_COLUMNS, WGS84
from routing.sources import read_buildings
from tests.support import problem_lines


def write_geojson(path: Path, properties: list[dict]) -> Path:
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": shapely.geometry.mapping(
                shapely.box(114.05 + i * 0.001, 22.54, 114.0505 + i * 0.001, 22.5403)
            ),
        }
        for i, props in enumerate(properties)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_good_buildings_with_chinese_attributes(buildings: gpd.GeoDataFrame) -> None:
    assert tuple(buildings.columns) == BUILDING_COLUMNS
    assert buildings.crs == WGS84
    assert buildings["building_id"].tolist() == ["SZ-01", "SZ-02", "SZ-03", "SZ-04"]
    assert buildings["name"].tolist() == ["1座", "2座", "3座", "4座"]
    assert buildings["levels"].tolist() == [6, 18, 30, 33]
    # 2座 gives only 高度（米）54 → 54 / 3 m per storey.
    assert buildings["levels_source"].tolist() == ["levels", "height", "levels", "levels"]
    assert buildings["units_per_floor"].tolist() == [2, 4, 4, 4]
    # 1座 says 电梯=无; the others have >= 7 levels and no lift attribute.
    assert buildings["has_lift"].tolist() == [False, True, True, True]
    assert buildings["basement_levels"].tolist() == [0, 0, 2, 0]
    assert buildings["entrance_lon"].isna().tolist() == [True, True, True, False]
    assert buildings.loc[3, "entrance_lat"] == pytest.approx(22.54048)
    assert buildings.dtypes["levels"] == np.int64 and buildings.dtypes["has_lift"] == np.bool_
    assert buildings.is_valid.all()


@pytest.mark.parametrize("file", ["buildings_utm50.gpkg", "buildings_legacy_crs.geojson"])
def test_projected_files_are_reprojected(
    good: Path, buildings: gpd.GeoDataFrame, file: str
) -> None:
    """A GeoPackage in UTM 50N and a GeoJSON with a legacy EPSG:3857 ``crs`` member."""
    other = read_buildings(good / file)
    assert other.crs == WGS84
    assert other.drop(columns="geometry").equals(buildings.drop(columns="geometry"))
    assert other.geometry.geom_equals_exact(buildings.geometry, tolerance=1e-9).all()


def test_shapefile_round_trip(tmp_path: Path, buildings: gpd.GeoDataFrame) -> None:
    frame = buildings[["building_id", "levels", "geometry"]].rename(columns={"building_id": "id"})
    frame.to_crs("EPSG:32650").to_file(tmp_path / "b.shp", engine="pyogrio")
    read = read_buildings(tmp_path / "b.shp")
    assert read["building_id"].tolist() == buildings["building_id"].tolist()
    assert read["levels"].tolist() == [6, 18, 30, 33]


def test_defaults_by_type_height_and_generated_ids(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "b.geojson",
        [
            {"building": "house"},
            {"building": "office", "height": "10 m"},
            {"height": 1},
            {"levels": 9, "电梯": "no"},
            {},
        ],
    )
    frame = read_buildings(path)
    assert frame["building_id"].tolist() == ["B1", "B2", "B3", "B4", "B5"]
    assert frame["building_type"].tolist() == ["house", "office", "yes", "yes", "yes"]
    assert frame["levels"].tolist() == [2, 3, 1, 9, 4]
    assert frame["levels_source"].tolist() == ["default", "height", "height", "levels", "default"]
    assert frame["units_per_floor"].tolist() == [1, 4, 4, 4, 4]
    assert frame["has_lift"].tolist() == [False, False, False, False, False]
    overridden = read_buildings(path, levels_default=12, units_per_floor_default=6)
    assert overridden["levels"].tolist() == [12, 3, 1, 9, 12]
    assert overridden["units_per_floor"].tolist() == [6, 6, 6, 6, 6]
    assert overridden["has_lift"].tolist() == [True, False, False, False, True]


def test_invalid_polygons_are_repaired_with_a_note(tmp_path: Path) -> None:
    bowtie = shapely.Polygon(
        [(114.05, 22.54), (114.051, 22.541), (114.051, 22.54), (114.05, 22.541)]
    )
    square = shapely.box(114.052, 22.54, 114.053, 22.541)
    frame = gpd.GeoDataFrame({"id": ["A", "8字楼"]}, geometry=[square, bowtie], crs=WGS84)
    frame.to_file(tmp_path / "b.gpkg", engine="pyogrio")
    notes: list[Note] = []
    read = read_buildings(tmp_path / "b.gpkg", name="楼栋.gpkg", notes=notes)
    # The bow-tie becomes its two triangles (the outline's area: 2 x 1/4 of the box).
    assert read["building_id"].tolist() == ["A", "8字楼"]
    assert read.geometry[1].geom_type == "MultiPolygon" and read.is_valid.all()
    assert read.geometry[1].area == pytest.approx(0.5 * 0.001 * 0.001)
    (note,) = notes
    assert (note.file, note.row, note.field) == ("楼栋.gpkg", 2, "geometry")
    assert str(note).startswith(
        "楼栋.gpkg:2:geometry: note: repaired the invalid footprint of building '8字楼' "
        "(Self-intersection"
    )


def test_polygon_no_repair_makes_an_area_is_refused(tmp_path: Path) -> None:
    flat = shapely.Polygon([(114.05, 22.54), (114.051, 22.541), (114.052, 22.542)])
    gpd.GeoDataFrame(geometry=[flat], crs=WGS84).to_file(tmp_path / "b.gpkg", engine="pyogrio")
    with pytest.raises(InputError) as caught:
        read_buildings(tmp_path / "b.gpkg", name="楼栋.gpkg")
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "楼栋.gpkg:1:geometry: invalid polygon that no repair makes an area: Self-intersection"
    ), str(problem)


def test_entrance_needs_both_coordinates_in_range(tmp_path: Path) -> None:
    path = write_geojson(
        tmp_path / "b.geojson",
        [{"entrance_lon": 114.05}, {"entrance_lon": 200, "entrance_lat": 22}],
    )
    assert problem_lines(read_buildings, path) == [
        "b.geojson:1:entrance_lon: give both entrance_lon and entrance_lat",
        "b.geojson:2:entrance_lon: out of range: '200'",
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_buildings(tmp_path / "none.geojson")


def test_heights_must_be_finite_and_not_negative(tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "b.geojson", [{"height": "-3"}, {"height": "inf"}])
    assert problem_lines(read_buildings, path) == [
        "b.geojson:1:height: out of range: '-3'",
        "b.geojson:2:height: not a number: 'inf'",
    ]
