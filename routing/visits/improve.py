"""The routes search: OR-Tools' first solution improved by compiled ruin, recreate, descent.

``models`` says which problems it handles: at most one window per visit (two-window
days go to OR-Tools' own search, see ``search.portfolio_for``). ``improve`` turns a
``RoutingProblem`` into the arrays of ``segments.Data``, starts from the given routes
and runs ``iterate.run`` in slices until its ``Budget`` is spent, then returns the best
feasible routes with their objective, computed exactly as OR-Tools prices them (travel,
waiting, duration floor, longest route, fixed costs, prizes of visits left out).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from routing.tour import warm_up as warm_tour
from routing.visits.budget import Budget
from routing.visits.iterate import (
    BEST,
    CUR_BASE,
    CUR_LOAD,
    CUR_WARP,
    HISTORY,
    LONGEST,
    MAX_RUIN,
    MIN_RUIN,
    RESTART,
    parts,
    run,
    seed_random,
    set_penalties,
)
from routing.visits.model import RoutingProblem, Solution, cost_scale, first_solution, run_search
from routing.visits.moves import new_move
from routing.visits.options import SearchConfig
from routing.visits.segments import Data, new_state, routes_of, set_routes

# Nearest visits each visit's moves look at (the granular neighbourhood). On R201 and
# RC201, 5 s, six seeds: 20 gave +0.07 % mean to the best known, 30 +0.28 %, 40 +0.26 %
# (more neighbours cost more iterations than their moves are worth).
NEIGHBOURS = 20
# Proximity of i to j (Vidal et al. 2013): travel, plus these weights times the least
# waiting and the least time warp when j follows i.
WAIT_WEIGHT, WARP_WEIGHT = 0.2, 1.0
# "No window" and "no horizon": a late bound no plan reaches.
UNBOUNDED = 2**40
# A mandatory visit (penalty None) costs this much to leave out.
MANDATORY_PRIZE = 2**50
# Highest first weight of time warp (see ``warp_penalty``).
WARP_CAP = 100.0
# ``max_solutions`` counts iterations: each makes one candidate solution.
ITERATIONS_PER_SOLUTION = 1


@dataclass(frozen=True)
class Tuning:
    """How the routes search perturbs and accepts (see ``iterate``).

    Attributes
    ----------
    ruin_visits : int
        Visits a ruin removes on average (uniformly from half to 1.5 times this).
    longest_string : int
        Longest string of consecutive visits cut from one route.
    history : int
        Late acceptance: iterations back whose cost a candidate may match.
    restart : int
        Iterations without a better solution after which the search goes back to it.
    """

    ruin_visits: int = 15
    longest_string: int = 10
    history: int = 50
    restart: int = 20_000

    def __post_init__(self) -> None:
        values = (self.ruin_visits, self.longest_string, self.history, self.restart)
        if min(values) < 1:
            raise ValueError(f"every tuning value must be >= 1, got {self!r}")


@dataclass(frozen=True)
class Improved:
    """Best feasible routes, their objective, and the iterations made."""

    routes: tuple[tuple[int, ...], ...]
    objective: int
    iterations: int


def run_routes(
    problem: RoutingProblem,
    config: SearchConfig,
    *,
    deadline: float,
    seed: int,
    max_solutions: int | None = None,
    on_solution: Callable[[int, float], None] | None = None,
) -> Solution:
    """OR-Tools' first solution improved by the routes search, as ``model.run_search``.

    Problems the routes search does not model (``models``) run OR-Tools' iterated
    local search instead, with the same configuration.

    Parameters
    ----------
    problem : RoutingProblem
        What to solve.
    config : SearchConfig
        First solution strategy, ruin size, string length, acceptance history.
    deadline : float
        Wall-clock end, as ``time.time()``.
    seed : int
        Node order of the first solution and the search's random numbers.
    max_solutions : int, optional
        Work budget: ``ITERATIONS_PER_SOLUTION`` iterations per solution.
    on_solution : callable, optional
        Called with (objective, elapsed seconds) when the best solution improves
        (checked between slices of iterations).

    Returns
    -------
    Solution
        The best routes and their objective (penalties of visits left out included).
    """
    if not models(problem):
        fallback = replace(config, improvement="ils", name=f"{config.name}:ortools-ils")
        return run_search(
            problem,
            fallback,
            deadline=deadline,
            seed=seed,
            max_solutions=max_solutions,
            on_solution=on_solution,
        )
    began = time.time()
    routes, objective = first_solution(problem, config, seed)
    work = None if max_solutions is None else max_solutions * ITERATIONS_PER_SOLUTION
    tuning = Tuning(config.ruin_visits, config.ruin_sequence, config.history)
    found = improve(
        problem,
        [list(r) for r in routes],
        budget=Budget(deadline, work),
        seed=seed,
        tuning=tuning,
        on_best=None if on_solution is None else lambda v: on_solution(v, time.time() - began),
    )
    if found.objective < 0:  # nothing feasible found: keep the first solution
        return Solution(tuple(routes), _dropped(problem, routes), objective, config.name, 0.0)
    return Solution(
        found.routes,
        _dropped(problem, found.routes),
        found.objective,
        config.name,
        time.time() - began,
    )


def warm_up() -> None:
    """Compile the routes search and the tour polish (or load them from numba's disk
    cache) on a three-visit problem.

    Call before forking workers, so that they inherit the compiled code: loading it
    takes about a second per process, compiling it from scratch a minute.
    """
    if _WARM:
        return
    travel = np.array([[0, 2, 3, 4], [2, 0, 2, 3], [3, 2, 0, 2], [4, 3, 2, 0]], dtype=np.int64)
    problem = RoutingProblem(
        travel,
        np.ones(4, dtype=np.int64),
        (0, 0),
        (0, 0),
        (0, 100),
        np.full(4, 1000, dtype=np.int64),
        ((), ((0, 50),), (), ()),
        np.ones(4, dtype=np.int64),
        3,
        balance=1,
    )
    improve(problem, [[1, 2], [3]], budget=Budget(time.time() + 3600, 2), seed=1)
    warm_tour()
    _WARM.append(True)


_WARM: list[bool] = []


def _dropped(
    problem: RoutingProblem, routes: list[tuple[int, ...]] | tuple[tuple[int, ...], ...]
) -> tuple[int, ...]:
    served = {node for route in routes for node in route}
    return tuple(node for node in problem.visits if node not in served)


def models(problem: RoutingProblem) -> bool:
    """Whether the routes search handles every constraint of ``problem``.

    It does for windows of one interval per visit, service times, optional visits,
    vehicle starts and ends, capacities, fixed costs, waiting charges and the event-day
    balance terms; not for several windows per visit.
    """
    return all(len(w) <= 1 for w in problem.windows)


def to_data(problem: RoutingProblem) -> Data:
    """The arrays the compiled search reads."""
    n = problem.size
    first, last = problem.horizon if problem.horizon is not None else (0, UNBOUNDED)
    early = np.full(n, first, dtype=np.int64)
    late = np.full(n, last, dtype=np.int64)
    for node, window in enumerate(problem.windows):
        if window:
            early[node], late[node] = window[0]
    is_visit = np.zeros(n, dtype=np.bool_)
    is_visit[problem.visits] = True
    prize = np.zeros(n, dtype=np.int64)
    prize[is_visit] = MANDATORY_PRIZE if problem.penalty is None else problem.penalty[is_visit]
    demand = np.zeros(n, dtype=np.int64) if problem.demand is None else problem.demand
    capacity = problem.capacity if problem.demand is not None else UNBOUNDED
    scalars = np.array(
        [
            capacity,
            first,
            last,
            problem.waiting_weight,
            problem.duration_floor,
            problem.duration_floor_weight,
            problem.balance,
            problem.vehicle_fixed_cost,
        ],
        dtype=np.int64,
    )
    travel = np.ascontiguousarray(problem.travel, dtype=np.int64)
    service = np.ascontiguousarray(problem.service, dtype=np.int64)
    return Data(
        travel,
        service,
        early,
        late,
        prize,
        demand.astype(np.int64),
        np.array(problem.starts, dtype=np.int64),
        np.array(problem.ends, dtype=np.int64),
        neighbours(travel, service, early, late, is_visit),
        is_visit,
        scalars,
    )


def neighbours(
    travel: NDArray[np.int64],
    service: NDArray[np.int64],
    early: NDArray[np.int64],
    late: NDArray[np.int64],
    is_visit: NDArray[np.bool_],
) -> NDArray[np.int64]:
    """Each node's ``NEIGHBOURS`` nearest visits by symmetric time-window proximity."""
    t = travel.astype(float)
    leave_early = (early + service).astype(float)[:, None]
    leave_late = (late + service).astype(float)[:, None]
    wait = np.maximum(early[None, :] - t - leave_late, 0)
    warp = np.maximum(leave_early + t - late[None, :], 0)
    proximity = t + WAIT_WEIGHT * wait + WARP_WEIGHT * warp
    proximity = np.minimum(proximity, proximity.T)
    proximity[:, ~is_visit] = np.inf
    np.fill_diagonal(proximity, np.inf)
    k = max(1, min(NEIGHBOURS, int(is_visit.sum()) - 1))
    near = np.argsort(proximity, axis=1, kind="stable")[:, :k]
    # A visit without k other visits points at itself, which every move skips.
    return np.where(
        np.isfinite(np.take_along_axis(proximity, near, 1)), near, np.arange(len(t))[:, None]
    )


def warp_penalty(data: Data) -> float:
    """The first weight of a unit of time warp: where leaving out the cheapest visit starts
    to pay against running late by its service and cheapest arrival (visits worth more
    than ``WARP_CAP`` per unit count as mandatory), at least 1.

    Starting lower lets a search of optional visits pack every visit in at a small
    price and spend its first thousands of iterations raising the weight.
    """
    visits = np.flatnonzero(data.is_visit)
    if not len(visits):
        return 1.0
    arrival = np.where(np.eye(len(data.travel), dtype=bool), UNBOUNDED, data.travel)[:, visits]
    cost = data.service[visits] + arrival.min(axis=0)
    ratio = data.prize[visits] / np.maximum(cost, 1)
    return float(np.clip(ratio.min(), 1.0, WARP_CAP))


def improve(
    problem: RoutingProblem,
    routes: list[list[int]],
    *,
    budget: Budget,
    seed: int,
    tuning: Tuning | None = None,
    on_best: Callable[[int], None] | None = None,
) -> Improved:
    """Improve ``routes`` (one visit list per vehicle; may be infeasible or incomplete).

    Parameters
    ----------
    problem : RoutingProblem
        What to solve; ``models(problem)`` must hold.
    routes : list of list of int
        The starting routes, e.g. OR-Tools' first solution.
    budget : Budget
        Deadline and work (iterations) budget.
    seed : int
        Seed of the search's random numbers.
    tuning : Tuning, optional
        Ruin size, string length, acceptance history, restart.
    on_best : callable, optional
        Called with the best objective when it improves (between slices).

    Returns
    -------
    Improved
        The best feasible routes found (the given ones if none is), their objective.
    """
    if not models(problem):
        raise ValueError("the routes search handles one window per visit at most")
    tuning = tuning or Tuning()
    data = to_data(problem)
    scale = cost_scale(problem)
    state = new_state(data, np.array([1.0, 1.0]))
    set_routes(data, state, routes)
    top = int(data.demand.max(initial=0))
    set_penalties(data, state, warp_penalty(data), max(scale / max(top, 1), 0.01))
    seed_random(seed)
    move = new_move(problem.size)
    snap, snap_size = state.nodes.copy(), state.size.copy()
    best, best_size = state.nodes.copy(), state.size.copy()
    values = np.zeros(9)
    base, warp, excess = parts(data, state)
    values[CUR_BASE], values[CUR_WARP], values[CUR_LOAD] = base, warp, excess
    values[BEST] = base if warp == 0 and excess == 0 else np.inf
    visits = len(problem.visits)
    params = np.zeros(5, dtype=np.int64)
    params[MIN_RUIN] = max(1, min(tuning.ruin_visits // 2, visits))
    params[MAX_RUIN] = max(params[MIN_RUIN], min(tuning.ruin_visits * 3 // 2, visits))
    params[LONGEST] = tuning.longest_string
    params[HISTORY] = tuning.history
    params[RESTART] = tuning.restart
    order = np.flatnonzero(data.is_visit).astype(np.int64)
    history = np.full((tuning.history, 3), np.inf)
    history[:, 1:] = 0
    done, per, reported = 0, 1e-3, values[BEST]
    while visits and budget.left(done):
        units = budget.step(done, per)
        began = time.perf_counter()
        run(
            data,
            state,
            move,
            snap,
            snap_size,
            best,
            best_size,
            values,
            params,
            history,
            order,
            units,
        )
        per = (time.perf_counter() - began) / max(units, 1)
        done += units
        if on_best is not None and values[BEST] < reported:
            reported = values[BEST]
            on_best(round(reported))
    if values[BEST] == np.inf:
        return Improved(tuple(tuple(r) for r in routes), -1, done)
    set_routes(data, state, [best[r, 1 : best_size[r] + 1].tolist() for r in range(len(best_size))])
    found = tuple(tuple(r) for r in routes_of(state))
    return Improved(found, round(parts(data, state)[0]), done)
