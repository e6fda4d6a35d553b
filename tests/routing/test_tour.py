"""The tour engine (routing/tour.py): iterated 2-opt / Or-opt on paths, tours and open walks."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest

from routing.tour import (
    improve_path,
    improve_tour,
    nearest_neighbour,
    polish_path,
    whole_costs,
)
from tests.routing.tsplib import BERLIN52_OPTIMUM, berlin52, cost


def _plane(n: int, seed: int, size: float = 1000.0) -> np.ndarray:
    """Metres between ``n`` random points of a ``size`` m square."""
    xy = np.random.default_rng(seed).random((n, 2)) * size
    return np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))


def _closed_m(dist: np.ndarray, tour: np.ndarray) -> float:
    return float(dist[tour, np.roll(tour, -1)].sum())


def _open_m(dist: np.ndarray, path: np.ndarray) -> float:
    return float(dist[path[:-1], path[1:]].sum())


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


def test_metres_are_compared_in_hundredths() -> None:
    assert whole_costs(np.array([[0.0, 12.344], [12.346, 0.0]])).tolist() == [[0, 1234], [1235, 0]]
    assert whole_costs(np.array([[0, 7], [9, 0]])).tolist() == [[0, 7], [9, 0]]
    with pytest.raises(ValueError, match="finite"):
        whole_costs(np.array([[0.0, np.inf], [1.0, 0.0]]))


def test_nearest_neighbour_goes_on_to_the_closest_place() -> None:
    # places on a line at 0, 10, 25, 27 and 100 m: from 25 m, 27 is closest, then 10, 0, 100
    xs = np.array([0.0, 10.0, 25.0, 27.0, 100.0])
    dist = np.abs(xs[:, None] - xs[None, :])
    assert nearest_neighbour(dist, start=2).tolist() == [2, 3, 1, 0, 4]
    assert nearest_neighbour(dist).tolist() == [0, 1, 2, 3, 4]


def test_improve_tour_shortens_a_tour_and_keeps_every_site() -> None:
    dist = _plane(120, seed=2)
    start = nearest_neighbour(dist)
    better = improve_tour(dist, start)
    assert sorted(better.tolist()) == list(range(120))
    assert _closed_m(dist, better) < 0.95 * _closed_m(dist, start)
    kicked = improve_tour(dist, start, kicks=2000, seed=1)
    assert _closed_m(dist, kicked) <= _closed_m(dist, better)
    assert kicked.tolist() == improve_tour(dist, start, kicks=2000, seed=1).tolist()


def test_improve_tour_finds_the_best_loop_of_eight_places() -> None:
    dist = _plane(8, seed=11)
    best = min(_closed_m(dist, np.array([0, *p])) for p in itertools.permutations(range(1, 8)))
    found = improve_tour(dist, np.arange(8), kicks=200)
    assert _closed_m(dist, found) == pytest.approx(best)


def test_an_open_walk_on_a_line_goes_end_to_end() -> None:
    # places on a line, shuffled: the shortest open walk runs from one end to the other
    xs = np.random.default_rng(3).permutation(30).astype(float) * 10
    dist = np.abs(xs[:, None] - xs[None, :])
    walk = improve_path(dist, np.arange(30), kicks=100)
    assert sorted(walk.tolist()) == list(range(30))
    assert _open_m(dist, walk) == pytest.approx(290.0)


def test_an_open_walk_can_keep_its_start() -> None:
    # from the middle of a line the best walk goes to the nearer end first, then across
    xs = np.arange(11, dtype=float) * 10  # 0..100 m
    dist = np.abs(xs[:, None] - xs[None, :])
    first = np.array([4, *[i for i in range(11) if i != 4]])
    walk = improve_path(dist, first, keep_start=True, kicks=100)
    assert walk[0] == 4 and sorted(walk.tolist()) == list(range(11))
    assert _open_m(dist, walk) == pytest.approx(40.0 + 100.0)
