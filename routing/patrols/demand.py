"""How often each route is walked, and in which slots: the rota's patrols before teams."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class RouteDemand:
    """What the rota must do for one route.

    Attributes
    ----------
    kind : str
        The route's patrol kind, printed on the rota ("street", "checkpoints",
        "building").
    per_week : int or None
        Times a week the route is walked (dengue spots 1, vendor spots every day = the
        patrol days); None = in every allowed slot of every patrol day (streets).
    slots : tuple of int
        Slots (0-based) the route may be walked in, e.g. the one its checkpoints' hours
        fall in; () = any.
    """

    kind: str = "street"
    per_week: int | None = None
    slots: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not (isinstance(self.kind, str) and self.kind):
            raise ValueError(f"kind must be a non-empty string, got {self.kind!r}")
        week = self.per_week
        if week is not None and not (isinstance(week, int) and not isinstance(week, bool)):
            raise ValueError(f"per_week must be None or an int >= 1, got {week!r}")
        if week is not None and week < 1:
            raise ValueError(f"per_week must be None or an int >= 1, got {week!r}")
        slots = self.slots
        if not isinstance(slots, tuple) or any(
            not isinstance(s, int) or isinstance(s, bool) or s < 0 for s in slots
        ):
            raise ValueError(f"slots must be a tuple of slot numbers >= 0, got {slots!r}")
        if len(set(slots)) < len(slots):
            raise ValueError(f"slots must be distinct, got {slots!r}")

    def allowed(self, slots_per_day: int) -> list[int]:
        """The slots the route may take, checked against the day's slot count."""
        bad = [s for s in self.slots if s >= slots_per_day]
        if bad:
            raise ValueError(f"slot {bad[0]} does not exist: the day has {slots_per_day} slot(s)")
        return list(self.slots) if self.slots else list(range(slots_per_day))


def walk_table(
    days: Sequence[dt.date],
    start: dt.date,
    slots_per_day: int,
    routes: Sequence[str],
    demands: Mapping[str, RouteDemand],
    given: Mapping[str, BoolArray] | None = None,
) -> BoolArray:
    """Which route is walked in which (patrol day, slot): ``walks[day, slot, route]``.

    Routes walked in every slot take all their allowed slots. A route walked ``n`` times
    a week gets, in each week, one patrol in each of ``n`` consecutive stretches of the
    week's allowed (day, slot) pairs, in the pair with the fewest patrols placed so far
    (then the earliest): its walks are spread over the week and the daily load stays
    even. Every-slot routes are placed first, then the others most walks a week first
    (the least room to choose), in the order given among equals.

    Parameters
    ----------
    days : sequence of datetime.date
        The rota's patrol days, in order.
    start : datetime.date
        First day of week 1.
    slots_per_day : int
        Slots a day.
    routes : sequence of str
        Route ids.
    demands : mapping of str to RouteDemand
        Per route; routes not in it are walked in every slot.
    given : mapping of str to ndarray of bool, optional
        Routes whose (day, slot) pattern is already known (a re-plan keeps them): they
        take it as is and count in the load the others are spread by.

    Returns
    -------
    ndarray of bool
        Shape (days, slots, routes).
    """
    walks = np.zeros((len(days), slots_per_day, len(routes)), dtype=bool)
    week = np.array([(d - start).days // 7 for d in days], dtype=int)
    load = np.zeros((len(days), slots_per_day), dtype=int)
    default = RouteDemand()
    for r, route in enumerate(routes):
        if given and route in given:
            walks[:, :, r] = given[route]
            load += given[route]

    def rank(r: int) -> tuple[bool, int]:
        week = demands.get(routes[r], default).per_week
        return week is not None, -(week or 0)

    order = sorted(range(len(routes)), key=rank)
    for r in order:
        if given and routes[r] in given:
            continue
        demand = demands.get(routes[r], default)
        allowed = demand.allowed(slots_per_day)
        if demand.per_week is None:
            walks[:, allowed, r] = True
            load[:, allowed] += 1
            continue
        for w in np.unique(week):
            pairs = [(d, s) for d in np.flatnonzero(week == w).tolist() for s in allowed]
            if demand.per_week > len(pairs):
                raise ValueError(
                    f"route {routes[r]} is walked {demand.per_week} times a week but week "
                    f"{w + 1} has only {len(pairs)} patrol slot(s) for it"
                )
            for stretch in np.array_split(np.arange(len(pairs)), demand.per_week):
                d, s = min((pairs[i] for i in stretch), key=lambda p: (load[p], p))
                walks[d, s, r] = True
                load[d, s] += 1
    return walks
