"""The territory job: plan a stored community in the background and store the draft."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from routing.territories import Progress
from web.jobs import JobQueue, register
from web.storage.models import Community
from web.territory.operations import PlanRequest, plan_territories

KIND = "territories"


@register(KIND)
def plan_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan, store the draft and return its id."""
    plan, record = plan_territories(session, community, PlanRequest(**params), progress)
    return {"plan_id": record.id, "headline": plan.summary().splitlines()[0]}


def start(queue: JobQueue, community: Community, request: PlanRequest) -> int:
    """Submit a territory job for ``community``; returns the job id at once."""
    return queue.submit(community.id, KIND, asdict(request))
