"""Inputs of the territory tests and independent checks computed from the assignment alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.costs import BuildingMatrix, CostParameters, HouseholdCosts
from routing.territories import (
    ASSIGNMENT_COLUMNS,
    TerritoryOptions,
    TerritoryPlan,
    plan_territories,
)


@dataclass(frozen=True, eq=False)
class Community:
    """Everything ``plan_territories`` takes, for one community."""

    buildings: gpd.GeoDataFrame
    households: pd.DataFrame
    matrix: BuildingMatrix
    params: CostParameters
    teams: list[str]
    homes: dict[str, list[str]] | None

    def plan(
        self,
        options: TerritoryOptions,
        *,
        households: pd.DataFrame | None = None,
        teams: list[str] | None = None,
        **kwargs: Any,
    ) -> TerritoryPlan:
        """``plan_territories`` of these households and teams (default all), homes known;
        ``kwargs`` as ``plan_territories`` takes them (pins, previous, progress)."""
        return plan_territories(
            self.households if households is None else households,
            self.buildings,
            self.teams if teams is None else teams,
            matrix=self.matrix,
            params=self.params,
            options=options,
            homes=self.homes,
            **kwargs,
        )

    def workload(self) -> np.ndarray:
        costs = HouseholdCosts(self.households, self.buildings, self.matrix, self.params)
        return costs.workload_s()


def team_loads(plan: TerritoryPlan) -> pd.Series:
    """Workload per team summed from the household assignment (every team, 0 if empty)."""
    a = plan.household_assignment()
    loads = a[a["team_id"] != ""].groupby("team_id")["workload"].sum()
    return loads.reindex([t.team_id for t in plan.teams], fill_value=0.0)


def assert_balanced(plan: TerritoryPlan, tolerance: float) -> None:
    """Every team's workload within ±tolerance of the mean, from the assignment alone."""
    loads = team_loads(plan)
    deviation = (loads / loads.mean() - 1).abs()
    assert deviation.max() <= tolerance + 1e-9, deviation.sort_values().tail(3)


def assert_one_band_per_building(plan: TerritoryPlan) -> None:
    """For each team and building, no other team has a floor strictly inside its range."""
    a = plan.household_assignment()
    a = a[a["team_id"] != ""]
    for building, rows in a.groupby("building_id"):
        for team, own in rows.groupby("team_id"):
            low, high = own["floor"].min(), own["floor"].max()
            others = rows[(rows["team_id"] != team)]
            inside = others[(others["floor"] > low) & (others["floor"] < high)]
            assert inside.empty, f"{team} in {building}: floors {low}-{high} hold {inside}"


def assert_assignment_shape(plan: TerritoryPlan, households: pd.DataFrame) -> None:
    """One row per household, in input order, with exactly the CSV columns."""
    a = plan.household_assignment()
    assert list(a.columns) == list(ASSIGNMENT_COLUMNS)
    assert a["household_id"].tolist() == households["household_id"].astype(str).tolist()
