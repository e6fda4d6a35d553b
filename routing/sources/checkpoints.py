"""Read patrol checkpoints (CSV/XLSX with lon/lat, or a vector file of points), all or nothing."""

from __future__ import annotations

import math
from pathlib import Path
from types import MappingProxyType
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from routing.errors import ProblemCollector
from routing.hours import describe, match_window
from routing.schema import WGS84
from routing.sources.limits import LIMITS
from routing.sources.tables import Table, canonical_frame, read_table, report
from routing.sources.vector import read_vector

CHECKPOINT_HEADERS: Final = MappingProxyType(
    {
        "checkpoint_id": ("编号", "检查点编号", "checkpoint_id", "id"),
        "name": ("名称", "检查点", "地点", "name"),
        "category": ("类型", "类别", "kind", "category", "type"),
        "lon": ("经度", "lon", "lng", "longitude", "x"),
        "lat": ("纬度", "lat", "latitude", "y"),
        "service_minutes": ("停留分钟", "停留时间", "检查时间", "service_minutes", "minutes"),
        "hours": ("时段", "检查时段", "开放时间", "hours", "time_window"),
    }
)
CHECKPOINT_COLUMNS: Final = (
    "checkpoint_id",  # str, unique ("C001"… in file order when the file has none)
    "name",  # str
    "category",  # str, "" when not given (积水点, 摊贩点, 宣传栏…)
    "service_s",  # float seconds at the point, NaN = the patrol kind's default
    "hours",  # "HH:MM-HH:MM" when the point matters only then, else ""
    "opens_s",  # float clock seconds of the hours, NaN without hours
    "closes_s",
    "row",  # the file's row (the header is row 1) or feature number
    "geometry",  # Point, WGS84
)
MAX_SERVICE_MINUTES: Final = 240
_TABLE_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"})


def read_checkpoints(path: str | Path, *, name: str | None = None) -> gpd.GeoDataFrame:
    """Read and validate patrol checkpoints.

    A table (CSV, XLSX) gives each point by ``经度``/``lon`` and ``纬度``/``lat`` in
    WGS84 degrees; a GeoJSON, GeoPackage or Shapefile gives points as geometry (any
    CRS; none = WGS84) with the other columns as properties. Columns (Chinese or
    English headers, see ``CHECKPOINT_HEADERS``): name (required), id, kind/category,
    service minutes (0..240, decimals allowed) and hours ``HH:MM-HH:MM`` when the point
    matters only then (e.g. vendor spots at market time).

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    GeoDataFrame
        ``CHECKPOINT_COLUMNS`` in file order, WGS84.

    Raises
    ------
    InputError
        Every problem, as ``FILE:ROW:FIELD: message``.
    """
    path = Path(path)
    if path.suffix.lower() in _TABLE_SUFFIXES:
        table = read_table(path, name=name, limits=LIMITS["checkpoints"])
        problems = ProblemCollector(table.name)
        text, fields = canonical_frame(table, CHECKPOINT_HEADERS, ("name", "lon", "lat"), problems)
        geometry = _points_from_columns(text, fields, problems)
    else:
        problems = ProblemCollector(name if name is not None else path.name)
        raw = read_vector(path, problems, "checkpoints", LIMITS["checkpoints"])
        problems.raise_if_any()
        table = _properties_table(problems.file, raw)
        text, fields = canonical_frame(table, CHECKPOINT_HEADERS, ("name",), problems)
        geometry = _points_from_geometry(raw, problems)
    frame = _columns(text, fields, problems)
    _sort(problems, (*table.headers, "geometry"))
    problems.raise_if_any()
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)[list(CHECKPOINT_COLUMNS)]


def _columns(
    text: pd.DataFrame, fields: dict[str, str], problems: ProblemCollector
) -> pd.DataFrame:
    rows = text.index.to_numpy()
    frame = pd.DataFrame(index=pd.RangeIndex(len(text)))
    ids = text["checkpoint_id"].to_numpy(dtype=object)
    default = np.array([f"C{i + 1:03d}" for i in range(len(text))], dtype=object)
    frame["checkpoint_id"] = np.where(ids == "", default, ids)
    _duplicates(pd.Series(frame["checkpoint_id"].to_numpy(), index=text.index), fields, problems)
    report(problems, _missing(text["name"], "a name"), fields["name"])
    frame["name"] = text["name"].to_numpy()
    frame["category"] = text["category"].to_numpy()
    minutes, bad = _minutes(text["service_minutes"])
    report(problems, bad, fields["service_minutes"])
    frame["service_s"] = (minutes * 60).to_numpy(dtype=float)
    hours, opens, closes, bad = _hours(text["hours"])
    report(problems, bad, fields["hours"])
    frame["hours"], frame["opens_s"], frame["closes_s"] = hours, opens, closes
    frame["row"] = rows.astype(int)
    return frame


def _missing(values: pd.Series, what: str) -> pd.Series:
    """Row → message for each empty cell."""
    message = pd.Series(f"missing value: every checkpoint needs {what}", index=values.index)
    return message[values == ""]


def _duplicates(ids: pd.Series, fields: dict[str, str], problems: ProblemCollector) -> None:
    first: dict[str, int] = {}
    for row, value in ids.items():
        if value in first:
            message = f"duplicate checkpoint id '{value}' (first in row {first[value]})"
            problems.add(int(str(row)), fields["checkpoint_id"], message)
        else:
            first[value] = int(str(row))


def _minutes(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Service minutes: empty = NaN (the kind's default); 0..240, decimals allowed."""
    given = values != ""
    stripped = values.str.normalize("NFKC").str.replace(r"\s*(?:min|分钟|分)$", "", regex=True)
    numbers = pd.to_numeric(stripped.where(given), errors="coerce").astype("float64")
    finite = np.isfinite(numbers)
    bad = ("not a number of minutes: '" + values + "'")[given & ~finite]
    out_of_range = finite & ((numbers < 0) | (numbers > MAX_SERVICE_MINUTES))
    wrong = f"must be between 0 and {MAX_SERVICE_MINUTES} minutes: '" + values + "'"
    return numbers.where(finite), pd.concat([bad, wrong[out_of_range]])


def _hours(values: pd.Series) -> tuple[list[str], list[float], list[float], pd.Series]:
    """One window "HH:MM-HH:MM" per point (zero-padded), as clock seconds too."""
    hours, opens, closes, bad = [], [], [], {}
    for row, value in values.items():
        text = str(value).strip()
        window = match_window(text.replace(" ", "")) if text else None
        if text and window is None:
            bad[row] = f"bad hours '{text}' (expected HH:MM-HH:MM, e.g. 07:00-09:30)"
        elif window is not None and window[0] >= window[1]:
            bad[row] = f"hours '{text}' do not end after they start (overnight is not supported)"
            window = None
        if window is None:
            hours.append("")
            opens.append(math.nan)
            closes.append(math.nan)
            continue
        hours.append(describe([window]))
        opens.append(float(window[0]))
        closes.append(float(window[1]))
    return hours, opens, closes, pd.Series(bad, dtype="str")


def _points_from_columns(
    text: pd.DataFrame, fields: dict[str, str], problems: ProblemCollector
) -> gpd.GeoSeries:
    coords = {}
    for column, limit in (("lon", 180.0), ("lat", 90.0)):
        values = text[column]
        numbers = pd.to_numeric(values.str.normalize("NFKC").where(values != ""), errors="coerce")
        report(problems, _missing(values, f"its {column}"), fields[column])
        bad = ("not a number: '" + values + "'")[(values != "") & numbers.isna()]
        report(problems, bad, fields[column])
        outside = numbers.abs() > limit
        wrong = f"must be WGS84 degrees within ±{limit:g} (metres?): '" + values + "'"
        report(problems, wrong[outside.fillna(False).astype(bool)], fields[column])
        coords[column] = numbers.where(~outside).to_numpy(dtype=float)
    return gpd.GeoSeries(gpd.points_from_xy(coords["lon"], coords["lat"]), crs=WGS84)


def _properties_table(file: str, raw: gpd.GeoDataFrame) -> Table:
    """The vector file's properties as a table of strings, rows = feature numbers."""
    columns = [c for c in raw.columns if c != raw.geometry.name]
    rows = tuple(tuple(_cell(raw[c].iat[i]) for c in columns) for i in range(len(raw)))
    return Table(file, tuple(map(str, columns)), rows, tuple(range(1, len(raw) + 1)))


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _points_from_geometry(raw: gpd.GeoDataFrame, problems: ProblemCollector) -> gpd.GeoSeries:
    """The features' points in WGS84; one problem per feature that is not a point."""
    values = raw.geometry.to_numpy()
    for i, geom in enumerate(values, start=1):
        if geom is None or shapely.is_empty(geom):
            problems.add(i, "geometry", "missing geometry: every checkpoint needs its point")
        elif geom.geom_type != "Point":
            problems.add(i, "geometry", f"not a point: {geom.geom_type}")
    points = gpd.GeoSeries(
        [g if g is not None and g.geom_type == "Point" else None for g in values], crs=raw.crs
    )
    if points.crs is None or points.crs.is_geographic:
        x, y = points.x.abs(), points.y.abs()
        if (x > 180).any() or (y > 90).any():
            problems.add(
                None, None, "coordinates look like metres, not WGS84 longitude/latitude; "
                "set the file's CRS or reproject to EPSG:4326",
            )  # fmt: skip
            return gpd.GeoSeries([None] * len(points), crs=WGS84)
        return points.set_crs(WGS84, allow_override=True)
    return points.to_crs(WGS84)


def _sort(problems: ProblemCollector, headers: tuple[str, ...]) -> None:
    """Problems in file order: by row, then by column."""
    column = {header: i for i, header in enumerate(headers)}
    problems.problems.sort(
        key=lambda p: (p.row is not None, p.row or 0, column.get(p.field or "", len(column)))
    )
