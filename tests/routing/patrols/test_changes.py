"""Rota changes: a swap touches only the two teams, a re-plan keeps the rest; calendars."""

from __future__ import annotations

import datetime as dt

import icalendar
import pandas as pd
import pytest

from routing.patrols import (
    PatrolRef,
    Rota,
    RotaOptions,
    RouteDemand,
    Swap,
    SwapError,
    apply_swap,
    replan_rota,
    solve_rota,
    team_calendar,
)
from routing.patrols.changes import changed

MONDAY = dt.date(2026, 3, 2)
TEAMS = [f"T{i:03d}" for i in range(1, 25)]
ROUTES = ["R01", "R02", "R03", "D01"]
DEMANDS = {"D01": RouteDemand("checkpoints", per_week=1, slots=(0,))}
KEY = ["date", "slot", "route_id"]


@pytest.fixture(scope="module")
def rota() -> Rota:
    found = solve_rota(ROUTES, TEAMS, MONDAY, RotaOptions(weeks=2, seed=1), demands=DEMANDS)
    assert found.feasible, found.summary()
    return found


def ref(row: pd.Series) -> PatrolRef:
    return PatrolRef(row["date"], int(row["slot"]), str(row["route_id"]))


def test_a_swap_changes_only_the_two_teams_patrols(rota: Rota) -> None:
    frame = rota.assignments
    first = frame.iloc[0]
    # a patrol of another team, a week later (no team then walks two a day)
    later = frame[(frame["team_id"] != first["team_id"]) & (frame["week"] == 2)]
    second = later[~later["team_id"].isin(frame.loc[frame["date"] == first["date"], "team_id"])]
    second = second[~second["date"].isin(frame.loc[frame["team_id"] == first["team_id"], "date"])]
    second = second.iloc[0]
    swapped = apply_swap(rota, Swap(ref(first), ref(second)))
    before, after = rota.assignments, swapped.assignments
    assert before[KEY].equals(after[KEY])  # the same patrols, in the same order
    moved = before.index[before["team_id"] != after["team_id"]].tolist()
    assert moved == sorted([int(str(first.name)), int(str(second.name))])
    assert after.at[first.name, "team_id"] == second["team_id"]
    assert after.at[second.name, "team_id"] == first["team_id"]
    teams = {first["team_id"], second["team_id"]}
    others = ~before["team_id"].isin(teams)
    assert before[others].equals(after[others])  # no other team's slots change
    assert rota.assignments.at[first.name, "team_id"] == first["team_id"]  # pure


def test_a_swap_into_a_busy_day_or_a_day_off_is_refused(rota: Rota) -> None:
    frame = rota.assignments
    first = frame.iloc[0]
    same_day = frame[(frame["date"] == first["date"]) & (frame["team_id"] != first["team_id"])]
    with pytest.raises(SwapError, match="2 patrols"):
        # the other team already walks on that day: after the swap it would walk twice
        busy = frame[
            (frame["team_id"] == same_day.iloc[0]["team_id"]) & (frame.index != same_day.index[0])
        ]
        apply_swap(rota, Swap(ref(first), ref(busy.iloc[0])))
    later = frame[(frame["week"] == 2) & (frame["team_id"] != first["team_id"])].iloc[0]
    with pytest.raises(SwapError, match="cannot patrol"):
        apply_swap(rota, Swap(ref(first), ref(later)), {str(first["team_id"]): [later["date"]]})
    with pytest.raises(SwapError, match="no patrol"):
        apply_swap(rota, Swap(ref(first), PatrolRef(MONDAY, 0, "R99")))


def test_a_replan_keeps_every_patrol_the_change_does_not_touch(rota: Rota) -> None:
    frame = rota.assignments
    team = str(frame.iloc[0]["team_id"])
    gone = sorted(set(frame.loc[frame["team_id"] == team, "date"]))[:2]
    new = replan_rota(rota, unavailable={team: gone})
    assert new.feasible and new.extra["changed"] == 2
    touched = (frame["team_id"] == team) & frame["date"].isin(gone)
    key = [*KEY, "team_id"]
    kept = set(frame.loc[~touched, key].itertuples(index=False, name=None))
    assert kept <= set(new.assignments[key].itertuples(index=False, name=None))
    assert changed(rota, new) == 2
    assert (
        new.assignments[KEY]
        .sort_values(KEY)
        .reset_index(drop=True)
        .equals(frame[KEY].sort_values(KEY).reset_index(drop=True))
    )  # the same patrols, every one walked
    walked = new.assignments[new.assignments["team_id"] == team]["date"]
    assert not set(walked) & set(gone)
    assert new.assignments.groupby(["team_id", "date"]).size().max() == 1


def test_a_replan_for_a_new_route_places_it_around_the_rest(rota: Rota) -> None:
    demands = {**DEMANDS, "B01": RouteDemand("building", per_week=1, slots=(1,))}
    new = replan_rota(rota, route_ids=[*ROUTES, "B01"], demands=demands)
    assert new.feasible
    added = new.assignments[new.assignments["route_id"] == "B01"]
    assert len(added) == 2 and set(added["slot"]) == {1} and set(added["kind"]) == {"building"}
    assert new.extra["kept"] == len(rota.assignments) and changed(rota, new) == 2


def test_a_replan_without_free_teams_says_which_patrol(rota: Rota) -> None:
    day = rota.assignments.iloc[0]["date"]
    new = replan_rota(rota, unavailable={t: [day] for t in TEAMS})
    assert not new.feasible and new.conflicts[0].rule == "availability"
    assert f"on {day.isoformat()}" in new.conflicts[0].message


def test_each_team_gets_its_patrols_as_a_calendar(rota: Rota) -> None:
    team = str(rota.assignments.iloc[0]["team_id"])
    calendar = icalendar.Calendar.from_ical(team_calendar(rota, team, title="演示社区"))
    events = calendar.walk("VEVENT")
    mine = rota.assignments[rota.assignments["team_id"] == team]
    assert len(events) == len(mine)
    first = events[0]
    row = mine.iloc[0]
    start = first.decoded("dtstart")
    assert start.date() == row["date"] and start.strftime("%H:%M") == row["slot_label"][:5]
    assert row["route_id"] in str(first["summary"]) and "演示社区" in str(first["summary"])
    assert len({str(e["uid"]) for e in events}) == len(events)
