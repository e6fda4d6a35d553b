"""Changes to a rota: an approved swap between two teams, and a stable re-plan."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from routing.patrols.demand import RouteDemand, walk_table
from routing.patrols.options import RotaOptions
from routing.patrols.rota import Availability, Rota, RotaConflict, Status
from routing.patrols.rota_model import solver


@dataclass(frozen=True)
class PatrolRef:
    """One patrol of a rota: the route walked on a date in a slot (0-based)."""

    date: dt.date
    slot: int
    route_id: str

    def __post_init__(self) -> None:
        if not isinstance(self.date, dt.date):
            raise ValueError(f"date must be a datetime.date, got {self.date!r}")
        if not (isinstance(self.slot, int) and not isinstance(self.slot, bool) and self.slot >= 0):
            raise ValueError(f"slot must be an int >= 0, got {self.slot!r}")
        if not (isinstance(self.route_id, str) and self.route_id):
            raise ValueError(f"route_id must be a non-empty string, got {self.route_id!r}")

    def __str__(self) -> str:
        return f"{self.route_id} on {self.date.isoformat()} slot {self.slot + 1}"


@dataclass(frozen=True)
class Swap:
    """Two patrols whose teams exchange them (asked by a team, approved by the office)."""

    first: PatrolRef
    second: PatrolRef

    def __post_init__(self) -> None:
        if not (isinstance(self.first, PatrolRef) and isinstance(self.second, PatrolRef)):
            raise ValueError("a swap needs two PatrolRef")
        if self.first == self.second:
            raise ValueError(f"a swap needs two different patrols, got {self.first} twice")


class SwapError(ValueError):
    """The swap would put a team on two patrols at once, two a day, or on a day off."""


def apply_swap(rota: Rota, swap: Swap, unavailable: Availability | None = None) -> Rota:
    """The rota with the teams of two patrols exchanged; every other patrol unchanged.

    Parameters
    ----------
    rota : Rota
        A feasible rota.
    swap : Swap
        The two patrols.
    unavailable : mapping, optional
        Per team: dates or weekdays (0 = Monday) it cannot patrol.

    Returns
    -------
    Rota
        A new rota; only the two patrols' ``team_id`` differ.

    Raises
    ------
    SwapError
        A patrol is not in the rota, both are the same team's, or a team would then
        walk two patrols at once, two on one day, or one on a day it cannot.
    """
    frame = rota.assignments
    rows = [_row(frame, ref) for ref in (swap.first, swap.second)]
    teams = [str(frame.at[r, "team_id"]) for r in rows]
    if teams[0] == teams[1]:
        raise SwapError(f"both patrols are team {teams[0]}'s: nothing to swap")
    out = frame.copy()
    out.loc[rows[0], "team_id"], out.loc[rows[1], "team_id"] = teams[1], teams[0]
    off = unavailable or {}
    for row, team in ((rows[0], teams[1]), (rows[1], teams[0])):
        date: dt.date = swap.first.date if row == rows[0] else swap.second.date
        mine = out[(out["team_id"] == team) & (out["date"] == date)]
        if len(mine) > 1:
            clash = "at the same time" if mine["slot"].duplicated().any() else "on one day"
            raise SwapError(f"team {team} would walk {len(mine)} patrols {clash} ({date})")
        if _is_off(off, team, date):
            raise SwapError(f"team {team} cannot patrol on {date.isoformat()}")
    return replace(rota, assignments=out)


def _row(frame: pd.DataFrame, ref: PatrolRef) -> int:
    hit = frame.index[
        (frame["date"] == ref.date)
        & (frame["slot"] == ref.slot)
        & (frame["route_id"] == ref.route_id)
    ]
    if len(hit) != 1:
        raise SwapError(f"no patrol {ref} in the rota")
    return int(hit[0])


def changed(before: Rota, after: Rota) -> int:
    """How many patrols of ``after`` are new or walked by another team than ``before``."""
    key = ["date", "slot", "route_id", "team_id"]
    old = set(before.assignments[key].itertuples(index=False, name=None))
    return sum(row not in old for row in after.assignments[key].itertuples(index=False, name=None))


def replan_rota(
    previous: Rota,
    *,
    team_ids: Sequence[str] | None = None,
    route_ids: Sequence[str] | None = None,
    demands: Mapping[str, RouteDemand] | None = None,
    unavailable: Availability | None = None,
    from_date: dt.date | None = None,
    options: RotaOptions | None = None,
) -> Rota:
    """The rota after changes, keeping every patrol the changes do not touch.

    A patrol is kept when its date is before ``from_date`` (the past), or when its
    team is still listed and available that day and its route is still walked then
    with the same demand. The freed patrols, and those of new or changed routes (placed
    around the kept ones), go to teams by CP-SAT with the hard rules of the rota
    (availability, one patrol a day, rest days, counted with the kept patrols); even
    counts and rotation become the objective: the fewest patrols for the busiest team,
    then teams with fewer patrols and routes they walk less.

    Parameters
    ----------
    previous : Rota
        A feasible rota.
    team_ids, route_ids : sequence of str, optional
        The teams and routes now; default the previous ones.
    demands : mapping of str to RouteDemand, optional
        Per route now; default the previous ones.
    unavailable : mapping, optional
        Per team: dates or weekdays it cannot patrol (now).
    from_date : datetime.date, optional
        First date that may change; default the rota's start.
    options : RotaOptions, optional
        Time limit and seed (weeks and slots must be the previous rota's).

    Returns
    -------
    Rota
        ``extra`` holds ``kept`` and ``changed`` counts; infeasible when a freed patrol
        finds no team (one conflict each).
    """
    started = time.perf_counter()
    options = options if options is not None else previous.options
    if (options.weeks, options.slots_per_day) != (
        previous.options.weeks,
        previous.options.slots_per_day,
    ):
        raise ValueError("a re-plan keeps the rota's weeks and slots per day")
    teams = tuple(map(str, team_ids if team_ids is not None else previous.team_ids))
    routes = tuple(map(str, route_ids if route_ids is not None else previous.route_ids))
    demands = dict(demands if demands is not None else previous.demands)
    since = from_date if from_date is not None else previous.start_date
    days = _days(previous)
    same = [
        r for r in routes if r in previous.route_ids and _demand(demands, r) == previous.demand(r)
    ]
    walks = walk_table(
        days, previous.start_date, options.slots_per_day, routes, demands,
        given={r: _pattern(previous, r, days) for r in same},
    )  # fmt: skip
    kept, free = _split(previous, teams, routes, same, walks, days, unavailable or {}, since)
    rows, conflicts = _fill(free, kept, teams, previous.start_date, unavailable or {}, options)
    assignments = pd.concat([kept, rows], ignore_index=True) if not conflicts else kept.iloc[:0]
    assignments = _decorate(assignments, previous, options, demands)
    extra = {"kept": float(len(kept)), "changed": float(len(rows))}
    status: Status = "infeasible" if conflicts else "feasible"
    listed = tuple(dict.fromkeys([*teams, *kept["team_id"].astype(str)]))
    return Rota(
        assignments, status, tuple(conflicts), previous.start_date, routes, listed, options,
        time.perf_counter() - started, extra, demands,
    )  # fmt: skip


def _demand(demands: Mapping[str, RouteDemand], route: str) -> RouteDemand:
    return demands.get(route, RouteDemand())


def _days(rota: Rota) -> list[dt.date]:
    horizon = [rota.start_date + dt.timedelta(days=i) for i in range(7 * rota.options.weeks)]
    return [d for d in horizon if d.weekday() in rota.options.patrol_weekdays]


def _pattern(rota: Rota, route: str, days: list[dt.date]) -> np.ndarray:
    out = np.zeros((len(days), rota.options.slots_per_day), dtype=bool)
    index = {d: i for i, d in enumerate(days)}
    mine = rota.assignments[rota.assignments["route_id"] == route]
    for date, slot in zip(mine["date"], mine["slot"], strict=True):
        out[index[date], int(slot)] = True
    return out


def _is_off(unavailable: Availability, team: str, date: dt.date) -> bool:
    off = unavailable.get(team, ())
    return date in off or date.weekday() in off


def _split(
    previous: Rota,
    teams: tuple[str, ...],
    routes: tuple[str, ...],
    same: list[str],
    walks: np.ndarray,
    days: list[dt.date],
    unavailable: Availability,
    since: dt.date,
) -> tuple[pd.DataFrame, list[tuple[dt.date, int, str]]]:
    """The patrols kept as they are, and the (date, slot, route) patrols to fill."""
    frame = previous.assignments[["date", "slot", "route_id", "team_id"]]
    keep = []
    for date, _slot, route, team in frame.itertuples(index=False, name=None):
        if date < since:
            keep.append(True)
            continue
        keep.append(route in same and team in teams and not _is_off(unavailable, str(team), date))
    kept = frame[np.array(keep, dtype=bool)].reset_index(drop=True)
    taken = set(zip(kept["date"], kept["slot"], kept["route_id"], strict=True))
    free = [
        (days[d], s, routes[r])
        for d, s, r in zip(*np.nonzero(walks), strict=True)
        if days[d] >= since and (days[d], int(s), routes[r]) not in taken
    ]
    return kept, free


def _fill(
    free: list[tuple[dt.date, int, str]],
    kept: pd.DataFrame,
    teams: tuple[str, ...],
    start: dt.date,
    unavailable: Availability,
    options: RotaOptions,
) -> tuple[pd.DataFrame, list[RotaConflict]]:
    """CP-SAT: a team for each freed patrol, around the kept ones."""
    columns = ["date", "slot", "route_id", "team_id"]
    if not free:
        return pd.DataFrame(columns=columns), []
    busy = {(str(t), d) for t, d in zip(kept["team_id"], kept["date"], strict=True)}
    rest = options.rest_days
    count = kept["team_id"].astype(str).value_counts()
    walked = kept.groupby(["team_id", "route_id"]).size()
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    conflicts = []
    for p, (date, slot, route) in enumerate(free):
        near = [date + dt.timedelta(days=k) for k in range(-rest, rest + 1)]
        able = [
            t for t, team in enumerate(teams)
            if not _is_off(unavailable, team, date) and not any((team, d) in busy for d in near)
        ]  # fmt: skip
        if not able:
            message = f"no team is free for {route} on {date.isoformat()} slot {slot + 1}"
            conflicts.append(RotaConflict("availability", (date - start).days // 7 + 1, message))
            continue
        for t in able:
            x[p, t] = model.new_bool_var("")
        model.add_exactly_one([x[p, t] for t in able])
    if conflicts:
        return pd.DataFrame(columns=columns), conflicts
    for t in range(len(teams)):  # one patrol within any rest_days + 1 consecutive days
        mine = [(p, free[p][0]) for p in range(len(free)) if (p, t) in x]
        for _, first in mine:
            window = [x[q, t] for q, d in mine if 0 <= (d - first).days <= rest]
            if len(window) > 1:
                model.add_at_most_one(window)
    total = [
        count.get(team, 0) + cp_model.LinearExpr.sum([v for (p, u), v in x.items() if u == t])
        for t, team in enumerate(teams)
    ]
    most = model.new_int_var(0, len(free) + (int(count.max()) if len(count) else 0), "most")
    for expr in total:
        model.add(most >= expr)
    prefer = [
        v * (int(count.get(teams[t], 0)) + 2 * int(walked.get((teams[t], free[p][2]), 0)))
        for (p, t), v in x.items()
    ]
    model.minimize(most * 10 * len(free) + cp_model.LinearExpr.sum(prefer))
    search = solver(options, options.budget())
    status = search.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        why = "cannot be met" if status == cp_model.INFEASIBLE else "found no answer in time"
        message = f"the {len(free)} freed patrol(s) {why} with one patrol a day and rest days"
        return pd.DataFrame(columns=columns), [RotaConflict("rest", None, message)]
    rows = [
        (*free[p], teams[t]) for (p, t), v in x.items() if search.boolean_value(v)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns), []


def _decorate(
    frame: pd.DataFrame, previous: Rota, options: RotaOptions, demands: Mapping[str, RouteDemand]
) -> pd.DataFrame:
    """Week, slot label and kind columns, sorted as ``solve_rota`` sorts."""
    out = frame.copy()
    out["slot"] = out["slot"].astype(int)
    out["week"] = [(d - previous.start_date).days // 7 + 1 for d in out["date"]]
    out["slot_label"] = [options.labels[s] for s in out["slot"]]
    out["kind"] = [_demand(demands, r).kind for r in out["route_id"]]
    return out.sort_values(["date", "slot", "route_id"], kind="stable").reset_index(drop=True)
