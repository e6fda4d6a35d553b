"""One CP-SAT re-optimisation of a few neighbouring teams' cells (a large-neighbourhood move)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from routing.territories.state import EXCESS_WEIGHT, State
from routing.territories.units import FloatArray, IntArray

IntVar = cp_model.IntVar
# Teams with more candidate buildings than this get the diameter bound, not the exact loop.
CIRCUIT_MAX_SITES = 24
LinearExpr = cp_model.LinearExprT


@dataclass(frozen=True, eq=False)
class WindowSpec:
    """Which teams to re-optimise and how wide each cell's choice of teams is."""

    teams: Sequence[int]
    candidates: int  # nearest window teams a cell may go to (its own team always)
    work: float  # CP-SAT deterministic-time limit
    seconds: float  # wall-clock guard
    seed: int


def solve_window(state: State, spec: WindowSpec, area: FloatArray) -> tuple[IntArray | None, float]:
    """New labels for the window's teams from CP-SAT (None when it finds nothing).

    Constraints: every free cell of the window goes to one window team; a team's cells
    in a building stay one run of consecutive cells (no other team's cell between);
    pinned cells stay. Objective (integer metres), the same as ``State.cost``: balance
    excess × ``EXCESS_WEIGHT`` + each team's closed loop through its buildings (a
    CP-SAT circuit; twice the diameter for teams with very many candidate buildings)
    + piece weight per band + home weight × members' walk to the farthest band + move
    weight per moved household.

    Parameters
    ----------
    state : State
        The current plan.
    spec : WindowSpec
        Teams and limits of this step.
    area : ndarray
        (sites × teams) walk from each site to the nearest building of each team.

    Returns
    -------
    tuple of (ndarray of int or None, float)
        Labels of all cells (others unchanged), and the deterministic time CP-SAT used.
    """
    builder = _Builder(state, list(spec.teams), area, spec.candidates)
    if not builder.x:
        return None, 0.0
    model = builder.build()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = spec.seed
    solver.parameters.max_deterministic_time = spec.work
    solver.parameters.max_time_in_seconds = max(0.05, spec.seconds)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, solver.deterministic_time
    labels = state.labels.copy()
    for (c, t), var in builder.x.items():
        if solver.boolean_value(var):
            labels[c] = t
    return labels, solver.deterministic_time


class _Builder:
    """Collects the variables and constraints of one window model."""

    def __init__(self, state: State, teams: list[int], area: FloatArray, candidates: int):
        self.state, self.teams = state, teams
        self.model = cp_model.CpModel()
        cells, lab = state.cells, state.labels
        in_window = np.isin(lab, teams)
        self.free = np.flatnonzero(in_window & (cells.pinned < 0))
        self.fixed = np.flatnonzero(in_window & (cells.pinned >= 0))
        self.x: dict[tuple[int, int], IntVar] = {}
        team_arr = np.asarray(teams)
        sub = area[np.ix_(cells.building[self.free], team_arr)]
        # Nearest window teams first; ties go to the lower team index (deterministic).
        order = np.argsort(sub, axis=1, kind="stable")[:, :candidates]
        for row, c in enumerate(self.free.tolist()):
            choice = {int(team_arr[i]) for i in order[row] if np.isfinite(sub[row, i])}
            choice.add(int(lab[c]))
            for t in sorted(choice):
                self.x[c, t] = self.model.new_bool_var(f"x{c}_{t}")

    def build(self) -> cp_model.CpModel:
        m, state = self.model, self.state
        by_cell: dict[int, list[IntVar]] = defaultdict(list)
        for (c, _), var in self.x.items():
            by_cell[c].append(var)
        for c in self.free.tolist():
            m.add_exactly_one(by_cell[c])
        for (c, t), var in self.x.items():
            m.add_hint(var, t == state.labels[c])
        used = self._runs()
        terms: list[LinearExpr] = []
        terms += self._balance()
        terms += self._shape(used)
        terms += self._moves()
        m.minimize(sum(terms))
        return m

    def _runs(self) -> dict[tuple[int, int], IntVar]:
        """One run per team and building; returns "team uses building" per (site, team)."""
        cells, lab = self.state.cells, self.state.labels
        sites = np.unique(cells.building[np.concatenate([self.free, self.fixed])])
        used: dict[tuple[int, int], IntVar] = {}
        for b in sites.tolist():
            lo, hi = int(cells.first[b]), int(cells.first[b + 1])
            for t in self.teams:
                # Per cell of the building: the team's variable, or 1 for its pinned cell,
                # or 0 where the team cannot be.
                z: list[IntVar | int] = [
                    self.x.get((c, t), int(cells.pinned[c] >= 0 and lab[c] == t))
                    for c in range(lo, hi)
                ]
                variables = [v for v in z if not isinstance(v, int)]
                pinned_here = 1 in [v for v in z if isinstance(v, int)]
                if not variables and not pinned_here:
                    continue
                if variables:
                    self._one_run(z)
                now = bool((lab[lo:hi] == t).any())
                used[b, t] = self._uses(variables, pinned_here, now)
        return used

    def _one_run(self, z: list[IntVar | int]) -> None:
        """At most one start of a run of 1s in ``z``: the cells form one band."""
        m = self.model
        starts: list[LinearExpr] = []
        prev: IntVar | int = 0
        for v in z:
            # A run starts where v is 1 and the cell below is not; no start can follow a
            # pinned 1, and none is possible at a 0.
            if not (isinstance(v, int) and v == 0) and not (isinstance(prev, int) and prev == 1):
                if isinstance(v, int) and isinstance(prev, int):
                    starts.append(1)
                else:
                    s = m.new_bool_var("")
                    m.add(s >= v - prev)
                    starts.append(s)
            prev = v
        m.add(sum(starts) <= 1)

    def _uses(self, variables: list[IntVar], fixed: bool, now: bool) -> IntVar:
        if fixed:
            return self.model.new_constant(1)
        y = self.model.new_bool_var("")
        for v in variables:
            self.model.add_implication(v, y)
        self.model.add_hint(y, now)
        return y

    def _balance(self) -> list[LinearExpr]:
        # Workloads are whole tenths of a second (see job.py), so the integer model and
        # the float objective agree exactly.
        state, m = self.state, self.model
        cells, lab = state.cells, state.labels
        w = [int(v) for v in np.rint(cells.workload * 10)]
        lo, hi = round(state.lo * 10), round(state.hi * 10)
        per_team: dict[int, list[LinearExpr]] = defaultdict(list)
        for (c, t), v in self.x.items():
            per_team[t].append(w[c] * v)
        window = np.flatnonzero(np.isin(lab, self.teams))
        window_load = sum(w[c] for c in window.tolist())
        weight = int(EXCESS_WEIGHT) // 10
        terms: list[LinearExpr] = []
        total_now = 0
        for t in self.teams:
            fixed = sum(w[c] for c in self.fixed.tolist() if lab[c] == t)
            load = fixed + sum(per_team[t])
            now = sum(w[c] for c in window.tolist() if lab[c] == t)
            total_now += max(0, now - hi, lo - now)
            e = m.new_int_var(0, window_load + lo, "")
            m.add_hint(e, max(0, now - hi, lo - now))
            m.add(e >= load - hi)
            m.add(e >= lo - load)
            terms.append(weight * e)
        m.add(sum(terms) <= weight * total_now)
        return terms

    def _shape(self, used: dict[tuple[int, int], IntVar]) -> list[LinearExpr]:
        state = self.state
        weights = state.weights
        per_team: dict[int, list[int]] = defaultdict(list)
        for b, t in used:
            per_team[t].append(b)
        piece = round(weights.piece_m)
        terms: list[LinearExpr] = []
        for t, sites in per_team.items():
            ys = [used[b, t] for b in sites]
            terms.append(piece * sum(ys))
            if len(sites) > 1:
                loop = self._loop if len(sites) <= CIRCUIT_MAX_SITES else self._diameter
                terms.append(loop(t, sites, ys))
            if state.home_cost is not None and weights.home > 0:
                far = [int(v) for v in np.rint(state.home_cost[sites, t] * weights.home)]
                home = self.model.new_int_var(0, max(far), "")
                now = state.team_sites(t)
                self.model.add_hint(
                    home, max([f for b, f in zip(sites, far, strict=True) if b in now] or [0])
                )
                for y, f in zip(ys, far, strict=True):
                    if f > 0:
                        self.model.add(home >= f * y)
                terms.append(home)
        return terms

    def _loop(self, team: int, sites: list[int], ys: list[IntVar]) -> LinearExpr:
        """The exact closed walk through the sites the team uses (a CP-SAT circuit)."""
        m, n = self.model, len(sites)
        d = [[int(v) for v in row] for row in np.rint(self.state.sites.dist[np.ix_(sites, sites)])]
        # A circuit needs two nodes: with fewer sites in use every node is skipped.
        multi = m.new_bool_var("")
        m.add(sum(ys) >= 2 * multi)
        m.add(sum(ys) <= 1 + n * multi)
        now = set(self.state.team_sites(team).tolist())
        m.add_hint(multi, len(now) > 1)
        tour = self.state.loops.tour(tuple(sorted(now)))[1] if len(now) > 1 else ()
        hinted = {(tour[i], tour[(i + 1) % len(tour)]) for i in range(len(tour))}
        arcs: list[tuple[int, int, cp_model.LiteralT]] = []
        terms: list[LinearExpr] = []
        for i, y in enumerate(ys):
            on = m.new_bool_var("")
            m.add_implication(on, y)
            m.add_implication(on, multi)
            m.add_bool_or([y.Not(), multi.Not(), on])
            arcs.append((i, i, on.Not()))
            m.add_hint(on, len(now) > 1 and sites[i] in now)
            for j in range(n):
                if j != i:
                    arc = m.new_bool_var("")
                    arcs.append((i, j, arc))
                    terms.append(d[i][j] * arc)
                    m.add_hint(arc, (sites[i], sites[j]) in hinted)
        m.add_circuit(arcs)
        return sum(terms)

    def _diameter(self, team: int, sites: list[int], ys: list[IntVar]) -> LinearExpr:
        """Twice the largest distance between two sites in use: a lower bound of the loop."""
        m = self.model
        d = [[int(v) for v in row] for row in np.rint(self.state.sites.dist[np.ix_(sites, sites)])]
        diameter = m.new_int_var(0, max(max(row) for row in d), "")
        for i in range(len(sites)):
            for j in range(i + 1, len(sites)):
                if d[i][j] > 0:
                    m.add(diameter >= d[i][j] * (ys[i] + ys[j] - 1))
        del team
        return 2 * diameter

    def _moves(self) -> list[LinearExpr]:
        cells, weight = self.state.cells, round(self.state.weights.move_m)
        if weight == 0:
            return []
        return [
            weight * int(cells.households[c]) * v
            for (c, t), v in self.x.items()
            if cells.prev[c] >= 0 and cells.prev[c] != t
        ]
