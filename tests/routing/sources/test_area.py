"""routing.sources.area: the one boundary reader of the OSM import and the patrol area."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from routing.errors import InputError
from routing.sources.area import read_area

# Two 200 m squares in central Helsinki, in ETRS-TM35FIN-like UTM 35N metres.
SQUARE_X, SQUARE_Y = (385_000, 385_400), (6_672_000, 6_672_000)


def _feature_collection(geometries: Sequence[Mapping[str, object]]) -> dict[str, object]:
    features = [{"type": "Feature", "properties": {}, "geometry": g} for g in geometries]
    return {"type": "FeatureCollection", "features": features}


def _square(x: float, y: float, side: float) -> dict[str, object]:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_polygons_in_a_projected_crs_are_one_wgs84_area(tmp_path: Path) -> None:
    path = tmp_path / "area.geojson"
    squares = gpd.GeoSeries.from_xy(SQUARE_X, SQUARE_Y, crs=32635).buffer(100, cap_style="square")
    squares.to_frame("geometry").to_file(path)
    area = read_area(path)
    assert isinstance(area, shapely.MultiPolygon) and len(area.geoms) == 2
    west, south, east, north = area.bounds
    assert 24 < west < east < 26 and 60 < south < north < 61


def test_metres_without_a_crs_are_refused_by_file_name(tmp_path: Path) -> None:
    # GeoJSON without a "crs" member is declared WGS84 by GDAL: metres then look like
    # longitudes of 385,000 degrees.
    path = tmp_path / "metres.geojson"
    path.write_text(json.dumps(_feature_collection([_square(385_000, 6_672_000, 200)])))
    with pytest.raises(InputError) as caught:
        read_area(path, name="片区.geojson")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field) == ("片区.geojson", None, None)
    assert str(problem).startswith("片区.geojson::: coordinates look like metres, not WGS84")


def test_every_feature_must_be_a_polygon(tmp_path: Path) -> None:
    point: dict[str, object] = {"type": "Point", "coordinates": [24.94, 60.17]}
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(_feature_collection([_square(24.93, 60.16, 0.01), point])))
    with pytest.raises(InputError, match=r"area\.geojson:2:geometry: not a polygon: Point"):
        read_area(path)


def test_a_file_without_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps(_feature_collection([])))
    with pytest.raises(InputError, match=r"empty\.geojson::: no features"):
        read_area(path)
