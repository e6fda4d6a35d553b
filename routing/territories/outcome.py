"""Turn the solved cell labels into a TerritoryPlan, and explain what could not be met."""

from __future__ import annotations

import numpy as np
import pandas as pd

from routing.territories.job import Job
from routing.territories.metrics import ASSIGNMENT_COLUMNS, plan_metrics, team_loops
from routing.territories.result import Band, TeamArea, TerritoryPlan
from routing.territories.state import State
from routing.territories.units import FloatArray, Sites, weighted_count

# Big buildings listed one by one in the explanations before they are summarised.
LIST_BIG_BUILDINGS = 3


def make_plan(job: Job, state: State, notes: list[str], seconds: float) -> TerritoryPlan:
    """The plan of ``state``: bands, loops and metrics per team, and the explanations."""
    frame, team_ids = job.frame, np.asarray(job.team_ids, dtype=object)
    label = state.labels[job.register.cell]
    team = np.where(label >= 0, team_ids[np.maximum(label, 0)], "")
    sorted_rows = pd.DataFrame(
        {
            "household_id": frame["household_id"].to_numpy(),
            "team_id": team,
            "building_id": job.sites.ids[frame["building"].to_numpy()],
            "floor": frame["floor"].to_numpy(),
            "workload": frame["workload"].to_numpy(),
        }
    )
    assignment = sorted_rows.iloc[np.argsort(job.order, kind="stable")].reset_index(drop=True)
    assignment = assignment.loc[:, list(ASSIGNMENT_COLUMNS)]
    loops = team_loops(assignment, job.team_ids, job.sites.ids.tolist(), state.loops)
    areas = _areas(job, state, sorted_rows.assign(site=frame["building"].to_numpy()), loops)
    previous = {
        str(h): str(p)
        for h, p in zip(frame["household_id"], frame["prev_team"], strict=True)
        if p is not None and p == p  # None or NaN: a household new to the register
    }
    metrics = plan_metrics(
        assignment, job.team_ids, loops, job.tolerance, previous=previous, solve_time_s=seconds
    )
    return TerritoryPlan(tuple(areas), metrics, tuple(notes), assignment)


def _areas(job: Job, state: State, rows: pd.DataFrame, loops: FloatArray) -> list[TeamArea]:
    bands: dict[str, list[Band]] = {t: [] for t in job.team_ids}
    assigned = rows[rows["team_id"] != ""]
    grouped = assigned.groupby(["team_id", "site"], sort=True).agg(
        first=("floor", "min"),
        last=("floor", "max"),
        households=("floor", "size"),
        workload=("workload", "sum"),
    )
    flat = grouped.reset_index()
    columns = zip(
        flat["team_id"].astype(str).tolist(),
        flat["site"].astype(int).tolist(),
        flat["first"].astype(int).tolist(),
        flat["last"].astype(int).tolist(),
        flat["households"].astype(int).tolist(),
        flat["workload"].astype(float).tolist(),
        strict=True,
    )
    for team, site, first, last, count, load in columns:
        bands[team].append(
            Band(str(job.sites.ids[site]), str(job.sites.names[site]), first, last, count, load)
        )
    areas = []
    for t, team in enumerate(job.team_ids):
        sites = state.team_sites(t)
        home = state.home_m(t, sites) if job.home_cost is not None else None
        areas.append(
            TeamArea(
                team,
                tuple(bands[team]),
                float(sum(b.workload_s for b in bands[team])),
                int(sum(b.households for b in bands[team])),
                float(loops[t]),
                home,
            )
        )
    return areas


def explain_balance(state: State, job: Job) -> list[str]:
    """Plain-words reasons for buildings split into bands and teams outside the tolerance."""
    notes = _big_buildings(state, job.sites, job.mean)
    work = state.workloads()
    mean, tol = job.mean, job.tolerance
    pin_load = job.pin_load()
    over_pinned = pin_load > state.hi + 1e-6
    for t in np.flatnonzero(over_pinned).tolist():
        notes.append(
            f"{job.team_ids[t]}'s pins alone hold {pin_load[t] / mean:.2f} teams' work: "
            f"it keeps its pins and is {work[t] / mean - 1:+.0%} from the mean"
        )
    outside = (state.excess(work) > 1e-6) & ~over_pinned & (work > 0)
    if outside.any():
        worst = int(np.argmax(np.where(outside, np.abs(work - mean), -1.0)))
        heaviest = float(state.cells.workload.max())
        if heaviest > 2 * tol * mean:
            why = (
                f"single cells of households weigh up to {heaviest / mean:.0%} of a "
                "team's share, too coarse for the tolerance"
            )
        elif over_pinned.any():
            why = "the pinned teams leave the others more or less than a share each"
        else:
            why = "the time limit ran out before every team was brought within it"
        notes.append(
            f"{int(outside.sum())} team(s) outside ±{tol:.0%} of the mean workload "
            f"(worst {job.team_ids[worst]} at {work[worst] / mean - 1:+.1%}): {why}"
        )
    return notes


def _big_buildings(state: State, sites: Sites, mean: float) -> list[str]:
    load = weighted_count(state.cells.building, state.cells.workload, sites.count)
    big = np.flatnonzero(load > state.hi + 1e-6)
    big = big[np.argsort(-load[big], kind="stable")]
    if not len(big) or mean <= 0:
        return []
    if len(big) <= LIST_BIG_BUILDINGS:
        return [
            f"{sites.names[b]} alone needs {load[b] / mean:.1f} teams' work: it is split into bands"
            for b in big.tolist()
        ]
    shown = ", ".join(f"{sites.names[b]} {load[b] / mean:.1f}" for b in big[:3].tolist())
    return [
        f"{len(big)} buildings each need more than one team's work and are split into "
        f"bands ({shown} teams' work, …)"
    ]
