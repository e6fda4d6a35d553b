"""Sparse walking graphs: symmetric CSR construction and contraction of degree-2 chains."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# Weights below this (metres or seconds) are raised to it: scipy's csgraph would read
# an explicit zero as "no edge".
MIN_WEIGHT: Final = 1e-6


@dataclass(frozen=True, eq=False)
class Chains:
    """Maximal runs of edges through degree-2 nodes, contracted to hub-to-hub edges.

    Dead ends are left out of the hub graph too: a point on a dead-end chain reaches
    everything through the chain's other end. Dijkstra on the hub graph is several
    times faster than on OSM's nodes.
    """

    chain: IntArray  # per edge: its chain
    forward: NDArray[np.bool_]  # per edge: u -> v runs along the chain
    start: FloatArray  # per edge, shape (2, m): chain position of u in metres, seconds
    ends: IntArray  # per chain, shape (c, 2): hub at the first and last end
    dead: NDArray[np.bool_]  # per chain, shape (c, 2): that end is a dead end
    total: FloatArray  # per chain, shape (2, c): length in metres, seconds
    graphs: tuple[csr_array, csr_array]  # hub graphs of metres and seconds


def contract(u: IntArray, v: IntArray, weights: FloatArray, n: int) -> Chains:
    """Chains of a connected graph; ``weights`` has shape (2, m): metres and seconds."""
    m = len(u)
    degree = np.bincount(u, minlength=n) + np.bincount(v, minlength=n)
    junction = degree != 2
    junction[0] |= not junction.any()  # the whole network is one loop
    # Split every junction into one copy per edge end: each chain becomes a component.
    su = np.where(junction[u], n + 2 * np.arange(m), u)
    sv = np.where(junction[v], n + 2 * np.arange(m) + 1, v)
    split = [undirected_csr(su, sv, w, n + 2 * m) for w in weights]
    chain = pd.factorize(connected_components(split[0], directed=False)[1][su])[0]
    copies = np.concatenate([su[junction[u]], sv[junction[v]]])
    copy_chain = np.concatenate([chain[junction[u]], chain[junction[v]]])
    first, last = np.full(chain.max() + 1, n + 2 * m), np.full(chain.max() + 1, -1)
    np.minimum.at(first, copy_chain, copies)
    np.maximum.at(last, copy_chain, copies)
    pos = np.stack([dijkstra(g, directed=False, indices=first, min_only=True) for g in split])
    edge, side = np.divmod(np.stack([first, last], axis=1) - n, 2)
    end_node = np.where(side == 0, u[edge], v[edge])
    dead = degree[end_node] == 1
    dead &= ~dead.all(axis=1, keepdims=True)  # a network that is one path keeps its ends
    hub = np.zeros(n, dtype=bool)
    hub[end_node[~dead]] = True
    ends = (np.cumsum(hub) - 1)[np.where(dead, end_node[:, ::-1], end_node)]
    total, live = pos[:, last], ~dead.any(axis=1)
    graphs = tuple(
        undirected_csr(ends[live, 0], ends[live, 1], w[live], int(hub.sum())) for w in total
    )
    forward = pos[0, sv] >= pos[0, su]
    return Chains(chain, forward, pos[:, su], ends, dead, total, graphs)


def undirected_csr(a: IntArray, b: IntArray, w: FloatArray, n: int) -> csr_array:
    """Symmetric sparse graph keeping the lightest of parallel edges (csr would sum them)."""
    rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
    weight = np.maximum(np.concatenate([w, w]), MIN_WEIGHT)
    key = rows.astype(np.int64) * n + cols
    order = np.lexsort((weight, key))
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]]
    return csr_array((weight[first], (rows[first], cols[first])), shape=(n, n))
