"""A first plan: order the buildings, cut the floor sequence exactly, give segments teams."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from routing.budget import Budget
from routing.territories.order import building_sequences
from routing.territories.split import cut_sequence, map_segments
from routing.territories.units import Cells, FloatArray, IntArray, Sites

# Extra cost of a boundary that splits one floor's units between two teams.
FLOOR_SPLIT_M = 15.0


@dataclass(frozen=True, eq=False)
class Construction:
    """Labels of the first plan and what the construction had to give up."""

    labels: IntArray
    tolerance: float
    notes: tuple[str, ...]


def construct(
    cells: Cells,
    sites: Sites,
    n_teams: int,
    tolerance: float,
    piece_m: float,
    home_cost: FloatArray | None,
    budget: Budget,
    score: Callable[[IntArray], float],
) -> Construction:
    """Cut a short walk through all buildings, floor by floor, into balanced team segments.

    The walk (OR-Tools routing) visits each building once and runs through its cells
    from the lowest floor up, so every segment holds one contiguous band per building.
    Exact dynamic programming chooses the boundaries: balanced within the tolerance,
    then the shortest loops and fewest pieces. Teams whose pins alone exceed a team's
    share keep just their pins. Several walks are cut; the plan of least tolerance,
    then least ``score``, is kept.

    Parameters
    ----------
    cells : Cells
        Cells (pins marked).
    sites : Sites
        Buildings with their distances.
    n_teams : int
        Teams (>= 1).
    tolerance : float
        Balance tolerance.
    piece_m : float
        Cost of splitting a building between two teams (metres).
    home_cost : ndarray or None
        (sites × teams) members' mean walk from home, for matching segments to teams.
    budget : Budget
        Bound on the building ordering (its time left).
    score : callable
        Objective of a labelling (lower is better).

    Returns
    -------
    Construction
    """
    best: tuple[float, float, Construction] | None = None
    for order in building_sequences(sites.dist, budget.left_s()):
        made = _cut(cells, sites, n_teams, tolerance, piece_m, home_cost, order)
        key = (round(made.tolerance, 6), score(made.labels))
        if best is None or key < best[:2]:
            best = (*key, made)
    assert best is not None
    return best[2]


def _cut(
    cells: Cells,
    sites: Sites,
    n_teams: int,
    tolerance: float,
    piece_m: float,
    home_cost: FloatArray | None,
    order: IntArray,
) -> Construction:
    """The construction for one building order."""
    notes: list[str] = []
    pos = np.empty(sites.count, dtype=np.int64)
    pos[order] = np.arange(sites.count)
    seq = np.lexsort((np.arange(cells.count), pos[cells.building]))
    mean = cells.workload.sum() / n_teams
    pin_load = np.bincount(
        cells.pinned[cells.pinned >= 0],
        weights=cells.workload[cells.pinned >= 0],
        minlength=n_teams,
    )
    alone = np.flatnonzero(pin_load > mean * (1 + tolerance))
    labels = np.full(cells.count, -1, dtype=np.int64)
    in_alone = np.isin(cells.pinned, alone)
    labels[in_alone] = cells.pinned[in_alone]
    rest = seq[~in_alone[seq]]
    teams_left = np.setdiff1d(np.arange(n_teams), alone)
    k = min(len(teams_left), len(rest))
    if k == 0:
        return Construction(labels, tolerance, tuple(notes))
    limit, allowed = _pin_limits(cells, rest, seq, in_alone)
    costs = LoopCosts(cells, sites, rest, piece_m)
    cut = cut_sequence(cells.workload[rest], k, tolerance, costs, limit, allowed)
    if not cut.constrained:
        notes.append("the pins cannot all be kept in separate stretches; some were re-applied")
    segments = [rest[cut.bounds[j] : cut.bounds[j + 1]] for j in range(k)]
    seg_sites = [np.unique(cells.building[s]) for s in segments]
    seg_pins = [_segment_pin(cells.pinned[s], teams_left) for s in segments]
    sub_home = None if home_cost is None else home_cost[:, teams_left]
    team = teams_left[map_segments(seg_sites, seg_pins, len(teams_left), sub_home)]
    for j, s in enumerate(segments):
        labels[s] = team[j]
    return Construction(labels, cut.tolerance, tuple(notes))


def _segment_pin(pinned: IntArray, teams_left: IntArray) -> IntArray:
    """Pinned teams of a segment as positions in ``teams_left``, heaviest first."""
    teams, counts = np.unique(pinned[pinned >= 0], return_counts=True)
    teams = teams[np.argsort(-counts, kind="stable")]
    return np.searchsorted(teams_left, teams).astype(np.int64)


class LoopCosts:
    """Segment cost: the walk through its buildings in sequence order and back, plus pieces.

    For a segment [p, q) of the sequence: the path along the sequence from cell p to
    cell q-1, the walk back from the last building to the first, ``piece_m`` per
    building, and ``FLOOR_SPLIT_M`` when its end splits a floor.
    """

    def __init__(self, cells: Cells, sites: Sites, rest: IntArray, piece_m: float):
        n = len(rest)
        self.site = cells.building[rest]
        self.dist = sites.dist
        step = np.zeros(n)
        step[1:] = sites.dist[self.site[:-1], self.site[1:]]
        self.path = np.cumsum(step)
        change = np.zeros(n, dtype=np.int64)
        change[1:] = self.site[1:] != self.site[:-1]
        self.count = np.cumsum(change)
        self.piece_m = piece_m
        floor = cells.floor[rest]
        self.split = np.zeros(n + 1)
        self.split[1:n] = FLOOR_SPLIT_M * (
            (self.site[1:] == self.site[:-1]) & (floor[1:] == floor[:-1])
        )

    def __call__(self, p: IntArray, q: IntArray) -> FloatArray:
        n = len(self.site)
        p = np.minimum(p, n - 1)
        last = np.clip(q - 1, 0, n - 1)
        walk = self.path[last] - self.path[p] + self.dist[self.site[p], self.site[last]]
        pieces = self.count[last] - self.count[p] + 1
        return walk + self.piece_m * pieces + self.split[q]

    def separable(self) -> tuple[FloatArray, FloatArray]:
        n = len(self.site)
        last = np.clip(np.arange(n + 1) - 1, 0, n - 1)
        end = self.path[last] + self.piece_m * self.count[last] + self.split
        first = np.minimum(np.arange(n + 1), n - 1)
        start = self.path[first] + self.piece_m * (self.count[first] - 1)
        return end, start


def _pin_limits(
    cells: Cells, rest: IntArray, seq: IntArray, removed: np.ndarray
) -> tuple[IntArray, np.ndarray]:
    """Furthest segment end per start and allowed boundaries, from pins and removed bands.

    A segment may hold pins of one team only, must not split a pinned band, and must
    not reach across a band taken out of the sequence inside the same building (that
    would give a team floors on both sides of another team's band).
    """
    n = len(rest)
    limit = np.full(n + 1, n, dtype=np.int64)
    allowed = np.ones(n + 1, dtype=bool)
    pinned = cells.pinned[rest]
    building = cells.building[rest]
    if n >= 2:
        inside = (pinned[1:] >= 0) & (pinned[1:] == pinned[:-1]) & (building[1:] == building[:-1])
        allowed[1:n] = ~inside
    # Barriers: neighbours in ``rest`` of one building with removed cells between them.
    where = np.empty(len(seq), dtype=np.int64)
    where[seq] = np.arange(len(seq))
    gap_removed = np.zeros(n + 1, dtype=bool)
    if n >= 2 and removed.any():
        pos = where[rest]
        jump = (pos[1:] - pos[:-1] > 1) & (building[1:] == building[:-1])
        gap_removed[1:n] = jump
    barrier = np.flatnonzero(gap_removed)
    if len(barrier):
        nxt = np.searchsorted(barrier, np.arange(n + 1), "right")
        has = nxt < len(barrier)
        limit = np.where(has, barrier[np.minimum(nxt, len(barrier) - 1)], limit)
    at = np.flatnonzero(pinned >= 0)
    if len(at):
        team = pinned[at]
        change = np.flatnonzero(np.diff(team)) + 1
        # For pinned cell i: the position of the next pinned cell of a different team.
        run_end = np.concatenate([change, [len(at)]])
        run_of = np.searchsorted(change, np.arange(len(at)), "right")
        nxt_run = run_end[run_of]
        next_other = np.where(nxt_run < len(at), at[np.minimum(nxt_run, len(at) - 1)], n)
        first = np.searchsorted(at, np.arange(n + 1), "left")
        has = first < len(at)
        bound = np.where(has, next_other[np.minimum(first, len(at) - 1)], n)
        limit = np.minimum(limit, bound)
    limit = np.maximum(limit, np.arange(n + 1))
    return limit.astype(np.int64), allowed
