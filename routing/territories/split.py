"""Exact cutting of a cell sequence into balanced contiguous segments, and their teams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from routing.territories.units import FloatArray, IntArray

BoolArray = NDArray[np.bool_]
# Cost that keeps an assignment away from a segment whose pins belong to another team.
_FORBIDDEN = 1e12
# Up to this many candidate starts per segment end, the DP tries each one exactly.
MAX_EXACT_WIDTH = 256


@dataclass(frozen=True, eq=False)
class SequenceCut:
    """Segment bounds (``bounds[j]:bounds[j + 1]`` is segment j) and the tolerance met."""

    bounds: IntArray
    tolerance: float
    constrained: bool  # False when pin and barrier constraints had to be dropped


def cut_sequence(
    work: FloatArray,
    k: int,
    tolerance: float,
    costs: SegmentCosts,
    limit: IntArray,
    allowed: BoolArray,
) -> SequenceCut:
    """Cut ``work`` into ``k`` contiguous segments of workload within ±tolerance of the mean.

    Among all such cuts, dynamic programming finds one of least total segment cost
    (exact: every feasible start of every segment end is tried, vectorised over the
    ends). When no cut meets ``tolerance`` the smallest tolerance that can be met is
    found by bisection.

    Parameters
    ----------
    work : ndarray
        Workload of each cell in sequence order (n cells, n >= k >= 1).
    k : int
        Number of segments.
    tolerance : float
        Relative deviation from the mean allowed per segment.
    costs : SegmentCosts
        Cost of a segment [p, q) of the sequence.
    limit : ndarray of int
        ``limit[p]``: the furthest end of a segment starting at p (non-decreasing in p).
    allowed : ndarray of bool
        Whether a boundary may fall at each position 0..n.

    Returns
    -------
    SequenceCut
    """
    n = len(work)
    prefix = np.concatenate([[0.0], np.cumsum(work)])
    constrained = True
    if not _feasible(prefix, k, 1e9, limit, allowed):
        limit, allowed, constrained = np.full(n + 1, n), np.ones(n + 1, dtype=bool), False
    t = tolerance * 0.999
    if not _feasible(prefix, k, t, limit, allowed):
        t = _smallest_tolerance(prefix, k, t, limit, allowed)
    bounds = _cheapest(prefix, k, t, costs, limit, allowed)
    return SequenceCut(bounds, t, constrained)


class SegmentCosts(Protocol):
    """Cost of segments [p, q) of a sequence, and a separable stand-in for wide windows."""

    def __call__(self, p: IntArray, q: IntArray) -> FloatArray:
        """Cost of each segment [p[i], q[i])."""

    def separable(self) -> tuple[FloatArray, FloatArray]:
        """``(end, start)`` with cost(p, q) ≈ end[q] - start[p], for positions 0..n."""


def _windows(prefix: FloatArray, k: int, t: float, limit: IntArray) -> tuple[IntArray, IntArray]:
    """For each segment start p: the first and last feasible segment end."""
    n = len(prefix) - 1
    mean = prefix[-1] / k
    lo, hi = mean * (1 - t), mean * (1 + t)
    eps = 1e-9 * max(mean, 1.0)
    start = prefix[:-1]
    qlo = np.maximum(np.arange(1, n + 1), np.searchsorted(prefix, start + lo - eps, "left"))
    qhi = np.searchsorted(prefix, start + hi + eps, "right") - 1
    qhi = np.minimum(np.minimum(qhi, limit[:-1]), n)
    return qlo.astype(np.int64), qhi.astype(np.int64)


def _feasible(prefix: FloatArray, k: int, t: float, limit: IntArray, allowed: BoolArray) -> bool:
    n = len(prefix) - 1
    qlo, qhi = _windows(prefix, k, t, limit)
    reach = np.zeros(n + 1, dtype=bool)
    reach[0] = True
    for _ in range(k):
        p = np.flatnonzero(reach[:-1] & (qlo <= qhi))
        diff = np.zeros(n + 2, dtype=np.int64)
        np.add.at(diff, qlo[p], 1)
        np.add.at(diff, qhi[p] + 1, -1)
        reach = (np.cumsum(diff)[: n + 1] > 0) & allowed
        if not reach.any():
            return False
    return bool(reach[n])


def _smallest_tolerance(
    prefix: FloatArray, k: int, t: float, limit: IntArray, allowed: BoolArray
) -> float:
    lo, hi = t, max(2 * t, 0.01)
    while not _feasible(prefix, k, hi, limit, allowed):
        lo, hi = hi, hi * 2
    for _ in range(30):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if _feasible(prefix, k, mid, limit, allowed) else (mid, hi)
        if hi - lo < 1e-4:
            break
    return hi


def _cheapest(
    prefix: FloatArray,
    k: int,
    t: float,
    costs: SegmentCosts,
    limit: IntArray,
    allowed: BoolArray,
) -> IntArray:
    n = len(prefix) - 1
    qlo, qhi = _windows(prefix, k, t, limit)
    q = np.arange(n + 1)
    # Segment starts p that may end at q form the range pmin(q)..pmax(q).
    pmin = np.searchsorted(qhi, q, "left")
    pmax = np.searchsorted(qlo, q, "right") - 1
    ok = (pmin <= pmax) & allowed
    width = int((pmax - pmin + 1)[ok].max()) if ok.any() else 1
    value = np.full(n + 1, np.inf)
    value[0] = 0.0
    parent = np.zeros((k, n + 1), dtype=np.int64)
    if width <= MAX_EXACT_WIDTH:
        # Every candidate start r steps after pmin(q), for all ends q at once.
        starts = [np.minimum(pmin + r, n) for r in range(width)]
        valid = [ok & (p <= pmax) for p in starts]
        seg = [np.where(v, costs(p, q), np.inf) for p, v in zip(starts, valid, strict=True)]
        for j in range(k):
            cand = np.stack([value[p] + c for p, c in zip(starts, seg, strict=True)])
            pick = np.argmin(cand, axis=0)
            value = cand[pick, q]
            parent[j] = pmin + pick
    else:
        end, start = costs.separable()
        for j in range(k):
            best, arg = _range_min(value[:-1] - start[:-1], pmin, pmax, ok)
            value = np.where(ok, best + end, np.inf)
            parent[j] = arg
    bounds = np.zeros(k + 1, dtype=np.int64)
    bounds[k] = n
    for j in range(k - 1, -1, -1):
        bounds[j] = parent[j, bounds[j + 1]]
    return bounds


def _range_min(
    values: FloatArray, lo: IntArray, hi: IntArray, ok: BoolArray
) -> tuple[FloatArray, IntArray]:
    """Minimum and its first position of ``values[lo:hi + 1]`` per query (sparse table)."""
    n = len(values)
    levels = [(values, np.arange(n))]
    span = 1
    while 2 * span <= n:
        v, a = levels[-1]
        left, right = v[: n - 2 * span + 1], v[span : n - span + 1]
        take = right < left
        levels.append(
            (np.where(take, right, left), np.where(take, a[span : n - span + 1], a[: len(left)]))
        )
        span *= 2
    lo = np.where(ok, lo, 0)
    hi = np.where(ok, hi, 0)
    length = hi - lo + 1
    level = np.floor(np.log2(np.maximum(length, 1))).astype(np.int64)
    best = np.full(len(lo), np.inf)
    arg = np.zeros(len(lo), dtype=np.int64)
    for lv in np.unique(level[ok]):
        sel = ok & (level == lv)
        v, a = levels[lv]
        i, j = lo[sel], hi[sel] - (1 << lv) + 1
        take = v[j] < v[i]
        best[sel] = np.where(take, v[j], v[i])
        arg[sel] = np.where(take, a[j], a[i])
    return best, arg


def map_segments(
    segment_sites: list[IntArray],
    segment_pins: list[IntArray],
    n_teams: int,
    home_cost: FloatArray | None,
) -> IntArray:
    """The team of each segment: pins decide, then members' homes (exact assignment).

    Parameters
    ----------
    segment_sites : list of ndarray of int
        Sites each segment touches.
    segment_pins : list of ndarray of int
        Teams pinned to cells of each segment.
    n_teams : int
        Teams available (>= number of segments).
    home_cost : ndarray or None
        (sites × teams) members' mean walk from home; None when homes are unknown.

    Returns
    -------
    ndarray of int
        Team index per segment, all distinct.
    """
    m = len(segment_sites)
    cost = np.zeros((m, n_teams))
    if home_cost is not None:
        for s, sites in enumerate(segment_sites):
            cost[s] = home_cost[sites].max(axis=0)
    else:
        # Without homes, teams follow the sequence in roster order.
        cost += np.abs(np.arange(m)[:, None] - np.arange(n_teams)[None, :]) * 1e-3
    for s, pins in enumerate(segment_pins):
        if len(pins):
            pinned = int(pins[0])
            cost[s] += _FORBIDDEN
            cost[s, pinned] -= _FORBIDDEN
            others = np.ones(m, dtype=bool)
            others[s] = False
            cost[others, pinned] += _FORBIDDEN / 2
    rows, cols = linear_sum_assignment(cost)
    team = np.empty(m, dtype=np.int64)
    team[rows] = cols
    return team
