"""The Chinese-postman walk: coverage, closure and optimality against exact matchings."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import rustworkx as rx
from scipy.sparse.csgraph import dijkstra

from routing.network import WalkingNetwork
from routing.patrols import StreetGraph, postman_walk
from routing.patrols.postman import match_points
from tests.routing.patrols.support import assert_closed_walk

GDB1 = Path(__file__).resolve().parents[3] / "bench" / "data" / "carp" / "gdb1.dat"


def street_graph(net: WalkingNetwork) -> StreetGraph:
    e = net.edges
    return StreetGraph.from_pairs(e["u"].to_numpy(), e["v"].to_numpy(), e["length_m"].to_numpy())


def odd_nodes(graph: StreetGraph) -> np.ndarray:
    degree = np.bincount(graph.u, minlength=graph.n) + np.bincount(graph.v, minlength=graph.n)
    return np.flatnonzero(degree % 2)


def complete_matching_m(graph: StreetGraph) -> float:
    """Minimum-weight perfect matching of the odd nodes on the complete graph (exact)."""
    odd = odd_nodes(graph)
    dist = dijkstra(graph.csr, directed=False, indices=odd)[:, odd]
    a, b = np.triu_indices(len(odd), 1)
    cost = np.rint(dist[a, b] * 100).astype(np.int64)
    g = rx.PyGraph()
    g.add_nodes_from(range(len(odd)))
    g.add_edges_from(
        list(zip(a.tolist(), b.tolist(), (cost.max() + 1 - cost).tolist(), strict=True))
    )
    pairs = rx.max_weight_matching(g, max_cardinality=True, weight_fn=lambda w: w)
    assert len(pairs) * 2 == len(odd)
    return float(sum(dist[i, j] for i, j in pairs))


def test_walk_covers_every_street_once_in_a_closed_walk(small: WalkingNetwork) -> None:
    graph = street_graph(small)
    start = int(graph.u[0])
    found = postman_walk(graph, np.ones(graph.edge_count, dtype=bool), start)
    walk = found.walk
    assert_closed_walk(small.edges, walk, small.edges["u"].iloc[0])
    served = walk.edge[walk.service]
    assert np.array_equal(np.sort(served), np.arange(graph.edge_count))  # each street once
    assert set(walk.edge.tolist()) == set(range(graph.edge_count))
    assert found.exact
    assert walk.length_m(graph) == pytest.approx(found.required_m + found.matching_m)


def test_walk_length_equals_the_exact_chinese_postman_optimum(small: WalkingNetwork) -> None:
    graph = street_graph(small)
    walk = postman_walk(graph, np.ones(graph.edge_count, dtype=bool), 0).walk
    optimum = graph.length_m.sum() + complete_matching_m(graph)
    assert walk.length_m(graph) == pytest.approx(optimum, rel=1e-6)


def read_gdb(path: Path) -> StreetGraph:
    pairs, costs = [], []
    for line in path.read_text().splitlines():
        if line.strip().startswith("("):
            pair, rest = line.strip()[1:].split(")", 1)
            pairs.append([int(x) - 1 for x in pair.split(",")])
            costs.append(float(rest.split()[1]))
    u, v = np.array(pairs).T
    return StreetGraph(u, v, np.array(costs), int(max(u.max(), v.max())) + 1)


def test_gdb1_walk_equals_the_best_of_all_matchings() -> None:
    graph = read_gdb(GDB1)
    walk = postman_walk(graph, np.ones(graph.edge_count, dtype=bool), 0).walk
    odd = odd_nodes(graph)
    dist = dijkstra(graph.csr, directed=False, indices=odd)[:, odd]
    best = min(
        sum(dist[a, b] for a, b in zip(order[::2], order[1::2], strict=True))
        for order in itertools.permutations(range(len(odd)))
    )
    assert graph.length_m.sum() == 252  # the file's COSTE_TOTAL_REQ
    assert walk.length_m(graph) == pytest.approx(252 + best)
    assert_closed_walk_ids(graph, walk.edge, walk.forward, 0)


def assert_closed_walk_ids(
    graph: StreetGraph, edge: np.ndarray, forward: np.ndarray, s: int
) -> None:
    tail = np.where(forward, graph.u[edge], graph.v[edge])
    head = np.where(forward, graph.v[edge], graph.u[edge])
    assert tail[0] == s and head[-1] == s and (tail[1:] == head[:-1]).all()


def test_separate_street_groups_are_joined() -> None:
    # Two squares joined by a 100 m path: only the squares are required.
    u = np.array([0, 1, 2, 3, 4, 5, 6, 7, 3])
    v = np.array([1, 2, 3, 0, 5, 6, 7, 4, 4])
    length = np.array([10, 10, 10, 10, 10, 10, 10, 10, 100], dtype=float)
    graph = StreetGraph(u, v, length, 8)
    required = np.array([True] * 8 + [False])
    found = postman_walk(graph, required, 0)
    assert not found.exact
    assert found.walk.length_m(graph) == pytest.approx(80 + 2 * 100)
    assert set(found.walk.edge[found.walk.service].tolist()) == set(range(8))
    assert_closed_walk_ids(graph, found.walk.edge, found.walk.forward, 0)


def test_sparse_candidates_fall_back_when_they_leave_points_unmatched() -> None:
    # Two tight clusters far apart, odd sizes: one pair must cross between them.
    xy = np.array([[0, 0], [0, 1], [1, 0], [100, 0], [100, 1], [101, 0]], dtype=float)
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    pairs = match_points(dist, nearest=2)
    assert sorted(i for p in pairs for i in p) == list(range(6))


def test_bad_requests_are_refused(small: WalkingNetwork) -> None:
    graph = street_graph(small)
    with pytest.raises(ValueError, match="True value"):
        postman_walk(graph, np.zeros(graph.edge_count, dtype=bool), 0)
    with pytest.raises(ValueError, match="not in the graph"):
        postman_walk(graph, np.ones(graph.edge_count, dtype=bool), graph.n)
    with pytest.raises(ValueError, match="lengths"):
        StreetGraph(np.array([0]), np.array([1]), np.array([-1.0]), 2)
