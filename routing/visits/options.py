"""Options of visit planning: search budget and portfolio, service, priorities, time scale."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal

from ortools.constraint_solver import routing_enums_pb2, routing_parameters_pb2

from routing.checks import number, one_of, positive, require, whole
from routing.costs import CostParameters

# The solver works in integers: tenths of a second. Travel and service times are rounded
# up to the tenth and window ends down, so a plan the solver finds feasible stays
# feasible when its times are recomputed in seconds. This is the only place the scale
# is set.
UNITS_PER_SECOND: Final = 10

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: fraction of the time budget used (0..1) and what runs."""

FIRST_SOLUTIONS: Final = frozenset(routing_enums_pb2.FirstSolutionStrategy.Value.keys()) - {
    "UNSET",
    "AUTOMATIC",
}

_OPERATORS = routing_parameters_pb2.RoutingSearchParameters.LocalSearchNeighborhoodOperators
LOCAL_SEARCH_OPERATORS: Final = frozenset(f.name for f in _OPERATORS.DESCRIPTOR.fields)


@dataclass(frozen=True)
class SearchConfig:
    """One search of the portfolio: how it starts and how it improves.

    Attributes
    ----------
    name : str
        Shown in metrics and progress messages.
    first_solution : str
        An OR-Tools ``FirstSolutionStrategy`` name. With time windows use an insertion
        method (``PARALLEL_CHEAPEST_INSERTION``, ``LOCAL_CHEAPEST_INSERTION``):
        ``PATH_CHEAPEST_ARC`` finds no first solution on Solomon R101 within 10 s.
    improvement : {"lahc", "ils", "gls"}
        ``"lahc"``: redvest's routes search (``routing.visits.improve``) from OR-Tools'
        first solution: SISR ruin, greedy recreate and a granular local search priced
        by time-warp segments, late-acceptance hill climbing; one window per visit at
        most (``improve.models``). ``"ils"``: OR-Tools' iterated local search whose
        perturbation is SISR ruin-and-recreate (string removals, Christiaens & Vanden
        Berghe 2020) and whose acceptance is simulated annealing; ``"gls"``: OR-Tools'
        guided local search.
    ruin_visits : int
        SISR: visits removed per ruin on average.
    ruin_sequence : int
        SISR: longest run of consecutive visits removed from one route.
    history : int
        ``"lahc"``: iterations back whose cost a new solution may match to be accepted.
    temperature : (float, float)
        Simulated annealing start and end temperature, as multiples of the instance's
        cost scale (``model.cost_scale``: the mean of each node's five cheapest arcs),
        so one config fits tenths of a second and Solomon distances alike.
    gls_lambda : float
        Guided local search penalty factor (OR-Tools' default 0.1).
    recreate : str
        ILS: the insertion heuristic that puts ruined visits back.
    operators : tuple of str
        Local search operators to switch on beyond OR-Tools' defaults, by their
        ``local_search_operators`` field name (e.g. ``"use_relocate_neighbors"``).
    operators_off : tuple of str
        Default operators to switch off, by the same names.
    polish : float
        Single tours only: share of the budget given to ``routing.tour.polish_path`` (iterated
        2-opt / Or-opt) after OR-Tools' search, 0 = none. OR-Tools' guided local search
        makes all its progress on a 150-stop tour in its first 0.3 s.
    """

    name: str
    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"
    improvement: Literal["lahc", "ils", "gls"] = "ils"
    ruin_visits: int = 10
    ruin_sequence: int = 10
    history: int = 300
    temperature: tuple[float, float] = (1.5, 0.0002)
    gls_lambda: float = 0.1
    recreate: str = "LOCAL_CHEAPEST_INSERTION"
    operators: tuple[str, ...] = ()
    operators_off: tuple[str, ...] = ()
    polish: float = 0.0

    def __post_init__(self) -> None:
        one_of("first_solution", self.first_solution, FIRST_SOLUTIONS)
        one_of("recreate", self.recreate, FIRST_SOLUTIONS)
        unknown = (set(self.operators) | set(self.operators_off)) - LOCAL_SEARCH_OPERATORS
        require(not unknown, "unknown local search operator(s)", sorted(unknown))
        one_of("improvement", self.improvement, ("lahc", "ils", "gls"))
        for name in ("ruin_visits", "ruin_sequence", "history"):
            whole(name, getattr(self, name), 1)
        start, end = self.temperature
        require(
            math.isfinite(start) and math.isfinite(end) and start >= end > 0,
            "temperature must be (start, end) with start >= end > 0",
            self.temperature,
        )
        number("polish", self.polish, 0, 1, below_high=True)
        positive("gls_lambda", self.gls_lambda)


# Two searches for the two cores. With windows of one interval, several routes or
# optional visits: redvest's routes search (``improve``), removing 20 visits a ruin on
# average, with acceptance histories of 50 and 100 iterations (RC201 at 8 s, three
# seeds: +0.07 % and +0.06 % mean to the best known, ruin 15 +0.21 %). Two windows for
# one visit: OR-Tools' iterated local search with two ruin sizes (its guided local
# search trails by 1-4 % on Solomon VRPTW at 30 s). For a single tour without windows:
# guided local search for a fifth of the budget, once with OR-Tools' operators and once
# adding relocate-neighbors, then iterated 2-opt / Or-opt (``polish``) with each
# search's own seed. OR-Tools' guided local search on 150-200 stop tours makes every
# improvement in its first 0.3 s and none after (TSPLIB ch150: +0.54 % at 0.3 s and
# still at 15 s); the compiled polish reaches the optimum of ch150 and kroA200 in 1 s.
ROUTES_PORTFOLIO: Final = (
    SearchConfig("lahc-ruin20", improvement="lahc", ruin_visits=20, history=50),
    SearchConfig("lahc-ruin20-h100", improvement="lahc", ruin_visits=20, history=100),
)
ROUTING_PORTFOLIO: Final = (
    SearchConfig("ils-sisr10", first_solution="PARALLEL_CHEAPEST_INSERTION", ruin_visits=10),
    SearchConfig("ils-sisr15", first_solution="PARALLEL_CHEAPEST_INSERTION", ruin_visits=15),
)
TOUR_PORTFOLIO: Final = (
    SearchConfig("gls+polish", first_solution="PATH_CHEAPEST_ARC", improvement="gls", polish=0.8),
    SearchConfig(
        "gls-relocate-neighbors+polish",
        first_solution="PATH_CHEAPEST_ARC",
        improvement="gls",
        operators=("use_relocate_neighbors",),
        polish=0.8,
    ),
)


@dataclass(frozen=True)
class VisitOptions:
    """How to plan visits; every field has a validated default.

    Attributes
    ----------
    time_limit_s : float
        Wall-clock budget of a plan (all sessions or teams together), 10 s.
    seed : int
        Seed of the searches: the same seed gives the same plan when the searches are
        bounded by ``max_solutions`` or settle before the clock stops them.
    workers : int
        Searches run in parallel (processes), 2: one per core of a small server.
    portfolio : tuple of SearchConfig or None
        The searches the workers cycle through; None = ``ROUTING_PORTFOLIO``, or
        ``TOUR_PORTFOLIO`` for a single tour without windows (``search.portfolio_for``).
    max_solutions : int or None
        Per-search work budget for repeatable runs: solutions found by OR-Tools'
        searches, ruin-and-repair iterations of the routes search, 20 kicks each of the
        tour polish; None = clock only.
    visit_type : str
        Service time key of ``CostParameters.service_s`` for households without a
        ``visit_type`` column value: ``"registration"`` (5 min, ×2 for hardship) or
        ``"hardship_visit"`` (15 min).
    costs : CostParameters
        Walking, lift and stairs times, used when no ``HouseholdCosts`` is given.
    priority_weight : float
        Leaving out a priority-p household costs ``priority_weight ** (p - 1)`` times a
        priority-1 one, 10: one hardship visit outweighs ten routine ones, so the
        routine ones are dropped first.
    max_sessions : int
        Sessions a team may use; with more than 1 the households are split into the
        fewest sessions (each the same window) that hold them all.
    balance_weight : float
        Event day: weight of the longest team's working time against the total
        walking, per team (and of the charge for teams below their share).
    floor_sweeps : bool
        Reorder each building's stops into one sweep up or down when that costs
        nothing (see ``schedule.order_floors``).
    """

    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 2
    portfolio: tuple[SearchConfig, ...] | None = None
    max_solutions: int | None = None
    visit_type: str = "registration"
    costs: CostParameters = field(default_factory=CostParameters)
    priority_weight: float = 10.0
    max_sessions: int = 1
    balance_weight: float = 1.0
    floor_sweeps: bool = True

    def __post_init__(self) -> None:
        positive("time_limit_s", self.time_limit_s)
        whole("workers", self.workers, 1)
        require(
            self.portfolio is None
            or (bool(self.portfolio) and all(isinstance(c, SearchConfig) for c in self.portfolio)),
            "portfolio must be None or a non-empty tuple of SearchConfig",
            self.portfolio,
        )
        whole("max_solutions", self.max_solutions, 1, none_ok=True)
        one_of("visit_type", self.visit_type, self.costs.services)
        number("priority_weight", self.priority_weight, 1)
        whole("max_sessions", self.max_sessions, 1)
        number("balance_weight", self.balance_weight)
