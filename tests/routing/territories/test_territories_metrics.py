"""Plan metrics computed once: the planner's figures are the ones any assignment gets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from routing.territories import TerritoryPlan
from routing.territories.files import team_areas
from routing.territories.metrics import (
    area_loops,
    moved_households,
    outside_tolerance,
    plan_metrics,
    team_table,
    tolerance_bounds,
)
from tests.routing.territories.support import Community


def _rows(*rows: tuple[str, str, str, int, float]) -> pd.DataFrame:
    columns = ["household_id", "team_id", "building_id", "floor", "workload"]
    return pd.DataFrame(list(rows), columns=columns)


def test_bounds_are_whole_tenths_inside_the_tolerance() -> None:
    # 100.04 × 0.95 = 95.038 → up to 95.1; 100.04 × 1.05 = 105.042 → down to 105.0
    assert tolerance_bounds(100.04, 0.05) == (95.1, 105.0)


def test_outside_tolerance_uses_the_rounded_bounds() -> None:
    # mean (95.05 + 105.03 + 100.04) / 3 = 100.04 → [95.1, 105.0]: 95.05 is below (its
    # ratio 0.9501 alone would pass ±5 %), 105.03 above, 100.04 inside
    assert outside_tolerance([95.05, 105.03, 100.04], 0.05).tolist() == [True, True, False]
    # mean 100 at ±10 %: [90, 110] holds both ends
    assert outside_tolerance([90.0, 100.0, 110.0], 0.10).tolist() == [False, False, False]
    assert outside_tolerance([], 0.05).tolist() == []


def test_team_table_counts_pieces_and_gives_empty_teams_zeros() -> None:
    rows = _rows(
        ("h1", "A", "b1", 1, 300.0),
        ("h2", "A", "b1", 2, 310.5),
        ("h3", "A", "b2", 1, 300.0),
        ("h4", "B", "b2", 3, 330.0),
        ("h5", "", "b3", 1, 300.0),  # nobody's: not counted
    )
    table = team_table(rows, ["A", "B", "C"])
    assert table["households"].tolist() == [3, 1, 0]
    assert table["pieces"].tolist() == [2, 1, 0]
    assert table["workload_s"].tolist() == [910.5, 330.0, 0.0]


def test_moved_households_counts_only_households_in_both_plans() -> None:
    rows = _rows(
        ("h1", "A", "b1", 1, 1.0),
        ("h2", "B", "b1", 2, 1.0),
        ("h3", "B", "b2", 1, 1.0),
        ("h4", "A", "b2", 1, 1.0),  # new to the register
    )
    # h2 moved A → B; h1, h3 kept theirs; h9 left the register: 1 of 3 moved
    moved, kept = moved_households(rows, {"h1": "A", "h2": "A", "h3": "B", "h9": "A"})
    assert moved == 1 and kept == pytest.approx(2 / 3)
    assert moved_households(rows, None) == (0, None)


def test_the_planner_reports_what_its_assignment_measures(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    a = helsinki_plan.household_assignment()
    teams = [t.team_id for t in helsinki_plan.teams]
    loops = area_loops(a, teams, helsinki.buildings, helsinki.matrix)
    assert loops.tolist() == [t.loop_m for t in helsinki_plan.teams]
    fresh = plan_metrics(
        a,
        teams,
        loops,
        helsinki_plan.metrics.tolerance,
        solve_time_s=helsinki_plan.metrics.solve_time_s,
    )
    assert fresh == helsinki_plan.metrics
    assert [t.pieces for t in helsinki_plan.teams] == team_table(a, teams)["pieces"].tolist()


def test_a_moved_band_changes_loops_and_pieces(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    a = helsinki_plan.household_assignment()
    teams = [t.team_id for t in helsinki_plan.teams]
    giver, taker = helsinki_plan.teams[0], helsinki_plan.teams[1]
    band = giver.bands[0]
    moved = a.copy()
    moved.loc[
        (moved["team_id"] == giver.team_id) & (moved["building_id"] == band.building_id),
        "team_id",
    ] = taker.team_id
    before = helsinki_plan.metrics
    previous = helsinki_plan.mapping()
    loops = area_loops(moved, teams, helsinki.buildings, helsinki.matrix)
    after = plan_metrics(moved, teams, loops, before.tolerance, previous=previous)
    assert after.moved_households == band.households
    assert after.kept_share == pytest.approx(1 - band.households / len(a))
    assert after.mean_loop_m != before.mean_loop_m
    taker_has = band.building_id in {b.building_id for b in taker.bands}
    table = team_table(moved, teams)
    assert table["pieces"].iloc[1] == taker.pieces + (0 if taker_has else 1)


def test_team_areas_keep_a_team_without_households(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    a = helsinki_plan.household_assignment()
    teams = [*(t.team_id for t in helsinki_plan.teams), "T999"]
    loops = [*(t.loop_m for t in helsinki_plan.teams), 0.0]
    areas = team_areas(helsinki.buildings, a, teams, loops)
    assert areas["team_id"].tolist() == teams
    last = areas.iloc[-1]
    assert last.geometry is None and last["households"] == 0 and last["pieces"] == 0
    assert np.isclose(areas["workload_s"].sum(), a["workload"].sum())
