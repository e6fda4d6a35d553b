"""The building order: a short open walk through all buildings with households."""

from __future__ import annotations

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.territories.units import FloatArray, IntArray
from routing.tour import improve_path, nearest_neighbour

# First tours OR-Tools builds for the building order; each is then improved.
FIRST_TOURS = ("PATH_CHEAPEST_ARC", "SAVINGS", "GLOBAL_CHEAPEST_ARC")


def building_sequences(dist: FloatArray, time_limit_s: float) -> list[IntArray]:
    """Several short open walks through every site, each also reversed.

    A zero-cost dummy depot turns a closed tour into an open path. OR-Tools routing
    builds first tours (``FIRST_TOURS``, plus nearest neighbour) and the descent of
    ``routing.tour.improve_path`` (compiled 2-opt and Or-opt, ends free) takes each to a
    local optimum: deterministic, and fast for thousands of buildings. Different local
    optima cut into different segments, so the caller keeps whichever cuts best.
    ``time_limit_s`` guards huge inputs.

    Parameters
    ----------
    dist : ndarray
        Symmetric walking metres between sites.
    time_limit_s : float
        Upper bound on all the searches together.

    Returns
    -------
    list of ndarray of int
        Distinct permutations of ``range(len(dist))``.
    """
    n = len(dist)
    if n <= 2:
        return [np.arange(n, dtype=np.int64)]
    cost = np.zeros((n + 1, n + 1))
    cost[1:, 1:] = np.rint(dist)
    firsts = [_first_tour(cost, name) for name in FIRST_TOURS]
    firsts.append(nearest_neighbour(cost))
    share = time_limit_s / len(firsts)
    found: dict[tuple[int, ...], IntArray] = {}
    for tour in firsts:
        start = int(np.flatnonzero(tour == 0)[0])
        path = improve_path(dist, np.roll(tour, -start)[1:] - 1, time_limit_s=share)
        for order in (path, path[::-1].copy()):
            found.setdefault(tuple(order.tolist()), order)
    return list(found.values())


def _first_tour(cost: FloatArray, strategy: str) -> IntArray:
    """A closed tour from OR-Tools' first-solution ``strategy`` (node 0 is the depot)."""
    n = len(cost)
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    matrix = np.rint(cost).astype(np.int64).tolist()
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(matrix))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
    params.solution_limit = 1
    solution = routing.SolveWithParameters(params)
    if solution is None:
        return nearest_neighbour(cost)
    tour = [0]
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        tour.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return np.asarray(tour, dtype=np.int64)
