"""The flow's answer is the optimum: checked against every assignment of small instances."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from routing.matching import match_cases
from tests.routing.matching.support import abc_matrix, cases, volunteers

M = abc_matrix()
WALK = {(a, b): float(M.distance_m[i, j]) for i, a in enumerate("ABC") for j, b in enumerate("ABC")}
# What each category accepts, best first, and whether anyone may take it (defaults).
NEEDS = {"维修": (("维修",), False), "心理疏导": (("心理疏导", "社工"), False),
         "代购送药": (("驾驶",), True)}  # fmt: skip
URGENCY = {"urgent": 2, "priority": 1, "normal": 0}


def _penalty(category: str, skills: str) -> float | None:
    """Skill part of the cost (default weights), None when the volunteer may not take it."""
    accepted, optional = NEEDS[category]
    if skills == accepted[0]:
        return 0.0
    if skills in accepted:
        return 100.0
    return 300.0 if optional else None


def _key(
    case_rows: Sequence[tuple[str, ...]],
    vol_rows: Sequence[tuple[Any, ...]],
    pick: tuple[int | None, ...],
) -> tuple[float, ...] | None:
    """(-placed urgent, -placed priority, -placed normal, cost), None if infeasible."""
    cost, placed = 0.0, [0, 0, 0]
    added = [0] * len(vol_rows)
    for (_, category, building, urgency, team, hours), v in zip(case_rows, pick, strict=True):
        if v is None:
            continue
        _, skills, home, vteam, weekly, cap, held = vol_rows[v]
        penalty = _penalty(category, skills)
        # The evening volunteer never meets a household that gave morning hours.
        if penalty is None or (hours and weekly):
            return None
        added[v] += 1
        if added[v] > cap - held:
            return None
        placed[2 - URGENCY[urgency]] += 1
        cost += WALK[(home, building)] + penalty + (150.0 if team and team != vteam else 0.0)
    for (*_, held), a in zip(vol_rows, added, strict=True):
        cost += sum((held + k - 1) * 60.0 for k in range(1, a + 1))
    return (-placed[0], -placed[1], -placed[2], cost)


@pytest.mark.parametrize("seed", range(25))
def test_matches_the_best_of_every_assignment(seed: int) -> None:
    rng = np.random.default_rng(seed)
    case_rows = [
        (f"c{i}", str(rng.choice(list(NEEDS))), str(rng.choice(list("ABC"))),
         str(rng.choice(list(URGENCY))), str(rng.choice(["", "T1", "T2"])),
         str(rng.choice(["", "09:00-11:30"])))
        for i in range(5)
    ]  # fmt: skip
    vol_rows = [
        (f"V{i}", str(rng.choice(["维修", "社工", "心理疏导", "驾驶", ""])),
         str(rng.choice(list("ABC"))), str(rng.choice(["T1", "T2"])),
         str(rng.choice(["", "周六 18:00-20:00"])), int(rng.integers(1, 3)),
         int(rng.integers(0, 2)))
        for i in range(3)
    ]  # fmt: skip
    keys = [
        k for pick in itertools.product([None, 0, 1, 2], repeat=5)
        if (k := _key(case_rows, vol_rows, pick)) is not None
    ]  # fmt: skip
    result = match_cases(cases(*case_rows), volunteers(*vol_rows), M).assignments
    index = {f"V{i}": i for i in range(3)}
    pick = tuple(index.get(v) for v in result["volunteer_id"])
    found = _key(case_rows, vol_rows, pick)
    assert found is not None  # the matcher's answer keeps every rule
    assert found == pytest.approx(min(keys))
