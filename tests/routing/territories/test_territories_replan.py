"""Re-planning the Helsinki demo community from its current plan: areas stay put."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from routing.territories import TerritoryOptions, TerritoryPlan
from tests.routing.territories.support import (
    Community,
    assert_balanced,
    assert_one_band_per_building,
)

# A work budget (CP-SAT deterministic seconds, what a 3 s run is allowed) ends each run;
# the time limit is only a guard, so the plans do not depend on the machine's load.
OPTIONS = TerritoryOptions(time_limit_s=120.0, max_work=0.75)


def replan(
    community: Community,
    previous: TerritoryPlan | dict[str, str],
    households: pd.DataFrame | None = None,
    teams: list[str] | None = None,
) -> TerritoryPlan:
    return community.plan(OPTIONS, households=households, teams=teams, previous=previous)


def changed_register(households: pd.DataFrame, share: float, seed: int) -> pd.DataFrame:
    """The register with ``share`` of it changed: half removed, as many new flats added."""
    rng = np.random.default_rng(seed)
    n = len(households)
    gone = rng.choice(n, size=int(n * share / 2), replace=False)
    kept = households.drop(households.index[gone])
    new = kept.sample(n=len(gone), random_state=seed).copy()
    new["household_id"] = [f"NEW{i:05d}" for i in range(len(new))]
    new["unit"] = new["unit"].astype(str) + "b"
    return pd.concat([kept, new], ignore_index=True)


def test_five_percent_change_keeps_nine_in_ten_households_on_their_team(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    households = changed_register(helsinki.households, 0.05, seed=1)
    plan = replan(helsinki, helsinki_plan, households)
    assert_balanced(plan, 0.05)
    assert_one_band_per_building(plan)
    before = helsinki_plan.mapping()
    after = plan.household_assignment().set_index("household_id")["team_id"]
    common = after.index.intersection(pd.Index(list(before)))
    kept = (after[common] == pd.Series(before)[common]).mean()
    assert kept >= 0.9
    assert plan.metrics.kept_share == pytest.approx(kept)
    assert plan.metrics.moved_households == round((1 - kept) * len(common))


def test_a_team_that_leaves_hands_over_little_more_than_its_own(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    leaving = "T050"
    teams = [t for t in helsinki.teams if t != leaving]
    plan = replan(helsinki, helsinki_plan, teams=teams)
    assert_balanced(plan, 0.05)
    assert_one_band_per_building(plan)
    before = pd.Series(helsinki_plan.mapping())
    after = plan.household_assignment().set_index("household_id")["team_id"]
    own = before[before == leaving].index
    others = before.index.difference(own)
    assert (after[own] != leaving).all()
    moved_others = int((after[others] != before[others]).sum())
    # Only what balance needs: a team's share spread over its neighbours.
    assert moved_others <= 0.05 * len(before)
    assert plan.metrics.moved_households == len(own) + moved_others


def test_a_new_team_gets_a_compact_share_near_its_homes(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    assert helsinki.homes is not None
    home = helsinki.homes["T001"]
    community = Community(
        helsinki.buildings,
        helsinki.households,
        helsinki.matrix,
        helsinki.params,
        helsinki.teams,
        {**helsinki.homes, "T101": home},
    )
    plan = replan(community, helsinki_plan, teams=[*helsinki.teams, "T101"])
    assert_balanced(plan, 0.05)
    assert_one_band_per_building(plan)
    new = plan.team("T101")
    assert new.households > 0 and new.pieces <= 4
    assert new.loop_m <= 2 * plan.metrics.mean_loop_m + 300
    assert plan.metrics.kept_share is not None and plan.metrics.kept_share >= 0.9


def test_previous_as_a_mapping_equals_previous_as_a_plan(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    households = changed_register(helsinki.households, 0.02, seed=2)
    by_plan = replan(helsinki, helsinki_plan, households)
    by_mapping = replan(helsinki, helsinki_plan.mapping(), households)
    assert by_plan.household_assignment().equals(by_mapping.household_assignment())


def test_replanning_an_unchanged_register_moves_nobody(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    plan = replan(helsinki, helsinki_plan)
    assert plan.metrics.moved_households == 0
    assert plan.metrics.kept_share == 1.0
    assert plan.household_assignment().equals(helsinki_plan.household_assignment())
