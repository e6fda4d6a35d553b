"""The band GPX puts a building without entrance at its door inside the footprint."""

from __future__ import annotations

import re

import pandas as pd
import shapely

from tests.routing.test_doors import u_and_square
from web.territory.exports import bands_gpx


def test_a_band_waypoint_of_a_concave_building_lies_inside_it() -> None:
    buildings = u_and_square()
    assignment = pd.DataFrame(
        {"household_id": ["h1"], "team_id": ["T1"], "building_id": ["U"], "floor": [2]}
    )
    found = re.findall(r'<wpt lat="([-\d.]+)" lon="([-\d.]+)">', bands_gpx(buildings, assignment))
    assert len(found) == 1
    lat, lon = (float(v) for v in found[0])
    # Seven decimals of a degree: within 1 cm of the representative point, inside the U.
    assert buildings.geometry.iat[0].contains(shapely.Point(lon, lat))
