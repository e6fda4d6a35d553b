"""An integer routing instance and its OR-Tools model: time windows, drops, balance."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_parameters_pb2
from ortools.util import optional_boolean_pb2

from routing.tour import path_cost, polish_path
from routing.visits.options import SearchConfig

IntArray = NDArray[np.int64]
Windows = tuple[tuple[int, int], ...]
# Cheapest outgoing arcs per node averaged into the cost scale of annealing temperatures.
_NEAREST_ARCS = 5
# Repeatable runs (``max_solutions``): tour polish kicks allowed per allowed solution.
KICKS_PER_SOLUTION = 20


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """Vehicles leave their start nodes, visit nodes and reach their end nodes in time.

    Every number is an integer in the caller's unit (visit planning uses tenths of a
    second, ``options.UNITS_PER_SECOND``; Solomon instances their scaled distances).

    Attributes
    ----------
    travel : ndarray of int, shape (n, n)
        Travel time between nodes; also the arc cost.
    service : ndarray of int, shape (n,)
        Time spent at each node (0 at depots).
    starts, ends : tuple of int
        Start and end node of each vehicle (depot nodes; several vehicles may share one).
    horizon : (int, int) or None
        Every vehicle leaves its start at ``horizon[0]`` and is back by ``horizon[1]``;
        None = no clock at all (a plain tour: no time dimension is built).
    penalty : ndarray of int, shape (n,), or None
        Cost of leaving a visit node out; depot entries are ignored. A visit the caller
        needs gets a penalty above any route cost, so it is dropped only when no
        solution holds it. None = every visit is mandatory (no drop moves are tried,
        so searches on plain tours run faster; with windows a first solution may then
        not exist).
    windows : tuple of tuple of (int, int)
        Per node, the intervals in which its service may begin; ``()`` = any time.
        Empty tuple for all nodes when there are no windows.
    demand : ndarray of int or None
        Load of each node, with ``capacity`` per vehicle.
    capacity : int
        Vehicle capacity when ``demand`` is given.
    vehicle_fixed_cost : int
        Cost of using a vehicle at all.
    balance : int
        Weight of the longest route's duration (start to end, waiting included): the
        min-max term beside the total cost. 0 = no balancing.
    duration_floor : int
        Soft lower bound on every route's duration, costing ``duration_floor_weight``
        per unit below it: pulls the shortest routes up, which min-max alone never does.
        Empty routes count too.
    duration_floor_weight : int
        See ``duration_floor``; keep it below ``waiting_weight``, or waiting pads routes.
    waiting_weight : int
        Cost per unit of time spent waiting (for a window to open, or idle).
    """

    travel: IntArray
    service: IntArray
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    horizon: tuple[int, int] | None
    penalty: IntArray | None
    windows: tuple[Windows, ...] = ()
    demand: IntArray | None = None
    capacity: int = 0
    vehicle_fixed_cost: int = 0
    balance: int = 0
    duration_floor: int = 0
    duration_floor_weight: int = 0
    waiting_weight: int = 0
    depots: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.travel)
        if self.travel.shape != (n, n) or self.service.shape != (n,):
            raise ValueError("travel must be (n, n) and service (n,)")
        if self.penalty is not None and self.penalty.shape != (n,):
            raise ValueError("penalty must have one entry per node")
        if (self.travel < 0).any() or (self.service < 0).any():
            raise ValueError("travel and service times must be >= 0")
        if not self.starts or len(self.starts) != len(self.ends):
            raise ValueError("need one start and one end node per vehicle, at least one vehicle")
        if not all(0 <= node < n for node in (*self.starts, *self.ends)):
            raise ValueError("start and end nodes must be node indices")
        if self.windows and len(self.windows) != n:
            raise ValueError(f"windows must be given for all {n} nodes or none")
        if self.horizon is None and (self.windows or self.balance or self.duration_floor_weight):
            raise ValueError("windows and balance need a horizon")
        if self.horizon is not None and not 0 <= self.horizon[0] <= self.horizon[1]:
            raise ValueError(
                f"horizon must be (start, end) with 0 <= start <= end, got {self.horizon}"
            )
        if self.demand is not None and self.demand.shape != (n,):
            raise ValueError("demand must have one entry per node")
        object.__setattr__(self, "depots", frozenset((*self.starts, *self.ends)))

    @property
    def size(self) -> int:
        """Number of nodes, depots included."""
        return len(self.travel)

    @property
    def vehicles(self) -> int:
        """Number of vehicles (routes)."""
        return len(self.starts)

    @property
    def visits(self) -> list[int]:
        """The nodes that are not depots."""
        return [node for node in range(self.size) if node not in self.depots]


@dataclass(frozen=True)
class Solution:
    """Routes found by one search (problem node indices, depots left out)."""

    routes: tuple[tuple[int, ...], ...]
    dropped: tuple[int, ...]
    objective: int
    search: str
    seconds: float


def cost_scale(problem: RoutingProblem) -> float:
    """Typical cost of a good arc: the mean of each node's cheapest outgoing arcs."""
    travel = problem.travel.astype(float)
    np.fill_diagonal(travel, np.inf)
    k = min(_NEAREST_ARCS, max(1, problem.size - 1))
    nearest = np.sort(travel, axis=1)[:, :k]
    finite = nearest[np.isfinite(nearest)]
    return float(finite.mean()) if finite.size and finite.mean() > 0 else 1.0


def run_search(
    problem: RoutingProblem,
    config: SearchConfig,
    *,
    deadline: float,
    seed: int,
    max_solutions: int | None = None,
    on_solution: Callable[[int, float], None] | None = None,
) -> Solution:
    """Build the OR-Tools model and search until ``deadline`` (``time.time()``).

    Parameters
    ----------
    problem : RoutingProblem
        What to solve.
    config : SearchConfig
        First solution and improvement method.
    deadline : float
        Wall-clock end of the search, as ``time.time()``.
    seed : int
        Nodes are shuffled with it before the model is built (0 = as given): the
        search is deterministic for a seed, different seeds explore differently.
    max_solutions : int, optional
        Stop after this many solutions: a work budget that, unlike the clock, makes a
        run repeatable whatever the machine's load.
    on_solution : callable, optional
        Called with (objective, elapsed seconds) at each improving solution.

    Returns
    -------
    Solution
        The best routes found; ``objective`` includes the penalties of dropped nodes.
    """
    began = time.time()
    order = (
        np.arange(problem.size)
        if seed == 0
        else np.random.default_rng(seed).permutation(problem.size)
    )
    manager, model = _build(problem, order)
    ortools_until = deadline - config.polish * max(deadline - began, 0.0)
    params = _parameters(problem, config, max(ortools_until - time.time(), 0.01), max_solutions)
    if on_solution is not None:
        best = [np.iinfo(np.int64).max]

        def report() -> None:
            value = int(model.CostVar().Max())  # not bound while cumul costs are open
            if value < best[0]:
                best[0] = value
                on_solution(value, time.time() - began)

        model.AddAtSolutionCallback(report)
    if config.improvement == "ils":
        assignment = model.SolveWithIteratedLocalSearch(params)
    else:
        assignment = model.SolveWithParameters(params)
    if assignment is None:
        raise RuntimeError(f"search {config.name!r} found no solution (status {model.status()})")
    routes = _routes(problem, manager, model, assignment, order)
    objective = int(assignment.ObjectiveValue())
    if config.polish and problem.vehicles == 1 and problem.horizon is None:
        routes[0], objective = _polish(problem, routes[0], objective, deadline, seed, max_solutions)
        if on_solution is not None:
            on_solution(objective, time.time() - began)
    served = {node for route in routes for node in route}
    dropped = tuple(node for node in problem.visits if node not in served)
    return Solution(tuple(routes), dropped, objective, config.name, time.time() - began)


def first_solution(
    problem: RoutingProblem, config: SearchConfig, seed: int
) -> tuple[list[tuple[int, ...]], int]:
    """OR-Tools' first solution by ``config.first_solution`` (no local search).

    Parameters
    ----------
    problem : RoutingProblem
        What to solve.
    config : SearchConfig
        Its ``first_solution`` strategy is used.
    seed : int
        Node order seed, as in ``run_search``.

    Returns
    -------
    tuple
        The routes (problem node indices) and their objective.
    """
    order = (
        np.arange(problem.size)
        if seed == 0
        else np.random.default_rng(seed).permutation(problem.size)
    )
    manager, model = _build(problem, order)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, config.first_solution
    )
    params.solution_limit = 1
    params.time_limit.FromSeconds(60)  # a safety net: insertion takes milliseconds
    assignment = model.SolveWithParameters(params)
    if assignment is None:
        raise RuntimeError(
            f"no first solution by {config.first_solution} (status {model.status()})"
        )
    return _routes(problem, manager, model, assignment, order), int(assignment.ObjectiveValue())


def _routes(
    problem: RoutingProblem,
    manager: pywrapcp.RoutingIndexManager,
    model: pywrapcp.RoutingModel,
    assignment: pywrapcp.Assignment,
    order: NDArray[np.int64],
) -> list[tuple[int, ...]]:
    """Each vehicle's visits in problem node indices."""
    routes = []
    for vehicle in range(problem.vehicles):
        index, route = assignment.Value(model.NextVar(model.Start(vehicle))), []
        while not model.IsEnd(index):
            route.append(int(order[manager.IndexToNode(index)]))
            index = assignment.Value(model.NextVar(index))
        routes.append(tuple(route))
    return routes


def _polish(
    problem: RoutingProblem,
    route: tuple[int, ...],
    objective: int,
    deadline: float,
    seed: int,
    max_solutions: int | None,
) -> tuple[tuple[int, ...], int]:
    """The tour shortened by ``routing.tour.polish_path`` until the deadline (or, for repeatable
    runs, ``KICKS_PER_SOLUTION`` kicks per allowed solution) and its objective."""
    path = [problem.starts[0], *route, problem.ends[0]]
    before = path_cost(problem.travel, path)
    kicks = None if max_solutions is None else max_solutions * KICKS_PER_SOLUTION
    done = polish_path(problem.travel, path, deadline=deadline, seed=seed, max_kicks=kicks)
    return tuple(done.path[1:-1]), objective - before + done.cost


def _build(
    problem: RoutingProblem, order: NDArray[np.int64]
) -> tuple[pywrapcp.RoutingIndexManager, pywrapcp.RoutingModel]:
    """The OR-Tools model with nodes renumbered: model node k is problem node order[k]."""
    back = np.argsort(order)
    travel = problem.travel[np.ix_(order, order)]
    transit = travel + problem.service[order][:, None]
    manager = pywrapcp.RoutingIndexManager(
        problem.size,
        problem.vehicles,
        [int(back[s]) for s in problem.starts],
        [int(back[e]) for e in problem.ends],
    )
    model = pywrapcp.RoutingModel(manager)
    model.SetArcCostEvaluatorOfAllVehicles(model.RegisterTransitMatrix(travel.tolist()))
    if problem.horizon is not None:
        _add_clock(model, manager, problem, order, model.RegisterTransitMatrix(transit.tolist()))
    if problem.penalty is not None:
        for k, node in enumerate(order):
            if node not in problem.depots:
                model.AddDisjunction([manager.NodeToIndex(k)], int(problem.penalty[node]))
    if problem.demand is not None:
        demand = model.RegisterUnaryTransitVector(problem.demand[order].tolist())
        model.AddDimensionWithVehicleCapacity(
            demand, 0, [problem.capacity] * problem.vehicles, True, "load"
        )
    if problem.vehicle_fixed_cost:
        model.SetFixedCostOfAllVehicles(problem.vehicle_fixed_cost)
    return manager, model


def _add_clock(
    model: pywrapcp.RoutingModel,
    manager: pywrapcp.RoutingIndexManager,
    problem: RoutingProblem,
    order: NDArray[np.int64],
    transit: int,
) -> None:
    """Time dimension: fixed departure, windows, return by the horizon, waiting charged."""
    assert problem.horizon is not None
    first, last = problem.horizon
    model.AddDimension(transit, last - first, last, False, "time")
    clock = model.GetDimensionOrDie("time")
    for vehicle in range(problem.vehicles):
        clock.CumulVar(model.Start(vehicle)).SetRange(first, first)
        clock.CumulVar(model.End(vehicle)).SetRange(first, last)
    if problem.waiting_weight:
        clock.SetSlackCostCoefficientForAllVehicles(problem.waiting_weight)
    if problem.windows:
        for k, node in enumerate(order):
            if problem.windows[node]:
                _restrict(clock.CumulVar(manager.NodeToIndex(k)), problem.windows[node])
    if problem.balance or problem.duration_floor_weight:
        _add_balance(model, problem)


def _restrict(cumul: pywrapcp.IntVar, windows: Windows) -> None:
    """Service may begin inside one of the windows only."""
    cumul.SetRange(windows[0][0], windows[-1][1])
    for (_, end), (start, _) in itertools.pairwise(windows):
        if start > end + 1:
            cumul.RemoveInterval(end + 1, start - 1)


def _add_balance(model: pywrapcp.RoutingModel, problem: RoutingProblem) -> None:
    """Min-max of the routes' durations plus a charge for routes below the floor.

    Durations include waiting. Waiting costs more than the floor charge saves, so no
    route is padded with idle time to reach the floor.
    """
    assert problem.horizon is not None
    clock = model.GetDimensionOrDie("time")
    if problem.balance:
        clock.SetGlobalSpanCostCoefficient(problem.balance)
    if problem.duration_floor_weight:
        for vehicle in range(problem.vehicles):
            # OR-Tools skips the cumul costs of empty routes unless they count as used.
            model.SetVehicleUsedWhenEmpty(True, vehicle)
            clock.SetCumulVarSoftLowerBound(
                model.End(vehicle),
                problem.horizon[0] + problem.duration_floor,
                problem.duration_floor_weight,
            )


def _parameters(
    problem: RoutingProblem, config: SearchConfig, seconds: float, max_solutions: int | None
) -> routing_parameters_pb2.RoutingSearchParameters:
    """OR-Tools search parameters of one configuration."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    strategies = routing_enums_pb2.FirstSolutionStrategy
    params.first_solution_strategy = getattr(strategies, config.first_solution)
    metaheuristics = routing_enums_pb2.LocalSearchMetaheuristic
    params.time_limit.FromMilliseconds(max(int(seconds * 1000), 10))
    if max_solutions is not None:
        params.solution_limit = max_solutions
    for name in config.operators:
        setattr(params.local_search_operators, name, optional_boolean_pb2.BOOL_TRUE)
    for name in config.operators_off:
        setattr(params.local_search_operators, name, optional_boolean_pb2.BOOL_FALSE)
    if config.improvement == "gls":
        params.local_search_metaheuristic = metaheuristics.GUIDED_LOCAL_SEARCH
        params.guided_local_search_lambda_coefficient = config.gls_lambda
        return params
    params.local_search_metaheuristic = metaheuristics.GREEDY_DESCENT
    params.use_iterated_local_search = True
    ils = params.iterated_local_search_parameters
    ruin = ils.ruin_recreate_parameters
    del ruin.ruin_strategies[:]
    sisr = ruin.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = config.ruin_sequence
    sisr.avg_num_removed_visits = config.ruin_visits
    sisr.bypass_factor = 0.01  # the paper's alpha
    ruin.recreate_strategy.heuristic = getattr(strategies, config.recreate)
    annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
    scale = cost_scale(problem)
    annealing.initial_temperature = config.temperature[0] * scale
    annealing.final_temperature = config.temperature[1] * scale
    return params
