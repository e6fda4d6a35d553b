"""Iterated 2-opt / Or-opt on one tour: the polish OR-Tools' guided local search lacks.

On plain tours of 150-200 stops, OR-Tools' guided local search makes every improvement
in its first 0.3 s and then none for the rest of a 5-15 s budget (measured on TSPLIB
ch150), and restarting its descent from a perturbed tour costs about 0.2 s a time. This
module spends the rest of the budget on a classic iterated local search: a segment-local
double-bridge kick, then a first-improvement descent with 2-opt and Or-opt moves over
each stop's nearest neighbours, re-examining only stops next to a change ("don't look
bits"); a kicked tour is kept when it is no longer than the current one. Path costs
come from prefix sums in both directions, so asymmetric matrices (stairs up against
down) are handled exactly, reversed segments included.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# Nearest neighbours a move may connect a stop to; 8-10 is the usual trade-off.
NEIGHBOURS = 10
# Longest segment Or-opt moves, and the span of a local double-bridge kick (on TSPLIB
# ch150 and kroA200 at 4 s, spans of 15 and 30 stalled at +0.2-0.4 %, 60 reached the
# optimum with every seed tried).
SEGMENT = 3
KICK_SPAN = 60


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
    search = _Search(travel, nodes)
    search.descend(range(1, len(nodes) - 1))
    best, best_cost = list(search.p), search.cost
    rng, kicks = random.Random(seed), 0
    while time.time() < deadline and (max_kicks is None or kicks < max_kicks):
        kicks += 1
        saved, saved_cost = list(search.p), search.cost
        search.descend(search.kick(rng))
        if search.cost <= saved_cost:
            if search.cost < best_cost:
                best, best_cost = list(search.p), search.cost
        else:
            search.reset(saved)
    return Polished(tuple(best), best_cost, kicks)


def path_cost(travel: NDArray[np.int64], nodes: list[int] | tuple[int, ...]) -> int:
    """The cost of walking ``nodes`` in order."""
    return int(sum(int(travel[a, b]) for a, b in itertools.pairwise(nodes)))


class _Search:
    """The path, its positions and prefix sums, and the moves on them."""

    def __init__(self, travel: NDArray[np.int64], nodes: list[int]) -> None:
        self.d: list[list[int]] = travel.tolist()
        closeness = travel + travel.T
        np.fill_diagonal(closeness, np.iinfo(np.int64).max)
        k = min(NEIGHBOURS, len(travel) - 1)
        near = np.argsort(closeness, axis=1, kind="stable")[:, :k]
        self.near: list[list[int]] = near.tolist()
        self.reset(nodes)

    def reset(self, nodes: list[int]) -> None:
        """Take ``nodes`` as the current path and refresh positions and prefix sums."""
        self.p = nodes
        d = self.d
        self.pos = {node: k for k, node in enumerate(nodes)}
        forward, backward = [0], [0]
        for a, b in itertools.pairwise(nodes):
            forward.append(forward[-1] + d[a][b])
            backward.append(backward[-1] + d[b][a])
        self.fw, self.bw = forward, backward

    @property
    def cost(self) -> int:
        """The current path's cost (the forward prefix sum to its end)."""
        return self.fw[-1]

    def kick(self, rng: random.Random) -> list[int]:
        """A double bridge within a window of the path; the stops at its seams."""
        p, last = self.p, len(self.p) - 1
        span = min(KICK_SPAN, last - 1)
        lo = rng.randint(1, last - span)
        a, b, c = sorted(rng.sample(range(lo, lo + span + 1), 3))
        if a == b or b == c:
            return []
        nodes = p[:a] + p[b:c] + p[a:b] + p[c:]
        self.reset(nodes)
        return [nodes[k] for k in (a - 1, a, b - 1, b, c - 1, c) if 0 < k < last]

    def descend(self, stops: list[int] | range) -> None:
        """First-improvement descent from the given stops (positions for a range)."""
        queue = [self.p[k] for k in stops] if isinstance(stops, range) else list(stops)
        waiting = set(queue)
        while queue:
            node = queue.pop()
            waiting.discard(node)
            touched = self._two_opt(node) or self._or_opt(node)
            for other in touched:
                if other not in waiting and 0 < self.pos[other] < len(self.p) - 1:
                    waiting.add(other)
                    queue.append(other)

    def _reversal(self, i: int, j: int) -> int:
        """Delta of reversing positions i+1..j (0 <= i, i+1 < j <= len-2)."""
        p, d = self.p, self.d
        a, b, c, e = p[i], p[i + 1], p[j], p[j + 1]
        inner = (self.bw[j] - self.bw[i + 1]) - (self.fw[j] - self.fw[i + 1])
        return d[a][c] + d[b][e] - d[a][b] - d[c][e] + inner

    def _two_opt(self, node: int) -> list[int]:
        p, d, last = self.p, self.d, len(self.p) - 1
        q = self.pos[node]
        after = d[node][p[q + 1]] if q < last else 0
        before = d[p[q - 1]][node] if q > 0 else 0
        for other in self.near[node]:
            # a new arc longer than both of the node's own cannot pay (neighbours sorted)
            if d[node][other] >= after and d[other][node] >= before:
                break
            for r in self._positions(other):
                # new arc node->other, or other->node, on either side of the node
                for i, j in ((q, r), (r, q), (q - 1, r - 1), (r - 1, q - 1)):
                    if i >= 0 and i + 1 < j <= last - 1 and self._reversal(i, j) < 0:
                        touched = [p[i], p[i + 1], p[j], p[j + 1]]
                        self.reset(p[: i + 1] + p[i + 1 : j + 1][::-1] + p[j + 1 :])
                        return touched
        return []

    def _positions(self, node: int) -> tuple[int, ...]:
        """Where ``node`` is; a tour's depot is both first and last."""
        k = self.pos[node]
        return (0, k) if node == self.p[0] and k != 0 else (k,)

    def _or_opt(self, node: int) -> list[int]:
        last = len(self.p) - 1
        q = self.pos[node]
        for length in range(1, SEGMENT + 1):
            for i in (q, q - length + 1):  # segments starting or ending at the node
                j = i + length - 1
                if i < 1 or j > last - 1:
                    continue
                move = self._insertion(i, j)
                if move is not None:
                    return move
        return []

    def _anchors(self, first: int, end: int, gain: int) -> set[int]:
        """Positions next to which the segment first..end may go: near one of its ends by
        an arc shorter than what removing it saves (neighbours sorted, so stop there)."""
        d, out = self.d, set[int]()
        for tip in (first, end):
            for anchor in self.near[tip]:
                if min(d[anchor][tip], d[tip][anchor]) >= gain:
                    break
                out.update(self._positions(anchor))
        return out

    def _insertion(self, i: int, j: int) -> list[int] | None:
        """Move positions i..j (either way round) to a better place, if there is one."""
        p, d, last = self.p, self.d, len(self.p) - 1
        first, end, before, after = p[i], p[j], p[i - 1], p[j + 1]
        forward = self.fw[j] - self.fw[i]
        backward = self.bw[j] - self.bw[i]
        saved = d[before][first] + d[end][after] - d[before][after] + forward
        for k in self._anchors(first, end, saved - forward):
            for x in (k - 1, k):  # insert between p[x] and p[x+1]
                if x < 0 or x >= last or i - 1 <= x <= j:
                    continue
                u, v = p[x], p[x + 1]
                plain = d[u][first] + forward + d[end][v] - d[u][v]
                flipped = d[u][end] + backward + d[first][v] - d[u][v]
                added = plain if plain <= flipped else flipped
                if added < saved:
                    segment = p[i : j + 1] if plain <= flipped else p[i : j + 1][::-1]
                    rest = p[:i] + p[j + 1 :]
                    at = x + 1 if x < i else x + 1 - (j - i + 1)
                    self.reset(rest[:at] + segment + rest[at:])
                    return [before, after, u, v, first, end]
        return None
