"""Territory plans of a stored community: compute, store with history, publish, export."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from routing.costs import CostParameters, building_matrix
from routing.network import WalkingNetwork
from routing.spreadsheet import formula_safe
from routing.territories import (
    ASSIGNMENT_COLUMNS,
    Pin,
    Progress,
    TerritoryOptions,
    TerritoryPlan,
    plan_territories,
    teams_from_volunteers,
)
from web.storage import frames
from web.storage.models import Community, PinRecord, PlanAssignment, TerritoryPlanRecord

log = logging.getLogger(__name__)
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


def plan_community(
    session: Session,
    community: Community,
    *,
    teams: list[str] | None = None,
    options: TerritoryOptions | None = None,
    fresh: bool = False,
    progress: Progress | None = None,
) -> tuple[TerritoryPlan, TerritoryPlanRecord]:
    """Plan the community's territories from what is stored, and store the plan.

    Parameters
    ----------
    teams : list of str, optional
        Team ids; default the teams of the stored roster.
    options : TerritoryOptions, optional
        Tolerance, time limit, seed.
    fresh : bool
        Ignore the latest plan instead of re-planning from it (stability).
    progress : callable(fraction, message), optional
        Called as the solve advances.

    Returns
    -------
    (TerritoryPlan, TerritoryPlanRecord)
        The plan and its stored draft (not yet published).
    """
    options = options or TerritoryOptions()
    buildings = frames.load_buildings(session, community)
    households = frames.load_households(session, community)
    roster_teams, homes = teams_from_volunteers(frames.load_volunteers(session, community))
    edges = frames.load_network_edges(session, community)
    network = WalkingNetwork.from_edges(edges) if edges is not None else None
    params = CostParameters()
    matrix = building_matrix(buildings, network, params)
    previous_record = None if fresh else latest_plan(session, community)
    previous: dict[str, str] | None = None
    if previous_record is not None:
        before = load_assignment(session, previous_record)
        previous = {
            str(h): str(t) for h, t in zip(before["household_id"], before["team_id"], strict=True)
        }
    plan = plan_territories(
        households,
        buildings,
        teams if teams is not None else roster_teams,
        matrix=matrix,
        params=params,
        options=options,
        previous=previous,
        pins=load_pins(session, community),
        homes=homes,
        progress=progress,
    )
    record = save_plan(session, community, plan, options, parent=previous_record)
    explanation = "" if matrix.method == "network" else f" ({matrix.note})"
    log.info("stored territory plan %s of community %s%s", record.id, community.id, explanation)
    return plan, record


def save_plan(
    session: Session,
    community: Community,
    plan: TerritoryPlan,
    options: TerritoryOptions,
    *,
    parent: TerritoryPlanRecord | None = None,
) -> TerritoryPlanRecord:
    """Store ``plan`` as a new draft and commit."""
    record = TerritoryPlanRecord(
        community_id=community.id,
        parent_id=parent.id if parent is not None else None,
        options=json.dumps(dataclasses.asdict(options)),
        metrics=json.dumps(dataclasses.asdict(plan.metrics)),
        explanations=json.dumps(list(plan.explanations), ensure_ascii=False),
        summary=plan.summary(),
    )
    session.add(record)
    session.flush()
    rows = plan.household_assignment().rename(columns={"workload": "workload_s"})
    rows = rows.astype({"floor": int, "workload_s": float}).assign(plan_id=record.id)
    if len(rows):
        records: list[dict[str, Any]] = rows.to_dict("records")  # type: ignore[assignment]
        session.execute(insert(PlanAssignment), records)
    session.commit()
    return record


def publish(session: Session, record: TerritoryPlanRecord) -> None:
    """Mark a plan as published (the teams' current areas)."""
    record.published_at = datetime.now(UTC)
    session.commit()


def write_outputs(plan: TerritoryPlan, buildings: pd.DataFrame, out_dir: Path) -> tuple[Path, Path]:
    """Write ``territories.csv`` (one row per household, formula-safe) and ``territories.geojson``.

    Returns
    -------
    (Path, Path)
        The CSV and the GeoJSON written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, geojson_path = out_dir / "territories.csv", out_dir / "territories.geojson"
    formula_safe(plan.household_assignment()).to_csv(csv_path, index=False)
    # Teams without households keep their feature, with a null geometry.
    areas = plan.team_areas(buildings)
    areas.to_file(geojson_path, driver="GeoJSON", engine="pyogrio")
    return csv_path, geojson_path
