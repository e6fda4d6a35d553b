"""Tours from one start through stops with service times and hours, each within a slot."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from routing.budget import Budget
from routing.patrols.options import PatrolOptions
from routing.patrols.shift import SlotTooShortError, lower_bound

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
# OR-Tools takes integer times: tenths of a second, travel rounded up so that a tour the
# model accepts also fits in real seconds.
UNITS_PER_S: Final = 10
# A stop left out costs this many slots: any tour visiting it is cheaper.
DROP_SLOTS: Final = 100
# Least time worth an attempt at one tour fewer.
ELIMINATE_MIN_S: Final = 0.2


@dataclass(frozen=True, eq=False)
class Tours:
    """Stops per tour in visiting order, and each stop's planned start of service.

    Tour times start at 0 (the slot's start) at the start point; ``end_s[k]`` is when
    tour k is back there (its duration).
    """

    routes: tuple[tuple[int, ...], ...]
    begin_s: FloatArray  # per stop: service starts (NaN when left out)
    end_s: tuple[float, ...]
    wait_s: tuple[float, ...]  # per tour: waiting for hours to begin
    dropped: tuple[int, ...]

    @property
    def longest_s(self) -> float:
        """Duration of the longest tour (inf when stops were left out)."""
        return math.inf if self.dropped else max(self.end_s, default=0.0)


@dataclass(frozen=True, eq=False)
class Stops:
    """Stops to tour: walking seconds (row/column 0 = the start), service, hours.

    ``opens``/``closes`` bound the start of service at each stop in seconds after the
    slot starts (0 and ``slot_s`` when a stop has no hours).
    """

    travel_s: FloatArray  # (n + 1, n + 1)
    service_s: FloatArray  # (n,)
    opens: FloatArray
    closes: FloatArray
    slot_s: float

    def __post_init__(self) -> None:
        n = len(self.service_s)
        if self.travel_s.shape != (n + 1, n + 1):
            raise ValueError(f"travel_s must be ({n + 1}, {n + 1}), got {self.travel_s.shape}")
        if not (len(self.opens) == len(self.closes) == n):
            raise ValueError("opens and closes need one value per stop")
        if not (np.isfinite(self.travel_s).all() and (self.travel_s >= 0).all()):
            raise ValueError("travel times must be finite and >= 0 (stops off the network?)")

    def __len__(self) -> int:
        return len(self.service_s)

    def alone_fits(self) -> NDArray[np.bool_]:
        """Per stop: a tour to it alone fits the slot and its hours."""
        begin = np.maximum(self.travel_s[0, 1:], self.opens)
        back = begin + self.service_s + self.travel_s[1:, 0]
        return (begin <= self.closes + 1e-9) & (back <= self.slot_s + 1e-9)

    def work_s(self) -> float:
        """Time any set of tours spends: all service plus the shortest way into each stop."""
        into = self.travel_s[:, 1:].copy()
        np.fill_diagonal(into[1:], np.inf)
        return float(self.service_s.sum() + into.min(axis=0).sum())

    def schedule(self, route: list[int]) -> tuple[FloatArray, float, float]:
        """Earliest start of service at each stop of a tour, its end and its waiting."""
        t, here, wait = 0.0, 0, 0.0
        begin = np.empty(len(route))
        for i, stop in enumerate(route):
            arrive = t + self.travel_s[here, stop + 1]
            begin[i] = max(arrive, self.opens[stop])
            wait += begin[i] - arrive
            t, here = begin[i] + self.service_s[stop], stop + 1
        return begin, t + self.travel_s[here, 0], wait


def plan_tours(stops: Stops, routes: int | None, options: PatrolOptions) -> Tours:
    """The fewest tours that fit the slot, or ``routes`` tours (stops left out if need be).

    A greedy construction (from the start, the stop whose service can begin soonest,
    until none fits the slot) gives a first solution; OR-Tools' guided local search
    then improves it on a time dimension with the stops' hours as windows. For the
    fewest tours each tour used costs more than all the walking together (half the time
    limit), then, while time is left, the tour with the least work is taken out and its
    stops are put back into the others. With a given count the longest tour is
    shortened first (global span), and a stop costs ``DROP_SLOTS`` slots when left out
    (reported in ``dropped``).

    Parameters
    ----------
    stops : Stops
        Every stop must fit a tour of its own (``stops.alone_fits()``).
    routes : int or None
        Number of tours, or None for the fewest.
    options : PatrolOptions
        Time limit, solution budget and span weight.

    Returns
    -------
    Tours
        The tours, the planned times and any stop left out.
    """
    if not stops.alone_fits().all():
        raise ValueError("some stops cannot be reached within the slot on their own")
    greedy = _greedy(stops)
    if routes is not None:
        if routes < 1:
            raise ValueError("tours need at least one route")
        start = _pad(greedy, routes)
        return _tours(stops, _solve(stops, routes, start, "balance", options, options.budget()))
    budget = options.budget()
    half = budget.share(0.5)
    found = [r for r in _solve(stops, len(greedy), greedy, "fewest", options, half) if r]
    return _tours(stops, _eliminate(stops, found, options, budget))


def _eliminate(
    stops: Stops, found: list[list[int]], options: PatrolOptions, budget: Budget
) -> list[list[int]]:
    """One tour fewer while the time lasts: the tour with the least work is taken out
    and its stops put back into the others; stop at the first count that leaves any."""
    lower = lower_bound(stops.work_s(), stops.slot_s)
    while len(found) > lower:
        if budget.left_s() < ELIMINATE_MIN_S:
            break
        work = [float(stops.service_s[r].sum()) for r in found]
        smallest = int(np.argmin(work))
        start = [r for i, r in enumerate(found) if i != smallest]
        trial = _solve(stops, len(start), start, "pack", options, budget)
        if sum(len(r) for r in trial) < len(stops):
            break
        found = [r for r in trial if r]
    return found


def _pad(greedy: list[list[int]], routes: int) -> list[list[int]]:
    """The greedy tours cut or padded to ``routes`` (stops of cut tours left out)."""
    return [*greedy[:routes], *([[]] * max(routes - len(greedy), 0))]


def _greedy(stops: Stops) -> list[list[int]]:
    """Tours built one at a time: next the stop whose service can begin soonest."""
    travel, service, slot = stops.travel_s, stops.service_s, stops.slot_s
    left = np.ones(len(stops), dtype=bool)
    left[~stops.alone_fits()] = False
    tours = []
    while left.any():
        t, here, tour = 0.0, 0, []
        while True:
            cand = np.flatnonzero(left)
            begin = np.maximum(t + travel[here, cand + 1], stops.opens[cand])
            ok = (begin <= stops.closes[cand] + 1e-9) & (
                begin + service[cand] + travel[cand + 1, 0] <= slot + 1e-9
            )
            if not ok.any():
                break
            pick = int(cand[ok][np.argmin(begin[ok])])
            tour.append(pick)
            left[pick] = False
            t, here = float(begin[ok].min()) + service[pick], pick + 1
            if not left.any():
                break
        tours.append(tour)
    return tours


Mode = Literal["fewest", "pack", "balance"]


def _solve(
    stops: Stops,
    vehicles: int,
    start: list[list[int]],
    mode: Mode,
    options: PatrolOptions,
    budget: Budget,
) -> list[list[int]]:
    """OR-Tools from ``start`` until ``budget`` is spent; the start itself when the search
    finds nothing better.

    ``fewest``: every stop, each tour used costs more than all walking, then the total
    duration; ``pack``: stops may be left out at ``DROP_SLOTS`` slots each, then the total
    duration (tours packed tight, to make room); ``balance``: the same with the longest
    tour as short as possible first.
    """
    n = len(stops)
    travel = np.ceil(stops.travel_s * UNITS_PER_S).astype(np.int64)
    service = np.rint(np.r_[0.0, stops.service_s] * UNITS_PER_S).astype(np.int64)
    transit = travel + service[:, None]
    slot = math.floor(stops.slot_s * UNITS_PER_S)
    manager = pywrapcp.RoutingIndexManager(n + 1, vehicles, 0)
    model = pywrapcp.RoutingModel(manager)
    callback = model.RegisterTransitMatrix(transit.tolist())
    model.SetArcCostEvaluatorOfAllVehicles(callback)
    model.AddDimension(callback, slot, slot, True, "time")
    time_dim = model.GetDimensionOrDie("time")
    opens = np.ceil(stops.opens * UNITS_PER_S).astype(np.int64)
    closes = np.floor(stops.closes * UNITS_PER_S + 1e-6).astype(np.int64)
    for i in range(n):
        index = manager.NodeToIndex(i + 1)
        time_dim.CumulVar(index).SetRange(int(opens[i]), int(min(closes[i], slot)))
        if mode != "fewest":
            model.AddDisjunction([index], DROP_SLOTS * slot)
    if mode == "fewest":
        model.SetFixedCostOfAllVehicles(int(transit.max()) * (n + 1) + slot * vehicles)
    if mode == "balance":
        time_dim.SetGlobalSpanCostCoefficient(options.span_weight)
    else:
        time_dim.SetSpanCostCoefficientForAllVehicles(1)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    budget.search_parameters(params)
    initial = model.ReadAssignmentFromRoutes([[s + 1 for s in r] for r in start], True)
    if initial is None:  # the greedy start always fits; keep it if OR-Tools disagrees
        return start
    found = model.SolveFromAssignmentWithParameters(initial, params) or initial
    out = []
    for vehicle in range(vehicles):
        index, tour = found.Value(model.NextVar(model.Start(vehicle))), []
        while not model.IsEnd(index):
            tour.append(manager.IndexToNode(index) - 1)
            index = found.Value(model.NextVar(index))
        out.append(tour)
    return out


def _tours(stops: Stops, routes: list[list[int]]) -> Tours:
    begin = np.full(len(stops), np.nan)
    ends, waits = [], []
    for tour in routes:
        times, end, wait = stops.schedule(tour)
        begin[tour] = times
        ends.append(end)
        waits.append(wait)
    visited = {s for r in routes for s in r}
    dropped = tuple(i for i in range(len(stops)) if i not in visited)
    return Tours(tuple(tuple(r) for r in routes), begin, tuple(ends), tuple(waits), dropped)


def plan_groups(groups: list[Stops], routes: int | None, options: PatrolOptions) -> list[Tours]:
    """Tours for groups of stops sharing a count: the fewest each, or ``routes`` in all.

    A given count is shared by each group's lower bound (its work ÷ the slot), the
    rest one by one to the group with the most work per tour. When the count is below
    the bound, or tours leave stops out, ``SlotTooShortError`` names the overrun and the
    total of the groups' fewest tours.

    Parameters
    ----------
    groups : list of Stops
        Groups planned separately (e.g. stops of different slots).
    routes : int or None
        Tours in all, or None for the fewest of each group.
    options : PatrolOptions
        Solver budget of each solve.

    Returns
    -------
    list of Tours
        One per group.
    """
    if routes is None:
        return [plan_tours(g, None, options) for g in groups]
    slot = groups[0].slot_s
    work = [g.work_s() for g in groups]
    counts = [lower_bound(w, slot) for w in work]

    def fewest() -> int:
        return sum(len(plan_tours(g, None, options).routes) for g in groups)

    if routes < sum(counts) or routes < len(groups):
        raise SlotTooShortError(routes, slot, sum(work) / routes, fewest(), bound=True)
    while sum(counts) < routes:
        busiest = int(np.argmax([w / c for w, c in zip(work, counts, strict=True)]))
        counts[busiest] += 1
    tours = [plan_tours(g, c, options) for g, c in zip(groups, counts, strict=True)]
    left = [(g, t.dropped) for g, t in zip(groups, tours, strict=True) if t.dropped]
    if left:
        need = sum(float(g.service_s[list(d)].sum()) for g, d in left)
        raise SlotTooShortError(
            routes,
            slot,
            math.inf,
            fewest(),
            unplaced=sum(len(d) for _, d in left),
            unplaced_s=need,
        )
    return tours
