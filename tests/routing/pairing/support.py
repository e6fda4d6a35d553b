"""Small hand-made communities for the pairing tests: buildings on a street, one minute apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from routing.costs import CostParameters, HouseholdCosts
from routing.network import TravelMatrix
from routing.pairing import PairingRequest

STREET = 12  # buildings B00..B11; B(i) → B(j) takes |i - j| minutes, all on the ground floor


def building(i: int) -> str:
    return f"B{i:02d}"


def street_costs(households: pd.DataFrame) -> HouseholdCosts:
    """Walking costs on the street: |i - j| minutes between B(i) and B(j), no stairs."""
    ids = np.array([building(i) for i in range(STREET)], dtype=object)
    steps = np.abs(np.subtract.outer(np.arange(STREET), np.arange(STREET))).astype(float)
    matrix = TravelMatrix(steps * 72.0, steps * 60.0, "network", "test street", ids)
    buildings = pd.DataFrame({"building_id": ids, "has_lift": False})
    return HouseholdCosts(households, buildings, matrix, CostParameters())


def households(rows: Sequence[tuple[str, int, str] | tuple[str, int, str, str]]) -> pd.DataFrame:
    """(household_id, building number, tags[, availability]) rows, all on floor 1."""
    return pd.DataFrame(
        {
            "household_id": [r[0] for r in rows],
            "building_id": [building(r[1]) for r in rows],
            "floor": 1,
            "unit": [f"1{k:02d}" for k in range(1, len(rows) + 1)],
            "tags": [r[2] for r in rows],
            "availability": [r[3] if len(r) > 3 else "" for r in rows],
            "phone": [f"1380000{k:04d}" for k in range(len(rows))],
        }
    )


def volunteers(
    rows: Sequence[tuple[str, int | None, str, str] | tuple[str, int | None, str, str, str]],
) -> pd.DataFrame:
    """(volunteer_id, home building number or None, skills, team[, weekly availability])."""
    return pd.DataFrame(
        {
            "volunteer_id": [r[0] for r in rows],
            "name": [f"志愿者{r[0]}" for r in rows],
            "home_building": ["" if r[1] is None else building(r[1]) for r in rows],
            "skills": [r[2] for r in rows],
            "team_id": [r[3] for r in rows],
            "availability": [r[4] if len(r) > 4 else "" for r in rows],
        }
    )


def request(homes: pd.DataFrame, crew: pd.DataFrame, **kwargs: Any) -> PairingRequest:
    """A pairing request on the street."""
    return PairingRequest(homes, crew, street_costs(homes), **kwargs)


def pair_set(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(household_id, volunteer_id) of the rows with a volunteer."""
    made = frame[frame["volunteer_id"] != ""]
    return set(zip(made["household_id"], made["volunteer_id"], strict=True))
