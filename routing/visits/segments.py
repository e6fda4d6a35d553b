"""Routes as arrays with time-warp segments: O(1) cost of a route rebuilt from pieces.

A route is start depot, visits, end depot. Every stretch of it is summarised by a
segment (Vidal et al. 2013, "A hybrid genetic algorithm with adaptive diversity
management for a large class of vehicle routing problems with time-windows"): its
travel, its duration (travel + service + waiting), its time warp (how far it runs late
of windows when started at best), the earliest and latest start that achieve these,
its load and its service time. Two segments concatenate in O(1), so each route keeps
the segments of all its prefixes and suffixes, and a move that rebuilds routes from a
prefix, a few visits and a suffix is priced in O(1) whatever the route's length. Time
warp and excess load are priced with penalties, so the search may pass through
infeasible routes; a plan is only taken from routes without either.

Everything here is compiled with numba (``cache=True``: compiled once per machine).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from routing.jit import inlined, kernel

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# Fields of a cached segment (last axis of State.fw / State.bw).
DIST, DUR, WARP, EARLY, LATE, LOAD, SERV = range(7)
FIELDS = 7
# A piece of a rebuilt route: (source route, first position, last position, reversed);
# a source of -1 is a single visit not on any route, its node in the position field.
LOOSE = -1
# Penalty weights (State.pen): per unit of time warp, per unit of excess load.
PEN_WARP, PEN_LOAD = 0, 1


class Data(NamedTuple):
    """An instance as the compiled search reads it (see ``arrays.to_data``)."""

    travel: IntArray  # (n, n) travel time = arc cost
    service: IntArray  # (n,)
    early: IntArray  # (n,) earliest start of service (the horizon's start without window)
    late: IntArray  # (n,) latest start of service
    prize: IntArray  # (n,) cost of leaving a visit out; 0 at depots
    demand: IntArray  # (n,)
    starts: IntArray  # (R,) start node per route
    ends: IntArray  # (R,) end node per route
    near: IntArray  # (n, K) nearest visits per visit (granular neighbourhood)
    is_visit: NDArray[np.bool_]  # (n,)
    # capacity, horizon start, horizon end, waiting weight, duration floor, floor
    # weight, balance weight, fixed cost per used route
    scalars: IntArray


CAPACITY, H0, H1, WAIT_W, FLOOR, FLOOR_W, BALANCE, FIXED = range(8)


class State(NamedTuple):
    """Routes and their cached prefix and suffix segments."""

    nodes: IntArray  # (R, n + 2): start depot, visits, end depot
    size: IntArray  # (R,) visits per route
    route_of: IntArray  # (n,) route of a visit, -1 when left out
    pos_of: IntArray  # (n,) position in its route (1-based: 0 is the start depot)
    fw: IntArray  # (R, n + 2, FIELDS): segment of positions 0..p
    bw: IntArray  # (R, n + 2, FIELDS): segment of positions p..end
    cost: FloatArray  # (R,) penalised cost of each route (balance term apart)
    pen: FloatArray  # (2,) penalty weights, see PEN_WARP / PEN_LOAD
    touched: NDArray[np.bool_]  # (R,) set whenever a route is refreshed


def new_state(data: Data, pen: FloatArray) -> State:
    """Empty routes (start and end depots only), every visit left out."""
    routes, n = len(data.starts), len(data.travel)
    nodes = np.zeros((routes, n + 2), dtype=np.int64)
    nodes[:, 0] = data.starts
    nodes[:, 1] = data.ends
    state = State(
        nodes,
        np.zeros(routes, dtype=np.int64),
        np.full(n, -1, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros((routes, n + 2, FIELDS), dtype=np.int64),
        np.zeros((routes, n + 2, FIELDS), dtype=np.int64),
        np.zeros(routes, dtype=np.float64),
        pen.astype(np.float64),
        np.zeros(routes, dtype=np.bool_),
    )
    for r in range(routes):
        refresh(data, state, r)
    return state


def set_routes(data: Data, state: State, routes: list[list[int]]) -> None:
    """Replace every route by the given visit sequences (one per route)."""
    state.route_of[:] = -1
    for r, route in enumerate(routes):
        state.nodes[r, 1 : len(route) + 1] = route
        state.nodes[r, len(route) + 1] = data.ends[r]
        state.size[r] = len(route)
        refresh(data, state, r)


def routes_of(state: State) -> list[list[int]]:
    """The visit sequences, one per route."""
    return [state.nodes[r, 1 : state.size[r] + 1].tolist() for r in range(len(state.size))]


@inlined
def node_seg(data: Data, i: int) -> tuple[int, int, int, int, int, int, int, int, int]:
    """The segment of one visit: (dist, dur, warp, early, late, load, serv, first, last)."""
    return (
        0,
        data.service[i],
        0,
        data.early[i],
        data.late[i],
        data.demand[i],
        data.service[i],
        i,
        i,
    )


@inlined
def merge(
    data: Data,
    a: tuple[int, int, int, int, int, int, int, int, int],
    b: tuple[int, int, int, int, int, int, int, int, int],
) -> tuple[int, int, int, int, int, int, int, int, int]:
    """Segment ``a`` followed by ``b``, joined by the arc from a's last to b's first node."""
    t = data.travel[a[8], b[7]]
    delta = a[DUR] - a[WARP] + t
    wait = max(b[EARLY] - delta - a[LATE], 0)
    warp = max(a[EARLY] + delta - b[LATE], 0)
    return (
        a[DIST] + b[DIST] + t,
        a[DUR] + b[DUR] + t + wait,
        a[WARP] + b[WARP] + warp,
        max(b[EARLY] - delta, a[EARLY]) - wait,
        min(b[LATE] - delta, a[LATE]) + warp,
        a[LOAD] + b[LOAD],
        a[SERV] + b[SERV],
        a[7],
        b[8],
    )


@inlined
def depot_seg(data: Data, r: int, end: bool) -> tuple[int, int, int, int, int, int, int, int, int]:
    """Route r's start (leaves at the horizon's start) or end depot (back by its end)."""
    s = data.scalars
    if end:
        node = data.ends[r]
        return (0, 0, 0, s[H0], s[H1], 0, 0, node, node)
    node = data.starts[r]
    return (0, data.service[node], 0, s[H0], s[H0], 0, data.service[node], node, node)


@kernel
def refresh(data: Data, state: State, r: int) -> None:
    """Recompute route r's positions, prefix and suffix segments and cost."""
    size = state.size[r]
    nodes = state.nodes[r]
    seg = depot_seg(data, r, False)
    _store(state.fw, r, 0, seg)
    for p in range(1, size + 2):
        node = nodes[p]
        if p <= size:
            state.route_of[node] = r
            state.pos_of[node] = p
            seg = merge(data, seg, node_seg(data, node))
        else:
            seg = merge(data, seg, depot_seg(data, r, True))
        _store(state.fw, r, p, seg)
    seg = depot_seg(data, r, True)
    _store(state.bw, r, size + 1, seg)
    for p in range(size, -1, -1):
        head = node_seg(data, nodes[p]) if p > 0 else depot_seg(data, r, False)
        seg = merge(data, head, seg)
        _store(state.bw, r, p, seg)
    state.cost[r] = route_cost(data, state.pen, full(state, r), size)
    state.touched[r] = True


@inlined
def _store(
    table: IntArray, r: int, p: int, seg: tuple[int, int, int, int, int, int, int, int, int]
) -> None:
    for k in range(FIELDS):
        table[r, p, k] = seg[k]


@inlined
def prefix(state: State, r: int, p: int) -> tuple[int, int, int, int, int, int, int, int, int]:
    """Segment of route r's positions 0..p."""
    f = state.fw[r, p]
    return (f[0], f[1], f[2], f[3], f[4], f[5], f[6], state.nodes[r, 0], state.nodes[r, p])


@inlined
def suffix(state: State, r: int, p: int) -> tuple[int, int, int, int, int, int, int, int, int]:
    """Segment of route r's positions p..end (its own end depot included)."""
    b = state.bw[r, p]
    last = state.nodes[r, state.size[r] + 1]
    return (b[0], b[1], b[2], b[3], b[4], b[5], b[6], state.nodes[r, p], last)


@inlined
def full(state: State, r: int) -> tuple[int, int, int, int, int, int, int, int, int]:
    """Segment of the whole route r."""
    return prefix(state, r, state.size[r] + 1)


@inlined
def route_cost(
    data: Data,
    pen: FloatArray,
    seg: tuple[int, int, int, int, int, int, int, int, int],
    visits: int,
) -> float:
    """Penalised cost of a whole route: travel, waiting, warp, excess load, floor, fixed.

    An empty route costs nothing, unless a duration floor makes every route count
    (as ``model._add_balance`` tells OR-Tools).
    """
    s = data.scalars
    if visits == 0 and s[FLOOR_W] == 0:
        return 0.0
    waiting = seg[DUR] - seg[DIST] - seg[SERV]
    cost = float(seg[DIST] + s[WAIT_W] * waiting + s[FLOOR_W] * max(s[FLOOR] - seg[DUR], 0))
    cost += pen[PEN_WARP] * seg[WARP] + pen[PEN_LOAD] * max(seg[LOAD] - s[CAPACITY], 0)
    if visits > 0:
        cost += s[FIXED]
    return cost


@inlined
def duration(data: Data, state: State, r: int) -> int:
    """Route r's duration as the balance term counts it (0 when it does not count)."""
    if state.size[r] == 0 and data.scalars[FLOOR_W] == 0:
        return 0
    return state.fw[r, state.size[r] + 1, DUR]


@inlined
def build(
    data: Data, state: State, r: int, pieces: IntArray, count: int
) -> tuple[tuple[int, int, int, int, int, int, int, int, int], int]:
    """The segment of route r rebuilt from ``pieces[:count]``, and its number of visits.

    A piece is (source route, first, last, reversed) over the source's positions, or
    (LOOSE, node, node, 0) for a visit on no route. The first piece must start with
    route r's start depot (position 0 of route r) and the last end with a route's end
    depot; an end depot other than r's own is replaced by r's.
    """
    seg = prefix(state, r, 0)
    visits = 0
    for k in range(count):
        src, first, last, rev = pieces[k, 0], pieces[k, 1], pieces[k, 2], pieces[k, 3]
        if src == LOOSE:
            seg = merge(data, seg, node_seg(data, first))
            visits += 1
            continue
        end = state.size[src] + 1
        if k == 0:  # the prefix 0..last of route r
            seg = prefix(state, r, last)
            visits += last
            continue
        if last == end and rev == 0:
            visits += end - first
            if data.ends[src] == data.ends[r]:
                seg = merge(data, seg, suffix(state, src, first))
                continue
            for p in range(first, end):
                seg = merge(data, seg, node_seg(data, state.nodes[src, p]))
            seg = merge(data, seg, depot_seg(data, r, True))
            continue
        visits += last - first + 1
        if rev == 0:
            for p in range(first, last + 1):
                seg = merge(data, seg, node_seg(data, state.nodes[src, p]))
        else:
            for p in range(last, first - 1, -1):
                seg = merge(data, seg, node_seg(data, state.nodes[src, p]))
    return seg, visits


@inlined
def travel_of(data: Data, state: State, r: int, pieces: IntArray, count: int) -> tuple[int, int]:
    """Travel of route r rebuilt from ``pieces[:count]`` (as ``build``) and its visits:
    a cheap lower bound of the route's cost, from cached prefix sums."""
    travel, nodes = data.travel, state.nodes
    dist, visits, at = 0, 0, nodes[r, 0]
    for k in range(count):
        src, first, last, rev = pieces[k, 0], pieces[k, 1], pieces[k, 2], pieces[k, 3]
        if src == LOOSE:
            dist += travel[at, first]
            at = first
            visits += 1
            continue
        if k == 0:
            dist = state.fw[r, last, DIST]
            at = nodes[r, last]
            visits += last
            continue
        size = state.size[src]
        if last == size + 1 and rev == 0:
            visits += size + 1 - first
            if first == size + 1:
                return dist + travel[at, data.ends[r]], visits
            dist += travel[at, nodes[src, first]] + state.bw[src, first, DIST]
            if data.ends[src] != data.ends[r]:
                tail = nodes[src, size]
                dist += travel[tail, data.ends[r]] - travel[tail, data.ends[src]]
            return dist, visits
        visits += last - first + 1
        if rev == 0:
            dist += travel[at, nodes[src, first]] + state.fw[src, last, DIST]
            dist -= state.fw[src, first, DIST]
            at = nodes[src, last]
        else:
            for p in range(last, first - 1, -1):
                dist += travel[at, nodes[src, p]]
                at = nodes[src, p]
    return dist, visits


@kernel
def write(data: Data, state: State, r: int, pieces: IntArray, count: int, out: IntArray) -> int:
    """Route r's new visit sequence from ``pieces[:count]`` into ``out``; its length."""
    n = 0
    for k in range(count):
        src, first, last, rev = pieces[k, 0], pieces[k, 1], pieces[k, 2], pieces[k, 3]
        if src == LOOSE:
            out[n] = first
            n += 1
            continue
        lo = max(first, 1)
        hi = min(last, state.size[src])
        if rev == 0:
            for p in range(lo, hi + 1):
                out[n] = state.nodes[src, p]
                n += 1
        else:
            for p in range(hi, lo - 1, -1):
                out[n] = state.nodes[src, p]
                n += 1
    return n


@kernel
def install(data: Data, state: State, r: int, visits: IntArray, count: int) -> None:
    """Make ``visits[:count]`` route r and refresh its caches."""
    for p in range(count):
        state.nodes[r, p + 1] = visits[p]
    state.nodes[r, count + 1] = data.ends[r]
    state.size[r] = count
    refresh(data, state, r)
