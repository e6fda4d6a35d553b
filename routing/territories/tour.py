"""Closed walks through a few buildings (a team's loop), and tour improvement moves."""

from __future__ import annotations

import itertools
import time

import numpy as np

from routing.territories.units import FloatArray, IntArray

# Loops through at most this many sites are solved exactly (by enumeration, ≤ 5,040 tours).
EXACT_LOOP_SITES = 8
# Longest run of sites an or-opt move relocates.
OR_OPT_MAX = 3


def improve_tour(d: FloatArray, tour: IntArray, time_limit_s: float = 60.0) -> IntArray:
    """Best-improvement 2-opt and or-opt on a closed tour until neither helps.

    Each step scores every move at once with numpy (an n × n gain matrix), so a tour
    of a few hundred sites converges in well under a second.

    Parameters
    ----------
    d : ndarray
        Symmetric distances.
    tour : ndarray of int
        A closed tour (each node once).
    time_limit_s : float
        Guard for huge inputs.

    Returns
    -------
    ndarray of int
        The improved tour.
    """
    tour = tour.copy()
    stop = time.monotonic() + time_limit_s
    if len(tour) < 4:
        return tour
    while time.monotonic() < stop:
        if _two_opt_step(d, tour) or any(
            _or_opt_step(d, tour, k) for k in range(1, OR_OPT_MAX + 1)
        ):
            continue
        break
    return tour


def _two_opt_step(d: FloatArray, tour: IntArray) -> bool:
    """Apply the best 2-opt move (reverse tour[i+1..j]) if it shortens the tour."""
    a, b = tour, np.roll(tour, -1)
    gain = d[a, b][:, None] + d[a, b][None, :] - d[np.ix_(a, a)] - d[np.ix_(b, b)]
    gain = np.triu(gain, 2)
    gain[0, -1] = 0.0
    i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
    if gain[i, j] <= 1e-9:
        return False
    tour[i + 1 : j + 1] = tour[i + 1 : j + 1][::-1].copy()
    return True


def _or_opt_step(d: FloatArray, tour: IntArray, k: int) -> bool:
    """Move the best run of ``k`` sites elsewhere (either way round) if that helps."""
    n = len(tour)
    if n < k + 3:
        return False
    idx = np.arange(n)
    first, last = tour, tour[(idx + k - 1) % n]
    before, after = tour[(idx - 1) % n], tour[(idx + k) % n]
    saved = d[before, first] + d[last, after] - d[before, after]
    p, q = tour, np.roll(tour, -1)
    forward = d[np.ix_(first, p)].T + d[np.ix_(last, q)].T - d[p, q][:, None]
    backward = d[np.ix_(last, p)].T + d[np.ix_(first, q)].T - d[p, q][:, None]
    # Insertion edges (p_j, q_j) must lie outside the run and not be its neighbours.
    # Rows are insertion edges j, columns runs i; edges i-1 .. i+k-1 touch the run.
    bad = (idx[:, None] - idx[None, :] + 1) % n <= k
    best = np.minimum(forward, backward)
    best[bad] = np.inf
    gain = saved[None, :] - best
    j, i = np.unravel_index(int(np.argmax(gain)), gain.shape)
    if gain[j, i] <= 1e-9:
        return False
    run = tour[(i + np.arange(k)) % n]
    if backward[j, i] < forward[j, i]:
        run = run[::-1]
    rest = np.delete(tour, (i + np.arange(k)) % n)
    at = int(np.flatnonzero(rest == tour[j])[0])
    tour[:] = np.concatenate([rest[: at + 1], run, rest[at + 1 :]])
    return True


def nearest_neighbour(dist: FloatArray) -> IntArray:
    """A tour from site 0 always to the nearest unvisited site."""
    n = len(dist)
    seen = np.zeros(n, dtype=bool)
    order = [0]
    seen[0] = True
    for _ in range(n - 1):
        row = np.where(seen, np.inf, dist[order[-1]])
        nxt = int(np.argmin(row))
        order.append(nxt)
        seen[nxt] = True
    return np.asarray(order, dtype=np.int64)


class LoopLengths:
    """Closed walking loops through sets of sites, memoised per set."""

    def __init__(self, dist: FloatArray):
        self._dist = dist
        self._memo: dict[tuple[int, ...], tuple[float, tuple[int, ...]]] = {}

    def __call__(self, sites: tuple[int, ...]) -> float:
        """Length (m) of a short closed walk visiting ``sites`` (sorted, unique)."""
        return self.tour(sites)[0]

    def tour(self, sites: tuple[int, ...]) -> tuple[float, tuple[int, ...]]:
        """Length and visiting order of a short closed walk through ``sites``."""
        found = self._memo.get(sites)
        if found is None:
            length, order = loop_tour(self._dist, np.asarray(sites, dtype=np.int64))
            found = self._memo[sites] = (length, tuple(order.tolist()))
        return found


def loop_length(dist: FloatArray, sites: IntArray) -> float:
    """Length (m) of a short closed walk through ``sites`` (see ``loop_tour``)."""
    return loop_tour(dist, sites)[0]


def loop_tour(dist: FloatArray, sites: IntArray) -> tuple[float, IntArray]:
    """A short closed walk through ``sites``: exact up to 8 sites, else 2-opt and or-opt.

    Parameters
    ----------
    dist : ndarray
        Symmetric metres between all sites.
    sites : ndarray of int
        The sites to visit.

    Returns
    -------
    tuple of (float, ndarray of int)
        Metres (0 for fewer than two sites) and the sites in visiting order.
    """
    k = len(sites)
    if k < 2:
        return 0.0, sites.copy()
    d = dist[np.ix_(sites, sites)]
    tour = _exact(d) if k <= EXACT_LOOP_SITES else improve_tour(d, nearest_neighbour(d))
    length = float(d[tour, np.roll(tour, -1)].sum())
    return length, sites[tour]


_PERMS: dict[int, IntArray] = {}


def _exact(d: FloatArray) -> IntArray:
    k = len(d)
    perms = _PERMS.get(k)
    if perms is None:
        rest = np.array(list(itertools.permutations(range(1, k))), dtype=np.int64)
        perms = _PERMS[k] = np.hstack([np.zeros((len(rest), 1), dtype=np.int64), rest])
    lengths = d[perms, np.roll(perms, -1, axis=1)].sum(axis=1)
    return perms[int(np.argmin(lengths))]
