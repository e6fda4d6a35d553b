"""Read a walking-path line layer (GeoJSON, GeoPackage, Shapefile) for the walking network."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from routing.errors import ProblemCollector
from routing.network import WALK_HIGHWAYS
from routing.schema import WGS84
from routing.sources.limits import LIMITS
from routing.sources.tables import file_name, quoted, raise_sorted, report
from routing.sources.vector import LINEAR, read_shapes

# Lines without a highway attribute are taken as footways.
DEFAULT_HIGHWAY = "footway"


def read_paths(path: str | Path, *, name: str | None = None) -> gpd.GeoDataFrame:
    """Read and validate a line layer of walkable paths.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile of (Multi)LineStrings. An optional
        ``highway`` attribute (OSM values such as footway, steps, residential) sets
        walking speed; lines whose highway is not walkable (e.g. motorway) are refused.
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    GeoDataFrame
        ``highway`` and ``geometry`` in EPSG:4326, ready for ``WalkingNetwork.from_lines``.

    Raises
    ------
    InputError
        Every problem found: unreadable file, bad geometry, CRS, unknown highway values.
    """
    path = Path(path)
    problems = ProblemCollector(file_name(path, name))
    raw, geometry, _ = read_shapes(path, problems, "paths", LIMITS["paths"], LINEAR, "line")
    rows = pd.RangeIndex(1, len(raw) + 1)
    if "highway" in raw.columns:
        highway = pd.Series(raw["highway"].fillna("").astype(str).to_numpy(), index=rows)
        highway = highway.str.strip().replace("", DEFAULT_HIGHWAY)
        closed = ~highway.isin(WALK_HIGHWAYS)
        report(problems, "not a walkable highway: " + quoted(highway[closed]), "highway")
    else:
        highway = pd.Series(DEFAULT_HIGHWAY, index=rows)
    raise_sorted(problems)
    assert geometry is not None  # no problems means the CRS was usable
    return gpd.GeoDataFrame(
        {"highway": highway.to_numpy()}, geometry=geometry.to_numpy(), crs=WGS84
    )
