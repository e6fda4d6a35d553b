"""Pairing the demo community as imported: the Helsinki map, its register and its roster."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pandas as pd
import pytest

from routing.costs import BuildingMatrix, HouseholdCosts
from routing.pairing import (
    PairingOptions,
    PairingRequest,
    address_labels,
    greedy_pairing,
    schedule_visits,
    solve_pairing,
    volunteer_calendar,
)
from routing.schema import HARDSHIP_TAGS
from routing.sources import OsmExtract


@pytest.fixture(scope="module")
def demo(
    helsinki_extract: OsmExtract,
    helsinki_matrix: BuildingMatrix,
    demo_households: pd.DataFrame,
    demo_volunteers: pd.DataFrame,
) -> tuple[PairingRequest, object]:
    """The demo register and roster (no weekly hours: any time) on the Helsinki network."""
    buildings = helsinki_extract.buildings
    costs = HouseholdCosts(demo_households, buildings, helsinki_matrix)
    return PairingRequest(demo_households, demo_volunteers, costs), buildings


def test_demo_community_pairs_its_hardship_households(demo: tuple[PairingRequest, object]) -> None:
    case, buildings = demo
    hardship = case.households["tags"].str.split(";").map(lambda t: bool(set(t) & HARDSHIP_TAGS))
    assert len(case.demand) == int(hardship.sum()) > 100
    options = PairingOptions(max_families_per_volunteer=3)
    result = solve_pairing(case, options)
    greedy = greedy_pairing(case, options)
    made = result.made()
    assert made["volunteer_id"].value_counts().max() <= 3
    assert result.metrics.pairs >= greedy.metrics.pairs
    assert result.metrics.skill_fit is not None and greedy.metrics.skill_fit is not None
    assert result.metrics.skill_fit > greedy.metrics.skill_fit
    assert (result.unpaired()["reason"] != "").all()
    assert made["walk_min"].notna().mean() > 0.9  # most demo volunteers live in the map

    plan = schedule_visits(case, result.pairs, start=date(2026, 3, 2), weeks=2)
    assert plan.unscheduled.empty  # any time on the roster: every family gets a slot
    busiest = str(plan.visits["volunteer_id"].value_counts().index[0])
    labels = address_labels(case.demand, buildings)  # type: ignore[arg-type]
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    data = volunteer_calendar(plan.visits, busiest, labels, timezone="Asia/Shanghai", stamp=stamp)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == (plan.visits["volunteer_id"] == busiest).sum() >= 3
    phones = case.households["phone"][case.households["phone"] != ""]
    assert not any(p in data.decode() for p in phones)
