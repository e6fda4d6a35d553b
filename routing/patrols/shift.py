"""Routes that fit the shift: the fewest that fit a slot, or why a given count cannot."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Final, Generic, TypeVar

P = TypeVar("P")
# Longest slot a patrol may be planned for (a long day's shift).
MAX_SLOT_S: Final = 12 * 3600.0
MIN_SLOT_S: Final = 10 * 60.0


class SlotTooShortError(ValueError):
    """A route count that cannot fit the slot, by how much, and the count that fits.

    Attributes
    ----------
    routes : int or None
        The count asked for (None: the fewest were asked for).
    slot_s : float
        The slot length.
    longest_s : float
        The longest route's duration with ``routes`` routes; when ``bound`` it is a lower
        bound (the work shared perfectly evenly), not a planned route.
    suggested : int or None
        The fewest routes found to fit; None when no count fits.
    bound : bool
        ``longest_s`` is the even-share lower bound.
    reach : bool
        ``longest_s`` is the farthest street's round trip from the start: no count fits.
    unplaced : int
        Stops left out by ``routes`` routes (checkpoints, floor bands); 0 for streets.
    unplaced_s : float
        Time those stops need there (their service, stairs included).
    """

    def __init__(
        self,
        routes: int | None,
        slot_s: float,
        longest_s: float,
        suggested: int | None,
        *,
        bound: bool = False,
        reach: bool = False,
        unplaced: int = 0,
        unplaced_s: float = 0.0,
    ):
        self.routes, self.slot_s, self.longest_s = routes, slot_s, longest_s
        self.suggested, self.bound, self.reach = suggested, bound, reach
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
        if self.routes is None:
            head = f"no number of routes fits {slot}-minute slots: "
        else:
            head = f"{self.routes} route(s) do not fit {slot}-minute slots: "
        if self.reach:
            return head + (
                f"the street farthest from the start takes {_minutes(self.longest_s)} min "
                f"there and back alone, {_minutes(self.over_s)} min over; choose a longer "
                "slot, a smaller area or another start"
            )
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
    reach_s: float = 0.0,
) -> P:
    """The plan with the fewest routes whose longest fits the slot, or with ``routes``.

    The lower bound is ``work_s`` ÷ ``slot_s`` routes. From ``guess`` (at least the
    bound) the count goes up until the longest route fits, each next count predicted from
    the counts tried (a longest route of ``a + b / k``, ``next_count``); then the fewest
    that fit is found between the last count that did not and the first that did (one
    count below first, then bisection). With ``routes`` the plan of that count is
    returned when it fits; otherwise ``SlotTooShortError`` names the overrun (the even
    share ``work_s`` ÷ ``routes`` when that alone exceeds the slot, without planning it)
    and the count the search finds.

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
    reach_s : float
        The longest any route must take (e.g. to the farthest street and back): when
        it exceeds the slot no count fits, said at once.

    Returns
    -------
    plan
        A plan whose longest route is at most ``slot_s``.
    """
    if reach_s > slot_s + 1e-6:
        raise SlotTooShortError(routes, slot_s, reach_s, None, reach=True)
    lower = lower_bound(work_s, slot_s)
    counts = _CountSearch(plan_for, longest_s, slot_s, upper)
    if routes is None:
        found = counts.fewest(max(guess, lower), lower - 1)
        if found is None:
            raise SlotTooShortError(upper, slot_s, longest_s(counts.plan(upper)), None)
        return counts.plan(found)
    if routes < lower:
        share = work_s / routes
        found = counts.fewest(max(guess, lower), lower - 1)
        raise SlotTooShortError(routes, slot_s, share, found, bound=True)
    if counts.fits(routes):
        return counts.plan(routes)
    longest = longest_s(counts.plan(routes))
    raise SlotTooShortError(routes, slot_s, longest, counts.fewest(max(guess, routes + 1), routes))


class _CountSearch(Generic[P]):
    """Route counts tried by ``fit_routes``: each count planned once and remembered."""

    def __init__(
        self,
        plan_for: Callable[[int], P],
        longest_s: Callable[[P], float],
        slot_s: float,
        upper: int,
    ):
        self.plan_for, self.longest_s = plan_for, longest_s
        self.slot_s, self.upper = slot_s, upper
        self.plans: dict[int, P] = {}

    def plan(self, k: int) -> P:
        """The plan of ``k`` routes."""
        if k not in self.plans:
            self.plans[k] = self.plan_for(k)
        return self.plans[k]

    def fits(self, k: int) -> bool:
        """Whether the longest of ``k`` routes fits the slot."""
        return self.longest_s(self.plan(k)) <= self.slot_s + 1e-6

    def fewest(self, start: int, below: int) -> int | None:
        """The fewest fitting count from ``start``; ``below`` is known not to fit."""
        k, tried = max(start, below + 1), []
        while not self.fits(k):
            tried.append((k, self.longest_s(self.plan(k))))
            below = k
            if k >= self.upper:
                return None
            k = next_count(tried, self.slot_s, self.upper)
        if k - 1 > below:  # the usual case: the prediction was right or one too high
            if not self.fits(k - 1):
                return k
            k -= 1
        while k - below > 1:
            middle = (below + k) // 2
            below, k = (below, middle) if self.fits(middle) else (middle, k)
        return k


def next_count(tried: list[tuple[int, float]], slot_s: float, upper: int) -> int:
    """The next route count to try after counts whose longest route overran the slot.

    The longest route is taken as ``a + b / k`` (a share of the work plus the way out
    and back): through the last two counts tried, or with ``a = 0`` after the first; the
    count where it meets the slot, at least one more and at most twice the last.

    Parameters
    ----------
    tried : list of (int, float)
        Counts tried and their longest route, in order.
    slot_s : float
        The slot length.
    upper : int
        Most routes.
    """
    k, longest = tried[-1]
    guess = k * longest / slot_s
    if len(tried) >= 2:
        j, before = tried[-2]
        if j != k and before != longest:
            b = (before - longest) / (1 / j - 1 / k)
            a = longest - b / k
            guess = b / (slot_s - a) if slot_s > a and b > 0 else 2 * k
    return int(min(max(math.ceil(guess - 1e-9), k + 1), 2 * k, upper))
