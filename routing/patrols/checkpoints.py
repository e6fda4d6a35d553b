"""Checkpoints on patrol routes: snapped to streets, ordered along the walk, capped per route."""

from __future__ import annotations

from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from routing.costs import CostParameters
from routing.network import WalkingNetwork
from routing.patrols.result import CHECKPOINT_COLUMNS, PatrolPlan, PatrolRoute
from routing.schema import WGS84


@dataclass(frozen=True, eq=False)
class StreetCheckpoints:
    """Points a street patrol passes, how many a route lists, whether they add streets.

    Attributes
    ----------
    points : GeoDataFrame
        Points (WGS84) with optional ``checkpoint_id``, ``name`` and ``priority``
        columns (see ``snap_checkpoints``).
    per_route : int, optional
        Keep at most this many checkpoints per route, highest ``priority`` first.
    required : bool
        Whether the street each point lies on becomes required; otherwise each route
        lists the points on the streets it covers anyway.
    """

    points: gpd.GeoDataFrame
    per_route: int | None = None
    required: bool = True


def snap_checkpoints(network: WalkingNetwork, given: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Checkpoints with ids, names, the edge each lies on and its position along it.

    Parameters
    ----------
    network : WalkingNetwork
        The walking network.
    given : GeoDataFrame or None
        Points (with a CRS) and optional ``checkpoint_id`` (default 1, 2, …), ``name``
        and ``priority`` (higher is kept first when a route has too many) columns.

    Returns
    -------
    GeoDataFrame
        ``CHECKPOINT_COLUMNS`` + ``priority`` + point geometry (WGS84); ``route_id`` ""
        and ``order`` 0 until attached to a plan.
    """
    columns = [*CHECKPOINT_COLUMNS, "priority"]
    if given is None or given.empty:
        empty = {c: pd.Series([], dtype=object) for c in columns}
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    if given.crs is None:
        raise ValueError("checkpoints have no CRS; expected WGS84 (EPSG:4326)")
    frame = given.to_crs(WGS84).reset_index(drop=True)
    if not (frame.geom_type == "Point").all():
        raise ValueError("checkpoints must be points")
    default_ids = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    ids = frame.get("checkpoint_id", default_ids).astype(str)
    if ids.duplicated().any():
        raise ValueError("checkpoint_id values must be unique")
    names = frame.get("name", pd.Series("", index=frame.index))
    priority = frame.get("priority", pd.Series(0.0, index=frame.index))
    snap = network.snap(frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
    return gpd.GeoDataFrame(
        {
            "checkpoint_id": ids.to_numpy(),
            "name": names.fillna("").astype(str).to_numpy(),
            "edge": snap.edge,
            "route_id": "",
            "order": 0,
            "fraction": snap.fraction,
            "priority": pd.to_numeric(priority, errors="coerce").fillna(0.0).to_numpy(),
        },
        geometry=frame.geometry.to_numpy(),
        crs=WGS84,
    )


def attach_checkpoints(
    plan: PatrolPlan,
    network: WalkingNetwork,
    checkpoints: gpd.GeoDataFrame | None,
    *,
    params: CostParameters = CostParameters(),
    max_per_route: int | None = None,
    stop_s: float | None = None,
) -> PatrolPlan:
    """Give each route the checkpoints on the streets it covers, in walking order.

    A checkpoint belongs to the route whose service step covers its street; points on
    streets no route covers are left out. Each kept checkpoint adds ``stop_s`` (default
    the ``patrol_checkpoint`` service time) to its route.

    Parameters
    ----------
    plan : PatrolPlan
        Routes over ``network``.
    network : WalkingNetwork
        The network the plan was made on.
    checkpoints : GeoDataFrame or None
        As for ``snap_checkpoints``, or its output.
    params : CostParameters
        The ``patrol_checkpoint`` service time.
    max_per_route : int, optional
        Keep at most this many per route, highest ``priority`` first (ties: walking order).
    stop_s : float, optional
        Seconds at each checkpoint, instead of ``params``' ``patrol_checkpoint``.

    Returns
    -------
    PatrolPlan
        A copy with ``checkpoints`` (``route_id``, ``order``) and routes updated.
    """
    if max_per_route is not None and max_per_route < 0:
        raise ValueError(f"max_per_route must be >= 0, got {max_per_route}")
    points = checkpoints
    if points is None or "edge" not in points.columns:
        points = snap_checkpoints(network, checkpoints)
    points = points.copy()
    per_stop = params.services.get("patrol_checkpoint", 0.0) if stop_s is None else stop_s
    routes, owner, rank = [], np.full(len(points), "", dtype=object), np.zeros(len(points), int)
    for route in plan.routes:
        order = _walking_order(route, points)
        if max_per_route is not None and len(order) > max_per_route:
            priority = points["priority"].to_numpy(dtype=float)[order]
            best = np.sort(np.argsort(-priority, kind="stable")[:max_per_route])
            order = order[best]
        owner[order] = route.route_id
        rank[order] = np.arange(1, len(order) + 1)
        ids = tuple(points["checkpoint_id"].to_numpy()[order].tolist())
        routes.append(replace(route, checkpoints=ids, checkpoint_s=per_stop * len(ids)))
    points["route_id"], points["order"] = owner, rank
    kept = points[points["route_id"] != ""].reset_index(drop=True)
    return replace(plan, routes=tuple(routes), checkpoints=kept)


def _walking_order(route: PatrolRoute, points: gpd.GeoDataFrame) -> np.ndarray:
    """Rows of the points on streets this route covers, in the order it passes them."""
    steps = np.flatnonzero(route.service)
    step_of = pd.Series(steps, index=route.edge[steps])
    edge = points["edge"].to_numpy(dtype=np.intp)
    mine = np.flatnonzero(np.isin(edge, route.edge[steps]))
    step = step_of.reindex(edge[mine]).to_numpy(dtype=np.intp)
    fraction = points["fraction"].to_numpy(dtype=float)[mine]
    along = np.where(route.forward[step], fraction, 1.0 - fraction)
    return mine[np.lexsort((along, step))]
