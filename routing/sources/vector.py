"""Shared reading of vector files (GeoJSON, GeoPackage, Shapefile): clear errors, WGS84 out."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyogrio.errors
import shapely

from routing.errors import ProblemCollector
from routing.schema import WGS84
from routing.sources.tables import report

GEOMETRY_FIELD: Final = "geometry"
POLYGONAL: Final = (3, 6)  # shapely type ids of Polygon, MultiPolygon
LINEAR: Final = (1, 5)  # LineString, MultiLineString
_GEOJSON_SUFFIXES = frozenset({".geojson", ".json"})
VECTOR_SUFFIXES: Final = frozenset({*_GEOJSON_SUFFIXES, ".gpkg", ".shp"})
_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
    pyogrio.errors.CRSError,
    OSError,
    ValueError,
)


def read_vector(path: Path, problems: ProblemCollector, what: str) -> gpd.GeoDataFrame:
    """Read a vector file, or add a problem and return an empty frame (``what``: its features)."""
    if not path.is_file():
        problems.add(None, None, "file not found")
        return gpd.GeoDataFrame()
    if path.suffix.lower() not in VECTOR_SUFFIXES:
        problems.add(
            None,
            None,
            f"unsupported file type '{path.suffix}' (use GeoJSON, GeoPackage or Shapefile)",
        )
        return gpd.GeoDataFrame()
    if path.stat().st_size == 0:
        problems.add(None, None, "empty file")
        return gpd.GeoDataFrame()
    if path.suffix.lower() in _GEOJSON_SUFFIXES and not _json_ok(path, problems, what):
        return gpd.GeoDataFrame()
    try:
        with warnings.catch_warnings():
            # Mixed-type JSON properties are read as text; the attribute checks report them.
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            frame = gpd.read_file(path, engine="pyogrio")
    except _READ_ERRORS as err:
        problems.add(None, None, f"cannot read as a GeoJSON/GeoPackage/Shapefile: {err}")
        return gpd.GeoDataFrame()
    if len(frame) == 0:
        problems.add(None, None, f"no features: the file holds no {what}")
    return frame


def _json_ok(path: Path, problems: ProblemCollector, what: str) -> bool:
    """Parse GeoJSON ourselves first: GDAL's messages do not say where the text breaks."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        truncated = " (file truncated?)" if err.pos >= len(text.rstrip()) else ""
        where = f"line {err.lineno} column {err.colno}"
        problems.add(None, None, f"invalid JSON at {where}: {err.msg}{truncated}")
        return False
    features = document.get("features") if isinstance(document, dict) else None
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        if not features:
            problems.add(None, None, f"no features: the file holds no {what}")
            return False
        return True
    if isinstance(document, dict) and document.get("type") == "Feature":
        return True
    problems.add(None, None, "not GeoJSON: expected a FeatureCollection")
    return False


def check_geometry(
    geometry: gpd.GeoSeries, problems: ProblemCollector, kinds: tuple[int, ...], noun: str
) -> None:
    """Report missing, empty, wrong-kind and invalid geometries by feature number."""
    rows = pd.RangeIndex(1, len(geometry) + 1)
    values = geometry.to_numpy()
    missing = shapely.is_missing(values)
    empty = ~missing & shapely.is_empty(values)
    types_id = pd.Series(shapely.get_type_id(values), index=rows)
    wanted = types_id.isin(kinds).to_numpy()
    types = pd.Series(geometry.geom_type.to_numpy(), index=rows, dtype="str")
    not_polygon = ~missing & ~empty & ~wanted
    invalid = ~missing & ~empty & wanted & ~shapely.is_valid(values)
    reasons = pd.Series(shapely.is_valid_reason(values), index=rows, dtype="str")
    report(problems, pd.Series("missing geometry", index=rows)[missing], GEOMETRY_FIELD)
    report(problems, pd.Series("empty geometry", index=rows)[empty], GEOMETRY_FIELD)
    report(problems, (f"not a {noun}: " + types)[not_polygon], GEOMETRY_FIELD)
    report(problems, (f"invalid {noun}: " + reasons)[invalid], GEOMETRY_FIELD)


def to_wgs84(raw: gpd.GeoDataFrame, problems: ProblemCollector) -> gpd.GeoSeries | None:
    """The footprints in WGS84, or None with a problem when the CRS cannot be trusted.

    GDAL declares every GeoJSON without a ``crs`` member to be WGS84, so metres
    in such a file show up as a geographic CRS with impossible coordinates.
    """
    if raw.crs is None or raw.crs.is_geographic:
        west, south, east, north = raw.geometry.total_bounds
        if max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90:
            problems.add(
                None,
                None,
                "coordinates look like metres, not WGS84 longitude/latitude; "
                "set the file's CRS or reproject to EPSG:4326",
            )
            return None
    if raw.crs is None:
        return raw.geometry.set_crs(WGS84)
    try:
        return raw.geometry.to_crs(WGS84)
    except Exception as err:  # pyproj raises several unrelated types
        problems.add(None, None, f"cannot reproject from {raw.crs.name} to WGS84: {err}")
        return None
