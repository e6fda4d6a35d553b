"""The tours engine on a hand-sized instance: fewest tours, hours, refusals with numbers."""

from __future__ import annotations

import numpy as np
import pytest

from routing.patrols import PatrolOptions, SlotTooShortError
from routing.patrols.tours import Stops, plan_groups, plan_tours

# Start 0, stops A, B, C (rows/columns 1..3): walking seconds.
TRAVEL = np.array(
    [
        [0, 60, 120, 300],
        [60, 0, 60, 240],
        [120, 60, 0, 180],
        [300, 240, 180, 0],
    ],
    dtype=float,
)
SERVICE = np.full(3, 300.0)
SLOT = 1200.0
FAST = PatrolOptions(time_limit_s=1.0, max_solutions=20)


def stops(opens: list[float] | None = None, closes: list[float] | None = None) -> Stops:
    return Stops(
        TRAVEL,
        SERVICE,
        np.array(opens if opens else [0.0] * 3),
        np.array(closes if closes else [SLOT] * 3),
        SLOT,
    )


def test_fewest_tours_with_the_least_walking() -> None:
    # All three: 60 + 300 + 60 + 300 + 180 + 300 + 300 = 1500 s > 1200: two tours.
    # {B, C} + {A}: (120 + 300 + 180 + 300 + 300) + (60 + 300 + 60) = 1200 + 420 = 1620,
    # less than {A, B} + {C} (840 + 900) or {A, C} + {B} (1200 + 540).
    tours = plan_tours(stops(), None, FAST)
    assert sorted(sorted(t) for t in tours.routes) == [[0], [1, 2]]
    assert sorted(tours.end_s) == [420.0, 1200.0]
    assert tours.dropped == () and tours.longest_s == 1200.0


def test_a_stop_with_hours_is_begun_inside_them() -> None:
    # A may only be checked from 600 s to 700 s after the slot starts.
    tours = plan_tours(stops(opens=[600.0, 0, 0], closes=[700.0, SLOT, SLOT]), None, FAST)
    assert 600.0 <= tours.begin_s[0] <= 700.0
    assert len(tours.routes) == 2 and all(end <= SLOT for end in tours.end_s)
    waited = [w for t, w in zip(tours.routes, tours.wait_s, strict=True) if 0 in t]
    assert waited[0] > 0  # it arrived early and waited for the hours


def test_one_tour_leaves_a_stop_out_and_is_refused() -> None:
    # Lower bound: 900 s of checks + the shortest way into each stop (60 + 60 + 180) =
    # 1200 s = one slot, so one tour is planned, and it cannot hold all three.
    assert stops().work_s() == 1200.0
    with pytest.raises(SlotTooShortError) as caught:
        plan_groups([stops()], 1, FAST)
    error = caught.value
    assert (error.routes, error.unplaced, error.unplaced_s, error.suggested) == (1, 1, 300.0, 2)
    assert str(error) == (
        "1 route(s) do not fit 20-minute slots: 1 stop(s) do not fit into them "
        "(5 min of stops left over); 2 routes fit"
    )


def test_a_count_below_the_bound_is_refused_without_planning() -> None:
    three = Stops(TRAVEL, np.full(3, 600.0), np.zeros(3), np.full(3, SLOT), SLOT)
    # 1800 s of checks + 300 s of walking in = 2100 s > one slot: at least two tours.
    with pytest.raises(SlotTooShortError, match=r"at least 35 min, 15 min over; 3 routes fit"):
        plan_groups([three], 1, FAST)


def test_a_stop_out_of_reach_is_refused() -> None:
    far = Stops(TRAVEL * 3, SERVICE, np.zeros(3), np.full(3, SLOT), SLOT)
    assert far.alone_fits().tolist() == [True, True, False]  # C: 900 + 300 + 900 s
    with pytest.raises(ValueError, match="cannot be reached"):
        plan_tours(far, None, FAST)
