"""Routes that fit the shift: the fewest-routes search, refusals, street routes in slots."""

from __future__ import annotations

import pytest

from routing.network import WalkingNetwork
from routing.patrols import PatrolKind, PatrolOptions, SlotTooShortError, plan_patrol_routes
from routing.patrols.kinds import default_kind
from routing.patrols.shift import fit_routes, lower_bound, next_count

# One solution per split (the dynamic programme's, then each route re-walked): repeatable
# on any machine, which the clock alone is not, and fast.
REPEATABLE = PatrolOptions(time_limit_s=60.0, max_solutions=1)


def test_the_search_finds_the_fewest_routes_that_fit() -> None:
    # plan k: the longest route takes 1000/k + 50 s; slot 300 s, work 900 s → bound 3.
    # k = 3: 383.3 s (too long); k = 4: 300 s (fits exactly).
    tried: list[int] = []

    def plan_for(k: int) -> int:
        tried.append(k)
        return k

    def longest(k: int) -> float:
        return 1000 / k + 50

    def fit(guess: int, routes: int | None = None) -> int:
        return fit_routes(
            plan_for, longest, 300.0, routes=routes, work_s=900.0, guess=guess, upper=20
        )

    assert lower_bound(900.0, 300.0) == 3
    assert fit(guess=1) == 4 and tried == [3, 4]  # never below the bound
    tried.clear()
    assert fit(guess=6) == 4 and tried == [6, 5, 3, 4]  # one below, then bisection
    tried.clear()
    # far from the slot: 1000/3 + 50 = 383 s at 3 routes is read as 3 × 383 / 300 = 3.8
    # slots of work, so 4 comes next (it fits), not 3 + 1, 3 + 2 …
    assert fit(guess=3) == 4 and tried == [3, 4]
    assert fit(guess=1, routes=5) == 5  # a count that fits is kept, even if fewer would
    with pytest.raises(SlotTooShortError) as caught:
        fit(guess=1, routes=3)
    error = caught.value
    assert (error.routes, error.suggested, error.bound) == (3, 4, False)
    assert error.longest_s == pytest.approx(1000 / 3 + 50) and error.over_s == pytest.approx(
        1000 / 3 + 50 - 300
    )
    assert str(error) == (
        "3 route(s) do not fit 5-minute slots: the longest would take 7 min, 2 min over;"
        " 4 routes fit"
    )
    with pytest.raises(SlotTooShortError) as caught:
        fit(guess=1, routes=2)  # below the bound: 900 s shared by 2 is 450 s each
    assert caught.value.bound and caught.value.longest_s == 450.0
    assert caught.value.suggested == 4 and isinstance(caught.value, ValueError)


def test_the_next_count_follows_a_plus_b_over_k() -> None:
    # longest = 600 + 36000 / k: 10 routes give 4200 s, 20 give 2400 s; slot 1800 s →
    # 36000 / (1800 - 600) = 30 routes (at most twice the last count tried).
    assert next_count([(10, 4200.0), (20, 2400.0)], 1800.0, 200) == 30
    assert next_count([(10, 4200.0)], 1800.0, 200) == 20  # 10 × 4200 / 1800 = 23.3, ×2 cap
    assert next_count([(10, 1900.0)], 1800.0, 200) == 11  # at least one more
    assert next_count([(10, 4200.0), (20, 2400.0)], 500.0, 25) == 25  # never past upper


def test_street_routes_fit_the_slot_with_the_fewest_routes(small: WalkingNetwork) -> None:
    slot = 45 * 60.0
    plan = plan_patrol_routes(small, slot_s=slot, options=REPEATABLE)
    assert plan.slot_s == slot
    assert all(r.time_s <= slot for r in plan.routes)
    walking = small.speed.edge_time_s(small.edges["length_m"], small.edges["highway"]).sum()
    assert len(plan.routes) >= lower_bound(walking, slot)  # street length ÷ slot capacity
    # one route fewer does not fit: the search stopped at the fewest
    with pytest.raises(SlotTooShortError) as caught:
        plan_patrol_routes(small, len(plan.routes) - 1, slot_s=slot, options=REPEATABLE)
    assert caught.value.suggested == len(plan.routes)
    assert caught.value.longest_s > slot


def test_too_few_street_routes_are_refused_with_the_count_that_fits(
    small: WalkingNetwork,
) -> None:
    with pytest.raises(SlotTooShortError) as caught:
        plan_patrol_routes(small, 2, slot_s=45 * 60.0, options=REPEATABLE)
    error = caught.value
    assert error.bound and error.over_s > 0 and error.suggested is not None
    assert f"{error.suggested} routes fit" in str(error)
    fits = plan_patrol_routes(small, error.suggested, slot_s=45 * 60.0, options=REPEATABLE)
    assert fits.longest_s <= 45 * 60.0


def test_a_slot_too_short_for_the_farthest_street_is_refused_at_once(
    small: WalkingNetwork,
) -> None:
    with pytest.raises(SlotTooShortError) as caught:
        plan_patrol_routes(small, slot_s=20 * 60.0, options=REPEATABLE)
    error = caught.value
    assert error.reach and error.routes is None and error.suggested is None
    assert error.longest_s > 20 * 60 and error.over_s == error.longest_s - 20 * 60
    assert str(error).startswith(
        "no number of routes fits 20-minute slots: the street farthest from the start takes "
    )
    with pytest.raises(SlotTooShortError, match=r"^3 route\(s\) do not fit .* there and back"):
        plan_patrol_routes(small, 3, slot_s=20 * 60.0, options=REPEATABLE)


def test_checkpoint_time_counts_in_the_duration(small: WalkingNetwork) -> None:
    slow = PatrolKind("street", ("路面垃圾",), stop_s=600.0)
    plan = plan_patrol_routes(small, 3, kind=slow, options=PatrolOptions(time_limit_s=1))
    assert plan.kind == slow
    for route in plan.routes:
        assert route.checkpoint_s == 600.0 * len(route.checkpoints)
        assert route.time_s == pytest.approx(route.walk_s + route.checkpoint_s)


def test_slot_and_kind_are_checked(small: WalkingNetwork) -> None:
    with pytest.raises(ValueError, match="number of routes"):
        plan_patrol_routes(small)
    with pytest.raises(ValueError, match="slot_s"):
        plan_patrol_routes(small, slot_s=60.0)
    with pytest.raises(ValueError, match="street routes"):
        plan_patrol_routes(small, 1, kind=default_kind("building"))
