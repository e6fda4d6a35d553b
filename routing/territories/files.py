"""Team-area geometry and the territories files: ``territories.csv`` and ``territories.geojson``."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from routing.schema import WGS84
from routing.spreadsheet import formula_safe
from routing.territories.metrics import ASSIGNMENT_COLUMNS, team_table

CSV_NAME = "territories.csv"
GEOJSON_NAME = "territories.geojson"


def team_shapes(
    buildings: gpd.GeoDataFrame,
    assignment: pd.DataFrame,
    teams: Sequence[str],
    margin_m: float = 0.0,
) -> gpd.GeoSeries:
    """Each team's area: the union of its buildings' footprints, ``margin_m`` wider (WGS84).

    Parameters
    ----------
    buildings : GeoDataFrame
        The buildings the plan was made for.
    assignment : DataFrame
        ``household_id, team_id, building_id, …`` rows of the plan.
    teams : sequence of str
        The teams, in order.
    margin_m : float
        Metres added around every footprint (a drawn region rather than roofs).

    Returns
    -------
    GeoSeries
        Indexed by team id in ``teams`` order; None for a team without households.
    """
    frame = buildings.to_crs(WGS84) if buildings.crs is not None else buildings
    shapes = frame.geometry
    if margin_m > 0:
        shapes = frame.geometry.to_crs(frame.estimate_utm_crs()).buffer(margin_m)
    shape = pd.Series(shapes.to_numpy(), index=frame["building_id"].astype(str).to_numpy())
    ids = assignment["building_id"].astype(str).groupby(assignment["team_id"].astype(str))
    members = ids.unique()
    geoms = []
    for team in teams:
        parts = shape.reindex(members[team] if team in members.index else []).dropna()
        geoms.append(shapely.union_all(parts.to_numpy()) if len(parts) else None)
    out = gpd.GeoSeries(geoms, index=list(teams), crs=shapes.crs)
    return out.to_crs(WGS84) if margin_m > 0 else out


def team_areas(
    buildings: gpd.GeoDataFrame,
    assignment: pd.DataFrame,
    teams: Sequence[str],
    loops: ArrayLike,
) -> gpd.GeoDataFrame:
    """One feature per team: the union of its buildings' footprints, with its figures.

    Parameters
    ----------
    buildings : GeoDataFrame
        The buildings the plan was made for.
    assignment : DataFrame
        ``ASSIGNMENT_COLUMNS`` rows of every household.
    teams : sequence of str
        The plan's teams, in order, with or without households.
    loops : array_like of float
        Each team's loop (m), as ``routing.territories.metrics.area_loops`` measures it.

    Returns
    -------
    GeoDataFrame
        team_id, workload_s, households, loop_m, pieces, geometry (None for a team
        without households), in EPSG:4326.
    """
    table = team_table(assignment, teams)
    return gpd.GeoDataFrame(
        {
            "team_id": list(teams),
            "workload_s": table["workload_s"].to_numpy(),
            "households": table["households"].to_numpy(),
            "loop_m": np.asarray(loops, dtype=float),
            "pieces": table["pieces"].to_numpy(),
        },
        geometry=gpd.GeoSeries(team_shapes(buildings, assignment, teams).to_numpy(), crs=WGS84),
        crs=WGS84,
    )


def territories_csv(assignment: pd.DataFrame) -> str:
    """``territories.csv``: one row per household, text cells that start like a formula
    get a leading ``'``."""
    frame = assignment.loc[:, list(ASSIGNMENT_COLUMNS)]
    text: str = formula_safe(frame).to_csv(index=False)
    return text


def territories_geojson(areas: gpd.GeoDataFrame) -> str:
    """``territories.geojson``: one feature per team (``team_areas``), WGS84."""
    text: str = areas.to_json(drop_id=True)
    return text
