"""The households of a plan: service time, priority, visiting windows, and who cannot be visited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from routing.costs import CostParameters, HouseholdCosts
from routing.errors import InputError, Problem
from routing.hours import Window, parse_windows
from routing.visits.windows import start_windows

REQUIRED: Final = ("household_id", "building_id", "floor", "unit")
# Priorities run from 1 (routine) to this; hardship households default to 2.
MAX_PRIORITY: Final = 5
HARDSHIP_PRIORITY: Final = 2


@dataclass(frozen=True, eq=False)
class Visits:
    """Households to visit, in input order, with what the solver needs of each.

    ``frame`` has ``household_id``, ``building_id``, ``floor``, ``unit``,
    ``priority``, ``service_s``, ``availability`` and ``row`` (the household's
    position in the ``HouseholdCosts``); ``windows`` the allowed visit start times
    inside the session; ``reason`` is ``""`` for households that can be planned, else
    why not.
    """

    frame: pd.DataFrame
    windows: tuple[tuple[Window, ...], ...]
    reason: tuple[str, ...]

    @property
    def plannable(self) -> list[int]:
        """Positions of the households that can be planned."""
        return [i for i, why in enumerate(self.reason) if not why]


def prepare(
    households: pd.DataFrame,
    costs: HouseholdCosts,
    session: Window,
    visit_type: str,
) -> Visits:
    """Service times, priorities and windows of the households to visit.

    Parameters
    ----------
    households : DataFrame
        Per ``HOUSEHOLD_COLUMNS`` (``tags`` and ``availability`` optional); optional
        ``priority`` (int 1..5, higher first; default 2 for hardship, else 1) and
        ``visit_type`` (a key of ``CostParameters.service_s``, default ``visit_type``).
    costs : HouseholdCosts
        Holds every household (matched by ``household_id``).
    session : (float, float)
        Session start and end, seconds since midnight.
    visit_type : str
        Visit type of households without their own.

    Returns
    -------
    Visits
        One entry per household.
    """
    _check(households)
    rows = pd.Index(costs.household_ids).get_indexer(households["household_id"].astype(str))
    if (rows < 0).any():
        missing = households["household_id"].astype(str)[rows < 0].head(5).tolist()
        raise InputError(
            [
                Problem(
                    "households",
                    None,
                    "household_id",
                    f"not in the cost model: {', '.join(missing)}",
                )
            ]
        )
    hardship = costs.hardship[rows]
    kinds = _column(households, "visit_type", visit_type)
    service = service_seconds(kinds, hardship, costs.params)
    priority = _priorities(households, hardship)
    availability = _column(households, "availability", "")
    windows, reasons = [], []
    for text, seconds in zip(availability, service, strict=True):
        allowed, why = start_windows(parse_windows(text), session, float(seconds))
        windows.append(allowed)
        reasons.append(why)
    frame = pd.DataFrame(
        {
            "household_id": households["household_id"].astype(str).to_numpy(),
            "building_id": households["building_id"].astype(str).to_numpy(),
            "floor": households["floor"].to_numpy(dtype=np.int64),
            "unit": households["unit"].astype(str).to_numpy(),
            "priority": priority,
            "service_s": service,
            "availability": availability,
            "row": rows,
        }
    )
    return Visits(frame, tuple(windows), tuple(reasons))


def service_seconds(kinds: np.ndarray, hardship: np.ndarray, params: CostParameters) -> np.ndarray:
    """Service seconds per household, as ``HouseholdCosts.workload_s`` counts them.

    A ``hardship_visit`` lasts its own time; any other visit to a hardship household
    takes ``hardship_weight`` times its time.
    """
    services = params.services
    unknown = sorted(set(kinds) - set(services))
    if unknown:
        raise ValueError(f"unknown visit type(s) {unknown}; known: {sorted(services)}")
    base = np.array([services[k] for k in kinds], dtype=float)
    weighted = hardship & (kinds != "hardship_visit")
    return np.where(weighted, base * params.hardship_weight, base)


def _column(frame: pd.DataFrame, name: str, default: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), default, dtype=object)
    values = frame[name].fillna("").astype(str).str.strip()
    return np.where(values == "", default, values).astype(object)


def _priorities(households: pd.DataFrame, hardship: np.ndarray) -> np.ndarray:
    default = np.where(hardship, HARDSHIP_PRIORITY, 1)
    if "priority" not in households.columns:
        return default
    given = pd.to_numeric(households["priority"], errors="coerce")
    return np.where(given.isna(), default, given.fillna(0)).astype(np.int64)


def _check(households: pd.DataFrame) -> None:
    problems = [
        Problem("households", None, column, "column missing")
        for column in REQUIRED
        if column not in households.columns
    ]
    if problems:
        raise InputError(problems)
    ids = households["household_id"].astype(str)
    if ids.duplicated().any():
        shown = ", ".join(ids[ids.duplicated()].head(5))
        problems.append(Problem("households", None, "household_id", f"repeated: {shown}"))
    if "priority" in households.columns:
        given = pd.to_numeric(households["priority"], errors="coerce")
        bad = given.notna() & ~given.isin(range(1, MAX_PRIORITY + 1))
        if bad.any():
            message = (
                f"priority must be a whole number 1..{MAX_PRIORITY}, got {given[bad].iloc[0]!r}"
            )
            problems.append(Problem("households", None, "priority", message))
    if problems:
        raise InputError(problems)
