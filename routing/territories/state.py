"""A plan under construction: the team of every cell and what each team's area costs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from routing.territories.loops import LoopLengths
from routing.territories.units import Cells, FloatArray, IntArray, Sites, weighted_count

# Metres of objective one second of workload outside the tolerance costs: balance first.
EXCESS_WEIGHT = 1000.0


@dataclass(frozen=True, eq=False)
class Weights:
    """Objective weights in metres (see ``TerritoryOptions``)."""

    piece_m: float
    home: float
    move_m: float


class State:
    """Team label of every cell, with the objective of each team's area.

    A team's cost is its walking loop + ``piece_m`` per band + ``home`` × the members'
    mean walk to the area's farthest building + ``move_m`` per household that left
    its previous team + ``EXCESS_WEIGHT`` per second of workload outside [lo, hi].
    """

    def __init__(
        self,
        cells: Cells,
        sites: Sites,
        n_teams: int,
        bounds: tuple[float, float],
        weights: Weights,
        home_cost: FloatArray | None,
        labels: IntArray,
    ):
        self.cells = cells
        self.sites = sites
        self.n_teams = n_teams
        self.lo, self.hi = bounds
        self.weights = weights
        self.home_cost = home_cost
        self.labels = labels.astype(np.int64).copy()
        self.loops = LoopLengths(sites.dist)
        self.version = np.zeros(n_teams, dtype=np.int64)

    def workloads(self, labels: IntArray | None = None) -> FloatArray:
        """Workload (s) of every team."""
        lab = self.labels if labels is None else labels
        ok = lab >= 0
        return weighted_count(lab[ok], self.cells.workload[ok], self.n_teams)

    def team_sites(self, team: int, labels: IntArray | None = None) -> IntArray:
        """Sites where ``team`` has cells, ascending."""
        lab = self.labels if labels is None else labels
        return np.unique(self.cells.building[lab == team])

    def excess(self, work: FloatArray) -> FloatArray:
        """Seconds of workload outside [lo, hi] per team."""
        return np.maximum(0.0, np.maximum(work - self.hi, self.lo - work))

    def moved(self, labels: IntArray | None = None) -> FloatArray:
        """Households per team that were on another team before (re-planning)."""
        lab = self.labels if labels is None else labels
        c = self.cells
        away = (c.prev >= 0) & (lab != c.prev) & (lab >= 0)
        return weighted_count(lab[away], c.households[away].astype(float), self.n_teams)

    def home_m(self, team: int, sites: IntArray) -> float:
        """Members' mean walk from home to the farthest building of the area (0 if unknown)."""
        if self.home_cost is None or not len(sites):
            return 0.0
        return float(self.home_cost[sites, team].max())

    def cost(self, teams: Iterable[int], labels: IntArray | None = None) -> float:
        """Objective of ``teams`` under ``labels`` (default: the current labels)."""
        lab = self.labels if labels is None else labels
        teams = list(teams)
        work = self.workloads(lab)
        moved = self.moved(lab)
        w = self.weights
        total = 0.0
        for t in teams:
            sites = self.team_sites(t, lab)
            total += self.loops(tuple(sites.tolist()))
            total += w.piece_m * len(sites) + w.home * self.home_m(t, sites)
            total += w.move_m * moved[t]
        return total + EXCESS_WEIGHT * float(self.excess(work)[teams].sum())

    def accept(self, labels: IntArray) -> None:
        """Adopt ``labels``; teams whose cells changed get a new version number."""
        changed = np.flatnonzero(self.labels != labels)
        touched = np.unique(np.concatenate([self.labels[changed], labels[changed]]))
        self.labels = labels
        self.version[touched[touched >= 0]] += 1

    def area_distance(self) -> FloatArray:
        """(sites × teams) walk from each site to the nearest building of each team."""
        dist = self.sites.dist
        out = np.full((self.sites.count, self.n_teams), np.inf)
        lab, b = self.labels, self.cells.building
        for t in range(self.n_teams):
            sites = np.unique(b[lab == t])
            if len(sites):
                out[:, t] = dist[:, sites].min(axis=1)
        return out

    def team_distance(self, area: FloatArray) -> FloatArray:
        """(teams × teams) shortest walk between two teams' areas."""
        lab, b = self.labels, self.cells.building
        out = np.full((self.n_teams, self.n_teams), np.inf)
        for t in range(self.n_teams):
            sites = np.unique(b[lab == t])
            if len(sites):
                out[t] = area[sites].min(axis=0)
        out = np.minimum(out, out.T)
        np.fill_diagonal(out, 0.0)
        return out
