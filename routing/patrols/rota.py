"""A fair multi-week patrol rota with CP-SAT, and which rule makes it impossible when it is."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from routing.budget import Budget
from routing.patrols.demand import RouteDemand, walk_table
from routing.patrols.options import RotaOptions
from routing.patrols.rota_model import (
    Key,
    RotaProblem,
    RouteModel,
    SlotModel,
    explain,
    solver,
    team_capacity,
)
from routing.spreadsheet import formula_safe

ROTA_COLUMNS: Final = ("date", "slot", "route_id", "team_id")
# Team → unavailable dates and/or weekdays (0 = Monday).
Availability = Mapping[str, Collection[dt.date | int]]
Status = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class RotaConflict:
    """A rule, and the week (1-based; None = the whole rota), that cannot hold."""

    rule: str
    week: int | None
    message: str

    def __str__(self) -> str:
        where = "all weeks" if self.week is None else f"week {self.week}"
        return f"{self.rule} ({where}): {self.message}"


@dataclass(frozen=True, eq=False)
class Rota:
    """Who walks which route when: one row per patrol, or the conflicts when impossible."""

    assignments: pd.DataFrame  # ROTA_COLUMNS + week, slot_label, kind; date a datetime.date
    status: Status
    conflicts: tuple[RotaConflict, ...]
    start_date: dt.date
    route_ids: tuple[str, ...]
    team_ids: tuple[str, ...]
    options: RotaOptions
    elapsed_s: float
    extra: Mapping[str, float] = field(default_factory=dict)
    demands: Mapping[str, RouteDemand] = field(default_factory=dict)

    def demand(self, route_id: str) -> RouteDemand:
        """The route's demand (every slot when none was given)."""
        return self.demands.get(route_id, RouteDemand())

    def kind(self, route_id: str) -> str:
        """The route's patrol kind."""
        return self.demand(route_id).kind

    @property
    def feasible(self) -> bool:
        """A rota was found."""
        return self.status in ("optimal", "feasible")

    def counts(self) -> pd.Series:
        """Patrols per team (every team, zeros included)."""
        found = self.assignments["team_id"].value_counts()
        return found.reindex(list(self.team_ids), fill_value=0)

    def teams_by_route(self) -> dict[str, list[str]]:
        """Per route, its teams: most patrols first, ties by who walks it first."""
        frame = self.assignments
        if frame.empty:
            return {}
        tally = frame.groupby(["route_id", "team_id"], sort=False).agg(
            n=("date", "size"), first=("date", "min")
        )
        tally = tally.reset_index().sort_values(
            ["route_id", "n", "first", "team_id"], ascending=[True, False, True, True]
        )
        return {str(r): g["team_id"].tolist() for r, g in tally.groupby("route_id", sort=True)}

    def route_team(self) -> dict[str, str]:
        """Per route, the team that walks it most often (ties: the one walking it first)."""
        return {route: teams[0] for route, teams in self.teams_by_route().items()}

    def summary(self) -> str:
        """Status, counts and any conflicts, one fact per line."""
        head = (
            f"rota {self.status}: {len(self.assignments)} patrols, {len(self.route_ids)} routes,"
            f" {len(self.team_ids)} teams, {self.options.weeks} week(s) from {self.start_date}"
            f" ({self.elapsed_s:.1f} s)"
        )
        lines = [head]
        if self.feasible:
            counts = self.counts()
            lines.append(f"patrols per team: {counts.min()}..{counts.max()}")
        lines += [str(c) for c in self.conflicts]
        return "\n".join(lines)

    def to_csv(self, path: str | Path) -> Path:
        """Write ``date,slot,route_id,team_id`` (slot = its label), sorted by date and slot;
        text cells that start like a formula get a leading ``'`` (``formula_safe``)."""
        out = self.assignments.drop(columns="slot").rename(columns={"slot_label": "slot"})
        out = out.loc[:, list(ROTA_COLUMNS)]
        out["date"] = [d.isoformat() for d in out["date"]]
        formula_safe(out).to_csv(path, index=False, encoding="utf-8")
        return Path(path)


def solve_rota(
    route_ids: Sequence[str],
    team_ids: Sequence[str],
    start_date: dt.date,
    options: RotaOptions | None = None,
    unavailable: Availability | None = None,
    demands: Mapping[str, RouteDemand] | None = None,
) -> Rota:
    """Assign every patrol of every route to one team over ``options.weeks`` weeks.

    Which (day, slot) each route is walked in comes from its ``RouteDemand`` (every
    slot by default; ``per_week`` times a week spread by ``walk_table``; only its
    ``slots``). Hard rules: each patrol gets exactly one team and a team walks one route
    at a time. Rules a conflict may name: availability, at most one patrol per team per
    day, ``rest_days`` free days between patrols (each per week), every team's count
    within ``fair_spread`` of the others, and at most its share of a team's patrols
    (rounded up) + ``rotation_slack`` walks of the same route by a team (the whole
    rota; ``ceil(fair count / routes) + rotation_slack`` when every route is walked in
    every slot). CP-SAT first
    picks the teams of each slot, spreading each team's patrols evenly over the weeks,
    then the route each walks. When no rota exists, CP-SAT's assumptions name the rules
    and weeks that cannot hold together (minimised by deletion).

    Parameters
    ----------
    route_ids : sequence of str
        Routes walked in every slot of every patrol day.
    team_ids : sequence of str
        Teams to share them.
    start_date : datetime.date
        First day; week 1 is the 7 days from it.
    options : RotaOptions, optional
        Weeks, slots, patrol weekdays, rest, fairness, rotation, time limit, seed;
        default ``RotaOptions()``.
    unavailable : mapping of str to collection of date or int, optional
        Per team: dates, or weekdays (0 = Monday), when it cannot patrol.
    demands : mapping of str to RouteDemand, optional
        Per route: its kind, how often and in which slots it is walked.

    Returns
    -------
    Rota
        Assignments when feasible, else the conflicts.
    """
    started = time.perf_counter()
    options = options if options is not None else RotaOptions()
    budget = options.budget()
    problem = _problem(route_ids, team_ids, start_date, options, unavailable or {}, demands)
    busiest = int(problem.need.max(initial=0))
    if busiest > len(problem.teams):
        message = f"a slot needs {busiest} teams but there are {len(problem.teams)}"
        return _result(
            problem, "infeasible", [], (RotaConflict("coverage", None, message),), started
        )
    slots = SlotModel(problem)
    slots.hint()
    slots.spread_objective()
    status, chosen = slots.solve(options, _left(budget, 0.6 * options.time_limit_s))
    if status == cp_model.INFEASIBLE:
        keys = explain(problem, _left(budget, options.time_limit_s))
        return _result(problem, "infeasible", [], _explain(problem, keys), started)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _timeout(problem, options, started)
    routes = RouteModel(problem, chosen)
    search = solver(options, _left(budget, 0.4 * options.time_limit_s))
    route_status = search.solve(routes.cp)
    if route_status == cp_model.INFEASIBLE:
        key: list[list[Key]] = [[("rotation", None)]]
        return _result(problem, "infeasible", [], _explain(problem, key), started)
    if route_status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _timeout(problem, options, started)
    name: Status = "optimal" if status == cp_model.OPTIMAL else "feasible"
    return _result(problem, name, routes.read(search), (), started)


def _left(budget: Budget, at_least: float) -> Budget:
    """The time left, but never less than ``at_least`` (capped at 1 s) nor 0.1 s: a phase
    that comes late still gets a chance."""
    return budget.share(1.0, at_least_s=max(min(at_least, 1.0), 0.1))


def _problem(
    routes: Sequence[str],
    teams: Sequence[str],
    start: dt.date,
    options: RotaOptions,
    unavailable: Availability,
    demands: Mapping[str, RouteDemand] | None = None,
) -> RotaProblem:
    routes, teams = tuple(map(str, routes)), tuple(map(str, teams))
    for kind, ids in (("route", routes), ("team", teams)):
        if not ids or len(set(ids)) < len(ids):
            raise ValueError(f"{kind} ids must be a non-empty list of distinct ids")
    unknown = sorted(set(map(str, unavailable)) - set(teams))
    if unknown:
        raise ValueError(f"availability names unknown team(s): {unknown[:5]}")
    horizon = [start + dt.timedelta(days=i) for i in range(7 * options.weeks)]
    days = tuple(d for d in horizon if d.weekday() in options.patrol_weekdays)
    off = np.zeros((len(teams), len(days)), dtype=bool)
    weekday = np.array([d.weekday() for d in days])
    index = {d: i for i, d in enumerate(days)}
    for t, team in enumerate(teams):
        for item in unavailable.get(team, ()):
            if isinstance(item, dt.date):
                if item in index:
                    off[t, index[item]] = True
            elif isinstance(item, int) and 0 <= item <= 6:
                off[t] |= weekday == item
            else:
                raise ValueError(f"team {team}: unavailable needs dates or weekdays 0..6")
    extra = sorted(set(demands or {}) - set(routes))
    if extra:
        raise ValueError(f"demands name unknown route(s): {extra[:5]}")
    walks = walk_table(days, start, options.slots_per_day, routes, demands or {})
    return RotaProblem(routes, teams, start, options, days, off, walks, dict(demands or {}))


def _result(
    p: RotaProblem,
    status: Status,
    rows: list[tuple[int, int, int, int]],
    conflicts: tuple[RotaConflict, ...],
    started: float,
) -> Rota:
    labels = p.options.labels
    d, s, r, t = (np.array(c, dtype=np.intp) for c in zip(*rows, strict=True)) if rows else [
        np.empty(0, dtype=np.intp)
    ] * 4  # fmt: skip
    out = pd.DataFrame(
        {
            "date": [p.days[i] for i in d],
            "slot": s,
            "route_id": [p.routes[i] for i in r],
            "team_id": [p.teams[i] for i in t],
            "week": [p.week(p.days[i]) for i in d],
            "slot_label": [labels[i] for i in s],
            "kind": [p.demands.get(p.routes[i], RouteDemand()).kind for i in r],
        }
    )
    out = out.sort_values(["date", "slot", "route_id"], kind="stable").reset_index(drop=True)
    elapsed = time.perf_counter() - started
    return Rota(
        out, status, conflicts, p.start, p.routes, p.teams, p.options, elapsed,
        demands=dict(p.demands),
    )  # fmt: skip


def _timeout(p: RotaProblem, options: RotaOptions, started: float) -> Rota:
    why = RotaConflict("time_limit", None, f"no rota found within {options.time_limit_s:g} s")
    return _result(p, "unknown", [], (why,), started)


def _explain(p: RotaProblem, groups: list[list[Key]]) -> tuple[RotaConflict, ...]:
    """One conflict per rule and week; rules of one group fail only together."""
    out = []
    for keys in groups:
        names = ", ".join(k[0] + (f" (week {k[1]})" if k[1] else "") for k in keys)
        together = f"; fails together with: {names}" if len(keys) > 1 else ""
        out += [RotaConflict(r, w, _describe(p, r, w) + together) for r, w in keys]
    if not out:
        out = [RotaConflict("coverage", None, "the slots cannot all be filled")]
    return tuple(out)


def _describe(p: RotaProblem, rule: str, week: int | None) -> str:
    o = p.options
    days = [d for d, day in enumerate(p.days) if week is None or p.week(day) == week]
    per_day = int(p.need[days].sum(axis=1).max(initial=0))
    if rule == "availability":
        free = (~p.off[:, days]).sum(axis=0)
        worst = int(np.argmin(free))
        missing = p.off[:, days].sum(axis=1)
        top = np.argsort(-missing, kind="stable")[:3]
        off = ", ".join(f"{p.teams[t]} {missing[t]}/{len(days)}" for t in top if missing[t])
        return (
            f"{int(free[worst])} of {len(p.teams)} teams available on "
            f"{p.days[days[worst]].isoformat()}, {per_day} patrols a day; days off: {off}"
        )
    if rule == "one_per_day":
        return f"at most one patrol per team per day, {per_day} patrols a day"
    if rule == "rest":
        most = math.ceil(len(days) / (o.rest_days + 1))
        text = (
            f"{o.rest_days} free day(s) between a team's patrols: at most {most} of"
            f" {len(days)} patrol days per team, {per_day} patrols a day"
        )
        need, can = int(p.need[days].sum()), most * len(p.teams)
        return text + (f" ({len(p.teams)} teams × {most} = {can} < {need})" if can < need else "")
    if rule == "fairness":
        lo, hi = p.fair_range()
        text = f"every team within ±{o.fair_spread} of the others ({lo}..{hi} patrols each)"
        capacity = team_capacity(p)
        short = [f"{p.teams[t]} at most {capacity[t]}" for t in np.flatnonzero(capacity < lo)[:5]]
        return text + (f"; can walk: {', '.join(short)}" if short else "")
    return f"no team walks the same route more than {int(p.rotation_caps().max())} times"
