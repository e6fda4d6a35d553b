"""Cases → volunteers: the min-cost flow matcher against a greedy nearest-volunteer baseline.

Run from the repository root: ``.venv/bin/python bench/cases.py``. Builds the synthetic
10,000-household community (``routing.synthetic``) with 600 volunteers in 200 teams,
plans their areas of responsibility (包干, the households' own teams), draws 5,000 open
cases and the volunteers' weekly hours, caps and current loads (seeded), and matches
them with ``match_cases`` (exact, and with 60 candidates per case) and ``greedy_match``
on the same instance. Prints a markdown
table, the reasons for cases left out and the load average (``os.getloadavg()``).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.cases import DEFAULT_TAXONOMY, Urgency, classify, derive_urgency  # noqa: E402
from routing.costs import CostParameters, building_matrix  # noqa: E402
from routing.matching import MatchOptions, MatchResult, greedy_match, match_cases  # noqa: E402
from routing.network import WalkingNetwork  # noqa: E402
from routing.synthetic import SyntheticCommunity, synthetic_community  # noqa: E402
from routing.territories import (  # noqa: E402
    TerritoryOptions,
    plan_territories,
    teams_from_volunteers,
)

SEED = 13
CASES = 5_000
VOLUNTEERS = 600
TARGET_S = 5.0
PRUNED = 60  # candidates per case of the pruned variant
# What residents ask for (a phrase per category, as a register would write it) and how
# often; the demo's eight phrases plus legal, counselling and sanitation requests.
REQUESTS = (
    ("需要代购药品", 0.16), ("楼道灯坏了", 0.12), ("家中水管漏水需维修", 0.10),
    ("电梯经常故障", 0.06), ("需要陪同就医", 0.12), ("需要帮忙预约社区医生", 0.06),
    ("希望有人定期上门探访", 0.10), ("希望协助办理补贴申请", 0.10),
    ("租房合同纠纷想咨询律师", 0.05), ("楼下垃圾堆放有异味", 0.08), ("想找人聊聊天", 0.03),
    ("紧急：老人摔倒需要就医", 0.02),
)  # fmt: skip
# Volunteers' weekly hours (可服务时间) and their shares; "" = any time.
WEEKLY = (
    ("", 0.35), ("工作日 18:30-21:00", 0.25), ("周末 09:00-17:00", 0.2),
    ("周一至周五 09:00-12:00", 0.1), ("周二、周四 14:00-17:00", 0.1),
)  # fmt: skip
CAPS = (6, 8, 10, 12, 15)  # 每月可接单数, drawn uniformly
HELD = (0.6, 0.25, 0.1, 0.05)  # share of volunteers already holding 0, 1, 2, 3 open cases


def draw(weighted: tuple[tuple[str, float], ...], n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws of the first items with the second items as weights."""
    items = np.array([item for item, _ in weighted], dtype=object)
    weights = np.array([w for _, w in weighted])
    return items[rng.choice(len(items), size=n, p=weights / weights.sum())]


def own_teams(community: SyntheticCommunity, matrix: object) -> pd.Series:
    """household_id → team: the 包干 areas the territory planner gives the 200 teams."""
    teams, homes = teams_from_volunteers(community.volunteers)
    plan = plan_territories(
        community.households, community.buildings, teams, matrix=matrix,  # type: ignore[arg-type]
        params=CostParameters(), options=TerritoryOptions(time_limit_s=20.0), homes=homes,
    )  # fmt: skip
    return plan.household_assignment().set_index("household_id")["team_id"]


def open_cases(
    community: SyntheticCommunity, team: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """5,000 cases at distinct households, categories and urgency as the classifier gives."""
    households = community.households
    picked = households.iloc[np.sort(rng.choice(len(households), size=CASES, replace=False))]
    text = draw(REQUESTS, CASES, rng)
    category = [classify(t).category for t in text]
    urgency = [
        derive_urgency(t, tags, DEFAULT_TAXONOMY[c], DEFAULT_TAXONOMY).name.lower()
        for t, tags, c in zip(text, picked["tags"], category, strict=True)
    ]
    return pd.DataFrame(
        {
            "case_id": [f"C{i:05d}" for i in range(1, CASES + 1)],
            "category": category,
            "building_id": picked["building_id"].to_numpy(),
            "household_id": picked["household_id"].to_numpy(),
            "urgency": urgency,
            "team_id": team.reindex(picked["household_id"]).fillna("").to_numpy(),
            "availability": picked["availability"].to_numpy(),
        }
    )


def roster(community: SyntheticCommunity, rng: np.random.Generator) -> pd.DataFrame:
    """The 600 volunteers with weekly hours, monthly caps and open cases already held."""
    n = len(community.volunteers)
    return community.volunteers.assign(
        availability=draw(WEEKLY, n, rng),
        monthly_cap=rng.choice(CAPS, size=n),
        open_cases=rng.choice(len(HELD), size=n, p=HELD),
    )


def row(name: str, result: MatchResult) -> str:
    m = result.metrics
    tiers = " / ".join(f"{a:,}/{n:,}" for _, a, n in m.by_urgency)
    used = result.loads[result.loads["assigned"] > 0]
    return (
        f"| {name} | {m.elapsed_s:.2f} | {m.solve_s:.2f} | {m.rounds} | {m.assigned:,} | {tiers} "
        f"| {m.total_distance_m / 1000:,.1f} | {m.mean_distance_m:.0f} "
        f"| {m.objective_m / 1000:,.1f} "
        f"| {m.skill_fit:.1%} | {m.own_team:.1%} | {m.largest_load} "
        f"| {used['open_after'].mean():.1f} | {m.volunteers_used} |"
    )


def main() -> None:
    start = time.perf_counter()
    community = synthetic_community(volunteers=VOLUNTEERS)
    params = CostParameters()
    network = WalkingNetwork.from_lines(community.paths, params.speed)
    matrix = building_matrix(community.buildings, network, params)
    team = own_teams(community, matrix)
    rng = np.random.default_rng(SEED)
    cases = open_cases(community, team, rng)
    volunteers = roster(community, rng)
    setup_s = time.perf_counter() - start
    options = MatchOptions(seed=SEED)
    flow = match_cases(cases, volunteers, matrix, options=options)
    greedy = greedy_match(cases, volunteers, matrix, options=options)
    pruned = match_cases(cases, volunteers, matrix, options=replace(options, candidates=PRUNED))
    load = os.getloadavg()
    urgent = " / ".join(u.name.lower() for u in sorted(Urgency, reverse=True))
    print("## Cases (issue 13)\n")
    print(
        f"Community: {community.summary()}; {CASES:,} open cases, {len(volunteers):,} "
        f"volunteers in {volunteers['team_id'].nunique()} teams; setup (network, matrix, "
        f"territories, draws) {setup_s:.1f} s.\n"
    )
    print(
        f"| method | time (s) | solve (s) | rounds | assigned | by urgency ({urgent}) "
        "| total km | mean m | objective (km) | first-choice skill | own team | largest load "
        "| mean load | volunteers used |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(row("min-cost flow (redvest, every fitting pair)", flow))
    print(row(f"min-cost flow, {PRUNED} candidates + hubs", pruned))
    print(row("greedy nearest skilled", greedy))
    print()
    for name, result in (("min-cost flow", flow), ("greedy", greedy)):
        left = ", ".join(f"{code} {count}" for code, count in result.metrics.reasons)
        print(f"- {name}, left out: {left or 'none'}")
    verdict = "met" if flow.metrics.elapsed_s <= TARGET_S else "MISSED"
    print(f"\nTarget ≤ {TARGET_S:.0f} s: {verdict} ({flow.metrics.elapsed_s:.2f} s).")
    print(
        f"Load average (1, 5, 15 min) after the run: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}."
    )


if __name__ == "__main__":
    main()
