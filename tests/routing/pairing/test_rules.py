"""The community rule table: who is paired, with how many volunteers and skills, how often."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from routing.errors import InputError
from routing.pairing import PairingRules, paired_households
from routing.pairing.weekly import parse_weekly, weekly_overlap
from routing.schema import VOLUNTEER_SKILLS
from routing.tags import HARDSHIP_TAGS
from tests.routing.pairing.support import households

DEMO_ROSTER = Path(__file__).resolve().parents[3] / "data" / "demo" / "volunteers.csv"


def test_default_table_pairs_hardship_tags_with_their_numbers_skills_and_frequency() -> None:
    homes = households(
        [
            ("H1", 0, "独居老人"),
            ("H2", 0, "残疾"),
            ("H3", 0, "困难家庭;婴幼儿"),
            ("H4", 0, "独居老人;残疾"),
            ("H5", 0, "退役军人"),
            ("H6", 0, ""),
        ]
    )
    demand = paired_households(homes).set_index("household_id")
    assert list(demand.index) == ["H1", "H2", "H3", "H4"]
    assert demand["needed"].to_dict() == {"H1": 1, "H2": 2, "H3": 2, "H4": 2}
    assert demand["every_weeks"].to_dict() == {"H1": 1, "H2": 2, "H3": 2, "H4": 1}
    # Several paired tags: the largest number, every fitting skill, the most frequent visits.
    assert demand.loc["H4", "skills"] == "心理疏导;医护"
    assert demand.loc["H3", "tags"] == "困难家庭"
    assert not demand["marked"].any()


def test_marks_add_households_set_numbers_and_take_households_out() -> None:
    homes = households([("H1", 0, "独居老人"), ("H2", 0, "残疾"), ("H3", 0, ""), ("H4", 0, "")])
    rules = PairingRules(marked_volunteers=1, marked_every_weeks=4)
    demand = paired_households(homes, rules, {"H2": 0, "H3": None, "H4": 3, "H1": 2})
    demand = demand.set_index("household_id")
    assert list(demand.index) == ["H1", "H3", "H4"]  # H2 taken out despite 残疾
    assert demand["needed"].to_dict() == {"H1": 2, "H3": 1, "H4": 3}
    assert demand["every_weeks"].to_dict() == {"H1": 1, "H3": 4, "H4": 4}
    assert demand["marked"].all()


def test_marks_naming_unknown_households_or_bad_numbers_are_refused() -> None:
    homes = households([("H1", 0, "独居老人")])
    with pytest.raises(InputError) as error:
        paired_households(homes, marks={"H9": 1, "H1": 11})
    text = str(error.value)
    assert "marks::household_id: unknown household H9" in text
    assert "marks::volunteers: H1" in text


def test_rules_round_trip_through_json_and_edits_take_effect() -> None:
    edited = PairingRules.from_dict(
        {"volunteers_needed": {"独居老人": 2, "孕妇": 1}, "every_weeks": {"独居老人": 1, "孕妇": 4}}
    )
    assert edited.needed_by_tag == {"独居老人": 2, "孕妇": 1}
    assert edited.skills_by_tag == {"独居老人": ("心理疏导",)}
    assert edited.weeks_by_tag == {"独居老人": 1, "孕妇": 4}
    assert PairingRules.from_json(edited.to_json()) == edited
    assert PairingRules.from_json(PairingRules().to_json()) == PairingRules()
    homes = households([("H1", 0, "孕妇"), ("H2", 0, "残疾")])
    assert paired_households(homes, edited)["household_id"].tolist() == ["H1"]


def test_default_table_covers_the_hardship_tags_with_skills_of_the_demo_roster() -> None:
    rules = PairingRules()
    assert set(rules.needed_by_tag) == set(HARDSHIP_TAGS) == set(rules.weeks_by_tag)
    roster = pd.read_csv(DEMO_ROSTER, encoding="utf-8-sig", dtype=str).fillna("")
    words = {w for cell in roster["技能"] for w in cell.split(";") if w}
    assert words == set(VOLUNTEER_SKILLS)
    for tag, skills in rules.fitting_skills:
        assert set(skills) <= words, f"{tag}: {skills} not in the roster's skills {words}"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"volunteers_needed": {"独居老人": 0}}, "volunteers_needed"),
        ({"volunteers_needed": {"独居老人": 1, "孕妇": 1}}, "every_weeks"),  # no frequency
        ({"every_weeks": {"独居老人": 1, "残疾": 2, "困难家庭": 2, "孕妇": 1}}, "every_weeks"),
        ({"fitting_skills": {"残疾": []}}, "fitting_skills"),
        ({"default_hours": "20:00-08:00"}, "default_hours"),
        ({"weekly": True}, "weekly"),
    ],
)
def test_bad_rule_tables_name_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as error:
        PairingRules.from_dict(values)
    assert any(p.field == field for p in error.value.problems), error.value.problems


@pytest.mark.parametrize(
    ("text", "expected_days"),
    [
        ("周一至周五 09:00-12:00", {0, 1, 2, 3, 4}),
        ("Mon-Fri 09:00-12:00", {0, 1, 2, 3, 4}),
        ("周六,周日 09:00-12:00", {5, 6}),
        ("周二、周四 09:00-12:00", {1, 3}),
        ("工作日 09:00-12:00", {0, 1, 2, 3, 4}),
        ("weekend 09:00-12:00", {5, 6}),
        ("09:00-12:00", set(range(7))),
        ("星期三 09:00-12:00", {2}),
        ("7 09:00-12:00", {6}),
        ("周五至周一 09:00-12:00", {4, 5, 6, 0}),
    ],
)
def test_weekly_availability_reads_days_as_offices_write_them(
    text: str, expected_days: set[int]
) -> None:
    windows = parse_weekly(text)
    assert {d for d, _, _ in windows} == expected_days
    assert {(a, b) for _, a, b in windows} == {(9 * 3600.0, 12 * 3600.0)}


def test_weekly_availability_any_time_whole_days_and_errors() -> None:
    assert parse_weekly("") == ()
    assert parse_weekly(None) == ()
    assert parse_weekly("周六") == ((5, 0.0, 86400.0),)
    with pytest.raises(ValueError, match="unknown day"):
        parse_weekly("周八 09:00-10:00")
    with pytest.raises(ValueError, match="end after it starts"):
        parse_weekly("周一 12:00-09:00")


def test_weekly_overlap_needs_a_whole_visit() -> None:
    # Volunteer: Tuesday 09:00-10:10 and Saturday 14:00-14:10. Household: 10:00-12:00 and
    # 14:00-17:00 daily. Tuesday shares 10:00-10:10 (10 min), Saturday 14:00-14:10
    # (10 min): neither holds a 15 min visit; a 10 min visit fits on both days.
    weekly = parse_weekly("周二 09:00-10:10;周六 14:00-14:10")
    daily = ((10 * 3600.0, 12 * 3600.0), (14 * 3600.0, 17 * 3600.0))
    hours = (8 * 3600.0, 20 * 3600.0)
    assert weekly_overlap(weekly, daily, hours, 900) == {}
    both = weekly_overlap(weekly, daily, hours, 600)
    assert both == {1: ((36000.0, 36600.0),), 5: ((50400.0, 51000.0),)}
    # Any time on either side means the community's default hours.
    assert weekly_overlap((), (), hours, 900) == dict.fromkeys(range(7), ((28800.0, 72000.0),))
