"""Arrival times recomputed in seconds from the matrix, and floors put in a sensible order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from routing.hours import Window

FloatArray = NDArray[np.float64]
# Seconds of float noise tolerated when checking a recomputed schedule.
_EPS = 1e-6


@dataclass(frozen=True, eq=False)
class Timeline:
    """When a team reaches each door, begins and ends each visit, and gets back.

    ``begin - arrival`` is waiting for a household's window to open.
    """

    arrival: FloatArray
    begin: FloatArray
    end: FloatArray
    back_s: float
    travel_s: float
    feasible: bool


def timeline(
    route: Sequence[int],
    start: int,
    end: int,
    travel_s: FloatArray,
    service_s: FloatArray,
    windows: Sequence[tuple[Window, ...]],
    session: Window,
) -> Timeline:
    """Earliest schedule of a route: leave at the session start, wait only for windows.

    Waiting only when a window is not yet open gives the earliest possible times, so
    the schedule is feasible exactly when any schedule of this order is.

    Parameters
    ----------
    route : sequence of int
        Household nodes in visit order.
    start, end : int
        Depot nodes.
    travel_s : ndarray
        Door-to-door seconds between all nodes.
    service_s : ndarray
        Visit length per household node.
    windows : sequence of tuple of (float, float)
        Per household node, the intervals in which its visit may begin.
    session : (float, float)
        Departure time and the time the team must be back by.

    Returns
    -------
    Timeline
        ``feasible`` is False when a visit misses its windows or the team is late.
    """
    k = len(route)
    arrival, begin, finish = np.zeros(k), np.zeros(k), np.zeros(k)
    now, at, feasible, travel = session[0], start, True, 0.0
    for i, node in enumerate(route):
        travel += travel_s[at, node]
        arrival[i] = now + travel_s[at, node]
        opening = _opening(arrival[i], windows[node])
        feasible &= opening is not None
        begin[i] = arrival[i] if opening is None else opening
        finish[i] = begin[i] + service_s[node]
        now, at = finish[i], node
    travel += travel_s[at, end]
    back = now + travel_s[at, end]
    return Timeline(arrival, begin, finish, back, travel, feasible and back <= session[1] + _EPS)


def _opening(arrival: float, windows: tuple[Window, ...]) -> float | None:
    """Earliest start at or after arrival inside a window, None if all have closed."""
    for first, last in windows:
        if arrival <= last + _EPS:
            return max(arrival, first)
    return None


def order_floors(
    route: Sequence[int],
    building: ArrayLike,
    floor: ArrayLike,
    unit: ArrayLike,
    evaluate: RouteCheck,
) -> list[int]:
    """Visit each building's floors in one sweep, up or down, where that costs nothing.

    Each run of consecutive stops in one building is tried in ascending and in
    descending floor order (units in order on a floor); the quickest feasible of those
    and the solver's own order (least travel plus waiting) is kept, a sweep winning
    ties. The door-to-door
    matrix already charges lift waits, so the solver rarely zigzags; this makes the
    printed order tidy (units on one floor in sequence) and removes the zigzags left.

    Parameters
    ----------
    route : sequence of int
        Household nodes in visit order.
    building, floor, unit : sequences
        Per household node.
    evaluate : RouteCheck
        ``evaluate(route) -> (feasible, travel + waiting seconds)``.

    Returns
    -------
    list of int
        The reordered route.
    """
    out, building = list(route), np.asarray(building)
    floor, unit = np.asarray(floor), np.asarray(unit)
    i = 0
    while i < len(out):
        j = i
        while j + 1 < len(out) and building[out[j + 1]] == building[out[i]]:
            j += 1
        if j > i:
            out[i : j + 1] = _best_run(out, i, j + 1, floor, unit, evaluate)
        i = j + 1
    return out


class RouteCheck:
    """``(route) -> (feasible, travel + waiting seconds)`` of a route between fixed depots."""

    def __init__(
        self,
        start: int,
        end: int,
        travel_s: FloatArray,
        service_s: FloatArray,
        windows: Sequence[tuple[Window, ...]],
        session: Window,
    ):
        self.args = (start, end, travel_s, service_s, windows, session)

    def __call__(self, route: Sequence[int]) -> tuple[bool, float]:
        line = timeline(route, *self.args)
        return line.feasible, line.travel_s + float((line.begin - line.arrival).sum())


def _best_run(
    route: list[int],
    lo: int,
    hi: int,
    floor: NDArray[Any],
    unit: NDArray[Any],
    evaluate: RouteCheck,
) -> list[int]:
    run = route[lo:hi]
    up = sorted(run, key=lambda node: (floor[node], unit[node]))
    down = sorted(run, key=lambda node: (-floor[node], unit[node]))
    best, best_cost = run, np.inf
    for candidate in (up, down, run):
        feasible, cost = evaluate([*route[:lo], *candidate, *route[hi:]])
        if feasible and cost < best_cost - _EPS:
            best, best_cost = candidate, cost
    return best
