"""Which search runs, what it returns, and that its objective is OR-Tools' own pricing."""

from __future__ import annotations

import time

import numpy as np
import pytest
from ortools.constraint_solver import pywrapcp

from routing.visits import (
    ROUTES_PORTFOLIO,
    ROUTING_PORTFOLIO,
    TOUR_PORTFOLIO,
    RoutingProblem,
    solve,
)
from routing.visits.budget import Budget
from routing.visits.improve import improve, models, run_routes
from routing.visits.model import _build, first_solution
from routing.visits.search import portfolio_for

# Twelve visits on a 4 x 3 grid, 10 apart, the depot (node 12) off one corner; stairs
# make going to higher-numbered visits dearer than coming back (asymmetric).
GRID = np.array([(10 * (k % 4), 10 * (k // 4)) for k in range(12)] + [(-10, -10)], dtype=float)


def grid(
    *,
    windows: dict[int, tuple[tuple[int, int], ...]] | None = None,
    vehicles: int = 3,
    balance: int = 0,
    floor: int = 0,
    waiting: int = 0,
    penalty: int = 10_000,
) -> RoutingProblem:
    distance = np.hypot(*(GRID[:, None] - GRID[None]).transpose(2, 0, 1))
    up = 3 * (np.arange(13)[None, :] > np.arange(13)[:, None])
    travel = np.rint(distance).astype(np.int64) + up
    np.fill_diagonal(travel, 0)
    spans = [(windows or {}).get(k, ()) for k in range(13)]
    return RoutingProblem(
        travel,
        np.array([5] * 12 + [0], dtype=np.int64),
        (12,) * vehicles,
        (12,) * vehicles,
        (0, 400),
        np.full(13, penalty, dtype=np.int64),
        tuple(spans),
        balance=balance,
        duration_floor=floor,
        duration_floor_weight=balance if floor else 0,
        waiting_weight=waiting,
    )


def test_one_window_per_visit_goes_to_the_routes_search() -> None:
    problem = grid(windows={3: ((50, 90),)})
    assert models(problem) and portfolio_for(problem) == ROUTES_PORTFOLIO
    outcome = solve(problem, time_limit_s=5.0, workers=1, max_solutions=300)
    assert outcome.best.search == ROUTES_PORTFOLIO[0].name
    assert sorted(v for r in outcome.best.routes for v in r) == list(range(12))


def test_two_window_days_go_to_ortools_search() -> None:
    problem = grid(windows={3: ((0, 20), (200, 240))})
    assert not models(problem) and portfolio_for(problem) == ROUTING_PORTFOLIO
    # A routes-search configuration given for such a problem runs OR-Tools' instead.
    found = run_routes(
        problem, ROUTES_PORTFOLIO[0], deadline=time.time() + 5, seed=1, max_solutions=200
    )
    assert found.search == f"{ROUTES_PORTFOLIO[0].name}:ortools-ils"
    assert sorted(v for r in found.routes for v in r) == list(range(12))


def test_single_tours_keep_the_tour_portfolio() -> None:
    problem = RoutingProblem(grid().travel, np.zeros(13, np.int64), (12,), (12,), None, None)
    assert portfolio_for(problem) == TOUR_PORTFOLIO


def test_a_work_budget_repeats_for_a_seed() -> None:
    problem = grid(windows={k: ((20 * k, 20 * k + 60),) for k in range(0, 12, 2)})
    runs = [
        solve(problem, time_limit_s=30.0, workers=2, seed=4, max_solutions=400).best
        for _ in range(2)
    ]
    assert sorted(v for r in runs[0].routes for v in r) == list(range(12))
    assert runs[0].routes == runs[1].routes and runs[0].objective == runs[1].objective


class Slices(Budget):
    """A work budget done in slices of 7 iterations, whatever the clock says."""

    def step(self, done: int, seconds_per_unit: float) -> int:
        assert self.max_work is not None
        return min(7, self.max_work - done)


def test_a_run_does_not_depend_on_how_it_is_sliced() -> None:
    # The slices follow the machine's speed; the iterations must not.
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 100, size=(61, 2))
    travel = np.rint(np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))).astype(np.int64)
    opens = rng.integers(0, 400, size=61)
    problem = RoutingProblem(
        travel,
        np.full(61, 10, dtype=np.int64),
        (0,) * 6,
        (0,) * 6,
        (0, 600),
        np.full(61, 10**6, dtype=np.int64),
        ((), *(((int(a), int(a) + 80),) for a in opens[1:])),
    )
    routes, _ = first_solution(problem, ROUTES_PORTFOLIO[0], seed=0)
    start = [list(r) for r in routes]
    whole = improve(problem, start, budget=Budget(time.time() + 60, 60), seed=5)
    sliced = improve(problem, start, budget=Slices(time.time() + 60, 60), seed=5)
    assert whole.iterations == sliced.iterations == 60
    assert whole.routes == sliced.routes and whole.objective == sliced.objective


@pytest.mark.parametrize(
    "shape",
    [
        {"windows": {2: ((100, 130),), 7: ((0, 40),)}, "waiting": 2},
        {"balance": 3, "floor": 60, "waiting": 4},
        {"vehicles": 2, "penalty": 40, "windows": {11: ((0, 15),)}},
    ],
    ids=["waiting", "event-day balance", "optional visits"],
)
def test_the_objective_is_ortools_own_pricing(shape: dict) -> None:
    problem = grid(**shape)
    routes, _ = first_solution(problem, ROUTES_PORTFOLIO[0], seed=0)
    found = improve(
        problem, [list(r) for r in routes], budget=Budget(time.time() + 30, 300), seed=2
    )
    assert found.objective == _ortools_objective(problem, found.routes)


def _ortools_objective(problem: RoutingProblem, routes: tuple[tuple[int, ...], ...]) -> int:
    """OR-Tools' objective of the given routes (its cumul optimiser sets the times)."""
    manager, model = _build(problem, np.arange(problem.size))
    indices = [[manager.NodeToIndex(v) for v in route] for route in routes]
    params = pywrapcp.DefaultRoutingSearchParameters()
    model.CloseModelWithParameters(params)
    start = model.ReadAssignmentFromRoutes(indices, True)
    assert start is not None
    params.solution_limit = 1
    solved = model.SolveFromAssignmentWithParameters(start, params)
    return int(solved.ObjectiveValue())
