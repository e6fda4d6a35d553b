"""The one stopping rule of every solver: clock, solutions, work, whichever comes first."""

from __future__ import annotations

import time

import pytest
from ortools.constraint_solver import pywrapcp

from routing.budget import Budget
from routing.matching.options import MatchOptions
from routing.pairing.options import PairingOptions
from routing.patrols.options import PatrolOptions, RotaOptions
from routing.territories import TerritoryOptions
from routing.visits import VisitOptions


def test_work_ends_a_budget_before_the_clock() -> None:
    budget = Budget(time.time() + 3600, max_work=100)
    assert budget.left(99) and not budget.left(100)
    # slices never run past the work budget, and are at least one unit
    assert budget.step(90, seconds_per_unit=1e-6) == 10
    assert budget.step(0, seconds_per_unit=10.0) == 1


def test_the_clock_ends_a_budget_without_work_limit() -> None:
    assert not Budget(time.time() - 1).left(0)
    # about 50 ms of work between looks at the clock
    assert Budget(time.time() + 60).step(0, seconds_per_unit=0.001) == 50


def test_a_budget_is_validated() -> None:
    with pytest.raises(ValueError, match="max_work"):
        Budget(time.time(), max_work=-1)
    with pytest.raises(ValueError, match="max_solutions"):
        Budget(time.time(), max_solutions=0)
    with pytest.raises(ValueError, match="deadline"):
        Budget(float("inf"))
    with pytest.raises(ValueError, match="time_limit_s"):
        Budget.seconds(float("nan"))


def test_solutions_become_work_for_solvers_that_count_their_own() -> None:
    budget = Budget.seconds(60, max_solutions=30)
    assert budget.work_per_solution(20).max_work == 600  # 30 solutions × 20 kicks
    assert Budget.seconds(60).work_per_solution(20).max_work is None  # clock only
    assert Budget.seconds(60, max_work=10).after(4).max_work == 6
    assert Budget.seconds(60, max_work=3).after(4).max_work == 0


def test_a_share_of_the_time_left_keeps_the_other_limits() -> None:
    budget = Budget.seconds(100, max_solutions=5, max_work=7)
    part = budget.share(0.25)
    assert 24 < part.left_s() <= 25
    assert (part.max_solutions, part.max_work) == (5, 7)
    assert Budget(time.time() - 5).share(0.5, at_least_s=2).left_s() > 1.9


def test_an_ortools_search_gets_the_time_left_and_the_solution_limit() -> None:
    params = pywrapcp.DefaultRoutingSearchParameters()
    Budget.seconds(2.0, max_solutions=40).search_parameters(params)
    assert 1.9 <= params.time_limit.ToMilliseconds() / 1000 <= 2.0
    assert params.solution_limit == 40
    spent = pywrapcp.DefaultRoutingSearchParameters()
    Budget(time.time() - 1).search_parameters(spent, at_least_s=0.5)
    assert spent.time_limit.ToMilliseconds() == 500


def test_every_solvers_options_build_their_budget_from_their_fields() -> None:
    budgets = {
        "visits": VisitOptions(time_limit_s=3.0, max_solutions=50).budget(),
        "territories": TerritoryOptions(time_limit_s=8.0).budget(),
        "patrol split": PatrolOptions(time_limit_s=3.0, max_solutions=7).budget(),
        "rota": RotaOptions(time_limit_s=3.0).budget(),
        "matching": MatchOptions(time_limit_s=3.0).budget(),
        "pairing": PairingOptions(time_limit_s=3.0).budget(),
    }
    for name, budget in budgets.items():
        assert isinstance(budget, Budget), name
        limit = 8.0 if name == "territories" else 3.0
        assert limit - 0.5 < budget.left_s() <= limit, name
    assert budgets["visits"].max_solutions == 50
    assert budgets["patrol split"].max_solutions == 7
    # Territories: CP-SAT work of 0.25 deterministic seconds per second of time limit.
    assert budgets["territories"].max_work == 2.0
    assert budgets["rota"].max_solutions is None and budgets["rota"].max_work is None
