"""Visit operations: the request every adapter validates alike, and planning the visits.

The command line (``redvest plan-visits``), the visit page, the API and the visit job
build one ``VisitRequest`` (from flags, a form or JSON) and call ``plan_community_visits``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from sqlalchemy.orm import Session

from routing.costs import HouseholdCosts
from routing.errors import InputError, Problem
from routing.visits import Progress, VisitOptions, VisitPlan, plan_visits, write_outputs
from web.checks import clock, optional_whole, seconds, whole
from web.plans import latest_plan, load_assignment
from web.storage import frames
from web.storage.models import Community
from web.storage.network import load_walking

log = logging.getLogger(__name__)

# A team's whole area rarely fits one morning: split it into at most this many sessions.
MAX_SESSIONS: Final = 12
MAX_TIME_LIMIT_S: Final = 600.0  # per team
MAX_TEAM_ID: Final = 64
MAX_SEED: Final = 2**31 - 1


@dataclass(frozen=True)
class VisitRequest:
    """Which teams to plan, the session's hours and the solver's budget per team.

    Attributes
    ----------
    teams : tuple of str
        Only these teams; empty = every team of the plan.
    start, end : str
        The session's start and end, ``HH:MM``; the area is split into the fewest sessions.
    time_limit_s : float
        Seconds per team, in (0, 600].
    seed : int
        Seed of the search.
    max_solutions : int or None
        Each search stops after this many solutions (repeatable plans); None = the clock.
    """

    teams: tuple[str, ...] = ()
    start: str = "09:00"
    end: str = "12:00"
    time_limit_s: float = 3.0
    seed: int = 0
    max_solutions: int | None = None

    def __post_init__(self) -> None:
        if not all(isinstance(t, str) and 0 < len(t) <= MAX_TEAM_ID for t in self.teams):
            raise ValueError(f"team ids must be text of 1..{MAX_TEAM_ID} characters")
        if clock(self.start, "session start") != self.start:
            raise ValueError(f"session start must be a time HH:MM, got {self.start!r}")
        if clock(self.end, "session end") != self.end:
            raise ValueError(f"session end must be a time HH:MM, got {self.end!r}")
        if self.end <= self.start:
            raise ValueError(
                f"session end must be after session start, got {self.start}-{self.end}"
            )
        seconds(self.time_limit_s, "time limit", MAX_TIME_LIMIT_S)
        whole(self.seed, "seed", 0, MAX_SEED)
        optional_whole(self.max_solutions, "solutions", 1, 10**9)

    @classmethod
    def parse(cls, values: Any) -> VisitRequest:
        """The request a page's form or the API's JSON asks for.

        Parameters
        ----------
        values : mapping
            ``team`` ("" = every team), ``start``, ``end``, ``time_limit_s``, ``seed``.

        Raises
        ------
        ValueError
            The message ``VisitRequest`` gives for the same value from the command line.
        """
        team = values.get("team", "") or ""
        team = team.strip() if isinstance(team, str) else team
        return cls(
            teams=(team,) if team else (),
            start=clock(values.get("start", "09:00"), "session start"),
            end=clock(values.get("end", "12:00"), "session end"),
            time_limit_s=seconds(values.get("time_limit_s", 3), "time limit", MAX_TIME_LIMIT_S),
            seed=whole(values.get("seed", 0), "seed", 0, MAX_SEED),
        )

    @classmethod
    def from_params(cls, values: dict[str, Any]) -> VisitRequest:
        """The request a job stored with ``dataclasses.asdict``."""
        return cls(**{**values, "teams": tuple(values.get("teams", ()))})

    def to_params(self) -> dict[str, Any]:
        """The request as JSON values, for a job's parameters."""
        return asdict(self) | {"teams": list(self.teams)}

    @property
    def options(self) -> VisitOptions:
        """The visit planner's options for this request."""
        return VisitOptions(
            time_limit_s=self.time_limit_s,
            seed=self.seed,
            max_sessions=MAX_SESSIONS,
            max_solutions=self.max_solutions,
        )


def plan_teams(session: Session, community: Community) -> list[str]:
    """Teams with households in the published (else latest) territory plan, in plan order."""
    record = latest_plan(session, community, published=True) or latest_plan(session, community)
    if record is None:
        return []
    return list(dict.fromkeys(load_assignment(session, record)["team_id"]))


def check_teams(session: Session, community: Community, request: VisitRequest) -> None:
    """Refuse a request naming a team without households in the plan (before a job).

    Raises
    ------
    ValueError
        ``team(s) X9 have no households in the territory plan``.
    """
    unknown = [t for t in request.teams if t not in plan_teams(session, community)]
    if unknown:
        raise ValueError(_unknown_teams(unknown))


def _unknown_teams(teams: list[str]) -> str:
    return f"team(s) {', '.join(teams)} have no households in the territory plan"


def plan_community_visits(
    session: Session,
    community: Community,
    request: VisitRequest,
    out_dir: Path | None = None,
    *,
    progress: Progress | None = None,
) -> tuple[list[VisitPlan], list[Path]]:
    """Plan each team's visits over its area in the published (else latest) plan.

    Parameters
    ----------
    session : Session
        Database session.
    community : Community
        The stored community.
    request : VisitRequest
        Teams, session hours, budget.
    out_dir : Path, optional
        Where to write ``visits.csv``, ``dropped.csv`` and the GPX files; None = nowhere.
    progress : callable(fraction, message), optional
        Called before each team (a job's progress; it may raise to cancel).

    Returns
    -------
    (list of VisitPlan, list of Path)
        One plan per team, and the files written.

    Raises
    ------
    InputError
        No territory plan yet, or a team that is not in it.
    """
    record = latest_plan(session, community, published=True) or latest_plan(session, community)
    if record is None:
        raise InputError(
            [Problem("database", None, None, "no territory plan: run plan-territories first")]
        )
    assignment = load_assignment(session, record)
    known = list(dict.fromkeys(assignment["team_id"]))
    wanted = list(request.teams) or known
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise InputError([Problem("database", None, "team", _unknown_teams(unknown))])
    options = request.options
    buildings = frames.load_buildings(session, community)
    households = frames.load_households(session, community)
    walking = load_walking(session, community, options.costs, buildings=buildings)
    network, matrix = walking.network, walking.matrix
    costs = HouseholdCosts(households, buildings, matrix, options.costs)
    team_of = dict(zip(assignment["household_id"], assignment["team_id"], strict=True))
    households = households.assign(team_id=households["household_id"].map(team_of))
    plans = []
    for done, team in enumerate(wanted):
        if progress is not None:
            progress(done / len(wanted), f"team {team}")
        mine = households[households["team_id"] == team].drop(columns="team_id")
        plans.append(
            plan_visits(
                mine,
                buildings,
                costs=costs,
                network=network,
                session=(request.start, request.end),
                options=options,
                team_id=team,
            )
        )
    log.info("planned visits of %d team(s) of community %s", len(plans), community.id)
    if progress is not None:
        progress(0.99, "writing files")
    return plans, (write_outputs(plans, out_dir) if out_dir is not None else [])
