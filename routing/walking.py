"""Walking on foot: speeds, which ways are walkable, travel matrices, the no-network fallback."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer

from routing.schema import WGS84

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# highway=* values a pedestrian may walk on. Roads up to primary are kept because people
# walk their sidewalks; motorway, trunk and their links never are, nor construction,
# proposed, raceway or anything else not listed. "trail" is not an OSM standard value but
# pyrosm's walking network carries it (hundreds of ways in Helsinki) as a path synonym.
WALK_HIGHWAYS: Final = frozenset(
    {
        "footway", "path", "trail", "steps", "pedestrian", "living_street", "residential",
        "service", "track", "corridor", "elevator", "cycleway", "unclassified",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
        "primary_link",
    }
)  # fmt: skip
# Access values that close a way to pedestrians (also as one of several "a;b" values).
CLOSED_ACCESS: Final = frozenset({"no", "private"})
# Network distance / crow-fly distance assumed when there is no walking network. Urban
# pedestrian detour ratios are commonly reported between about 1.2 and 1.4; 1.3 is an
# assumption, not a measurement of any particular community.
DEFAULT_DETOUR_FACTOR: Final = 1.3


@dataclass(frozen=True)
class WalkingSpeed:
    """How fast people walk, per kind of way.

    Attributes
    ----------
    speed_mps : float
        Walking speed on the flat, 1.2 m/s: a planning value below the 1.3-1.4 m/s of
        healthy adults, for volunteers carrying forms and older residents.
    slowdown : tuple of (str, float)
        Multipliers of the seconds per metre by ``highway`` value; default ``steps``
        2.0 (a flight of stairs takes twice as long per drawn metre). Unlisted values 1.0.
    elevator_s : float
        Fixed time of an ``highway=elevator`` edge, 30 s (wait plus ride), whatever its
        drawn length: OSM draws elevators as short ways or rings of ways.
    """

    speed_mps: float = 1.2
    slowdown: tuple[tuple[str, float], ...] = (("steps", 2.0),)
    elevator_s: float = 30.0

    def __post_init__(self) -> None:
        if not (np.isfinite(self.speed_mps) and self.speed_mps > 0):
            raise ValueError(f"speed_mps must be a positive number, got {self.speed_mps!r}")
        if not (np.isfinite(self.elevator_s) and self.elevator_s >= 0):
            raise ValueError(f"elevator_s must be >= 0, got {self.elevator_s!r}")
        for highway, factor in self.slowdown:
            if not (isinstance(highway, str) and np.isfinite(factor) and factor > 0):
                raise ValueError(f"slowdown needs (highway, factor > 0), got {(highway, factor)!r}")

    @property
    def factors(self) -> Mapping[str, float]:
        """The slowdown multipliers as a read-only mapping."""
        return MappingProxyType(dict(self.slowdown))

    def edge_time_s(self, length_m: ArrayLike, highway: ArrayLike) -> FloatArray:
        """Seconds to walk edges of the given lengths and highway values."""
        kinds = pd.Series(np.asarray(highway, dtype=object))
        factor = kinds.map(dict(self.slowdown)).fillna(1.0).to_numpy(float)
        seconds = np.asarray(length_m, dtype=float) * factor / self.speed_mps
        return np.where(kinds.to_numpy() == "elevator", self.elevator_s, seconds)


def _no_ids() -> NDArray[np.object_]:
    return np.empty(0, dtype=object)


@dataclass(frozen=True, eq=False)
class TravelMatrix:
    """Walking distances (m) and times (s) from sources (rows) to targets (columns).

    Attributes
    ----------
    distance_m, time_s : ndarray of float
        Metres and seconds, one row per source, one column per target.
    method : {"network", "straight_line"}
        Walked on the network, or straight lines × a detour factor.
    note : str
        How the matrix was made, for the plan's explanations.
    building_ids : ndarray of str
        For a square matrix between buildings (``routing.costs.building_matrix``), the
        building of each row and column; empty for a matrix between other points.
    """

    distance_m: FloatArray
    time_s: FloatArray
    method: Literal["network", "straight_line"]
    note: str
    building_ids: NDArray[np.object_] = field(default_factory=_no_ids)

    def index_of(self, building_ids: ArrayLike) -> IntArray:
        """Rows of the given building ids, -1 for ids not in the matrix."""
        wanted = pd.Index(np.asarray(building_ids, dtype=object))
        return pd.Index(self.building_ids).get_indexer(wanted).astype(np.intp)

    def between_buildings(self, building_ids: ArrayLike) -> TravelMatrix:
        """This matrix labelled with the building of each row and column (square only)."""
        ids = np.asarray(building_ids, dtype=object)
        if self.distance_m.shape != (len(ids), len(ids)):
            raise ValueError(f"a {self.distance_m.shape} matrix cannot hold {len(ids)} buildings")
        return replace(self, building_ids=ids)


def filter_walkable(edges: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop the ways a pedestrian may not use.

    A way is kept when its ``highway`` is in ``WALK_HIGHWAYS`` and it is open to people
    on foot. Access follows OSM's hierarchy: ``foot`` decides when present
    (``access=private`` + ``foot=yes`` stays open), else ``access``; ``no`` and
    ``private`` close the way. Missing columns count as untagged.

    Parameters
    ----------
    edges : GeoDataFrame
        Ways, e.g. pyrosm's walking network edges.

    Returns
    -------
    GeoDataFrame
        A copy holding the walkable rows.
    """
    keep = np.ones(len(edges), dtype=bool)
    if "highway" in edges.columns:
        keep &= edges["highway"].isin(WALK_HIGHWAYS).to_numpy()
    decided = pd.Series(pd.NA, index=pd.RangeIndex(len(edges)), dtype=object)
    for key in ("foot", "access"):
        if key in edges.columns:
            values = pd.Series(edges[key].to_numpy(dtype=object)).replace("", pd.NA)
            decided = decided.where(decided.notna(), values)
    parts = decided.dropna().astype(str).str.lower().str.split(";").explode().str.strip()
    closed = parts.isin(CLOSED_ACCESS).groupby(level=0).any()
    keep &= ~closed.reindex(decided.index, fill_value=False).to_numpy(dtype=bool)
    return edges.loc[keep].copy()


def straight_line_matrix(
    src_lon: ArrayLike,
    src_lat: ArrayLike,
    dst_lon: ArrayLike,
    dst_lat: ArrayLike,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed: WalkingSpeed = WalkingSpeed(),
) -> TravelMatrix:
    """Crow-fly distances × a detour factor, for when there is no walking network.

    Parameters
    ----------
    src_lon, src_lat, dst_lon, dst_lat : array_like
        WGS84 coordinates of the sources and targets.
    detour_factor : float
        Network / straight distance ratio assumed (>= 1; see ``DEFAULT_DETOUR_FACTOR``).
    speed : WalkingSpeed
        Its ``speed_mps`` turns metres into seconds.

    Returns
    -------
    TravelMatrix
        ``method="straight_line"`` and a note saying so.
    """
    if not (np.isfinite(detour_factor) and detour_factor >= 1):
        raise ValueError(f"detour_factor must be >= 1, got {detour_factor!r}")
    lon = np.concatenate([coords(src_lon), coords(dst_lon)])
    lat = np.concatenate([coords(src_lat), coords(dst_lat)])
    n_src = len(coords(src_lon))
    if len(lon):
        crs = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).estimate_utm_crs()
        x, y = Transformer.from_crs(WGS84, crs, always_xy=True).transform(lon, lat)
    else:
        x = y = lon
    dist = np.hypot(x[:n_src, None] - x[None, n_src:], y[:n_src, None] - y[None, n_src:])
    dist *= detour_factor
    note = f"no walking network: straight line × {detour_factor:.2f}"
    return TravelMatrix(dist, dist / speed.speed_mps, "straight_line", note)


def coords(values: ArrayLike) -> FloatArray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.ndim != 1 or not np.isfinite(arr).all():
        raise ValueError("coordinates must be a 1-D array of finite numbers")
    return arr
