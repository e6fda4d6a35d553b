"""Territory operations: plan, store, move a band, publish with the team routes, export.

Flask-free: each takes a database session and a validated request, and makes one state
change or one computation. The command line, the jobs, the pages and the API call them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from routing.costs import CostParameters
from routing.ids import ID_MAX_LENGTH
from routing.territories import (
    PlanMetrics,
    Progress,
    TerritoryOptions,
    TerritoryPlan,
    teams_from_volunteers,
)
from routing.territories import (
    plan_territories as solve_territories,
)
from routing.territories.files import (
    CSV_NAME,
    GEOJSON_NAME,
    team_areas,
    territories_csv,
    territories_geojson,
)
from routing.territories.metrics import area_loops, plan_metrics
from web.field.routes import RouteOptions
from web.field.tasks import prepare_routes
from web.field.tasks import start as start_routes
from web.jobs import JobQueue
from web.plans import latest_plan, load_assignment, load_pins
from web.storage import frames
from web.storage.models import Community, PinRecord, PlanAssignment, TerritoryPlanRecord
from web.storage.network import load_matrix
from web.territory.service import building_names, team_ids, tolerance_of

log = logging.getLogger(__name__)
MAX_TIME_LIMIT_S = 600.0


@dataclass(frozen=True)
class PlanRequest:
    """What the coordinator asks for: balance tolerance, time, seed, start afresh or not,
    and (command line) a number of teams T001… instead of the roster's."""

    tolerance: float = 0.05
    time_limit_s: float = 10.0
    seed: int = 0
    fresh: bool = False
    teams: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.time_limit_s <= MAX_TIME_LIMIT_S:
            raise ValueError(f"time limit must be in (0, {MAX_TIME_LIMIT_S:.0f}] s")
        if self.teams is not None and self.teams < 0:
            raise ValueError(f"teams must be a whole number >= 0, got {self.teams!r}")
        # TerritoryOptions checks the rest.
        self.options()

    def options(self) -> TerritoryOptions:
        """The planner's options."""
        return TerritoryOptions(
            tolerance=self.tolerance, time_limit_s=self.time_limit_s, seed=self.seed
        )

    def team_ids(self) -> list[str] | None:
        """``T001``… for a number of teams; None plans for the roster's teams."""
        return None if self.teams is None else [f"T{i:03d}" for i in range(1, self.teams + 1)]

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


@dataclass(frozen=True)
class MoveRequest:
    """Give ``from_team``'s band of building ``building_id`` to ``to_team``."""

    building_id: str
    from_team: str
    to_team: str

    def __post_init__(self) -> None:
        if not self.to_team or self.to_team == self.from_team:
            raise ValueError("choose another team to move the band to")


@dataclass(frozen=True, eq=False)
class Draft:
    """A plan to store: household rows, teams, metrics, options and what it says."""

    assignment: pd.DataFrame  # ASSIGNMENT_COLUMNS
    teams: tuple[str, ...]
    metrics: PlanMetrics
    options: Mapping[str, Any]  # what the planner was asked (TerritoryOptions fields)
    explanations: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Publication:
    """A published plan and how its team routes are made."""

    plan_id: int
    routes_job: int | None = None  # the queued route job
    routes_stored: int = 0  # team routes stored at once
    routes_pruned: int = 0  # stored routes of stale plans deleted at once


def plan_territories(
    session: Session,
    community: Community,
    request: PlanRequest,
    progress: Progress | None = None,
) -> tuple[TerritoryPlan, TerritoryPlanRecord]:
    """Plan the community's territories from what is stored, and store the plan as a draft.

    Re-plans from the newest plan (stability) unless ``request.fresh``; the coordinator's
    pins are kept; the building matrix is the stored one while it is current.
    """
    params = CostParameters()
    buildings = frames.load_buildings(session, community)
    matrix = load_matrix(session, community, params, buildings=buildings)
    households = frames.load_households(session, community)
    roster, homes = teams_from_volunteers(frames.load_volunteers(session, community))
    teams = request.team_ids()
    parent = None if request.fresh else latest_plan(session, community)
    options = request.options()
    plan = solve_territories(
        households,
        buildings,
        teams if teams is not None else roster,
        matrix=matrix,
        params=params,
        options=options,
        previous=_mapping(load_assignment(session, parent)) if parent is not None else None,
        pins=load_pins(session, community),
        homes=homes,
        progress=progress,
    )
    draft = Draft(
        plan.household_assignment(),
        tuple(a.team_id for a in plan.teams),
        plan.metrics,
        dataclasses.asdict(options),
        plan.explanations,
        plan.summary(),
    )
    record = store_plan(session, community, draft, parent)
    note = "" if matrix.method == "network" else f" ({matrix.note})"
    log.info("stored territory plan %s of community %s%s", record.id, community.id, note)
    return plan, record


def store_plan(
    session: Session, community: Community, draft: Draft, parent: TerritoryPlanRecord | None
) -> TerritoryPlanRecord:
    """Store ``draft`` as a new draft plan of ``community`` (coming from ``parent``), commit."""
    record = TerritoryPlanRecord(
        community_id=community.id,
        parent_id=parent.id if parent is not None else None,
        options=json.dumps({**draft.options, "teams": list(draft.teams)}, ensure_ascii=False),
        metrics=json.dumps(dataclasses.asdict(draft.metrics)),
        explanations=json.dumps(list(draft.explanations), ensure_ascii=False),
        summary=draft.summary,
    )
    session.add(record)
    session.flush()
    rows = draft.assignment.rename(columns={"workload": "workload_s"})
    rows = rows.astype({"floor": int, "workload_s": float}).assign(plan_id=record.id)
    if len(rows):
        records: list[dict[str, Any]] = rows.to_dict("records")  # type: ignore[assignment]
        session.execute(insert(PlanAssignment), records)
    session.commit()
    return record


def measure(
    session: Session,
    community: Community,
    parent: TerritoryPlanRecord,
    assignment: pd.DataFrame,
    teams: list[str],
) -> PlanMetrics:
    """The metrics of ``assignment``, an edit of ``parent``, as the planner computes them
    (``routing.territories.metrics``): balance within the parent's tolerance, each team's
    loop over the community's matrix, pieces, and the households moved since ``parent``."""
    buildings = frames.load_buildings(session, community)
    loops = area_loops(assignment, teams, buildings, load_matrix(session, community))
    previous = _mapping(load_assignment(session, parent))
    return plan_metrics(assignment, teams, loops, tolerance_of(parent), previous=previous)


def move_band(
    session: Session, community: Community, record: TerritoryPlanRecord, request: MoveRequest
) -> TerritoryPlanRecord:
    """Give a team's band of a building to another team, pin it, and store a new draft.

    The band's floors are pinned to the new team, so a re-balance keeps the move and
    balances the rest around it. The draft's metrics are computed afresh.

    Raises
    ------
    ValueError
        When the plan has no such band or the target is not a team of the roster.
    """
    assignment = load_assignment(session, record)
    building, to_team = request.building_id, request.to_team
    mask = (assignment["building_id"] == building) & (assignment["team_id"] == request.from_team)
    if not mask.any():
        raise ValueError(f"{request.from_team} has no band in building {building} in this plan")
    if to_team not in frames.load_team_ids(session, community):
        raise ValueError(f"to_team {to_team[:ID_MAX_LENGTH]!r} is not a team of the roster")
    floors = assignment.loc[mask, "floor"]
    first, last = int(floors.min()), int(floors.max())
    edited = assignment.copy()
    edited.loc[mask, "team_id"] = to_team
    teams = team_ids(session, community, record, assignment)
    teams += [] if to_team in teams else [to_team]  # a roster team the plan was not made for
    # Measured before anything changes: a matrix computed on the way is committed alone.
    metrics = measure(session, community, record, edited, teams)
    _pin(session, community, building, first, last, to_team)
    name = building_names(session, community).get(building, building)
    note = f"手动调整: {name} {first}–{last}层 {request.from_team} → {to_team}"
    draft = Draft(edited, tuple(teams), metrics, _options(record), (note,), note)
    return store_plan(session, community, draft, record)


def _pin(
    session: Session, community: Community, building: str, first: int, last: int, team: str
) -> None:
    # A newer move of the same floors wins: earlier pins of them would take precedence.
    for old in session.scalars(
        select(PinRecord).where(
            PinRecord.community_id == community.id,
            PinRecord.building_id == building,
            PinRecord.first_floor <= last,
            PinRecord.last_floor >= first,
        )
    ):
        session.delete(old)
    session.add(
        PinRecord(
            community_id=community.id,
            building_id=building,
            first_floor=first,
            last_floor=last,
            team_id=team,
        )
    )


def publish_plan(
    session: Session,
    community: Community,
    record: TerritoryPlanRecord,
    routes: RouteOptions | None,
    *,
    queue: JobQueue | None = None,
    progress: Progress | None = None,
) -> Publication:
    """Publish ``record`` (the teams' current areas) and have every team's route made.

    Parameters
    ----------
    routes : RouteOptions or None
        How the team routes are computed; None leaves each to the phone that first opens
        its link.
    queue : JobQueue, optional
        Queue the route job here (pages, API); without one the routes are stored now
        (command line, demo).
    progress : callable(fraction, message), optional
        Called before each team when the routes are stored now.
    """
    record.published_at = datetime.now(UTC)
    session.commit()
    if routes is None:
        return Publication(record.id)
    if queue is not None:
        return Publication(record.id, routes_job=start_routes(queue, community, routes))
    done = prepare_routes(session, community, routes, progress)
    return Publication(record.id, routes_stored=done["computed"], routes_pruned=done["pruned"])


def clear_pins(session: Session, community: Community) -> int:
    """Remove the community's pins; returns how many there were."""
    pins = list(session.scalars(select(PinRecord).where(PinRecord.community_id == community.id)))
    for pin in pins:
        session.delete(pin)
    session.commit()
    return len(pins)


def territory_files(
    session: Session, community: Community, record: TerritoryPlanRecord
) -> tuple[str, str]:
    """``territories.csv`` and ``territories.geojson`` of a stored plan, as the command
    line writes them (``routing.territories.files``)."""
    assignment = load_assignment(session, record)
    teams = team_ids(session, community, record, assignment)
    buildings = frames.load_buildings(session, community)
    loops = area_loops(assignment, teams, buildings, load_matrix(session, community))
    areas = team_areas(buildings, assignment, teams, loops)
    return territories_csv(assignment), territories_geojson(areas)


def write_territories(
    session: Session, community: Community, record: TerritoryPlanRecord, out_dir: Path
) -> tuple[Path, Path]:
    """Write ``territories.csv`` and ``territories.geojson`` of a stored plan into
    ``out_dir`` (the files the plan page downloads, without the CSV's BOM)."""
    csv, geojson = territory_files(session, community, record)
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, geojson_path = out_dir / CSV_NAME, out_dir / GEOJSON_NAME
    csv_path.write_text(csv, encoding="utf-8")
    geojson_path.write_text(geojson, encoding="utf-8")
    return csv_path, geojson_path


def _mapping(assignment: pd.DataFrame) -> dict[str, str]:
    """household_id → team_id of a stored plan."""
    households, teams = assignment["household_id"].astype(str), assignment["team_id"].astype(str)
    return dict(zip(households, teams, strict=True))


def _options(record: TerritoryPlanRecord) -> dict[str, Any]:
    options: dict[str, Any] = json.loads(record.options)
    return options
