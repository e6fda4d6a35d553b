"""The compiled iterations of the routes search: ruin, recreate, descend, accept.

One iteration cuts a few strings of visits (``ruin``), puts them back (``recreate``),
runs the local search from the visits that moved (``localsearch.descend``) and accepts
the result by late-acceptance hill climbing (Burke & Bykov 2017): when it is cheaper
than the current solution or than the one accepted ``history`` iterations ago. Costs
are penalised: time warp and excess load cost a weight that adapts every
``PENALTY_WINDOW`` iterations, up when fewer than ``TARGET_FEASIBLE`` of the results
were feasible, down when more, so the search crosses infeasible space without staying
there. The best feasible solution is kept apart; after ``restart`` iterations without
a better one, the current solution goes back to it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from routing.jit import compiled, kernel
from routing.visits.localsearch import descend
from routing.visits.moves import Move
from routing.visits.ruin import recreate, ruin
from routing.visits.segments import (
    BALANCE,
    CAPACITY,
    LOAD,
    PEN_LOAD,
    PEN_WARP,
    WARP,
    Data,
    State,
    duration,
    full,
    refresh,
    route_cost,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# Control values kept between calls (Control.values).
BEST, ITERATIONS, SINCE_BEST, FEASIBLE, SEEN, SLOT, CUR_BASE, CUR_WARP, CUR_LOAD = range(9)
# Tuning (Control.params): ruin size range, longest string, history length, restart.
MIN_RUIN, MAX_RUIN, LONGEST, HISTORY, RESTART = range(5)
PENALTY_WINDOW = 100
TARGET_FEASIBLE = 0.65
PENALTY_UP, PENALTY_DOWN = 1.5, 0.9
PENALTY_MIN = 0.01


@kernel
def seed_random(seed: int) -> None:
    """Seed the compiled code's random numbers (numba keeps its own generator)."""
    np.random.seed(seed)


@compiled
def parts(data: Data, state: State) -> tuple[float, int, int]:
    """(cost without penalties, total time warp, total excess load) of the routes."""
    zero = np.zeros(2)
    base, warp, excess, longest = 0.0, 0, 0, 0
    for r in range(len(state.size)):
        seg = full(state, r)
        base += route_cost(data, zero, seg, state.size[r])
        warp += seg[WARP]
        excess += max(seg[LOAD] - data.scalars[CAPACITY], 0)
        longest = max(longest, duration(data, state, r))
    base += data.scalars[BALANCE] * longest
    for v in range(len(data.travel)):
        if data.is_visit[v] and state.route_of[v] < 0:
            base += data.prize[v]
    return base, warp, excess


@kernel
def set_penalties(data: Data, state: State, warp: float, load: float) -> None:
    """New penalty weights; every route's cost is repriced."""
    state.pen[PEN_WARP], state.pen[PEN_LOAD] = warp, load
    for r in range(len(state.size)):
        state.cost[r] = route_cost(data, state.pen, full(state, r), state.size[r])


@kernel
def restore(
    data: Data, state: State, nodes: IntArray, size: IntArray, which: NDArray[np.bool_]
) -> None:
    """Routes flagged in ``which`` back to the sequences in ``nodes``/``size``."""
    for r in range(len(state.size)):
        if which[r]:
            for p in range(1, state.size[r] + 1):
                state.route_of[state.nodes[r, p]] = -1
    for r in range(len(state.size)):
        if which[r]:
            for p in range(size[r] + 2):
                state.nodes[r, p] = nodes[r, p]
            state.size[r] = size[r]
            refresh(data, state, r)


@compiled
def run(
    data: Data,
    state: State,
    move: Move,
    snap: IntArray,
    snap_size: IntArray,
    best: IntArray,
    best_size: IntArray,
    values: FloatArray,
    params: IntArray,
    history: FloatArray,
    order: IntArray,
    iterations: int,
) -> None:
    """``iterations`` iterations from the current solution in ``state`` (= ``snap``).

    ``best``/``best_size`` receive the best feasible routes and ``values[BEST]`` their
    cost; ``history`` (length, 3) holds (base, warp, excess) of accepted costs;
    ``order`` holds the visits, reshuffled in place each iteration: kept by the caller
    between calls, so that a run does not depend on how it is sliced.
    """
    n = len(data.travel)
    todo = np.empty(n, dtype=np.int64)
    promising = np.zeros(n, dtype=np.bool_)
    routes = len(state.size)
    everything = np.ones(routes, dtype=np.bool_)
    for _ in range(iterations):
        values[ITERATIONS] += 1
        values[SINCE_BEST] += 1
        if values[SINCE_BEST] > params[RESTART] and values[BEST] < np.inf:
            restore(data, state, best, best_size, everything)
            snap[:] = best
            snap_size[:] = best_size
            base, warp, excess = parts(data, state)
            values[CUR_BASE], values[CUR_WARP], values[CUR_LOAD] = base, warp, excess
            history[:, 0] = np.inf
            values[SINCE_BEST] = 0
        state.touched[:] = False
        span = params[MAX_RUIN] - params[MIN_RUIN] + 1
        target = params[MIN_RUIN] + np.random.randint(span)
        count = ruin(data, state, target, params[LONGEST], todo)
        count = _add_unrouted(state, order, todo, count)
        recreate(data, state, move, todo, count)
        _mark_promising(state, todo, count, promising)
        _shuffle(order)
        descend(data, state, move, promising, order)
        base, warp, excess = parts(data, state)
        feasible = warp == 0 and excess == 0
        values[SEEN] += 1
        if feasible:
            values[FEASIBLE] += 1
            if base < values[BEST]:
                values[BEST] = base
                values[SINCE_BEST] = 0
                best[:] = state.nodes
                best_size[:] = state.size
        if _accept(state, values, history, params, base, warp, excess):
            for r in range(routes):
                if state.touched[r]:
                    snap[r, : state.size[r] + 2] = state.nodes[r, : state.size[r] + 2]
                    snap_size[r] = state.size[r]
        else:
            restore(data, state, snap, snap_size, state.touched.copy())
        if values[SEEN] >= PENALTY_WINDOW:
            _adapt(data, state, values)


@kernel
def _add_unrouted(state: State, order: IntArray, todo: IntArray, count: int) -> int:
    """Append the visits in no route (in ``order``) to the ``count`` ruined ones."""
    for k in range(len(order)):
        v = order[k]
        if state.route_of[v] < 0 and not _listed(todo, count, v):
            todo[count] = v
            count += 1
    return count


@kernel
def _mark_promising(state: State, todo: IntArray, count: int, promising: NDArray[np.bool_]) -> None:
    """Flag the visits the local search starts from: those re-inserted and every visit
    of a route the iteration touched."""
    for v in range(len(promising)):
        promising[v] = False
    for k in range(count):
        promising[todo[k]] = True
    for r in range(len(state.size)):
        if state.touched[r]:
            for p in range(1, state.size[r] + 1):
                promising[state.nodes[r, p]] = True


@kernel
def _listed(todo: IntArray, count: int, v: int) -> bool:
    for k in range(count):  # noqa: SIM110 (compiled: a loop, not a generator)
        if todo[k] == v:
            return True
    return False


@kernel
def _shuffle(order: IntArray) -> None:
    for k in range(len(order) - 1, 0, -1):
        j = np.random.randint(k + 1)
        order[k], order[j] = order[j], order[k]


@kernel
def _accept(
    state: State,
    values: FloatArray,
    history: FloatArray,
    params: IntArray,
    base: float,
    warp: int,
    excess: int,
) -> bool:
    """Late acceptance: cheaper than the current or than the cost ``history`` ago."""
    pen = state.pen
    cost = base + pen[PEN_WARP] * warp + pen[PEN_LOAD] * excess
    current = values[CUR_BASE] + pen[PEN_WARP] * values[CUR_WARP] + pen[PEN_LOAD] * values[CUR_LOAD]
    slot = int(values[SLOT])
    h = history[slot]
    late = h[0] + pen[PEN_WARP] * h[1] + pen[PEN_LOAD] * h[2]
    accepted = cost < late or cost < current
    if accepted:
        values[CUR_BASE], values[CUR_WARP], values[CUR_LOAD] = base, warp, excess
        current = cost
    if current < late:
        h[0], h[1], h[2] = values[CUR_BASE], values[CUR_WARP], values[CUR_LOAD]
    values[SLOT] = (slot + 1) % params[HISTORY]
    return accepted


@kernel
def _adapt(data: Data, state: State, values: FloatArray) -> None:
    """Penalties towards TARGET_FEASIBLE of feasible results."""
    share = values[FEASIBLE] / values[SEEN]
    values[FEASIBLE], values[SEEN] = 0, 0
    warp, load = state.pen[PEN_WARP], state.pen[PEN_LOAD]
    if share < TARGET_FEASIBLE - 0.05:
        warp, load = warp * PENALTY_UP, load * PENALTY_UP
    elif share > TARGET_FEASIBLE + 0.05:
        warp = max(warp * PENALTY_DOWN, PENALTY_MIN)
        load = max(load * PENALTY_DOWN, PENALTY_MIN)
    else:
        return
    set_penalties(data, state, warp, load)
