"""The sweep: a team's stops without a solver, buildings in a short walk, each top floor down.

The fallback of a team's phone route when the visit planner fails, and a route option of
its own. The building order is the tour engine's (``routing.tour``): nearest neighbour
from the building farthest from the middle, then 2-opt / Or-opt with a fixed number of
kicks, so a sweep repeats exactly.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from routing.tour import improve_path, nearest_neighbour

# Columns of the sweep's stops: those a team's phone route stores, in its order.
SWEEP_COLUMNS: Final = (
    "session",
    "seq",
    "household_id",
    "building_id",
    "label",
    "floor",
    "unit",
    "lon",
    "lat",
    "arrival",
)
# Kicks of the tour engine per building of the walk: a few milliseconds for a team.
KICKS_PER_BUILDING = 20


def sweep_order(xy: NDArray[np.float64]) -> NDArray[np.int64]:
    """A short open walk through points: every index once.

    It starts at the point farthest from the points' mean, so the walk ends near the
    middle, and may end anywhere.

    Parameters
    ----------
    xy : ndarray, shape (n, 2)
        Metric coordinates (metres) of the buildings' doors.

    Returns
    -------
    ndarray of int
        The visiting order.
    """
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    start = int(np.argmax(np.linalg.norm(xy - xy.mean(axis=0), axis=1)))
    dist = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    first = nearest_neighbour(dist, start)
    return improve_path(dist, first, keep_start=True, kicks=KICKS_PER_BUILDING * len(xy))


def sweep_stops(households: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """The stops of a sweep through ``households``: one session, ``seq`` from 1.

    Parameters
    ----------
    households : DataFrame
        ``household_id``, ``building_id``, ``floor``, ``unit``.
    places : DataFrame
        One row per building: ``building_id``, ``label``, ``lon``/``lat`` (the door,
        WGS84) and ``x``/``y`` (the door in metres); buildings without households are
        left out.

    Returns
    -------
    DataFrame
        ``SWEEP_COLUMNS``: buildings in ``sweep_order``, each top floor down, units in
        order; ``arrival`` empty (a sweep has no times).
    """
    places = places[places["building_id"].isin(households["building_id"])]
    order = sweep_order(places[["x", "y"]].to_numpy(dtype=float))
    rank = {b: k for k, b in enumerate(places["building_id"].to_numpy()[order])}
    frame = households.assign(_rank=households["building_id"].map(rank))
    frame = frame.sort_values(["_rank", "floor", "unit"], ascending=[True, False, True])
    frame = frame.merge(places[["building_id", "label", "lon", "lat"]], on="building_id")
    frame = frame.assign(session=1, seq=np.arange(1, len(frame) + 1), arrival="")
    return frame.loc[:, list(SWEEP_COLUMNS)].reset_index(drop=True)
