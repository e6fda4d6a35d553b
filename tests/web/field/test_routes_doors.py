"""The phone route's sweep places a building without entrance at its door, not its centroid."""

from __future__ import annotations

import shapely

from tests.routing.test_doors import u_and_square
from web.field.routes import _entrances


def test_a_concave_building_without_entrance_is_placed_inside_its_footprint() -> None:
    buildings = u_and_square()
    places = _entrances(buildings).set_index("building_id")
    footprint = buildings.geometry.iat[0]
    door = shapely.Point(places.loc["U", ["lon", "lat"]].to_numpy(dtype=float))
    assert footprint.contains(door)
    assert not footprint.contains(footprint.centroid)  # where the old fallback put it
