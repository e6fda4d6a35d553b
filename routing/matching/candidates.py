"""Which volunteers may take which case, at what cost: sparse candidate edges for the flow."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.matching.instance import OTHER, UNFIT, UNSKILLED, Instance, IntArray
from routing.matching.options import UNITS_PER_M, MatchOptions

# Rows of the (groups × volunteers) cost matrix computed at once, as cells.
_CHUNK_CELLS = 4_000_000
_EMPTY = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True, eq=False)
class Edges:
    """Candidate edges case → volunteer with their integer cost, sorted by case then cost.

    ``complete[c]`` says whether every feasible volunteer of case c is among its edges.
    """

    case: IntArray
    volunteer: IntArray
    cost: NDArray[np.int64]
    complete: NDArray[np.bool_]


def fits(instance: Instance, case: int) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Volunteers with a fitting skill, and of those the ones free at the case's hours.

    Parameters
    ----------
    instance : Instance
        The problem.
    case : int
        Row of the case.

    Returns
    -------
    (ndarray of bool, ndarray of bool)
        Per volunteer: may take the category; and may take it at the household's hours.
        Both all False for a category not in the taxonomy.
    """
    row = instance.category_row[case]
    if row < 0:
        none = np.zeros(instance.n_volunteers, dtype=bool)
        return none, none
    skilled = instance.skill_level[row] != UNFIT
    return skilled, skilled & instance.free[instance.hours_row[case]]


def groups(instance: Instance) -> tuple[NDArray[np.int64], IntArray]:
    """Cases that see every volunteer alike: same category, hours, building and own team.

    Returns
    -------
    (ndarray, ndarray)
        One representative case per group (the first), and each case's group.
    """
    keys = np.column_stack(
        [instance.category_row, instance.hours_row, instance.building_row, instance.case_team]
    )
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.intp)


def cost_rows(
    instance: Instance, options: MatchOptions, cases: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Cost of every volunteer for the given cases, and whether they may take them at all.

    Cost = walking metres from the volunteer's home building to the case's building
    (``outside_m`` for volunteers living outside) + ``other_team_m`` when the case has
    an own team the volunteer is not in + ``substitute_m`` / ``unskilled_m`` for a
    later-listed / no listed skill, in whole units (``UNITS_PER_M``). Feasible: a
    fitting skill, free at the household's hours, room under the monthly cap.

    Parameters
    ----------
    instance : Instance
        The problem.
    options : MatchOptions
        The weights.
    cases : ndarray of int
        Rows of the cases.

    Returns
    -------
    (ndarray of int64, ndarray of bool)
        Cost and feasibility, one row per case and one column per volunteer.
    """
    building = instance.building_row[cases]
    home = instance.home_row
    walk = instance.distance[np.ix_(np.maximum(home, 0), building)].T
    walk[:, home < 0] = instance.outside_m
    walk[~np.isfinite(walk)] = instance.outside_m  # unreachable on the network: as if outside
    team = instance.case_team[cases][:, None]
    other = (team >= 0) & (instance.volunteer_team[None, :] != team)
    level = instance.skill_level[np.maximum(instance.category_row[cases], 0)]
    penalty = np.zeros(level.shape)
    penalty[level == OTHER] = options.substitute_m
    penalty[level == UNSKILLED] = options.unskilled_m
    total = walk + other * options.other_team_m + penalty
    feasible = (
        (level != UNFIT)
        & (instance.category_row[cases] >= 0)[:, None]
        & instance.free[instance.hours_row[cases]]
        & (instance.remaining > 0)[None, :]
    )
    return np.rint(total * UNITS_PER_M).astype(np.int64), feasible


def objective_m(instance: Instance, options: MatchOptions, assigned: IntArray) -> float:
    """The weighted cost of an assignment in metres, as the flow counts it.

    Edge costs (walk + team and skill penalties) of the assigned cases plus the load
    term: a volunteer's k-th open case costs ``(k - 1) × load_m``. Cases left out add
    nothing (compare assignments with equal counts per urgency).

    Parameters
    ----------
    instance : Instance
        The problem.
    options : MatchOptions
        The weights.
    assigned : ndarray of int
        Volunteer row per case, -1 when left out.

    Returns
    -------
    float
        Metres.
    """
    given = np.flatnonzero(assigned >= 0)
    vol = assigned[given]
    home = instance.home_row[vol]
    walk = instance.distance[np.maximum(home, 0), instance.building_row[given]]
    walk = np.where((home < 0) | ~np.isfinite(walk), instance.outside_m, walk)
    team = instance.case_team[given]
    other = (team >= 0) & (instance.volunteer_team[vol] != team)
    level = instance.skill_level[instance.category_row[given], vol]
    penalty = np.select([level == OTHER, level == UNSKILLED], [options.substitute_m,
                        options.unskilled_m], 0.0)  # fmt: skip
    added = np.bincount(vol, minlength=instance.n_volunteers)
    held = instance.load
    # Σ_{k=1..a} (held + k - 1) = a·held + a(a-1)/2
    load = (added * held + added * (added - 1) / 2).sum() * options.load_m
    return float((walk + other * options.other_team_m + penalty).sum() + load)


def candidate_edges(
    instance: Instance,
    options: MatchOptions,
    rank: IntArray,
    widened: NDArray[np.bool_],
) -> Edges:
    """The feasible volunteers of every case, or its cheapest ones.

    With ``options.candidates`` 0, and for widened cases, every feasible volunteer.
    Otherwise each group of alike cases gets its ``options.candidates`` cheapest, and
    more while their room under the cap is less than twice the group's cases, so that
    a building full of one request does not starve on its first volunteers. Ties in
    cost go by ``rank`` (a seeded order of the volunteers).

    Parameters
    ----------
    instance : Instance
        The problem.
    options : MatchOptions
        Weights and the number of candidates.
    rank : ndarray of int
        Position of each volunteer in the seeded tie-break order.
    widened : ndarray of bool
        Cases that get every feasible volunteer.

    Returns
    -------
    Edges
        Sorted by case, then cost and rank.
    """
    first, group = groups(instance)
    size = np.bincount(group, minlength=len(first))
    wide_group = np.zeros(len(first), dtype=bool)
    wide_group[group[widened]] = True
    n_vol = max(instance.n_volunteers, 1)
    whole = np.ones(len(first), dtype=bool)
    chosen: list[IntArray] = [_EMPTY] * len(first)
    costs: list[NDArray[np.int64]] = [np.zeros(0, np.int64)] * len(first)
    step = max(1, _CHUNK_CELLS // n_vol)
    for start in range(0, len(first), step):
        rows = np.arange(start, min(start + step, len(first)))
        cost, feasible = cost_rows(instance, options, first[rows])
        key = np.where(feasible, cost * n_vol + rank[None, :], np.iinfo(np.int64).max)
        order = np.argsort(key, axis=1, kind="stable")
        count = feasible.sum(axis=1)
        room = np.cumsum(np.take_along_axis(instance.remaining[None, :] * feasible, order, 1), 1)
        for i, g in enumerate(rows):
            keep = int(count[i])
            if not wide_group[g] and options.candidates > 0:
                enough = int(np.searchsorted(room[i], 2 * size[g]))  # room reaches 2× size
                keep = min(keep, max(options.candidates, enough + 1))
                whole[g] = keep == int(count[i])
            chosen[g] = order[i, :keep].astype(np.intp)
            costs[g] = cost[i, chosen[g]]
    # Cases share their group's list (a widened case's whole group is widened with it).
    counts = np.array([len(chosen[g]) for g in group], dtype=np.intp)
    if not counts.sum():
        return Edges(_EMPTY, _EMPTY, np.zeros(0, np.int64), whole[group])
    return Edges(
        case=np.repeat(np.arange(instance.n_cases, dtype=np.intp), counts),
        volunteer=np.concatenate([chosen[g] for g in group]),
        cost=np.concatenate([costs[g] for g in group]),
        complete=whole[group],
    )
