"""Plan visit routes: one team over its fewest sessions, or several teams on an event day."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from routing.budget import Budget
from routing.costs import HouseholdCosts
from routing.hours import Window, describe, parse_clock
from routing.network import TravelMatrix, WalkingNetwork
from routing.progress import Progress
from routing.visits.assemble import Instance, dropped_frame, session_route
from routing.visits.build import Site, make_instance, session_bound, to_problem
from routing.visits.model import RoutingProblem, Solution
from routing.visits.options import VisitOptions
from routing.visits.prepare import prepare
from routing.visits.result import DROPPED_COLUMNS, EventDayPlan, VisitMetrics, VisitPlan
from routing.visits.search import solve
from routing.visits.travel import Point

DEFAULT_SESSION: tuple[str, str] = ("09:00", "12:00")
# Share of the remaining budget an attempt with fewer sessions than allowed may use.
_ATTEMPT_SHARE = 0.5


def plan_visits(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    *,
    costs: HouseholdCosts | TravelMatrix | None = None,
    network: WalkingNetwork | None = None,
    start: Point | None = None,
    end: Point | None = None,
    session: tuple[float | str, float | str] = DEFAULT_SESSION,
    options: VisitOptions | None = None,
    team_id: str = "",
    progress: Progress | None = None,
) -> VisitPlan:
    """Order one team's visits from its meeting point, floor by floor, in time windows.

    Households that do not fit are left out lowest priority first and listed, most
    important first, for the next session. With ``options.max_sessions`` > 1 they are
    split into the fewest sessions (each the same window) that hold them all: from a
    lower bound (work / session length) up, the first count whose search visits
    everyone is kept.

    Parameters
    ----------
    households : DataFrame
        The households to visit (a team's area or a selection), per
        ``HOUSEHOLD_COLUMNS``; optional ``priority`` (1..5) and ``visit_type``.
    buildings : GeoDataFrame
        The buildings (WGS84), at least those of the households.
    costs : HouseholdCosts or TravelMatrix, optional
        Door-to-door cost model holding the households (its parameters rule), or the
        walking matrix of the buildings to build one with ``options.costs``; when
        omitted, built from ``buildings``, ``network`` and ``options.costs``. Give
        the ``network`` it was built with, so that entrances and legs agree.
    network : WalkingNetwork, optional
        Walking network for the legs from and to the meeting point and for the path
        lines; without it, straight lines × detour factor.
    start : (lon, lat), optional
        Meeting point (e.g. the community office); default the entrance nearest the
        centre of the households' buildings.
    end : (lon, lat), optional
        Where the session ends; default ``start``.
    session : (start, end)
        Session window as seconds since midnight or ``"HH:MM"``; default 09:00-12:00.
    options : VisitOptions, optional
        Search budget, seed, service type, priorities, sessions.
    team_id : str
        Written in every stop row.
    progress : callable, optional
        ``progress(fraction, message)``.

    Returns
    -------
    VisitPlan
        Stops per session with arrival and departure times, totals, path lines and
        the households left out with the reason.
    """
    options = options or VisitOptions()
    began, budget = time.time(), options.budget()
    window = session_window(session)
    if households.empty:
        return VisitPlan(
            str(team_id), window, (), _no_drops(), VisitMetrics(0, 0, 0, 0, 0, "none", 0.0)
        )
    site = Site.build(households, buildings, costs, network, options)
    visits = prepare(households, site.costs, window, options.visit_type)
    first = _point(start) if start is not None else site.centre(visits.frame["building_id"])
    last = first if end is None else _point(end)
    depots = list(dict.fromkeys([first, last]))
    instance, left = make_instance(site, visits, depots, [(0, len(depots) - 1)], window)
    best, reason = _fewest_sessions(instance, options, budget, progress)
    n = instance.travel.n
    # Sessions holding the most important households come first.
    priority = instance.column("priority")
    routes = sorted(
        (r for r in best.routes if r),
        key=lambda r: (-max(priority[list(r)]), -int(priority[list(r)].sum()), min(r)),
    )
    plans = tuple(
        session_route(
            instance,
            route,
            n,
            instance.travel.size - 1,
            team_id=str(team_id),
            session=k + 1,
            sweeps=options.floor_sweeps,
        )
        for k, route in enumerate(routes)
    )
    left.update({instance.nodes[i]: reason for i in best.dropped})
    dropped = dropped_frame(visits, list(left), list(left.values()))
    metrics = VisitMetrics(
        len(visits.frame),
        n - len(best.dropped),
        len(dropped),
        len(plans),
        best.objective,
        best.search,
        time.time() - began,
    )
    return VisitPlan(str(team_id), window, plans, dropped, metrics)


def plan_event_day(
    households: pd.DataFrame,
    buildings: gpd.GeoDataFrame,
    teams: Sequence[str],
    *,
    costs: HouseholdCosts | TravelMatrix | None = None,
    network: WalkingNetwork | None = None,
    start: Point | Mapping[str, Point] | None = None,
    end: Point | Mapping[str, Point] | None = None,
    session: tuple[float | str, float | str] = DEFAULT_SESSION,
    options: VisitOptions | None = None,
    progress: Progress | None = None,
) -> EventDayPlan:
    """Share one pool of households among several teams with balanced working times.

    The objective is the total walking and vertical time, plus the longest team's
    working time (min-max), plus a charge for every team below a share of the visits,
    plus waiting: OR-Tools' global span alone rates [6, 6, 0, 0] hours like
    [6, 2, 2, 2] (or-tools issue 1140); the charge below the share tells them apart.

    Parameters
    ----------
    households : DataFrame
        The pool, per ``HOUSEHOLD_COLUMNS``.
    buildings : GeoDataFrame
        The buildings (WGS84).
    teams : sequence of str
        Team ids, one route each.
    costs, network, session, options, progress
        As for ``plan_visits``.
    start, end : (lon, lat) or mapping of team id to (lon, lat), optional
        Meeting points, shared or per team; default as for ``plan_visits``.

    Returns
    -------
    EventDayPlan
        A one-session plan per team and the households no team could take.
    """
    options = options or VisitOptions()
    names = [str(t) for t in teams]
    if not names or len(set(names)) < len(names):
        raise ValueError("teams must be distinct ids, at least one")
    if households.empty:
        raise ValueError("the event day has no households to visit")
    began, budget = time.time(), options.budget()
    window = session_window(session)
    site = Site.build(households, buildings, costs, network, options)
    visits = prepare(households, site.costs, window, options.visit_type)
    centre = site.centre(visits.frame["building_id"])
    starts = [_team_point(start, team, centre) for team in names]
    ends = [_team_point(end, team, starts[k]) for k, team in enumerate(names)]
    depots = list(dict.fromkeys([*starts, *ends]))
    pairs = [(depots.index(a), depots.index(b)) for a, b in zip(starts, ends, strict=True)]
    instance, left = make_instance(site, visits, depots, pairs, window)
    n = instance.travel.n
    first, last = [n + a for a, _ in pairs], [n + b for _, b in pairs]
    problem = to_problem(instance, first, last, options, balance=True)
    best = _search(problem, options, budget, progress)
    plans = []
    for k, team in enumerate(names):
        route = session_route(
            instance,
            best.routes[k],
            first[k],
            last[k],
            team_id=team,
            session=1,
            sweeps=options.floor_sweeps,
        )
        count = len(route.detail)
        metrics = VisitMetrics(count, count, 0, 1, best.objective, best.search, 0.0)
        plans.append(VisitPlan(team, window, (route,), dropped_frame(visits, [], []), metrics))
    left.update({instance.nodes[i]: "no team had time left in the session" for i in best.dropped})
    dropped = dropped_frame(visits, list(left), list(left.values()))
    metrics = VisitMetrics(
        len(visits.frame),
        n - len(best.dropped),
        len(dropped),
        1,
        best.objective,
        best.search,
        time.time() - began,
    )
    return EventDayPlan(tuple(plans), dropped, metrics)


def session_window(session: tuple[float | str, float | str]) -> Window:
    """A session as (start, end) seconds since midnight, from seconds or ``"HH:MM"``.

    Parameters
    ----------
    session : (start, end)
        Seconds since midnight or ``"HH:MM"`` strings.

    Returns
    -------
    (float, float)
        Start and end in seconds.
    """
    first, last = (parse_clock(v) if isinstance(v, str) else float(v) for v in session)
    if not (math.isfinite(first) and math.isfinite(last) and 0 <= first < last):
        raise ValueError(f"a session must end after it starts, got {session!r}")
    return first, last


def _fewest_sessions(
    instance: Instance, options: VisitOptions, budget: Budget, progress: Progress | None
) -> tuple[Solution, str]:
    """The best solution over the fewest sessions, and the reason for who is left."""
    n, depot_in, depot_out = instance.travel.n, instance.travel.n, instance.travel.size - 1
    top = options.max_sessions
    count = min(session_bound(instance), top)
    while True:
        share = 1.0 if count == top else _ATTEMPT_SHARE
        attempt = budget.until(time.time() + max(budget.left_s(), 0.5) * share)
        problem = to_problem(instance, [depot_in] * count, [depot_out] * count, options)
        best = _search(problem, options, attempt, progress)
        if not best.dropped or count == top or n == 0:
            break
        count += 1
    sessions = f"{top} sessions" if top > 1 else "the session"
    return best, f"no time left in {sessions} {describe([instance.window])}"


def _search(
    problem: RoutingProblem, options: VisitOptions, budget: Budget, progress: Progress | None
) -> Solution:
    if not problem.visits:  # nobody to visit: nothing to search
        return Solution(((),) * problem.vehicles, (), 0, "none", 0.0)
    outcome = solve(
        problem,
        budget=budget.share(1.0, at_least_s=0.5),
        seed=options.seed,
        workers=options.workers,
        portfolio=options.portfolio,
        progress=progress,
    )
    return outcome.best


def _no_drops() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in zip(DROPPED_COLUMNS, ("str", "str", "int64"), strict=True)
        }
    )


def _team_point(value: Point | Mapping[str, Point] | None, team: str, default: Point) -> Point:
    if value is None:
        return default
    if isinstance(value, Mapping):
        return _point(value.get(team, default))
    return _point(value)


def _point(value: Point) -> Point:
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"a meeting point is (lon, lat) in degrees, got {value!r}")
    return lon, lat
