"""Ruin and recreate (compiled): remove strings of visits near a seed, reinsert greedily.

The ruin follows SISR (Christiaens & Vanden Berghe 2020, "Slack induction by string
removals for vehicle routing problems"): from a random visit and its nearest
neighbours, one string of consecutive visits is cut from each route met, until
about the wanted number is out. The recreate puts every visit that is out back at its
cheapest position (penalised cost, so a window may be broken at a price) next to one
of its nearest neighbours — or anywhere in any route when the longest route is
weighted (event days: the households of one building are each other's nearest, while
the work should go to the shortest route) — in one of four orders drawn at random
(random, earliest window first, farthest from the start first, tightest window
first), skipping each position with a small "blink" probability so that equal
choices do not always fall the same way.
A visit whose best insertion costs more than its prize stays out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from routing.jit import compiled, kernel
from routing.visits.moves import Move, apply, cheapest_anywhere, cheapest_insertion, set_insert
from routing.visits.segments import BALANCE, FLOOR_W, Data, State, refresh

IntArray = NDArray[np.int64]
# Probability of skipping a position while looking for the cheapest insertion.
BLINK = 0.01


@compiled
def ruin(data: Data, state: State, target: int, longest: int, out: IntArray) -> int:
    """Cut strings of at most ``longest`` visits near a random visit; their count.

    The removed visits are written to ``out`` and left out of every route.
    """
    n = len(data.travel)
    seed = -1
    for _ in range(4 * n):
        v = np.random.randint(n)
        if state.route_of[v] >= 0:
            seed = v
            break
    if seed < 0:
        return 0
    ruined = np.zeros(len(state.size), dtype=np.bool_)
    count = 0
    for k in range(-1, data.near.shape[1]):
        if count >= target:
            break
        v = seed if k < 0 else data.near[seed, k]
        r = state.route_of[v]
        if r < 0 or ruined[r]:
            continue
        ruined[r] = True
        size = state.size[r]
        length = 1 + np.random.randint(min(longest, size, target - count))
        first = state.pos_of[v] - np.random.randint(length)
        first = min(max(first, 1), size - length + 1)
        nodes = state.nodes[r]
        for p in range(first, first + length):
            out[count] = nodes[p]
            state.route_of[nodes[p]] = -1
            count += 1
        nodes[first : size + 2 - length] = nodes[first + length : size + 2].copy()
        state.size[r] = size - length
        refresh(data, state, r)
    return count


@compiled
def recreate(data: Data, state: State, move: Move, todo: IntArray, count: int) -> None:
    """Insert ``todo[:count]`` one by one at their cheapest positions (see module doc)."""
    _order(data, todo, count)
    # With a min-max term a visit may best go far from its neighbours, into the
    # shortest route (households of one building are each other's nearest).
    spread = data.scalars[BALANCE] > 0 or data.scalars[FLOOR_W] > 0
    for k in range(count):
        u = todo[k]
        if state.route_of[u] >= 0:
            continue
        if spread:
            _, best_r, best_at = cheapest_anywhere(data, state, move, u, 0.0, BLINK)
        else:
            _, best_r, best_at = cheapest_insertion(data, state, move, u, 0.0, BLINK)
            if best_r < 0 and not _near_routed(data, state, u):
                _, best_r, best_at = cheapest_anywhere(data, state, move, u, 0.0, BLINK)
        if best_r >= 0:
            set_insert(state, move, u, best_r, best_at)
            apply(data, state, move)


@kernel
def _near_routed(data: Data, state: State, u: int) -> bool:
    for v in data.near[u]:  # noqa: SIM110 (compiled: a loop, not a generator)
        if state.route_of[v] >= 0:
            return True
    return False


@compiled
def _order(data: Data, todo: IntArray, count: int) -> None:
    """Shuffle, then sort by a key drawn at random (stable for the shuffled ties)."""
    for k in range(count - 1, 0, -1):
        j = np.random.randint(k + 1)
        todo[k], todo[j] = todo[j], todo[k]
    kind = np.random.randint(4)
    if kind == 0:
        return
    keys = np.empty(count, dtype=np.int64)
    for k in range(count):
        u = todo[k]
        if kind == 1:
            keys[k] = data.early[u]
        elif kind == 2:
            keys[k] = -data.travel[data.starts[0], u]
        else:
            keys[k] = data.late[u] - data.early[u]
    order = np.argsort(keys, kind="mergesort")
    todo[:count] = todo[:count][order]
