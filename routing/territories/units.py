"""The planner's units: buildings with households, their distances, and floor cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from routing.doors import door_points, door_xy
from routing.schema import WGS84

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Sites:
    """Buildings that hold households, in planning order, with walking distances (m)."""

    ids: NDArray[np.object_]
    names: NDArray[np.object_]
    dist: FloatArray  # symmetric, finite, zero diagonal
    note: str

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, eq=False)
class Cells:
    """Households of one floor (or an even share of a big floor), sorted by building, floor.

    ``first[b]:first[b + 1]`` are the cells of site ``b`` from the lowest floor up, so
    a cell's rank inside its building is ``index - first[building]``.
    """

    building: IntArray
    floor: IntArray
    workload: FloatArray
    households: IntArray
    pinned: IntArray  # team index the cell is pinned to, -1 if free
    prev: IntArray  # team index the cell's households had before, -1 if none
    first: IntArray

    @property
    def count(self) -> int:
        return len(self.building)


@dataclass(frozen=True, eq=False)
class Register:
    """Households sorted by building, floor and unit, with their cell."""

    household_id: NDArray[np.object_]
    building: IntArray
    floor: IntArray
    workload: FloatArray
    prev_team: NDArray[np.object_]  # previous team id, None for a new household
    cell: IntArray


def weighted_count(index: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Sum of ``weights`` per value of ``index`` in 0..n-1 (``np.bincount`` as floats)."""
    return np.asarray(np.bincount(index, weights=weights, minlength=n), dtype=np.float64)


def building_points(buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Door (``routing.doors``) of every building as ``x``, ``y`` metres of a local CRS."""
    return door_xy(door_points(buildings), buildings.to_crs(WGS84).estimate_utm_crs())


def distances(
    matrix: Any,
    points: pd.DataFrame,
    rows: Sequence[str],
    cols: Sequence[str],
    detour_factor: float,
) -> tuple[FloatArray, int]:
    """Walking metres between buildings from ``matrix``; crow-fly × ``detour_factor``
    (``CostParameters.detour_factor``) where it has none.

    Returns the (rows × cols) distances and how many entries needed the fallback.
    """
    ids = pd.Index([str(i) for i in matrix.building_ids])
    r = ids.get_indexer(pd.Index(rows))
    c = ids.get_indexer(pd.Index(cols))
    full = np.asarray(matrix.distance_m, dtype=float)
    out = np.full((len(rows), len(cols)), np.nan)
    rr, cc = r >= 0, c >= 0
    out[np.ix_(rr, cc)] = full[np.ix_(r[rr], c[cc])]
    missing = ~np.isfinite(out)
    if missing.any():
        p = points.reindex(list(rows)).to_numpy()
        q = points.reindex(list(cols)).to_numpy()
        crow = np.hypot(p[:, None, 0] - q[None, :, 0], p[:, None, 1] - q[None, :, 1])
        # A building with neither a matrix row nor a location sits "far": 5 km.
        crow = np.nan_to_num(crow * detour_factor, nan=5000.0)
        out[missing] = crow[missing]
    return out, int(missing.sum())


def make_sites(
    site_ids: Sequence[str],
    buildings: gpd.GeoDataFrame,
    matrix: Any,
    points: pd.DataFrame,
    detour_factor: float,
) -> Sites:
    """Sites for the buildings ``site_ids`` with symmetric walking distances."""
    names = buildings.set_index(buildings["building_id"].astype(str))["name"].astype(str)
    shown = names.reindex(list(site_ids)).fillna("")
    shown = shown.where(shown.str.len() > 0, pd.Series(list(site_ids), index=shown.index))
    dist, fallback = distances(matrix, points, site_ids, site_ids, detour_factor)
    dist = (dist + dist.T) / 2.0
    np.fill_diagonal(dist, 0.0)
    note = getattr(matrix, "note", "")
    if fallback:
        note = f"{note}; {fallback} distance(s) estimated as crow-fly × {detour_factor}"
    return Sites(
        np.asarray(site_ids, dtype=object), shown.to_numpy(dtype=object), dist, note.strip("; ")
    )


def sort_register(
    households: pd.DataFrame,
    site_index: Mapping[str, int],
    workload: FloatArray,
    previous: Mapping[str, str] | None,
) -> tuple[pd.DataFrame, IntArray]:
    """Households with site, floor, workload and previous team, sorted; and their order."""
    frame = pd.DataFrame(
        {
            "household_id": households["household_id"].astype(str).to_numpy(),
            "building": households["building_id"].astype(str).map(site_index).to_numpy(),
            "floor": pd.to_numeric(households["floor"]).to_numpy(dtype=np.int64),
            "unit": households["unit"].astype(str).to_numpy() if "unit" in households else "",
            "workload": np.asarray(workload, dtype=float),
        }
    )
    frame["prev_team"] = frame["household_id"].map(dict(previous)) if previous is not None else None
    order = np.lexsort(
        (
            frame["household_id"].to_numpy(),
            frame["unit"].to_numpy(),
            frame["floor"].to_numpy(),
            frame["building"].to_numpy(),
        )
    )
    return frame.iloc[order].reset_index(drop=True), order.astype(np.int64)


def make_cells(
    frame: pd.DataFrame,
    n_sites: int,
    quantum: float,
    team_index: Mapping[str, int],
    pinned: IntArray,
) -> tuple[Cells, Register]:
    """Cut floors into cells of at most about ``quantum`` workload.

    A floor heavier than ``quantum`` is shared out in equal runs of units, and a new cell
    starts wherever the previous team or the pin changes, so a cell never mixes them.
    """
    building = frame["building"].to_numpy(dtype=np.int64)
    floor = frame["floor"].to_numpy(dtype=np.int64)
    work = frame["workload"].to_numpy(dtype=float)
    prev = np.asarray(frame["prev_team"].map(team_index).fillna(-1), dtype=np.int64)
    group = pd.Series(work).groupby([building, floor], sort=False)
    floor_work = group.transform("sum").to_numpy()
    size = group.transform("size").to_numpy()
    rank = group.cumcount().to_numpy()
    parts = np.maximum(1, np.ceil(floor_work / max(quantum, 1e-9))).astype(np.int64)
    parts = np.minimum(parts, size)
    chunk = rank * parts // size
    n = len(frame)
    start = np.ones(n, dtype=bool)
    if n:
        same = (
            (building[1:] == building[:-1])
            & (floor[1:] == floor[:-1])
            & (chunk[1:] == chunk[:-1])
            & (prev[1:] == prev[:-1])
            & (pinned[1:] == pinned[:-1])
        )
        start[1:] = ~same
    cell = np.cumsum(start) - 1
    heads = np.flatnonzero(start)
    cells = Cells(
        building=building[heads],
        floor=floor[heads],
        workload=weighted_count(cell, work, len(heads)),
        households=np.bincount(cell, minlength=len(heads)).astype(np.int64),
        pinned=pinned[heads],
        # Cells never mix previous teams, so the first household speaks for its cell.
        prev=prev[heads],
        first=np.searchsorted(building[heads], np.arange(n_sites + 1)).astype(np.int64),
    )
    register = Register(
        household_id=frame["household_id"].to_numpy(dtype=object),
        building=building,
        floor=floor,
        workload=work,
        prev_team=frame["prev_team"].to_numpy(dtype=object),
        cell=cell.astype(np.int64),
    )
    return cells, register
