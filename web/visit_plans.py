"""Visit routes for the teams of a stored community, from its territory plan."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy.orm import Session

from routing.costs import HouseholdCosts
from routing.errors import InputError, Problem
from routing.visits import Progress, VisitOptions, VisitPlan, plan_visits
from web.plans import latest_plan, load_assignment
from web.storage import frames
from web.storage.models import Community
from web.storage.network import load_walking

log = logging.getLogger(__name__)

# A team's whole area rarely fits one morning: split it into at most this many sessions.
MAX_SESSIONS = 12


def plan_community_visits(
    session: Session,
    community: Community,
    *,
    teams: Sequence[str] | None = None,
    window: tuple[str, str] = ("09:00", "12:00"),
    options: VisitOptions | None = None,
    progress: Progress | None = None,
) -> list[VisitPlan]:
    """Plan each team's visits over its area in the published (else latest) plan.

    Parameters
    ----------
    teams : sequence of str, optional
        Only these teams; default every team of the plan.
    window : (str, str)
        Session start and end, "HH:MM"; the area is split into the fewest sessions.
    options : VisitOptions, optional
        Time limit (per team), seed; ``max_sessions`` defaults to ``MAX_SESSIONS``.
    progress : callable(fraction, message), optional
        Called before each team (a job's progress; it may raise to cancel).

    Raises
    ------
    InputError
        No territory plan yet, or a team that is not in it.
    """
    options = options or VisitOptions(max_sessions=MAX_SESSIONS)
    record = latest_plan(session, community, published=True) or latest_plan(session, community)
    if record is None:
        raise InputError(
            [Problem("database", None, None, "no territory plan: run plan-territories first")]
        )
    assignment = load_assignment(session, record)
    known = list(dict.fromkeys(assignment["team_id"]))
    wanted = list(teams) if teams is not None else known
    unknown = [t for t in wanted if t not in known]
    if unknown:
        message = f"team(s) {', '.join(unknown)} have no households in plan {record.id}"
        raise InputError([Problem("database", None, "team", message)])
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
                session=window,
                options=options,
                team_id=team,
            )
        )
    log.info("planned visits of %d team(s) of community %s", len(plans), community.id)
    return plans
