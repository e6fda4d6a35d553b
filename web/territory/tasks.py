"""The territory job: plan a stored community in the background and store the draft."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from routing.progress import Progress
from routing.territories import TerritoryOptions
from web.jobs import JobQueue, register
from web.plans import plan_community
from web.storage.models import Community

KIND = "territories"
MAX_TIME_LIMIT_S = 600.0


@dataclass(frozen=True)
class PlanRequest:
    """What the coordinator asks for: balance tolerance, time, seed, start afresh or not."""

    tolerance: float = 0.05
    time_limit_s: float = 10.0
    seed: int = 0
    fresh: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.time_limit_s <= MAX_TIME_LIMIT_S:
            raise ValueError(f"time limit must be in (0, {MAX_TIME_LIMIT_S:.0f}] s")
        # TerritoryOptions checks the rest.
        self.options()

    def options(self) -> TerritoryOptions:
        """The planner's options."""
        return TerritoryOptions(
            tolerance=self.tolerance, time_limit_s=self.time_limit_s, seed=self.seed
        )

    @classmethod
    def parse(cls, values: Any, default_time_s: float) -> PlanRequest:
        """From form or JSON values (strings or numbers); raises ValueError on bad ones."""
        try:
            return cls(
                tolerance=float(values.get("tolerance_pct", 5)) / 100.0,
                time_limit_s=float(values.get("time_limit_s") or default_time_s),
                seed=int(values.get("seed", 0) or 0),
                fresh=str(values.get("fresh", "")).lower() in ("1", "true", "on", "yes"),
            )
        except (TypeError, ValueError) as error:
            raise ValueError(str(error)) from None


@register(KIND)
def plan_task(
    session: Session, community: Community, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    """Plan, store the draft and return its id."""
    request = PlanRequest(**params)
    plan, record = plan_community(
        session, community, options=request.options(), fresh=request.fresh, progress=progress
    )
    return {"plan_id": record.id, "headline": plan.summary().splitlines()[0]}


def start(queue: JobQueue, community: Community, request: PlanRequest) -> int:
    """Submit a territory job for ``community``; returns the job id at once."""
    params = {
        "tolerance": request.tolerance,
        "time_limit_s": request.time_limit_s,
        "seed": request.seed,
        "fresh": request.fresh,
    }
    return queue.submit(community.id, KIND, params)
