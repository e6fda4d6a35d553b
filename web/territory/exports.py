"""Downloads of a stored plan: CSV per household, GeoJSON of team areas, GPX per band."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from markupsafe import escape

from routing.doors import door_points
from routing.spreadsheet import formula_safe
from web.territory.maps import team_areas


def assignment_csv(assignment: pd.DataFrame) -> str:
    """household_id, team_id, building_id, floor, workload_s (UTF-8 with BOM for Excel; text
    cells that start like a formula get a leading ``'``)."""
    frame = assignment.rename(columns={"workload": "workload_s"}).round({"workload_s": 1})
    return "\ufeff" + formula_safe(frame).to_csv(index=False)


def areas_geojson(buildings: gpd.GeoDataFrame, assignment: pd.DataFrame) -> str:
    """One feature per team with households, WGS84, with households and workload (h)."""
    areas = team_areas(buildings, assignment)
    per = assignment.groupby("team_id").agg(
        households=("household_id", "size"), workload_h=("workload", "sum")
    )
    per["workload_h"] = (per["workload_h"] / 3600.0).round(2)
    areas = areas.merge(per, left_on="team_id", right_index=True, how="left")
    text: str = areas.to_json(drop_id=True)
    return text


def bands_gpx(buildings: gpd.GeoDataFrame, assignment: pd.DataFrame) -> str:
    """A GPX file: one waypoint per (team, building) band at the building's door."""
    grouped = (
        assignment.groupby(["team_id", "building_id"])["floor"]
        .agg(["min", "max", "size"])
        .reset_index()
    )
    where = door_points(buildings).assign(name=buildings["name"].to_numpy())
    where.index = buildings["building_id"].to_numpy()
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
