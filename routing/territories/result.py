"""The territory plan: each team's floor bands, plan metrics, and the office's summary."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from routing.territories.files import team_areas
from routing.territories.metrics import ASSIGNMENT_COLUMNS, PlanMetrics


@dataclass(frozen=True)
class Band:
    """Floors ``first_floor``..``last_floor`` of one building, all or part of a team's area.

    Two neighbouring bands may share their end floor when that floor's flats are split.
    """

    building_id: str
    name: str
    first_floor: int
    last_floor: int
    households: int
    workload_s: float

    def label(self) -> str:
        """As the office writes it: ``3座 24–27层 (16户)``."""
        floors = _floor(self.first_floor)
        if self.last_floor != self.first_floor:
            floors = f"{floors[:-1]}–{_floor(self.last_floor)}"
        return f"{self.name} {floors} ({self.households}户)"


@dataclass(frozen=True)
class TeamArea:
    """One team's area of responsibility."""

    team_id: str
    bands: tuple[Band, ...]
    workload_s: float
    households: int
    loop_m: float  # closed walk through the area's buildings
    home_m: float | None  # members' mean walk from home to the farthest band; None if unknown

    @property
    def pieces(self) -> int:
        return len(self.bands)

    def line(self) -> str:
        """``T017: 3座 24–27层 (16户), 5座 1–6层 (24户) · 工作量 5.1 h · 步行环线 420 m``."""
        bands = ", ".join(b.label() for b in self.bands) or "（无）"
        return (
            f"{self.team_id}: {bands} · 工作量 {self.workload_s / 3600:.1f} h"
            f" · 步行环线 {self.loop_m:,.0f} m"
        )


@dataclass(frozen=True, eq=False)
class TerritoryPlan:
    """Areas of responsibility per team, with metrics and explanations.

    ``teams`` follows the order of the team list given to the planner.
    ``explanations`` says, in plain words, what could not be done and why.
    """

    teams: tuple[TeamArea, ...]
    metrics: PlanMetrics
    explanations: tuple[str, ...]
    assignment: pd.DataFrame  # ASSIGNMENT_COLUMNS, one row per household

    def household_assignment(self) -> pd.DataFrame:
        """Team of every household: household_id, team_id, building_id, floor, workload (s)."""
        return self.assignment.loc[:, list(ASSIGNMENT_COLUMNS)].copy()

    def mapping(self) -> dict[str, str]:
        """household_id → team_id, e.g. as ``previous`` of the next re-plan."""
        a = self.assignment
        return dict(zip(a["household_id"], a["team_id"], strict=True))

    def team(self, team_id: str) -> TeamArea:
        """The area of ``team_id``."""
        for area in self.teams:
            if area.team_id == team_id:
                return area
        raise KeyError(team_id)

    def summary(self) -> str:
        """The plan as the office writes it: a header with the balance, one line per team."""
        m = self.metrics
        head = (
            f"包干到户: {m.teams}队 · {m.households:,}户 · 平均工作量"
            f" {m.mean_workload_s / 3600:.1f} h · 最高/平均 {m.max_over_mean:.3f}"
            f" · 最低/平均 {m.min_over_mean:.3f} (容差 ±{m.tolerance:.0%})"
            f" · 步行环线 平均 {m.mean_loop_m:,.0f} m, 最长 {m.max_loop_m:,.0f} m"
            f" · 每队 {m.pieces_per_team:.1f} 片 · 调整 {m.moved_households:,}户"
            f" · 用时 {m.solve_time_s:.1f} s"
        )
        lines = [head, *(area.line() for area in self.teams)]
        lines += [f"说明: {text}" for text in self.explanations]
        return "\n".join(lines)

    def team_areas(self, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """One feature per team (``routing.territories.files.team_areas``), WGS84.

        Parameters
        ----------
        buildings : GeoDataFrame
            The buildings frame the plan was made for.

        Returns
        -------
        GeoDataFrame
            team_id, workload_s, households, loop_m, pieces, geometry (None for a team
            without households), in EPSG:4326.
        """
        teams = [a.team_id for a in self.teams]
        loops = [a.loop_m for a in self.teams]
        return team_areas(buildings, self.assignment, teams, loops)


def _floor(floor: int) -> str:
    return f"{floor}层" if floor > 0 else f"地下{-floor}层"


__all__ = [
    "ASSIGNMENT_COLUMNS",
    "Band",
    "PlanMetrics",
    "TeamArea",
    "TerritoryPlan",
]
