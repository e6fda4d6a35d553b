"""Options, pins and the progress callback type of the territory planner."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

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
        _check(0.0 <= self.tolerance < 1.0, "tolerance must be in [0, 1)", self.tolerance)
        _check(self.time_limit_s > 0, "time_limit_s must be > 0", self.time_limit_s)
        _check(isinstance(self.seed, int) and self.seed >= 0, "seed must be an int >= 0", self.seed)
        _check(bool(self.visit_type), "visit_type must not be empty", self.visit_type)
        for name in ("piece_weight_m", "home_weight", "move_weight_m"):
            _check(getattr(self, name) >= 0, f"{name} must be >= 0", getattr(self, name))
        _check(
            isinstance(self.window_teams, int) and 2 <= self.window_teams <= 12,
            "window_teams must be an int in 2..12",
            self.window_teams,
        )
        _check(self.window_work > 0, "window_work must be > 0", self.window_work)
        if self.max_work is not None:
            _check(self.max_work > 0, "max_work must be > 0 or None", self.max_work)


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


def _check(ok: bool, message: str, value: object) -> None:
    if not ok or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{message}, got {value!r}")
