"""Shared reading of vector files (GeoJSON, GeoPackage, Shapefile): clear errors, WGS84 out."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from routing.errors import ProblemCollector
from routing.schema import WGS84
from routing.sources.formats import SUFFIXES, ZIP_SUFFIX, VectorSource, harden_gdal, vector_source
from routing.sources.limits import FileLimits, too_many_rows
from routing.sources.tables import excerpt, raise_sorted, report

GEOMETRY_FIELD: Final = "geometry"
POLYGONAL: Final = (3, 6)  # shapely type ids of Polygon, MultiPolygon
LINEAR: Final = (1, 5)  # LineString, MultiLineString
VECTOR_SUFFIXES: Final = frozenset({*SUFFIXES, ZIP_SUFFIX})
_ERROR_CHARS = 160  # a reader error quoted in a message


def read_vector(
    path: Path, problems: ProblemCollector, what: str, limits: FileLimits
) -> gpd.GeoDataFrame:
    """Read a vector file, or add problems and return an empty frame.

    Parameters
    ----------
    path : Path
        GeoJSON (``.geojson``/``.json``), GeoPackage (``.gpkg``), Shapefile (``.shp``
        with its ``.shx``/``.dbf``, or all of them in one ``.zip``).
    problems : ProblemCollector
        Receives every problem, named by the collector's file name (never ``path``).
    what : str
        The features the file should hold ("buildings"), for messages.
    limits : FileLimits
        Size, unpacked size and feature limits.

    Returns
    -------
    GeoDataFrame
        The first layer's features, or an empty frame when ``problems`` grew.
    """
    harden_gdal()
    with vector_source(path, limits, problems, what) as source:
        if source is None:
            return gpd.GeoDataFrame()
        frame = _read(source, problems, limits)
    if frame is None:
        return gpd.GeoDataFrame()
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        problems.add(None, None, f"no geometry: the layer is a table, not a map of {what}")
        return gpd.GeoDataFrame()
    if too_many_rows(len(frame), limits, problems):
        return gpd.GeoDataFrame()
    if len(frame) == 0:
        problems.add(None, None, f"no features: the file holds no {what}")
    return frame


def _read(
    source: VectorSource, problems: ProblemCollector, limits: FileLimits
) -> gpd.GeoDataFrame | pd.DataFrame | None:
    try:
        with warnings.catch_warnings():
            # Mixed-type JSON properties are read as text; the attribute checks report them.
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyogrio")
            return pyogrio.read_dataframe(source.gdal_path(), max_features=limits.max_rows + 1)
    except Exception as err:  # GDAL reports damaged files through many exception types
        # Never the server's path in a message: the file is named as the user named it.
        text = str(err).replace(source.gdal_path(), problems.file)
        text = text.replace(str(source.path.resolve()), problems.file)
        gist = excerpt(text.strip().splitlines()[0] if text.strip() else type(err).__name__)
        problems.add(None, None, f"cannot read as {source.driver}: {gist[:_ERROR_CHARS]}")
        return None


def read_shapes(
    path: Path,
    problems: ProblemCollector,
    what: str,
    limits: FileLimits,
    kinds: tuple[int, ...],
    noun: str,
) -> tuple[gpd.GeoDataFrame, gpd.GeoSeries | None, pd.Series]:
    """Read a vector file and check its geometries (``read_vector``, ``check_geometry``,
    ``to_wgs84``); a file that cannot be read raises at once.

    Returns
    -------
    raw : GeoDataFrame
        The features as read, attributes included.
    geometry : GeoSeries or None
        Their checked geometries in WGS84; None when the CRS was unusable (a problem).
    repaired : Series
        Feature number → why the polygon was invalid, for each repaired polygon.

    Raises
    ------
    InputError
        The file could not be read (the problems so far).
    """
    raw = read_vector(path, problems, what, limits)
    raise_sorted(problems)
    checked, repaired = check_geometry(raw.geometry, problems, kinds, noun)
    return raw, to_wgs84(checked, problems), repaired


def check_geometry(
    geometry: gpd.GeoSeries, problems: ProblemCollector, kinds: tuple[int, ...], noun: str
) -> tuple[gpd.GeoSeries, pd.Series]:
    """Report missing, empty and wrong-kind geometries by feature number; repair polygons.

    Invalid polygons are repaired with ``shapely.make_valid`` and keep their polygonal
    part; one whose repair leaves no area is reported. Invalid lines are reported.

    Returns
    -------
    geometry : GeoSeries
        The geometries with repaired polygons in place (same index and CRS).
    repaired : Series
        Feature number → why the polygon was invalid, for each repaired polygon.
    """
    rows = pd.RangeIndex(1, len(geometry) + 1)
    values = geometry.to_numpy().copy()
    missing = shapely.is_missing(values)
    empty = ~missing & shapely.is_empty(values)
    types_id = pd.Series(shapely.get_type_id(values), index=rows)
    wanted = types_id.isin(kinds).to_numpy()
    types = pd.Series(geometry.geom_type.to_numpy(), index=rows, dtype="str")
    not_wanted = ~missing & ~empty & ~wanted
    invalid = ~missing & ~empty & wanted & ~shapely.is_valid(values)
    reasons = pd.Series(shapely.is_valid_reason(values), index=rows, dtype="str")
    report(problems, pd.Series("missing geometry", index=rows)[missing], GEOMETRY_FIELD)
    report(problems, pd.Series("empty geometry", index=rows)[empty], GEOMETRY_FIELD)
    report(problems, (f"not a {noun}: " + types)[not_wanted], GEOMETRY_FIELD)
    repaired = pd.Series(dtype="str")
    if kinds == POLYGONAL and invalid.any():
        values[invalid] = polygonal_part(shapely.make_valid(values[invalid]))
        lost = invalid & shapely.is_empty(values)
        message = f"invalid {noun} that no repair makes an area: " + reasons
        report(problems, message[lost], GEOMETRY_FIELD)
        repaired = reasons[invalid & ~lost]
    else:
        report(problems, (f"invalid {noun}: " + reasons)[invalid], GEOMETRY_FIELD)
    fixed = gpd.GeoSeries(values, index=geometry.index, crs=geometry.crs, name=geometry.name)
    return fixed, repaired


def polygonal_part(values: np.ndarray) -> np.ndarray:
    """The polygons inside each geometry (make_valid may add lines), empty when none."""
    parts, owner = shapely.get_parts(values, return_index=True)
    is_polygon = shapely.get_type_id(parts) == 3
    result = np.full(len(values), shapely.Polygon(), dtype=object)
    for index in np.unique(owner[is_polygon]):  # only the few repaired footprints
        polygons = list(parts[is_polygon & (owner == index)])
        result[index] = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    return result


def to_wgs84(geometry: gpd.GeoSeries, problems: ProblemCollector) -> gpd.GeoSeries | None:
    """The geometries in WGS84, or None with a problem when the CRS cannot be trusted.

    GDAL declares every GeoJSON without a ``crs`` member to be WGS84, so metres
    in such a file show up as a geographic CRS with impossible coordinates.
    """
    if geometry.crs is None or geometry.crs.is_geographic:
        west, south, east, north = geometry.total_bounds
        if max(abs(west), abs(east)) > 180 or max(abs(south), abs(north)) > 90:
            problems.add(
                None,
                None,
                "coordinates look like metres, not WGS84 longitude/latitude; "
                "set the file's CRS or reproject to EPSG:4326",
            )
            return None
    if geometry.crs is None:
        return geometry.set_crs(WGS84)
    try:
        return geometry.to_crs(WGS84)
    except Exception as err:  # pyproj raises several unrelated types
        problems.add(None, None, f"cannot reproject from {geometry.crs.name} to WGS84: {err}")
        return None
