"""When a solve stops: a deadline, a number of solutions, an amount of work, whichever first.

One stopping rule for every solver (after PyVRP's ``pyvrp/stop``: ``MaxRuntime``,
``MaxIterations`` and their combination). Options keep their fields (``time_limit_s``,
``max_solutions``) and build a ``Budget`` from them; a solver hands parts of it to its
phases. A run that ends on solutions or work repeats for a seed on any machine; one that
ends on the clock depends on the machine's speed and load.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from ortools.constraint_solver import routing_parameters_pb2

# Work between two looks at the clock: short enough to stop near the deadline.
_CHECK_EVERY_S = 0.05
# The shortest search an OR-Tools call is given, even when the clock has run out.
_MIN_SEARCH_S = 0.01


@dataclass(frozen=True)
class Budget:
    """A solve's stopping rule: whichever of its limits comes first.

    Attributes
    ----------
    deadline : float
        ``time.time()`` at which to stop (wall clock, the same in every worker process).
    max_work : float or None
        Units of the solver's own work after which to stop (an iteration of the visit
        search, a kick of the tour polish, a CP-SAT deterministic second); None = none.
    max_solutions : int or None
        Solutions an OR-Tools search may find before it stops; None = no limit.
    """

    deadline: float
    max_work: float | None = None
    max_solutions: int | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.deadline):
            raise ValueError(f"deadline must be a finite time, got {self.deadline!r}")
        if self.max_work is not None and not self.max_work >= 0:
            raise ValueError(f"max_work must be >= 0 or None, got {self.max_work!r}")
        if self.max_solutions is not None and not self.max_solutions >= 1:
            raise ValueError(f"max_solutions must be >= 1 or None, got {self.max_solutions!r}")

    @classmethod
    def seconds(
        cls, time_limit_s: float, *, max_work: float | None = None, max_solutions: int | None = None
    ) -> Budget:
        """A budget of ``time_limit_s`` from now, with optional work and solution limits."""
        if not (math.isfinite(time_limit_s) and time_limit_s >= 0):
            raise ValueError(f"time_limit_s must be a number of seconds >= 0, got {time_limit_s!r}")
        return cls(time.time() + time_limit_s, max_work, max_solutions)

    def left_s(self) -> float:
        """Seconds until the deadline, 0 once it has passed."""
        return max(self.deadline - time.time(), 0.0)

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return time.time() >= self.deadline

    def left(self, done: float = 0) -> bool:
        """Whether work may go on after ``done`` units (and before the deadline)."""
        if self.max_work is not None and done >= self.max_work:
            return False
        return not self.expired()

    def step(self, done: float, seconds_per_unit: float) -> int:
        """Units to do before looking again: about ``_CHECK_EVERY_S`` of work, at least 1,
        never past ``max_work``."""
        units = max(1, int(_CHECK_EVERY_S / max(seconds_per_unit, 1e-7)))
        if self.max_work is not None:
            units = min(units, int(self.max_work - done))
        return max(units, 0)

    def share(self, fraction: float, *, at_least_s: float = 0.0) -> Budget:
        """This budget with its deadline after ``fraction`` of the time left (at least
        ``at_least_s``, never past this deadline unless ``at_least_s`` says so); the work
        and solution limits are kept."""
        seconds = max(self.left_s() * fraction, at_least_s)
        return replace(self, deadline=time.time() + seconds)

    def until(self, deadline: float) -> Budget:
        """This budget with another deadline (``time.time()``)."""
        return replace(self, deadline=deadline)

    def with_work(self, max_work: float | None) -> Budget:
        """This budget with another work limit."""
        return replace(self, max_work=max_work)

    def work_per_solution(self, units: int) -> Budget:
        """The work limit ``units`` × ``max_solutions`` (none without a solution limit):
        how a solver that counts its own work honours a solution budget."""
        work = None if self.max_solutions is None else self.max_solutions * units
        return replace(self, max_work=work)

    def after(self, used: float) -> Budget:
        """What is left of the work limit once ``used`` units are spent."""
        if self.max_work is None:
            return self
        return replace(self, max_work=max(self.max_work - used, 0.0))

    def search_parameters(
        self, params: routing_parameters_pb2.RoutingSearchParameters, *, at_least_s: float = 0.0
    ) -> None:
        """Set an OR-Tools routing search's time limit (the time left, at least
        ``at_least_s``) and solution limit."""
        seconds = max(self.left_s(), at_least_s, _MIN_SEARCH_S)
        params.time_limit.FromMilliseconds(max(int(seconds * 1000), 1))
        if self.max_solutions is not None:
            params.solution_limit = self.max_solutions


__all__ = ["Budget"]
