"""The patrol rota: every rule checked on the output, and infeasible rotas explained."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from routing.patrols import RotaOptions
from routing.patrols.rota import Rota, solve_rota

MONDAY = dt.date(2026, 3, 2)
TEAMS = [f"T{i:03d}" for i in range(1, 31)]
ROUTES = ["R01", "R02", "R03", "R04", "R05"]


def check_rules(rota: Rota, off: dict[str, list[dt.date | int]]) -> None:
    """Assert every rule of ``rota.options`` on the assignments themselves."""
    o, frame = rota.options, rota.assignments
    days = [MONDAY + dt.timedelta(days=i) for i in range(7 * o.weeks)]
    days = [d for d in days if d.weekday() in o.patrol_weekdays]
    # coverage: each (day, slot, route) exactly once, nothing else
    cells = frame.groupby(["date", "slot", "route_id"]).size()
    assert (cells == 1).all() and len(cells) == len(days) * o.slots_per_day * len(ROUTES)
    # at most one patrol per team per day, and rest days between patrols
    assert frame.groupby(["team_id", "date"]).size().max() == 1
    for _, group in frame.groupby("team_id"):
        gaps = np.diff(np.sort(pd.to_datetime(group["date"]).to_numpy())).astype("timedelta64[D]")
        assert (gaps.astype(int) > o.rest_days).all()
    # availability: dates and weekdays
    for team, items in off.items():
        walked = frame.loc[frame["team_id"] == team, "date"]
        for item in items:
            if isinstance(item, dt.date):
                assert item not in set(walked)
            else:
                assert all(d.weekday() != item for d in walked)
    # fairness
    counts = rota.counts()
    assert counts.max() - counts.min() <= o.fair_spread
    # rotation
    cap = math.ceil(counts.max() / len(ROUTES)) + o.rotation_slack
    assert frame.groupby(["team_id", "route_id"]).size().max() <= cap


def test_rota_keeps_every_rule() -> None:
    off: dict[str, list[dt.date | int]] = {
        "T001": [MONDAY, MONDAY + dt.timedelta(days=8)],
        "T002": [5, 6],  # no weekends
        "T003": [MONDAY + dt.timedelta(days=d) for d in range(7)],  # away in week 1
    }
    options = RotaOptions(weeks=2, slots_per_day=2, rest_days=1, seed=3)
    rota = solve_rota(ROUTES, TEAMS, MONDAY, options, off)
    assert rota.feasible, rota.summary()
    check_rules(rota, off)


def test_patrol_weekdays_and_labels() -> None:
    options = RotaOptions(weeks=1, slots_per_day=1, patrol_weekdays=(0, 2, 4), rest_days=0)
    rota = solve_rota(ROUTES, TEAMS[:10], MONDAY, options)
    assert rota.feasible
    assert {d.weekday() for d in rota.assignments["date"]} == {0, 2, 4}
    assert set(rota.assignments["slot_label"]) == {"09:00-11:00"}
    check_rules(rota, {})


def test_same_seed_same_rota() -> None:
    options = RotaOptions(weeks=1, seed=7)
    one = solve_rota(ROUTES, TEAMS, MONDAY, options)
    two = solve_rota(ROUTES, TEAMS, MONDAY, options)
    # Two equal rotas of something: every cell of the week (7 days × 2 slots × 5
    # routes) filled, by the rules.
    assert one.feasible and len(one.assignments) == 7 * 2 * len(ROUTES)
    check_rules(one, {})
    pd.testing.assert_frame_equal(one.assignments, two.assignments)


def test_a_hundred_teams_four_weeks_ten_routes() -> None:
    teams = [f"T{i:03d}" for i in range(1, 101)]
    routes = [f"R{i:02d}" for i in range(1, 11)]
    rota = solve_rota(routes, teams, MONDAY, RotaOptions(weeks=4, slots_per_day=2))
    assert rota.feasible and len(rota.assignments) == 28 * 2 * 10
    assert rota.elapsed_s <= 10
    counts = rota.counts()
    assert counts.max() - counts.min() <= 1


def test_a_day_without_enough_teams_is_named_with_its_week() -> None:
    away = MONDAY + dt.timedelta(days=9)  # Wednesday of week 2
    off: dict[str, list[dt.date | int]] = {t: [away] for t in TEAMS[:25]}
    rota = solve_rota(ROUTES, TEAMS, MONDAY, RotaOptions(weeks=3), off)
    assert rota.status == "infeasible" and rota.assignments.empty
    named = {(c.rule, c.week) for c in rota.conflicts}
    assert named == {("availability", 2), ("one_per_day", 2)}
    assert any(away.isoformat() in c.message for c in rota.conflicts)


def test_too_little_rest_is_named_in_every_week() -> None:
    rota = solve_rota(ROUTES, TEAMS[:12], MONDAY, RotaOptions(weeks=2))
    assert rota.status == "infeasible"
    assert {(c.rule, c.week) for c in rota.conflicts} == {("rest", 1), ("rest", 2)}
    assert "12 teams × 4 = 48 < 70" in rota.conflicts[0].message


def test_fairness_conflict_names_the_team_that_cannot_keep_up() -> None:
    gone = [MONDAY + dt.timedelta(days=d) for d in range(12)]
    rota = solve_rota(ROUTES, TEAMS, MONDAY, RotaOptions(weeks=2), {"T007": gone})
    assert rota.status == "infeasible"
    rules = {c.rule for c in rota.conflicts}
    assert "fairness" in rules and "availability" in rules
    fairness = next(c for c in rota.conflicts if c.rule == "fairness")
    assert fairness.week is None and "T007 at most 1" in fairness.message


def test_more_routes_than_teams() -> None:
    rota = solve_rota(ROUTES, TEAMS[:3], MONDAY)
    assert [(c.rule, c.week) for c in rota.conflicts] == [("coverage", None)]


def test_csv_and_route_teams(tmp_path: Path) -> None:
    rota = solve_rota(ROUTES, TEAMS, MONDAY, RotaOptions(weeks=1))
    path = rota.to_csv(tmp_path / "rota.csv")
    frame = pd.read_csv(path, dtype=str)
    assert list(frame.columns) == ["date", "slot", "route_id", "team_id"]
    assert len(frame) == 7 * 2 * len(ROUTES)
    main = rota.route_team()
    for route, team in main.items():
        walked = rota.assignments[rota.assignments["route_id"] == route]["team_id"]
        assert walked.value_counts().max() == (walked == team).sum()


@pytest.mark.parametrize(
    ("field", "value"),
    [("weeks", 0), ("slots_per_day", 0), ("patrol_weekdays", (7,)), ("rest_days", -1)],
)
def test_bad_options_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        RotaOptions(**{field: value})  # type: ignore[arg-type]


def test_unknown_team_in_availability_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown team"):
        solve_rota(ROUTES, TEAMS, MONDAY, unavailable={"T999": [0]})


def test_routes_are_walked_as_often_as_their_kind_asks() -> None:
    from routing.patrols import RouteDemand

    demands = {
        "R04": RouteDemand("checkpoints", per_week=1),  # dengue spots: weekly
        "R05": RouteDemand("checkpoints", per_week=7, slots=(0,)),  # market: every morning
    }
    options = RotaOptions(weeks=3, slots_per_day=2, seed=2)
    rota = solve_rota(ROUTES, TEAMS, MONDAY, options, demands=demands)
    assert rota.feasible, rota.summary()
    frame = rota.assignments
    per_week = frame.groupby(["route_id", "week"]).size().unstack()
    assert (per_week.loc[["R01", "R02", "R03"]] == 14).all().all()  # every slot of 7 days
    assert (per_week.loc["R04"] == 1).all() and (per_week.loc["R05"] == 7).all()
    assert set(frame.loc[frame["route_id"] == "R05", "slot"]) == {0}
    assert frame.groupby(["date", "slot", "route_id"]).size().max() == 1
    assert frame.groupby(["team_id", "date"]).size().max() == 1
    kinds = frame.groupby("route_id")["kind"].unique()
    assert kinds["R01"].tolist() == ["street"] and kinds["R04"].tolist() == ["checkpoints"]
    assert rota.kind("R05") == "checkpoints" and rota.demand("R01").per_week is None
    counts = rota.counts()
    assert counts.max() - counts.min() <= options.fair_spread
    # the CSV keeps its four columns
    assert (
        rota.to_csv(Path(tempfile.mkdtemp()) / "rota.csv")
        .read_text()
        .startswith("date,slot,route_id,team_id\n")
    )


def test_a_demand_that_does_not_fit_the_week_is_refused() -> None:
    from routing.patrols import RouteDemand

    with pytest.raises(ValueError, match="15 times a week but week 1 has only 14"):
        solve_rota(
            ROUTES, TEAMS, MONDAY, RotaOptions(weeks=1), demands={"R01": RouteDemand(per_week=15)}
        )
    with pytest.raises(ValueError, match="slot 2 does not exist"):
        solve_rota(
            ROUTES, TEAMS, MONDAY, RotaOptions(weeks=1), demands={"R01": RouteDemand(slots=(2,))}
        )
    with pytest.raises(ValueError, match="unknown route"):
        solve_rota(ROUTES, TEAMS, MONDAY, RotaOptions(weeks=1), demands={"R99": RouteDemand()})
