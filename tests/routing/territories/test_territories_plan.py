"""A fresh plan of the Helsinki demo community (100 teams) and of the synthetic towers."""

from __future__ import annotations

import re

import numpy as np
import pytest

from routing.territories import TerritoryOptions, TerritoryPlan, split_bands
from routing.territories.loops import loop_length
from tests.routing.territories.support import (
    Community,
    assert_assignment_shape,
    assert_balanced,
    assert_one_band_per_building,
    team_loads,
)


def test_every_team_within_five_percent_of_the_mean(helsinki_plan: TerritoryPlan) -> None:
    assert_balanced(helsinki_plan, 0.05)
    m = helsinki_plan.metrics
    assert m.teams_outside_tolerance == 0
    assert m.max_over_mean <= 1.05 + 1e-9 and m.min_over_mean >= 0.95 - 1e-9


def test_every_household_has_one_team(helsinki: Community, helsinki_plan: TerritoryPlan) -> None:
    assert_assignment_shape(helsinki_plan, helsinki.households)
    a = helsinki_plan.household_assignment()
    assert set(a["team_id"]) == set(helsinki.teams)
    assert helsinki_plan.metrics.households == len(helsinki.households)


def test_a_team_holds_one_band_per_building(helsinki_plan: TerritoryPlan) -> None:
    assert_one_band_per_building(helsinki_plan)
    assert helsinki_plan.metrics.split_bands == 0


def test_split_bands_counts_a_band_broken_by_another_team(
    helsinki_plan: TerritoryPlan,
) -> None:
    a = helsinki_plan.household_assignment()
    tall = a.groupby("building_id")["floor"].nunique().idxmax()
    rows = a.index[a["building_id"] == tall]
    floors = a.loc[rows, "floor"]
    middle = rows[floors == sorted(floors.unique())[len(floors.unique()) // 2]]
    broken = a.copy()
    broken.loc[rows, "team_id"] = "A"
    broken.loc[middle, "team_id"] = "B"
    assert split_bands(broken) == 1


def test_bands_and_loops_agree_with_the_assignment(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    a = helsinki_plan.household_assignment()
    loads = team_loads(helsinki_plan)
    ids = helsinki.matrix.building_ids.tolist()
    dist = np.asarray(helsinki.matrix.distance_m)
    dist = (dist + dist.T) / 2
    for area in helsinki_plan.teams[:20]:
        own = a[a["team_id"] == area.team_id]
        assert area.households == len(own)
        assert area.workload_s == pytest.approx(loads[area.team_id])
        assert {b.building_id for b in area.bands} == set(own["building_id"])
        for band in area.bands:
            floors = own.loc[own["building_id"] == band.building_id, "floor"]
            assert (band.first_floor, band.last_floor) == (floors.min(), floors.max())
        sites = np.array([ids.index(b.building_id) for b in area.bands])
        assert area.loop_m == pytest.approx(loop_length(dist, sites), rel=1e-6)


def test_areas_lie_near_the_members_homes(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    """Members walk less to their own area than to the area of a random other team."""
    assert helsinki.homes is not None
    ids = list(helsinki.matrix.building_ids)
    dist = np.asarray(helsinki.matrix.distance_m)

    def walk(team: str, area_team: str) -> float:
        homes = [ids.index(h) for h in helsinki.homes[team]]  # type: ignore[index]
        area = [ids.index(b.building_id) for b in helsinki_plan.team(area_team).bands]
        return float(dist[np.ix_(homes, area)].min(axis=1).mean())

    teams = helsinki.teams
    shuffled = np.random.default_rng(0).permutation(teams)
    own = np.mean([walk(t, t) for t in teams])
    other = np.mean([walk(t, str(s)) for t, s in zip(teams, shuffled, strict=True)])
    assert own < 0.5 * other


def test_summary_reads_like_the_office_writes_it(helsinki_plan: TerritoryPlan) -> None:
    lines = helsinki_plan.summary().splitlines()
    head = lines[0]
    assert head.startswith("包干到户: 100队 · 4,524户")
    assert "最高/平均" in head and "最低/平均" in head and "(容差 ±5%)" in head
    band = r".+? (地下)?\d+(–\d+)?层 \(\d+户\)"
    line = re.compile(rf"^T\d{{3}}: {band}(, {band})* · 工作量 \d+\.\d h · 步行环线 [\d,]+ m$")
    team_lines = [x for x in lines[1:] if not x.startswith("说明")]
    assert len(team_lines) == 100
    assert all(line.match(x) for x in team_lines), [x for x in team_lines if not line.match(x)]


def test_team_areas_are_one_wgs84_feature_per_team(
    helsinki: Community, helsinki_plan: TerritoryPlan
) -> None:
    areas = helsinki_plan.team_areas(helsinki.buildings)
    assert areas.crs.to_epsg() == 4326
    assert areas["team_id"].tolist() == helsinki.teams
    assert areas.geometry.notna().all() and areas.is_valid.all()
    assert areas["households"].sum() == len(helsinki.households)
    inside = areas.geometry.representative_point()
    lon, lat = inside.x, inside.y
    assert lon.between(24.9, 25.0).all() and lat.between(60.15, 60.18).all()


def test_towers_are_cut_into_contiguous_bands_quickly(towers: Community) -> None:
    progress: list[tuple[float, str]] = []
    plan = towers.plan(
        TerritoryOptions(time_limit_s=3.0), progress=lambda f, msg: progress.append((f, msg))
    )
    assert_balanced(plan, 0.05)
    assert_one_band_per_building(plan)
    assert plan.metrics.solve_time_s < 5.0
    # A tower of 18–33 floors holds 2–4 teams' work, so most teams stay in one tower.
    assert plan.metrics.pieces_per_team < 1.5
    assert any("split into bands" in text for text in plan.explanations)
    fractions = [f for f, _ in progress]
    assert fractions[0] == 0.0 and progress[-1] == (1.0, "done")
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert fractions == sorted(fractions)


def test_same_seed_same_plan(towers: Community) -> None:
    # The work budget ends both runs (the time limit is a guard): equal under any load.
    options = TerritoryOptions(time_limit_s=120.0, max_work=0.75, seed=3)
    runs = [towers.plan(options, teams=towers.teams[:60]).household_assignment() for _ in range(2)]
    # Equal, and a real plan: every household on one of the 60 teams.
    assert len(runs[0]) == len(towers.households) and runs[0]["team_id"].nunique() == 60
    assert runs[0].equals(runs[1])
