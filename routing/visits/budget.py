"""When a search stops: a wall-clock deadline, a work budget, or whichever comes first."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

# Work between two looks at the clock: short enough to stop near the deadline.
_CHECK_EVERY_S = 0.05


@dataclass(frozen=True)
class Budget:
    """A search's stopping rule: stop at ``deadline`` or after ``max_work`` units of work.

    The unit of work is the search's own (an iteration of ``routing.visits.iterate``,
    a kick of ``routing.tour.polish_path``). A run that ends on ``max_work`` repeats for a
    seed on any machine; one that ends on the clock depends on the machine's speed.

    Attributes
    ----------
    deadline : float
        ``time.time()`` at which to stop.
    max_work : int or None
        Units of work after which to stop; None = the clock only.
    """

    deadline: float
    max_work: int | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.deadline):
            raise ValueError(f"deadline must be a finite time, got {self.deadline!r}")
        if self.max_work is not None and self.max_work < 0:
            raise ValueError(f"max_work must be >= 0 or None, got {self.max_work!r}")

    def left(self, done: int) -> bool:
        """Whether work may go on after ``done`` units."""
        if self.max_work is not None and done >= self.max_work:
            return False
        return time.time() < self.deadline

    def step(self, done: int, seconds_per_unit: float) -> int:
        """Units to do before looking again: about ``_CHECK_EVERY_S`` of work, at least 1,
        never past ``max_work``."""
        units = max(1, int(_CHECK_EVERY_S / max(seconds_per_unit, 1e-7)))
        if self.max_work is not None:
            units = min(units, self.max_work - done)
        return max(units, 0)
