"""The compiled moves of the tour engine (``routing.tour``): 2-opt, Or-opt, kicks, descent.

A path ``p`` is held with each node's position ``pos`` and prefix sums of its arc costs
forwards (``fw``) and backwards (``bw``), so the cost of a reversed segment is exact on
asymmetric matrices. ``near`` lists each node's nearest neighbours, the only nodes a
move may link it to.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from routing.jit import compiled

IntArray = NDArray[np.int64]
# Longest segment Or-opt moves, and the span of a local double-bridge kick (on TSPLIB
# ch150 and kroA200 at 4 s, spans of 15 and 30 stalled at +0.2-0.4 %, 60 reached the
# optimum with every seed tried).
SEGMENT = 3
KICK_SPAN = 60


@compiled
def seed_kicks(seed: int) -> None:
    np.random.seed(seed)


@compiled
def reset(d: IntArray, p: IntArray, pos: IntArray, fw: IntArray, bw: IntArray) -> None:
    """Positions and prefix sums (forward and backward) of path ``p``."""
    for k in range(len(p)):
        pos[p[k]] = k  # a tour's depot: its last position
    fw[0], bw[0] = 0, 0
    for k in range(1, len(p)):
        fw[k] = fw[k - 1] + d[p[k - 1], p[k]]
        bw[k] = bw[k - 1] + d[p[k], p[k - 1]]


@compiled
def iterate_kicks(
    d: IntArray,
    near: IntArray,
    p: IntArray,
    pos: IntArray,
    fw: IntArray,
    bw: IntArray,
    best: IntArray,
    count: int,
) -> None:
    """``count`` kicks, each followed by a descent; a kicked path is kept when it is no
    longer than before; ``best`` receives the shortest path seen."""
    last = len(p) - 1
    for _ in range(count):
        saved, saved_cost = p.copy(), fw[last]
        descend(d, near, p, pos, fw, bw, _kick(d, p, pos, fw, bw))
        if fw[last] <= saved_cost:
            if fw[last] < _cost(d, best):
                best[:] = p
        else:
            p[:] = saved
            reset(d, p, pos, fw, bw)


@compiled
def _cost(d: IntArray, p: IntArray) -> int:
    total = 0
    for k in range(1, len(p)):
        total += d[p[k - 1], p[k]]
    return total


@compiled
def _kick(d: IntArray, p: IntArray, pos: IntArray, fw: IntArray, bw: IntArray) -> IntArray:
    """A double bridge within a window of the path; the stops at its seams."""
    last = len(p) - 1
    span = min(KICK_SPAN, last - 1)
    lo = 1 + np.random.randint(last - span)
    cuts = np.sort(lo + np.random.choice(span + 1, 3, replace=False))
    a, b, c = cuts[0], cuts[1], cuts[2]
    p[a:c] = np.concatenate((p[b:c], p[a:b]))
    reset(d, p, pos, fw, bw)
    seams = np.array([a - 1, a + c - b - 1, a + c - b, c - 1, a, c])
    return p[seams[(seams > 0) & (seams < last)]]


@compiled
def descend(
    d: IntArray,
    near: IntArray,
    p: IntArray,
    pos: IntArray,
    fw: IntArray,
    bw: IntArray,
    stops: IntArray,
) -> None:
    """First-improvement descent from the given stops, re-examining stops at changes."""
    last = len(p) - 1
    waiting = np.zeros(len(d), dtype=np.bool_)
    stack = np.empty(len(d) + 1, dtype=np.int64)
    top = 0
    for node in stops:
        if not waiting[node]:
            waiting[node] = True
            stack[top] = node
            top += 1
    touched = np.empty(6, dtype=np.int64)
    while top > 0:
        top -= 1
        node = stack[top]
        waiting[node] = False
        count = _two_opt(d, near, p, pos, fw, bw, node, touched)
        if count == 0:
            count = _or_opt(d, near, p, pos, fw, bw, node, touched)
        for k in range(count):
            other = touched[k]
            if not waiting[other] and 0 < pos[other] < last:
                waiting[other] = True
                stack[top] = other
                top += 1


@compiled
def _reversal(d: IntArray, p: IntArray, fw: IntArray, bw: IntArray, i: int, j: int) -> int:
    """Delta of reversing positions i+1..j (0 <= i, i+1 < j <= len-2)."""
    a, b, c, e = p[i], p[i + 1], p[j], p[j + 1]
    inner = (bw[j] - bw[i + 1]) - (fw[j] - fw[i + 1])
    return d[a, c] + d[b, e] - d[a, b] - d[c, e] + inner


@compiled
def _two_opt(
    d: IntArray,
    near: IntArray,
    p: IntArray,
    pos: IntArray,
    fw: IntArray,
    bw: IntArray,
    node: int,
    touched: IntArray,
) -> int:
    """Apply the first improving 2-opt that links ``node`` to a neighbour; the stops at
    its seams in ``touched`` and their count (0: none)."""
    last = len(p) - 1
    q = pos[node]
    after = d[node, p[q + 1]] if q < last else 0
    before = d[p[q - 1], node] if q > 0 else 0
    for other in near[node]:
        # a new arc longer than both of the node's own cannot pay (neighbours sorted)
        if d[node, other] >= after and d[other, node] >= before:
            break
        r = pos[other]
        for twice in range(2):  # a tour's depot is both first and last
            if twice == 1:
                if other != p[0] or r == 0:
                    break
                r = 0
            for case in range(4):  # new arc node->other, or other->node, either side
                i, j = ((q, r), (r, q), (q - 1, r - 1), (r - 1, q - 1))[case]
                if i >= 0 and i + 1 < j <= last - 1 and _reversal(d, p, fw, bw, i, j) < 0:
                    touched[0], touched[1], touched[2], touched[3] = p[i], p[i + 1], p[j], p[j + 1]
                    p[i + 1 : j + 1] = p[i + 1 : j + 1][::-1].copy()
                    reset(d, p, pos, fw, bw)
                    return 4
    return 0


@compiled
def _or_opt(
    d: IntArray,
    near: IntArray,
    p: IntArray,
    pos: IntArray,
    fw: IntArray,
    bw: IntArray,
    node: int,
    touched: IntArray,
) -> int:
    """Apply the first improving move of a segment of 1-3 stops starting or ending at
    ``node``; as ``_two_opt``."""
    last = len(p) - 1
    q = pos[node]
    for length in range(1, SEGMENT + 1):
        for side in range(2):  # segments starting or ending at the node
            i = q if side == 0 else q - length + 1
            j = i + length - 1
            if i < 1 or j > last - 1:
                continue
            count = _insertion(d, near, p, pos, fw, bw, i, j, touched)
            if count:
                return count
    return 0


@compiled
def _insertion(
    d: IntArray,
    near: IntArray,
    p: IntArray,
    pos: IntArray,
    fw: IntArray,
    bw: IntArray,
    i: int,
    j: int,
    touched: IntArray,
) -> int:
    """Move positions i..j (either way round) next to a neighbour of one of its ends
    (by an arc shorter than what removing it saves) when that shortens the path."""
    last = len(p) - 1
    first, end, before, after = p[i], p[j], p[i - 1], p[j + 1]
    forward = fw[j] - fw[i]
    backward = bw[j] - bw[i]
    saved = d[before, first] + d[end, after] - d[before, after] + forward
    gain = saved - forward
    for tip in (first, end):
        for anchor in near[tip]:
            if min(d[anchor, tip], d[tip, anchor]) >= gain:
                break  # neighbours sorted: none further can pay
            k = pos[anchor]
            for twice in range(2):
                if twice == 1:
                    if anchor != p[0] or k == 0:
                        break
                    k = 0
                for x in (k - 1, k):  # insert between p[x] and p[x+1]
                    if x < 0 or x >= last or i - 1 <= x <= j:
                        continue
                    u, v = p[x], p[x + 1]
                    plain = d[u, first] + forward + d[end, v] - d[u, v]
                    flipped = d[u, end] + backward + d[first, v] - d[u, v]
                    if min(plain, flipped) < saved:
                        segment = (
                            p[i : j + 1].copy() if plain <= flipped else p[i : j + 1][::-1].copy()
                        )
                        rest = np.concatenate((p[:i], p[j + 1 :]))
                        at = x + 1 if x < i else x + 1 - (j - i + 1)
                        p[:] = np.concatenate((rest[:at], segment, rest[at:]))
                        reset(d, p, pos, fw, bw)
                        touched[:6] = np.array([before, after, u, v, first, end])
                        return 6
    return 0
