"""The territory plan: each team's floor bands, plan metrics, and the office's summary."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from routing.schema import WGS84

ASSIGNMENT_COLUMNS = ("household_id", "team_id", "building_id", "floor", "workload")


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


@dataclass(frozen=True)
class PlanMetrics:
    """Balance, compactness and stability figures of a plan."""

    teams: int
    households: int
    mean_workload_s: float
    max_over_mean: float
    min_over_mean: float
    tolerance: float
    teams_outside_tolerance: int
    mean_loop_m: float
    max_loop_m: float
    pieces_per_team: float
    max_pieces: int
    split_bands: int  # (team, building) pairs whose floors are not one band; 0 by design
    moved_households: int
    kept_share: float | None  # of households in both registers, the share keeping its team
    solve_time_s: float


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
        """One feature per team: the union of its buildings' footprints (WGS84).

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
        frame = buildings.to_crs(WGS84) if buildings.crs is not None else buildings
        shape = pd.Series(frame.geometry.to_numpy(), index=frame["building_id"].astype(str))
        geoms = []
        for area in self.teams:
            ids = [b.building_id for b in area.bands]
            parts = shape.reindex(ids).dropna().to_numpy()
            geoms.append(shapely.union_all(parts) if len(parts) else None)
        return gpd.GeoDataFrame(
            {
                "team_id": [a.team_id for a in self.teams],
                "workload_s": [a.workload_s for a in self.teams],
                "households": [a.households for a in self.teams],
                "loop_m": [a.loop_m for a in self.teams],
                "pieces": [a.pieces for a in self.teams],
            },
            geometry=gpd.GeoSeries(geoms, crs=WGS84),
            crs=WGS84,
        )


def split_bands(assignment: pd.DataFrame) -> int:
    """(team, building) pairs whose floors are not one band, from the assignment alone.

    A pair fails when another team has a household on a floor strictly inside the
    team's floor range there (neighbouring bands may share an end floor).

    Parameters
    ----------
    assignment : DataFrame
        ``household_assignment()`` rows (team_id may be empty for unassigned).

    Returns
    -------
    int
        Number of failing (team, building) pairs.
    """
    a = assignment[assignment["team_id"].astype(str) != ""]
    if a.empty:
        return 0
    span = a.groupby(["building_id", "team_id"])["floor"].agg(["min", "max"]).reset_index()
    pairs = span.merge(
        a[["building_id", "team_id", "floor"]].rename(columns={"team_id": "other"}),
        on="building_id",
    )
    inside = (
        (pairs["other"] != pairs["team_id"])
        & (pairs["floor"] > pairs["min"])
        & (pairs["floor"] < pairs["max"])
    )
    return int(pairs.loc[inside, ["building_id", "team_id"]].drop_duplicates().shape[0])


def _floor(floor: int) -> str:
    return f"{floor}层" if floor > 0 else f"地下{-floor}层"


def empty_metrics(teams: int, households: int, tolerance: float, seconds: float) -> PlanMetrics:
    """Metrics of a plan that assigns nothing."""
    return PlanMetrics(
        teams, households, 0.0, 0.0, 0.0, tolerance, 0, 0.0, 0.0, 0.0, 0, 0, 0, None, seconds
    )


__all__ = [
    "ASSIGNMENT_COLUMNS",
    "Band",
    "PlanMetrics",
    "TeamArea",
    "TerritoryPlan",
    "empty_metrics",
    "split_bands",
]
