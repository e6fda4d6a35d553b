"""The GPX download of a stored plan: a waypoint per band (CSV and GeoJSON: the operations)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from markupsafe import escape


def bands_gpx(buildings: gpd.GeoDataFrame, assignment: pd.DataFrame) -> str:
    """A GPX file: one waypoint per (team, building) band at the entrance (or centroid)."""
    grouped = (
        assignment.groupby(["team_id", "building_id"])["floor"]
        .agg(["min", "max", "size"])
        .reset_index()
    )
    metric = buildings.to_crs(buildings.estimate_utm_crs())
    centre = metric.representative_point().to_crs(buildings.crs)
    lon = buildings["entrance_lon"].fillna(pd.Series(centre.x.to_numpy(), index=buildings.index))
    lat = buildings["entrance_lat"].fillna(pd.Series(centre.y.to_numpy(), index=buildings.index))
    where = pd.DataFrame(
        {"lon": lon.to_numpy(), "lat": lat.to_numpy(), "name": buildings["name"].to_numpy()},
        index=buildings["building_id"].to_numpy(),
    )
    points = grouped.join(where, on="building_id")
    lines = [
        f'<wpt lat="{r.lat:.7f}" lon="{r.lon:.7f}"><name>{escape(r.team_id)} '
        f"{escape(r.name or r.building_id)} {r.min}–{r.max}层</name>"
        f"<desc>{r.size}户</desc></wpt>"
        for r in points.itertuples()
    ]
    body = "\n".join(lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="redvest" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"{body}\n</gpx>\n"
    )
