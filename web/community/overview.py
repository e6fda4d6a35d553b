"""What the community page shows, computed from the stored frames (no personal fields)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from routing.schema import HARDSHIP_TAGS
from web.plans import latest_plan, load_assignment
from web.storage import frames
from web.storage.models import Community, TerritoryPlanRecord, VisitRecord
from web.territory.service import Balance, balance, team_ids, tolerance_of

# Rows per page of each list: the page stays a screen or two tall however large the community.
PAGE_SIZE = 25
# Longer search text is cut: ids and names are far shorter.
MAX_QUERY = 100

T = TypeVar("T")


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
class Page(Generic[T]):
    """One page of a list: its rows, where it is, and how many rows matched."""

    rows: list[T]
    number: int  # 1-based, within 1..pages
    pages: int  # at least 1, also when nothing matched
    total: int  # rows matching the search, on every page

    @property
    def first(self) -> int:
        """1-based position of the page's first row (0 when the list is empty)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based position of the page's last row."""
        return self.first + len(self.rows) - 1 if self.rows else 0


@dataclass(frozen=True)
class PlanFigures:
    """The plan the map shows and its balance."""

    record: TerritoryPlanRecord
    published: bool
    balance: Balance


@dataclass(frozen=True)
class Figures:
    """The headline numbers of the community."""

    buildings: int
    households: int
    residents: int
    hardship: int
    volunteers: int
    teams: int
    walk_edges: int
    visits: int  # visit records from the team phones
    visited: int  # households with at least one "visited" record


@dataclass(frozen=True)
class Overview:
    """Counts, the shown plan and one page of each table of one community."""

    community: Community
    counts: dict[str, int]
    figures: Figures
    plan: PlanFigures | None
    query: str
    buildings: Page[BuildingRow]
    teams: Page[TeamRow]
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


def clean_query(text: str | None) -> str:
    """The search text as matched: trimmed and cut to ``MAX_QUERY`` characters."""
    return (text or "").strip()[:MAX_QUERY]


def search_buildings(rows: Sequence[BuildingRow], query: str) -> list[BuildingRow]:
    """Buildings whose id or name contains ``query`` (case-insensitive); all when empty."""
    needle = query.casefold()
    return [r for r in rows if needle in r.building_id.casefold() or needle in r.name.casefold()]


def search_teams(rows: Sequence[TeamRow], query: str) -> list[TeamRow]:
    """Teams whose id or one of whose home buildings contains ``query``; all when empty."""
    needle = query.casefold()
    return [r for r in rows if needle in r.team_id.casefold() or needle in r.homes.casefold()]


def paginate(rows: Sequence[T], number: int) -> Page[T]:
    """Page ``number`` of ``rows``, ``PAGE_SIZE`` rows a page; out-of-range numbers are
    moved to the first or last page."""
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    number = min(max(1, number), pages)
    start = (number - 1) * PAGE_SIZE
    return Page(list(rows[start : start + PAGE_SIZE]), number, pages, len(rows))


def shown_plan(session: Session, community: Community) -> TerritoryPlanRecord | None:
    """The plan the overview shows: the published one, else the newest draft."""
    return latest_plan(session, community, published=True) or latest_plan(session, community)


def _plan_figures(session: Session, community: Community) -> PlanFigures | None:
    record = shown_plan(session, community)
    if record is None:
        return None
    assignment = load_assignment(session, record)
    teams = team_ids(session, community, record, assignment)
    return PlanFigures(
        record,
        record.published_at is not None,
        balance(assignment, teams, tolerance_of(record)),
    )


def _visits(session: Session, community: Community) -> tuple[int, int]:
    mine = VisitRecord.community_id == community.id
    records = session.scalar(select(func.count()).select_from(VisitRecord).where(mine)) or 0
    visited = session.scalar(
        select(func.count(distinct(VisitRecord.household_id))).where(
            mine, VisitRecord.status == "visited"
        )
    )
    return records, visited or 0


def overview(
    session: Session,
    community: Community,
    *,
    query: str = "",
    building_page: int = 1,
    team_page: int = 1,
) -> Overview:
    """Everything the community page shows.

    Parameters
    ----------
    query : str
        Search text: buildings by id or name, teams by id or home building.
    building_page, team_page : int
        1-based page of each list; moved into range.
    """
    buildings = frames.load_buildings(session, community)
    households = frames.load_households(session, community)
    volunteers = frames.load_volunteers(session, community)
    names = {b: n or b for b, n in zip(buildings["building_id"], buildings["name"], strict=True)}
    rows = building_rows(buildings, households)
    counts = frames.counts(session, community)
    visits, visited = _visits(session, community)
    figures = Figures(
        buildings=counts["buildings"],
        households=counts["households"],
        residents=sum(r.residents for r in rows),
        hardship=sum(r.hardship for r in rows),
        volunteers=counts["volunteers"],
        teams=counts["teams"],
        walk_edges=counts["walk_edges"],
        visits=visits,
        visited=visited,
    )
    query = clean_query(query)
    return Overview(
        community=community,
        counts=counts,
        figures=figures,
        plan=_plan_figures(session, community),
        query=query,
        buildings=paginate(search_buildings(rows, query), building_page),
        teams=paginate(search_teams(team_rows(volunteers, names), query), team_page),
        unassigned_volunteers=int((volunteers["team_id"] == "").sum()),
    )


def floor_breakdown(households: pd.DataFrame, building_id: str) -> list[tuple[int, list[str]]]:
    """Units per floor of one building, top floor first (for the building page)."""
    mine = households[households["building_id"] == building_id]
    out = []
    for floor, units in mine.groupby("floor")["unit"]:
        out.append((int(str(floor)), sorted(units.astype(str))))
    return sorted(out, reverse=True)
