"""The service list (服务清单): one row per case, how good it is, and a summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from routing.cases.urgency import Urgency
from routing.matching.candidates import objective_m
from routing.matching.columns import ASSIGNMENT_COLUMNS, ASSIGNMENT_EXTRA_COLUMNS
from routing.matching.explain import REASON_CODES
from routing.matching.instance import FIRST, OTHER, Instance, IntArray
from routing.matching.options import MatchOptions

LOAD_COLUMNS = ("volunteer_id", "team_id", "open_before", "assigned", "open_after")
_FIT_NAMES = {FIRST: "first", OTHER: "other"}


@dataclass(frozen=True)
class MatchMetrics:
    """How good a service list is.

    Attributes
    ----------
    cases, assigned : int
        Cases given and cases assigned.
    by_urgency : tuple of (str, int, int)
        Per urgency, most urgent first: name, assigned, cases.
    reasons : tuple of (str, int)
        Per reason code of the cases left out, in ``REASON_CODES`` order (only those seen).
    total_distance_m, mean_distance_m : float
        Walking metres from the volunteers' homes over assigned cases (known distances).
    unknown_distance : int
        Assigned cases whose volunteer lives outside the community (no distance).
    objective_m : float
        The weighted cost the matcher minimises, in metres (``candidates.objective_m``):
        walking plus team, skill and load penalties of the assigned cases.
    skill_fit : float
        Share of assigned cases served with the category's first skill (or needing none).
    own_team : float
        Share of assigned cases that have an own team and went to it (NaN if none have).
    largest_load : int
        Most open cases one volunteer holds after the match (including those held before).
    volunteers_used : int
        Volunteers given at least one case.
    method : str
        ``min-cost flow`` or ``greedy``.
    rounds : int
        Flow solves (each widening of candidates is one more).
    solve_s, elapsed_s : float
        Seconds in the solver, and for the whole call.
    note : str
        Anything the coordinator should know (time limit reached, fallback used), or "".
    """

    cases: int
    assigned: int
    by_urgency: tuple[tuple[str, int, int], ...]
    reasons: tuple[tuple[str, int], ...]
    total_distance_m: float
    mean_distance_m: float
    unknown_distance: int
    objective_m: float
    skill_fit: float
    own_team: float
    largest_load: int
    volunteers_used: int
    method: str
    rounds: int
    solve_s: float
    elapsed_s: float
    note: str = ""

    @property
    def unassigned(self) -> int:
        """Cases left out."""
        return self.cases - self.assigned


@dataclass(frozen=True, eq=False)
class MatchResult:
    """The service list and its metrics.

    ``assignments`` has ``ASSIGNMENT_COLUMNS`` then ``ASSIGNMENT_EXTRA_COLUMNS``, one row
    per case in the order given; ``loads`` has ``LOAD_COLUMNS``, one row per volunteer.
    """

    assignments: pd.DataFrame
    loads: pd.DataFrame
    metrics: MatchMetrics

    def summary(self) -> str:
        """A few lines for logs and the CLI."""
        m = self.metrics
        tiers = ", ".join(f"{name} {a}/{n}" for name, a, n in m.by_urgency)
        left = ", ".join(f"{code} {count}" for code, count in m.reasons) or "none"
        own = "n/a" if np.isnan(m.own_team) else f"{m.own_team:.1%}"
        lines = [
            f"{m.assigned:,} of {m.cases:,} cases assigned ({tiers}); left out: {left}",
            f"walking {m.total_distance_m / 1000:,.1f} km in all, {m.mean_distance_m:.0f} m "
            f"a case ({m.unknown_distance} from outside), objective {m.objective_m:,.0f} m; "
            f"first-choice skill {m.skill_fit:.1%}, "
            f"own team {own}; largest load {m.largest_load}, {m.volunteers_used} volunteers",
            f"{m.method}, {m.rounds} round(s), solve {m.solve_s:.2f} s, total {m.elapsed_s:.2f} s",
        ]
        if m.note:
            lines.append(m.note)
        return "\n".join(lines)


def build_result(
    instance: Instance,
    options: MatchOptions,
    assigned: IntArray,
    reasons: tuple[list[str], list[str]],
    *,
    method: str,
    rounds: int,
    solve_s: float,
    elapsed_s: float,
    note: str = "",
) -> MatchResult:
    """The result frames and metrics of an assignment.

    Parameters
    ----------
    instance : Instance
        The problem.
    options : MatchOptions
        The weights of the objective.
    assigned : ndarray of int
        Volunteer row per case, -1 when left out.
    reasons : (list of str, list of str)
        Reason codes and messages per case (``explain.explain``).
    method, rounds, solve_s, elapsed_s, note
        As in ``MatchMetrics``.

    Returns
    -------
    MatchResult
        The service list.
    """
    codes, messages = reasons
    given = assigned >= 0
    walk = np.full(instance.n_cases, np.nan)
    home = np.full(instance.n_cases, -1)
    home[given] = instance.home_row[assigned[given]]
    known = given & (home >= 0)
    walk[known] = instance.distance[home[known], instance.building_row[known]]
    walk[~np.isfinite(walk)] = np.nan
    team_names = np.array(["", *instance.team_names], dtype=object)
    vol_team = team_names[np.maximum(instance.volunteer_team, -1) + 1]
    case_team = team_names[instance.case_team + 1]
    level = np.full(instance.n_cases, -1)
    vol_ids = np.full(instance.n_cases, "", dtype=object)
    vol_teams = np.full(instance.n_cases, "", dtype=object)
    if instance.n_volunteers:
        level[given] = instance.skill_level[instance.category_row[given], assigned[given]]
        vol_ids[given] = instance.volunteer_ids[assigned[given]]
        vol_teams[given] = vol_team[assigned[given]]
    fit = [_FIT_NAMES.get(int(x), "none") if g else "" for x, g in zip(level, given, strict=True)]
    frame = pd.DataFrame(
        {
            "case_id": instance.case_ids,
            "category": instance.category,
            "household_id": instance.household,
            "building_id": instance.building,
            "volunteer_id": vol_ids,
            "team_id": vol_teams,
            "distance_m": walk,
            "reason": messages,
            "urgency": [Urgency(int(u)).name.lower() for u in instance.urgency],
            "household_team": case_team,
            "skill_fit": fit,
            "reason_code": codes,
        },
        columns=[*ASSIGNMENT_COLUMNS, *ASSIGNMENT_EXTRA_COLUMNS],
    )
    count = np.bincount(assigned[given], minlength=instance.n_volunteers)
    loads = pd.DataFrame(
        {
            "volunteer_id": instance.volunteer_ids,
            "team_id": vol_team,
            "open_before": instance.load,
            "assigned": count,
            "open_after": instance.load + count,
        },
        columns=list(LOAD_COLUMNS),
    )
    metrics = _metrics(instance, frame, loads, codes)
    metrics["objective_m"] = objective_m(instance, options, assigned)
    run = MatchMetrics(
        **metrics, method=method, rounds=rounds, solve_s=solve_s, elapsed_s=elapsed_s, note=note
    )
    return MatchResult(frame, loads, run)


def _metrics(
    instance: Instance, frame: pd.DataFrame, loads: pd.DataFrame, codes: list[str]
) -> dict[str, Any]:
    """The counts, distances and shares of ``MatchMetrics`` (all but the run's own)."""
    given = (frame["volunteer_id"] != "").to_numpy()
    walk = frame.loc[given, "distance_m"]
    owned = given & (frame["household_team"] != "").to_numpy()
    own = frame.loc[owned, "team_id"] == frame.loc[owned, "household_team"]
    fit = frame.loc[given, "skill_fit"] == "first"
    urgency = instance.urgency
    return {
        "cases": instance.n_cases,
        "assigned": int(given.sum()),
        "by_urgency": tuple(
            (u.name.lower(), int((given & (urgency == u)).sum()), int((urgency == u).sum()))
            for u in sorted(Urgency, reverse=True)
            if (urgency == u).any()
        ),
        "reasons": tuple((c, codes.count(c)) for c in REASON_CODES if c in codes),
        "total_distance_m": float(walk.sum()),
        "mean_distance_m": float(walk.mean()) if walk.notna().any() else 0.0,
        "unknown_distance": int(walk.isna().sum()),
        "skill_fit": float(fit.mean()) if len(fit) else 1.0,
        "own_team": float(own.mean()) if len(own) else float("nan"),
        "largest_load": int(loads["open_after"].max()) if len(loads) else 0,
        "volunteers_used": int((loads["assigned"] > 0).sum()),
    }
