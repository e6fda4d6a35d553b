"""A synthetic high-rise community (Shenzhen-like towers on a path grid) for scale tests."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from routing.demo import (
    draw_household_details,
    generate_volunteers,
    household_units,
    write_households_csv,
    write_volunteers_csv,
)
from routing.schema import BUILDING_COLUMNS, HOUSEHOLD_COLUMNS, WGS84

FOOTPRINT_M: Final = 25.0  # side of a square tower footprint
SPACING_M: Final = 70.0  # distance between neighbouring tower centres
JITTER_M: Final = 8.0  # largest shift of a tower from its grid cell's centre
RING_OFFSET_M: Final = 30.0  # ring road distance outside the outermost grid paths
# Unit vectors of the four footprint sides an entrance can face: east, west, north, south.
_FACING: Final = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])


@dataclass(frozen=True)
class SyntheticCommunity:
    """Buildings, paths, households and volunteers of a synthetic community (WGS84)."""

    buildings: gpd.GeoDataFrame
    paths: gpd.GeoDataFrame
    households: pd.DataFrame
    volunteers: pd.DataFrame

    def summary(self) -> str:
        """One line with the size of the community."""
        return (
            f"{len(self.buildings)} towers, {len(self.households)} households, "
            f"{len(self.paths)} path segments, {len(self.volunteers)} volunteers"
        )


@dataclass(frozen=True, eq=False)
class EstateLayout:
    """Footprints, entrances and path lines of one estate in metres around (0, 0)."""

    footprints: np.ndarray  # shapely Polygons, one per building
    entrances: np.ndarray  # (buildings, 2): each entrance, on its footprint's boundary
    lines: np.ndarray  # shapely LineStrings: paths that reach every entrance
    kinds: tuple[str, ...]  # one per line ("path", "spur", "ring", ...)


def tower_layout(rng: np.random.Generator, towers: int) -> EstateLayout:
    """Towers on a jittered grid, each joined by a spur to a grid path, inside a ring road.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws each tower's shift from its grid cell's centre.
    towers : int
        Number of towers, numbered row by row from the north-west corner.

    Returns
    -------
    EstateLayout
        Square footprints of ``FOOTPRINT_M``; the ring road is the lines' bounding box.
    """
    centres, entrances, spur_ends, grid = _layout(rng, towers)
    half = FOOTPRINT_M / 2
    footprints = np.asarray(shapely.box(*(centres - half).T, *(centres + half).T))
    lines, kinds = _path_lines(entrances, spur_ends, grid)
    return EstateLayout(footprints, entrances, lines, tuple(kinds))


def metric_frame(origin: tuple[float, float]) -> tuple[CRS, np.ndarray]:
    """The UTM CRS around ``origin`` (lon, lat) and the origin's coordinates in it."""
    point = gpd.GeoSeries([shapely.Point(origin)], crs=WGS84)
    crs = point.estimate_utm_crs()
    base = point.to_crs(crs).iloc[0]
    return crs, np.array([base.x, base.y])


def synthetic_community(
    *,
    towers: int = 40,
    min_floors: int = 18,
    max_floors: int = 33,
    units_per_floor: int = 10,
    seed: int = 7,
    origin: tuple[float, float] = (114.05, 22.54),
    volunteers: int = 300,
    team_size: int = 3,
) -> SyntheticCommunity:
    """Generate a deterministic high-rise community around ``origin``.

    Towers ("1座", "2座", ...) stand on a jittered grid, each entrance on the footprint
    side nearest a path and joined to it by a short spur; a ring road encloses the grid.

    Parameters
    ----------
    towers : int
        Number of towers.
    min_floors, max_floors : int
        Range of tower levels, drawn uniformly.
    units_per_floor : int
        Flats per floor of every tower.
    seed : int
        Seed of the random draws; the same seed gives an identical community.
    origin : tuple of float
        Longitude and latitude of the layout's centre.
    volunteers : int
        Number of volunteers living in the towers (0 for none).
    team_size : int
        Volunteers per team.

    Returns
    -------
    SyntheticCommunity
        Buildings per ``BUILDING_COLUMNS``, noded path segments (``kind``: "path",
        "spur" or "ring"), households per ``HOUSEHOLD_COLUMNS``, volunteers per
        ``VOLUNTEER_COLUMNS``.
    """
    _check(towers, min_floors, max_floors, units_per_floor)
    layout_rng, household_rng = (np.random.default_rng([seed, k]) for k in (0, 1))
    layout = tower_layout(layout_rng, towers)
    crs, shift = metric_frame(origin)
    footprints = shapely.transform(layout.footprints, lambda xy: xy + shift)
    doors = gpd.GeoSeries(shapely.points(layout.entrances + shift), crs=crs).to_crs(WGS84)
    levels = layout_rng.integers(min_floors, max_floors + 1, size=towers)
    names = [f"{i}座" for i in range(1, towers + 1)]
    buildings = gpd.GeoDataFrame(
        {
            "building_id": names,
            "name": names,
            "building_type": "apartments",
            "levels": levels,
            "levels_source": "levels",
            "units_per_floor": units_per_floor,
            "has_lift": True,
            "basement_levels": 0,
            "entrance_lon": doors.x.to_numpy(),
            "entrance_lat": doors.y.to_numpy(),
        },
        geometry=gpd.GeoSeries(footprints, crs=crs).to_crs(WGS84).to_numpy(),
        crs=WGS84,
    ).loc[:, list(BUILDING_COLUMNS)]

    paths = noded_paths(layout.lines, layout.kinds, shift, crs)

    units = household_units(buildings, np.ones(towers, dtype=np.int64))
    details = draw_household_details(household_rng, len(units))
    households = pd.concat([units, details], axis=1).assign(basement=False)
    crew = generate_volunteers(buildings, households, n=volunteers, team_size=team_size, seed=seed)
    return SyntheticCommunity(buildings, paths, households.loc[:, list(HOUSEHOLD_COLUMNS)], crew)


def write_synthetic(out_dir: str | Path, community: SyntheticCommunity | None = None) -> list[Path]:
    """Write a community as files the normal readers import.

    Parameters
    ----------
    out_dir : str or Path
        Directory (created if missing) for ``buildings.geojson``, ``paths.geojson``,
        ``households.csv`` and ``volunteers.csv``.
    community : SyntheticCommunity, optional
        What to write; default ``synthetic_community()``.

    Returns
    -------
    list of Path
        The files written.
    """
    community = community if community is not None else synthetic_community()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    buildings = community.buildings.drop(columns="levels_source")
    written = [out / "buildings.geojson", out / "paths.geojson"]
    buildings.to_file(written[0], driver="GeoJSON")
    community.paths.to_file(written[1], driver="GeoJSON")
    written.append(write_households_csv(community.households, out / "households.csv"))
    written.append(write_volunteers_csv(community.volunteers, out / "volunteers.csv"))
    return written


def _check(towers: int, min_floors: int, max_floors: int, units_per_floor: int) -> None:
    if towers < 1 or units_per_floor < 1 or not 1 <= min_floors <= max_floors:
        raise ValueError(
            "need towers >= 1, units_per_floor >= 1 and 1 <= min_floors <= max_floors, got "
            f"towers={towers}, units_per_floor={units_per_floor}, "
            f"min_floors={min_floors}, max_floors={max_floors}"
        )


@dataclass(frozen=True)
class _Grid:
    """Coordinates of the grid paths between tower columns (xs) and rows (ys)."""

    xs: np.ndarray
    ys: np.ndarray


def _layout(
    rng: np.random.Generator, towers: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, _Grid]:
    """Tower centres, entrances and spur ends in metres around (0, 0), and the path grid."""
    cols = math.ceil(math.sqrt(towers))
    rows = math.ceil(towers / cols)
    cell = np.arange(towers)
    col, row = cell % cols, cell // cols
    # Rows run north to south so that "1座" stands in the north-west corner.
    cell_centre = np.column_stack(
        [(col - (cols - 1) / 2) * SPACING_M, ((rows - 1) / 2 - row) * SPACING_M]
    )
    jitter = rng.uniform(-JITTER_M, JITTER_M, size=(towers, 2))
    centres = cell_centre + jitter
    grid = _Grid(
        xs=(np.arange(cols + 1) - cols / 2) * SPACING_M,
        ys=((rows / 2) - np.arange(rows + 1)) * SPACING_M,
    )
    # Each tower faces the path its jitter brought it closest to.
    east_west = np.abs(jitter[:, 0]) >= np.abs(jitter[:, 1])
    facing = np.where(
        east_west, np.where(jitter[:, 0] >= 0, 0, 1), np.where(jitter[:, 1] >= 0, 2, 3)
    )
    entrances = centres + _FACING[facing] * (FOOTPRINT_M / 2)
    # Spur ends copy the grid coordinates exactly, so that spur and path meet in a node.
    spur_ends = entrances.copy()
    path_x = np.where(facing == 0, grid.xs[col + 1], grid.xs[col])
    path_y = np.where(facing == 2, grid.ys[row], grid.ys[row + 1])
    spur_ends[:, 0] = np.where(east_west, path_x, spur_ends[:, 0])
    spur_ends[:, 1] = np.where(east_west, spur_ends[:, 1], path_y)
    return centres, entrances, spur_ends, grid


def _path_lines(
    entrances: np.ndarray, spur_ends: np.ndarray, grid: _Grid
) -> tuple[np.ndarray, list[str]]:
    """Grid paths running ring to ring, the ring road and one spur per entrance."""
    x0, x1 = grid.xs[0] - RING_OFFSET_M, grid.xs[-1] + RING_OFFSET_M
    y0, y1 = grid.ys[-1] - RING_OFFSET_M, grid.ys[0] + RING_OFFSET_M
    along_x = [shapely.LineString([(x0, y), (x1, y)]) for y in grid.ys]
    along_y = [shapely.LineString([(x, y0), (x, y1)]) for x in grid.xs]
    ring = shapely.LineString([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    spurs = shapely.linestrings(np.stack([entrances, spur_ends], axis=1))
    lines = np.concatenate([along_x, along_y, [ring], spurs])
    kinds = ["path"] * (len(along_x) + len(along_y)) + ["ring"] + ["spur"] * len(entrances)
    return lines, kinds


def noded_paths(
    lines: np.ndarray, kinds: Sequence[str], shift: np.ndarray, crs: object
) -> gpd.GeoDataFrame:
    """Split metric lines at every crossing and junction, keeping each piece's kind.

    Parameters
    ----------
    lines : numpy.ndarray
        Shapely LineStrings in metres of a local frame.
    kinds : sequence of str
        One kind per line, carried over to its pieces.
    shift : numpy.ndarray
        Added to every coordinate to move the local frame into ``crs``.
    crs : object
        The metric CRS of the shifted coordinates.

    Returns
    -------
    GeoDataFrame
        One LineString per noded piece with its ``kind``, in WGS84.
    """
    pieces = shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))
    middles = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
    _, source = shapely.STRtree(lines).query_nearest(middles, all_matches=False)
    moved = shapely.transform(pieces, lambda xy: xy + shift)
    return gpd.GeoDataFrame(
        {"kind": np.asarray(kinds)[source]}, geometry=gpd.GeoSeries(moved, crs=crs)
    ).to_crs(WGS84)
