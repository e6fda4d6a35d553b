"""Each team's patrols as an iCalendar (ICS) file for the phone's calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import icalendar

from routing.patrols.kinds import kind_label
from routing.patrols.rota import Rota

_SLOT = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_UNSAFE = re.compile(r"[^\w\-]+")
_WORDS: Final = {
    "zh": {"summary": "巡查 {route}（{kind}）", "calendar": "巡查排班 {team}"},
    "en": {"summary": "Patrol {route} ({kind})", "calendar": "Patrol rota {team}"},
}


def team_calendar(
    rota: Rota,
    team_id: str,
    *,
    lang: str = "zh",
    title: str = "",
    labels: Mapping[str, str] | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """One team's patrols as an ICS calendar: one event per patrol.

    A slot labelled ``HH:MM-HH:MM`` gives the event's start and end in local (floating)
    time; other labels give an all-day event. Events carry the route and its kind, no
    personal data; their UIDs are stable, so importing a re-planned rota updates them.

    Parameters
    ----------
    rota : Rota
        A feasible rota.
    team_id : str
        The team.
    lang : {"zh", "en"}
        Language of the event titles.
    title : str
        Put before each title, e.g. the community's name.
    labels : mapping of str to str, optional
        Printed names of kinds (a kind's ``label``), by kind name.
    stamp : datetime, optional
        The calendar's DTSTAMP (UTC); default now.

    Returns
    -------
    bytes
        The ``.ics`` file.
    """
    if team_id not in rota.team_ids:
        raise ValueError(f"no team {team_id!r} in the rota")
    words = _WORDS["en" if lang == "en" else "zh"]
    stamp = stamp or dt.datetime.now(dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//redvest//patrol rota//")
    calendar.add("version", "2.0")
    name = words["calendar"].format(team=team_id)
    calendar.add("x-wr-calname", f"{title} {name}".strip())
    mine = rota.assignments[rota.assignments["team_id"] == team_id]
    for date, slot, label, route, kind in zip(
        mine["date"], mine["slot"], mine["slot_label"], mine["route_id"], mine["kind"],
        strict=True,
    ):  # fmt: skip
        event = icalendar.Event()
        printed = kind_label(str(kind), lang, (labels or {}).get(str(kind), ""))
        summary = words["summary"].format(route=route, kind=printed)
        event.add("summary", f"{title} {summary}".strip())
        times = _times(date, str(label))
        if times is None:
            event.add("dtstart", date)
            event.add("dtend", date + dt.timedelta(days=1))
        else:
            event.add("dtstart", times[0])
            event.add("dtend", times[1])
        event.add("dtstamp", stamp)
        key = f"{date.isoformat()}|{int(slot)}|{route}|{team_id}".encode()
        event.add("uid", hashlib.sha256(key).hexdigest()[:32] + "@redvest")
        calendar.add_component(event)
    return calendar.to_ical()


def _times(date: dt.date, label: str) -> tuple[dt.datetime, dt.datetime] | None:
    match = _SLOT.fullmatch(label.strip())
    if match is None:
        return None
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    if max(m1, m2) >= 60 or max(h1, h2) > 23:
        return None
    start = dt.datetime.combine(date, dt.time(h1, m1))
    end = dt.datetime.combine(date, dt.time(h2, m2))
    return start, end if end > start else end + dt.timedelta(days=1)


def write_team_calendars(
    rota: Rota, folder: str | Path, *, lang: str = "zh", title: str = "",
    labels: Mapping[str, str] | None = None,
) -> list[Path]:  # fmt: skip
    """Write ``<team_id>.ics`` per team with patrols into ``folder`` (created).

    Parameters
    ----------
    rota : Rota
        A feasible rota.
    folder : str or Path
        Where to write.
    lang, title, labels
        As for ``team_calendar``.

    Returns
    -------
    list of Path
        The files, in team order.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC)
    walking = set(rota.assignments["team_id"].astype(str))
    paths = []
    for team in rota.team_ids:
        if team not in walking:
            continue
        path = out / f"{calendar_name(team)}.ics"
        path.write_bytes(
            team_calendar(rota, team, lang=lang, title=title, labels=labels, stamp=stamp)
        )
        paths.append(path)
    return paths


def calendar_name(team_id: str) -> str:
    """A file name for a team's calendar (letters, digits, ``-`` and ``_`` only)."""
    return _UNSAFE.sub("_", team_id).strip("_") or "team"
