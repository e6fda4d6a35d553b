"""Pins: bands the coordinator fixed to a team are respected, conflicts are explained."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from routing.territories import Pin, TerritoryOptions, TerritoryPlan
from tests.routing.territories.support import (
    Community,
    assert_balanced,
    assert_one_band_per_building,
)


def pinned_plan(
    community: Community, pins: Sequence[Pin | tuple[str, int, int, str]]
) -> TerritoryPlan:
    # the work a 2 s run is allowed, the clock only a guard: the same plan under load
    return community.plan(TerritoryOptions(time_limit_s=120.0, max_work=0.5), pins=pins)


def pinned_rows(plan: TerritoryPlan, pin: Pin) -> pd.DataFrame:
    a = plan.household_assignment()
    band = (a["building_id"] == pin.building_id) & a["floor"].between(
        pin.first_floor, pin.last_floor
    )
    return a[band]


def test_pins_in_the_towers_are_respected_and_balance_holds(towers: Community) -> None:
    pins = [
        Pin("3座", 24, 27, "T017"),
        Pin("5座", 1, 6, "T017"),
        Pin("12座", 10, 14, "T002"),
        Pin("30座", 1, 3, "T099"),
    ]
    result = pinned_plan(towers, pins)
    for pin in pins:
        rows = pinned_rows(result, pin)
        assert len(rows) > 0 and (rows["team_id"] == pin.team_id).all(), pin
    assert_balanced(result, 0.05)
    assert_one_band_per_building(result)
    assert result.explanations == (
        "40 buildings each need more than one team's work and are split into bands "
        "(11座 3.4, 23座 3.3, 17座 3.3 teams' work, …)",
    )


def test_pins_in_helsinki_are_respected(helsinki: Community) -> None:
    a = helsinki.households
    tallest = a.groupby("building_id")["floor"].max().sort_values().index[-3:]
    pins: list[Pin | tuple[str, int, int, str]] = [
        Pin(str(tallest[0]), 2, 3, "T010"),
        Pin(str(tallest[1]), 4, 5, "T020"),
        (str(tallest[2]), 2, 2, "T030"),  # a tuple is a pin too
    ]
    result = pinned_plan(helsinki, pins)
    for pin in pins:
        p = pin if isinstance(pin, Pin) else Pin(*pin)
        rows = pinned_rows(result, p)
        assert len(rows) > 0 and (rows["team_id"] == p.team_id).all(), p
    assert_balanced(result, 0.05)
    assert_one_band_per_building(result)


def test_overlapping_and_unknown_pins_are_explained(towers: Community) -> None:
    pins = [
        Pin("8座", 5, 9, "T011"),
        Pin("8座", 7, 8, "T012"),
        Pin("9座", 1, 2, "T999"),
        Pin("9座", 60, 61, "T013"),
        Pin("99座", 1, 2, "T014"),
    ]
    result = pinned_plan(towers, pins)
    assert (pinned_rows(result, pins[0])["team_id"] == "T011").all()
    notes = "\n".join(result.explanations)
    assert "pin 8座 7–8层 → T012 overlaps the pin of T011; pin ignored" in notes
    assert "pin 9座 1–2层 → T999: team T999 is not in the plan; pin ignored" in notes
    assert "pin 9座 60–61层 → T013: no households on those floors; pin ignored" in notes
    assert "pin 99座 1–2层 → T014: the building has no households; pin ignored" in notes


def test_two_pins_of_a_team_in_one_tower_take_the_floors_between(towers: Community) -> None:
    pins = [Pin("6座", 3, 4, "T040"), Pin("6座", 8, 9, "T040")]
    result = pinned_plan(towers, pins)
    rows = pinned_rows(result, Pin("6座", 3, 9, "T040"))
    assert (rows["team_id"] == "T040").all()
    assert any("also gets the floors between its pins" in t for t in result.explanations)
    assert_one_band_per_building(result)
