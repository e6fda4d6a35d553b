"""Read buildings and walkable ways from an OpenStreetMap PBF extract (pyrosm)."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyrosm
import shapely
from shapely.geometry.base import BaseGeometry

from routing.errors import ProblemCollector
from routing.schema import WGS84
from routing.sources.area import read_area
from routing.sources.buildings import complete_buildings
from routing.sources.limits import LIMITS, check_size
from routing.sources.tables import file_name
from routing.sources.vector import POLYGONAL, polygonal_part

_OSM_TYPE_PREFIX = {"way": "w", "relation": "r", "node": "n"}
_FIRST_NUMBER = r"(\d+(?:[.,]\d+)?)"


@dataclass(frozen=True, eq=False)
class OsmExtract:
    """Buildings and walkable ways of one OSM extract, both in EPSG:4326.

    ``notes`` say what was repaired, dropped or clipped on the way in, so that
    nothing disappears silently.
    """

    buildings: gpd.GeoDataFrame
    walk_edges: gpd.GeoDataFrame
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """One line per fact: counts, then the notes."""
        lines = [f"{len(self.buildings)} buildings, {len(self.walk_edges)} walkable edges"]
        return "\n".join(lines + list(self.notes))


def read_osm(
    path: str | Path,
    *,
    bbox: Sequence[float] | None = None,
    boundary: str | Path | None = None,
    name: str | None = None,
) -> OsmExtract:
    """Read building footprints and the walking network from an ``.osm.pbf`` file.

    Buildings crossing the edge of the area are kept when their representative
    point (a point inside the footprint) lies inside the area, so each building
    belongs to exactly one of two adjacent areas. Invalid footprints are repaired
    with ``shapely.make_valid`` (OSM data cannot be fixed by the user) and
    degenerate ones dropped; both are counted in ``notes``.

    Parameters
    ----------
    path : str or Path
        The OSM PBF extract.
    bbox : sequence of float, optional
        ``(west, south, east, north)`` in degrees.
    boundary : str or Path, optional
        A GeoJSON/GeoPackage/Shapefile whose polygons together are the area.
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    OsmExtract
        Buildings per ``BUILDING_COLUMNS`` (ids "w<id>"/"r<id>") and walkable edges
        (``u``, ``v``, ``length``, ``highway``, ``geometry`` and pyrosm's other tags).

    Raises
    ------
    InputError
        Bad bbox or boundary, unreadable file, no buildings or no walkable ways.
    """
    path = Path(path)
    problems = ProblemCollector(file_name(path, name))
    area = _area(bbox, boundary, problems)
    if not path.is_file():
        problems.add(None, None, "file not found")
    else:
        check_size(path, LIMITS["osm"], problems)
    problems.raise_if_any()
    raw_buildings, edges, notes = _read_pbf(path, area, problems)
    problems.raise_if_any()
    buildings, more = _building_frame(raw_buildings, area)
    if buildings.empty:
        problems.add(None, None, "no buildings in the area")
    if edges.empty:
        problems.add(None, None, "no walkable ways in the area")
    problems.raise_if_any()
    # Imported here: table and footprint readers should not pull in the graph stack.
    from routing.network import filter_walkable

    walk_edges = filter_walkable(edges.to_crs(WGS84))
    return OsmExtract(buildings, walk_edges, tuple(notes + more))


def _area(
    bbox: Sequence[float] | None, boundary: str | Path | None, problems: ProblemCollector
) -> BaseGeometry | None:
    if bbox is not None and boundary is not None:
        problems.add(None, "bbox", "give either a bbox or a boundary file, not both")
        return None
    if bbox is not None:
        return _bbox_polygon(bbox, problems)
    if boundary is not None:
        return read_area(boundary)
    return None


def _bbox_polygon(bbox: Sequence[float], problems: ProblemCollector) -> BaseGeometry | None:
    try:
        west, south, east, north = (float(v) for v in bbox)
    except (TypeError, ValueError):
        problems.add(None, "bbox", f"expected four numbers west,south,east,north; got {bbox!r}")
        return None
    if not all(map(math.isfinite, (west, south, east, north))):
        problems.add(None, "bbox", f"not finite numbers: {bbox!r}")
    elif not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        problems.add(
            None,
            "bbox",
            f"expected west < east within ±180 and south < north within ±90; got {list(bbox)}",
        )
    else:
        return shapely.box(west, south, east, north)
    return None


def _read_pbf(
    path: Path, area: BaseGeometry | None, problems: ProblemCollector
) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame, list[str]]:
    empty = gpd.GeoDataFrame(geometry=[], crs=WGS84)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            osm = pyrosm.OSM(str(path), bounding_box=area, complete_relations=area is not None)
            buildings = osm.get_buildings()
            _, edges = osm.get_network(network_type="walking", nodes=True)
        except Exception as err:  # pyrosm surfaces protobuf, zlib and its own errors
            reason = _reason(err).replace(str(path), problems.file)
            problems.add(None, None, f"not a readable OSM PBF file: {reason}")
            return None, empty, []
    notes = [
        f"pyrosm: {w.message}"
        for w in caught
        if "pyrosm" in w.filename and "Could not find" not in str(w.message)
    ]
    return buildings, empty if edges is None else edges, notes


def _reason(err: Exception) -> str:
    """The gist of a reader error: pyrosm ends its long messages with "(reason)."."""
    text = str(err).strip()
    found = re.search(r"\(([^()]+)\)\.?$", text)
    if found:
        return found[1]
    return text.splitlines()[0][:160] if text else type(err).__name__


def _building_frame(
    raw: gpd.GeoDataFrame | None, area: BaseGeometry | None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Polygonal, valid, clipped buildings per the schema, with notes on what changed."""
    if raw is None or raw.empty:
        return gpd.GeoDataFrame(geometry=[], crs=WGS84), []
    raw = raw.to_crs(WGS84).reset_index(drop=True)
    geometry, notes = _valid_polygons(raw.geometry.to_numpy())
    keep = ~shapely.is_empty(geometry) & ~shapely.is_missing(geometry)
    if area is not None:
        inside = shapely.contains(area, shapely.point_on_surface(geometry))
        outside = int((keep & ~inside).sum())
        if outside:
            notes.append(
                f"left out {outside} building(s) whose interior point lies outside the area"
            )
        keep &= inside
    raw = raw[keep].reset_index(drop=True)
    geometry = gpd.GeoSeries(geometry[keep], crs=WGS84)
    return complete_buildings(_attributes(raw), geometry), notes


def _valid_polygons(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Keep polygonal footprints, repairing invalid ones; empty where nothing is left."""
    notes = []
    values = values.copy()
    other = ~np.isin(shapely.get_type_id(values), POLYGONAL)
    if other.any():
        notes.append(f"dropped {other.sum()} building(s) mapped as points or lines")
        values[other] = shapely.Polygon()
    invalid = ~shapely.is_valid(values)
    if invalid.any():
        repaired = polygonal_part(shapely.make_valid(values[invalid]))
        dropped = int(shapely.is_empty(repaired).sum())
        values[invalid] = repaired
        fixed = int(invalid.sum()) - dropped
        notes.append(f"repaired {fixed} invalid footprint(s) with shapely.make_valid")
        if dropped:
            notes.append(f"dropped {dropped} degenerate footprint(s) with no area")
    return values, notes


def _attributes(raw: gpd.GeoDataFrame) -> pd.DataFrame:
    """Schema attributes from pyrosm's columns and its JSON ``tags`` column."""
    prefix = _text(raw, "osm_type").map(_OSM_TYPE_PREFIX).fillna("")
    street = (_text(raw, "addr:street") + " " + _text(raw, "addr:housenumber")).str.strip()
    name = _text(raw, "name")
    levels = _first_number(_text(raw, "building:levels")).apply(np.ceil)
    underground = _text(raw, "building:levels:underground")
    from_tags = _text(raw, "tags").str.extract(r'"building:levels:underground"\s*:\s*"([^"]*)"')[0]
    basement = _first_number(underground.where(underground != "", from_tags.fillna("")))
    missing = pd.Series(np.nan, index=raw.index)
    return pd.DataFrame(
        {
            "building_id": prefix + raw["id"].astype("int64").astype("str"),
            "name": name.where(name != "", street),
            "building_type": _text(raw, "building"),
            "levels": levels.where(levels >= 1).astype("Int64"),
            "height": _first_number(_text(raw, "height")),
            "units_per_floor": missing.astype("Int64"),
            "has_lift": missing.astype("boolean"),
            "basement_levels": basement.round().astype("Int64"),
            "entrance_lon": missing,
            "entrance_lat": missing,
        }
    )


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    if column not in raw:
        return pd.Series("", index=raw.index, dtype="str")
    return raw[column].fillna("").astype("str").str.strip()


def _first_number(values: pd.Series) -> pd.Series:
    """The first number in OSM values like "5", "5;6", "5.5" or "12 m"; NaN when none."""
    found = values.str.extract(_FIRST_NUMBER)[0].str.replace(",", ".")
    return pd.to_numeric(found, errors="coerce").astype("float64")
