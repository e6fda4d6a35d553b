"""Stored plans as the coordinator sees them: workload balance, bands, what moved, history."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from routing.territories.metrics import outside_tolerance, team_table
from web.plans import load_assignment
from web.storage import frames
from web.storage.models import Community, TerritoryPlanRecord


@dataclass(frozen=True)
class TeamLoad:
    """One row of the workload table."""

    team_id: str
    households: int
    bands: int
    workload_h: float
    ratio: float  # workload / mean workload
    outside: bool  # beyond the plan's tolerance


@dataclass(frozen=True)
class Balance:
    """The workload table and its balance figures."""

    rows: list[TeamLoad]
    mean_h: float
    max_ratio: float
    min_ratio: float
    spread: float  # coefficient of variation of the workloads
    tolerance: float

    @property
    def outside(self) -> int:
        return sum(r.outside for r in self.rows)


@dataclass(frozen=True)
class BandRow:
    """A team's floors in one building."""

    team_id: str
    building_id: str
    name: str
    first_floor: int
    last_floor: int
    households: int
    workload_h: float


@dataclass(frozen=True)
class Change:
    """Households of one building that changed team between two plans."""

    building_id: str
    name: str
    first_floor: int
    last_floor: int
    households: int
    before: str
    after: str


def building_names(session: Session, community: Community) -> dict[str, str]:
    """building_id → display name (the id when the building has no name)."""
    frame = frames.load_buildings(session, community)
    return {b: n or b for b, n in zip(frame["building_id"], frame["name"], strict=True)}


def team_ids(
    session: Session, community: Community, record: TerritoryPlanRecord, assignment: pd.DataFrame
) -> list[str]:
    """The teams a plan was made for, in its order, then any other team its rows name; for a
    plan stored without them, the roster's teams and any other team the plan names."""
    stored = json.loads(record.options).get("teams")
    if stored is not None:
        planned = [str(t) for t in stored]
        named = set(assignment["team_id"].astype(str)) - set(planned)
        return planned + sorted(t for t in named if t)
    teams = set(frames.load_team_ids(session, community)) | set(assignment["team_id"].astype(str))
    return sorted(t for t in teams if t)


def tolerance_of(record: TerritoryPlanRecord) -> float:
    """The tolerance a plan was made with."""
    return float(json.loads(record.options).get("tolerance", 0.05))


def balance(assignment: pd.DataFrame, teams: list[str], tolerance: float) -> Balance:
    """Workload per team and the balance figures of an assignment, as the plan's metrics
    count them (``routing.territories.metrics``)."""
    per = team_table(assignment, teams)
    seconds = per["workload_s"].to_numpy()
    outside = outside_tolerance(seconds, tolerance)
    work = seconds / 3600.0
    mean = float(work.mean()) if len(work) else 0.0
    ratio = work / mean if mean > 0 else np.zeros_like(work)
    rows = [
        TeamLoad(t, int(h), int(b), float(w), float(r), bool(o))
        for t, h, b, w, r, o in zip(
            teams, per["households"], per["pieces"], work, ratio, outside, strict=True
        )
    ]
    spread = float(work.std() / mean) if mean > 0 else 0.0
    return Balance(
        rows,
        mean,
        float(ratio.max()) if len(ratio) else 0.0,
        float(ratio.min()) if len(ratio) else 0.0,
        spread,
        tolerance,
    )


def bands(assignment: pd.DataFrame, names: dict[str, str]) -> list[BandRow]:
    """Every (team, building) band of an assignment, by team then building name."""
    if assignment.empty:
        return []
    grouped = (
        assignment.groupby(["team_id", "building_id"])
        .agg(
            first=("floor", "min"),
            last=("floor", "max"),
            households=("household_id", "size"),
            workload=("workload", "sum"),
        )
        .reset_index()
    )
    rows = [
        BandRow(
            str(r["team_id"]),
            str(r["building_id"]),
            names.get(str(r["building_id"]), str(r["building_id"])),
            int(r["first"]),
            int(r["last"]),
            int(r["households"]),
            float(r["workload"]) / 3600.0,
        )
        for r in grouped.to_dict("records")
    ]
    return sorted(rows, key=lambda b: (b.team_id, b.name, b.first_floor))


def changes(before: pd.DataFrame, after: pd.DataFrame, names: dict[str, str]) -> list[Change]:
    """What moved from ``before`` to ``after``: households grouped by building and teams."""
    both = after.merge(
        before[["household_id", "team_id"]], on="household_id", suffixes=("", "_before")
    )
    moved = both[both["team_id"] != both["team_id_before"]]
    if moved.empty:
        return []
    grouped = (
        moved.groupby(["building_id", "team_id_before", "team_id"])["floor"]
        .agg(["min", "max", "size"])
        .reset_index()
    )
    out = [
        Change(
            str(r["building_id"]),
            names.get(str(r["building_id"]), str(r["building_id"])),
            int(r["min"]),
            int(r["max"]),
            int(r["size"]),
            str(r["team_id_before"]),
            str(r["team_id"]),
        )
        for r in grouped.to_dict("records")
    ]
    return sorted(out, key=lambda c: (-c.households, c.name))


def history(session: Session, community: Community) -> list[TerritoryPlanRecord]:
    """The community's plans, newest first."""
    return list(
        session.scalars(
            select(TerritoryPlanRecord)
            .where(TerritoryPlanRecord.community_id == community.id)
            .order_by(TerritoryPlanRecord.id.desc())
        )
    )


def plan_of(session: Session, community: Community, plan_id: int) -> TerritoryPlanRecord | None:
    """Plan ``plan_id`` if it belongs to ``community``."""
    record = session.get(TerritoryPlanRecord, plan_id)
    return record if record is not None and record.community_id == community.id else None


@dataclass(frozen=True)
class PlanView:
    """Everything the plan page and the API show of one stored plan."""

    record: TerritoryPlanRecord
    teams: list[str]
    balance: Balance
    bands: list[BandRow]
    changes: list[Change] | None  # None for a plan without a parent
    explanations: list[str]


def plan_view(session: Session, community: Community, record: TerritoryPlanRecord) -> PlanView:
    """The plan's workload table, bands, and what moved since the plan it came from."""
    assignment = load_assignment(session, record)
    names = building_names(session, community)
    teams = team_ids(session, community, record, assignment)
    parent = session.get(TerritoryPlanRecord, record.parent_id) if record.parent_id else None
    moved = changes(load_assignment(session, parent), assignment, names) if parent else None
    return PlanView(
        record,
        teams,
        balance(assignment, teams, tolerance_of(record)),
        bands(assignment, names),
        moved,
        list(json.loads(record.explanations or "[]")),
    )
