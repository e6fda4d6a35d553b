"""A volunteer's pairing visits as an iCalendar file (ICS), with the address and nothing more."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd

from routing.hours import parse_clock

PRODID = "-//redvest//pairing visits//ZH"
SUMMARY = "结对探访"


def address_labels(demand: pd.DataFrame, buildings: pd.DataFrame) -> dict[str, str]:
    """Household → the address a volunteer needs: ``3座 12层 1201``.

    Only the building's name (its id when it has none), the floor and the unit: no
    name, phone, tag or request of the household.

    Parameters
    ----------
    demand : DataFrame
        ``household_id``, ``building_id``, ``floor``, ``unit`` (e.g. ``PairingRequest.demand``).
    buildings : DataFrame
        ``building_id`` and ``name`` of the buildings.

    Returns
    -------
    dict of str to str
        The label of every household in ``demand``.
    """
    names = dict(
        zip(buildings["building_id"].astype(str), buildings["name"].fillna(""), strict=True)
    )
    out = {}
    for hid, building, floor, unit in zip(
        demand["household_id"], demand["building_id"], demand["floor"], demand["unit"], strict=True
    ):
        name = str(names.get(str(building)) or building)
        level = f"{floor}层" if int(floor) > 0 else f"地下{-int(floor)}层"
        out[str(hid)] = f"{name} {level} {unit}"
    return out


def volunteer_calendar(
    visits: pd.DataFrame,
    volunteer_id: str,
    addresses: Mapping[str, str],
    *,
    timezone: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """One volunteer's scheduled pairing visits as an ICS calendar.

    Each event is titled ``结对探访 <address>`` with the address as its location; its UID
    is stable (date, household, volunteer), so re-importing an updated calendar replaces
    events rather than doubling them.

    Parameters
    ----------
    visits : DataFrame
        Scheduled visits per ``VISIT_COLUMNS`` (other volunteers' rows are skipped).
    volunteer_id : str
        Whose calendar.
    addresses : mapping of str to str
        Household → address label (``address_labels``); nothing else reaches the file.
    timezone : str, optional
        IANA zone of the community (e.g. ``"Asia/Shanghai"``); without one the times are
        floating local times, shown as written in any calendar.
    stamp : datetime, optional
        DTSTAMP of the events (UTC); default now. Pass one for a byte-identical file.

    Returns
    -------
    bytes
        The ICS file (UTF-8).
    """
    zone = ZoneInfo(timezone) if timezone else None
    stamp = stamp or datetime.now(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{SUMMARY} {volunteer_id}")
    mine = visits[visits["volunteer_id"].astype(str) == volunteer_id]
    for row in mine.itertuples(index=False):
        hid = str(row.household_id)
        if hid not in addresses:
            raise KeyError(f"no address for household {hid}")
        day = date.fromisoformat(str(row.date))
        event = icalendar.Event()
        event.add("uid", f"{day.isoformat()}-{hid}-{volunteer_id}@redvest")
        event.add("dtstamp", stamp)
        event.add("dtstart", _at(day, str(row.start), zone))
        event.add("dtend", _at(day, str(row.end), zone))
        event.add("summary", f"{SUMMARY} {addresses[hid]}")
        event.add("location", addresses[hid])
        calendar.add_component(event)
    if zone is not None:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _at(day: date, clock_text: str, zone: ZoneInfo | None) -> datetime:
    """The day's wall-clock time (``24:00`` is the next midnight) in ``zone``."""
    midnight = datetime.combine(day, time())
    return (midnight + timedelta(seconds=parse_clock(clock_text))).replace(tzinfo=zone)
