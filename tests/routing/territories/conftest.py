"""Shared inputs of the territory tests: the Helsinki demo community and the synthetic towers."""

from __future__ import annotations

import pandas as pd
import pytest

from routing.costs import BuildingMatrix, CostParameters, building_matrix
from routing.network import WalkingNetwork
from routing.sources import OsmExtract
from routing.synthetic import synthetic_community
from routing.territories import (
    TerritoryOptions,
    TerritoryPlan,
    teams_from_volunteers,
)
from tests.routing.territories.support import Community


@pytest.fixture(scope="session")
def helsinki(
    helsinki_extract: OsmExtract,
    helsinki_matrix: BuildingMatrix,
    demo_households: pd.DataFrame,
    demo_volunteers: pd.DataFrame,
) -> Community:
    """The demo community: 483 real buildings, ~4,500 households, 100 teams of three."""
    teams, homes = teams_from_volunteers(demo_volunteers)
    buildings = helsinki_extract.buildings
    params = CostParameters()
    return Community(buildings, demo_households, helsinki_matrix, params, teams, homes)


@pytest.fixture(scope="session")
def helsinki_plan(helsinki: Community) -> TerritoryPlan:
    """A fresh plan of the demo community (the work a 2 s run is allowed, under any load)."""
    return helsinki.plan(TerritoryOptions(time_limit_s=120.0, max_work=0.5))


@pytest.fixture(scope="session")
def towers() -> Community:
    """The synthetic estate: 40 towers of 18–33 floors, 10,170 households, 100 teams."""
    estate = synthetic_community()
    params = CostParameters()
    matrix = building_matrix(estate.buildings, WalkingNetwork.from_lines(estate.paths), params)
    teams = [f"T{i:03d}" for i in range(1, 101)]
    return Community(estate.buildings, estate.households, matrix, params, teams, None)
