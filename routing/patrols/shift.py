"""Routes that fit the shift: the fewest that fit a slot, or why a given count cannot."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final, TypeVar

P = TypeVar("P")
# Longest slot a patrol may be planned for (a long day's shift).
MAX_SLOT_S: Final = 12 * 3600.0
MIN_SLOT_S: Final = 10 * 60.0


class SlotTooShortError(ValueError):
    """A route count that cannot fit the slot, by how much, and the count that fits.

    Attributes
    ----------
    routes : int
        The count asked for.
    slot_s : float
        The slot length.
    longest_s : float
        The longest route's duration with ``routes`` routes; when ``bound`` it is a lower
        bound (the work shared perfectly evenly), not a planned route.
    suggested : int or None
        The fewest routes found to fit; None when no count fits.
    bound : bool
        ``longest_s`` is the even-share lower bound.
    unplaced : int
        Stops left out by ``routes`` routes (checkpoints, floor bands); 0 for streets.
    unplaced_s : float
        Time those stops need there (their service, stairs included).
    """

    def __init__(
        self,
        routes: int,
        slot_s: float,
        longest_s: float,
        suggested: int | None,
        *,
        bound: bool = False,
        unplaced: int = 0,
        unplaced_s: float = 0.0,
    ):
        self.routes, self.slot_s, self.longest_s = routes, slot_s, longest_s
        self.suggested, self.bound = suggested, bound
        self.unplaced, self.unplaced_s = unplaced, unplaced_s
        super().__init__(self._message())

    @property
    def over_s(self) -> float:
        """How much the routes overrun: the longest beyond the slot, or the stops left over."""
        if self.unplaced:
            return self.unplaced_s
        return max(self.longest_s - self.slot_s, 0.0)

    def _message(self) -> str:
        slot = _minutes(self.slot_s)
        head = f"{self.routes} route(s) do not fit {slot}-minute slots: "
        if self.unplaced:
            why = (
                f"{self.unplaced} stop(s) do not fit into them "
                f"({_minutes(self.unplaced_s)} min of stops left over)"
            )
        elif self.bound:
            why = (
                f"shared perfectly evenly, each would take at least "
                f"{_minutes(self.longest_s)} min, {_minutes(self.over_s)} min over"
            )
        else:
            why = (
                f"the longest would take {_minutes(self.longest_s)} min, "
                f"{_minutes(self.over_s)} min over"
            )
        fit = (
            f"; {self.suggested} routes fit"
            if self.suggested is not None
            else "; no route count fits (a single stop or street is too far for the slot)"
        )
        return head + why + fit


def _minutes(seconds: float) -> int:
    return math.ceil(seconds / 60 - 1e-9)


def check_slot(slot_s: float | None) -> None:
    """Refuse a slot length outside 10 min .. 12 h (None: no slot)."""
    if slot_s is None:
        return
    ok = isinstance(slot_s, int | float) and not isinstance(slot_s, bool)
    if not (ok and math.isfinite(slot_s) and MIN_SLOT_S <= slot_s <= MAX_SLOT_S):
        raise ValueError(
            f"slot_s must be seconds in {MIN_SLOT_S:g}..{MAX_SLOT_S:g}, got {slot_s!r}"
        )


def lower_bound(work_s: float, slot_s: float) -> int:
    """Routes needed at least: work that must be done ÷ what one slot holds (>= 1)."""
    return max(1, math.ceil(work_s / slot_s - 1e-9))


def fit_routes(
    plan_for: Callable[[int], P],
    longest_s: Callable[[P], float],
    slot_s: float,
    *,
    routes: int | None,
    work_s: float,
    guess: int,
    upper: int,
) -> P:
    """The plan with the fewest routes whose longest fits the slot, or with ``routes``.

    The lower bound is ``work_s`` ÷ ``slot_s`` routes. From ``guess`` (at least the
    bound) the count goes up until the longest route fits, then down while it still
    fits and stays at or above the bound. With ``routes`` the plan of that count is
    returned when it fits; otherwise ``SlotTooShortError`` names the overrun (the even share
    ``work_s`` ÷ ``routes`` when that alone exceeds the slot, without planning it) and
    the count the search finds.

    Parameters
    ----------
    plan_for : callable
        Plans ``k`` routes.
    longest_s : callable
        A plan's longest route, in seconds (inf when stops were left out).
    slot_s : float
        The slot length.
    routes : int or None
        The count asked for, or None for the fewest that fit.
    work_s : float
        Time that must be spent whatever the split (e.g. walking every street once).
    guess : int
        Where the search starts.
    upper : int
        Most routes tried.

    Returns
    -------
    plan
        A plan whose longest route is at most ``slot_s``.
    """
    lower = lower_bound(work_s, slot_s)
    plans: dict[int, P] = {}

    def plan(k: int) -> P:
        if k not in plans:
            plans[k] = plan_for(k)
        return plans[k]

    def fits(k: int) -> bool:
        return longest_s(plan(k)) <= slot_s + 1e-6

    def search(start: int) -> int | None:
        k = max(start, lower)
        while k <= upper and not fits(k):
            k += 1
        if k > upper:
            return None
        while k - 1 >= max(lower, 1) and (routes is None or k - 1 > routes) and fits(k - 1):
            k -= 1
        return k

    if routes is None:
        found = search(max(guess, lower))
        if found is None:
            raise SlotTooShortError(upper, slot_s, longest_s(plan(upper)), None)
        return plan(found)
    if routes < lower:
        share = work_s / routes
        raise SlotTooShortError(routes, slot_s, share, search(max(guess, lower)), bound=True)
    if fits(routes):
        return plan(routes)
    longest = longest_s(plan(routes))
    raise SlotTooShortError(routes, slot_s, longest, search(max(guess, routes + 1)))
