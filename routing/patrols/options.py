"""Options of the patrol route planner and of the rota solver."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from routing.checks import positive, require, whole

# OR-Tools takes integer costs: lengths are handed to it in decimetres.
SOLVER_UNITS_PER_M: Final = 10


@dataclass(frozen=True)
class PatrolOptions:
    """How patrol routes are built and split among teams.

    The single-team walk is the Chinese-postman walk (every required street once,
    the cheapest repeats on top). With several teams the walk is cut into blocks that
    OR-Tools orders and hands out so that the longest route is as short as possible,
    then the total length.

    Attributes
    ----------
    time_limit_s : float
        Wall-clock budget of the OR-Tools improvement of the split, 5 s. A split that
        stops on the clock may differ under a different machine load; see
        ``max_solutions``.
    max_solutions : int or None
        Work budget of that improvement (solutions found), for splits that repeat on any
        machine; None = the clock only.
    seed : int
        Kept for the common solver signature; the route split has no random step.
    nearest_odd : int
        Candidates per odd-degree node in the minimum-weight perfect matching, 40: the
        40 nearest odd nodes by walking distance give the same matching as the complete
        graph on the Helsinki network at a fraction of the time (see bench/RESULTS.md).
    blocks_per_route : int
        Pieces of the single walk per team offered to OR-Tools, 30: finer pieces balance
        better, coarser ones leave OR-Tools more time per piece.
    max_blocks : int
        Most pieces in all, 900: OR-Tools' model grows with their square, so many teams
        (short slots) get fewer pieces each.
    span_weight : int
        Weight of the longest route against the total length in OR-Tools' objective,
        100: the longest route first, then the total.
    reoptimise : bool
        Rebuild each team's route as the postman walk of its own streets and keep it when
        shorter (removes connector detours the block order left behind).
    """

    time_limit_s: float = 5.0
    max_solutions: int | None = None
    seed: int = 0
    nearest_odd: int = 40
    blocks_per_route: int = 30
    max_blocks: int = 900
    span_weight: int = 100
    reoptimise: bool = True

    def __post_init__(self) -> None:
        positive("time_limit_s", self.time_limit_s)
        whole("seed", self.seed)
        whole("max_solutions", self.max_solutions, 1, none_ok=True)
        for name in ("nearest_odd", "blocks_per_route", "max_blocks"):
            whole(name, getattr(self, name), 1)
        whole("span_weight", self.span_weight)


@dataclass(frozen=True)
class RotaOptions:
    """Rules of the patrol rota.

    Attributes
    ----------
    weeks : int
        Length of the rota in weeks (from a Monday), 4.
    slots_per_day : int
        Patrol slots per day (e.g. morning and evening), 2; every route is walked once in
        every slot of every patrol day.
    slot_labels : tuple of str
        Printed names of the slots; empty = ``DEFAULT_SLOT_LABELS`` for the slot count.
    patrol_weekdays : tuple of int
        Days of the week with patrols, 0 = Monday … 6 = Sunday; default every day.
    rest_days : int
        Days off a team has between two patrols: 1 = never on consecutive days (the
        default), 0 = only "at most one patrol per day".
    fair_spread : int
        Largest allowed difference between two teams' patrol counts, 1.
    rotation_slack : int
        A team walks the same route at most ``ceil(its patrols / routes) + rotation_slack``
        times, 1.
    time_limit_s : float
        Wall-clock budget of CP-SAT, 10 s (also of the infeasibility explanation).
    seed : int
        CP-SAT's random seed; one search worker, so the same seed gives the same rota.
    """

    weeks: int = 4
    slots_per_day: int = 2
    slot_labels: tuple[str, ...] = ()
    patrol_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    rest_days: int = 1
    fair_spread: int = 1
    rotation_slack: int = 1
    time_limit_s: float = 10.0
    seed: int = 0

    def __post_init__(self) -> None:
        whole("weeks", self.weeks, 1, 53)
        whole("slots_per_day", self.slots_per_day, 1, 12)
        require(
            not self.slot_labels or len(self.slot_labels) == self.slots_per_day,
            "slot_labels needs one label per slot",
            self.slot_labels,
        )
        days = self.patrol_weekdays
        require(
            bool(days) and len(set(days)) == len(days) and all(d in range(7) for d in days),
            "patrol_weekdays must be distinct days 0..6",
            days,
        )
        for name in ("rest_days", "fair_spread", "rotation_slack"):
            whole(name, getattr(self, name))
        positive("time_limit_s", self.time_limit_s)
        whole("seed", self.seed)

    @property
    def labels(self) -> tuple[str, ...]:
        """The slot labels, defaults filled in."""
        if self.slot_labels:
            return self.slot_labels
        return DEFAULT_SLOT_LABELS.get(
            self.slots_per_day, tuple(f"S{i + 1}" for i in range(self.slots_per_day))
        )

    def rotation_cap(self, patrols: int, routes: int) -> int:
        """Most times one team may walk the same route, given its patrol count."""
        return math.ceil(patrols / max(routes, 1)) + self.rotation_slack


# Printed slot names: times of day, language-neutral.
DEFAULT_SLOT_LABELS: Final = {
    1: ("09:00-11:00",),
    2: ("09:00-11:00", "15:00-17:00"),
    3: ("08:00-10:00", "13:00-15:00", "18:30-20:30"),
}
