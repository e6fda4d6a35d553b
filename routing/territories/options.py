"""Options, pins and the progress callback type of the territory planner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from routing.checks import number, positive, require, whole

# Called with the fraction done (0..1) and a short message, e.g. for a job's progress bar.
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class TerritoryOptions:
    """How the planner weighs balance, compactness and stability.

    Balance comes first: every team's workload within ``tolerance`` of the mean. Among
    balanced plans the planner minimises, in metres, each team's walking loop plus
    ``piece_weight_m`` per band (building piece) plus ``home_weight`` × the members'
    mean walk from home to the area's farthest building; when re-planning, each
    household that changes team costs ``move_weight_m``.

    Attributes
    ----------
    tolerance : float
        Allowed relative deviation of a team's workload from the mean (0.05 = ±5 %).
    time_limit_s : float
        Wall-clock budget of one call. The improvement phase stops when it converges or
        when the budget is spent; only the latter makes a run depend on machine speed.
    seed : int
        Seed of every randomised step (CP-SAT's search); the same seed and inputs give
        the same plan.
    visit_type : str
        Visit type whose service time makes the workload (see ``routing.costs``).
    piece_weight_m : float
        Walking metres one extra band is worth; > 0 favours few pieces per team.
    home_weight : float
        Weight of the members' walk from home (metres per metre) when homes are known.
    move_weight_m : float
        Walking metres one moved household is worth when re-planning. Re-planning moves
        households only where balance needs it; this weight chooses between handing a
        few flats on through neighbouring teams (more moves, compact areas) and giving
        a team an extra band further away (fewer moves, longer loops).
    window_teams : int
        Neighbouring teams re-optimised together by one CP-SAT improvement step.
    window_work : float
        CP-SAT deterministic-time limit of one improvement step (≈ seconds on one core).
    max_work : float or None
        CP-SAT deterministic seconds all improvement steps together may use; None = a
        quarter of ``time_limit_s``. With a ``time_limit_s`` long enough to act only as
        a guard, a run ends on this work budget and gives the same plan under any load.
    """

    tolerance: float = 0.05
    time_limit_s: float = 10.0
    seed: int = 0
    visit_type: str = "registration"
    piece_weight_m: float = 40.0
    home_weight: float = 0.25
    move_weight_m: float = 50.0
    window_teams: int = 2
    window_work: float = 0.05
    max_work: float | None = None

    def __post_init__(self) -> None:
        number("tolerance", self.tolerance, 0, 1, below_high=True)
        positive("time_limit_s", self.time_limit_s)
        whole("seed", self.seed)
        require(bool(self.visit_type), "visit_type must not be empty", self.visit_type)
        for name in ("piece_weight_m", "home_weight", "move_weight_m"):
            number(name, getattr(self, name))
        whole("window_teams", self.window_teams, 2, 12)
        positive("window_work", self.window_work)
        if self.max_work is not None:
            positive("max_work", self.max_work)


@dataclass(frozen=True)
class Pin:
    """A floor band the coordinator fixed to a team: ``building_id`` floors first..last."""

    building_id: str
    first_floor: int
    last_floor: int
    team_id: str

    def __post_init__(self) -> None:
        if self.first_floor > self.last_floor:
            raise ValueError(
                f"pin {self.building_id}: first_floor {self.first_floor} > "
                f"last_floor {self.last_floor}"
            )


def as_pin(value: Pin | tuple[str, int, int, str]) -> Pin:
    """A ``Pin`` from a pin or a ``(building_id, first_floor, last_floor, team_id)`` tuple."""
    if isinstance(value, Pin):
        return value
    building, first, last, team = value
    return Pin(str(building), int(first), int(last), str(team))
