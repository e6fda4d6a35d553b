"""A building's door: its entrance, else a point inside its footprint."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.network import WalkingNetwork
from routing.schema import WGS84


def door_points(buildings: gpd.GeoDataFrame, network: WalkingNetwork | None = None) -> pd.DataFrame:
    """Door (lon, lat) of every building, WGS84.

    A known entrance is the door. Without one, the door is snapped to the footprint
    point nearest the walking network when there is a network, else taken at the
    footprint's representative point: never the centroid, which can lie outside an
    L-shaped or courtyard footprint.

    Parameters
    ----------
    buildings : GeoDataFrame
        ``building_id``, optional ``entrance_lon``/``entrance_lat`` (NaN when unknown)
        and footprints, with a CRS.
    network : WalkingNetwork, optional
        The walking network to snap unknown entrances to.

    Returns
    -------
    DataFrame
        ``lon`` and ``lat`` indexed by ``building_id`` (str), in the order of
        ``buildings``.
    """
    if buildings.crs is None:
        raise ValueError("buildings have no CRS; expected WGS84 (EPSG:4326)")
    frame = buildings.to_crs(WGS84)
    if network is not None:
        frame = network.snap_entrances(frame)
    unknown = pd.Series(np.nan, index=frame.index)
    # Writable copies: missing doors are filled in place below.
    lon = np.array(pd.to_numeric(frame.get("entrance_lon", unknown), errors="coerce"), dtype=float)
    lat = np.array(pd.to_numeric(frame.get("entrance_lat", unknown), errors="coerce"), dtype=float)
    missing = ~(np.isfinite(lon) & np.isfinite(lat))
    if missing.any():
        inner = frame.geometry[missing].representative_point()
        lon[missing], lat[missing] = inner.x.to_numpy(), inner.y.to_numpy()
    index = pd.Index(frame["building_id"].astype(str).to_numpy(), name="building_id")
    return pd.DataFrame({"lon": lon, "lat": lat}, index=index)


def door_xy(doors: pd.DataFrame, crs: object) -> pd.DataFrame:
    """Doors from ``door_points`` as ``x``, ``y`` in the given (metric) CRS, same index."""
    points = gpd.GeoSeries(gpd.points_from_xy(doors["lon"], doors["lat"]), crs=WGS84).to_crs(crs)
    return pd.DataFrame({"x": points.x.to_numpy(), "y": points.y.to_numpy()}, index=doors.index)
