"""Shared inputs of the territory tests: the Helsinki demo community and the synthetic towers."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.costs import CostParameters, building_matrix
from routing.network import WalkingNetwork
from routing.sources import read_households, read_osm, read_volunteers
from routing.synthetic import synthetic_community
from routing.territories import (
    TerritoryOptions,
    TerritoryPlan,
    plan_territories,
    teams_from_volunteers,
)
from tests.routing.territories.support import Community

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


@pytest.fixture(scope="session")
def helsinki(helsinki_pbf: Path) -> Community:
    """The demo community: 483 real buildings, ~4,500 households, 100 teams of three."""
    osm = read_osm(helsinki_pbf)
    households = read_households(DEMO / "households.csv", osm.buildings)
    volunteers = read_volunteers(DEMO / "volunteers.csv", osm.buildings)
    params = CostParameters()
    matrix = building_matrix(osm.buildings, WalkingNetwork.from_edges(osm.walk_edges), params)
    teams, homes = teams_from_volunteers(volunteers)
    return Community(osm.buildings, households, matrix, params, teams, homes)


@pytest.fixture(scope="session")
def helsinki_plan(helsinki: Community) -> TerritoryPlan:
    """A fresh plan of the demo community (the work a 2 s run is allowed, under any load)."""
    return plan_territories(
        helsinki.households,
        helsinki.buildings,
        helsinki.teams,
        matrix=helsinki.matrix,
        params=helsinki.params,
        options=TerritoryOptions(time_limit_s=120.0, max_work=0.5),
        homes=helsinki.homes,
    )


@pytest.fixture(scope="session")
def towers() -> Community:
    """The synthetic estate: 40 towers of 18–33 floors, 10,170 households, 100 teams."""
    estate = synthetic_community()
    params = CostParameters()
    matrix = building_matrix(estate.buildings, WalkingNetwork.from_lines(estate.paths), params)
    teams = [f"T{i:03d}" for i in range(1, 101)]
    return Community(estate.buildings, estate.households, matrix, params, teams, None)
