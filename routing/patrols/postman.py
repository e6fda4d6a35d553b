"""Chinese-postman walks on an undirected street multigraph: matching, connectors, Euler."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Final

import numpy as np
import pandas as pd
import rustworkx as rx
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra, minimum_spanning_tree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

# csgraph reads an explicit zero as "no edge": zero-length edges get this weight.
_MIN_WEIGHT: Final = 1e-6
# Matching weights are integers: centimetres.
_MATCH_UNITS_PER_M: Final = 100


@dataclass(frozen=True, eq=False)
class StreetGraph:
    """An undirected multigraph on nodes ``0..n-1``: edge i joins ``u[i]`` and ``v[i]``."""

    u: IntArray
    v: IntArray
    length_m: FloatArray
    n: int

    def __post_init__(self) -> None:
        m = len(self.u)
        if not (len(self.v) == len(self.length_m) == m):
            raise ValueError("u, v and length_m must have the same length")
        if m and (min(self.u.min(), self.v.min()) < 0 or max(self.u.max(), self.v.max()) >= self.n):
            raise ValueError(f"node ids must be in 0..{self.n - 1}")
        if not (np.isfinite(self.length_m).all() and (self.length_m >= 0).all()):
            raise ValueError("edge lengths must be finite and >= 0")

    @classmethod
    def from_pairs(cls, u: ArrayLike, v: ArrayLike, length_m: ArrayLike) -> StreetGraph:
        """Build from node labels of any hashable type; nodes are numbered by appearance."""
        a, b = np.asarray(u), np.asarray(v)
        codes, ids = pd.factorize(np.concatenate([a, b]))
        m = len(a)
        return cls(
            codes[:m].astype(np.intp),
            codes[m:].astype(np.intp),
            np.asarray(length_m, dtype=float),
            len(ids),
        )

    @property
    def edge_count(self) -> int:
        """Number of edges."""
        return len(self.u)

    @cached_property
    def csr(self) -> csr_array:
        """Symmetric CSR keeping the lightest of parallel edges."""
        rows, cols, keep = self._lightest
        weight = np.maximum(np.tile(self.length_m, 2), _MIN_WEIGHT)[keep]
        return csr_array((weight, (rows[keep], cols[keep])), shape=(self.n, self.n))

    def pair_edge(self, a: ArrayLike, b: ArrayLike) -> IntArray:
        """The lightest edge joining nodes ``a[i]`` and ``b[i]`` (they must be adjacent)."""
        key = np.asarray(a, dtype=np.int64) * self.n + np.asarray(b, dtype=np.int64)
        found = self._pair_table.index.get_indexer(pd.Index(key))
        if (found < 0).any():
            raise ValueError("pair_edge asked for nodes that are not adjacent")
        return self._pair_table.to_numpy()[found].astype(np.intp)

    @cached_property
    def _lightest(self) -> tuple[IntArray, IntArray, IntArray]:
        """Both directions of every edge and the rows keeping the lightest per node pair."""
        rows, cols = np.concatenate([self.u, self.v]), np.concatenate([self.v, self.u])
        key = rows.astype(np.int64) * self.n + cols
        order = np.lexsort((np.tile(self.length_m, 2), key))
        keep = order[np.r_[True, key[order][1:] != key[order][:-1]]]
        return rows, cols, keep

    @cached_property
    def _pair_table(self) -> pd.Series:
        rows, cols, keep = self._lightest
        edge = np.tile(np.arange(self.edge_count), 2)[keep]
        return pd.Series(edge, index=rows[keep].astype(np.int64) * self.n + cols[keep])


@dataclass(frozen=True, eq=False)
class Walk:
    """A closed walk: step i walks ``edge[i]`` from u to v when ``forward[i]``.

    ``service[i]`` marks the step that covers a required street (once per street);
    every other step is deadhead (walking a street again to get somewhere).
    """

    edge: IntArray
    forward: BoolArray
    service: BoolArray

    def __len__(self) -> int:
        return len(self.edge)

    def nodes(self, graph: StreetGraph) -> IntArray:
        """The node sequence, one longer than the steps."""
        if not len(self.edge):
            return np.empty(0, dtype=np.intp)
        tail = np.where(self.forward, graph.u[self.edge], graph.v[self.edge])
        head = np.where(self.forward, graph.v[self.edge], graph.u[self.edge])
        return np.append(tail, head[-1]).astype(np.intp)

    def length_m(self, graph: StreetGraph) -> float:
        """Total metres walked."""
        return float(graph.length_m[self.edge].sum())

    def reversed(self) -> Walk:
        """The same walk in the opposite direction."""
        return Walk(self.edge[::-1], ~self.forward[::-1], self.service[::-1])

    def slice(self, first: int, stop: int) -> Walk:
        """Steps ``first..stop-1``."""
        return Walk(self.edge[first:stop], self.forward[first:stop], self.service[first:stop])

    @staticmethod
    def concat(parts: list[Walk]) -> Walk:
        """The steps of the parts one after the other."""
        return Walk(
            np.concatenate([p.edge for p in parts]).astype(np.intp),
            np.concatenate([p.forward for p in parts]).astype(bool),
            np.concatenate([p.service for p in parts]).astype(bool),
        )


@dataclass(frozen=True, eq=False)
class PostmanWalk:
    """A single closed walk over the required streets and how it was found."""

    walk: Walk
    required_m: float
    connector_m: float  # walking that joins separate groups of required streets
    matching_m: float  # repeats that make every degree even
    exact: bool  # the required streets and the start were connected: a true optimum
    odd_nodes: int


def postman_walk(
    graph: StreetGraph, required: ArrayLike, start: int, *, nearest_odd: int = 40
) -> PostmanWalk:
    """The shortest closed walk from ``start`` through every required edge.

    Connected required edges give the exact Chinese-postman walk: weighted shortest
    paths between odd-degree nodes, a minimum-weight perfect matching (rustworkx's
    blossom on each odd node's ``nearest_odd`` nearest odd nodes), then an Euler
    circuit. Separate groups of required edges are first joined by a minimum spanning
    tree of shortest paths (Frederickson's rural-postman heuristic; not exact).

    Parameters
    ----------
    graph : StreetGraph
        The street network; must connect every required edge and ``start``.
    required : array_like of bool
        Per edge: must be walked.
    start : int
        Node where the walk starts and ends.
    nearest_odd : int
        Matching candidates per odd node.

    Returns
    -------
    PostmanWalk
        The walk and its length split into required, connector and matching metres.
    """
    mask = np.asarray(required, dtype=bool)
    if mask.shape != (graph.edge_count,) or not mask.any():
        raise ValueError("required must be a boolean mask over the edges with a True value")
    if not 0 <= start < graph.n:
        raise ValueError(f"start node {start} is not in the graph")
    req = np.flatnonzero(mask)
    connectors = _connectors(graph, req, start)
    degree = np.bincount(graph.u[req], minlength=graph.n) + np.bincount(
        graph.v[req], minlength=graph.n
    )
    if len(connectors):
        degree += np.bincount(graph.u[connectors], minlength=graph.n)
        degree += np.bincount(graph.v[connectors], minlength=graph.n)
    odd = np.flatnonzero(degree % 2 == 1)
    repeats = _matching_edges(graph, odd, nearest_odd)
    extra = np.concatenate([connectors, repeats]).astype(np.intp)
    walk = euler_walk(graph, req, extra, start)
    return PostmanWalk(
        walk,
        float(graph.length_m[req].sum()),
        float(graph.length_m[connectors].sum()),
        float(graph.length_m[repeats].sum()),
        exact=len(connectors) == 0,
        odd_nodes=len(odd),
    )


def path_walk(graph: StreetGraph, pred_row: IntArray, source: int, target: int) -> Walk:
    """The shortest path source → target as deadhead steps, from a dijkstra predecessor row."""
    nodes = [int(target)]
    while nodes[-1] != source:
        back = int(pred_row[nodes[-1]])
        if back < 0:
            raise ValueError(f"node {target} cannot be reached from node {source}")
        nodes.append(back)
    nodes.reverse()
    edge = graph.pair_edge(nodes[:-1], nodes[1:])
    forward = graph.u[edge] == np.asarray(nodes[:-1])
    return Walk(edge, forward, np.zeros(len(edge), dtype=bool))


def _connectors(graph: StreetGraph, req: IntArray, start: int) -> IntArray:
    """Edges of shortest paths joining the groups of required edges (and the start)."""
    ones = np.ones(len(req))
    sub = csr_array((ones, (graph.u[req], graph.v[req])), shape=(graph.n, graph.n))
    label = connected_components(sub, directed=False)[1]
    groups = pd.unique(np.concatenate([[label[start]], label[graph.u[req]]]))
    if len(groups) == 1:
        return np.empty(0, dtype=np.intp)
    members = [np.flatnonzero(label == g) for g in groups]
    dist = np.empty((len(groups), graph.n))
    pred = np.empty((len(groups), graph.n), dtype=np.intp)
    origin = np.empty((len(groups), graph.n), dtype=np.intp)
    for i, nodes in enumerate(members):  # one multi-source dijkstra per group
        dist[i], pred[i], origin[i] = dijkstra(
            graph.csr, directed=False, indices=nodes, min_only=True, return_predecessors=True
        )
    gap = np.stack([dist[:, nodes].min(axis=1) for nodes in members], axis=1)
    if not np.isfinite(gap).all():
        raise ValueError("some required streets cannot be reached from the start")
    tree = minimum_spanning_tree(np.maximum(gap, _MIN_WEIGHT)).tocoo()
    out = []
    for i, j in zip(tree.row.tolist(), tree.col.tolist(), strict=True):
        target = int(members[j][np.argmin(dist[i, members[j]])])
        out.append(path_walk(graph, pred[i], int(origin[i, target]), target).edge)
    return np.concatenate(out)


def _matching_edges(graph: StreetGraph, odd: IntArray, nearest: int) -> IntArray:
    """Edges of the shortest paths of a minimum-weight perfect matching of ``odd``."""
    if not len(odd):
        return np.empty(0, dtype=np.intp)
    dist, pred = dijkstra(graph.csr, directed=False, indices=odd, return_predecessors=True)
    between = dist[:, odd]
    if not np.isfinite(between).all():
        raise ValueError("the required streets lie in separate parts of the network")
    pairs = match_points(between, nearest)
    paths = [path_walk(graph, pred[i], int(odd[i]), int(odd[j])).edge for i, j in pairs]
    return np.concatenate(paths) if paths else np.empty(0, dtype=np.intp)


def match_points(dist: FloatArray, nearest: int) -> list[tuple[int, int]]:
    """Minimum-weight perfect matching of an even number of points, given all distances.

    Each point offers its ``nearest`` nearest points as candidates; rustworkx's blossom
    maximises ``offset - weight`` with maximum cardinality. Points left unmatched by
    the sparse candidates (rare) are matched among themselves on the complete graph.

    Parameters
    ----------
    dist : ndarray
        Symmetric (n, n) distances, n even.
    nearest : int
        Candidates per point.

    Returns
    -------
    list of (int, int)
        Matched pairs (i < j).
    """
    n = len(dist)
    if n % 2:
        raise ValueError(f"a perfect matching needs an even number of points, got {n}")
    if n == 0:
        return []
    k = min(nearest, n - 1)
    masked = dist + np.diag(np.full(n, np.inf))
    cand = np.argpartition(masked, k - 1, axis=1)[:, :k]
    a = np.repeat(np.arange(n), k)
    b = cand.ravel()
    pairs = _matching(np.minimum(a, b), np.maximum(a, b), dist)
    left = np.setdiff1d(np.arange(n), np.array(pairs, dtype=np.intp).ravel())
    if len(left):
        ii, jj = np.triu_indices(len(left), 1)
        more = _matching(left[ii], left[jj], dist)
        pairs += more
    return pairs


def _matching(a: IntArray, b: IntArray, dist: FloatArray) -> list[tuple[int, int]]:
    key = np.unique(a.astype(np.int64) * len(dist) + b)
    a, b = np.divmod(key, len(dist))
    cost = np.rint(dist[a, b] * _MATCH_UNITS_PER_M).astype(np.int64)
    offset = int(cost.max()) + 1
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(dist)))
    graph.add_edges_from(list(zip(a.tolist(), b.tolist(), (offset - cost).tolist(), strict=True)))
    found = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=lambda w: w)
    return sorted((min(i, j), max(i, j)) for i, j in found)


def euler_walk(graph: StreetGraph, service: IntArray, extra: IntArray, start: int) -> Walk:
    """Euler circuit from ``start`` over the multiset ``service`` + ``extra`` edges.

    Iterative Hierholzer on arrays. The first traversal of each ``service`` edge is
    marked as the service step.

    Parameters
    ----------
    graph : StreetGraph
        The street network.
    service, extra : ndarray of int
        Edge ids; together every node must have even degree and be connected to start.
    start : int
        First and last node.

    Returns
    -------
    Walk
        The circuit.
    """
    trav = np.concatenate([service, extra]).astype(np.intp)
    a, b = graph.u[trav], graph.v[trav]
    ends = np.concatenate([a, b])
    order = np.argsort(ends, kind="stable")
    half = np.tile(np.arange(len(trav)), 2)[order].tolist()
    first = np.searchsorted(ends[order], np.arange(graph.n + 1)).tolist()
    pointer, used = list(first), [False] * len(trav)
    a_list, b_list = a.tolist(), b.tolist()
    stack: list[tuple[int, int]] = [(start, -1)]
    out_trav: list[int] = []
    out_node: list[int] = []
    while stack:
        node, via = stack[-1]
        p, stop = pointer[node], first[node + 1]
        while p < stop and used[half[p]]:
            p += 1
        pointer[node] = p
        if p == stop:
            stack.pop()
            out_trav.append(via)
            out_node.append(node)
        else:
            t = half[p]
            used[t] = True
            stack.append((a_list[t] + b_list[t] - node, t))
    if len(out_trav) != len(trav) + 1:
        raise ValueError("the edges to walk are not connected to the start")
    steps = np.array(out_trav[-2::-1], dtype=np.intp)
    heads = np.array(out_node[-2::-1], dtype=np.intp)
    edge = trav[steps]
    forward = graph.v[edge] == heads
    first_time = np.isin(edge, service) & ~pd.Series(edge).duplicated().to_numpy()
    return Walk(edge, forward, first_time)
