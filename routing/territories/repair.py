"""Repairs that restore one band per team and building and give every cell a team."""

from __future__ import annotations

import numpy as np

from routing.territories.units import Cells, FloatArray, IntArray, weighted_count


def fill_unassigned(
    cells: Cells, labels: IntArray, dist: FloatArray, n_teams: int, seed_site: IntArray
) -> IntArray:
    """Give cells without a team (label -1) the team of a neighbouring band.

    A gap inside a building joins the lighter of the bands above and below it; a
    building with no team at all goes whole to the lightest of the three teams whose
    areas are nearest (or, for a team without any area yet, nearest its seed site).

    Parameters
    ----------
    cells : Cells
        The cells.
    labels : ndarray of int
        Team per cell, -1 where none.
    dist : ndarray
        Walking metres between sites.
    n_teams : int
        Number of teams.
    seed_site : ndarray of int
        Site standing in for the area of each team that has none yet (-1: none).

    Returns
    -------
    ndarray of int
        Labels without -1 (unless there are no teams).
    """
    labels = labels.copy()
    if n_teams == 0 or (labels >= 0).all():
        return labels
    have = labels >= 0
    work = weighted_count(labels[have], cells.workload[have], n_teams)
    for b in np.unique(cells.building[labels < 0]).tolist():
        lo, hi = int(cells.first[b]), int(cells.first[b + 1])
        if (labels[lo:hi] < 0).all():
            team = _nearest_light_team(cells, labels, dist, work, b, seed_site)
            labels[lo:hi] = team
            work[team] += cells.workload[lo:hi].sum()
            continue
        for start, end in _runs(labels[lo:hi] < 0):
            below = labels[lo + start - 1] if start > 0 else -1
            above = labels[lo + end] if lo + end < hi else -1
            options = [t for t in (below, above) if t >= 0]
            team = min(options, key=lambda t: (work[t], t))
            labels[lo + start : lo + end] = team
            work[team] += cells.workload[lo + start : lo + end].sum()
    return labels


def _nearest_light_team(
    cells: Cells,
    labels: IntArray,
    dist: FloatArray,
    work: FloatArray,
    site: int,
    seed_site: IntArray,
) -> int:
    n_teams = len(work)
    near = np.full(n_teams, np.inf)
    have = labels >= 0
    for t in range(n_teams):
        sites = np.unique(cells.building[have & (labels == t)])
        if len(sites):
            near[t] = dist[site, sites].min()
        elif seed_site[t] >= 0:
            near[t] = dist[site, seed_site[t]]
    if not np.isfinite(near).any():
        return int(np.argmin(work))
    close = np.argsort(near, kind="stable")[:3]
    close = close[np.isfinite(near[close])]
    return int(close[np.argmin(work[close])])


def one_band_per_building(cells: Cells, labels: IntArray) -> IntArray:
    """Merge every extra run of a team in a building into a neighbouring band.

    A team keeps its pinned run, else its heaviest run; each other run of it joins the
    band below (or above) it. Every merge removes a run, so this ends.

    Parameters
    ----------
    cells : Cells
        The cells (pinned cells keep their team).
    labels : ndarray of int
        Team per cell (no -1).

    Returns
    -------
    ndarray of int
        Labels with at most one run per team and building.
    """
    labels = labels.copy()
    for b in range(len(cells.first) - 1):
        lo, hi = int(cells.first[b]), int(cells.first[b + 1])
        if hi - lo > 1:
            labels[lo:hi] = _merge_runs(labels[lo:hi], cells.workload[lo:hi], cells.pinned[lo:hi])
    return labels


def _merge_runs(lab: IntArray, work: FloatArray, pinned: IntArray) -> IntArray:
    lab = lab.copy()
    while True:
        edges = np.flatnonzero(np.diff(lab)) + 1
        starts = np.concatenate([[0], edges])
        ends = np.concatenate([edges, [len(lab)]])
        teams = lab[starts]
        uniq, counts = np.unique(teams, return_counts=True)
        split = uniq[counts > 1]
        if not len(split):
            return lab
        team = int(split[0])
        runs = np.flatnonzero(teams == team)
        keep = _run_to_keep(runs, starts, ends, work, pinned, team)
        r = int(runs[runs != keep][0])
        neighbour = r - 1 if r > 0 else r + 1
        lab[starts[r] : ends[r]] = teams[neighbour]


def _run_to_keep(
    runs: IntArray, starts: IntArray, ends: IntArray, work: FloatArray, pinned: IntArray, team: int
) -> int:
    weight = [
        (bool((pinned[starts[r] : ends[r]] == team).any()), work[starts[r] : ends[r]].sum())
        for r in runs.tolist()
    ]
    return int(runs[max(range(len(runs)), key=lambda i: weight[i])])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of True in ``mask``."""
    padded = np.concatenate([[False], mask, [False]])
    change = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(change[::2].tolist(), change[1::2].tolist(), strict=True))


def carve_new_teams(
    cells: Cells, labels: IntArray, dist: FloatArray, seed_site: IntArray, share: float
) -> IntArray:
    """Give each team without cells a compact area of about ``share`` workload.

    The buildings nearest the team's seed building are taken whole, the last one from
    its lowest floor up, so every band stays one band; pinned cells are left alone.
    The teams that lose cells are topped up afterwards by the balance repair.

    Parameters
    ----------
    cells : Cells
        The cells.
    labels : ndarray of int
        Team per cell (no -1).
    dist : ndarray
        Walking metres between sites.
    seed_site : ndarray of int
        Seed site per team, -1 for teams that have an area.
    share : float
        Workload to carve per new team (the mean).

    Returns
    -------
    ndarray of int
        Labels with the new teams' areas.
    """
    labels = labels.copy()
    for team in np.flatnonzero(seed_site >= 0).tolist():
        if (labels == team).any():
            continue
        taken = 0.0
        for site in np.argsort(dist[seed_site[team]], kind="stable").tolist():
            lo, hi = int(cells.first[site]), int(cells.first[site + 1])
            free = cells.pinned[lo:hi] < 0
            # Only a run from the lowest floor up keeps the other teams' bands whole.
            run = int(np.argmin(free)) if not free.all() else hi - lo
            load = np.cumsum(cells.workload[lo : lo + run])
            if not run:
                continue
            need = share - taken
            upto = int(np.searchsorted(load, need - 1e-9)) + 1 if load[-1] > need else run
            labels[lo : lo + upto] = team
            taken += float(load[upto - 1])
            if taken >= share - 1e-9:
                break
    return labels
