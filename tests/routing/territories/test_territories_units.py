"""The planner's walking distances where the matrix has none: crow-fly × the detour factor."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from routing.costs import CostParameters
from routing.network import TravelMatrix
from routing.territories import TerritoryOptions, plan_territories
from tests.routing.territories.support import Community

TOWERS = ["1座", "2座"]


def _plan_loop_m(towers: Community, detour_factor: float) -> float:
    """One team's loop through two towers whose walk the matrix does not hold."""
    households = towers.households[towers.households["building_id"].isin(TOWERS)]
    unknown = np.full((2, 2), np.nan)
    matrix = TravelMatrix(unknown, np.zeros((2, 2)), "network", "", np.array(TOWERS, dtype=object))
    plan = plan_territories(
        households.reset_index(drop=True),
        towers.buildings,
        ["A"],
        matrix=matrix,
        params=CostParameters(detour_factor=detour_factor),
        options=TerritoryOptions(time_limit_s=1.0),
    )
    return plan.teams[0].loop_m


def test_the_cost_parameters_detour_factor_makes_the_fallback_distances(
    towers: Community,
) -> None:
    chosen = towers.buildings[towers.buildings["building_id"].isin(TOWERS)]
    doors = gpd.GeoSeries(
        gpd.points_from_xy(chosen["entrance_lon"], chosen["entrance_lat"]), crs=chosen.crs
    ).to_crs(chosen.estimate_utm_crs())
    crow_m = float(doors.iat[0].distance(doors.iat[1]))
    # There and back between the two doors: 2 × crow-fly × factor.
    assert _plan_loop_m(towers, 1.3) == pytest.approx(2 * crow_m * 1.3, rel=1e-6)
    assert _plan_loop_m(towers, 2.6) == pytest.approx(2 * crow_m * 2.6, rel=1e-6)
