"""A building's door: the entrance, else a point inside the footprint, in every caller."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from routing.costs import CostParameters, building_matrix
from routing.doors import door_points
from routing.network import straight_line_matrix
from routing.schema import WGS84
from routing.territories.units import building_points
from routing.visits import VisitOptions
from routing.visits.build import Site

UTM = "EPSG:32635"  # Helsinki's zone
X0, Y0 = 385_000.0, 6_672_000.0


def courtyard() -> shapely.Polygon:
    """A U-shaped block 60 × 40 m open to the north: its centroid (30, 18.3) lies in the
    courtyard (x 20..40, y 10..40), outside the footprint."""
    u = [(0, 0), (60, 0), (60, 40), (40, 40), (40, 10), (20, 10), (20, 40), (0, 40)]
    return shapely.Polygon([(X0 + x, Y0 + y) for x, y in u])


def u_and_square() -> gpd.GeoDataFrame:
    """U (no entrance) and a 20 m square 200 m east whose entrance is on its south side."""
    square = shapely.box(X0 + 200, Y0, X0 + 220, Y0 + 20)
    door = gpd.GeoSeries([shapely.Point(X0 + 210, Y0)], crs=UTM).to_crs(WGS84)
    footprints = gpd.GeoSeries([courtyard(), square], crs=UTM).to_crs(WGS84)
    return gpd.GeoDataFrame(
        {
            "building_id": ["U", "S"],
            "name": ["", ""],
            "levels": [6, 6],
            "has_lift": [False, False],
            "entrance_lon": [np.nan, door.x.iat[0]],
            "entrance_lat": [np.nan, door.y.iat[0]],
        },
        geometry=footprints.to_numpy(),
        crs=WGS84,
    )


def test_the_fixture_centroid_lies_outside_the_footprint() -> None:
    u = courtyard()
    assert not u.contains(u.centroid)


def test_a_concave_footprint_without_entrance_gets_its_representative_point() -> None:
    buildings = u_and_square()
    doors = door_points(buildings)
    footprint = buildings.geometry.iat[0]
    door = shapely.Point(doors.loc["U", ["lon", "lat"]].to_numpy(dtype=float))
    assert footprint.contains(door)
    assert door.distance(footprint.representative_point()) < 1e-9
    assert list(doors.index) == ["U", "S"]


def test_a_known_entrance_is_the_door() -> None:
    buildings = u_and_square()
    doors = door_points(buildings)
    assert doors.loc["S", "lon"] == buildings["entrance_lon"].iat[1]
    assert doors.loc["S", "lat"] == buildings["entrance_lat"].iat[1]


def test_the_straight_line_matrix_starts_inside_the_footprint() -> None:
    buildings = u_and_square()
    inner = buildings.geometry.iat[0].representative_point()
    params = CostParameters()
    matrix = building_matrix(buildings, None, params)
    expected = straight_line_matrix(
        [inner.x],
        [inner.y],
        buildings["entrance_lon"].iloc[1:],
        buildings["entrance_lat"].iloc[1:],
        params.detour_factor,
        params.speed,
    )
    assert matrix.distance_m[0, 1] == expected.distance_m[0, 0]


def test_the_territory_planner_measures_from_inside_the_footprint() -> None:
    buildings = u_and_square()
    points = building_points(buildings)
    crs = buildings.estimate_utm_crs()
    back = gpd.GeoSeries(gpd.points_from_xy(points["x"], points["y"]), crs=crs)
    footprint = buildings.to_crs(crs).geometry.iat[0]
    assert footprint.contains(back.iat[0])


def test_visit_routes_start_at_the_door_inside_the_footprint() -> None:
    buildings = u_and_square()
    households = pd.DataFrame(
        {"household_id": ["h1", "h2"], "building_id": ["U", "S"], "floor": [2, 3], "unit": "1"}
    )
    site = Site.build(households, buildings, None, None, VisitOptions())
    door = shapely.Point(site.doors.loc["U", ["lon", "lat"]].to_numpy(dtype=float))
    assert buildings.geometry.iat[0].contains(door)
