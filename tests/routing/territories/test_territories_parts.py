"""The planner's parts: the exact sequence cut, team loops and the building order."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from routing.territories.loops import loop_tour
from routing.territories.order import building_sequences
from routing.territories.split import cut_sequence


class _PerCell:
    """Segment cost = the sum of a per-position boundary cost at its end (separable)."""

    def __init__(self, boundary: np.ndarray):
        self.boundary = boundary

    def __call__(self, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return self.boundary[q] + 0.0 * p

    def separable(self) -> tuple[np.ndarray, np.ndarray]:
        return self.boundary, np.zeros_like(self.boundary)


def _all_cuts(n: int, k: int) -> list[tuple[int, ...]]:
    return [(0, *inner, n) for inner in itertools.combinations(range(1, n), k - 1)]


def _deviation(work: np.ndarray, bounds: tuple[int, ...] | np.ndarray) -> float:
    sums = np.add.reduceat(work, np.asarray(bounds[:-1]))
    return float(np.abs(sums / (work.sum() / (len(bounds) - 1)) - 1).max())


@pytest.mark.parametrize("seed", range(6))
def test_cut_is_the_cheapest_balanced_cut(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 11, 3
    work = rng.integers(1, 9, size=n).astype(float)
    boundary = rng.random(n + 1) * 10
    free = np.ones(n + 1, dtype=bool)
    cut = cut_sequence(work, k, 0.25, _PerCell(boundary), np.full(n + 1, n), free)
    cuts = _all_cuts(n, k)
    best_tol = min(_deviation(work, c) for c in cuts)
    assert cut.tolerance >= best_tol - 1e-3
    assert _deviation(work, cut.bounds) <= cut.tolerance + 1e-9
    feasible = [c for c in cuts if _deviation(work, c) <= cut.tolerance + 1e-9]
    cheapest = min(boundary[list(c[1:])].sum() for c in feasible)
    assert boundary[cut.bounds[1:]].sum() == pytest.approx(cheapest)


def test_cut_finds_the_smallest_reachable_tolerance() -> None:
    work = np.array([10.0, 1, 1, 1, 1, 1, 1])  # mean 8: the best cut is 10 | 6, ±25 %
    free = np.ones(8, dtype=bool)
    cut = cut_sequence(work, 2, 0.05, _PerCell(np.zeros(8)), np.full(8, 7), free)
    assert cut.bounds.tolist() == [0, 1, 7]
    assert cut.tolerance == pytest.approx(0.25, abs=1e-3)


def test_cut_respects_forbidden_boundaries_and_limits() -> None:
    work = np.ones(8)
    allowed = np.ones(9, dtype=bool)
    allowed[4] = False  # the natural halfway cut
    limit = np.full(9, 8)
    cut = cut_sequence(work, 2, 0.3, _PerCell(np.zeros(9)), limit, allowed)
    assert 4 not in cut.bounds.tolist()
    limit = np.minimum(np.arange(9) + 3, 8)  # segments of at most 3 cells
    cut = cut_sequence(work, 3, 0.5, _PerCell(np.zeros(9)), limit, np.ones(9, dtype=bool))
    assert (np.diff(cut.bounds) <= 3).all() and cut.constrained


def test_loop_tour_is_exact_for_small_sets() -> None:
    rng = np.random.default_rng(1)
    xy = rng.random((7, 2)) * 500
    dist = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1))
    length, order = loop_tour(dist, np.arange(7))
    brute = min(dist[(0, *p), (*p, 0)].sum() for p in itertools.permutations(range(1, 7)))
    assert length == pytest.approx(brute)
    assert sorted(order.tolist()) == list(range(7))
    assert loop_tour(dist, np.array([3]))[0] == 0.0
    assert loop_tour(dist, np.array([2, 5]))[0] == pytest.approx(2 * dist[2, 5])


def test_building_sequences_are_short_open_walks() -> None:
    # Sites on a line, shuffled: the best open walk goes end to end.
    xs = np.random.default_rng(3).permutation(30).astype(float) * 10
    dist = np.abs(xs[:, None] - xs[None, :])
    orders = building_sequences(dist, 5.0)
    assert len(orders) >= 2
    for order in orders:
        assert sorted(order.tolist()) == list(range(30))
        assert dist[order[:-1], order[1:]].sum() == pytest.approx(290.0)
