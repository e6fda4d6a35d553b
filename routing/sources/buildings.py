"""Read building footprints from GeoJSON, GeoPackage or Shapefile into the buildings frame."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Final, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.errors import Note, ProblemCollector
from routing.schema import (
    BUILDING_COLUMNS,
    DEFAULT_LEVELS_BY_TYPE,
    DEFAULT_LEVELS_OTHER,
    DEFAULT_UNITS_PER_FLOOR_BY_TYPE,
    DEFAULT_UNITS_PER_FLOOR_OTHER,
    LIFT_MIN_LEVELS,
    STOREY_HEIGHT_M,
    WGS84,
)
from routing.sources.limits import LIMITS
from routing.sources.tables import (
    excel_text,
    excerpt,
    file_name,
    find_bad_ids,
    find_duplicates,
    map_headers,
    parse_bool,
    parse_number,
    parse_whole,
    raise_sorted,
    report,
)
from routing.sources.vector import GEOMETRY_FIELD, POLYGONAL, read_shapes

# Attribute headers accepted in vector files: canonical column -> accepted names.
BUILDING_HEADERS: Final = MappingProxyType(
    {
        "building_id": ("building_id", "id", "楼栋", "楼栋编号"),
        "name": ("name", "名称"),
        "building_type": ("building", "building_type", "type", "类型"),
        "levels": ("building:levels", "levels", "层数"),
        "height": ("height", "高度"),
        "units_per_floor": ("units_per_floor", "units", "每层户数"),
        "has_lift": ("lift", "has_lift", "电梯"),
        "basement_levels": ("basement_levels", "building:levels:underground", "地下层数"),
        "entrance_lon": ("entrance_lon", "入口经度"),
        "entrance_lat": ("entrance_lat", "入口纬度"),
    }
)


def read_buildings(
    path: str | Path,
    *,
    name: str | None = None,
    levels_default: int | None = None,
    units_per_floor_default: int | None = None,
    notes: list[Note] | None = None,
) -> gpd.GeoDataFrame:
    """Read and validate building footprints.

    An invalid footprint (a self-intersecting outline) is repaired with
    ``shapely.make_valid`` and keeps its polygonal part; each repair is a note. Only a
    footprint that no repair turns into an area is refused.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile of polygons; attributes named as in
        ``BUILDING_HEADERS`` (English or Chinese). A declared projected CRS is
        reprojected; a file without CRS must be in longitude/latitude.
    name : str, optional
        How the file is named in messages; default its basename.
    levels_default : int, optional
        Levels of buildings with neither levels nor height, instead of the
        per-type defaults of ``routing.schema``.
    units_per_floor_default : int, optional
        Units per floor where the file does not say, instead of the per-type defaults.
    notes : list of Note, optional
        Receives one note per repaired footprint (FILE:ROW:geometry).

    Returns
    -------
    GeoDataFrame
        ``BUILDING_COLUMNS`` in EPSG:4326, one row per feature in file order.

    Raises
    ------
    InputError
        Every problem found: unreadable file, bad geometry, CRS, attributes, ids.
    """
    path = Path(path)
    problems = ProblemCollector(file_name(path, name))
    raw, geometry, repaired = read_shapes(
        path, problems, "buildings", LIMITS["buildings"], POLYGONAL, "polygon"
    )
    attributes = _attributes(raw, problems)
    raise_sorted(problems, [str(c) for c in raw.columns])
    assert geometry is not None  # no problems means the CRS was usable
    for row, reason in repaired.items():
        label = str(attributes.at[row, "building_id"] or attributes.at[row, "name"])
        who = f"building '{excerpt(label)}'" if label else f"feature {row}"
        problems.note(
            int(cast(int, row)),
            GEOMETRY_FIELD,
            f"repaired the invalid footprint of {who} ({excerpt(reason, 80)}) "
            "with make_valid; check its outline on the map",
        )
    if notes is not None:
        notes.extend(problems.notes)
    return complete_buildings(
        attributes,
        geometry,
        levels_default=levels_default,
        units_per_floor_default=units_per_floor_default,
    )


def _attributes(raw: gpd.GeoDataFrame, problems: ProblemCollector) -> pd.DataFrame:
    """Parse attribute columns; row numbers are 1-based feature numbers."""
    headers = [str(c) for c in raw.columns if c != raw.geometry.name]
    found = map_headers(headers, BUILDING_HEADERS, (), problems)
    rows = pd.RangeIndex(1, len(raw) + 1)
    text = pd.DataFrame(
        {
            column: raw[headers[found[column]]].map(excel_text).to_numpy()
            if column in found
            else ""
            for column in BUILDING_HEADERS
        },
        index=rows,
        dtype="str",
    )
    fields = {c: headers[found[c]] if c in found else c for c in BUILDING_HEADERS}
    parsed = pd.DataFrame(index=rows)
    parsed["building_id"] = _ids(text["building_id"], "building_id" in found, fields, problems)
    parsed["name"] = text["name"]
    parsed["building_type"] = text["building_type"]
    for column, minimum in (("levels", 1), ("units_per_floor", 1), ("basement_levels", 0)):
        parsed[column], bad = parse_whole(text[column], minimum=minimum)
        report(problems, bad, fields[column])
    parsed["has_lift"], bad = parse_bool(text["has_lift"])
    report(problems, bad, fields["has_lift"])
    for column, limit in (("height", None), ("entrance_lon", 180), ("entrance_lat", 90)):
        parsed[column], bad = _measure(text[column], limit)
        report(problems, bad, fields[column])
    half = parsed["entrance_lon"].isna() != parsed["entrance_lat"].isna()
    message = pd.Series("give both entrance_lon and entrance_lat", index=rows)
    report(problems, message[half], fields["entrance_lon"])
    return parsed


def _measure(values: pd.Series, limit: float | None) -> tuple[pd.Series, pd.Series]:
    """Numbers within ±limit (degrees), or non-negative ones (metres) without a limit."""
    numbers, bad = parse_number(values)
    outside = numbers < 0 if limit is None else numbers.abs() > limit
    return numbers, pd.concat([bad, ("out of range: '" + values + "'")[outside]])


def _ids(
    ids: pd.Series, given: bool, fields: dict[str, str], problems: ProblemCollector
) -> pd.Series:
    if not given:
        return "B" + pd.Series(ids.index.astype(str), index=ids.index, dtype="str")
    report(
        problems,
        pd.Series("missing building id", index=ids.index)[ids == ""],
        fields["building_id"],
    )
    report(problems, find_bad_ids(ids, "building id"), fields["building_id"])
    report(problems, find_duplicates(ids, "building id"), fields["building_id"])
    return ids


def _lift(given: pd.Series, levels: pd.Series) -> pd.Series:
    """The lift attribute where given, else whether the building is tall enough for one."""
    return given.fillna(False).astype(bool).where(given.notna(), levels >= LIFT_MIN_LEVELS)


def complete_buildings(
    attributes: pd.DataFrame,
    geometry: gpd.GeoSeries,
    *,
    levels_default: int | None = None,
    units_per_floor_default: int | None = None,
) -> gpd.GeoDataFrame:
    """Fill levels, units, lift and basement from defaults; return the schema frame.

    Parameters
    ----------
    attributes : DataFrame
        Parsed values aligned with ``geometry``: ``building_id``, ``name``,
        ``building_type`` (str, "" unknown), ``levels``, ``units_per_floor``,
        ``basement_levels`` (Int64, <NA> unknown), ``height``, ``entrance_lon``,
        ``entrance_lat`` (float, NaN unknown) and ``has_lift`` (boolean, <NA> unknown).
    geometry : GeoSeries
        Valid polygonal footprints in EPSG:4326.
    levels_default, units_per_floor_default : int, optional
        Overrides of the per-type defaults of ``routing.schema``.

    Returns
    -------
    GeoDataFrame
        ``BUILDING_COLUMNS`` in EPSG:4326.
    """
    kind = attributes["building_type"].replace("", "yes")
    by_type = kind.map(DEFAULT_LEVELS_BY_TYPE).fillna(DEFAULT_LEVELS_OTHER).to_numpy()
    fallback = by_type if levels_default is None else levels_default
    from_height = (attributes["height"] / STOREY_HEIGHT_M).round().clip(lower=1).to_numpy()
    given = attributes["levels"].astype("float64").to_numpy()
    conditions = [~np.isnan(given), ~np.isnan(from_height)]
    levels = pd.Series(np.select(conditions, [given, from_height], fallback), index=kind.index)
    source = np.select(conditions, ["levels", "height"], "default")
    units_by_type = kind.map(DEFAULT_UNITS_PER_FLOOR_BY_TYPE).fillna(DEFAULT_UNITS_PER_FLOOR_OTHER)
    units_fallback = units_by_type if units_per_floor_default is None else units_per_floor_default
    frame = pd.DataFrame(
        {
            "building_id": attributes["building_id"].astype("str"),
            "name": attributes["name"].astype("str"),
            "building_type": kind.astype("str"),
            "levels": levels.astype("int64"),
            "levels_source": pd.Series(source, index=kind.index, dtype="str"),
            "units_per_floor": attributes["units_per_floor"].fillna(units_fallback).astype("int64"),
            "has_lift": _lift(attributes["has_lift"], levels),
            "basement_levels": attributes["basement_levels"].fillna(0).astype("int64"),
            "entrance_lon": attributes["entrance_lon"].astype("float64"),
            "entrance_lat": attributes["entrance_lat"].astype("float64"),
        }
    )
    frame = frame.reset_index(drop=True)
    result = gpd.GeoDataFrame(frame, geometry=geometry.reset_index(drop=True), crs=WGS84)
    return result[list(BUILDING_COLUMNS)]
