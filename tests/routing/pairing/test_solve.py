"""The pairing solver on worked examples: caps, skills, pins, forbids, hours, stability."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from routing.errors import InputError
from routing.pairing import (
    PAIR_COLUMNS,
    PairingOptions,
    PairingRequest,
    PairingResult,
    PairingWeights,
    greedy_pairing,
    solve_pairing,
)
from routing.pairing.weekly import parse_weekly, weekly_overlap
from routing.visits.windows import parse_availability
from tests.routing.pairing.conftest import Estate
from tests.routing.pairing.support import households, pair_set, request, volunteers


def test_cap_limits_families_and_the_rest_are_explained() -> None:
    # Four lone elderly on B00..B03, two volunteers on B00 and B03, one family each.
    # Cheapest: each takes the family in their own building (0 min); H2 and H3 stay out.
    homes = households([("H1", 0, "独居老人"), ("H2", 1, "独居老人"), ("H3", 2, "独居老人"),
                        ("H4", 3, "独居老人")])  # fmt: skip
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 3, "", "T1")])
    result = solve_pairing(request(homes, crew), PairingOptions(max_families_per_volunteer=1))
    assert pair_set(result.pairs) == {("H1", "V1"), ("H4", "V2")}
    short = result.unpaired().set_index("household_id")["reason"]
    assert sorted(short.index) == ["H2", "H3"]
    for reason in short:
        assert (
            reason == "needs 1: the 2 other volunteer(s) free at its hours have 1 families already"
        )
    assert result.metrics.largest_load == 1
    assert result.metrics.unpaired_households == 2
    assert list(result.pairs.columns[: len(PAIR_COLUMNS)]) == list(PAIR_COLUMNS)


@pytest.mark.parametrize(
    ("unskilled_min", "chosen"),
    [
        # Near V1 (B02, 2 min, no skill) costs 2 + 15 = 17; skilled V2 (B10) costs 10.
        (15.0, "V2"),
        # A missing skill worth only 5 min: V1 costs 2 + 5 = 7 < 10.
        (5.0, "V1"),
    ],
)
def test_fitting_skill_is_worth_minutes_of_walking(unskilled_min: float, chosen: str) -> None:
    homes = households([("H1", 0, "独居老人")])
    crew = volunteers([("V1", 2, "维修", "T1"), ("V2", 10, "心理疏导", "T1")])
    weights = PairingWeights(unskilled_min=unskilled_min, second_skilled_min=0.0)
    result = solve_pairing(request(homes, crew), PairingOptions(weights=weights))
    assert pair_set(result.pairs) == {("H1", chosen)}
    assert result.metrics.skill_fit == (1.0 if chosen == "V2" else 0.0)
    assert result.made()["reason"].iat[0] == (
        "new; has 心理疏导" if chosen == "V2" else "new; without 心理疏导"
    )


@pytest.mark.parametrize(
    ("second_skilled_min", "chosen"),
    [
        # A disabled resident needs two. A 医护 B01 (1 min), B 医护 B04 (4), C none B02 (2).
        # {A, B}: 5 min + 0 (first skilled) + (15 - 5) (second skilled) = 15
        # {A, C}: 3 min + 0 + 15 (C unskilled) = 18;  {B, C}: 6 + 0 + 15 = 21.
        (5.0, {"VA", "VB"}),
        # A second skilled volunteer worth nothing: {A, B} = 5 + 15 = 20 > {A, C} = 18.
        (0.0, {"VA", "VC"}),
    ],
)
def test_several_volunteers_for_one_family(second_skilled_min: float, chosen: set[str]) -> None:
    homes = households([("H1", 0, "残疾")])
    crew = volunteers([("VA", 1, "医护", "T1"), ("VB", 4, "医护;法律", "T1"),
                       ("VC", 2, "", "T1")])  # fmt: skip
    weights = PairingWeights(second_skilled_min=second_skilled_min)
    result = solve_pairing(request(homes, crew), PairingOptions(weights=weights))
    assert {v for _, v in pair_set(result.pairs)} == chosen
    assert result.unpaired().empty


def test_pins_are_made_and_forbidden_pairs_never() -> None:
    # H1 on B00. V1 lives there (0 min) but is forbidden; V3 (B09) is pinned to H2 although
    # V2 lives next door to H2.
    homes = households([("H1", 0, "独居老人"), ("H2", 6, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 6, "", "T1"), ("V3", 9, "", "T1")])
    case = request(homes, crew, pins=[("H2", "V3")], forbids=[("H1", "V1")])
    result = solve_pairing(case)
    assert pair_set(result.pairs) == {("H2", "V3"), ("H1", "V2")}
    pinned = result.pairs.set_index("household_id").loc["H2"]
    assert pinned["status"] == "pinned" and pinned["reason"] == "pinned by the coordinator"
    assert pinned["walk_min"] == 3.0


def test_forbidding_every_volunteer_is_explained() -> None:
    homes = households([("H1", 0, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 1, "", "T1")])
    result = solve_pairing(request(homes, crew, forbids=[("H1", "V1"), ("H1", "V2")]))
    assert result.unpaired()["reason"].tolist() == ["needs 1: every volunteer is forbidden for it"]


def test_contradictory_pins_are_refused_naming_the_pair() -> None:
    homes = households([("H1", 0, "独居老人"), ("H2", 1, "独居老人"), ("H3", 1, "")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 1, "", "T1")])
    with pytest.raises(InputError, match="H1 – V1 is both pinned and forbidden"):
        request(homes, crew, pins=[("H1", "V1")], forbids=[("H1", "V1")])
    with pytest.raises(InputError, match="H3 is not paired"):
        request(homes, crew, pins=[("H3", "V1")])
    with pytest.raises(InputError, match="V9 is not among the volunteers"):
        request(homes, crew, pins=[("H1", "V9")])
    over_cap = request(homes, crew, pins=[("H1", "V1"), ("H2", "V1")])
    with pytest.raises(InputError, match="V1 is pinned to 2 families, over the cap of 1"):
        solve_pairing(over_cap, PairingOptions(max_families_per_volunteer=1))
    too_many = request(homes, crew, pins=[("H1", "V1"), ("H1", "V2")])
    with pytest.raises(InputError, match="H1 is pinned to 2 volunteers, it needs 1"):
        solve_pairing(too_many)


def test_visiting_hours_must_share_a_whole_visit() -> None:
    # H1 is home 09:00-11:30. V1 is free only on Saturday evenings: never paired, although
    # V1 lives in H1's building; V2 (Tuesday mornings, B05) is.
    homes = households([("H1", 0, "独居老人", "09:00-11:30"), ("H2", 8, "独居老人", "09:00-11:30")])
    crew = volunteers(
        [("V1", 0, "", "T1", "周六 18:00-20:00"), ("V2", 5, "", "T1", "周二 08:00-10:00")]
    )
    result = solve_pairing(request(homes, crew), PairingOptions(max_families_per_volunteer=1))
    # V2 is 5 min from H1 and 3 min from H2: it takes H2; H1 has no one free at its hours.
    assert pair_set(result.pairs) == {("H2", "V2")}
    assert result.unpaired()["reason"].tolist() == [
        "needs 1: the 1 other volunteer(s) free at its hours have 1 families already"
    ]
    only_v1 = solve_pairing(request(homes.iloc[:1], crew.iloc[:1]))
    assert only_v1.unpaired()["reason"].tolist() == [
        "needs 1: no volunteer is free at its visiting hours 09:00-11:30 for a whole visit"
    ]


def test_own_area_team_preferred_and_unknown_homes_cost_the_assumed_walk() -> None:
    # H1 (困难家庭, area team T2, needs two, 社工 fits) on B00. All three have 社工.
    # V1 (T1, B04): 4 min + 10 (other team) = 14; V2 (T2, B11): 11; V3 (T2, home unknown):
    # 20 assumed. The second 社工 of a family costs 15 - 5 = 10. {V1, V2} = 14 + 11 + 10 = 35,
    # {V2, V3} = 11 + 20 + 10 = 41, {V1, V3} = 14 + 20 + 10 = 44: V1 and V2.
    homes = households([("H1", 0, "困难家庭")])
    crew = volunteers(
        [("V1", 4, "社工", "T1"), ("V2", 11, "社工", "T2"), ("V3", None, "社工", "T2")]
    )
    teams = {"H1": "T2"}
    result = solve_pairing(request(homes, crew, household_teams=teams))
    assert pair_set(result.pairs) == {("H1", "V1"), ("H1", "V2")}
    rows = result.pairs.set_index("volunteer_id")
    assert rows.loc["V2", "reason"] == "new; has 社工; own area team"
    assert rows.loc["V1", "reason"] == "new; has 社工; area team T2"
    alone = solve_pairing(request(homes, crew.iloc[[2]], household_teams=teams))
    assert alone.made()["walk_min"].isna().iat[0]  # V3's home is unknown


def _objective(case: PairingRequest, pairs: set[tuple[str, str]], weights: PairingWeights) -> float:
    """The documented objective, in minutes, recomputed from a set of pairs on the street."""
    demand = case.demand.set_index("household_id")
    crew = case.volunteers.set_index("volunteer_id")
    teams = case.household_teams
    total = 0.0
    for hid, row in zip(demand.index.astype(str), demand.to_dict("records"), strict=True):
        mine = sorted(v for h, v in pairs if h == hid)
        needs = set(row["skills"].split(";")) - {""}
        skilled = sum(bool(needs & set(str(crew.loc[v, "skills"]).split(";"))) for v in mine)
        if needs:
            total += weights.unskilled_min * (len(mine) - skilled)
            total += (weights.unskilled_min - weights.second_skilled_min) * max(skilled - 1, 0)
        for v in mine:
            home = int(str(crew.loc[v, "home_building"])[1:])
            total += abs(home - int(row["building_id"][1:])) * weights.walk
            if teams.get(hid) and teams[hid] != crew.loc[v, "team_id"]:
                total += weights.other_team_min
    loads = pd.Series([v for _, v in pairs]).value_counts()
    total += sum(weights.load_step_min * n * (n - 1) / 2 for n in loads)
    return total


def test_optimum_equals_brute_force_on_a_small_case() -> None:
    homes = households([("H1", 0, "残疾"), ("H2", 3, "独居老人"), ("H3", 5, "困难家庭"),
                        ("H4", 9, "独居老人")])  # fmt: skip
    crew = volunteers([("V1", 1, "医护", "T1"), ("V2", 4, "心理疏导", "T2"), ("V3", 6, "", "T1"),
                       ("V4", 8, "社工;医护", "T2")])  # fmt: skip
    case = request(homes, crew, household_teams={"H1": "T1", "H2": "T2", "H3": "T1"})
    options = PairingOptions(max_families_per_volunteer=2)
    weights = options.weights
    best = math.inf
    ids = crew["volunteer_id"].tolist()
    choices = [list(itertools.combinations(ids, int(n))) for n in case.demand["needed"]]
    for combo in itertools.product(*choices):
        pairs = {
            (h, v) for h, vs in zip(case.demand["household_id"], combo, strict=True) for v in vs
        }
        if pd.Series([v for _, v in pairs]).value_counts().max() <= 2:
            best = min(best, _objective(case, pairs, weights))
    result = solve_pairing(case, options)
    assert result.unpaired().empty  # 6 volunteers needed, 8 places
    assert _objective(case, pair_set(result.pairs), weights) == pytest.approx(best)
    greedy = greedy_pairing(case, options)
    assert _objective(case, pair_set(greedy.pairs), weights) >= best


def test_same_inputs_same_pairs(estate: Estate) -> None:
    first = solve_pairing(estate.request(), PairingOptions(max_families_per_volunteer=3, seed=1))
    again = solve_pairing(estate.request(), PairingOptions(max_families_per_volunteer=3, seed=1))
    assert len(first.made()) > 0  # equal pairs, not two empty tables
    pd.testing.assert_frame_equal(first.pairs, again.pairs)


def test_estate_pairs_respect_caps_hours_and_explain_every_shortfall(
    estate: Estate, estate_pairs: PairingResult
) -> None:
    result = estate_pairs
    made = result.made()
    loads = made["volunteer_id"].value_counts()
    assert loads.max() <= 3
    demand = estate.request().demand.set_index("household_id")
    crew = estate.volunteers.set_index("volunteer_id")
    hours = (8 * 3600.0, 20 * 3600.0)
    for hid, vid in zip(made["household_id"], made["volunteer_id"], strict=True):
        daily = parse_availability(demand.loc[hid, "availability"])
        weekly = parse_weekly(crew.loc[vid, "availability"])
        assert weekly_overlap(weekly, daily, hours, 900), (hid, vid)
    got = made.groupby("household_id").size().reindex(demand.index, fill_value=0)
    short = set(got[got < demand["needed"]].index)
    unpaired = result.unpaired()
    assert set(unpaired["household_id"]) == short
    assert (unpaired["reason"].str.len() > 10).all()
    assert result.metrics.pairs == len(made)


def test_optimum_pairs_at_least_as_many_as_greedy(
    estate: Estate, estate_pairs: PairingResult
) -> None:
    options = PairingOptions(max_families_per_volunteer=3)
    greedy = greedy_pairing(estate.request(), options)
    assert estate_pairs.metrics.pairs >= greedy.metrics.pairs
    fit, greedy_fit = estate_pairs.metrics.skill_fit, greedy.metrics.skill_fit
    assert fit is not None and greedy_fit is not None and fit > greedy_fit


def test_a_volunteer_leaving_moves_only_their_families(
    estate: Estate, estate_pairs: PairingResult
) -> None:
    before = pair_set(estate_pairs.pairs)
    loads = pd.Series([v for _, v in before]).value_counts()
    leaver = str(loads.index[0])
    previous = tuple(sorted(before))
    staying = estate.volunteers[estate.volunteers["volunteer_id"] != leaver]
    options = PairingOptions(max_families_per_volunteer=3)
    again = solve_pairing(estate.request(staying, previous), options)
    after = pair_set(again.pairs)
    theirs = {p for p in before if p[1] == leaver}
    assert before - theirs <= after  # every other pair kept
    moved = after - before
    assert {h for h, _ in moved} <= {h for h, _ in theirs}  # only their families re-paired
    assert again.metrics.kept == len(before) - len(theirs)
    assert again.metrics.kept_share == 1.0
    dropped = again.dropped.set_index("household_id")
    assert set(dropped.index) == {h for h, _ in theirs}
    assert (dropped["reason"] == "left").all()
    for hid in {h for h, _ in theirs}:
        rows = again.pairs[again.pairs["household_id"] == hid]
        changed = rows[rows["status"].isin(["new", "unpaired"])]
        assert changed["reason"].str.contains(f"{leaver} left").all()


def test_over_cap_volunteers_keep_only_as_many_families_as_the_new_cap() -> None:
    # V1 had H1..H3; the cap drops to 2. One of its pairs goes (the farthest, H3 on B06:
    # V2 on B07 takes it), the other two stay.
    homes = households([("H1", 0, "独居老人"), ("H2", 1, "独居老人"), ("H3", 6, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 7, "", "T1")])
    previous = [("H1", "V1"), ("H2", "V1"), ("H3", "V1")]
    result = solve_pairing(
        request(homes, crew, previous=previous), PairingOptions(max_families_per_volunteer=2)
    )
    assert pair_set(result.pairs) == {("H1", "V1"), ("H2", "V1"), ("H3", "V2")}
    assert result.dropped.values.tolist() == [["H3", "V1", "over the cap of 2 families"]]
    assert result.metrics.kept == 2 and result.metrics.previous_staying == 3
    statuses = result.pairs.set_index("household_id")["status"].to_dict()
    assert statuses == {"H1": "kept", "H2": "kept", "H3": "new"}


def test_keeping_beats_a_shorter_walk() -> None:
    # H1 on B00 was paired with V2 (B08, 8 min); V1 now lives in H1's building. Kept.
    homes = households([("H1", 0, "独居老人")])
    crew = volunteers([("V1", 0, "", "T1"), ("V2", 8, "", "T1")])
    result = solve_pairing(request(homes, crew, previous=[("H1", "V2")]))
    assert pair_set(result.pairs) == {("H1", "V2")}
    assert np.array_equal(result.pairs["status"].to_numpy(), ["kept"])
