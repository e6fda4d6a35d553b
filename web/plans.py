"""Stored territory plans read back: the newest or current plan, its households, the pins.

Storing, moving and publishing are operations (``web.territory.operations``)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.territories import ASSIGNMENT_COLUMNS, Pin
from web.storage.models import Community, PinRecord, PlanAssignment, TerritoryPlanRecord

# The current plan is the one published last, not the newest one published: every query
# for "the published plan" orders by this.
PUBLICATION_ORDER = (TerritoryPlanRecord.published_at.desc(), TerritoryPlanRecord.id.desc())


def latest_plan(
    session: Session, community: Community, *, published: bool = False
) -> TerritoryPlanRecord | None:
    """The community's newest plan, or with ``published`` the plan published last (the
    teams' current areas: publishing an older plan again makes it current)."""
    query = select(TerritoryPlanRecord).where(TerritoryPlanRecord.community_id == community.id)
    if published:
        query = query.where(TerritoryPlanRecord.published_at.is_not(None)).order_by(
            *PUBLICATION_ORDER
        )
    return session.scalar(query.order_by(TerritoryPlanRecord.id.desc()).limit(1))


def load_assignment(session: Session, plan: TerritoryPlanRecord) -> pd.DataFrame:
    """household_id, team_id, building_id, floor, workload (s) of a stored plan."""
    rows = session.execute(
        select(
            PlanAssignment.household_id,
            PlanAssignment.team_id,
            PlanAssignment.building_id,
            PlanAssignment.floor,
            PlanAssignment.workload_s,
        )
        .where(PlanAssignment.plan_id == plan.id)
        .order_by(PlanAssignment.id)
    ).all()
    return pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))


def load_pins(session: Session, community: Community) -> list[Pin]:
    """The coordinator's pins of the community."""
    rows = session.scalars(
        select(PinRecord).where(PinRecord.community_id == community.id).order_by(PinRecord.id)
    )
    return [Pin(r.building_id, r.first_floor, r.last_floor, r.team_id) for r in rows]
