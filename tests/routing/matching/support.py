"""Small hand-checkable matching instances: three buildings on a line and frame builders."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from routing.network import TravelMatrix

CASE_FIELDS = ("case_id", "category", "building_id", "urgency", "team_id", "availability")
VOLUNTEER_FIELDS = (
    "volunteer_id", "skills", "home_building", "team_id", "availability", "monthly_cap",
    "open_cases",
)  # fmt: skip


def line_matrix(n: int, spacing_m: float = 100.0) -> TravelMatrix:
    """Buildings ``B0`` … ``B<n-1>`` on a line, ``spacing_m`` apart."""
    position = np.arange(n) * spacing_m
    distance = np.abs(position[:, None] - position[None, :])
    ids = np.array([f"B{i}" for i in range(n)], dtype=object)
    return TravelMatrix(distance, distance / 1.2, "network", "", ids)


def abc_matrix() -> TravelMatrix:
    """A —100 m— B —200 m— C, and A to C 300 m."""
    distance = np.array([[0.0, 100.0, 300.0], [100.0, 0.0, 200.0], [300.0, 200.0, 0.0]])
    ids = np.array(["A", "B", "C"], dtype=object)
    return TravelMatrix(distance, distance / 1.2, "network", "", ids)


def cases(*rows: Sequence[object]) -> pd.DataFrame:
    """Cases from (case_id, category, building_id[, urgency, team_id, availability]) rows."""
    full = [tuple(r) + ("", "", "")[: len(CASE_FIELDS) - len(r)] for r in rows]
    frame = pd.DataFrame(full, columns=list(CASE_FIELDS), dtype=object)
    return frame.assign(household_id=["H-" + str(c) for c in frame["case_id"]])


def volunteers(*rows: Sequence[object]) -> pd.DataFrame:
    """Volunteers from (id, skills, home[, team, availability, monthly_cap, open_cases]) rows."""
    defaults = ("", "", 4, 0)
    full = [tuple(r) + defaults[len(r) - 3 :] for r in rows]
    return pd.DataFrame(full, columns=list(VOLUNTEER_FIELDS), dtype=object)
