"""Balance repair by ejection chains: pass band-end cells from team to team until one has room."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from routing.budget import Budget
from routing.territories.state import State
from routing.territories.units import FloatArray, IntArray

# Teams nearest a building that may open a new band there.
NEAR_TEAMS = 4
# Longest chain of teams one repair step may pass a cell through.
MAX_CHAIN = 40


@dataclass(frozen=True)
class Move:
    """Cell ``cell`` passes from team ``src`` to team ``dst``."""

    cell: int
    src: int
    dst: int
    cost: float
    opens: bool  # ``dst`` has no band in the cell's building yet


def repair_balance(state: State, budget: Budget, seed_site: IntArray) -> int:
    """Bring teams inside [lo, hi] by chains of single-cell moves between neighbouring bands.

    A team over ``hi`` passes a cell at the end of one of its bands to a neighbouring
    team (the band next to it in the building, or a team near the building that opens a
    band there); that team passes one on, and so on until a team with room takes the
    last cell — the cheapest such chain (Dijkstra over teams; a move costs the loop,
    piece and home change plus the move weight of the households). A team under ``lo``
    draws cells the same way in reverse. Every band stays one band. A chain is applied
    only when it lowers the total excess. Stops when no chain helps or at the budget's
    deadline.

    Returns
    -------
    int
        Number of chains applied.
    """
    applied = 0
    stuck: set[int] = set()
    while not budget.expired():
        work = state.workloads()
        excess = state.excess(work)
        order = [t for t in np.argsort(-excess, kind="stable").tolist() if excess[t] > 0]
        order = [t for t in order if t not in stuck]
        if not order:
            return applied
        team = order[0]
        graph = _Graph(state, seed_site)
        chain = graph.chain(team, over=bool(work[team] > state.hi))
        if chain and _apply(state, chain, excess):
            applied += 1
            stuck.clear()
        else:
            stuck.add(team)
    return applied


def _apply(state: State, chain: list[Move], excess_before: FloatArray) -> bool:
    labels = state.labels.copy()
    for move in chain:
        labels[move.cell] = move.dst
    touched = sorted({m.src for m in chain} | {m.dst for m in chain})
    after = state.excess(state.workloads(labels))
    if after[touched].sum() < excess_before[touched].sum() - 1e-6 and _bands_intact(
        state, labels, touched
    ):
        state.accept(labels)
        return True
    return False


def _bands_intact(state: State, labels: IntArray, teams: list[int]) -> bool:
    """Whether each team of ``teams`` still holds one run of cells per building."""
    cells = state.cells
    mine = np.flatnonzero(np.isin(labels, teams))
    if not len(mine):
        return True
    team, site = labels[mine], cells.building[mine]
    key = team * (len(cells.first) + 1) + site
    order = np.lexsort((mine, key))
    key, idx = key[order], mine[order]
    same = key[1:] == key[:-1]
    # Within one (team, building), consecutive cells must be neighbours in the building.
    return bool(((idx[1:] - idx[:-1] == 1) | ~same).all())


class _Graph:
    """Single-cell moves between teams on the current labels, with their costs."""

    def __init__(self, state: State, seed_site: IntArray):
        self.state = state
        cells, lab = state.cells, state.labels
        self.work = state.workloads()
        assigned = np.flatnonzero(lab >= 0)
        key = lab[assigned] * (len(cells.first) + 1) + cells.building[assigned]
        _, first = np.unique(key, return_index=True)
        _, last_rev = np.unique(key[::-1], return_index=True)
        last = len(key) - 1 - last_rev
        self.band_team = lab[assigned[first]]
        self.band_site = cells.building[assigned[first]]
        self.band_lo = assigned[first]
        self.band_hi = assigned[last]
        area = state.area_distance()
        for t in np.flatnonzero(~np.isfinite(area).any(axis=0) & (seed_site >= 0)).tolist():
            area[:, t] = state.sites.dist[:, seed_site[t]]
        self.near = np.argsort(area, axis=1, kind="stable")[:, : NEAR_TEAMS + 4]
        self.near_ok = np.take_along_axis(np.isfinite(area), self.near, axis=1)
        self.sites_of: dict[int, set[int]] = {}
        for t, s in zip(self.band_team.tolist(), self.band_site.tolist(), strict=True):
            self.sites_of.setdefault(t, set()).add(s)
        self.mean_cell = float(cells.workload.mean())

    def chain(self, team: int, over: bool) -> list[Move]:
        """Cheapest chain of moves that takes a cell from (over) or brings one to ``team``.

        First only the team where the cell comes to rest may open a new band for it (a
        team passing a cell on takes it next to a band it has, leaving no scattered
        fragment behind); if no such chain exists, any team may.
        """
        return self._search(team, over, strict=True) or self._search(team, over, strict=False)

    def _search(self, team: int, over: bool, strict: bool) -> list[Move]:
        best: dict[int, float] = {team: 0.0}
        back: dict[int, Move] = {}
        linked: dict[int, int] = {}  # the cell that links each team into the chain
        heap = [(0.0, team)]
        done: set[int] = set()
        while heap:
            cost, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            if u != team and self._can_end(u, back[u], over):
                return self._path(team, u, back, over)
            if len(done) > MAX_CHAIN * 8:
                break
            if strict and over and u != team and back[u].opens:
                continue
            for move in self._moves(u, over, linked.get(u)):
                if strict and not over and move.opens and u != team:
                    continue
                if not self._keeps_balance(u, team, move, linked.get(u), over):
                    continue
                v = move.dst if over else move.src
                step = cost + max(move.cost, 0.0) + 1.0
                if v not in done and step < best.get(v, np.inf):
                    best[v], back[v] = step, move
                    linked[v] = move.cell
                    heapq.heappush(heap, (step, v))
        return []

    def _keeps_balance(
        self, team: int, start: int, move: Move, linked: int | None, over: bool
    ) -> bool:
        """Whether ``team`` stays inside [lo, hi] (the start team: gets closer) after
        passing on the cell it took (or taking one for the cell it gave)."""
        w = self.state.cells.workload
        change = -w[move.cell] if over else w[move.cell]
        if linked is not None:
            change += w[linked] if over else -w[linked]
        now = self.work[team]
        after = now + change
        if team == start:
            return bool(self._excess(after) < self._excess(now) - 1e-9)
        return bool(self.state.lo - 1e-9 <= after <= self.state.hi + 1e-9)

    def _excess(self, load: float) -> float:
        return max(0.0, load - self.state.hi, self.state.lo - load)

    def _can_end(self, team: int, move: Move, over: bool) -> bool:
        w = self.state.cells.workload[move.cell]
        if over:
            return bool(self.work[team] + w <= self.state.hi + 1e-9)
        return bool(self.work[team] - w >= self.state.lo - 1e-9)

    def _path(self, start: int, end: int, back: dict[int, Move], over: bool) -> list[Move]:
        chain, t = [], end
        while t != start:
            move = back[t]
            chain.append(move)
            t = move.src if over else move.dst
        return chain

    def _moves(self, team: int, over: bool, linked: int | None) -> list[Move]:
        """Moves out of ``team`` (over) or into it (not over) that keep its bands whole.

        ``linked`` is the cell the team already takes (over) or gives (not over) in the
        chain: a second move at that same end of a band would break the band.
        """
        moves = self._out(team) if over else self._into(team)
        if linked is None:
            return moves
        cells = self.state.cells
        site = cells.building[linked]
        return [m for m in moves if cells.building[m.cell] != site or abs(m.cell - linked) > 1]

    def _out(self, team: int) -> list[Move]:
        moves = []
        for b in np.flatnonzero(self.band_team == team).tolist():
            moves += self._band_moves(b)
        return moves

    def _into(self, team: int) -> list[Move]:
        # Bands next to the team's bands, and bands in buildings the team is near.
        sites = set(self.sites_of.get(team, set()))
        near_sites = np.flatnonzero((self.near == team).any(axis=1))
        candidates = np.flatnonzero(np.isin(self.band_site, [*sites, *near_sites.tolist()]))
        moves = []
        for b in candidates.tolist():
            if self.band_team[b] != team:
                moves += self._band_moves(b, only=team)
        return moves

    def _band_moves(self, band: int, only: int | None = None) -> list[Move]:
        """Moves of the end cells of ``band`` to the next band or a team opening a band.

        With ``only``, just the moves to that team.
        """
        cells, lab = self.state.cells, self.state.labels
        src, site = int(self.band_team[band]), int(self.band_site[band])
        lo, hi = int(self.band_lo[band]), int(self.band_hi[band])
        first, end = int(cells.first[site]), int(cells.first[site + 1])
        moves = []
        for cell, side in ((lo, lo - 1), (hi, hi + 1)):
            if cells.pinned[cell] >= 0:
                continue
            targets = set()
            if first <= side < end and lab[side] >= 0 and lab[side] != src:
                targets.add(int(lab[side]))
            for t, ok in zip(self.near[site].tolist(), self.near_ok[site].tolist(), strict=True):
                if ok and t != src and site not in self.sites_of.get(t, set()):
                    targets.add(t)
            if only is not None:
                targets &= {only}
            for t in sorted(targets):
                opens = site not in self.sites_of.get(t, set())
                moves.append(Move(cell, src, t, self._cost(cell, src, t, lo == hi), opens))
        return moves

    def _cost(self, cell: int, src: int, dst: int, last_cell: bool) -> float:
        state = self.state
        c, weights = state.cells, state.weights
        site = int(c.building[cell])
        delta = 0.0
        if site not in self.sites_of.get(dst, set()):
            delta += self._gain_site(dst, site)
        if last_cell:
            delta += self._lose_site(src, site)
        prev = int(c.prev[cell])
        if prev >= 0:
            delta += weights.move_m * c.households[cell] * ((prev != dst) - (prev != src))
        # Per unit of workload moved: a chain moves about one cell's worth whatever the
        # cell, so small cells must not look cheap.
        return float(delta * self.mean_cell / max(c.workload[cell], 1e-9))

    def _tour(self, team: int) -> tuple[int, ...]:
        return self.state.loops.tour(tuple(sorted(self.sites_of.get(team, set()))))[1]

    def _gain_site(self, team: int, site: int) -> float:
        """Shape cost of ``team`` opening a band in ``site`` (cheapest insertion in its loop)."""
        state, w, dist = self.state, self.state.weights, self.state.sites.dist
        tour = np.asarray(self._tour(team), dtype=np.int64)
        if len(tour) == 0:
            loop = 0.0
        elif len(tour) == 1:
            loop = 2.0 * float(dist[tour[0], site])
        else:
            nxt = np.roll(tour, -1)
            loop = float((dist[tour, site] + dist[site, nxt] - dist[tour, nxt]).min())
        home = 0.0
        if state.home_cost is not None:
            now = float(state.home_cost[tour, team].max()) if len(tour) else 0.0
            home = max(0.0, float(state.home_cost[site, team]) - now)
        return loop + w.piece_m + w.home * home

    def _lose_site(self, team: int, site: int) -> float:
        """Shape cost (negative) of ``team`` giving up its band in ``site``."""
        state, w, dist = self.state, self.state.weights, self.state.sites.dist
        tour = np.asarray(self._tour(team), dtype=np.int64)
        at = int(np.flatnonzero(tour == site)[0])
        before, after = tour[at - 1], tour[(at + 1) % len(tour)]
        loop = float(dist[before, after] - dist[before, site] - dist[site, after])
        if len(tour) <= 2:
            loop = -state.loops(tuple(sorted(tour.tolist())))
        home = 0.0
        if state.home_cost is not None:
            rest = np.delete(tour, at)
            now = float(state.home_cost[tour, team].max())
            home = (float(state.home_cost[rest, team].max()) if len(rest) else 0.0) - now
        return loop - w.piece_m + w.home * home
