"""What the community page shows, computed from the stored frames (no personal fields)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from routing.schema import HARDSHIP_TAGS
from web import store
from web.models import Community


@dataclass(frozen=True)
class BuildingRow:
    """One line of the buildings table."""

    building_id: str
    name: str
    building_type: str
    levels: int
    levels_source: str
    has_lift: bool
    households: int
    residents: int
    hardship: int


@dataclass(frozen=True)
class TeamRow:
    """One line of the teams table."""

    team_id: str
    members: int
    homes: str
    skills: str


@dataclass(frozen=True)
class Overview:
    """Counts and tables of one community."""

    community: Community
    counts: dict[str, int]
    buildings: list[BuildingRow]
    teams: list[TeamRow]
    unassigned_volunteers: int


def _is_hardship(tags: str) -> bool:
    return any(tag in HARDSHIP_TAGS for tag in tags.split(";") if tag)


def building_rows(buildings: pd.DataFrame, households: pd.DataFrame) -> list[BuildingRow]:
    """Buildings with their household, resident and hardship counts, most households first."""
    if buildings.empty:
        return []
    per = households.assign(
        hardship=households["tags"].map(_is_hardship).astype(bool),
        building_id=households["building_id"].astype(str),
    ).groupby("building_id")
    stats = pd.DataFrame(
        {
            "households": per.size(),
            "residents": per["residents"].sum(min_count=1),
            "hardship": per["hardship"].sum(),
        }
    )
    table = buildings.drop(columns="geometry").merge(
        stats, left_on="building_id", right_index=True, how="left"
    )
    table[["households", "residents", "hardship"]] = (
        table[["households", "residents", "hardship"]].fillna(0).astype(int)
    )
    table = table.sort_values(["households", "building_id"], ascending=[False, True])
    return [
        BuildingRow(
            building_id=str(r["building_id"]),
            name=str(r["name"]),
            building_type=str(r["building_type"]),
            levels=int(r["levels"]),
            levels_source=str(r["levels_source"]),
            has_lift=bool(r["has_lift"]),
            households=int(r["households"]),
            residents=int(r["residents"]),
            hardship=int(r["hardship"]),
        )
        for r in table.to_dict("records")
    ]


def team_rows(volunteers: pd.DataFrame, names: dict[str, str]) -> list[TeamRow]:
    """Teams with their size, home buildings and skills (no names or phones)."""
    rows = []
    for team_id, members in volunteers[volunteers["team_id"] != ""].groupby("team_id"):
        homes = sorted({names.get(h, h) for h in members["home_building"] if h})
        skills = sorted({s for cell in members["skills"] for s in cell.split(";") if s})
        rows.append(TeamRow(str(team_id), len(members), "、".join(homes), "、".join(skills)))
    return rows


def overview(session: Session, community: Community) -> Overview:
    """Everything the community page shows."""
    buildings = store.load_buildings(session, community)
    households = store.load_households(session, community)
    volunteers = store.load_volunteers(session, community)
    names = {b: n or b for b, n in zip(buildings["building_id"], buildings["name"], strict=True)}
    return Overview(
        community=community,
        counts=store.counts(session, community),
        buildings=building_rows(buildings, households),
        teams=team_rows(volunteers, names),
        unassigned_volunteers=int((volunteers["team_id"] == "").sum()),
    )


def floor_breakdown(households: pd.DataFrame, building_id: str) -> list[tuple[int, list[str]]]:
    """Units per floor of one building, top floor first (for the building page)."""
    mine = households[households["building_id"] == building_id]
    out = []
    for floor, units in mine.groupby("floor")["unit"]:
        out.append((int(str(floor)), sorted(units.astype(str))))
    return sorted(out, reverse=True)
