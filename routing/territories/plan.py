"""The public entry: balanced, compact, stable areas of responsibility in one call."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.budget import Budget
from routing.costs import CostParameters, HouseholdCosts
from routing.errors import InputError, Problem
from routing.network import DEFAULT_DETOUR_FACTOR, TravelMatrix
from routing.progress import Progress
from routing.territories.balance import repair_balance
from routing.territories.construct import construct
from routing.territories.improve import improve, rebalance
from routing.territories.job import Job, prepare, previous_mapping, unknown_buildings
from routing.territories.metrics import ASSIGNMENT_COLUMNS, empty_metrics
from routing.territories.options import Pin, TerritoryOptions, as_pin
from routing.territories.outcome import explain_balance, make_plan
from routing.territories.repair import carve_new_teams, fill_unassigned, one_band_per_building
from routing.territories.result import TerritoryPlan
from routing.territories.state import State
from routing.territories.units import FloatArray, IntArray
from routing.tour import warm_up

# Share of the time limit that guards the building order (which normally converges).
ORDER_SHARE = 0.2

# Grace after the time limit for a last balance repair, should the improvement undo any.
FINAL_REPAIR_S = 0.5

PinLike = Pin | tuple[str, int, int, str]


def plan_territories(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    teams: Sequence[str],
    *,
    matrix: TravelMatrix,
    params: CostParameters,
    options: TerritoryOptions | None = None,
    previous: TerritoryPlan | Mapping[str, str] | None = None,
    pins: Sequence[PinLike] = (),
    homes: Mapping[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
) -> TerritoryPlan:
    """Give each team a balanced, compact area of floor bands; keep it when re-planning.

    Households are grouped into cells (a floor, or an equal share of a heavy floor).
    A fresh plan orders the buildings along short walks (OR-Tools routing + 2-opt /
    or-opt), cuts each walk floor by floor into one segment per team with exact dynamic
    programming (balance within the tolerance, then shortest loops and fewest pieces),
    keeps the best cut, matches segments to teams near their members' homes, and
    improves compactness with CP-SAT windows over pairs of neighbouring teams. A
    re-plan starts from the previous teams, gives new flats and a leaving team's flats
    to neighbouring bands, carves a compact area for a new team, and restores balance
    with chains of single-cell moves between neighbouring bands (fewest households
    moved, compactness kept). A team's flats in one building are always one band.

    Parameters
    ----------
    households : DataFrame
        Per ``HOUSEHOLD_COLUMNS``.
    buildings : GeoDataFrame
        Per ``BUILDING_COLUMNS`` (WGS84).
    teams : sequence of str
        Team ids; the plan lists teams in this order.
    matrix : TravelMatrix
        Walking distances between buildings (``routing.costs.building_matrix``).
    params : CostParameters
        Lift, stairs and service times: they make each household's workload.
    options : TerritoryOptions, optional
        Tolerance, time limit, seed and weights.
    previous : TerritoryPlan or mapping household_id → team_id, optional
        The current plan: re-planning starts from it and moves only what balance needs.
    pins : sequence of Pin or (building_id, first_floor, last_floor, team_id)
        Bands the coordinator fixed to a team.
    homes : mapping team_id → building ids, optional
        Members' home buildings; areas are drawn near them.
    progress : callable(fraction, message), optional
        Called as the solve advances.

    Returns
    -------
    TerritoryPlan
        For infeasible or degenerate input (zero teams, more teams than households,
        a tower heavier than a team, pins that break balance) ``explanations`` say what
        could not be met and the best plan found is returned.
    """
    options = options if options is not None else TerritoryOptions()
    costs = HouseholdCosts(households, buildings, matrix, params)
    return plan_with_workload(
        households,
        buildings,
        teams,
        costs.workload_s(options.visit_type),
        matrix=matrix,
        options=options,
        anchors=Anchors(previous, tuple(pins), homes),
        progress=progress,
        detour_factor=params.detour_factor,
    )


@dataclass(frozen=True)
class Anchors:
    """What ties the areas down: the current plan, pinned bands, members' homes.

    Fields as the ``previous``, ``pins`` and ``homes`` parameters of ``plan_territories``.
    """

    previous: TerritoryPlan | Mapping[str, str] | None = None
    pins: Sequence[PinLike] = ()
    homes: Mapping[str, Sequence[str]] | None = None


def plan_with_workload(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    teams: Sequence[str],
    workload: FloatArray,
    *,
    matrix: TravelMatrix,
    options: TerritoryOptions | None = None,
    anchors: Anchors | None = None,
    progress: Progress | None = None,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> TerritoryPlan:
    """``plan_territories`` with each household's workload (s) given, not computed.

    ``workload`` is aligned with the rows of ``households``; ``detour_factor`` (that of
    ``CostParameters``) turns crow-fly metres into walking metres between buildings the
    matrix does not hold; ``anchors`` holds ``previous``, ``pins`` and ``homes``; other
    parameters as in ``plan_territories``.
    """
    options = options if options is not None else TerritoryOptions()
    anchors = anchors if anchors is not None else Anchors()
    warm_up()  # the team loops' compiled tour engine: loaded before the clock starts
    clock = _Clock(options.budget(), options.time_limit_s, progress)
    team_ids = list(dict.fromkeys(str(t) for t in teams))
    notes = _check(households, buildings, teams, team_ids, workload)
    clock.tick(0.0, "preparing")
    if not team_ids or households.empty:
        return _empty(households, team_ids, options, clock, notes)
    job, prep_notes = prepare(
        households,
        buildings,
        team_ids,
        workload,
        matrix,
        options,
        previous_mapping(anchors.previous),
        [as_pin(p) for p in anchors.pins],
        anchors.homes,
        detour_factor,
    )
    notes += prep_notes
    if job.k > len(job.frame):
        notes.append(
            f"{job.k} teams but only {len(job.frame)} households: "
            f"{job.k - len(job.frame)} team(s) get no households"
        )
    labels, first_notes = _first_labels(job, options, clock)
    notes += first_notes
    # A new team's carved area counts as its own from here on: the balance repair must
    # not trade it away for scattered flats (moves are still counted against the
    # previous plan in the metrics).
    carved = (job.seed_site[np.maximum(labels, 0)] >= 0) & (labels >= 0)
    cells = replace(job.cells, prev=np.where(carved, labels, job.cells.prev))
    state = State(cells, job.sites, job.k, job.bounds, job.weights, job.home_cost, labels)
    budget = clock.budget
    clock.tick(0.3, "balancing")
    repair_balance(state, budget, job.seed_site)
    work = options.window_work
    used = rebalance(state, budget, options.seed, work, job.seed_site, clock.step)
    if not job.previous:
        # Re-planning moves only what balance needs: no moves for compactness alone.
        improve(state, budget.after(used), options.window_teams, options.seed, work, clock.step)
    repair_balance(state, budget.until(budget.deadline + FINAL_REPAIR_S), job.seed_site)
    notes += explain_balance(state, job)
    plan = make_plan(job, state, notes, clock.elapsed())
    clock.tick(1.0, "done")
    return plan


def _first_labels(job: Job, options: TerritoryOptions, clock: _Clock) -> tuple[IntArray, list[str]]:
    """Labels to improve from: the previous plan repaired, or a fresh construction."""
    cells, notes = job.cells, []
    replan = job.previous and (cells.prev >= 0).any()
    if replan:
        clock.tick(0.1, "starting from the current plan")
        labels = cells.prev.copy()
    else:
        clock.tick(0.05, "ordering buildings")
        made = construct(
            cells,
            job.sites,
            job.k,
            job.tolerance,
            job.weights.piece_m,
            job.home_cost,
            clock.budget.share(ORDER_SHARE),
            _scorer(job),
        )
        labels = made.labels
        notes += list(made.notes)
        if made.tolerance > job.tolerance * 1.001 + 1e-9:
            notes.append(
                f"balance within ±{job.tolerance:.0%} cannot be reached in contiguous bands: "
                f"the best first cut is ±{made.tolerance:.1%}"
            )
    pinned = cells.pinned >= 0
    labels[pinned] = cells.pinned[pinned]
    labels = fill_unassigned(cells, labels, job.sites.dist, job.k, job.seed_site)
    labels = one_band_per_building(cells, labels)
    if replan:
        labels = carve_new_teams(cells, labels, job.sites.dist, job.seed_site, job.mean)
    return labels, notes


def _scorer(job: Job) -> Callable[[IntArray], float]:
    """The objective of a first labelling (pins applied and gaps filled as they will be)."""

    def score(labels: IntArray) -> float:
        labels = labels.copy()
        pinned = job.cells.pinned >= 0
        labels[pinned] = job.cells.pinned[pinned]
        labels = fill_unassigned(job.cells, labels, job.sites.dist, job.k, job.seed_site)
        labels = one_band_per_building(job.cells, labels)
        state = State(job.cells, job.sites, job.k, job.bounds, job.weights, job.home_cost, labels)
        return state.cost(range(job.k))

    return score


@dataclass(eq=False)
class _Clock:
    """The plan's budget, and progress reported as the share of its time used."""

    budget: Budget
    limit: float
    callback: Progress | None
    start: float = field(default_factory=time.time)

    def elapsed(self) -> float:
        return time.time() - self.start

    def tick(self, fraction: float, message: str) -> None:
        if self.callback is not None:
            self.callback(float(min(1.0, max(0.0, fraction))), message)

    def step(self, message: str) -> None:
        self.tick(0.3 + 0.69 * min(1.0, self.elapsed() / self.limit), message)


def _check(
    households: pd.DataFrame,
    buildings: pd.DataFrame,
    teams: Sequence[str],
    team_ids: list[str],
    workload: FloatArray,
) -> list[str]:
    """Raise ``InputError`` for malformed input; return notes on what was tidied."""
    problems = []
    missing = [c for c in ("household_id", "building_id", "floor") if c not in households]
    if missing:
        problems.append(Problem("households", None, None, f"missing columns {missing}"))
    elif unknown := unknown_buildings(households, buildings):
        shown = ", ".join(unknown[:5])
        problems.append(Problem("households", None, "building_id", f"unknown buildings: {shown}"))
    values = np.asarray(workload, dtype=float)
    if values.shape != (len(households),) or not (np.isfinite(values) & (values >= 0)).all():
        problems.append(
            Problem("workload", None, None, "need one finite workload >= 0 per household")
        )
    if problems:
        raise InputError(problems)
    notes = []
    if len(team_ids) < len(list(teams)):
        notes.append("repeated team ids were counted once")
    if not team_ids:
        notes.append(f"no teams: nothing is assigned ({len(households)} households wait)")
    elif households.empty:
        notes.append("no households: every team's area is empty")
    return notes


def _empty(
    households: pd.DataFrame,
    team_ids: list[str],
    options: TerritoryOptions,
    clock: _Clock,
    notes: list[str],
) -> TerritoryPlan:
    from routing.territories.result import TeamArea

    assignment = pd.DataFrame(
        {
            "household_id": households["household_id"].astype(str).to_numpy(),
            "team_id": "",
            "building_id": households["building_id"].astype(str).to_numpy(),
            "floor": households["floor"].to_numpy(),
            "workload": 0.0,
        }
    ).loc[:, list(ASSIGNMENT_COLUMNS)]
    areas = tuple(TeamArea(t, (), 0.0, 0, 0.0, None) for t in team_ids)
    metrics = empty_metrics(len(team_ids), len(households), options.tolerance, clock.elapsed())
    clock.tick(1.0, "done")
    return TerritoryPlan(areas, metrics, tuple(notes), assignment)


def teams_from_volunteers(
    volunteers: pd.DataFrame,
) -> tuple[list[str], dict[str, list[str]]]:
    """Team ids (sorted) and each team's members' home buildings, from a roster.

    Parameters
    ----------
    volunteers : DataFrame
        Per ``VOLUNTEER_COLUMNS``; volunteers without a team are left out.

    Returns
    -------
    tuple of (list of str, dict of str to list of str)
        ``teams`` and ``homes`` as ``plan_territories`` takes them.
    """
    crew = volunteers[volunteers["team_id"].astype(str) != ""]
    teams = sorted(crew["team_id"].astype(str).unique())
    homes = {
        str(team): [h for h in group["home_building"].astype(str) if h]
        for team, group in crew.groupby(crew["team_id"].astype(str), sort=True)
    }
    return teams, homes
