"""Counting what volunteers and teams did in a period, from the record frames alone."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pandas as pd

from routing.evaluation.frames import ActivityRecords
from routing.evaluation.period import Period

# Per volunteer: what ``volunteer_activity`` counts.
ACTIVITY_COLUMNS: Final = (
    "hours",  # service hours: the union of the volunteer's sessions, clipped to the period
    "doors",  # distinct households at whose door a record was made (any outcome)
    "register_changes",  # changes proposed at the door and accepted
    "cases_handled",  # cases of theirs that went to 处理中 in the period
    "cases_closed",  # cases of theirs that went to 已办结 in the period
    "pair_visits_done",  # of the pairing visits due, those done
    "pair_visits_due",  # their scheduled pairing visits dated in the period up to as_of
    "patrols",  # patrol shifts done
)


def attribute(records: pd.DataFrame, at: str, sessions: pd.DataFrame) -> pd.DataFrame:
    """Who a team's records count for.

    A record naming a volunteer counts for that volunteer. A record of the team alone
    (``volunteer_id`` "") counts for every volunteer with a session of that team that
    covers the record's time (start <= time <= end): who was out with the team then.

    Parameters
    ----------
    records : DataFrame
        With ``team_id``, ``volunteer_id`` and the time column ``at``.
    at : str
        The time column.
    sessions : DataFrame
        Per ``SESSION_COLUMNS``.

    Returns
    -------
    DataFrame
        The records, one row per volunteer they count for (``volunteer_id`` filled);
        a team record nobody's session covers counts for no volunteer.
    """
    named = records[records["volunteer_id"] != ""]
    teamwork = records[records["volunteer_id"] == ""].drop(columns="volunteer_id")
    teamwork = teamwork.reset_index(names="_record")
    joined = teamwork.merge(
        sessions[["team_id", "volunteer_id", "start", "end"]].rename(
            columns={"start": "_from", "end": "_to"}
        ),
        on="team_id",
    )
    covered = joined[(joined["_from"] <= joined[at]) & (joined[at] <= joined["_to"])]
    # A volunteer with two overlapping sessions still counts a record once.
    covered = covered.drop_duplicates(["_record", "volunteer_id"])
    covered = covered.drop(columns=["_record", "_from", "_to"])
    return pd.concat([named, covered[named.columns]], ignore_index=True)


def service_hours(sessions: pd.DataFrame, period: Period) -> pd.Series:
    """Hours per volunteer: their sessions' union inside the period (overlaps once).

    Parameters
    ----------
    sessions : DataFrame
        Per ``SESSION_COLUMNS``.
    period : Period
        The period; a session crossing its bounds counts only its part inside.

    Returns
    -------
    Series
        Hours by ``volunteer_id`` (volunteers without a session absent).
    """
    start = sessions["start"].where(sessions["start"] > period.start_at, period.start_at)
    end = sessions["end"].where(sessions["end"] < period.end_at, period.end_at)
    inside = sessions.assign(start=start, end=end)[end > start]
    out = {}
    for volunteer, group in inside.sort_values(["volunteer_id", "start"]).groupby("volunteer_id"):
        total, reach = pd.Timedelta(0), None
        for a, b in zip(group["start"], group["end"], strict=True):
            if reach is None or a > reach:
                total += b - a
                reach = b
            elif b > reach:
                total += b - reach
                reach = b
        out[volunteer] = total.total_seconds() / 3600
    return pd.Series(out, dtype=float)


def volunteer_activity(
    records: ActivityRecords, volunteer_ids: list[str], period: Period, as_of: date | None = None
) -> pd.DataFrame:
    """``ACTIVITY_COLUMNS`` per volunteer for one period.

    Parameters
    ----------
    records : ActivityRecords
        The record frames (local times).
    volunteer_ids : list of str
        The roster, in report order; volunteers without records get zeros.
    period : Period
        The period counted.
    as_of : date, optional
        The day counted up to for pairing visits due (later ones are not due yet);
        default the period's last day.

    Returns
    -------
    DataFrame
        Indexed by ``volunteer_id``.
    """
    index = pd.Index(volunteer_ids, name="volunteer_id")
    sessions = records.sessions
    doors = attribute(
        records.doors[period.holds(records.doors["recorded_at"])], "recorded_at", sessions
    )
    changes = records.changes[period.holds(records.changes["recorded_at"])]
    changes = attribute(changes[changes["accepted"].astype(bool)], "recorded_at", sessions)
    patrols = records.patrols[period.holds(records.patrols["start"])]
    patrols = attribute(patrols[patrols["done"].astype(bool)], "start", sessions)
    cases = records.cases
    due = _due(records.pair_visits, period, as_of)
    out = pd.DataFrame(
        {
            "hours": service_hours(sessions, period),
            "doors": doors.groupby("volunteer_id")["household_id"].nunique(),
            "register_changes": changes.groupby("volunteer_id").size(),
            "cases_handled": cases[period.holds(cases["handled_at"])]
            .groupby("volunteer_id")
            .size(),
            "cases_closed": cases[period.holds(cases["closed_at"])].groupby("volunteer_id").size(),
            "pair_visits_done": due[due["state"] == "done"].groupby("volunteer_id").size(),
            "pair_visits_due": due.groupby("volunteer_id").size(),
            "patrols": patrols.groupby("volunteer_id").size(),
        },
        columns=list(ACTIVITY_COLUMNS),
    )
    return _typed(out.reindex(index))


def team_activity(
    records: ActivityRecords,
    members: pd.DataFrame,
    team_ids: list[str],
    period: Period,
) -> pd.DataFrame:
    """What each team did as a team: every record of the team counted once.

    ``doors`` counts the distinct households of all the team's door records (not the
    sum of its members', which counts a door once per member on the outing); register
    changes, cases and patrol shifts come from the team's own records; hours and
    pairing visits are the sums of its members'.

    Parameters
    ----------
    records : ActivityRecords
        The record frames.
    members : DataFrame
        ``volunteer_activity`` of the roster with its ``team_id`` column.
    team_ids : list of str
        The teams, in report order.
    period : Period
        The period counted.

    Returns
    -------
    DataFrame
        ``ACTIVITY_COLUMNS`` indexed by ``team_id``.
    """
    index = pd.Index(team_ids, name="team_id")
    doors = records.doors[period.holds(records.doors["recorded_at"])]
    changes = records.changes[period.holds(records.changes["recorded_at"])]
    changes = changes[changes["accepted"].astype(bool)]
    patrols = records.patrols[period.holds(records.patrols["start"])]
    # A shift recorded once per member is still one shift of the team.
    patrols = patrols[patrols["done"].astype(bool)].drop_duplicates(["team_id", "start"])
    cases = records.cases
    summed = members.groupby("team_id")[["hours", "pair_visits_done", "pair_visits_due"]].sum()
    out = pd.DataFrame(
        {
            "hours": summed["hours"],
            "doors": doors.groupby("team_id")["household_id"].nunique(),
            "register_changes": changes.groupby("team_id").size(),
            "cases_handled": cases[period.holds(cases["handled_at"])].groupby("team_id").size(),
            "cases_closed": cases[period.holds(cases["closed_at"])].groupby("team_id").size(),
            "pair_visits_done": summed["pair_visits_done"],
            "pair_visits_due": summed["pair_visits_due"],
            "patrols": patrols.groupby("team_id").size(),
        },
        columns=list(ACTIVITY_COLUMNS),
    )
    return _typed(out.reindex(index))


def _due(pair_visits: pd.DataFrame, period: Period, as_of: date | None) -> pd.DataFrame:
    """Pairing visits dated in the period up to ``as_of`` (included)."""
    end = period.end if as_of is None else min(as_of + timedelta(days=1), period.end)
    if end <= period.start:
        return pair_visits.iloc[:0]
    return pair_visits[Period(period.start, end).holds(pair_visits["date"])]


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Zeros where nothing was recorded; counts as integers, hours as floats."""
    counts = [c for c in ACTIVITY_COLUMNS if c != "hours"]
    out = frame.fillna(0)
    return out.astype(dict.fromkeys(counts, "int64")).astype({"hours": float})
