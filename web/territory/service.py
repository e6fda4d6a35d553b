"""Stored plans as the coordinator sees them: workload balance, bands, what moved, moves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from routing.ids import ID_MAX_LENGTH
from web.plans import load_assignment
from web.storage import frames
from web.storage.models import Community, PinRecord, PlanAssignment, TerritoryPlanRecord


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


def team_ids(session: Session, community: Community, assignment: pd.DataFrame) -> list[str]:
    """The roster's teams and any other team the plan names, in order."""
    teams = set(frames.load_team_ids(session, community)) | set(assignment["team_id"].astype(str))
    return sorted(t for t in teams if t)


def tolerance_of(record: TerritoryPlanRecord) -> float:
    """The tolerance a plan was made with."""
    return float(json.loads(record.options).get("tolerance", 0.05))


def balance(assignment: pd.DataFrame, teams: list[str], tolerance: float) -> Balance:
    """Workload per team and the balance figures of an assignment."""
    per = assignment.groupby("team_id").agg(
        households=("household_id", "size"),
        bands=("building_id", "nunique"),
        workload=("workload", "sum"),
    )
    per = per.reindex(teams, fill_value=0)
    work = per["workload"].to_numpy(dtype=float) / 3600.0
    mean = float(work.mean()) if len(work) else 0.0
    ratio = work / mean if mean > 0 else np.zeros_like(work)
    rows = [
        TeamLoad(t, int(h), int(b), float(w), float(r), bool(abs(r - 1.0) > tolerance + 1e-9))
        for t, h, b, w, r in zip(teams, per["households"], per["bands"], work, ratio, strict=True)
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


def move_band(
    session: Session,
    community: Community,
    record: TerritoryPlanRecord,
    building_id: str,
    from_team: str,
    to_team: str,
) -> TerritoryPlanRecord:
    """Give ``from_team``'s band of a building to ``to_team``, pin it, and store a new draft.

    The band's floors are pinned to ``to_team``, so a re-balance keeps the move and
    balances the rest around it.

    Raises
    ------
    ValueError
        When the plan has no such band, the target team is the same, or it is not a team
        of the community's roster.
    """
    assignment = load_assignment(session, record)
    mask = (assignment["building_id"] == building_id) & (assignment["team_id"] == from_team)
    if not mask.any():
        raise ValueError(f"{from_team} has no band in building {building_id} in this plan")
    if to_team == from_team or not to_team:
        raise ValueError("choose another team to move the band to")
    if to_team not in frames.load_team_ids(session, community):
        raise ValueError(f"to_team {to_team[:ID_MAX_LENGTH]!r} is not a team of the roster")
    floors = assignment.loc[mask, "floor"]
    first, last = int(floors.min()), int(floors.max())
    # A newer move of the same floors wins: earlier pins of them would take precedence.
    for old in session.scalars(
        select(PinRecord).where(
            PinRecord.community_id == community.id,
            PinRecord.building_id == building_id,
            PinRecord.first_floor <= last,
            PinRecord.last_floor >= first,
        )
    ):
        session.delete(old)
    session.add(
        PinRecord(
            community_id=community.id,
            building_id=building_id,
            first_floor=first,
            last_floor=last,
            team_id=to_team,
        )
    )
    assignment.loc[mask, "team_id"] = to_team
    names = building_names(session, community)
    note = (
        f"手动调整: {names.get(building_id, building_id)} {first}–{last}层 {from_team} → {to_team}"
    )
    return _store_edit(session, community, record, assignment, note)


def _store_edit(
    session: Session,
    community: Community,
    parent: TerritoryPlanRecord,
    assignment: pd.DataFrame,
    note: str,
) -> TerritoryPlanRecord:
    teams = team_ids(session, community, assignment)
    figures = balance(assignment, teams, tolerance_of(parent))
    metrics: dict[str, Any] = json.loads(parent.metrics)
    before = load_assignment(session, parent)
    moved = int((before["team_id"].to_numpy() != assignment["team_id"].to_numpy()).sum())
    metrics.update(
        mean_workload_s=figures.mean_h * 3600.0,
        max_over_mean=figures.max_ratio,
        min_over_mean=figures.min_ratio,
        teams_outside_tolerance=figures.outside,
        moved_households=moved,
        solve_time_s=0.0,
    )
    record = TerritoryPlanRecord(
        community_id=community.id,
        parent_id=parent.id,
        options=parent.options,
        metrics=json.dumps(metrics),
        explanations=json.dumps([note], ensure_ascii=False),
        summary=note,
    )
    session.add(record)
    session.flush()
    rows = assignment.rename(columns={"workload": "workload_s"}).assign(plan_id=record.id)
    records: list[dict[str, Any]] = rows.to_dict("records")  # type: ignore[assignment]
    session.execute(insert(PlanAssignment), records)
    session.commit()
    return record


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


def clear_pins(session: Session, community: Community) -> int:
    """Remove the community's pins; returns how many there were."""
    pins = list(session.scalars(select(PinRecord).where(PinRecord.community_id == community.id)))
    for pin in pins:
        session.delete(pin)
    session.commit()
    return len(pins)


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
    teams = team_ids(session, community, assignment)
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
