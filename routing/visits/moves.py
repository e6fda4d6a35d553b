"""Local-search moves between and within routes, priced in O(1) by time-warp segments.

Each move writes the routes it changes as pieces of the current ones (see
``segments.build``) into a ``Move`` and returns its cost delta: the new routes'
penalised costs minus the old ones', plus the change of the balance term (weight ×
longest route) and of the penalties of visits left out. ``apply`` then rebuilds the
changed routes. A move that is not defined for its arguments (overlapping segments,
a segment past the route's end) returns ``NO_MOVE``.

Positions count from the start depot (0); the visits of route r sit at 1..size[r].
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from routing.jit import inlined, kernel
from routing.visits.segments import (
    BALANCE,
    DUR,
    FLOOR_W,
    LOOSE,
    Data,
    State,
    build,
    duration,
    install,
    route_cost,
    travel_of,
    write,
)

IntArray = NDArray[np.int64]
NO_MOVE = np.inf
# Move.meta fields: first route, its piece count, second route (-1: none), its pieces.
RA, CA, RB, CB = range(4)


class Move(NamedTuple):
    """Scratch space of one move: up to five pieces for each of two routes."""

    pieces: IntArray  # (2, 5, 4)
    meta: IntArray  # (4,)
    out: IntArray  # (2, n + 2) new visit sequences while applying


def new_move(n: int) -> Move:
    """Scratch space for instances of n nodes."""
    return Move(
        np.zeros((2, 5, 4), dtype=np.int64),
        np.zeros(4, dtype=np.int64),
        np.zeros((2, n + 2), dtype=np.int64),
    )


@inlined
def _piece(move: Move, route: int, k: int, src: int, first: int, last: int, rev: int) -> None:
    p = move.pieces[route, k]
    p[0], p[1], p[2], p[3] = src, first, last, rev


@inlined
def _one_route(
    move: Move, r: int, head: int, src: int, first: int, last: int, rev: int, tail: int, end: int
) -> None:
    """Route r alone changes: its positions 0..head, src[first..last] (reversed if
    ``rev``), then its positions tail..end."""
    _piece(move, 0, 0, r, 0, head, 0)
    _piece(move, 0, 1, src, first, last, rev)
    _piece(move, 0, 2, r, tail, end, 0)
    move.meta[RA], move.meta[CA], move.meta[RB] = r, 3, -1


@inlined
def price(data: Data, state: State, move: Move, extra: float, bound: float) -> float:
    """Cost delta of the routes in ``move`` plus ``extra`` (a change of prizes).

    Returns NO_MOVE without pricing time and loads when the travel of the new routes
    alone shows the delta cannot be below ``bound`` (every other term is >= 0).
    """
    ra, rb = move.meta[RA], move.meta[RB]
    weight = data.scalars[BALANCE]
    old, others = 0, 0
    if weight > 0:
        for r in range(len(state.size)):
            d = duration(data, state, r)
            old = max(old, d)
            if r != ra and r != rb:
                others = max(others, d)
    dist, visits = travel_of(data, state, ra, move.pieces[0], move.meta[CA])
    low = extra + weight * (others - old) - state.cost[ra]
    if visits > 0 or data.scalars[FLOOR_W] > 0:
        low += dist
    if rb >= 0:
        dist, visits = travel_of(data, state, rb, move.pieces[1], move.meta[CB])
        low -= state.cost[rb]
        if visits > 0 or data.scalars[FLOOR_W] > 0:
            low += dist
    if low >= bound:
        return NO_MOVE
    seg_a, visits_a = build(data, state, ra, move.pieces[0], move.meta[CA])
    delta = route_cost(data, state.pen, seg_a, visits_a) - state.cost[ra]
    dur_a = seg_a[DUR] if visits_a > 0 or data.scalars[FLOOR_W] > 0 else 0
    dur_b = 0
    if rb >= 0:
        seg_b, visits_b = build(data, state, rb, move.pieces[1], move.meta[CB])
        delta += route_cost(data, state.pen, seg_b, visits_b) - state.cost[rb]
        dur_b = seg_b[DUR] if visits_b > 0 or data.scalars[FLOOR_W] > 0 else 0
    if weight > 0:
        delta += weight * (max(others, dur_a, dur_b) - old)
    return delta + extra


@kernel
def apply(data: Data, state: State, move: Move) -> None:
    """Carry out ``move``: rebuild its routes (visits dropped from them are left out)."""
    ra, rb = move.meta[RA], move.meta[RB]
    count_a = write(data, state, ra, move.pieces[0], move.meta[CA], move.out[0])
    count_b = 0
    if rb >= 0:
        count_b = write(data, state, rb, move.pieces[1], move.meta[CB], move.out[1])
    for r in (ra, rb):
        if r >= 0:
            for p in range(1, state.size[r] + 1):
                state.route_of[state.nodes[r, p]] = -1
    install(data, state, ra, move.out[0], count_a)
    if rb >= 0:
        install(data, state, rb, move.out[1], count_b)


@inlined
def set_relocate(
    state: State, move: Move, ru: int, pu: int, k: int, rev: int, rv: int, at: int
) -> bool:
    """Pieces of moving the k visits at ru[pu..] (reversed if ``rev``) after rv[at]."""
    end_u, end_v = state.size[ru] + 1, state.size[rv] + 1
    last = pu + k - 1
    if pu < 1 or last >= end_u or at < 0 or at >= end_v:
        return False
    if ru != rv:
        _piece(move, 0, 0, ru, 0, pu - 1, 0)
        _piece(move, 0, 1, ru, last + 1, end_u, 0)
        _piece(move, 1, 0, rv, 0, at, 0)
        _piece(move, 1, 1, ru, pu, last, rev)
        _piece(move, 1, 2, rv, at + 1, end_v, 0)
        move.meta[RA], move.meta[CA], move.meta[RB], move.meta[CB] = ru, 2, rv, 3
    elif at <= pu - 2:
        _piece(move, 0, 0, ru, 0, at, 0)
        _piece(move, 0, 1, ru, pu, last, rev)
        _piece(move, 0, 2, ru, at + 1, pu - 1, 0)
        _piece(move, 0, 3, ru, last + 1, end_u, 0)
        move.meta[RA], move.meta[CA], move.meta[RB] = ru, 4, -1
    elif at > last:
        _piece(move, 0, 0, ru, 0, pu - 1, 0)
        _piece(move, 0, 1, ru, last + 1, at, 0)
        _piece(move, 0, 2, ru, pu, last, rev)
        _piece(move, 0, 3, ru, at + 1, end_u, 0)
        move.meta[RA], move.meta[CA], move.meta[RB] = ru, 4, -1
    else:
        return False
    return True


@inlined
def set_swap(
    state: State, move: Move, ru: int, pu: int, ku: int, rv: int, pv: int, kv: int
) -> bool:
    """Pieces of exchanging the ku visits at ru[pu..] with the kv visits at rv[pv..]."""
    end_u, end_v = state.size[ru] + 1, state.size[rv] + 1
    last_u, last_v = pu + ku - 1, pv + kv - 1
    if pu < 1 or pv < 1 or last_u >= end_u or last_v >= end_v:
        return False
    if ru != rv:
        _piece(move, 0, 0, ru, 0, pu - 1, 0)
        _piece(move, 0, 1, rv, pv, last_v, 0)
        _piece(move, 0, 2, ru, last_u + 1, end_u, 0)
        _piece(move, 1, 0, rv, 0, pv - 1, 0)
        _piece(move, 1, 1, ru, pu, last_u, 0)
        _piece(move, 1, 2, rv, last_v + 1, end_v, 0)
        move.meta[RA], move.meta[CA], move.meta[RB], move.meta[CB] = ru, 3, rv, 3
        return True
    if last_v < pu:  # put the earlier segment first
        pu, ku, last_u, pv, kv, last_v = pv, kv, last_v, pu, ku, last_u
    if last_u >= pv:
        return False
    _piece(move, 0, 0, ru, 0, pu - 1, 0)
    _piece(move, 0, 1, ru, pv, last_v, 0)
    count = 2
    if last_u + 1 <= pv - 1:
        _piece(move, 0, 2, ru, last_u + 1, pv - 1, 0)
        count = 3
    _piece(move, 0, count, ru, pu, last_u, 0)
    _piece(move, 0, count + 1, ru, last_v + 1, end_u, 0)
    move.meta[RA], move.meta[CA], move.meta[RB] = ru, count + 2, -1
    return True


@inlined
def set_tails(state: State, move: Move, ru: int, pu: int, rv: int, pv: int) -> bool:
    """Pieces of 2-opt*: ru keeps 0..pu and takes rv's visits after pv, and back."""
    end_u, end_v = state.size[ru] + 1, state.size[rv] + 1
    if ru == rv or pu < 0 or pv < 0 or pu >= end_u or pv >= end_v:
        return False
    _piece(move, 0, 0, ru, 0, pu, 0)
    _piece(move, 0, 1, rv, pv + 1, end_v, 0)
    _piece(move, 1, 0, rv, 0, pv, 0)
    _piece(move, 1, 1, ru, pu + 1, end_u, 0)
    move.meta[RA], move.meta[CA], move.meta[RB], move.meta[CB] = ru, 2, rv, 2
    return True


@inlined
def set_reverse(state: State, move: Move, r: int, i: int, j: int) -> bool:
    """Pieces of 2-opt within route r: positions i..j in reverse order."""
    end = state.size[r] + 1
    if i < 1 or j <= i or j >= end:
        return False
    _one_route(move, r, i - 1, r, i, j, 1, j + 1, end)
    return True


@inlined
def set_insert(state: State, move: Move, node: int, r: int, at: int) -> bool:
    """Pieces of putting a visit that is left out after position ``at`` of route r."""
    end = state.size[r] + 1
    if state.route_of[node] >= 0 or at < 0 or at >= end:
        return False
    _one_route(move, r, at, LOOSE, node, node, 0, at + 1, end)
    return True


@inlined
def set_replace(state: State, move: Move, node: int, r: int, p: int) -> bool:
    """Pieces of a left-out visit taking the place of the visit at r[p] (left out)."""
    end = state.size[r] + 1
    if state.route_of[node] >= 0 or p < 1 or p >= end:
        return False
    _one_route(move, r, p - 1, LOOSE, node, node, 0, p + 1, end)
    return True


# The moves one by one, priced (the local search sets pieces and prices in one loop).


@kernel
def priced(data: Data, state: State, move: Move, extra: float, bound: float) -> float:
    """``price`` compiled once, for the moves priced one by one."""
    return price(data, state, move, extra, bound)


@kernel
def relocate(
    data: Data,
    state: State,
    move: Move,
    ru: int,
    pu: int,
    k: int,
    rev: int,
    rv: int,
    at: int,
    bound: float,
) -> float:
    """Move the k visits at ru[pu..pu+k-1] (reversed if ``rev``) after position ``at`` of rv."""
    if not set_relocate(state, move, ru, pu, k, rev, rv, at):
        return NO_MOVE
    return priced(data, state, move, 0.0, bound)


@kernel
def swap(
    data: Data,
    state: State,
    move: Move,
    ru: int,
    pu: int,
    ku: int,
    rv: int,
    pv: int,
    kv: int,
    bound: float,
) -> float:
    """Exchange the ku visits at ru[pu..] with the kv visits at rv[pv..]."""
    if not set_swap(state, move, ru, pu, ku, rv, pv, kv):
        return NO_MOVE
    return priced(data, state, move, 0.0, bound)


@kernel
def swap_tails(
    data: Data, state: State, move: Move, ru: int, pu: int, rv: int, pv: int, bound: float
) -> float:
    """2-opt*: route ru keeps positions 0..pu and takes rv's visits after pv, and back."""
    if not set_tails(state, move, ru, pu, rv, pv):
        return NO_MOVE
    return priced(data, state, move, 0.0, bound)


@kernel
def reverse(data: Data, state: State, move: Move, r: int, i: int, j: int, bound: float) -> float:
    """2-opt within route r: visit positions i..j in reverse order (asymmetric-exact)."""
    if not set_reverse(state, move, r, i, j):
        return NO_MOVE
    return priced(data, state, move, 0.0, bound)


@kernel
def remove(data: Data, state: State, move: Move, r: int, p: int, bound: float) -> float:
    """Leave the visit at r[p] out: the route's saving plus the visit's prize."""
    end = state.size[r] + 1
    if p < 1 or p >= end:
        return NO_MOVE
    _piece(move, 0, 0, r, 0, p - 1, 0)
    _piece(move, 0, 1, r, p + 1, end, 0)
    move.meta[RA], move.meta[CA], move.meta[RB] = r, 2, -1
    return priced(data, state, move, float(data.prize[state.nodes[r, p]]), bound)


@kernel
def insert(data: Data, state: State, move: Move, node: int, r: int, at: int, bound: float) -> float:
    """Put a visit that is left out after position ``at`` of route r (its prize saved)."""
    if not set_insert(state, move, node, r, at):
        return NO_MOVE
    return priced(data, state, move, -float(data.prize[node]), bound)


@kernel
def replace(data: Data, state: State, move: Move, node: int, r: int, p: int, bound: float) -> float:
    """A left-out visit in place of the one at r[p]: route change plus the prize given up
    minus the prize saved."""
    if not set_replace(state, move, node, r, p):
        return NO_MOVE
    extra = float(data.prize[state.nodes[r, p]]) - float(data.prize[node])
    return priced(data, state, move, extra, bound)


@kernel
def cheapest_anywhere(
    data: Data, state: State, move: Move, node: int, bound: float, blink: float
) -> tuple[float, int, int]:
    """As ``cheapest_insertion`` over every place of every route."""
    best, best_r, best_at = bound, -1, -1
    for r in range(len(state.size)):
        for at in range(state.size[r] + 1):
            if blink > 0 and np.random.random() < blink:
                continue
            if set_insert(state, move, node, r, at):
                delta = price(data, state, move, -float(data.prize[node]), best)
                if delta < best:
                    best, best_r, best_at = delta, r, at
    return best, best_r, best_at


@kernel
def cheapest_insertion(
    data: Data, state: State, move: Move, node: int, bound: float, blink: float
) -> tuple[float, int, int]:
    """The cheapest place for a left-out visit after or before one of its neighbours, or
    in an empty route: (delta, route, position after which), route -1 when none beats
    ``bound``. Each place next to a neighbour is skipped with probability ``blink``."""
    best, best_r, best_at = bound, -1, -1
    near = data.near[node]
    routes = len(state.size)
    for k in range(2 * len(near) + routes):
        if k < 2 * len(near):
            r = state.route_of[near[k // 2]]
            at = state.pos_of[near[k // 2]] - 1 + k % 2
            if r < 0 or (blink > 0 and np.random.random() < blink):
                continue
        else:
            r, at = k - 2 * len(near), 0
            if state.size[r] != 0:
                continue
        if set_insert(state, move, node, r, at):
            delta = price(data, state, move, -float(data.prize[node]), best)
            if delta < best:
                best, best_r, best_at = delta, r, at
    return best, best_r, best_at
