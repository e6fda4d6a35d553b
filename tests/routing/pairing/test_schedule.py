"""Recurring visits: how many, when, by whom; inside both sides' hours; no double booking."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pandas as pd
import pytest

from routing.pairing import PairingResult, schedule_visits
from routing.pairing.weekly import day_windows, household_windows, parse_weekly
from routing.visits.windows import parse_availability, parse_clock
from tests.routing.pairing.conftest import Estate
from tests.routing.pairing.support import households, request, volunteers

MONDAY = date(2026, 3, 2)


def _pairs(*pairs: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["household_id", "volunteer_id"])


@pytest.mark.parametrize(("weeks", "expected"), [(4, (4, 2, 2)), (6, (6, 3, 3)), (1, (1, 1, 0))])
def test_frequencies_give_the_number_of_visits(weeks: int, expected: tuple[int, ...]) -> None:
    # H1 weekly (独居老人); H2 (残疾) and H3 (困难家庭) fortnightly. H2 and H3 share V2, so
    # with one week only one of them fits in it: H2 (earlier id) takes week 0, H3 week 1.
    homes = households([("H1", 0, "独居老人"), ("H2", 1, "残疾"), ("H3", 2, "困难家庭")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 1, "", "T1")])
    case = request(homes, crew)
    pairs = _pairs(("H1", "V1"), ("H2", "V2"), ("H3", "V2"))
    plan = schedule_visits(case, pairs, start=MONDAY, weeks=weeks)
    counts = plan.visits["household_id"].value_counts().reindex(["H1", "H2", "H3"], fill_value=0)
    assert tuple(counts) == expected
    assert plan.unscheduled.empty


def test_fortnightly_families_of_one_volunteer_alternate_weeks() -> None:
    homes = households(
        [("H1", 1, "残疾"), ("H2", 2, "残疾"), ("H3", 3, "困难家庭"), ("H4", 4, "困难家庭")]
    )
    crew = volunteers([("V1", 2, "", "T1")])
    pairs = _pairs(*[(f"H{k}", "V1") for k in range(1, 5)])
    plan = schedule_visits(request(homes, crew), pairs, start=MONDAY, weeks=4)
    per_week = [len(plan.week(k)) for k in range(4)]
    assert per_week == [2, 2, 2, 2]  # 4 fortnightly families: two a week, not four then none


def test_several_volunteers_of_one_family_take_turns() -> None:
    homes = households([("H1", 0, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 3, "", "T1")])
    plan = schedule_visits(
        request(homes, crew, marks={"H1": 2}),
        _pairs(("H1", "V1"), ("H1", "V2")),
        start=MONDAY,
        weeks=6,
    )
    order = plan.visits.sort_values("date")["volunteer_id"].tolist()
    assert len(order) == 6
    assert all(a != b for a, b in itertools.pairwise(order))
    assert order.count("V1") == order.count("V2") == 3


def test_a_shared_volunteer_sees_families_on_one_outing_with_the_walk_between() -> None:
    # V1 is free Tuesday and Thursday 09:00-12:00. H1 and H2 (B00) and H3 (B05) are home
    # 09:00-11:30. All three fit on Tuesday (the first day that holds them all):
    # H1 09:00-09:15, H2 09:15-09:30 (same building, floor 1: no walk), then 5 min to
    # B05: H3 09:35-09:50.
    homes = households([("H1", 0, "独居老人", "09:00-11:30"), ("H2", 0, "独居老人", "09:00-11:30"),
                        ("H3", 5, "独居老人", "09:00-11:30")])  # fmt: skip
    crew = volunteers([("V1", 0, "", "T1", "周二 09:00-12:00;周四 09:00-12:00")])
    pairs = _pairs(("H1", "V1"), ("H2", "V1"), ("H3", "V1"))
    plan = schedule_visits(request(homes, crew), pairs, start=MONDAY, weeks=1)
    rows = plan.visits[["date", "household_id", "start", "end"]].values.tolist()
    assert rows == [
        ["2026-03-03", "H1", "09:00", "09:15"],
        ["2026-03-03", "H2", "09:15", "09:30"],
        ["2026-03-03", "H3", "09:35", "09:50"],
    ]


def test_families_that_do_not_fit_one_outing_go_to_another_day() -> None:
    # V1: Tuesday 09:00-09:30 and Thursday 09:00-12:00. Three families fit on Thursday
    # only (Tuesday holds two): Thursday wins (most families), all three on it.
    homes = households([("H1", 0, "独居老人"), ("H2", 0, "独居老人"), ("H3", 0, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1", "周二 09:00-09:30;周四 09:00-12:00")])
    pairs = _pairs(("H1", "V1"), ("H2", "V1"), ("H3", "V1"))
    plan = schedule_visits(request(homes, crew), pairs, start=MONDAY, weeks=1)
    assert plan.visits["date"].unique().tolist() == ["2026-03-05"]
    # With Thursday 09:00-09:30 too, two go on Tuesday and one on Thursday.
    crew = volunteers([("V1", 0, "", "T1", "周二 09:00-09:30;周四 09:00-09:30")])
    plan = schedule_visits(request(homes, crew), pairs, start=MONDAY, weeks=1)
    assert plan.visits["date"].value_counts().to_dict() == {"2026-03-03": 2, "2026-03-05": 1}


def test_last_visits_set_the_rhythm_and_overdue_visits_come_first() -> None:
    # H1 weekly, last seen 10 days before the start: overdue, so week 0 on.
    # H2 fortnightly, last seen 3 days before: due 11 days after the start (week 1), then
    # week 3.
    homes = households([("H1", 0, "独居老人"), ("H2", 0, "残疾")])
    crew = volunteers([("V1", 0, "", "T1")])
    last = {"H1": MONDAY - timedelta(days=10), "H2": MONDAY - timedelta(days=3)}
    plan = schedule_visits(
        request(homes, crew),
        _pairs(("H1", "V1"), ("H2", "V1")),
        start=MONDAY,
        weeks=4,
        last_visits=last,
    )
    weeks = {
        h: sorted((date.fromisoformat(d) - MONDAY).days // 7 for d in g["date"])
        for h, g in plan.visits.groupby("household_id")
    }
    assert weeks == {"H1": [0, 1, 2, 3], "H2": [1, 3]}


def test_a_pair_without_common_hours_is_explained_not_scheduled() -> None:
    homes = households([("H1", 0, "独居老人", "09:00-11:00")])
    crew = volunteers([("V1", 0, "", "T1", "周六 18:00-20:00")])
    plan = schedule_visits(request(homes, crew), _pairs(("H1", "V1")), start=MONDAY, weeks=2)
    assert plan.visits.empty
    assert plan.unscheduled.values.tolist() == [
        ["H1", "V1", "the volunteer's week and the household's hours never overlap"]
    ]


def test_estate_visits_lie_inside_both_windows_without_double_booking(
    estate: Estate, estate_pairs: PairingResult
) -> None:
    case = estate.request()
    plan = schedule_visits(case, estate_pairs.pairs, start=MONDAY, weeks=4)
    assert len(plan.visits) > 100
    hours = (8 * 3600.0, 20 * 3600.0)
    homes = case.demand.set_index("household_id")["availability"]
    weeks = estate.volunteers.set_index("volunteer_id")["availability"]
    for row in plan.visits.to_dict("records"):
        start, end = parse_clock(row["start"]), parse_clock(row["end"])
        assert end - start == 900
        day = date.fromisoformat(row["date"]).weekday()
        home = household_windows(parse_availability(homes[row["household_id"]]), hours)
        mine = day_windows(parse_weekly(weeks[row["volunteer_id"]]), day, hours)
        assert any(a <= start and end <= b for a, b in home), row
        assert any(a <= start and end <= b for a, b in mine), row
    for _, booked in plan.visits.groupby(["volunteer_id", "date"]):
        times = sorted(
            (parse_clock(s), parse_clock(e))
            for s, e in zip(booked["start"], booked["end"], strict=True)
        )
        assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(times))
    # Every household whose pairs all have a slot gets 4 / every_weeks visits.
    every = case.demand.set_index("household_id")["every_weeks"]
    counts = plan.visits["household_id"].value_counts()
    missing = set(plan.unscheduled["household_id"])
    for hid in set(estate_pairs.made()["household_id"]) - missing:
        assert counts.get(hid, 0) == 4 // every[hid], hid
