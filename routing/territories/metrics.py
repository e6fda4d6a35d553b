"""Plan metrics, computed once: balance, teams outside the tolerance, loops and pieces."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from routing.territories.loops import LoopLengths
from routing.territories.units import FloatArray, building_points, make_sites

# One row per household of a plan; also the territories.csv header (a contract).
ASSIGNMENT_COLUMNS = ("household_id", "team_id", "building_id", "floor", "workload")
# A workload this many seconds beyond a bound still counts as inside (float sums).
SLACK_S = 1e-6


@dataclass(frozen=True)
class PlanMetrics:
    """Balance, compactness and stability figures of a plan."""

    teams: int
    households: int
    mean_workload_s: float
    max_over_mean: float
    min_over_mean: float
    tolerance: float
    teams_outside_tolerance: int
    mean_loop_m: float
    max_loop_m: float
    pieces_per_team: float
    max_pieces: int
    split_bands: int  # (team, building) pairs whose floors are not one band; 0 by design
    moved_households: int
    kept_share: float | None  # of households in both registers, the share keeping its team
    solve_time_s: float


def tolerance_bounds(mean_s: float, tolerance: float) -> tuple[float, float]:
    """[lo, hi] workload (s) of a balanced team: mean × (1 ± tolerance), in tenths of a
    second rounded inwards (the planner's workloads are whole tenths)."""
    lo = math.ceil(mean_s * (1 - tolerance) * 10) / 10
    hi = math.floor(mean_s * (1 + tolerance) * 10) / 10
    return lo, max(lo, hi)


def outside_tolerance(workload_s: ArrayLike, tolerance: float) -> NDArray[np.bool_]:
    """Whether each team's workload lies outside ``tolerance_bounds`` of the teams' mean.

    Parameters
    ----------
    workload_s : array_like of float
        Workload (s) of every team of the plan, teams without households included.
    tolerance : float
        Allowed share above or below the mean.
    """
    work = np.asarray(workload_s, dtype=float)
    if not len(work):
        return np.zeros(0, dtype=bool)
    lo, hi = tolerance_bounds(float(work.mean()), tolerance)
    return np.asarray((work < lo - SLACK_S) | (work > hi + SLACK_S), dtype=bool)


def team_table(assignment: pd.DataFrame, teams: Sequence[str]) -> pd.DataFrame:
    """Households, pieces (buildings) and workload (s) per team, in ``teams`` order.

    Parameters
    ----------
    assignment : DataFrame
        ``ASSIGNMENT_COLUMNS`` rows; an empty team_id is a household nobody has.
    teams : sequence of str
        The plan's teams; a team without households gets zeros.

    Returns
    -------
    DataFrame
        Indexed by team_id: ``households`` (int), ``pieces`` (int), ``workload_s`` (float).
    """
    a = assignment[assignment["team_id"].astype(str) != ""]
    per = a.groupby(a["team_id"].astype(str), sort=False).agg(
        households=("household_id", "size"),
        pieces=("building_id", "nunique"),
        workload_s=("workload", "sum"),
    )
    per = per.reindex(list(teams)).fillna(0)
    return per.astype({"households": int, "pieces": int, "workload_s": float})


def team_loops(
    assignment: pd.DataFrame, teams: Sequence[str], site_ids: Sequence[str], loops: LoopLengths
) -> FloatArray:
    """The closed walk (m) through each team's buildings.

    Parameters
    ----------
    assignment : DataFrame
        ``ASSIGNMENT_COLUMNS`` rows.
    teams : sequence of str
        The plan's teams, in order.
    site_ids : sequence of str
        Building ids in the order of ``loops``' distance matrix.
    loops : LoopLengths
        Loop lengths over the sites' walking distances.
    """
    index = {str(b): i for i, b in enumerate(site_ids)}
    sites = assignment["building_id"].astype(str).map(index)
    by_team = sites.groupby(assignment["team_id"].astype(str)).unique()
    out = np.zeros(len(teams))
    for t, team in enumerate(teams):
        if team in by_team.index:
            out[t] = loops(tuple(sorted(int(s) for s in by_team[team])))
    return out


def area_loops(
    assignment: pd.DataFrame, teams: Sequence[str], buildings: gpd.GeoDataFrame, matrix: Any
) -> FloatArray:
    """Each team's loop (m) through its buildings, measured as the planner measures it.

    Parameters
    ----------
    assignment : DataFrame
        ``ASSIGNMENT_COLUMNS`` rows of every household of the plan.
    teams : sequence of str
        The plan's teams, in order.
    buildings : GeoDataFrame
        The buildings the plan was made for (WGS84).
    matrix : BuildingMatrix
        Walking distances between the buildings (``routing.costs.building_matrix``).
    """
    present = set(assignment["building_id"].astype(str))
    site_ids = [b for b in buildings["building_id"].astype(str) if b in present]
    sites = make_sites(site_ids, buildings, matrix, building_points(buildings))
    return team_loops(assignment, teams, site_ids, LoopLengths(sites.dist))


def moved_households(
    assignment: pd.DataFrame, previous: Mapping[str, str] | None
) -> tuple[int, float | None]:
    """Households whose team differs from ``previous``, and the share that kept theirs.

    Only households in both ``assignment`` and ``previous`` count; the share is None
    when there are none.
    """
    if not previous:
        return 0, None
    before = assignment["household_id"].astype(str).map(dict(previous))
    known = before.notna().to_numpy()
    if not known.any():
        return 0, None
    after = assignment["team_id"].astype(str).to_numpy()
    moved = int((before.to_numpy()[known].astype(str) != after[known]).sum())
    return moved, 1.0 - moved / int(known.sum())


def plan_metrics(
    assignment: pd.DataFrame,
    teams: Sequence[str],
    loops: ArrayLike,
    tolerance: float,
    *,
    previous: Mapping[str, str] | None = None,
    solve_time_s: float = 0.0,
) -> PlanMetrics:
    """The metrics of a plan given as its household rows: the planner's and an edit's.

    Parameters
    ----------
    assignment : DataFrame
        ``ASSIGNMENT_COLUMNS`` rows of every household.
    teams : sequence of str
        The plan's teams, in order, with or without households.
    loops : array_like of float
        Each team's loop (m) (``area_loops``, or the planner's own loops).
    tolerance : float
        The balance tolerance the plan was made with.
    previous : mapping household_id → team_id, optional
        The plan this one came from: moved households and the kept share.
    solve_time_s : float
        Seconds the plan took.
    """
    if not len(teams):
        return empty_metrics(0, len(assignment), tolerance, solve_time_s)
    table = team_table(assignment, teams)
    work = table["workload_s"].to_numpy()
    pieces = table["pieces"].to_numpy()
    loop = np.asarray(loops, dtype=float)
    mean = float(work.mean())
    moved, kept = moved_households(assignment, previous)
    return PlanMetrics(
        teams=len(teams),
        households=len(assignment),
        mean_workload_s=mean,
        max_over_mean=float(work.max() / mean) if mean > 0 else 0.0,
        min_over_mean=float(work.min() / mean) if mean > 0 else 0.0,
        tolerance=tolerance,
        teams_outside_tolerance=int(outside_tolerance(work, tolerance).sum()),
        mean_loop_m=float(loop.mean()),
        max_loop_m=float(loop.max()),
        pieces_per_team=float(pieces.mean()),
        max_pieces=int(pieces.max()),
        split_bands=split_bands(assignment),
        moved_households=moved,
        kept_share=kept,
        solve_time_s=solve_time_s,
    )


def split_bands(assignment: pd.DataFrame) -> int:
    """(team, building) pairs whose floors are not one band, from the assignment alone.

    A pair fails when another team has a household on a floor strictly inside the
    team's floor range there (neighbouring bands may share an end floor).

    Parameters
    ----------
    assignment : DataFrame
        ``household_assignment()`` rows (team_id may be empty for unassigned).

    Returns
    -------
    int
        Number of failing (team, building) pairs.
    """
    a = assignment[assignment["team_id"].astype(str) != ""]
    if a.empty:
        return 0
    span = a.groupby(["building_id", "team_id"])["floor"].agg(["min", "max"]).reset_index()
    pairs = span.merge(
        a[["building_id", "team_id", "floor"]].rename(columns={"team_id": "other"}),
        on="building_id",
    )
    inside = (
        (pairs["other"] != pairs["team_id"])
        & (pairs["floor"] > pairs["min"])
        & (pairs["floor"] < pairs["max"])
    )
    return int(pairs.loc[inside, ["building_id", "team_id"]].drop_duplicates().shape[0])


def empty_metrics(teams: int, households: int, tolerance: float, seconds: float) -> PlanMetrics:
    """Metrics of a plan that assigns nothing."""
    return PlanMetrics(
        teams, households, 0.0, 0.0, 0.0, tolerance, 0, 0.0, 0.0, 0.0, 0, 0, 0, None, seconds
    )


__all__ = [
    "ASSIGNMENT_COLUMNS",
    "PlanMetrics",
    "area_loops",
    "empty_metrics",
    "moved_households",
    "outside_tolerance",
    "plan_metrics",
    "split_bands",
    "team_loops",
    "team_table",
    "tolerance_bounds",
]
