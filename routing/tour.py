"""The one tour-improvement engine: nearest neighbour, then iterated 2-opt / Or-opt.

Every ordering of stops improves its order here: the visit routes' single tours (the
polish OR-Tools' guided local search lacks), a territory team's loop and the building
order the territory planner cuts, and the sweep order of a team's phone route.

On plain tours of 150-200 stops, OR-Tools' guided local search makes every improvement
in its first 0.3 s and then none for the rest of a 5-15 s budget (measured on TSPLIB
ch150), and restarting its descent from a perturbed tour costs about 0.2 s a time. The
engine is a classic iterated local search: a segment-local double-bridge kick, then a
first-improvement descent with 2-opt and Or-opt moves over each stop's nearest
neighbours, re-examining only stops next to a change ("don't look bits"); a kicked tour
is kept when it is no longer than the current one. Path costs come from prefix sums in
both directions, so asymmetric matrices (stairs up against down) are handled exactly,
reversed segments included. The kicks and descents (``routing.tour_moves``) are compiled
with numba (about 30,000 kicks/s on ch150; pure Python made 1,000). ``polish_path``
works on whole-number costs with both ends fixed; ``improve_tour`` (closed) and
``improve_path`` (open, the ends free) take metres too.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from routing.tour_moves import descend, iterate_kicks, reset, seed_kicks

IntArray = NDArray[np.int64]
# Nearest neighbours a move may connect a stop to; 8-10 is the usual trade-off.
NEIGHBOURS = 10
# Costs that are not whole numbers (metres) are compared in hundredths: the compiled
# moves add integers, exactly.
FRACTION_SCALE = 100.0


@dataclass(frozen=True)
class Polished:
    """A polished path and what it cost to get there."""

    path: tuple[int, ...]
    cost: int
    kicks: int


def polish_path(
    travel: NDArray[np.int64],
    path: list[int] | tuple[int, ...],
    *,
    deadline: float,
    seed: int = 0,
    max_kicks: int | None = None,
) -> Polished:
    """Shorten a path whose first and last nodes stay in place (a tour: same node).

    Parameters
    ----------
    travel : ndarray of int, shape (n, n)
        Arc costs.
    path : sequence of int
        Start node, the stops in order, end node.
    deadline : float
        ``time.time()`` at which to stop kicking.
    seed : int
        Seed of the kicks: the same seed and kick budget give the same path.
    max_kicks : int, optional
        Stop after this many kicks (a work budget that, unlike the clock, repeats).

    Returns
    -------
    Polished
        The best path found (never longer than ``path``), its cost, kicks made.
    """
    nodes = list(path)
    if len(nodes) < 5:
        return Polished(tuple(nodes), path_cost(travel, nodes), 0)
    d = np.ascontiguousarray(travel, dtype=np.int64)
    closeness = d + d.T
    np.fill_diagonal(closeness, np.iinfo(np.int64).max)
    k = min(NEIGHBOURS, len(d) - 1)
    near = np.ascontiguousarray(np.argsort(closeness, axis=1, kind="stable")[:, :k])
    p = np.array(nodes, dtype=np.int64)
    pos = np.zeros(len(d), dtype=np.int64)
    fw, bw = np.zeros(len(p), dtype=np.int64), np.zeros(len(p), dtype=np.int64)
    reset(d, p, pos, fw, bw)
    descend(d, near, p, pos, fw, bw, p[1:-1].copy())
    best = p.copy()
    seed_kicks(seed)
    # Imported here: routing.visits (whose package imports this module) holds the budget.
    from routing.visits.budget import Budget

    budget, done, per = Budget(deadline, max_kicks), 0, 1e-4
    while budget.left(done):
        units = budget.step(done, per)
        began = time.perf_counter()
        iterate_kicks(d, near, p, pos, fw, bw, best, units)
        per = (time.perf_counter() - began) / max(units, 1)
        done += units
    return Polished(tuple(int(v) for v in best), path_cost(travel, best.tolist()), done)


def path_cost(travel: NDArray[np.int64], nodes: list[int] | tuple[int, ...]) -> int:
    """The cost of walking ``nodes`` in order."""
    return int(sum(int(travel[a, b]) for a, b in itertools.pairwise(nodes)))


def warm_up() -> None:
    """Compile the engine (or load it from numba's disk cache) on a six-stop tour.

    Solvers with a time limit call this before their clock starts: loading the compiled
    code takes about a second per process, compiling it from scratch a minute.
    """
    if _WARM:
        return
    ring = np.array([0, 2, 3, 4, 3, 2], dtype=np.int64)
    travel = ring[np.abs(np.arange(6)[:, None] - np.arange(6)[None, :])]
    polish_path(travel, [0, 1, 2, 3, 4, 5, 0], deadline=time.time() + 60, max_kicks=2)
    _WARM.append(True)


_WARM: list[bool] = []


def whole_costs(dist: NDArray[np.generic]) -> IntArray:
    """Arc costs as the compiled moves take them: integers as they are, other numbers
    (metres) in hundredths, rounded."""
    if np.issubdtype(dist.dtype, np.integer):
        return np.ascontiguousarray(dist, dtype=np.int64)
    scaled = np.rint(np.asarray(dist, dtype=float) * FRACTION_SCALE)
    if not np.isfinite(scaled).all():
        raise ValueError("tour costs must be finite numbers")
    return scaled.astype(np.int64)


def nearest_neighbour(dist: NDArray[np.generic], start: int = 0) -> IntArray:
    """Every node once, from ``start`` always on to the nearest node not yet visited."""
    n = len(dist)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    order = [start]
    seen[start] = True
    for _ in range(n - 1):
        row = np.where(seen, np.inf, dist[order[-1]])
        nxt = int(np.argmin(row))
        order.append(nxt)
        seen[nxt] = True
    return np.asarray(order, dtype=np.int64)


def improve_tour(
    dist: NDArray[np.generic],
    tour: IntArray,
    *,
    kicks: int = 0,
    seed: int = 0,
    time_limit_s: float = 60.0,
) -> IntArray:
    """A closed tour through ``tour``'s nodes, no longer than ``tour``.

    Parameters
    ----------
    dist : ndarray, shape (n, n)
        Arc costs (metres or whole numbers; asymmetric allowed).
    tour : ndarray of int
        Each node to visit once, in a first order.
    kicks : int
        Kicks after the first descent (0: the descent's local optimum). A kick budget
        repeats for a seed on any machine.
    seed : int
        Seed of the kicks.
    time_limit_s : float
        Stop kicking after this long (a guard; ``kicks`` is the budget meant).

    Returns
    -------
    ndarray of int
        The improved tour, starting where ``tour`` starts.
    """
    tour = np.asarray(tour, dtype=np.int64)
    if len(tour) < 4:
        return tour.copy()
    path = [*tour.tolist(), int(tour[0])]
    done = polish_path(
        whole_costs(dist), path, deadline=time.time() + time_limit_s, seed=seed, max_kicks=kicks
    )
    return np.asarray(done.path[:-1], dtype=np.int64)


def improve_path(
    dist: NDArray[np.generic],
    path: IntArray,
    *,
    keep_start: bool = False,
    kicks: int = 0,
    seed: int = 0,
    time_limit_s: float = 60.0,
) -> IntArray:
    """An open walk through all ``path``'s nodes, no longer than ``path``; it may end
    anywhere, and start anywhere unless ``keep_start``.

    A zero-cost dummy node closes the walk into a tour (before the start and after the
    end, or after the end only), so the engine's moves also choose where it ends.
    Parameters as ``improve_tour``; ``dist`` covers exactly the nodes of ``path``.

    Returns
    -------
    ndarray of int
        The improved walk (with ``keep_start``, starting at ``path[0]``).
    """
    path = np.asarray(path, dtype=np.int64)
    n = len(dist)
    if len(path) < 3:
        return path.copy()
    costs = np.zeros((n + 1, n + 1), dtype=np.int64)
    costs[:n, :n] = whole_costs(dist)
    nodes = [*path.tolist(), n] if keep_start else [n, *path.tolist(), n]
    done = polish_path(
        costs, nodes, deadline=time.time() + time_limit_s, seed=seed, max_kicks=kicks
    )
    return np.asarray([v for v in done.path if v != n], dtype=np.int64)
