"""Read an area (a boundary) from a vector file: the union of its polygons, in WGS84."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry.base import BaseGeometry

from routing.errors import ProblemCollector
from routing.sources.limits import LIMITS
from routing.sources.tables import file_name
from routing.sources.vector import POLYGONAL, read_shapes


def read_area(path: str | Path, *, name: str | None = None) -> BaseGeometry:
    """The union of the polygons of a boundary file, in WGS84.

    Read as every vector upload is (``routing.sources.vector``): the format checked from
    the file's own bytes, one GDAL driver, the boundary size limits. Every feature must
    be a polygon; invalid polygons are repaired as footprints are, and one that no
    repair makes an area is refused. A file without a CRS is taken as WGS84, unless its
    coordinates look like metres.

    Parameters
    ----------
    path : str or Path
        GeoJSON, GeoPackage or Shapefile (``.shp`` or zipped).
    name : str, optional
        How the file is named in messages; default its basename.

    Returns
    -------
    shapely geometry
        Polygon or MultiPolygon.

    Raises
    ------
    InputError
        Unreadable file, no features, a feature that is not a polygon (FILE:FEATURE:geometry),
        a polygon without area, or coordinates that cannot be put in WGS84.
    """
    path = Path(path)
    problems = ProblemCollector(file_name(path, name))
    _, geometry, _ = read_shapes(
        path, problems, "boundary polygons", LIMITS["boundary"], POLYGONAL, "polygon"
    )
    problems.raise_if_any()
    assert geometry is not None  # no problems means the CRS was usable
    return geometry.union_all()
