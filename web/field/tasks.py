"""The team-route job: after a publish, every team's route is stored before a phone asks."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.progress import Progress
from web.field.routes import RouteOptions, compute_all, prune
from web.jobs import JobLimitError, JobQueue, register
from web.plans import PUBLICATION_ORDER, latest_plan
from web.storage.models import Community, TerritoryPlanRecord

KIND = "field_routes"
log = logging.getLogger(__name__)


def route_options(config: Mapping[str, Any]) -> RouteOptions:
    """The team-route solver and time limit of an app config, as the phone pages read them.

    Parameters
    ----------
    config : mapping
        ``FIELD_ROUTE_SOLVER`` (default "visits"), ``FIELD_ROUTE_TIME_LIMIT_S`` (default 2).
    """
    return RouteOptions(
        config.get("FIELD_ROUTE_SOLVER", "visits"),
        float(config.get("FIELD_ROUTE_TIME_LIMIT_S", 2.0)),
    )


def plans_to_keep(session: Session, community: Community) -> list[int]:
    """Plans whose stored routes stay: the published, the newest, and the one published
    before the current (by publication time): phones that opened it may still send
    records for its stops."""
    published = latest_plan(session, community, published=True)
    newest = latest_plan(session, community)
    keep = {p.id for p in (published, newest) if p is not None}
    if published is not None:
        previous = session.scalar(
            select(TerritoryPlanRecord.id)
            .where(
                TerritoryPlanRecord.community_id == community.id,
                TerritoryPlanRecord.published_at.is_not(None),
                TerritoryPlanRecord.id != published.id,
            )
            .order_by(*PUBLICATION_ORDER)
            .limit(1)
        )
        keep |= {previous} if previous is not None else set()
    return sorted(keep)


def prepare_routes(
    session: Session,
    community: Community,
    options: RouteOptions,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Store every team's route of the published plan, then prune the routes of stale plans.

    Parameters
    ----------
    options : RouteOptions
        Solver and time limit per team.
    progress : callable(fraction, message), optional
        Called before each team.

    Returns
    -------
    dict
        ``plan_id``, ``solver``, ``computed`` (routes stored now) and ``pruned`` (routes
        of other plans deleted); nothing about a household.
    """
    plan = latest_plan(session, community, published=True)
    if plan is None:
        raise ValueError("no published plan: publish a territory plan first")
    computed = compute_all(session, community, plan, options, progress=progress)
    pruned = prune(session, community, plans_to_keep(session, community))
    return {"plan_id": plan.id, "solver": options.solver, "computed": computed, "pruned": pruned}


@register(KIND)
def field_routes_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """The job: routes of the plan phones open now (a later publish may have replaced the
    one that queued the job), progress and cancel between teams."""
    options = RouteOptions(str(params["solver"]), float(params["time_limit_s"]))
    return prepare_routes(session, community, options, progress)


def start(queue: JobQueue, community: Community, options: RouteOptions) -> int | None:
    """Submit a team-route job for the community's published plan; returns the job id.

    None when the community has as many jobs as it may: the publish stands, and each
    phone computes its team's route when it first opens (``routes.ensure``).
    """
    params = {"solver": options.solver, "time_limit_s": options.time_limit_s}
    try:
        return queue.submit(community.id, KIND, params)
    except JobLimitError as error:
        log.warning("team routes not queued after a publish: %s", error)
        return None
