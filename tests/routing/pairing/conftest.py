"""A mid-sized estate for the pairing tests: 12 towers, 90 hardship families, 60 volunteers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from routing.costs import CostParameters, HouseholdCosts, building_matrix
from routing.network import WalkingNetwork
from routing.pairing import PairingOptions, PairingRequest, PairingResult, solve_pairing
from routing.synthetic import synthetic_community

TAG_CYCLE = ("独居老人", "残疾", "困难家庭")
WEEKS = ("周一 09:00-12:00", "周三 14:00-17:00", "周六 09:00-17:00", "工作日 18:00-20:30", "")
SKILL_CYCLE = ("医护", "心理疏导", "社工", "", "维修", "")


@dataclass(frozen=True, eq=False)
class Estate:
    """The estate's register, roster, costs and buildings, and the household → team map."""

    households: pd.DataFrame
    volunteers: pd.DataFrame
    costs: HouseholdCosts
    buildings: pd.DataFrame
    teams: dict[str, str]

    def request(
        self, volunteers: pd.DataFrame | None = None, previous: tuple[tuple[str, str], ...] = ()
    ) -> PairingRequest:
        """The estate's request, optionally with another roster and previous pairs."""
        crew = self.volunteers if volunteers is None else volunteers
        return PairingRequest(
            self.households, crew, self.costs, household_teams=self.teams, previous=previous
        )


@pytest.fixture(scope="session")
def estate() -> Estate:
    """12 towers of 4–8 floors (4 flats a floor), every 3rd flat a hardship family."""
    community = synthetic_community(
        towers=12, min_floors=4, max_floors=8, units_per_floor=4, volunteers=60, seed=3
    )
    homes = community.households.copy()
    tags = np.full(len(homes), "", dtype=object)
    hardship = np.arange(0, len(homes), 3)[:90]
    tags[hardship] = [TAG_CYCLE[k % 3] for k in range(len(hardship))]
    homes["tags"] = tags
    crew = community.volunteers.copy()
    crew["availability"] = [WEEKS[k % len(WEEKS)] for k in range(len(crew))]
    crew["skills"] = [SKILL_CYCLE[k % len(SKILL_CYCLE)] for k in range(len(crew))]
    params = CostParameters()
    matrix = building_matrix(
        community.buildings, WalkingNetwork.from_lines(community.paths), params
    )
    costs = HouseholdCosts(homes, community.buildings, matrix, params)
    # Area teams: the towers split among the 20 teams in order, as a territory plan would.
    towers = community.buildings["building_id"].tolist()
    team_of_tower = {b: f"T{(k * 20) // len(towers) + 1:03d}" for k, b in enumerate(towers)}
    teams = dict(zip(homes["household_id"], homes["building_id"].map(team_of_tower), strict=True))
    return Estate(homes, crew, costs, community.buildings, teams)


@pytest.fixture(scope="session")
def estate_pairs(estate: Estate) -> PairingResult:
    """The optimum pairing of the estate, at most 3 families per volunteer."""
    return solve_pairing(estate.request(), PairingOptions(max_families_per_volunteer=3))
