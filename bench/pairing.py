"""Pairing 2,000 hardship families with 600 volunteers on the 10,000-household synthetic estate.

Run from the repository root: ``.venv/bin/python bench/pairing.py``. Prints markdown tables:
the optimum (min-cost flow) beside greedy nearest assignment in the same run, the
stability of a re-run after 5 % of the volunteers leave, and the recurring visits of the
next four weeks. Times are wall-clock (``time.perf_counter``) of one call each, including
the candidate matrices; the load average is printed before and after.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.costs import CostParameters, HouseholdCosts, building_matrix  # noqa: E402
from routing.demo import AVAILABILITY_WINDOWS  # noqa: E402
from routing.network import WalkingNetwork  # noqa: E402
from routing.pairing import (  # noqa: E402
    PairingOptions,
    PairingRequest,
    PairingResult,
    PairingWeights,
    greedy_pairing,
    schedule_visits,
    solve_pairing,
)
from routing.synthetic import synthetic_community  # noqa: E402
from routing.territories import (  # noqa: E402
    TerritoryOptions,
    plan_territories,
    teams_from_volunteers,
)

SEED = 20260301
FAMILIES = 2000
VOLUNTEERS = 600
TEAMS = 200  # the roster's teams of three, each with its area of a territory plan
TERRITORY_S = 5.0  # budget of that plan (set-up, not timed with the pairing)
TAG_SHARES = {"独居老人": 0.5, "残疾": 0.2, "困难家庭": 0.3}  # 1000×1 + 400×2 + 600×2 = 3000
SKILL_SHARES = {"医护": 0.25, "心理疏导": 0.3, "社工": 0.25, "维修": 0.1, "法律": 0.1}
NO_SKILL_SHARE = 0.3  # volunteers listing no skill
ANY_TIME_SHARE = 0.15  # volunteers (and households) who give no hours
DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
VOLUNTEER_WINDOWS = ("09:00-12:00", "14:00-17:00", "18:00-21:00", "08:30-11:30", "15:00-18:30")
CAP = 6  # families per volunteer: 600 × 6 = 3,600 places for 3,000 volunteers needed
LEAVING = 0.05
WEEKS = 4


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """What ``call()`` returns and the wall-clock seconds it took."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def build(rng: np.random.Generator) -> tuple[PairingRequest, pd.DataFrame]:
    """The estate with 2,000 hardship families and 600 volunteers, tags/skills/hours drawn."""
    community = synthetic_community(volunteers=VOLUNTEERS, team_size=VOLUNTEERS // TEAMS)
    params = CostParameters()
    network = WalkingNetwork.from_lines(community.paths, params.speed)
    matrix = building_matrix(community.buildings, network, params)
    homes = community.households.copy()
    tags = np.full(len(homes), "", dtype=object)
    chosen = rng.choice(len(homes), FAMILIES, replace=False)
    tags[chosen] = rng.choice(list(TAG_SHARES), FAMILIES, p=list(TAG_SHARES.values()))
    hours = np.where(
        rng.random(FAMILIES) < ANY_TIME_SHARE, "", rng.choice(AVAILABILITY_WINDOWS, FAMILIES)
    )
    availability = np.full(len(homes), "", dtype=object)
    availability[chosen] = hours
    homes = homes.assign(tags=tags, availability=availability)
    costs = HouseholdCosts(homes, community.buildings, matrix, params)
    crew = community.volunteers.copy()
    skills = rng.choice(list(SKILL_SHARES), VOLUNTEERS, p=list(SKILL_SHARES.values()))
    crew["skills"] = np.where(rng.random(VOLUNTEERS) < NO_SKILL_SHARE, "", skills)
    crew["availability"] = [_week(rng) for _ in range(VOLUNTEERS)]
    # Area teams from a territory plan of the roster's teams (near their members' homes).
    team_ids, team_homes = teams_from_volunteers(crew)
    plan = plan_territories(
        homes, community.buildings, team_ids, matrix=matrix, params=params,
        options=TerritoryOptions(time_limit_s=TERRITORY_S), homes=team_homes,
    )  # fmt: skip
    assignment = plan.household_assignment()
    teams = dict(zip(assignment["household_id"], assignment["team_id"], strict=True))
    return PairingRequest(homes, crew, costs, household_teams=teams), crew


def _week(rng: np.random.Generator) -> str:
    if rng.random() < ANY_TIME_SHARE:
        return ""
    days = rng.choice(len(DAYS), rng.integers(1, 4), replace=False)
    return ";".join(f"{DAYS[d]} {rng.choice(VOLUNTEER_WINDOWS)}" for d in sorted(days))


def row(name: str, seconds: float, result: PairingResult) -> str:
    m = result.metrics
    return (
        f"| {name} | {seconds:.2f} | {m.pairs:,} | {m.unpaired_households} "
        f"| {m.total_walk_min:,.0f} | {m.mean_walk_min:.2f} | {m.skill_fit:.1%} "
        f"| {m.own_team:.1%} | {m.largest_load} | {m.volunteers_paired} |"
    )


def main() -> None:
    print(f"Load average at the start: {load_average()}\n")
    rng = np.random.default_rng(SEED)
    (case, crew), build_s = timed(lambda: build(rng))
    demand = case.demand
    print("## Pairing (issue 14)\n")
    print(
        f"{len(case.households):,} households, {len(demand):,} paired families needing "
        f"{int(demand['needed'].sum()):,} volunteers, {len(crew)} volunteers (at most {CAP} "
        f"families each); estate, network, matrix and request built in {build_s:.2f} s.\n"
    )
    options = PairingOptions(max_families_per_volunteer=CAP, seed=0)
    optimum, optimum_s = timed(lambda: solve_pairing(case, options))
    greedy, greedy_s = timed(lambda: greedy_pairing(case, options))
    nothing_but_walks = PairingWeights(
        unskilled_min=0, second_skilled_min=0, other_team_min=0, load_step_min=0
    )
    walk_only = PairingOptions(max_families_per_volunteer=CAP, weights=nothing_but_walks)
    shortest, shortest_s = timed(lambda: solve_pairing(case, walk_only))
    print(
        "| method | time (s) | pairs | families short | total walk (min) | walk/pair (min) "
        "| skill fit | own area team | largest load | volunteers with families |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(row("optimum (min-cost flow), default weights", optimum_s, optimum))
    print(row("optimum, walking only (other weights 0)", shortest_s, shortest))
    print(row("greedy nearest", greedy_s, greedy))

    leavers = set(rng.choice(crew["volunteer_id"], int(LEAVING * len(crew)), replace=False))
    staying = crew[~crew["volunteer_id"].isin(leavers)]
    made = optimum.made()
    previous = tuple(zip(made["household_id"], made["volunteer_id"], strict=True))
    again_case = PairingRequest(
        case.households, staying, case.costs, household_teams=case.household_teams,
        previous=previous,
    )  # fmt: skip
    again, again_s = timed(lambda: solve_pairing(again_case, options))
    greedy_again, greedy_again_s = timed(lambda: greedy_pairing(again_case, options))
    theirs = int(made["volunteer_id"].isin(leavers).sum())
    print(
        f"\nAfter {len(leavers)} volunteers ({LEAVING:.0%}) leave — {theirs} of the "
        f"{len(made):,} pairs were theirs:\n"
    )
    print("| method | time (s) | pairs of staying volunteers kept | share kept | families short |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, result in (
        ("optimum, previous pairs given", again_s, again),
        ("greedy nearest (ignores previous pairs)", greedy_again_s, greedy_again),
    ):
        kept = _kept(previous, result, leavers)
        print(
            f"| {name} | {seconds:.2f} | {kept:,} of {len(previous) - theirs:,} "
            f"| {kept / (len(previous) - theirs):.1%} | {result.metrics.unpaired_households} |"
        )

    plan, plan_s = timed(
        lambda: schedule_visits(case, optimum.pairs, start=date(2026, 3, 2), weeks=WEEKS)
    )
    print(f"\nRecurring visits, {WEEKS} weeks: {plan.summary()} ({plan_s:.2f} s)")
    print(f"\nLoad average at the end: {load_average()}")


def _kept(previous: tuple[tuple[str, str], ...], result: PairingResult, leavers: set[str]) -> int:
    """Previous pairs of staying volunteers that the result makes again."""
    made = result.made()
    now = set(zip(made["household_id"], made["volunteer_id"], strict=True))
    return sum(1 for pair in previous if pair[1] not in leavers and pair in now)


if __name__ == "__main__":
    main()
