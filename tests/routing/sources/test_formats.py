"""Tests of routing.sources.formats: signatures, one GDAL driver, no network, zipped Shapefiles."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from routing.errors import InputError
from routing.schema import WGS84
from routing.sources import read_buildings
from routing.sources.formats import ALLOWED_DRIVERS, harden_gdal


def problems_of(path: Path, name: str | None = None) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_buildings(path, name=name)
    return [str(p) for p in caught.value.problems]


def vrt(source: str, layer: str) -> str:
    return (
        f"<OGRVRTDataSource><OGRVRTLayer name='{layer}'><SrcDataSource>{source}</SrcDataSource>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def test_only_three_drivers_are_registered() -> None:
    harden_gdal()
    assert set(pyogrio.list_drivers()) == set(ALLOWED_DRIVERS)


def test_vrt_inside_valid_geojson_is_read_as_geojson(tmp_path: Path) -> None:
    """GDAL would open this FeatureCollection as VRT (the XML is in its first kilobyte)."""
    secret = tmp_path / "secret.csv"
    secret.write_text("wkt,token\nPOINT (0 0),TOPSECRET-4711\n")
    xml = vrt(f"CSV:{secret}", "secret")
    box = shapely.geometry.mapping(shapely.box(114.05, 22.54, 114.0503, 22.5402))
    document = {
        "type": "FeatureCollection",
        "name": xml,
        "features": [{"type": "Feature", "properties": {"name": xml}, "geometry": box}],
    }
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(document))
    frame = read_buildings(path)
    assert frame["name"].tolist() == [xml]
    assert "TOPSECRET" not in frame.to_json()


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".gpkg", "not a GeoPackage: the file is not a SQLite database"),
        (".shp", "not a Shapefile: the .shp header is not a Shapefile header"),
        (".geojson", "not GeoJSON: the file is not a JSON object"),
    ],
)
def test_vrt_under_any_vector_name_is_refused_unread(
    tmp_path: Path, suffix: str, message: str
) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("wkt,token\nPOINT (0 0),TOPSECRET-4711\n")
    path = tmp_path / f"buildings{suffix}"
    path.write_text(vrt(f"CSV:{secret}", "secret"))
    assert problems_of(path, name=f"楼栋{suffix}") == [f"楼栋{suffix}::: {message}"]


def test_vsicurl_is_off_inside_gdal(local_server: tuple[str, list[str]], tmp_path: Path) -> None:
    base, asked = local_server
    box = shapely.box(114.05, 22.54, 114.0503, 22.5402)
    gpd.GeoDataFrame(geometry=[box], crs=WGS84).to_file(tmp_path / "b.geojson")
    harden_gdal()
    with pytest.raises(pyogrio.errors.DataSourceError):
        pyogrio.read_dataframe(f"/vsicurl/{base}/b.geojson")
    assert asked == []
    assert problems_of(Path(f"/vsicurl/{base}/b.geojson"), name="b.geojson") == [
        "b.geojson::: file not found"
    ]


def test_geojson_crs_link_is_refused_before_gdal(
    local_server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, asked = local_server
    box = shapely.geometry.mapping(shapely.box(114.05, 22.54, 114.0503, 22.5402))
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "link", "properties": {"href": f"{base}/crs.wkt", "type": "ogcwkt"}},
        "features": [{"type": "Feature", "properties": {}, "geometry": box}],
    }
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps(document))
    (problem,) = problems_of(path)
    assert problem.startswith("b.geojson::crs: unsupported crs member")
    assert asked == []


def _shapefile(folder: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"id": ["A", "B"], "levels": [3, 12]},
        geometry=[
            shapely.box(114.05, 22.54, 114.0503, 22.5402),
            shapely.box(114.051, 22.54, 114.0513, 22.5402),
        ],
        crs=WGS84,
    )
    folder.mkdir()
    frame.to_file(folder / "楼栋.shp", engine="pyogrio")
    return folder / "楼栋.shp"


def test_zipped_shapefile_reads_like_the_shapefile(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "shp")
    archive = tmp_path / "buildings.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for part in shp.parent.iterdir():
            bundle.write(part, f"export/{part.name}")
    from_zip, from_shp = read_buildings(archive), read_buildings(shp)
    assert from_zip["building_id"].tolist() == ["A", "B"]
    assert from_zip.drop(columns="geometry").equals(from_shp.drop(columns="geometry"))


def test_zip_with_two_shapefiles_or_a_lone_shp_is_refused(tmp_path: Path) -> None:
    shp = _shapefile(tmp_path / "shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(shp, "a.shp")
        bundle.write(shp, "b.shp")
    assert problems_of(archive) == [
        "two.zip::: the zip must hold exactly one .shp file, it holds 2"
    ]
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "b.shp").write_bytes(shp.read_bytes())
    (problem,) = problems_of(lone / "b.shp")
    assert problem.startswith("b.shp::: a Shapefile needs its .shx and .dbf files")


def test_geopackage_with_a_view_or_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.gpkg"
    box = shapely.box(114.05, 22.54, 114.0503, 22.5402)
    gpd.GeoDataFrame(geometry=[box], crs=WGS84).to_file(path, layer="b", engine="pyogrio")
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE VIEW v AS SELECT * FROM b")
    connection.close()
    assert problems_of(path) == [
        "b.gpkg::: GeoPackage views are not supported: save the layer as a table"
    ]
    plain = tmp_path / "plain.gpkg"
    with sqlite3.connect(plain) as connection:
        connection.execute("CREATE TABLE gpkg_contents (table_name TEXT)")
    connection.close()
    assert problems_of(plain) == [
        "plain.gpkg::: not a GeoPackage: a SQLite database of another kind"
    ]
