"""Infeasible and degenerate inputs: a clear explanation and the best plan, never a crash."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from routing.errors import InputError
from routing.territories import (
    Pin,
    TerritoryOptions,
    TerritoryPlan,
    plan_with_workload,
)
from tests.routing.territories.support import (
    Community,
    assert_assignment_shape,
    assert_balanced,
    assert_one_band_per_building,
)

# The work a 1 s run is allowed; the clock only guards, so load changes no plan.
QUICK = TerritoryOptions(time_limit_s=120.0, max_work=0.25)


def plan(
    towers: Community, households: pd.DataFrame, teams: list[str], **kwargs: object
) -> TerritoryPlan:
    options = kwargs.pop("options", QUICK)
    assert isinstance(options, TerritoryOptions)
    return towers.plan(options, households=households, teams=teams, **kwargs)


def in_towers(towers: Community, *names: str) -> pd.DataFrame:
    h = towers.households
    return h[h["building_id"].isin(names)].reset_index(drop=True)


def test_zero_teams_gives_an_empty_plan_and_says_so(towers: Community) -> None:
    result = plan(towers, towers.households, [])
    assert result.teams == ()
    assert_assignment_shape(result, towers.households)
    assert (result.household_assignment()["team_id"] == "").all()
    assert result.explanations == ("no teams: nothing is assigned (10170 households wait)",)
    assert result.summary().startswith("包干到户: 0队 · 10,170户")


def test_no_households_gives_empty_areas(towers: Community) -> None:
    result = plan(towers, towers.households.iloc[:0], ["T1", "T2"])
    assert [t.households for t in result.teams] == [0, 0]
    assert "no households" in result.explanations[0]


def test_more_teams_than_households_leaves_some_teams_empty(towers: Community) -> None:
    households = in_towers(towers, "1座").iloc[:8]
    teams = [f"T{i}" for i in range(12)]
    result = plan(towers, households, teams)
    assert_assignment_shape(result, households)
    assert_one_band_per_building(result)
    sizes = sorted(t.households for t in result.teams)
    assert sizes == [0] * 4 + [1] * 8
    assert any(
        "12 teams but only 8 households: 4 team(s) get no households" in text
        for text in result.explanations
    )


def test_a_tower_heavier_than_a_team_is_split_into_bands(towers: Community) -> None:
    households = in_towers(towers, "1座", "2座", "3座")
    result = plan(towers, households, [f"T{i}" for i in range(1, 9)])
    assert_balanced(result, 0.05)
    assert_one_band_per_building(result)
    names = {b.name for t in result.teams for b in t.bands}
    assert names == {"1座", "2座", "3座"}
    split = [text for text in result.explanations if "split into bands" in text]
    assert len(split) == 3
    assert all(" alone needs " in text and "teams' work" in text for text in split)


def test_pins_that_break_balance_are_kept_and_explained(towers: Community) -> None:
    households = in_towers(towers, "1座", "2座", "3座", "4座")
    teams = [f"T{i}" for i in range(1, 11)]
    pin = Pin("2座", 1, 99, "T3")
    result = plan(towers, households, teams, pins=[pin])
    a = result.household_assignment()
    assert (a.loc[a["building_id"] == "2座", "team_id"] == "T3").all()
    assert result.team("T3").bands[0].name == "2座" and result.team("T3").pieces == 1
    assert any(text.startswith("T3's pins alone hold") for text in result.explanations)
    assert_one_band_per_building(result)
    others = [t.workload_s for t in result.teams if t.team_id != "T3"]
    assert max(others) / min(others) < 1.12


def test_flats_too_heavy_for_the_tolerance_give_the_best_balance_and_say_so(
    towers: Community,
) -> None:
    households = in_towers(towers, "1座").iloc[:20]
    workload = np.full(len(households), 300.0)
    workload[0] = 3000.0
    result = plan_with_workload(
        households,
        towers.buildings,
        ["A", "B", "C"],
        workload,
        matrix=towers.matrix,
        options=QUICK,
    )
    assert_one_band_per_building(result)
    texts = " ".join(result.explanations)
    assert "cannot be reached in contiguous bands" in texts
    assert "outside ±5% of the mean workload" in texts
    # The best contiguous cut of 3000 + 19 × 300 into three: 3000 | 9 × 300 | 10 × 300.
    assert sorted(t.workload_s for t in result.teams) == [2700.0, 3000.0, 3000.0]


def test_unknown_buildings_are_an_input_error(towers: Community) -> None:
    households = in_towers(towers, "1座").iloc[:3].copy()
    households.loc[households.index[0], "building_id"] = "99座"
    with pytest.raises(InputError, match="99座"):
        plan_with_workload(
            households,
            towers.buildings,
            ["A"],
            np.ones(3),
            matrix=towers.matrix,
            options=QUICK,
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tolerance", -0.1),
        ("tolerance", 1.0),
        ("time_limit_s", 0.0),
        ("seed", -1),
        ("piece_weight_m", float("nan")),
        ("window_teams", 1),
        ("visit_type", ""),
        ("max_work", 0.0),
    ],
)
def test_options_reject_bad_values(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        TerritoryOptions(**{field: value})  # type: ignore[arg-type]


def test_unknown_visit_type_is_rejected(towers: Community) -> None:
    households = in_towers(towers, "1座").iloc[:3]
    with pytest.raises(ValueError, match="unknown visit type"):
        plan(towers, households, ["A"], options=TerritoryOptions(visit_type="party"))
