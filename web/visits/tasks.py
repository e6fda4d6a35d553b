"""The visit job: sessions of stops per team, written as visits.csv, dropped.csv and GPX."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from routing.territories import Progress
from web.jobs import JobQueue, register
from web.storage.models import Community
from web.visits.operations import VisitRequest, plan_community_visits

KIND = "visits"


@register(KIND)
def visit_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan the teams (progress and cancel work between teams) and write the files.

    The result names the files and counts stops; it holds nothing about a household.
    Input problems (no plan, an unknown team) fail the job with their records.
    """
    request = VisitRequest.from_params(params["request"])
    plans, written = plan_community_visits(
        session, community, request, Path(params["folder"]), progress=progress
    )
    return {
        "files": [path.name for path in written],
        "teams": [plan.team_id for plan in plans],
        "stops": int(sum(len(plan.stops) for plan in plans)),
        "dropped": int(sum(len(plan.dropped) for plan in plans)),
    }


def start(queue: JobQueue, community: Community, request: VisitRequest, root: Path) -> int:
    """Submit a visit job writing into a new folder under ``root``; returns the job id."""
    root.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f"c{community.id}-visits-", dir=root)
    return queue.submit(community.id, KIND, {"request": request.to_params(), "folder": folder})
