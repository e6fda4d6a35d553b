"""The visit job: sessions of stops per team, written as visits.csv, dropped.csv and GPX."""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from routing.errors import InputError
from routing.hours import parse_hhmm
from routing.progress import Progress
from routing.visits import VisitOptions, write_outputs
from web.jobs import JobQueue, register
from web.plans import latest_plan, load_assignment
from web.storage.models import Community
from web.visit_plans import MAX_SESSIONS, plan_community_visits

KIND = "visits"


@dataclass(frozen=True)
class VisitRequest:
    """Teams (empty = every team of the plan), session window and solver time per team."""

    teams: tuple[str, ...] = ()
    start: str = "09:00"
    end: str = "12:00"
    time_limit_s: float = 3.0

    def __post_init__(self) -> None:
        if not all(isinstance(t, str) and 0 < len(t) <= 50 for t in self.teams):
            raise ValueError("team ids must be non-empty text")
        try:
            start, end = parse_hhmm(self.start), parse_hhmm(self.end)
        except (TypeError, ValueError):
            raise ValueError("session start and end must be HH:MM") from None
        if start >= end:
            raise ValueError("the session must end after it starts")
        if not 0 < self.time_limit_s <= 600:
            raise ValueError("time limit must be in (0, 600] s")

    @classmethod
    def parse(cls, values: Any) -> VisitRequest:
        """From form or JSON values (``team`` "" = all teams); raises ValueError on bad ones."""
        team = str(values.get("team", "") or "").strip()
        try:
            return cls(
                teams=(team,) if team else (),
                start=str(values.get("start", "09:00")).strip(),
                end=str(values.get("end", "12:00")).strip(),
                time_limit_s=float(values.get("time_limit_s", 3)),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(str(error)) from None


def plan_teams(session: Session, community: Community) -> list[str]:
    """Teams with households in the published (else latest) territory plan, in plan order."""
    record = latest_plan(session, community, published=True) or latest_plan(session, community)
    if record is None:
        return []
    return list(dict.fromkeys(load_assignment(session, record)["team_id"]))


@register(KIND)
def visit_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan the teams (progress and cancel work between teams) and write the files.

    The result names the files and counts stops; it holds nothing about a household.
    """
    request = VisitRequest(**{**params["request"], "teams": tuple(params["request"]["teams"])})
    teams = list(request.teams) or plan_teams(session, community)
    if not teams:
        raise ValueError("no territory plan: plan the territories first")
    options = VisitOptions(time_limit_s=request.time_limit_s, max_sessions=MAX_SESSIONS)
    try:
        plans = plan_community_visits(
            session, community, teams=teams, window=(request.start, request.end),
            options=options, progress=lambda done, _: progress(done, "planning visits"),
        )  # fmt: skip
    except InputError as error:
        raise ValueError("; ".join(p.message for p in error.problems)) from None
    progress(0.99, "writing files")
    written = write_outputs(plans, Path(params["folder"]))
    return {
        "files": [path.name for path in written],
        "teams": teams,
        "stops": int(sum(len(plan.stops) for plan in plans)),
        "dropped": int(sum(len(plan.dropped) for plan in plans)),
    }


def start(queue: JobQueue, community: Community, request: VisitRequest, root: Path) -> int:
    """Submit a visit job writing into a new folder under ``root``; returns the job id."""
    root.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f"c{community.id}-visits-", dir=root)
    return queue.submit(community.id, KIND, {"request": asdict(request), "folder": folder})
