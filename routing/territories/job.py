"""One solve's prepared inputs: sites, cells, pins, homes, previous teams and weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.territories.metrics import tolerance_bounds
from routing.territories.options import Pin, TerritoryOptions
from routing.territories.pins import pin_households
from routing.territories.state import Weights
from routing.territories.units import (
    Cells,
    FloatArray,
    IntArray,
    Register,
    Sites,
    building_points,
    distances,
    make_cells,
    make_sites,
    sort_register,
    weighted_count,
)

# Smallest cell quantum as a share of a team's mean workload (when tolerance is ~0).
MIN_QUANTUM_SHARE = 0.02


@dataclass(frozen=True, eq=False)
class Job:
    """Everything one solve needs, prepared from the inputs."""

    team_ids: list[str]
    frame: pd.DataFrame  # the sorted register (see units.sort_register)
    order: IntArray  # input row of each sorted household
    sites: Sites
    cells: Cells
    register: Register
    home_cost: FloatArray | None  # (sites × teams) members' mean walk from home
    seed_site: IntArray  # per team: a site to grow from when it has no area, else -1
    weights: Weights
    tolerance: float
    previous: bool

    @property
    def k(self) -> int:
        return len(self.team_ids)

    @property
    def mean(self) -> float:
        return float(self.frame["workload"].sum()) / self.k

    @property
    def bounds(self) -> tuple[float, float]:
        """[lo, hi] workload of a balanced team, in tenths of a second rounded inwards."""
        return tolerance_bounds(self.mean, self.tolerance)

    def pin_load(self) -> FloatArray:
        """Pinned workload per team."""
        c = self.cells
        mask = c.pinned >= 0
        return weighted_count(c.pinned[mask], c.workload[mask], self.k)


def prepare(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    team_ids: list[str],
    workload: FloatArray,
    matrix: Any,
    options: TerritoryOptions,
    previous: Mapping[str, str] | None,
    pins: Sequence[Pin],
    homes: Mapping[str, Sequence[str]] | None,
) -> tuple[Job, list[str]]:
    """Sites, cells (with pins and previous teams), homes and weights for one solve.

    Returns the job and the notes (pins that could not be applied, homes unknown...).
    """
    points = building_points(buildings)
    order_ids = buildings["building_id"].astype(str)
    present = set(households["building_id"].astype(str))
    site_ids = [b for b in order_ids if b in present]
    sites = make_sites(site_ids, buildings, matrix, points)
    site_index = {b: i for i, b in enumerate(site_ids)}
    # Whole tenths of a second keep the CP-SAT model exact (see window.py).
    rounded = np.round(np.asarray(workload, dtype=float), 1)
    frame, order = sort_register(households, site_index, rounded, previous)
    notes: list[str] = []
    pinned, pin_notes = pin_households(frame, sites, team_ids, pins)
    notes += pin_notes
    k = len(team_ids)
    mean = float(frame["workload"].sum()) / k
    quantum = max(options.tolerance, MIN_QUANTUM_SHARE) * mean
    if k > len(frame):
        quantum = 0.0
    team_index = {t: i for i, t in enumerate(team_ids)}
    cells, register = make_cells(frame, sites.count, quantum, team_index, pinned)
    home_cost, home_notes = _home_cost(homes, team_ids, site_ids, matrix, points)
    notes += home_notes
    seed_site = _seed_sites(cells, home_cost, k) if previous is not None else np.full(k, -1)
    weights = Weights(options.piece_weight_m, options.home_weight, options.move_weight_m)
    job = Job(
        team_ids,
        frame,
        order,
        sites,
        cells,
        register,
        home_cost,
        seed_site,
        weights,
        options.tolerance,
        previous is not None,
    )
    return job, notes


def _home_cost(
    homes: Mapping[str, Sequence[str]] | None,
    team_ids: list[str],
    site_ids: list[str],
    matrix: Any,
    points: pd.DataFrame,
) -> tuple[FloatArray | None, list[str]]:
    if not homes:
        return None, []
    known = set(points.index) | {str(b) for b in matrix.building_ids}
    cost = np.zeros((len(site_ids), len(team_ids)))
    unknown: list[str] = []
    for t, team in enumerate(team_ids):
        ids = [str(h) for h in homes.get(team, ()) if str(h)]
        unknown += [h for h in ids if h not in known]
        ids = [h for h in ids if h in known]
        if ids:
            cost[:, t] = distances(matrix, points, ids, site_ids)[0].mean(axis=0)
    notes = []
    if unknown:
        shown = ", ".join(sorted(set(unknown))[:5])
        notes.append(f"{len(unknown)} home building(s) not on the map were ignored: {shown}")
    return cost, notes


def _seed_sites(cells: Cells, home_cost: FloatArray | None, k: int) -> IntArray:
    """Where a team without cells grows from: nearest its homes, else the heaviest site."""
    has = np.zeros(k, dtype=bool)
    has[cells.prev[cells.prev >= 0]] = True
    seed = np.full(k, -1, dtype=np.int64)
    heavy = int(np.argmax(np.bincount(cells.building, weights=cells.workload)))
    for t in np.flatnonzero(~has).tolist():
        if home_cost is not None and home_cost[:, t].any():
            seed[t] = int(np.argmin(home_cost[:, t]))
        else:
            seed[t] = heavy
    return seed


def previous_mapping(previous: Any) -> Mapping[str, str] | None:
    """household_id → team_id from a plan, a mapping or None."""
    if previous is None:
        return None
    if hasattr(previous, "mapping"):
        return dict(previous.mapping())
    return {str(h): str(t) for h, t in dict(previous).items()}


def unknown_buildings(households: pd.DataFrame, buildings: pd.DataFrame) -> list[str]:
    """Building ids of households that the buildings frame does not have."""
    known = set(buildings["building_id"].astype(str))
    ids = households["building_id"].astype(str)
    return sorted(set(ids[~ids.isin(known)]))


__all__ = ["Job", "prepare", "previous_mapping", "unknown_buildings"]
