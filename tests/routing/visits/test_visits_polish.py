"""Iterated 2-opt / Or-opt on single tours (routing.visits.polish) and its use in search."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import numpy as np
import pytest

from routing.budget import Budget
from routing.visits.model import RoutingProblem, run_search
from routing.visits.options import TOUR_PORTFOLIO, SearchConfig
from routing.visits.polish import polish_path

TSPLIB = Path(__file__).resolve().parents[2] / "data" / "tsplib"
BERLIN52_OPTIMUM = 7542  # proven optimum (TSPLIB)


def berlin52() -> np.ndarray:
    """TSPLIB berlin52 with its EUC_2D rounding."""
    lines = (TSPLIB / "berlin52.tsp").read_text().splitlines()
    start = lines.index("NODE_COORD_SECTION") + 1
    xy = np.array([[float(v) for v in line.split()[1:3]] for line in lines[start : start + 52]])
    return np.floor(np.linalg.norm(xy[:, None] - xy[None, :], axis=2) + 0.5).astype(np.int64)


def cost(travel: np.ndarray, path: tuple[int, ...] | list[int]) -> int:
    return int(sum(int(travel[a, b]) for a, b in itertools.pairwise(path)))


def test_the_polish_reaches_berlin52s_optimum_from_the_given_order() -> None:
    travel = berlin52()
    start = [0, *range(1, 52), 0]
    done = polish_path(travel, start, deadline=time.time() + 60, seed=0, max_kicks=3000)
    assert done.path[0] == done.path[-1] == 0
    assert sorted(done.path[1:-1]) == list(range(1, 52))
    assert done.cost == cost(travel, done.path) == BERLIN52_OPTIMUM
    assert cost(travel, start) > 2 * BERLIN52_OPTIMUM  # it had work to do


def test_costs_stay_exact_on_an_asymmetric_open_path() -> None:
    # stairs: going up costs more than coming down, so reversed segments change cost
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 500, (60, 2))
    height = rng.integers(0, 30, 60)
    flat = np.linalg.norm(xy[:, None] - xy[None, :], axis=2)
    climb = np.maximum(height[None, :] - height[:, None], 0) * 15
    travel = np.rint(flat + climb).astype(np.int64)
    assert not np.array_equal(travel, travel.T)
    start = [0, *range(2, 60), 1]  # from node 0 to node 1
    done = polish_path(travel, start, deadline=time.time() + 60, seed=3, max_kicks=300)
    assert (done.path[0], done.path[-1]) == (0, 1)
    assert sorted(done.path) == list(range(60))
    assert done.cost == cost(travel, done.path) < cost(travel, start)


def test_the_same_seed_and_kick_budget_give_the_same_path() -> None:
    travel = berlin52()
    start = [0, *range(51, 0, -1), 0]
    runs = [
        polish_path(travel, start, deadline=time.time() + 60, seed=5, max_kicks=200)
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    other = polish_path(travel, start, deadline=time.time() + 60, seed=6, max_kicks=200)
    assert other.kicks == 200 and other.cost >= BERLIN52_OPTIMUM


def test_tiny_paths_come_back_unchanged() -> None:
    travel = berlin52()[:4, :4]
    done = polish_path(travel, [0, 2, 1, 3], deadline=time.time() + 1)
    assert done.path == (0, 2, 1, 3) and done.kicks == 0


@pytest.mark.parametrize("config", TOUR_PORTFOLIO, ids=lambda c: c.name)
def test_tour_searches_end_with_the_polish(config: SearchConfig) -> None:
    travel = berlin52()
    problem = RoutingProblem(travel, np.zeros(52, dtype=np.int64), (0,), (0,), None, None)
    found = run_search(problem, config, budget=Budget.seconds(30, max_solutions=100), seed=1)
    assert config.polish > 0
    assert sorted(found.routes[0]) == list(range(1, 52))
    assert found.objective == cost(travel, [0, *found.routes[0], 0]) == BERLIN52_OPTIMUM
    again = run_search(problem, config, budget=Budget.seconds(30, max_solutions=100), seed=1)
    assert again.routes == found.routes  # repeatable under a work budget


def test_polish_share_is_validated() -> None:
    with pytest.raises(ValueError, match="polish"):
        SearchConfig("bad", polish=1.0)
