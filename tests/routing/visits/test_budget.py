"""The stopping rule shared by the routes search and the tour polish."""

from __future__ import annotations

import time

import pytest

from routing.visits.budget import Budget


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
    with pytest.raises(ValueError, match="deadline"):
        Budget(float("inf"))
