"""The matcher's hard rules and preferences on instances small enough to check by hand.

Buildings (``support.abc_matrix``): A —100 m— B —200 m— C, A to C 300 m. Default weights:
another team +150 m, a later-listed skill +100 m, no listed skill (optional-skill
categories) +300 m, a volunteer's k-th open case +(k-1)·60 m.
"""

from __future__ import annotations

import pandas as pd
import pytest

from routing.matching import MatchOptions, greedy_match, match_cases
from tests.routing.matching.support import abc_matrix, cases, volunteers

M = abc_matrix()


def _match(c: pd.DataFrame, v: pd.DataFrame, **options: object) -> pd.DataFrame:
    return match_cases(c, v, M, options=MatchOptions(**options)).assignments  # type: ignore[arg-type]


def _who(c: pd.DataFrame, v: pd.DataFrame, **options: object) -> list[str]:
    return list(_match(c, v, **options)["volunteer_id"])


def test_a_category_that_needs_a_skill_goes_only_to_someone_with_it() -> None:
    # V1 lives in A but is a 社工; V2 (维修) lives 300 m away in C.
    result = _match(
        cases(("c1", "维修", "A")), volunteers(("V1", "社工", "A"), ("V2", "维修", "C"))
    )
    row = result.iloc[0]
    assert (row["volunteer_id"], row["distance_m"], row["skill_fit"], row["reason"]) == (
        "V2", 300.0, "first", "",
    )  # fmt: skip


def test_a_later_listed_skill_counts_100_m_further() -> None:
    # 心理疏导 needs 心理疏导 or 社工. V1 (社工) in A: 0 + 100 = 100; V2 (心理疏导) in C: 300.
    c = cases(("c1", "心理疏导", "A"))
    assert _who(c, volunteers(("V1", "社工", "A"), ("V2", "心理疏导", "C"))) == ["V1"]
    # V2 in B: 100 = 100, a tie; in A: 0 < 100.
    assert _who(c, volunteers(("V1", "社工", "A"), ("V2", "心理疏导", "A"))) == ["V2"]
    assert _match(c, volunteers(("V1", "社工", "A")))["skill_fit"].tolist() == ["other"]


def test_an_optional_skill_is_preferred_not_required() -> None:
    # 代购送药 prefers 驾驶. V1 (no skill) in A: 0 + 300 = 300; V2 (驾驶) in B: 100.
    c = cases(("c1", "代购送药", "A"))
    v = volunteers(("V1", "", "A"), ("V2", "驾驶", "B"))
    assert _who(c, v) == ["V2"]
    # With unskilled_m = 50: V1 costs 50 < 100.
    result = _match(c, v, unskilled_m=50.0)
    assert (result["volunteer_id"].item(), result["skill_fit"].item()) == ("V1", "none")


def test_monthly_cap_counts_the_open_cases_already_held() -> None:
    c = cases(("c1", "维修", "A"))
    # V1 in A has cap 2 and holds 2: no room. V2 in C takes it.
    v = volunteers(("V1", "维修", "A", "", "", 2, 2), ("V2", "维修", "C", "", "", 1, 0))
    assert _who(c, v) == ["V2"]
    alone = _match(c, volunteers(("V1", "维修", "A", "", "", 2, 2)))
    assert alone["reason_code"].item() == "at_cap"
    assert alone["reason"].item() == (
        "everyone with the skill 维修 who is free then (1) is at their monthly cap"
    )


def test_an_empty_cap_is_the_default_cap() -> None:
    c = cases(*[(f"c{i}", "维修", "A") for i in range(6)])
    v = volunteers(("V1", "维修", "A", "", "", None, 1))  # default 4, holds 1: room for 3
    result = _match(c, v)
    assert (result["volunteer_id"] == "V1").sum() == 3
    result = _match(c, v, default_cap=6)
    assert (result["volunteer_id"] == "V1").sum() == 5


def test_weekly_hours_must_meet_the_households_hours() -> None:
    c = cases(("c1", "维修", "A", "", "", "09:00-11:30"))
    evenings = ("V1", "维修", "A", "", "周末 18:00-20:00")
    saturday = ("V2", "维修", "C", "", "周六 09:00-12:00")  # shares 09:00-11:30: 150 min
    assert _who(c, volunteers(evenings, saturday)) == ["V2"]
    alone = _match(c, volunteers(evenings))
    assert alone["reason_code"].item() == "no_availability"
    assert alone["reason"].item() == (
        "no one with the skill 维修 is free for 30 min during the household's hours (09:00-11:30)"
    )


@pytest.mark.parametrize(
    ("hours", "taken"), [("周一 11:00-12:00", True), ("周一 11:01-12:00", False)]
)
def test_thirty_minutes_shared_is_enough(hours: str, taken: bool) -> None:
    # Household 09:00-11:30: 11:00-12:00 shares 30 min, 11:01-12:00 only 29.
    c = cases(("c1", "维修", "A", "", "", "09:00-11:30"))
    assert (_who(c, volunteers(("V1", "维修", "A", "", hours)))[0] == "V1") is taken


def test_urgent_cases_first_even_when_farther() -> None:
    # One volunteer in A with room for one case: the urgent case 300 m away in C gets it,
    # not the normal case at the volunteer's own door.
    c = cases(("normal", "维修", "A", "normal"), ("urgent", "维修", "C", "紧急"))
    result = _match(c, volunteers(("V1", "维修", "A", "", "", 1, 0)))
    assert list(result["volunteer_id"]) == ["", "V1"]
    assert result["reason"].iloc[0] == (
        "the 1 volunteer(s) with the skill 维修 free then are full with cases at least as urgent"
    )


def test_among_equally_urgent_the_cheaper_case_is_served() -> None:
    c = cases(("far", "维修", "C"), ("near", "维修", "A"))
    assert _who(c, volunteers(("V1", "维修", "A", "", "", 1, 0))) == ["", "V1"]


@pytest.mark.parametrize("seed", range(4))
def test_the_own_team_wins_a_tie_in_distance(seed: int) -> None:
    # Both live in B, 100 m from the case in A; the household's team is T2.
    c = cases(("c1", "维修", "A", "", "T2"))
    v = volunteers(("V1", "维修", "B", "T1"), ("V2", "维修", "B", "T2"))
    assert _who(c, v, seed=seed) == ["V2"]
    assert _who(c, v.iloc[::-1], seed=seed) == ["V2"]  # whatever the roster order
    assert _match(c, v, seed=seed)["household_team"].item() == "T2"


def test_the_own_team_is_worth_150_m() -> None:
    # Own team in C: 300. Another team's volunteer in B: 100 + 150 = 250, so B is chosen;
    # with other_team_m = 250 the other costs 350 > 300 and the own team is chosen.
    c = cases(("c1", "维修", "A", "", "T2"))
    v = volunteers(("V1", "维修", "B", "T1"), ("V2", "维修", "C", "T2"))
    assert _who(c, v) == ["V1"]
    assert _who(c, v, other_team_m=250.0) == ["V2"]


def test_load_is_balanced_by_rising_costs() -> None:
    # Two cases in A. V1 lives in A, V2 in B (100 m). Both to V1: 0 + 0 + 60 (V1's second
    # case) = 60 < one each: 0 + 100 = 100. With load_m = 120: 120 > 100, one each.
    c = cases(("c1", "维修", "A"), ("c2", "维修", "A"))
    v = volunteers(("V1", "维修", "A"), ("V2", "维修", "B"))
    assert _who(c, v) == ["V1", "V1"]
    assert sorted(_who(c, v, load_m=120.0)) == ["V1", "V2"]
    # A volunteer who already holds an open case pays for it: V1 holds 1, so its next case
    # costs 60 and V2 in A (0) is preferred.
    v = volunteers(("V1", "维修", "A", "", "", 4, 1), ("V2", "维修", "A"))
    assert _who(cases(("c1", "维修", "A")), v) == ["V2"]


def test_the_flow_beats_greedy_where_greedy_takes_the_wrong_volunteer() -> None:
    # c1 in B, c2 in A; V1 lives in A, V2 in C, each takes one case. Greedy serves c1
    # first with the nearest, V1 (100), leaving V2 for c2 (300): 400 m. The flow gives
    # c1 to V2 (200) and c2 to V1 (0): 200 m.
    c = cases(("c1", "维修", "B"), ("c2", "维修", "A"))
    v = volunteers(("V1", "维修", "A", "", "", 1, 0), ("V2", "维修", "C", "", "", 1, 0))
    greedy = greedy_match(c, v, M)
    flow = match_cases(c, v, M)
    assert list(greedy.assignments["volunteer_id"]) == ["V1", "V2"]
    assert greedy.metrics.total_distance_m == 400.0
    assert list(flow.assignments["volunteer_id"]) == ["V2", "V1"]
    assert flow.metrics.total_distance_m == 200.0


def test_a_volunteer_living_outside_counts_the_largest_distance() -> None:
    # No home building: as far as the matrix's largest distance, 300 m > V2's 100 m.
    c = cases(("c1", "维修", "A"))
    outside = ("V1", "维修", "")
    assert _who(c, volunteers(outside, ("V2", "维修", "B"))) == ["V2"]
    # With outside_m = 50 the outsider is nearer.
    assert _who(c, volunteers(outside, ("V2", "维修", "B")), outside_m=50.0) == ["V1"]
    # Alone, the outsider is assigned; the walk is unknown, so distance_m is empty.
    result = match_cases(c, volunteers(outside), M)
    assert result.assignments["volunteer_id"].item() == "V1"
    assert pd.isna(result.assignments["distance_m"].item())
    assert result.metrics.unknown_distance == 1


def test_without_an_own_team_no_team_is_preferred() -> None:
    # The case has no team: V2 (team T1) in A at 0 m beats V1 (no team) in B at 100 m.
    c = cases(("c1", "维修", "A"))
    v = volunteers(("V1", "维修", "B", ""), ("V2", "维修", "A", "T1"))
    result = _match(c, v)
    assert (result["volunteer_id"].item(), result["household_team"].item()) == ("V2", "")
