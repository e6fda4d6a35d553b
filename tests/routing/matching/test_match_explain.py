"""Every case left out has a reason; bad frames are refused naming what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from routing.costs import BuildingMatrix
from routing.errors import InputError
from routing.matching import (
    ASSIGNMENT_COLUMNS,
    ASSIGNMENT_EXTRA_COLUMNS,
    REASON_CODES,
    MatchOptions,
    greedy_match,
    match_cases,
)
from tests.routing.matching.support import abc_matrix, cases, line_matrix, volunteers

M = abc_matrix()


def test_every_case_left_out_has_its_reason() -> None:
    c = cases(
        ("pet", "宠物", "A"),  # not a category
        ("law", "法律咨询", "A"),  # nobody is a 法律 volunteer
        ("doc", "医疗健康", "B", "", "", "09:00-10:00"),  # the nurse works weekend evenings
        ("fix", "维修", "C"),  # the only 维修 volunteer holds their cap already
        ("talk1", "心理疏导", "A", "urgent"),  # one 心理疏导 volunteer, room for one case:
        ("talk2", "心理疏导", "A", "normal"),  # the urgent one gets it
        ("bin", "环境卫生", "A"),  # anyone can: assigned
    )
    v = volunteers(
        ("V1", "医护", "B", "", "周六、周日 18:00-21:00"),
        ("V2", "维修", "C", "", "", 3, 3),
        ("V3", "心理疏导", "A", "", "", 1, 0),
        ("V4", "", "A", "", "", 1, 0),
    )
    for method in (match_cases, greedy_match):
        result = method(c, v, M)
        frame = result.assignments.set_index("case_id")
        assert frame["reason_code"].to_dict() == {
            "pet": "unknown_category", "law": "no_skill", "doc": "no_availability",
            "fix": "at_cap", "talk1": "", "talk2": "taken", "bin": "",
        }  # fmt: skip
        left = frame["volunteer_id"] == ""
        assert (frame.loc[left, "reason"] != "").all()
        assert (frame.loc[~left, "reason"] == "").all()
        assert frame.loc["law", "reason"] == "no one with the skill 法律"
        assert frame.loc["pet", "reason"] == "category '宠物' is not in the taxonomy"
        assert result.metrics.reasons == (
            ("unknown_category", 1), ("no_skill", 1), ("no_availability", 1), ("at_cap", 1),
            ("taken", 1),
        )  # fmt: skip


def test_no_volunteers_and_no_cases() -> None:
    empty = volunteers(("V1", "", "A")).iloc[:0]
    result = match_cases(cases(("c1", "维修", "A")), empty, M)
    assert result.assignments["reason_code"].tolist() == ["no_volunteers"]
    assert result.metrics.largest_load == 0
    none = match_cases(cases(("c1", "维修", "A")).iloc[:0], volunteers(("V1", "", "A")), M)
    assert list(none.assignments.columns) == [*ASSIGNMENT_COLUMNS, *ASSIGNMENT_EXTRA_COLUMNS]
    assert none.assignments.empty and none.metrics.assigned == 0
    assert none.loads["open_after"].tolist() == [0]


def test_bad_frames_are_refused_with_every_problem() -> None:
    c = cases(("c1", "维修", "A", "soon"), ("c1", "维修", "Z", "", "", "morning"))
    v = volunteers(("V1", "维修", "A", "", "whenever"), ("V1", "", "B", "", "", "2.5", -1))
    with pytest.raises(InputError) as error:
        match_cases(c, v, M)
    problems = [str(p) for p in error.value.problems]
    assert problems == [
        "cases::case_id: case_id 'c1' is repeated",
        "volunteers::volunteer_id: volunteer_id 'V1' is repeated",
        "cases::urgency: c1: unknown urgency 'soon'; known: normal (一般, 0), priority (优先, 1), "
        "urgent (紧急, 2)",
        "cases::availability: c1: bad time window 'morning' (expected HH:MM-HH:MM)",
        "volunteers::availability: V1: availability 'whenever': cannot read 'whenever' "
        "(expected days such as 周一至周五 and windows such as 18:00-21:00)",
        "volunteers::monthly_cap: V1: expected a whole number >= 0, got '2.5'",
        "volunteers::open_cases: V1: expected a whole number >= 0, got '-1'",
        "cases::building_id: case c1: building 'Z' is not in the distance matrix",
    ]


def test_missing_columns_are_named() -> None:
    with pytest.raises(InputError, match="cases::building_id: missing column building_id"):
        match_cases(cases(("c1", "维修", "A")).drop(columns="building_id"), volunteers(), M)


def test_cases_beyond_their_candidates_are_placed_through_the_hub() -> None:
    # Ten 维修 volunteers, one in each of B0..B9 (100 m apart), room for one case each;
    # ten cases in B0, each of its own team (so each its own group). With candidates=1
    # every case first sees its two nearest volunteers (the list grows until their room
    # reaches twice the group's one case): V0 and V1. The other eight cases reach V2..V9
    # through the hub in round 1 and get their real edges in round 2.
    m = line_matrix(10)
    c = cases(*[(f"c{i}", "维修", "B0", "", f"T{i}") for i in range(10)])
    v = volunteers(*[(f"V{i}", "维修", f"B{i}", "", "", 1, 0) for i in range(10)])
    wide = match_cases(c, v, m, options=MatchOptions(candidates=1))
    full = match_cases(c, v, m, options=MatchOptions(candidates=0))
    assert (wide.metrics.rounds, full.metrics.rounds) == (2, 1)
    assert wide.metrics.assigned == full.metrics.assigned == 10
    # 0 + 100 + … + 900 = 4,500 m.
    assert wide.metrics.total_distance_m == full.metrics.total_distance_m == 4500.0
    # Cut short by the time limit after round 1: still all placed, and the note says so.
    cut = match_cases(c, v, m, options=MatchOptions(candidates=1, time_limit_s=1e-9))
    assert (cut.metrics.rounds, cut.metrics.assigned) == (1, 10)
    assert cut.metrics.note.startswith("time limit reached: 8 case(s) placed through a hub")
    assert sorted(cut.assignments["volunteer_id"]) == sorted(v["volunteer_id"])


def _random_instance(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    categories = ["维修", "医疗健康", "心理疏导", "代购送药", "环境卫生", "政策咨询"]
    skills = ["维修", "医护", "心理疏导", "社工", "驾驶", "", "法律"]
    hours = ["", "09:00-11:30", "14:00-17:00", "18:30-20:30"]
    weekly = ["", "工作日 18:00-21:00", "周末 09:00-17:00", "周一至周五 09:00-12:00"]
    c = cases(*[
        (f"c{i}", rng.choice(categories), f"B{rng.integers(10)}",
         str(rng.choice(["normal", "priority", "urgent"], p=[0.7, 0.2, 0.1])),
         f"T{rng.integers(8)}", rng.choice(hours))
        for i in range(300)
    ])  # fmt: skip
    v = volunteers(*[
        (f"V{i}", rng.choice(skills), f"B{rng.integers(10)}", f"T{i % 8}", rng.choice(weekly),
         int(rng.integers(1, 6)), int(rng.integers(0, 2)))
        for i in range(40)
    ])  # fmt: skip
    return c, v


def test_same_seed_same_result_and_pruning_places_as_many() -> None:
    c, v = _random_instance(5)
    m = line_matrix(10, spacing_m=80.0)
    options = MatchOptions(seed=3, candidates=3)
    first = match_cases(c, v, m, options=options)
    assert len(first.assignments) > 0  # equal placements, not two empty tables
    pd.testing.assert_frame_equal(
        first.assignments, match_cases(c, v, m, options=options).assignments
    )
    full = match_cases(c, v, m, options=MatchOptions(seed=3, candidates=0))
    # Pruned candidates with the hubs place exactly as many per tier as every edge does,
    # at a cost no lower than the optimum's (here 37,810 against 35,660 m with 3).
    assert first.metrics.by_urgency == full.metrics.by_urgency
    assert first.metrics.objective_m >= full.metrics.objective_m
    # More capacity than the greedy uses is never worse: the flow places at least as many
    # per tier, most urgent first.
    greedy = greedy_match(c, v, m)
    assert [a for _, a, _ in first.metrics.by_urgency] >= [
        a for _, a, _ in greedy.metrics.by_urgency
    ]
    assert set(first.assignments["reason_code"]) <= {"", *REASON_CODES}


def test_caps_and_skills_hold_on_a_random_instance() -> None:
    c, v = _random_instance(11)
    result = match_cases(c, v, line_matrix(10))
    given = result.assignments[result.assignments["volunteer_id"] != ""]
    count = given["volunteer_id"].value_counts()
    room = v.set_index("volunteer_id")["monthly_cap"] - v.set_index("volunteer_id")["open_cases"]
    assert (count <= room.reindex(count.index)).all()
    skills = v.set_index("volunteer_id")["skills"]
    needs = {"维修": {"维修"}, "医疗健康": {"医护"}, "心理疏导": {"心理疏导", "社工"},
             "政策咨询": {"社工", "法律"}}  # fmt: skip
    for category, who in zip(given["category"], given["volunteer_id"], strict=True):
        if category in needs:
            assert skills[who] in needs[category]
    loads = result.loads.set_index("volunteer_id")
    assert result.metrics.largest_load == loads["open_after"].max()
    assert "cases assigned" in result.summary()


def test_distances_too_large_for_the_solver_fall_back_to_greedy() -> None:
    # 10^17 "metres" (a matrix in the wrong unit): the flow's integer costs would
    # overflow, so the greedy answer is returned and the note says why.
    distance = np.array([[0.0, 1e17], [1e17, 0.0]])
    matrix = BuildingMatrix(np.array(["A", "B"], dtype=object), distance, distance, "network", "")
    c = cases(("c1", "维修", "A"), ("c2", "维修", "B"))
    v = volunteers(("V1", "维修", "B"), ("V2", "维修", "A"))
    result = match_cases(c, v, matrix)
    assert result.metrics.method == "greedy"
    assert "costs too large for the flow solver" in result.metrics.note
    assert list(result.assignments["volunteer_id"]) == ["V2", "V1"]
