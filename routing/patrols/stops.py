"""Patrol routes from tours through stops: walking legs, times, and the stops' order."""

from __future__ import annotations

import time
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from routing.network import WalkingNetwork
from routing.patrols.kinds import PatrolKind
from routing.patrols.result import PatrolPlan, PatrolRoute
from routing.patrols.tours import Tours

FloatArray = NDArray[np.float64]
_NO_STEPS = np.empty(0, dtype=np.intp)


@dataclass(frozen=True, eq=False)
class Site:
    """Where the tours start, the stops' places and the walking between them.

    Row/column 0 of ``distance_m`` and ``time_s`` is the start, row i + 1 stop i.
    """

    lon: FloatArray  # (n + 1,) start first
    lat: FloatArray
    distance_m: FloatArray
    time_s: FloatArray

    @classmethod
    def on_network(
        cls, network: WalkingNetwork, start: tuple[float, float] | None, lon: FloatArray,
        lat: FloatArray,
    ) -> Site:  # fmt: skip
        """Walking matrices between the start and the stops (start: near their centre)."""
        if start is None:
            start = centre_start(network, lon, lat)
        all_lon = np.r_[start[0], lon].astype(float)
        all_lat = np.r_[start[1], lat].astype(float)
        matrix = network.matrix(all_lon, all_lat, all_lon, all_lat)
        return cls(all_lon, all_lat, matrix.distance_m, matrix.time_s)

    def subset(self, stops: NDArray[np.intp]) -> Site:
        """The start and the given stops only (stop numbers renumbered in that order)."""
        keep = np.r_[0, np.asarray(stops, dtype=np.intp) + 1]
        grid = np.ix_(keep, keep)
        return Site(self.lon[keep], self.lat[keep], self.distance_m[grid], self.time_s[grid])


def centre_start(network: WalkingNetwork, lon: FloatArray, lat: FloatArray) -> tuple[float, float]:
    """The point of the network nearest the centre of the stops."""
    middle = shapely.MultiPoint(np.column_stack([lon, lat])).centroid
    snap = network.snap([middle.x], [middle.y])
    return float(snap.lon[0]), float(snap.lat[0])


def tour_routes(
    network: WalkingNetwork,
    site: Site,
    tours: Tours,
    *,
    kind: str,
    ids: list[list[str]],
    climb_s: FloatArray,
    service_s: FloatArray,
    start_s: float | None,
    slots: list[tuple[int, ...]],
    names: list[str],
) -> list[PatrolRoute]:
    """One ``PatrolRoute`` per tour: legs drawn on the network, times split by cause.

    Parameters
    ----------
    network : WalkingNetwork
        Draws each leg (fastest path).
    site : Site
        The start and the stops of ``tours``.
    tours : Tours
        The tours (stop numbers into ``site``).
    kind : str
        The routes' patrol kind.
    ids : list of list of str
        Per stop, the checkpoint ids it covers in order (a floor band: its floors).
    climb_s, service_s : ndarray
        Per stop: stairs seconds, and all seconds spent there (stairs included).
    start_s : float or None
        Clock seconds the tours' times count from.
    slots : list of tuple of int
        Per tour, the rota slots it may be walked in.
    names : list of str
        Route ids, one per tour.
    """
    out = []
    for t, tour in enumerate(tours.routes):
        legs = np.r_[0, np.asarray(tour, dtype=np.intp) + 1, 0]
        walk_s = float(site.time_s[legs[:-1], legs[1:]].sum())
        length = float(site.distance_m[legs[:-1], legs[1:]].sum())
        picked = np.asarray(tour, dtype=np.intp)
        climb = float(climb_s[picked].sum())
        out.append(
            PatrolRoute(
                route_id=names[t],
                edge=_NO_STEPS,
                forward=np.empty(0, dtype=bool),
                service=np.empty(0, dtype=bool),
                length_m=length,
                service_m=length,
                walk_s=walk_s,
                checkpoint_s=float(service_s[picked].sum()) - climb,
                checkpoints=tuple(c for stop in tour for c in ids[stop]),
                geometry=_legs_line(network, site, legs),
                climb_s=climb,
                wait_s=float(tours.wait_s[t]),
                kind=kind,
                slots=slots[t],
                start_s=start_s,
            )
        )
    return out


def _legs_line(network: WalkingNetwork, site: Site, legs: NDArray[np.intp]) -> shapely.LineString:
    """The walk through the stops as one WGS84 line (consecutive repeats removed)."""
    parts = []
    for a, b in zip(legs[:-1].tolist(), legs[1:].tolist(), strict=True):
        if site.lon[a] == site.lon[b] and site.lat[a] == site.lat[b]:
            continue
        line = network.path(site.lon[a], site.lat[a], site.lon[b], site.lat[b], weight="time")
        parts.append(shapely.get_coordinates(line))
    if not parts:
        xy = np.array([[site.lon[0], site.lat[0]]] * 2)
    else:
        xy = np.concatenate(parts)
        xy = xy[np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]]
        if len(xy) == 1:
            xy = np.repeat(xy, 2, axis=0)
    return shapely.LineString(xy)


def stops_plan(
    routes: list[PatrolRoute],
    site: Site,
    frame: gpd.GeoDataFrame,
    arrival: dict[str, float],
    *,
    started: float,
    kind: PatrolKind,
    slot_s: float | None,
) -> PatrolPlan:
    """The plan of tours through stops (checkpoints, tower floors): no street to cover.

    Parameters
    ----------
    routes
        The tours, in order.
    site
        Where they start (row 0).
    frame
        The stops, with ``checkpoint_id``; returned with their route, order and arrival.
    arrival
        Seconds from a route's start to each stop's arrival, by ``checkpoint_id``.
    started
        ``time.perf_counter()`` when planning began.
    kind, slot_s
        The patrol kind and the slot every route fits (None: no slot).
    """
    return PatrolPlan(
        routes=tuple(routes),
        start_lon=float(site.lon[0]),
        start_lat=float(site.lat[0]),
        required_m=0.0,
        postman_m=0.0,
        exact=True,
        checkpoints=_order_frame(frame, routes, arrival),
        elapsed_s=time.perf_counter() - started,
        kind=kind,
        slot_s=slot_s,
    )


def _order_frame(
    frame: gpd.GeoDataFrame, routes: list[PatrolRoute], arrival: dict[str, float]
) -> gpd.GeoDataFrame:
    """``frame`` (with ``checkpoint_id``) with ``route_id``, ``order`` and ``arrival_s``."""
    route = np.full(len(frame), "", dtype=object)
    order = np.zeros(len(frame), dtype=int)
    position = pd.Series(np.arange(len(frame)), index=frame["checkpoint_id"].astype(str))
    for r in routes:
        rows = position.reindex(list(r.checkpoints)).to_numpy(dtype=np.intp)
        route[rows] = r.route_id
        order[rows] = np.arange(1, len(rows) + 1)
    out = frame.copy()
    out["route_id"], out["order"] = route, order
    out["arrival_s"] = out["checkpoint_id"].astype(str).map(arrival).astype(float)
    return out
