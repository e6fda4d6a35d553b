"""Moves of the routes search on hand-sized instances, deltas worked out by hand.

The instance (``stairs``): a depot and four visits along a street, 10 per step, and
visits 2 and 4 up a flight of stairs (floor 2 and floor 1): going up costs 5 per floor,
going down nothing, so the matrix is asymmetric. travel[i][j] = 10 |x_i - x_j| +
5 max(f_j - f_i, 0) with x = 0..4 and f = (0, 0, 2, 0, 1):

    from\\to   0   1   2   3   4
       0      0  10  30  30  45
       1     10   0  20  20  35
       2     20  10   0  10  20
       3     30  20  20   0  15
       4     40  30  25  10   0
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from routing.visits.improve import to_data
from routing.visits.model import RoutingProblem
from routing.visits.moves import (
    Move,
    apply,
    insert,
    new_move,
    relocate,
    remove,
    replace,
    reverse,
    swap,
    swap_tails,
)
from routing.visits.segments import (
    BALANCE,
    DUR,
    WARP,
    Data,
    State,
    duration,
    merge,
    new_state,
    node_seg,
    routes_of,
    set_routes,
)

X = np.arange(5)
FLOORS = np.array([0, 0, 2, 0, 1])
STAIRS = 10 * np.abs(X[:, None] - X[None, :]) + 5 * np.maximum(FLOORS[None, :] - FLOORS[:, None], 0)


def problem(
    *,
    windows: tuple[tuple[tuple[int, int], ...], ...] = (),
    service: int = 0,
    penalty: int | None = None,
    balance: int = 0,
    vehicles: int = 2,
) -> RoutingProblem:
    return RoutingProblem(
        STAIRS.astype(np.int64),
        np.array([0] + [service] * 4, dtype=np.int64),
        (0,) * vehicles,
        (0,) * vehicles,
        (0, 1000),
        None if penalty is None else np.full(5, penalty, dtype=np.int64),
        windows,
        balance=balance,
    )


def state(
    p: RoutingProblem, routes: list[list[int]], warp: float = 1.0
) -> tuple[Data, State, Move]:
    data = to_data(p)
    s = new_state(data, np.array([warp, 1.0]))
    set_routes(data, s, routes)
    return data, s, new_move(p.size)


def total(s: State) -> float:
    return float(s.cost.sum())


def test_the_matrix_is_the_stairs_matrix() -> None:
    assert STAIRS.tolist() == [
        [0, 10, 30, 30, 45],
        [10, 0, 20, 20, 35],
        [20, 10, 0, 10, 20],
        [30, 20, 20, 0, 15],
        [40, 30, 25, 10, 0],
    ]


def test_relocate_between_routes() -> None:
    data, s, move = state(problem(), [[1, 2], [3, 4]])
    # A = 0-1-2-0 = 10 + 20 + 20 = 50; B = 0-3-4-0 = 30 + 15 + 40 = 85.
    assert s.cost.tolist() == [50, 85]
    # Visit 2 (A, position 2) after visit 3 (B, position 1):
    # A = 0-1-0 = 20; B = 0-3-2-4-0 = 30 + 20 + 20 + 40 = 110; 130 - 135 = -5.
    assert relocate(data, s, move, 0, 2, 1, 0, 1, 1, np.inf) == -5
    apply(data, s, move)
    assert routes_of(s) == [[1], [3, 2, 4]] and total(s) == 130


def test_relocate_a_pair_reversed_within_a_route() -> None:
    data, s, move = state(problem(), [[1, 3, 4, 2], []])
    # 0-1-3-4-2-0 = 10 + 20 + 15 + 25 + 20 = 90.
    assert s.cost[0] == 90
    # (3, 4) reversed after 2 (position 4): 0-1-2-4-3-0 = 10 + 20 + 20 + 10 + 30 = 90 -> 0.
    assert relocate(data, s, move, 0, 2, 2, 1, 0, 4, np.inf) == 0
    # (3, 4) kept in order before 1 (after the depot): 0-3-4-1-2-0 = 30 + 15 + 30 + 20 + 20
    # = 115 -> +25.
    assert relocate(data, s, move, 0, 2, 2, 0, 0, 0, np.inf) == 25


def test_swap_one_with_one_and_two_with_one() -> None:
    data, s, move = state(problem(), [[1, 2], [3, 4]])
    # 2 <-> 4: A = 0-1-4-0 = 10 + 35 + 40 = 85; B = 0-3-2-0 = 30 + 20 + 20 = 70; +20.
    assert swap(data, s, move, 0, 2, 1, 1, 2, 1, np.inf) == 20
    # (1, 2) <-> 3: A = 0-3-0 = 60; B = 0-1-2-4-0 = 10 + 20 + 20 + 40 = 90; 150 - 135 = +15.
    assert swap(data, s, move, 0, 1, 2, 1, 1, 1, np.inf) == 15


def test_swap_tails_keeps_each_route_its_own_end() -> None:
    data, s, move = state(problem(), [[1, 2], [3, 4]])
    # A keeps 0-1-2 and takes B's 4; B keeps 0-3 and takes nothing:
    # A = 0-1-2-4-0 = 10 + 20 + 20 + 40 = 90; B = 0-3-0 = 60; 150 - 135 = +15.
    assert swap_tails(data, s, move, 0, 2, 1, 1, np.inf) == 15
    apply(data, s, move)
    assert routes_of(s) == [[1, 2, 4], [3]]


def test_reversal_prices_the_stairs_both_ways() -> None:
    data, s, move = state(problem(), [[3, 2, 4], []])
    # 0-3-2-4-0 = 30 + 20 + 20 + 40 = 110. Reversing 2..3 gives 0-3-4-2-0 = 30 + 15 + 25 + 20
    # = 90: -20. (Symmetric pricing would see 2-4 and 4-2 alike and miss 5 of it.)
    assert s.cost[0] == 110
    assert reverse(data, s, move, 0, 2, 3, np.inf) == -20
    # Reversing all three: 0-4-2-3-0 = 45 + 25 + 10 + 30 = 110 -> 0.
    assert reverse(data, s, move, 0, 1, 3, np.inf) == 0


def test_a_late_arrival_costs_its_time_warp() -> None:
    # Visit 4 must be started by 50, service 10 everywhere, warp priced 2 per unit.
    windows = ((), (), (), (), ((0, 50),))
    data, s, move = state(problem(windows=windows, service=10), [[1, 2], [3, 4]], warp=2.0)
    # B = 0-3-4-0: 4 is reached at 30 + 10 + 15 = 55, 5 late: 85 + 2 * 5 = 95.
    assert s.cost[1] == 95
    # 4 to the front of B: 0-4-3-0 = 45 + 10 + 30 = 85, 4 reached at 45: on time; -10.
    assert relocate(data, s, move, 1, 2, 1, 0, 1, 0, np.inf) == -10


def test_time_warp_of_two_segments_by_hand() -> None:
    data, _, _ = state(problem(windows=((), ((0, 10),), ((0, 12),), (), ()), service=5), [[], []])
    # 1 (window 0-10, service 5), then 2 (window 0-12) 20 later: at best 1 starts at 0,
    # 2 is reached at 25, 13 late. Duration 5 + 20 + 5 = 30, warp 13, and that is only
    # achieved starting 1 at 0 (earliest = latest = 0).
    seg = merge(data, node_seg(data, 1), node_seg(data, 2))
    assert seg[:5] == (20, 30, 13, 0, 0)


def test_waiting_is_charged_when_the_problem_says_so() -> None:
    p = RoutingProblem(
        STAIRS.astype(np.int64),
        np.zeros(5, dtype=np.int64),
        (0,),
        (0,),
        (0, 1000),
        None,
        ((), ((100, 200),), (), (), ()),
        waiting_weight=3,
    )
    _data, s, _ = state(p, [[1]])
    # 0-1-0 = 20 travel; 1 opens at 100, reached at 10: 90 waiting at 3 = 270.
    assert s.cost[0] == 20 + 270
    assert s.fw[0, 2, DUR] == 110 and s.fw[0, 2, WARP] == 0


def test_leaving_out_and_putting_back_an_optional_visit() -> None:
    data, s, move = state(problem(penalty=30), [[1, 2], [3, 4]])
    # Removing 4 from B: 0-3-0 = 60 instead of 85, saves 25 but costs its 30: +5.
    assert remove(data, s, move, 1, 2, np.inf) == 5
    # Removing 2 from A: 0-1-0 = 20 instead of 50, saves 30, costs 30: 0.
    assert remove(data, s, move, 0, 2, np.inf) == 0
    apply(data, s, move)
    assert routes_of(s) == [[1], [3, 4]] and s.route_of[2] == -1
    # Back between 3 and 4: 0-3-2-4-0 = 110 instead of 85: +25 - 30 = -5.
    assert insert(data, s, move, 2, 1, 1, np.inf) == -5
    # In the place of 4 (B, position 2): 0-3-2-0 = 30 + 20 + 20 = 70 instead of 85, -15;
    # 4 is left out (+30) and 2 no longer is (-30): -15.
    assert replace(data, s, move, 2, 1, 2, np.inf) == -15
    apply(data, s, move)
    assert routes_of(s) == [[1], [3, 2]] and s.route_of[4] == -1


def test_the_longest_route_is_weighted_on_event_days() -> None:
    data, s, move = state(problem(balance=2), [[1, 2], [3, 4]])
    # Durations 50 and 85 (no service, no waiting). Moving 4 to A's end: A = 0-1-2-4-0
    # = 90, B = 0-3-0 = 60: travel +15, longest 85 -> 90: 2 * 5 = +10; +25 in all.
    assert relocate(data, s, move, 1, 2, 1, 0, 0, 2, np.inf) == 25
    # Moving 3 to A's front: A = 0-3-1-2-0 = 30 + 20 + 20 + 20 = 90, B = 0-4-0 = 85:
    # travel 175 - 135 = +40, longest 85 -> 90: +10; +50.
    assert relocate(data, s, move, 1, 1, 1, 0, 0, 0, np.inf) == 50


def test_a_bound_skips_moves_whose_travel_alone_is_too_dear() -> None:
    data, s, move = state(problem(), [[1, 2], [3, 4]])
    # Swapping 2 and 4 adds 20 of travel: with a bound of 0 it is not priced.
    assert swap(data, s, move, 0, 2, 1, 1, 2, 1, 0.0) == np.inf
    assert swap(data, s, move, 0, 2, 1, 1, 2, 1, 21.0) == 20


@pytest.mark.parametrize("seed", range(5))
def test_every_delta_is_the_change_of_the_total(seed: int) -> None:
    """Random moves on a random instance with windows, loads and asymmetric travel."""
    rng = np.random.default_rng(seed)
    n = 12
    travel = rng.integers(5, 60, size=(n, n))
    np.fill_diagonal(travel, 0)
    opens = rng.integers(0, 300, size=n)
    windows = ((), *tuple(((int(a), int(a) + 120),) for a in opens[1:]))
    p = RoutingProblem(
        travel.astype(np.int64),
        np.full(n, 7, dtype=np.int64),
        (0, 0, 0),
        (0, 0, 0),
        (0, 600),
        np.full(n, 500, dtype=np.int64),
        windows,
        rng.integers(1, 4, size=n).astype(np.int64),
        8,
        balance=1,
        waiting_weight=2,
    )
    visits = rng.permutation(np.arange(1, n)).tolist()
    data, s, move = state(p, [visits[:4], visits[4:8], visits[8:]], warp=3.0)
    before = _objective(data, s)
    for _ in range(60):
        ru, rv = (int(r) for r in rng.integers(0, 3, size=2))
        pu, pv = (int(x) for x in rng.integers(0, 6, size=2))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            delta = relocate(data, s, move, ru, pu, int(rng.integers(1, 3)), kind, rv, pv, np.inf)
        elif kind == 1:
            delta = swap(data, s, move, ru, pu, 1, rv, pv, 2, np.inf)
        elif kind == 2:
            delta = swap_tails(data, s, move, ru, pu, rv, pv, np.inf)
        else:
            delta = reverse(data, s, move, ru, pu, pu + 2, np.inf)
        if delta == np.inf:
            continue
        apply(data, s, move)
        after = _objective(data, s)
        assert after - before == pytest.approx(delta)
        before = after
    served = sorted(itertools.chain.from_iterable(routes_of(s)))
    assert served == list(range(1, n))


def _objective(data: Data, s: State) -> float:
    longest = max(duration(data, s, r) for r in range(len(s.size)))
    return total(s) + int(data.scalars[BALANCE]) * longest
