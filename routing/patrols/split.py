"""Split one postman walk into K balanced closed walks from the start (min-max, then total)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from scipy.sparse.csgraph import dijkstra

from routing.budget import Budget
from routing.patrols.options import SOLVER_UNITS_PER_M, PatrolOptions
from routing.patrols.postman import StreetGraph, Walk, path_walk, postman_walk

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class _Blocks:
    """Consecutive pieces of the walk, each starting and ending with a service step."""

    first: IntArray  # first step of the piece
    stop: IntArray  # one past its last step
    entry: IntArray  # node where the piece starts
    exit: IntArray  # node where it ends
    length: FloatArray  # metres of the piece, inner repeats included

    def __len__(self) -> int:
        return len(self.first)


@dataclass(frozen=True, eq=False)
class SplitStats:
    """How the split went: pieces, the initial and final longest route."""

    blocks: int
    initial_max_m: float
    solver_max_m: float
    final_max_m: float
    reoptimised: int  # routes replaced by the postman walk of their own streets


def split_walk(
    graph: StreetGraph, walk: Walk, start: int, teams: int, options: PatrolOptions
) -> tuple[list[Walk], SplitStats]:
    """Cut a closed walk into ``teams`` closed walks from ``start`` covering its service steps.

    The walk is cut into ``teams × blocks_per_route`` pieces of equal service length (at
    most ``max_blocks``, at least one per team).
    A dynamic programme splits the pieces, in walk order, into consecutive groups with
    the shortest longest route (each group closed by shortest paths to and from the
    start); OR-Tools' guided local search then reorders, reverses and moves pieces with
    the longest route as the main cost and the total length as the second. Each route
    is finally replaced by the postman walk of its own streets when that is shorter.

    Parameters
    ----------
    graph : StreetGraph
        The street network.
    walk : Walk
        A closed walk from ``start`` (e.g. ``postman_walk(...).walk``).
    start : int
        Node where every route starts and ends.
    teams : int
        Number of routes.
    options : PatrolOptions
        Time limit, pieces per route, span weight, matching candidates.

    Returns
    -------
    list of Walk, SplitStats
        One walk per team (longest first is not implied), and statistics.
    """
    wanted = min(teams * options.blocks_per_route, max(options.max_blocks, teams))
    blocks = _blocks(graph, walk, wanted)
    if len(blocks) < teams:
        raise ValueError(f"{teams} teams but only {len(blocks)} required street piece(s)")
    ends = np.unique(np.concatenate([[start], blocks.entry, blocks.exit]))
    dist, pred = dijkstra(graph.csr, directed=False, indices=ends, return_predecessors=True)
    row = {int(node): i for i, node in enumerate(ends)}
    d = dist[:, ends]
    nodes = _solver_nodes(blocks, start, row)
    initial = _initial_routes(blocks, d, row[start], teams, row)
    cost = _transit(nodes, d)
    best = _improve(cost, initial, teams, options, options.budget())
    initial_max = max(_route_cost(cost, r) for r in initial)
    solver_max = max(_route_cost(cost, r) for r in best)
    walks = [_assemble(graph, walk, blocks, nodes, r, pred, row, start) for r in best]
    replaced = 0
    if options.reoptimise:
        for i, route in enumerate(walks):
            own = np.zeros(graph.edge_count, dtype=bool)
            own[route.edge[route.service]] = True
            if own.any():
                alt = postman_walk(graph, own, start, nearest_odd=options.nearest_odd).walk
                if alt.length_m(graph) < route.length_m(graph) - 1e-6:
                    walks[i], replaced = alt, replaced + 1
    scale = float(SOLVER_UNITS_PER_M)
    stats = SplitStats(
        len(blocks),
        initial_max / scale,
        solver_max / scale,
        max(w.length_m(graph) for w in walks),
        replaced,
    )
    return walks, stats


def _blocks(graph: StreetGraph, walk: Walk, wanted: int) -> _Blocks:
    """``wanted`` pieces of about equal service length (fewer when there are few streets)."""
    svc = np.flatnonzero(walk.service)
    length = graph.length_m[walk.edge]
    served = length[svc]
    total = served.sum()
    before = np.cumsum(served) - served
    share = before / total if total > 0 else np.arange(len(svc)) / len(svc)
    label = np.minimum((share * min(wanted, len(svc))).astype(np.intp), len(svc) - 1)
    cut = np.flatnonzero(np.diff(label)) + 1
    first = svc[np.r_[0, cut]]
    stop = svc[np.r_[cut - 1, len(svc) - 1]] + 1
    nodes = walk.nodes(graph)
    cum = np.r_[0.0, np.cumsum(length)]
    return _Blocks(first, stop, nodes[first], nodes[stop], cum[stop] - cum[first])


def _solver_nodes(blocks: _Blocks, start: int, row: dict[int, int]) -> FloatArray:
    """Per solver node (0 = start, then each piece forward and reversed): entry, exit, length."""
    n = len(blocks)
    entry = np.empty(2 * n + 1, dtype=np.intp)
    exit_ = np.empty(2 * n + 1, dtype=np.intp)
    length = np.zeros(2 * n + 1)
    lookup = np.vectorize(row.__getitem__, otypes=[np.intp])
    entry[0] = exit_[0] = row[start]
    entry[1::2], exit_[1::2] = lookup(blocks.entry), lookup(blocks.exit)
    entry[2::2], exit_[2::2] = lookup(blocks.exit), lookup(blocks.entry)
    length[1::2] = length[2::2] = blocks.length
    return np.stack([entry, exit_, length])


def _transit(nodes: FloatArray, d: FloatArray) -> NDArray[np.int64]:
    """Integer cost of going from solver node i to j: the connector, then piece j."""
    entry, exit_ = nodes[0].astype(np.intp), nodes[1].astype(np.intp)
    cost = d[exit_[:, None], entry[None, :]] + nodes[2][None, :]
    np.fill_diagonal(cost, 0.0)
    return np.rint(cost * SOLVER_UNITS_PER_M).astype(np.int64)


def _initial_routes(
    blocks: _Blocks, d: FloatArray, depot: int, teams: int, row: dict[int, int]
) -> list[list[int]]:
    """Consecutive groups of pieces with the least longest route (dynamic programme)."""
    n = len(blocks)
    entry = np.array([row[int(x)] for x in blocks.entry])
    exit_ = np.array([row[int(x)] for x in blocks.exit])
    gap = np.r_[0.0, np.cumsum(d[exit_[:-1], entry[1:]])]  # connectors between pieces
    run = np.r_[0.0, np.cumsum(blocks.length)]
    first, last = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    cost = (
        d[depot, entry][:, None]
        + run[last + 1] - run[first]
        + gap[last] - gap[first]
        + d[exit_, depot][None, :]
    )  # fmt: skip
    cost = np.where(first <= last, cost, np.inf)  # cost[i, j]: pieces i..j as one route
    best = cost[0].copy()
    choice = np.zeros((teams, n), dtype=np.intp)
    for k in range(1, teams):
        prev = np.r_[np.inf, best[:-1]]  # groups so far end at piece i - 1
        worst = np.maximum(prev[:, None], cost)
        choice[k] = np.argmin(worst, axis=0)
        best = worst[choice[k], np.arange(n)]
    routes, j = [], n - 1
    for k in range(teams - 1, -1, -1):
        i = int(choice[k, j]) if k else 0
        routes.append([1 + 2 * b for b in range(i, j + 1)])
        j = i - 1
    return routes[::-1]


def _route_cost(cost: NDArray[np.int64], route: list[int]) -> int:
    path = [0, *route, 0]
    return int(sum(cost[a, b] for a, b in itertools.pairwise(path)))


def _improve(
    cost: NDArray[np.int64],
    initial: list[list[int]],
    teams: int,
    options: PatrolOptions,
    budget: Budget,
) -> list[list[int]]:
    """OR-Tools guided local search from the initial routes until the budget is spent;
    the better of the two."""
    manager = pywrapcp.RoutingIndexManager(len(cost), teams, 0)
    model = pywrapcp.RoutingModel(manager)
    transit = model.RegisterTransitMatrix(cost.tolist())
    model.SetArcCostEvaluatorOfAllVehicles(transit)
    longest = int(cost.max()) * len(cost)  # no route has more arcs than nodes
    model.AddDimension(transit, 0, longest, True, "length")
    model.GetDimensionOrDie("length").SetGlobalSpanCostCoefficient(options.span_weight)
    for b in range(1, len(cost), 2):  # each piece once, in one of its two directions
        model.AddDisjunction([manager.NodeToIndex(b), manager.NodeToIndex(b + 1)])
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    start = model.ReadAssignmentFromRoutes(initial, True)
    budget.search_parameters(params, at_least_s=0.1)
    found = model.SolveFromAssignmentWithParameters(start, params)
    if found is None:
        return initial
    routes = []
    for vehicle in range(teams):
        index, route = model.Start(vehicle), []
        index = found.Value(model.NextVar(index))
        while not model.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = found.Value(model.NextVar(index))
        routes.append(route)

    def key(rs: list[list[int]]) -> tuple[int, int]:
        lengths = [_route_cost(cost, r) for r in rs]
        return max(lengths), sum(lengths)

    if not all(routes):  # every team gets a route, even when idling would be shorter
        return initial
    return routes if key(routes) <= key(initial) else initial


def _assemble(
    graph: StreetGraph,
    walk: Walk,
    blocks: _Blocks,
    nodes: FloatArray,
    route: list[int],
    pred: IntArray,
    row: dict[int, int],
    start: int,
) -> Walk:
    """The closed walk of one route: connectors and pieces in order."""
    parts, here = [], start
    for node in route:
        b, reverse = divmod(node - 1, 2)
        piece = walk.slice(int(blocks.first[b]), int(blocks.stop[b]))
        piece = piece.reversed() if reverse else piece
        entry = int(blocks.exit[b] if reverse else blocks.entry[b])
        parts += [path_walk(graph, pred[row[here]], here, entry), piece]
        here = int(blocks.entry[b] if reverse else blocks.exit[b])
    parts.append(path_walk(graph, pred[row[here]], here, start))
    return Walk.concat(parts)
