"""Street-coverage patrol routes on the walking network, split among K teams."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import dijkstra
from shapely.geometry.base import BaseGeometry

from routing.costs import CostParameters
from routing.network import WalkingNetwork
from routing.patrols.checkpoints import StreetCheckpoints, attach_checkpoints, snap_checkpoints
from routing.patrols.kinds import PatrolKind, default_kind
from routing.patrols.options import PatrolOptions
from routing.patrols.postman import PostmanWalk, StreetGraph, Walk, postman_walk
from routing.patrols.result import PatrolPlan, PatrolRoute
from routing.patrols.shift import check_slot, fit_routes
from routing.patrols.split import split_walk
from routing.schema import WGS84

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]


def edges_in_area(network: WalkingNetwork, area: BaseGeometry) -> BoolArray:
    """Edges whose midpoint lies in a WGS84 polygon: each street belongs to one area.

    Parameters
    ----------
    network : WalkingNetwork
        The walking network.
    area : shapely Polygon or MultiPolygon
        The area, in WGS84.

    Returns
    -------
    ndarray of bool
        Per row of ``network.edges``.
    """
    middle = shapely.line_interpolate_point(network.edges.geometry.to_numpy(), 0.5, normalized=True)
    return np.asarray(shapely.contains_xy(area, shapely.get_x(middle), shapely.get_y(middle)))


def plan_patrol_routes(
    network: WalkingNetwork,
    teams: int | None = None,
    *,
    required: ArrayLike | None = None,
    area: BaseGeometry | None = None,
    start: tuple[float, float] | None = None,
    checkpoints: StreetCheckpoints | None = None,
    options: PatrolOptions | None = None,
    params: CostParameters = CostParameters(),
    slot_s: float | None = None,
    kind: PatrolKind | None = None,
) -> PatrolPlan:
    """Closed patrol walks from one start point covering streets and checkpoints.

    The required streets are ``required`` (a mask or row numbers of ``network.edges``;
    default all), limited to ``area`` when given, plus the street each checkpoint lies
    on (unless ``checkpoints.required`` is False). One team gets the Chinese-postman
    walk; K teams share it split by ``split_walk`` (longest route as short as possible,
    then the total).

    With ``slot_s`` every route's duration (walking plus checkpoint time) fits the slot:
    without ``teams`` the fewest routes that fit are planned (from the lower bound:
    walking every required street once ÷ the slot), with ``teams`` that count is
    planned or ``SlotTooShortError`` says by how much it overruns and which count fits.

    Parameters
    ----------
    network : WalkingNetwork
        The walking network (its largest connected part).
    teams : int, optional
        Number of routes, K >= 1; optional when ``slot_s`` is given.
    required : array_like of bool or int, optional
        Streets to walk: a boolean mask over ``network.edges`` or row numbers.
    area : shapely geometry, optional
        WGS84 polygon; only streets whose midpoint lies inside are required.
    start : (float, float), optional
        ``(lon, lat)`` of the start, snapped to the nearest network node; default the
        node nearest the centre of the required streets.
    checkpoints : StreetCheckpoints, optional
        Points to pass, the most each route lists and whether their streets are
        required.
    options : PatrolOptions, optional
        Time limit and split settings; default ``PatrolOptions()``. With ``slot_s`` the
        time limit holds for each route count tried.
    params : CostParameters
        Walking speed and, without ``kind``, the ``patrol_checkpoint`` service time.
    slot_s : float, optional
        Length of the patrol slot in seconds (10 min .. 12 h).
    kind : PatrolKind, optional
        A street kind: its ``stop_s`` is the time at each checkpoint; default
        ``default_kind("street")`` with the ``patrol_checkpoint`` time of ``params``.

    Returns
    -------
    PatrolPlan
        Routes ``R01``… ordered clockwise around the start, with lengths and times.

    Raises
    ------
    SlotTooShortError
        ``teams`` routes cannot fit ``slot_s`` (a ValueError).
    """
    if teams is not None and not (isinstance(teams, int) and teams >= 1):
        raise ValueError(f"teams must be an int >= 1, got {teams!r}")
    if teams is None and slot_s is None:
        raise ValueError("give the number of routes (teams), the slot length (slot_s), or both")
    check_slot(slot_s)
    started = time.perf_counter()
    options = options if options is not None else PatrolOptions()
    if kind is None:
        kind = replace(default_kind("street"), stop_s=params.services.get("patrol_checkpoint", 0.0))
    elif kind.kind != "street":
        raise ValueError(f"plan_patrol_routes plans street routes, not {kind.kind!r}")
    max_checkpoints = checkpoints.per_route if checkpoints is not None else None
    setup = _Setup.build(network, required, area, start, checkpoints, options)

    def plan_for(k: int) -> PatrolPlan:
        return _plan(setup, k, options, kind, max_checkpoints, slot_s)

    if slot_s is None:
        assert teams is not None
        plan = plan_for(teams)
    else:
        plan = fit_routes(
            plan_for,
            lambda p: p.longest_s,
            slot_s,
            routes=teams,
            work_s=setup.work_s(kind.stop_s, max_checkpoints),
            guess=setup.guess(slot_s, kind.stop_s, max_checkpoints),
            upper=min(int(setup.mask.sum()), MAX_ROUTES),
            reach_s=setup.reach_s(),
        )
    return replace(plan, elapsed_s=time.perf_counter() - started)


@dataclass(frozen=True, eq=False)
class _Setup:
    """What every route count shares: the graph, the required streets, the single walk."""

    network: WalkingNetwork
    graph: StreetGraph
    mask: BoolArray
    points: gpd.GeoDataFrame
    start_node: int
    start_xy: tuple[float, float]
    single: PostmanWalk

    @classmethod
    def build(
        cls,
        network: WalkingNetwork,
        required: ArrayLike | None,
        area: BaseGeometry | None,
        start: tuple[float, float] | None,
        checkpoints: StreetCheckpoints | None,
        options: PatrolOptions,
    ) -> _Setup:
        edges = network.edges
        graph = StreetGraph.from_pairs(
            edges["u"].to_numpy(), edges["v"].to_numpy(), edges["length_m"].to_numpy()
        )
        mask = _required_mask(network, required, area)
        points = snap_checkpoints(network, checkpoints.points if checkpoints is not None else None)
        if checkpoints is not None and checkpoints.required:
            mask[points["edge"].to_numpy(dtype=np.intp)] = True
        if not mask.any():
            raise ValueError("no street to patrol: the selection or area holds no street")
        node, xy = _start_node(network, graph, mask, start)
        single = postman_walk(graph, mask, node, nearest_odd=options.nearest_odd)
        return cls(network, graph, mask, points, node, xy, single)

    def seconds(self, walk: Walk) -> float:
        """Walking time of a walk."""
        edges = self.network.edges
        length = edges["length_m"].to_numpy(dtype=float)[walk.edge]
        speed = self.network.speed
        return float(speed.edge_time_s(length, edges["highway"].to_numpy()[walk.edge]).sum())

    def stops_on_streets(self) -> int:
        """Checkpoints lying on required streets (the ones routes can list)."""
        return int(self.mask[self.points["edge"].to_numpy(dtype=np.intp)].sum())

    def work_s(self, stop_s: float, cap: int | None) -> float:
        """Time any split spends: every required street walked once (+ uncapped stops)."""
        edges = self.network.edges
        length = edges["length_m"].to_numpy(dtype=float)[self.mask]
        walk = self.network.speed.edge_time_s(length, edges["highway"].to_numpy()[self.mask])
        stops = 0.0 if cap is not None else stop_s * self.stops_on_streets()
        return float(walk.sum()) + stops

    def guess(self, slot_s: float, stop_s: float, cap: int | None) -> int:
        """The first count whose predicted longest route fits: an even share of the
        single walk with the split's usual overhead, the way out to the route's streets
        and back (twice their mean distance from the start), and its checkpoints."""
        walk_s, stops = self.seconds(self.single.walk), self.stops_on_streets()
        access_s = 2 * self.mean_distance_m() / self.network.speed.speed_mps
        for k in range(1, MAX_ROUTES + 1):
            per_route = stops / k if cap is None else min(cap, stops / k)
            way = access_s if k > 1 else 0.0  # a single route is the postman walk itself
            if walk_s * SPLIT_OVERHEAD / k + way + stop_s * per_route <= slot_s:
                return k
        return MAX_ROUTES

    def reach_s(self) -> float:
        """The farthest required street's round trip: to one end, along it, back."""
        edges = self.network.edges
        seconds = self.network.speed.edge_time_s(
            edges["length_m"].to_numpy(dtype=float), edges["highway"].to_numpy()
        )
        timed = StreetGraph(self.graph.u, self.graph.v, seconds, self.graph.n)
        there = dijkstra(timed.csr, directed=False, indices=self.start_node)
        rows = np.flatnonzero(self.mask)
        trip = there[self.graph.u[rows]] + seconds[rows] + there[self.graph.v[rows]]
        return float(trip.max())

    def mean_distance_m(self) -> float:
        """Mean walking distance from the start to the required streets (by length)."""
        dist = dijkstra(self.graph.csr, directed=False, indices=self.start_node)
        rows = np.flatnonzero(self.mask)
        near = np.minimum(dist[self.graph.u[rows]], dist[self.graph.v[rows]])
        length = self.graph.length_m[rows]
        near = np.where(np.isfinite(near), near + length / 2, 0.0)
        return float((near * length).sum() / max(length.sum(), 1e-9))


# Most routes the slot search tries; besides the way out and back, the longest split
# route is about this much longer than an even share of the single walk (bench/RESULTS.md).
MAX_ROUTES: Final = 200
SPLIT_OVERHEAD: Final = 1.02


def _plan(
    setup: _Setup,
    teams: int,
    options: PatrolOptions,
    kind: PatrolKind,
    max_checkpoints: int | None,
    slot_s: float | None,
) -> PatrolPlan:
    """``teams`` routes over the setup's streets, checkpoints attached."""
    network, graph = setup.network, setup.graph
    stats, walks = None, [setup.single.walk]
    if teams > 1:
        walks, stats = split_walk(graph, setup.single.walk, setup.start_node, teams, options)
    walks = _clockwise(network, walks, setup.start_xy)
    plan = PatrolPlan(
        routes=tuple(_route(network, i, len(walks), walk) for i, walk in enumerate(walks)),
        start_lon=setup.start_xy[0],
        start_lat=setup.start_xy[1],
        required_m=setup.single.required_m,
        postman_m=setup.single.walk.length_m(graph),
        exact=setup.single.exact,
        checkpoints=setup.points,
        elapsed_s=0.0,
        split=stats,
        kind=kind,
        slot_s=slot_s,
    )
    return attach_checkpoints(
        plan, network, setup.points, max_per_route=max_checkpoints, stop_s=kind.stop_s
    )


def _required_mask(
    network: WalkingNetwork, required: ArrayLike | None, area: BaseGeometry | None
) -> BoolArray:
    m = network.edge_count
    if required is None:
        mask = np.ones(m, dtype=bool)
    else:
        given = np.asarray(required)
        if given.dtype == bool:
            if given.shape != (m,):
                raise ValueError(f"required mask has shape {given.shape}, expected ({m},)")
            mask = given.copy()
        else:
            rows = given.astype(np.intp).ravel()
            if len(rows) and (rows.min() < 0 or rows.max() >= m):
                raise ValueError(f"required edge rows must be in 0..{m - 1}")
            mask = np.zeros(m, dtype=bool)
            mask[rows] = True
    if area is not None:
        mask &= edges_in_area(network, area)
    return mask


def _start_node(
    network: WalkingNetwork,
    graph: StreetGraph,
    mask: BoolArray,
    start: tuple[float, float] | None,
) -> tuple[int, tuple[float, float]]:
    """The network node nearest the start point and its WGS84 position."""
    if start is None:
        middle = network.edges.geometry[mask].to_crs(network.crs).union_all().centroid
        centre = gpd.GeoSeries([middle], crs=network.crs).to_crs(WGS84).iloc[0]
        start = (float(centre.x), float(centre.y))
    snap = network.snap([start[0]], [start[1]])
    edge, at_v = int(snap.edge[0]), bool(snap.fraction[0] >= 0.5)
    node = int(graph.v[edge] if at_v else graph.u[edge])
    line = network.edges.geometry.iloc[edge]
    x, y = line.coords[-1] if at_v else line.coords[0]
    return node, (float(x), float(y))


def _clockwise(
    network: WalkingNetwork, walks: list[Walk], start: tuple[float, float]
) -> list[Walk]:
    """Routes ordered clockwise from north by the bearing of their streets' centre."""
    if len(walks) < 2:
        return walks
    middle = shapely.line_interpolate_point(network.edges.geometry.to_numpy(), 0.5, normalized=True)
    bearing = []
    for walk in walks:
        used = middle[walk.edge[walk.service]] if walk.service.any() else middle[walk.edge]
        dx = np.mean(shapely.get_x(used)) - start[0]
        dy = np.mean(shapely.get_y(used)) - start[1]
        bearing.append(math.atan2(dx * math.cos(math.radians(start[1])), dy) % (2 * math.pi))
    return [walks[i] for i in np.argsort(bearing, kind="stable")]


def _route(network: WalkingNetwork, i: int, count: int, walk: Walk) -> PatrolRoute:
    """Route ``R01``… of a walk, without checkpoints yet."""
    edges = network.edges
    length = edges["length_m"].to_numpy(dtype=float)
    seconds = network.speed.edge_time_s(length[walk.edge], edges["highway"].to_numpy()[walk.edge])
    return PatrolRoute(
        route_id=f"R{i + 1:0{max(2, len(str(count)))}d}",
        edge=walk.edge,
        forward=walk.forward,
        service=walk.service,
        length_m=float(length[walk.edge].sum()),
        service_m=float(length[walk.edge[walk.service]].sum()),
        walk_s=float(seconds.sum()),
        checkpoint_s=0.0,
        checkpoints=(),
        geometry=walk_line(network, walk),
    )


def walk_line(network: WalkingNetwork, walk: Walk) -> shapely.LineString:
    """The walk as one WGS84 LineString, each street drawn in walking direction.

    Parameters
    ----------
    network : WalkingNetwork
        Its edges' geometries run from ``u`` to ``v``.
    walk : Walk
        Steps over rows of ``network.edges``.

    Returns
    -------
    shapely.LineString
        Consecutive duplicate points removed.
    """
    lines = network.edges.geometry.to_numpy()[walk.edge]
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    first = np.searchsorted(owner, np.arange(len(lines)))
    pos = np.arange(len(owner)) - first[owner]
    order = np.lexsort((np.where(walk.forward[owner], pos, -pos), owner))
    xy = coords[order]
    keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
    xy = xy[keep]
    if len(xy) == 1:
        xy = np.repeat(xy, 2, axis=0)
    return shapely.LineString(xy)
