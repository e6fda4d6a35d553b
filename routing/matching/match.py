"""Open cases → volunteers: the min-cost flow matcher and the greedy baseline it is measured by."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from routing.cases.taxonomy import DEFAULT_TAXONOMY, Taxonomy
from routing.matching.candidates import candidate_edges, fits
from routing.matching.explain import explain
from routing.matching.flow import FlowFailedError, solve
from routing.matching.instance import Instance, IntArray, prepare
from routing.matching.options import MatchOptions
from routing.matching.result import MatchResult, build_result
from routing.network import TravelMatrix


def match_cases(
    cases: pd.DataFrame,
    volunteers: pd.DataFrame,
    matrix: TravelMatrix,
    *,
    taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    options: MatchOptions | None = None,
) -> MatchResult:
    """Assign open cases to volunteers: urgency first, then near, own team, skill, even load.

    Hard rules: a volunteer gets a case only with a skill its category needs (or any
    volunteer for optional-skill categories), when their week meets the household's
    visiting hours, and up to their monthly cap of open cases. Within them the matcher
    minimises, by one min-cost flow (``routing.matching.flow``): first the cases left
    out, most urgent tier first; then walking metres from the volunteer's home plus the
    penalties of ``MatchOptions`` (another team than the household's, a substitute or
    no skill, the load a volunteer already carries). By default every fitting pair is
    an edge and the answer is optimal; with ``options.candidates`` a case starts with
    its cheapest volunteers and reaches the others through a costly hub
    (``routing.matching.flow``), so who is placed stays exact, and cases placed through
    a hub get their real edges in another round while the time limit lasts. Every case
    left out gets a reason.

    Parameters
    ----------
    cases : DataFrame
        Open cases per ``MATCH_CASE_COLUMNS``.
    volunteers : DataFrame
        Per ``MATCH_VOLUNTEER_COLUMNS``.
    matrix : TravelMatrix
        Walking distances between buildings (``routing.costs.building_matrix``).
    taxonomy : Taxonomy
        The categories and the skills they need.
    options : MatchOptions, optional
        Time limit, seed and weights; the defaults when None.

    Returns
    -------
    MatchResult
        One row per case (volunteer or reason), volunteers' loads, metrics.

    Raises
    ------
    InputError
        When the frames are malformed (missing columns, repeated ids, unreadable values,
        buildings not in the matrix). An infeasible problem is no error: the cases that
        cannot be placed are returned with their reasons.
    """
    options = options or MatchOptions()
    start, budget = time.perf_counter(), options.budget()
    instance = prepare(cases, volunteers, matrix, taxonomy, options)
    rank = np.empty(instance.n_volunteers, dtype=np.intp)
    rank[np.random.default_rng(options.seed).permutation(instance.n_volunteers)] = np.arange(
        instance.n_volunteers
    )
    widened = np.zeros(instance.n_cases, dtype=bool)
    solve_s, rounds, note = 0.0, 0, ""
    while True:
        edges = candidate_edges(instance, options, rank, widened)
        began = time.perf_counter()
        try:
            answer = solve(instance, options, edges)
        except FlowFailedError as error:
            return _greedy_result(instance, taxonomy, options, start, f"{error}; greedy used")
        solve_s += time.perf_counter() - began
        rounds += 1
        if not answer.via_hub.any():
            break
        if budget.expired():
            note = (
                f"time limit reached: {int(answer.via_hub.sum())} case(s) placed through "
                "a hub, their volunteer not compared with every other"
            )
            break
        widened |= answer.via_hub
    assigned = answer.assigned
    return build_result(
        instance, options, assigned, explain(instance, taxonomy, options, assigned),
        method="min-cost flow", rounds=rounds, solve_s=solve_s,
        elapsed_s=time.perf_counter() - start, note=note,
    )  # fmt: skip


def greedy_match(
    cases: pd.DataFrame,
    volunteers: pd.DataFrame,
    matrix: TravelMatrix,
    *,
    taxonomy: Taxonomy = DEFAULT_TAXONOMY,
    options: MatchOptions | None = None,
) -> MatchResult:
    """The baseline: most urgent cases first, each to the nearest volunteer who may take it.

    Same hard rules as ``match_cases`` (skill, hours, cap); cases in order of urgency,
    then as given; each goes to the fitting volunteer with room whose home is nearest
    (walking metres only; ties to the earlier roster row). No look-ahead, no team or
    load preference.

    Parameters
    ----------
    cases, volunteers, matrix, taxonomy, options
        As for ``match_cases``.

    Returns
    -------
    MatchResult
        Method ``greedy``.
    """
    options = options or MatchOptions()
    start = time.perf_counter()
    instance = prepare(cases, volunteers, matrix, taxonomy, options)
    return _greedy_result(instance, taxonomy, options, start, "")


def _greedy_result(
    instance: Instance, taxonomy: Taxonomy, options: MatchOptions, start: float, note: str
) -> MatchResult:
    began = time.perf_counter()
    assigned = _greedy(instance)
    solve_s = time.perf_counter() - began
    return build_result(
        instance, options, assigned, explain(instance, taxonomy, options, assigned),
        method="greedy", rounds=1, solve_s=solve_s, elapsed_s=time.perf_counter() - start,
        note=note,
    )  # fmt: skip


def _greedy(instance: Instance) -> IntArray:
    assigned = np.full(instance.n_cases, -1, dtype=np.intp)
    room = instance.remaining.copy()
    home = np.maximum(instance.home_row, 0)
    outside = instance.home_row < 0
    for case in np.lexsort((np.arange(instance.n_cases), -instance.urgency)):
        _, free = fits(instance, int(case))
        ok = free & (room > 0)
        if not ok.any():
            continue
        walk = instance.distance[home, instance.building_row[case]].copy()
        walk[outside | ~np.isfinite(walk)] = instance.outside_m
        pick = int(np.flatnonzero(ok)[np.argmin(walk[ok])])  # argmin: the first of equals
        assigned[case] = pick
        room[pick] -= 1
    return assigned
