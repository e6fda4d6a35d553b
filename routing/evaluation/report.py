"""A period's evaluation: counted activity and combined score per volunteer, team, community."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import pandas as pd

from routing.errors import InputError, Problem
from routing.evaluation.activity import team_activity, volunteer_activity
from routing.evaluation.completeness import COMPLETENESS_FIELDS, registration_completeness
from routing.evaluation.frames import ROSTER_COLUMNS, ActivityRecords
from routing.evaluation.period import Period
from routing.evaluation.ratings import SCORE_COLUMNS, EvaluationWeights, combined_scores

# The CLI's DIR/volunteers.csv header (issue 14).
VOLUNTEER_REPORT_COLUMNS: Final = (
    "volunteer_id", "name", "team_id", "hours", "doors", "cases_closed",
    "pair_visits_done", "pair_visits_due", "patrols", "score",
)  # fmt: skip
# ``Evaluation.volunteers``: the report's columns, then the rest of what was counted.
VOLUNTEER_DETAIL_COLUMNS: Final = (
    *VOLUNTEER_REPORT_COLUMNS,
    "register_changes", "cases_handled", "self_score", "team_score", "community_score",
)  # fmt: skip
# The CLI's DIR/teams.csv header: the team's own counts (doors counted once per team),
# its households' registration completeness and its members' mean combined score.
TEAM_REPORT_COLUMNS: Final = (
    "team_id", "volunteers", "hours", "doors", "households", "registered_complete",
    "completeness", "register_changes", "cases_handled", "cases_closed",
    "pair_visits_done", "pair_visits_due", "patrols", "score",
)  # fmt: skip
# ``Evaluation.community``: one row, the same columns for the whole community.
COMMUNITY_COLUMNS: Final = ("period", *TEAM_REPORT_COLUMNS[1:])


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Counted activity and scores of one period.

    Attributes
    ----------
    period : Period
        The period.
    volunteers : DataFrame
        ``VOLUNTEER_DETAIL_COLUMNS``, one row per roster volunteer, roster order.
        ``score`` is NaN for a volunteer nobody rated.
    teams : DataFrame
        ``TEAM_REPORT_COLUMNS``, one row per team, sorted by id.
    community : DataFrame
        ``COMMUNITY_COLUMNS``, one row.
    weights : EvaluationWeights
        The levels' weights used for ``score``.
    """

    period: Period
    volunteers: pd.DataFrame
    teams: pd.DataFrame
    community: pd.DataFrame
    weights: EvaluationWeights = field(default_factory=EvaluationWeights)

    def volunteer_report(self) -> pd.DataFrame:
        """The rows of ``volunteers.csv`` (``VOLUNTEER_REPORT_COLUMNS``)."""
        return self.volunteers.loc[:, list(VOLUNTEER_REPORT_COLUMNS)]

    def summary(self) -> str:
        """Two lines for the coordinator."""
        c = self.community.iloc[0]
        rated = int(self.volunteers["score"].notna().sum())
        return (
            f"{self.period.label}: {c['volunteers']} volunteers, {c['hours']:.1f} service hours, "
            f"{c['doors']} doors, {c['cases_closed']} cases closed, pairing visits "
            f"{c['pair_visits_done']}/{c['pair_visits_due']}, {c['patrols']} patrol shifts.\n"
            f"{rated} volunteers rated; register {_share(c['completeness'])} complete."
        )


def evaluate(
    roster: pd.DataFrame,
    records: ActivityRecords,
    period: Period,
    *,
    register: pd.DataFrame | None = None,
    household_teams: Mapping[str, str] | None = None,
    weights: EvaluationWeights = EvaluationWeights(),
    as_of: date | None = None,
    completeness_fields: Sequence[str] = COMPLETENESS_FIELDS,
) -> Evaluation:
    """Count each volunteer's, team's and the community's activity and combine the ratings.

    Parameters
    ----------
    roster : DataFrame
        ``ROSTER_COLUMNS``: every volunteer reported (those without records get zeros).
    records : ActivityRecords
        What was recorded (local times).
    period : Period
        The period, e.g. ``Period.month("2026-03")``.
    register : DataFrame, optional
        The household register now, for the teams' registration completeness.
    household_teams : mapping of str to str, optional
        Household → area team (the territory plan), for the completeness.
    weights : EvaluationWeights
        The three levels' weights.
    as_of : date, optional
        Pairing visits dated after this day are not due yet; default the period's end.
    completeness_fields : sequence of str
        Register fields that make a household complete.

    Returns
    -------
    Evaluation
        Per volunteer, per team and for the community.
    """
    missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
    if missing:
        raise InputError([Problem("roster", None, c, "column missing") for c in missing])
    ids = roster["volunteer_id"].astype(str).tolist()
    activity = volunteer_activity(records, ids, period, as_of)
    scores = combined_scores(records.ratings, period.label, weights).reindex(activity.index)
    people = roster.assign(
        volunteer_id=ids, team_id=roster["team_id"].fillna("").astype(str)
    ).set_index("volunteer_id")
    volunteers = pd.concat([people[["name", "team_id"]], activity, scores], axis=1)
    volunteers = volunteers.reset_index().loc[:, list(VOLUNTEER_DETAIL_COLUMNS)]
    volunteers = _rounded(volunteers)
    teams_map = dict(household_teams or {})
    team_ids = sorted({t for t in volunteers["team_id"] if t} | set(teams_map.values()))
    teams = _teams(records, volunteers, team_ids, period, register, teams_map, completeness_fields)
    community = _community(records, volunteers, teams, period)
    return Evaluation(period, volunteers, teams, community, weights)


def _teams(
    records: ActivityRecords,
    volunteers: pd.DataFrame,
    team_ids: list[str],
    period: Period,
    register: pd.DataFrame | None,
    household_teams: Mapping[str, str],
    fields: Sequence[str],
) -> pd.DataFrame:
    members = volunteers[volunteers["team_id"] != ""]
    counted = team_activity(records, members, team_ids, period)
    size = members.groupby("team_id").size().reindex(counted.index, fill_value=0)
    score = members.groupby("team_id")["score"].mean().reindex(counted.index)
    if register is None:
        register = pd.DataFrame({c: pd.Series(dtype=object) for c in ("household_id", *fields)})
    complete = registration_completeness(register, household_teams, team_ids, fields)
    out = pd.concat(
        [counted, complete, size.rename("volunteers"), score.rename("score")], axis=1
    ).reset_index()
    return _rounded(out.loc[:, list(TEAM_REPORT_COLUMNS)])


def _community(
    records: ActivityRecords, volunteers: pd.DataFrame, teams: pd.DataFrame, period: Period
) -> pd.DataFrame:
    """The whole community's row: team sums, doors and shifts counted once."""
    doors = records.doors[period.holds(records.doors["recorded_at"])]
    changes = records.changes[period.holds(records.changes["recorded_at"])]
    patrols = records.patrols[period.holds(records.patrols["start"])]
    patrols = patrols[patrols["done"].astype(bool)].drop_duplicates(["team_id", "start"])
    cases = records.cases
    households = int(teams["households"].sum())
    complete = int(teams["registered_complete"].sum())
    row = {
        "period": period.label,
        "volunteers": len(volunteers),
        "hours": float(volunteers["hours"].sum()),
        "doors": int(doors["household_id"].nunique()),
        "households": households,
        "registered_complete": complete,
        "completeness": complete / households if households else float("nan"),
        "register_changes": int(changes["accepted"].astype(bool).sum()),
        "cases_handled": int(period.holds(cases["handled_at"]).sum()),
        "cases_closed": int(period.holds(cases["closed_at"]).sum()),
        "pair_visits_done": int(volunteers["pair_visits_done"].sum()),
        "pair_visits_due": int(volunteers["pair_visits_due"].sum()),
        "patrols": len(patrols),
        "score": float(volunteers["score"].mean()),
    }
    return _rounded(pd.DataFrame([row], columns=list(COMMUNITY_COLUMNS)))


def monthly(
    roster: pd.DataFrame,
    records: ActivityRecords,
    periods: Sequence[Period],
    *,
    register: pd.DataFrame | None = None,
    household_teams: Mapping[str, str] | None = None,
    weights: EvaluationWeights = EvaluationWeights(),
) -> pd.DataFrame:
    """The volunteers' rows of several periods, one under the other (for trend charts).

    Parameters
    ----------
    roster, records, register, household_teams, weights
        As for ``evaluate``.
    periods : sequence of Period
        E.g. ``routing.evaluation.months("2026-01", "2026-06")``.

    Returns
    -------
    DataFrame
        ``period`` (the label) followed by ``VOLUNTEER_DETAIL_COLUMNS``.
    """
    columns = ["period", *VOLUNTEER_DETAIL_COLUMNS]
    frames = [
        evaluate(
            roster, records, p, register=register, household_teams=household_teams, weights=weights
        ).volunteers.assign(period=p.label)
        for p in periods
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).loc[:, columns]


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Hours to 0.01, scores to 0.1, shares to 0.001: what reports print."""
    out = frame.copy()
    if "hours" in out:
        out["hours"] = out["hours"].astype(float).round(2)
    for column in SCORE_COLUMNS:
        if column in out:
            out[column] = out[column].astype(float).round(1)
    if "completeness" in out:
        out["completeness"] = out["completeness"].astype(float).round(3)
    return out


def _share(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:.0%}"
