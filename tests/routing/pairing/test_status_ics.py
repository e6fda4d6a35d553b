"""Overdue visits from the records, and the volunteer's calendar file read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd

from routing.pairing import (
    address_labels,
    overdue,
    schedule_visits,
    visit_states,
    volunteer_calendar,
)
from tests.routing.pairing.support import households, request, volunteers

MONDAY = date(2026, 3, 2)


def test_records_match_scheduled_visits_within_their_windows() -> None:
    visits = pd.DataFrame(
        {
            "date": ["2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-09"],
            "household_id": ["H1", "H1", "H1", "H1", "H2"],
            "volunteer_id": ["V1"] * 5,
            "start": ["09:00"] * 5,
            "end": ["09:15"] * 5,
        }
    )
    records = pd.DataFrame(
        {
            "household_id": ["H1", "H1", "H1", "H1", "H2"],
            "recorded_at": pd.to_datetime(
                [
                    "2026-03-01 10:00",
                    "2026-03-12 16:00",
                    "2026-03-16 09:05",
                    "2026-03-24 09:00",
                    "2026-03-05 09:00",
                ]
            ),
            "status": ["visited", "visited", "not_home", "visited", "visited"],
        }
    )
    # With 3 days' grace the windows of H1 are [02-27, 03-06), [03-06, 03-13),
    # [03-13, 03-20), [03-20, ...). 03-01 → the 03-02 visit; 03-12 → 03-09; the 03-16
    # knock found nobody home (not a visit); 03-24 is after today (03-20). H2's 03-05
    # record is 4 days early, before its window [03-06, ...): the 03-09 visit is overdue.
    states = visit_states(visits, records, date(2026, 3, 20))
    assert states["state"].tolist() == ["done", "done", "overdue", "upcoming", "overdue"]
    assert states["done_on"].tolist() == ["2026-03-01", "2026-03-12", "", "", ""]
    late = overdue(visits, records, date(2026, 3, 20))
    assert list(zip(late["household_id"], late["date"], strict=True)) == [
        ("H1", "2026-03-16"),
        ("H2", "2026-03-09"),
    ]
    # A visit due today is not overdue yet.
    assert visit_states(visits, records.iloc[:0], date(2026, 3, 2))["state"].iat[0] == "upcoming"


def _plan() -> tuple[pd.DataFrame, dict[str, str]]:
    homes = households([("H1", 0, "独居老人", "09:00-11:30"), ("H2", 3, "残疾", "14:00-17:00")])
    crew = volunteers(
        [("V1", 0, "", "T1", "周二 09:00-12:00;周四 14:00-17:00"), ("V2", 4, "", "T1")]
    )
    case = request(homes, crew)
    pairs = pd.DataFrame({"household_id": ["H1", "H2", "H2"], "volunteer_id": ["V1", "V1", "V2"]})
    plan = schedule_visits(case, pairs, start=MONDAY, weeks=4)
    buildings = pd.DataFrame({"building_id": ["B00", "B03"], "name": ["1座", ""]})
    return plan.visits, address_labels(case.demand, buildings)


def test_ics_reads_back_with_one_event_per_visit_and_only_the_address() -> None:
    visits, labels = _plan()
    assert labels == {"H1": "1座 1层 101", "H2": "B03 1层 102"}
    mine = visits[visits["volunteer_id"] == "V1"]
    stamp = datetime(2026, 3, 1, tzinfo=UTC)
    data = volunteer_calendar(visits, "V1", labels, timezone="Asia/Shanghai", stamp=stamp)
    assert data == volunteer_calendar(visits, "V1", labels, timezone="Asia/Shanghai", stamp=stamp)
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == len(mine) > 0
    got = sorted((e.decoded("dtstart"), e.decoded("dtend"), str(e.get("location"))) for e in events)
    zone = ZoneInfo("Asia/Shanghai")
    want = sorted(
        (
            datetime.combine(date.fromisoformat(d), datetime.strptime(s, "%H:%M").time(), zone),
            datetime.combine(date.fromisoformat(d), datetime.strptime(e, "%H:%M").time(), zone),
            labels[h],
        )
        for d, h, s, e in zip(
            mine["date"], mine["household_id"], mine["start"], mine["end"], strict=True
        )
    )
    assert got == want
    assert {str(e.get("summary")) for e in events} <= {f"结对探访 {v}" for v in labels.values()}
    assert len({str(e.get("uid")) for e in events}) == len(events)
    text = data.decode()
    assert "1380000" not in text  # no phone number of any household
    assert "独居老人" not in text and "残疾" not in text  # nor their needs


def test_ics_without_a_timezone_has_floating_times() -> None:
    visits, labels = _plan()
    data = volunteer_calendar(visits, "V2", labels)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == (visits["volunteer_id"] == "V2").sum() > 0
    assert all(e.decoded("dtstart").tzinfo is None for e in events)
    assert "VTIMEZONE" not in data.decode()
