"""What a pairing run takes: register, roster, walking costs and the coordinator's say."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from routing.costs import HouseholdCosts
from routing.errors import InputError, Problem
from routing.hours import Window, parse_windows
from routing.pairing.rules import PairingRules, paired_households
from routing.pairing.weekly import VOLUNTEER_AVAILABILITY, WeeklyWindows, parse_weekly

Pair = tuple[str, str]  # (household_id, volunteer_id)
_VOLUNTEER_NEEDS = ("volunteer_id", "home_building", "skills", "team_id")
_HOUSEHOLD_NEEDS = ("household_id", "building_id", "floor", "unit", "tags", "availability")


@dataclass(frozen=True, eq=False)
class PairingRequest:
    """Everything one pairing run needs; validated once, here.

    Attributes
    ----------
    households : DataFrame
        The register per ``HOUSEHOLD_COLUMNS`` (at least ``household_id``,
        ``building_id``, ``floor``, ``unit``, ``tags``, ``availability``).
    volunteers : DataFrame
        The volunteers who may be paired, per ``VOLUNTEER_COLUMNS`` (``volunteer_id``,
        ``home_building``, ``skills``, ``team_id``), optionally with ``availability``
        (weekly, see ``routing.pairing.weekly.parse_weekly``; missing = any time). A
        volunteer who left is simply not in it.
    costs : HouseholdCosts
        Walking costs over (at least) the paired households.
    rules : PairingRules
        The community's rule table.
    marks : mapping of str to int or None
        Households the coordinator marked (see ``paired_households``).
    household_teams : mapping of str to str
        Household → its own area team (包干) from the territory plan; households
        missing from it have no team preference.
    previous : tuple of (str, str)
        The stored pairs (household_id, volunteer_id) of the last run, kept where they
        still can be.
    pins : tuple of (str, str)
        Pairs the coordinator fixed: always made, whatever they cost.
    forbids : tuple of (str, str)
        Pairs the coordinator ruled out.
    """

    households: pd.DataFrame
    volunteers: pd.DataFrame
    costs: HouseholdCosts
    rules: PairingRules = field(default_factory=PairingRules)
    marks: Mapping[str, int | None] = field(default_factory=dict)
    household_teams: Mapping[str, str] = field(default_factory=dict)
    previous: tuple[Pair, ...] = ()
    pins: tuple[Pair, ...] = ()
    forbids: tuple[Pair, ...] = ()
    demand: pd.DataFrame = field(init=False)
    weekly: tuple[WeeklyWindows, ...] = field(init=False)
    daily: tuple[tuple[Window, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        _need_columns(self.households, _HOUSEHOLD_NEEDS, "households")
        _need_columns(self.volunteers, _VOLUNTEER_NEEDS, "volunteers")
        for name in ("marks", "household_teams"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        for name in ("previous", "pins", "forbids"):
            object.__setattr__(self, name, _pairs(getattr(self, name), name))
        demand = paired_households(self.households, self.rules, self.marks)
        object.__setattr__(self, "demand", demand)
        problems = _check_ids(self)
        weekly, daily = _windows(self, problems)
        if problems:
            raise InputError(problems)
        object.__setattr__(self, "weekly", weekly)
        object.__setattr__(self, "daily", daily)

    @property
    def volunteer_ids(self) -> list[str]:
        """Volunteer ids in roster order."""
        return self.volunteers["volunteer_id"].astype(str).tolist()

    @property
    def visit_s(self) -> float:
        """Length of a pairing visit: the cost model's ``hardship_visit`` service time."""
        return float(self.costs.params.services["hardship_visit"])

    def positions(self, pairs: Iterable[Pair]) -> tuple[np.ndarray, np.ndarray]:
        """Demand row and roster column of each (household, volunteer) pair; -1 if unknown."""
        rows = {h: i for i, h in enumerate(self.demand["household_id"])}
        cols = {v: j for j, v in enumerate(self.volunteer_ids)}
        listed = list(pairs)
        i = np.array([rows.get(h, -1) for h, _ in listed], dtype=np.int64)
        j = np.array([cols.get(v, -1) for _, v in listed], dtype=np.int64)
        return i, j

    def household_positions(self) -> np.ndarray:
        """Row of each paired household in ``costs``."""
        return pd.Index(self.costs.household_ids).get_indexer(self.demand["household_id"])


def _need_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(name, None, c, "column missing") for c in missing])


def _pairs(values: Any, name: str) -> tuple[Pair, ...]:
    out = []
    for k, value in enumerate(values):
        if not (isinstance(value, tuple | list) and len(value) == 2):
            message = f"expected (household_id, volunteer_id), got {value!r}"
            raise InputError([Problem(name, k + 1, None, message)])
        out.append((str(value[0]), str(value[1])))
    return tuple(dict.fromkeys(out))


def _check_ids(request: PairingRequest) -> list[Problem]:
    problems = []
    volunteers = request.volunteers["volunteer_id"].astype(str)
    for vid in sorted(set(volunteers[volunteers.duplicated()])):
        problems.append(Problem("volunteers", None, "volunteer_id", f"{vid} is given twice"))
    known_v, known_h = set(volunteers), set(request.demand["household_id"])
    register = set(request.households["household_id"].astype(str))
    for name in ("pins", "forbids"):
        for k, (hid, vid) in enumerate(getattr(request, name), start=1):
            if hid not in register:
                problems.append(Problem(name, k, "household_id", f"unknown household {hid}"))
            elif name == "pins" and hid not in known_h:
                message = f"{hid} is not paired (no paired tag and not marked)"
                problems.append(Problem(name, k, "household_id", message))
            if vid not in known_v:
                message = f"{vid} is not among the volunteers who may be paired"
                problems.append(Problem(name, k, "volunteer_id", message))
    for k, pair in enumerate(request.pins, start=1):
        if pair in set(request.forbids):
            message = f"{pair[0]} – {pair[1]} is both pinned and forbidden"
            problems.append(Problem("pins", k, None, message))
    uncovered = request.household_positions() < 0
    if uncovered.any():
        shown = ", ".join(request.demand["household_id"][uncovered].head(5))
        message = f"{int(uncovered.sum())} paired household(s) not in the walking costs: {shown}"
        problems.append(Problem("households", None, "household_id", message))
    return problems


def _windows(
    request: PairingRequest, problems: list[Problem]
) -> tuple[tuple[WeeklyWindows, ...], tuple[tuple[Window, ...], ...]]:
    """Parsed weekly availability of each volunteer and visiting hours of each household."""
    texts = request.volunteers.get(VOLUNTEER_AVAILABILITY, pd.Series("", request.volunteers.index))
    weekly: list[WeeklyWindows] = []
    for vid, text in zip(request.volunteer_ids, texts, strict=True):
        try:
            weekly.append(parse_weekly(text))
        except ValueError as error:
            problems.append(Problem("volunteers", None, "availability", f"{vid}: {error}"))
            weekly.append(())
    daily: list[tuple[Window, ...]] = []
    for hid, text in zip(
        request.demand["household_id"], request.demand["availability"], strict=True
    ):
        try:
            daily.append(parse_windows(text))
        except ValueError as error:
            problems.append(Problem("households", None, "availability", f"{hid}: {error}"))
            daily.append(())
    return tuple(weekly), tuple(daily)
