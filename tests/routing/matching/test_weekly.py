"""Volunteers' weekly hours: how rosters write them, written back, and overlap with a day."""

from __future__ import annotations

import pytest

from routing.matching import describe_weekly, overlaps, parse_weekly

H = 3600.0


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("", ""),
        ("周一至周五 18:00-21:00；周六 09:00-12:00，14:00-17:00",
         "周一至周五 18:00-21:00;周六 09:00-12:00,14:00-17:00"),
        ("weekends 9:00-12:00", "周六、周日 09:00-12:00"),
        ("Mon-Wed 8:00-9:00 / fri 10:00-11:00", "周一至周三 08:00-09:00;周五 10:00-11:00"),
        ("工作日 18:00到20:00", "周一至周五 18:00-20:00"),
        ("星期二、礼拜四 14:00～17:00", "周二、周四 14:00-17:00"),
        ("18:30-20:30", "每天 18:30-20:30"),  # windows without days: every day
        ("周六、周日", "周六、周日 00:00-24:00"),  # days without windows: all day
        # A comma before a day starts a new entry, so Wednesday keeps only its own window.
        ("周一 09:00-12:00，周三 14:00-17:00", "周一 09:00-12:00;周三 14:00-17:00"),
        ("周一 09:00-11:00;周一 10:00-12:00", "周一 09:00-12:00"),  # overlaps merged
    ],
)  # fmt: skip
def test_parse_and_describe(text: str, canonical: str) -> None:
    weekly = parse_weekly(text)
    assert describe_weekly(weekly) == canonical
    assert parse_weekly(canonical) == weekly


def test_parsed_values() -> None:
    assert parse_weekly("周六 09:00-12:00，14:00-17:00") == (
        (5, 9 * H, 12 * H), (5, 14 * H, 17 * H),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sometimes", "cannot read 'sometimes'"),
        ("周五至周一 9:00-10:00", r"runs backwards \(list the days: 周五、周六、周日、周一\)"),
        ("周一 25:00-26:00", "bad time window '25:00-26:00'"),
        ("周一 12:00-09:00", "does not end after it starts"),
    ],
)
def test_bad_hours_are_refused_with_the_part_at_fault(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weekly(text)


def test_overlap_with_a_households_daily_hours() -> None:
    saturday_morning = parse_weekly("周六 09:00-12:00")
    # Household 11:30-13:00 shares 11:30-12:00 = 30 min on Saturday.
    assert overlaps(saturday_morning, [(11.5 * H, 13 * H)], 30 * 60)
    assert not overlaps(saturday_morning, [(11.5 * H, 13 * H)], 31 * 60)
    # Two short pieces do not add up: 10 + 10 min is not one 20 min visit.
    two_bits = parse_weekly("周一 09:00-09:10,10:00-10:10")
    assert not overlaps(two_bits, [(9 * H, 11 * H)], 20 * 60)
    # Empty means any time, on either side.
    assert overlaps((), [(9 * H, 9.5 * H)], 30 * 60)
    assert overlaps(saturday_morning, [], 3 * H)
    assert not overlaps(saturday_morning, [], 3 * H + 1)
