"""Local improvement: CP-SAT windows over neighbouring teams, for balance then compactness."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from routing.budget import Budget
from routing.territories.state import State
from routing.territories.units import FloatArray, IntArray
from routing.territories.window import WindowSpec, solve_window

# A balance window grows up to this many teams while looking for spare capacity.
MAX_BALANCE_WINDOW = 24
# Teams a cell may move to in a window (besides its own).
CANDIDATES = 3
# Nearest teams each team is paired with in turn by the compactness windows.
NEIGHBOURS = 3
# Work charged per window on top of CP-SAT's deterministic time: building and loading
# the model, which deterministic time does not count.
WINDOW_OVERHEAD = 0.05

Tick = Callable[[str], None]


def rebalance(
    state: State, budget: Budget, seed: int, work: float, seed_site: IntArray, tick: Tick
) -> float:
    """Bring teams outside the balance tolerance back inside with CP-SAT windows.

    The fallback after ``balance.repair_balance``: each team still outside [lo, hi],
    worst first, gets a window of its nearest teams grown until they have room (or
    give) enough; CP-SAT minimises excess, moves and shape within it. ``budget``'s
    work is CP-SAT deterministic seconds (plus ``WINDOW_OVERHEAD`` per window):
    counting it, not wall time, makes a run repeatable whatever the machine's load,
    unless the clock strikes first.

    Returns
    -------
    float
        The work spent.
    """
    done = 0.0
    for _ in range(4):
        excess = state.excess(state.workloads())
        if not (excess > 0).any() or not budget.left(done):
            return done
        before = float(excess.sum())
        area = _area(state, seed_site)
        between = _between(state, area, seed_site)
        for team in np.argsort(-excess, kind="stable").tolist():
            if not budget.left(done):
                return done
            if state.excess(state.workloads())[team] <= 0:
                continue
            teams = _grow(state, team, between[team])
            spec = WindowSpec(teams, CANDIDATES, work * 4, budget.left_s(), seed)
            labels, used = solve_window(state, spec, area)
            done += used + WINDOW_OVERHEAD
            if labels is not None and state.cost(teams, labels) < state.cost(teams) - 1e-6:
                state.accept(labels)
                area = _area(state, seed_site)
            tick("balancing")
        if float(state.excess(state.workloads()).sum()) >= before - 1e-6:
            return done
    return done


def improve(state: State, budget: Budget, size: int, seed: int, work: float, tick: Tick) -> int:
    """Make areas more compact with CP-SAT windows of ``size`` neighbouring teams.

    Each team, worst first, is paired with each of its ``NEIGHBOURS`` nearest teams
    in turn (plus the next nearest when ``size`` > 2); a window is retried only after
    one of its teams changed; a window's result is adopted only when the objective
    falls. Stops when a pass adopts nothing or the budget (clock, or work as in
    ``rebalance``) is spent.

    Returns
    -------
    int
        Number of windows adopted.
    """
    tried: dict[tuple[int, ...], tuple[int, ...]] = {}
    adopted, done = 0, 0.0
    none = np.full(state.n_teams, -1)
    while budget.left(done):
        area = _area(state, none)
        between = state.team_distance(area)
        costs = np.array([state.cost([t]) for t in range(state.n_teams)])
        progress = False
        for teams in _windows(between, costs, size):
            if not budget.left(done):
                break
            key, stamp = tuple(teams), tuple(state.version[teams].tolist())
            if tried.get(key) == stamp:
                continue
            tried[key] = stamp
            spec = WindowSpec(teams, CANDIDATES, work, budget.left_s(), seed)
            labels, used = solve_window(state, spec, area)
            done += used + WINDOW_OVERHEAD
            if labels is not None and state.cost(teams, labels) < state.cost(teams) - 1e-6:
                state.accept(labels)
                area = _area(state, none)
                adopted += 1
                progress = True
            tick("improving compactness")
        if not progress:
            break
    return adopted


def _windows(between: FloatArray, costs: FloatArray, size: int) -> list[list[int]]:
    """Window teams for each team, worst first, with each of its near neighbours."""
    out = []
    for team in np.argsort(-costs, kind="stable").tolist():
        row = between[team]
        near = np.argsort(row, kind="stable").tolist()
        order = [t for t in near if t != team and np.isfinite(row[t])]
        for r in range(min(NEIGHBOURS, len(order))):
            out.append(sorted([team, *order[r : r + size - 1]]))
    return out


def _area(state: State, seed_site: IntArray) -> FloatArray:
    area = state.area_distance()
    for t in np.flatnonzero(~np.isfinite(area).any(axis=0) & (seed_site >= 0)).tolist():
        area[:, t] = state.sites.dist[:, seed_site[t]]
    return area


def _between(state: State, area: FloatArray, seed_site: IntArray) -> FloatArray:
    between = state.team_distance(area)
    for t in np.flatnonzero(seed_site >= 0).tolist():
        if not np.isfinite(between[t]).sum() > 1:
            between[t] = area[seed_site[t]]
            between[:, t] = between[t]
            between[t, t] = 0.0
    return between


def _grow(state: State, team: int, row: FloatArray) -> list[int]:
    """The team and its nearest teams until these can absorb (or supply) its excess."""
    work = state.workloads()
    over = work[team] > state.hi
    need = work[team] - state.hi if over else state.lo - work[team]
    room = np.maximum(0.0, state.hi - work) if over else np.maximum(0.0, work - state.lo)
    chosen = [team]
    have = 0.0
    for t in np.argsort(row, kind="stable").tolist():
        if t == team or not np.isfinite(row[t]):
            continue
        chosen.append(t)
        have += room[t]
        if (have >= 1.5 * need and len(chosen) >= 4) or len(chosen) >= MAX_BALANCE_WINDOW:
            break
    return sorted(chosen)
