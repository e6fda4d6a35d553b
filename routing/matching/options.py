"""Options of the case matcher: time budget, seed and the weights of its objective."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Final

from routing.checks import number, positive, whole

# The flow solver works in integers: costs are whole metres (weights are in metres too).
# This is the only place the scale is set.
UNITS_PER_M: Final = 1


@dataclass(frozen=True)
class MatchOptions:
    """How the matcher trades distance, the own team, skills and load.

    Every weight is in metres of walking: "a volunteer of another team counts as if
    they lived ``other_team_m`` further away". Urgency is not a weight: a case is only
    left out for one at least as urgent (tiers, see ``routing.matching.flow``).

    Attributes
    ----------
    time_limit_s : float
        Budget for the whole match. The min-cost flow has no clock; with ``candidates``
        > 0 the budget bounds the rounds that give cases placed through a hub their
        real edges (each round solves the flow again).
    seed : int
        Order in which equally good volunteers are tried; the same seed gives the same
        result.
    other_team_m : float
        Added for a volunteer whose team is not the household's own (包干) team, 150 m.
    substitute_m : float
        Added for a volunteer with a later-listed skill of the category rather than the
        first (心理疏导 served by a 社工), 100 m.
    unskilled_m : float
        Optional-skill categories: added for a volunteer without any listed skill, 300 m.
    load_m : float
        Balance: a volunteer's k-th open case costs ``(k - 1) × load_m``, 60 m, so a
        second case goes to someone up to 60 m further who has none.
    outside_m : float or None
        Distance assumed for a volunteer who lives outside the community (no home
        building in the matrix); None: the largest distance in the matrix.
    default_cap : int
        Monthly cap of a volunteer whose roster row gives none, 4.
    min_overlap_min : float
        Minutes a volunteer's week must share with the household's daily visiting hours
        on one day, 30.
    candidates : int
        Cheapest volunteers per case put in the flow at first, 60; 0 = every volunteer
        who fits. Cases left out while a fitting volunteer outside their candidates has
        room (or holds a less urgent case) get all their fitting volunteers next round.
    """

    time_limit_s: float = 10.0
    seed: int = 0
    other_team_m: float = 150.0
    substitute_m: float = 100.0
    unskilled_m: float = 300.0
    load_m: float = 60.0
    outside_m: float | None = None
    default_cap: int = 4
    min_overlap_min: float = 30.0
    candidates: int = 0

    def __post_init__(self) -> None:
        for option in fields(self):
            value = getattr(self, option.name)
            if option.name in ("seed", "default_cap", "candidates"):
                whole(option.name, value)
            else:
                number(option.name, value, none_ok=option.name == "outside_m")
        positive("time_limit_s", self.time_limit_s)

    @property
    def min_overlap_s(self) -> float:
        """``min_overlap_min`` in seconds."""
        return self.min_overlap_min * 60.0
