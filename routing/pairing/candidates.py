"""Who can be paired with whom, and at what cost: walks, skills, hours, teams, forbids."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from routing.costs import GROUND_FLOOR, vertical_time_s
from routing.pairing.options import UNITS_PER_MIN, PairingOptions
from routing.pairing.request import PairingRequest
from routing.pairing.rules import split_words
from routing.pairing.weekly import weekly_overlap

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True, eq=False)
class Candidates:
    """Household × volunteer matrices (rows: ``request.demand``, columns: the roster)."""

    walk_s: FloatArray  # walk from the volunteer's home to the door; NaN = home unknown
    free: BoolArray  # their hours overlap for a whole visit on some weekday
    near: BoolArray  # within ``max_walk_min`` (the assumed walk when the home is unknown)
    forbidden: BoolArray  # ruled out by the coordinator
    fits: BoolArray  # the volunteer has a skill that fits the household's needs
    own_team: BoolArray  # the volunteer is in the household's own area team
    skill_rule: BoolArray  # (households,) some skill fits the household's needs
    household_team: NDArray[np.object_]  # (households,) its area team, "" when unknown
    cost: IntArray  # walk + other team, in solver units (seconds of walking)

    @property
    def allowed(self) -> BoolArray:
        """Pairs the solver may make (pins are made whatever this says)."""
        return self.free & self.near & ~self.forbidden

    @property
    def shape(self) -> tuple[int, int]:
        """(households, volunteers)."""
        return (len(self.skill_rule), self.free.shape[1])


def build_candidates(request: PairingRequest, options: PairingOptions) -> Candidates:
    """Every household × volunteer fact the solver and the explanations need.

    Parameters
    ----------
    request : PairingRequest
        The validated inputs.
    options : PairingOptions
        Weights and the walking limit.

    Returns
    -------
    Candidates
        Dense matrices; a community has a few thousand paired households and volunteers.
    """
    demand, volunteers, weights = request.demand, request.volunteers, options.weights
    walk = _walk_s(request)
    assumed = np.where(np.isnan(walk), weights.unknown_home_min * UNITS_PER_MIN, walk)
    limit = np.inf if options.max_walk_min is None else options.max_walk_min * UNITS_PER_MIN
    area = request.household_teams
    household_team = np.array([str(area.get(h, "")) for h in demand["household_id"]], dtype=object)
    volunteer_team = volunteers["team_id"].fillna("").astype(str).to_numpy(dtype=object)
    own = (household_team[:, None] == volunteer_team[None, :]) & (household_team[:, None] != "")
    other = (household_team[:, None] != "") & ~own
    cost = np.rint(assumed * weights.walk + other * weights.other_team_min * UNITS_PER_MIN)
    fits, skill_rule = _skill_fit(demand["skills"], volunteers["skills"])
    return Candidates(
        walk_s=walk,
        free=_free(request),
        near=assumed <= limit,
        forbidden=_forbidden(request),
        fits=fits,
        own_team=own,
        skill_rule=skill_rule,
        household_team=household_team,
        cost=cost.astype(np.int64),
    )


def _walk_s(request: PairingRequest) -> FloatArray:
    """Seconds from each volunteer's home entrance to each household's door (H × V)."""
    costs = request.costs
    rows = request.household_positions()
    building, floor = costs.building[rows], costs.floor[rows]
    up = vertical_time_s(GROUND_FLOOR, floor, costs.has_lift[building], costs.params)
    homes = costs.matrix.index_of(request.volunteers["home_building"].fillna("").astype(str))
    walk = costs.matrix.time_s[np.ix_(np.maximum(homes, 0), building)].T + up[:, None]
    walk[:, homes < 0] = np.nan
    return np.asarray(walk, dtype=np.float64)


def _free(request: PairingRequest) -> BoolArray:
    """Whether a volunteer's week and a household's hours share a whole visit (H × V)."""
    hours, visit_s = request.rules.hours, request.visit_s
    weekly_codes, weekly_values = _factorize(request.weekly)
    daily_codes, daily_values = _factorize(request.daily)
    table = np.zeros((len(daily_values), len(weekly_values)), dtype=bool)
    for a, daily in enumerate(daily_values):
        for b, weekly in enumerate(weekly_values):
            table[a, b] = bool(weekly_overlap(weekly, daily, hours, visit_s))
    if not len(daily_codes) or not len(weekly_codes):
        return np.zeros((len(daily_codes), len(weekly_codes)), dtype=bool)
    return table[np.ix_(daily_codes, weekly_codes)]


def _factorize(values: Sequence[T]) -> tuple[IntArray, list[T]]:
    """Codes into the distinct values (in first-seen order) and those values."""
    index: dict[T, int] = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)
    return codes, list(index)


def _skill_fit(needs: pd.Series, skills: pd.Series) -> tuple[BoolArray, BoolArray]:
    """Volunteer has a fitting skill (H × V), and household has a skill rule (H,)."""
    need_codes, need_values = pd.factorize(needs.fillna("").astype(str))
    have_codes, have_values = pd.factorize(skills.fillna("").astype(str))
    need_sets = [set(split_words(v)) for v in need_values]
    have_sets = [set(split_words(v)) for v in have_values]
    table = np.array([[bool(n & h) for h in have_sets] for n in need_sets], dtype=bool)
    rule = np.array([bool(n) for n in need_sets], dtype=bool)
    if not len(need_codes) or not len(have_codes):
        return np.zeros((len(need_codes), len(have_codes)), dtype=bool), rule[need_codes]
    return table[np.ix_(need_codes, have_codes)], rule[need_codes]


def _forbidden(request: PairingRequest) -> BoolArray:
    out = np.zeros((len(request.demand), len(request.volunteers)), dtype=bool)
    rows, cols = request.positions(request.forbids)
    known = (rows >= 0) & (cols >= 0)
    out[rows[known], cols[known]] = True
    return out
