"""First-improvement local search over granular neighbourhoods (compiled).

Each visit U is tried against its nearest visits V (``Data.near``): relocating U or the
pair (U, next) after or before V (the pair either way round), swapping 1-1, 2-1, 1-2
and 2-2 visits, 2-opt* (cut U's and V's routes so that U and V become neighbours)
between routes, 2-opt (a reversal creating the arc between U and V) within one; U into
an empty route; U left out when its prize is lower than what it costs, and a visit
that is left out put back after or before one of its neighbours. Only "promising"
visits are examined: those of routes a move changed, or the ones the caller marks
(after a ruin, the visits it moved), so a descent after a small perturbation costs
little.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from routing.jit import kernel
from routing.visits.moves import (
    Move,
    apply,
    cheapest_insertion,
    price,
    relocate,
    remove,
    replace,
    set_insert,
    set_relocate,
    set_reverse,
    set_swap,
    set_tails,
)
from routing.visits.segments import Data, State

# A move is taken when it saves more than this (float noise of penalised costs).
EPSILON = 1e-6


@kernel
def descend(
    data: Data, state: State, move: Move, promising: NDArray[np.bool_], order: NDArray[np.int64]
) -> int:
    """Improve until no promising visit has an improving move; the moves made.

    Parameters
    ----------
    data, state, move
        Instance, routes (changed in place) and scratch space.
    promising : ndarray of bool, shape (n,)
        Visits to examine; cleared as they are, set again for the visits of routes
        a move changes.
    order : ndarray of int
        The visits in the order to examine them (shuffled by the caller).
    """
    moves = 0
    again = True
    while again:
        again = False
        for u in order:
            if not promising[u]:
                continue
            promising[u] = False
            if _improve(data, state, move, u):
                moves += 1
                _mark(state, move, promising)
                promising[u] = True
                again = True
    return moves


@kernel
def _mark(state: State, move: Move, promising: NDArray[np.bool_]) -> None:
    """The visits of the routes the last move changed become promising."""
    for k in (0, 2):
        r = move.meta[k]
        if r >= 0:
            for p in range(1, state.size[r] + 1):
                promising[state.nodes[r, p]] = True


@kernel
def _improve(data: Data, state: State, move: Move, u: int) -> bool:
    """Apply the first improving move found for visit u."""
    ru = state.route_of[u]
    if ru < 0:
        return _put_back(data, state, move, u)
    if remove(data, state, move, ru, state.pos_of[u], -EPSILON) < -EPSILON:
        apply(data, state, move)
        return True
    for v in data.near[u]:
        rv = state.route_of[v]
        if rv < 0:
            continue
        if _pair(data, state, move, state.route_of[u], state.pos_of[u], rv, state.pos_of[v]):
            return True
    return _to_empty(data, state, move, u)


# Moves between U = ru[pu] and its neighbour V = rv[pv], tried in this order:
# U after V, U before V, (U, next) after / before V either way round, swaps 1-1, 2-1,
# 1-2, 2-2, 2-opt* making U -> V or V -> U an arc, 2-opt making them neighbours.
VARIANTS = 13


@kernel
def _pair(data: Data, state: State, move: Move, ru: int, pu: int, rv: int, pv: int) -> bool:
    """Try every move between U = ru[pu] and its neighbour V = rv[pv]; apply the first gain.

    One loop over the variants sets a move's pieces and prices it, so the pricing
    code is compiled once here rather than once per variant.
    """
    for variant in range(VARIANTS):
        if variant < 6:
            k = 1 if variant < 2 else 2
            at = pv if variant in (0, 2, 3) else pv - 1
            ok = set_relocate(state, move, ru, pu, k, variant in (3, 5), rv, at)
        elif variant < 10:
            ku, kv = ((1, 1), (2, 1), (1, 2), (2, 2))[variant - 6]
            ok = set_swap(state, move, ru, pu, ku, rv, pv, kv)
        elif variant == 10:
            ok = set_tails(state, move, ru, pu, rv, pv - 1)
        elif variant == 11:
            ok = set_tails(state, move, ru, pu - 1, rv, pv)
        else:
            i, j = (pu + 1, pv) if pu < pv else (pv, pu - 1)
            ok = ru == rv and set_reverse(state, move, ru, i, j)
        if ok and price(data, state, move, 0.0, -EPSILON) < -EPSILON:
            apply(data, state, move)
            return True
    return False


@kernel
def _to_empty(data: Data, state: State, move: Move, u: int) -> bool:
    """Move u into an empty route (the first one of each start and end pair)."""
    ru, pu = state.route_of[u], state.pos_of[u]
    for r in range(len(state.size)):
        if state.size[r] != 0 or r == ru:
            continue
        seen = False
        for q in range(r):
            same = data.starts[q] == data.starts[r] and data.ends[q] == data.ends[r]
            if state.size[q] == 0 and q != ru and same:
                seen = True
                break
        if seen:
            continue
        if relocate(data, state, move, ru, pu, 1, 0, r, 0, -EPSILON) < -EPSILON:
            apply(data, state, move)
            return True
    return False


@kernel
def _put_back(data: Data, state: State, move: Move, u: int) -> bool:
    """Insert a left-out visit u after or before a neighbour, where it pays most; else
    let it take a neighbour's place when that pays (a full route swaps visits)."""
    _, r, at = cheapest_insertion(data, state, move, u, -EPSILON, 0.0)
    if r >= 0:
        set_insert(state, move, u, r, at)
        apply(data, state, move)
        return True
    for v in data.near[u]:
        rv = state.route_of[v]
        if rv >= 0 and replace(data, state, move, u, rv, state.pos_of[v], -EPSILON) < -EPSILON:
            apply(data, state, move)
            return True
    return False
