"""Options and objective weights of the pairing solver."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Final

from routing.checks import number, positive, require, whole

# OR-Tools takes integer costs: one unit is one second of walking.
UNITS_PER_MIN: Final = 60


@dataclass(frozen=True)
class PairingWeights:
    """What a pair costs, in minutes of walking (one walking minute costs 1).

    Before any of these the solver keeps existing pairs, then pairs as many families as
    possible (both absolutely, see ``routing.pairing.flow``); these weights choose among
    the plans that do.

    Attributes
    ----------
    walk : float
        Cost per minute of the volunteer's walk from home to the family's door, 1.
    unskilled_min : float
        What a volunteer without a fitting skill costs a family whose needs have one
        (e.g. 医护 for 残疾), 15: a family's first skilled volunteer is worth 15 more
        minutes of walking.
    second_skilled_min : float
        What a family's second and further skilled volunteers are still worth (they
        cost ``unskilled_min`` minus this), 5: scarce skills go first to families
        without one.
    other_team_min : float
        A volunteer from another team than the household's own area team, 10.
    load_step_min : float
        The k-th family of one volunteer costs (k - 1) × this, 3: spreads the families
        over volunteers rather than giving the nearest volunteer all of them.
    unknown_home_min : float
        The walk assumed for a volunteer whose home building is unknown, 20.
    """

    walk: float = 1.0
    unskilled_min: float = 15.0
    second_skilled_min: float = 5.0
    other_team_min: float = 10.0
    load_step_min: float = 3.0
    unknown_home_min: float = 20.0

    def __post_init__(self) -> None:
        for weight in fields(self):
            number(weight.name, getattr(self, weight.name), 0, 1e4)
        require(
            self.second_skilled_min <= self.unskilled_min,
            "second_skilled_min must not exceed unskilled_min",
            self.second_skilled_min,
        )


@dataclass(frozen=True)
class PairingOptions:
    """How volunteers are paired with families.

    Attributes
    ----------
    max_families_per_volunteer : int
        At most this many families per volunteer, 3.
    max_walk_min : float or None
        Pairs with a longer walk from the volunteer's home are not made; None = no limit.
    weights : PairingWeights
        The objective's weights.
    time_limit_s : float
        Budget of one solve, 10 s. The solver is a min-cost flow: it finds the proven
        optimum in polynomial time, far inside the budget (bench/pairing.py), so the
        budget never changes a result; a solve that overran it says so in ``notes``.
    seed : int
        Kept for the common solver signature; the flow has no random step, so the same
        inputs always give the same pairs.
    """

    max_families_per_volunteer: int = 3
    max_walk_min: float | None = None
    weights: PairingWeights = field(default_factory=PairingWeights)
    time_limit_s: float = 10.0
    seed: int = 0

    def __post_init__(self) -> None:
        whole("max_families_per_volunteer", self.max_families_per_volunteer, 1, 50)
        positive("max_walk_min", self.max_walk_min, none_ok=True)
        require(
            isinstance(self.weights, PairingWeights),
            "weights must be PairingWeights",
            type(self.weights).__name__,
        )
        positive("time_limit_s", self.time_limit_s)
        whole("seed", self.seed)
