"""The plain record frames the evaluation counts from, their columns, and their checks.

The web layer fills these from its tables; times are local wall-clock times (naive, or
tz-aware and converted to the community's zone by ``ActivityRecords.local``). A
``volunteer_id`` of "" on a team's record means "the team": it counts for every member
with a session of that team covering the record's time (see ``activity``). Problems
name the frame, the record's number in it (from 1) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from routing.errors import InputError, Problem

# One row per volunteer on the roster.
ROSTER_COLUMNS: Final = ("volunteer_id", "name", "team_id")
# One row per volunteer per outing (door-to-door, pairing visit, patrol, case work): the
# volunteer service hours (志愿服务时长) are the union of these intervals.
SESSION_COLUMNS: Final = ("volunteer_id", "team_id", "start", "end")
# One row per door record from a team's phone: status visited / not_home / refused.
DOOR_COLUMNS: Final = ("team_id", "household_id", "recorded_at", "status", "volunteer_id")
# One row per register change proposed at a door, whether the coordinator accepted it.
CHANGE_COLUMNS: Final = ("team_id", "household_id", "recorded_at", "accepted", "volunteer_id")
# One row per case: its assignee, when it went to 处理中 and to 已办结 (NaT if not yet).
CASE_COLUMNS: Final = ("case_id", "volunteer_id", "team_id", "handled_at", "closed_at")
# One row per scheduled pairing visit with its state (``routing.pairing.visit_states``).
PAIR_VISIT_COLUMNS: Final = ("date", "household_id", "volunteer_id", "state")
# One row per patrol shift of the rota: the team, its start, whether it was done.
PATROL_COLUMNS: Final = ("team_id", "start", "done", "volunteer_id")
# One row per rating: level "self" | "team" | "community", score 0..100, period label.
RATING_COLUMNS: Final = ("volunteer_id", "period", "level", "score")
LEVELS: Final = ("self", "team", "community")
SCORE_RANGE: Final = (0.0, 100.0)

_TIMES: Final = {
    "sessions": ("start", "end"),
    "doors": ("recorded_at",),
    "changes": ("recorded_at",),
    "cases": ("handled_at", "closed_at"),
    "pair_visits": ("date",),
    "patrols": ("start",),
}
_COLUMNS: Final = {
    "sessions": SESSION_COLUMNS,
    "doors": DOOR_COLUMNS,
    "changes": CHANGE_COLUMNS,
    "cases": CASE_COLUMNS,
    "pair_visits": PAIR_VISIT_COLUMNS,
    "patrols": PATROL_COLUMNS,
    "ratings": RATING_COLUMNS,
}
_OPTIONAL: Final = frozenset({"volunteer_id", "status"})


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass(frozen=True, eq=False)
class ActivityRecords:
    """Everything counted, as plain frames (any of them may be empty).

    Attributes
    ----------
    sessions : DataFrame
        ``SESSION_COLUMNS``.
    doors : DataFrame
        ``DOOR_COLUMNS`` (``status`` and ``volunteer_id`` optional).
    changes : DataFrame
        ``CHANGE_COLUMNS`` (``volunteer_id`` optional).
    cases : DataFrame
        ``CASE_COLUMNS``.
    pair_visits : DataFrame
        ``PAIR_VISIT_COLUMNS``.
    patrols : DataFrame
        ``PATROL_COLUMNS`` (``volunteer_id`` optional).
    ratings : DataFrame
        ``RATING_COLUMNS``.
    """

    sessions: pd.DataFrame = field(default_factory=lambda: _empty(SESSION_COLUMNS))
    doors: pd.DataFrame = field(default_factory=lambda: _empty(DOOR_COLUMNS))
    changes: pd.DataFrame = field(default_factory=lambda: _empty(CHANGE_COLUMNS))
    cases: pd.DataFrame = field(default_factory=lambda: _empty(CASE_COLUMNS))
    pair_visits: pd.DataFrame = field(default_factory=lambda: _empty(PAIR_VISIT_COLUMNS))
    patrols: pd.DataFrame = field(default_factory=lambda: _empty(PATROL_COLUMNS))
    ratings: pd.DataFrame = field(default_factory=lambda: _empty(RATING_COLUMNS))

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name, columns in _COLUMNS.items():
            frame = getattr(self, name)
            missing = [c for c in columns if c not in frame.columns and c not in _OPTIONAL]
            problems += [Problem(name, None, c, "column missing") for c in missing]
        if problems:
            raise InputError(problems)
        for name, columns in _COLUMNS.items():
            frame = getattr(self, name).copy()
            for column in set(columns) & _OPTIONAL:
                if column not in frame.columns:
                    frame[column] = ""
            for column in ("volunteer_id", "team_id", "household_id", "case_id"):
                if column in frame.columns:
                    frame[column] = frame[column].fillna("").astype(str)
            for column in _TIMES.get(name, ()):
                frame[column] = _timestamps(frame[column], name, column, problems)
            object.__setattr__(self, name, frame.loc[:, list(columns)].reset_index(drop=True))
        _check_sessions(self.sessions, problems)
        _check_ratings(self.ratings, problems)
        if problems:
            raise InputError(problems)

    def local(self, timezone: str) -> ActivityRecords:
        """The same records with tz-aware times converted to ``timezone`` (naive after)."""
        frames = {}
        for name in _COLUMNS:
            frame = getattr(self, name).copy()
            for column in _TIMES.get(name, ()):
                if getattr(frame[column].dt, "tz", None) is not None:
                    frame[column] = frame[column].dt.tz_convert(timezone).dt.tz_localize(None)
            frames[name] = frame
        return ActivityRecords(**frames)


def _timestamps(values: pd.Series, name: str, column: str, problems: list[Problem]) -> pd.Series:
    """Values as timestamps; NaT stays NaT; text that is no time is reported by row."""
    try:
        parsed = pd.to_datetime(values, errors="coerce")
    except (TypeError, ValueError) as error:  # e.g. mixed time zones
        problems.append(Problem(name, None, column, str(error)))
        return pd.Series(pd.NaT, index=values.index)
    given = values.notna() & (values.astype(str).str.strip() != "")
    for position in np.flatnonzero(given.to_numpy() & parsed.isna().to_numpy())[:20]:
        message = f"not a date or time: {values.iat[position]!r}"
        problems.append(Problem(name, int(position) + 1, column, message))
    return parsed


def _check_sessions(sessions: pd.DataFrame, problems: list[Problem]) -> None:
    bad = sessions["start"].isna() | sessions["end"].isna() | (sessions["end"] < sessions["start"])
    for position in np.flatnonzero(bad.to_numpy())[:20]:
        message = "a session needs a start and an end no earlier than its start"
        problems.append(Problem("sessions", int(position) + 1, "end", message))


def _check_ratings(ratings: pd.DataFrame, problems: list[Problem]) -> None:
    scores = pd.to_numeric(ratings["score"], errors="coerce")
    low, high = SCORE_RANGE
    for position in np.flatnonzero(~scores.between(low, high).to_numpy())[:20]:
        message = f"a score from 0 to 100, got {ratings['score'].iat[position]}"
        problems.append(Problem("ratings", int(position) + 1, "score", message))
    for position in np.flatnonzero(~ratings["level"].isin(LEVELS).to_numpy())[:20]:
        message = f"one of {', '.join(LEVELS)}, got {ratings['level'].iat[position]!r}"
        problems.append(Problem("ratings", int(position) + 1, "level", message))
