"""Clock times and daily windows read and written in one place."""

from __future__ import annotations

import re

import pytest

from routing.hours import (
    clock,
    describe,
    hhmm,
    match_window,
    parse_clock,
    parse_hhmm,
    parse_window,
    parse_windows,
)

H = 3600.0


def test_clock_times_are_written_zero_padded_and_rounded() -> None:
    assert clock(9 * H + 5 * 60 + 7.4) == "09:05:07"
    assert hhmm(9 * H + 5 * 60 + 31) == "09:06"  # 09:05:31 rounds to the minute
    assert hhmm(25 * H) == "25:00"  # past midnight keeps counting
    with pytest.raises(ValueError, match="-1"):
        hhmm(-1.0)


CLOCKS = [("9:00", 9 * H), ("09:30", 9.5 * H), ("23:59:30", 86370.0), ("24:00", 24 * H)]


@pytest.mark.parametrize(("text", "seconds"), [*CLOCKS, ("8：15", 8.25 * H)])
def test_parse_clock(text: str, seconds: float) -> None:
    assert parse_clock(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [("9", "got '9'"), ("noon", "got 'noon'"), ("09:60", "not a time of day: '09:60'"),
     ("24:01", "not a time of day: '24:01'")],
)  # fmt: skip
def test_a_bad_clock_is_refused_naming_what_was_received(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_clock(text)


def test_windows_in_the_ways_offices_write_them() -> None:
    written = "14:00~17:00；09：00–11:30、19:00 至 24:00"
    windows = parse_windows(written)
    assert windows == ((9 * H, 11.5 * H), (14 * H, 17 * H), (19 * H, 24 * H))
    assert describe(windows) == "09:00-11:30;14:00-17:00;19:00-24:00"
    assert parse_windows("") == () and parse_windows(float("nan")) == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-12", "bad time window '9-12' (expected HH:MM-HH:MM)"),
        ("09:60-10:00", "bad time window '09:60-10:00'"),
        ("24:30-25:00", "bad time window '24:30-25:00'"),
        ("12:00-09:00", "time window '12:00-09:00' does not end after it starts"),
        ("10:00-10:00", "does not end after it starts"),
    ],
)
def test_a_bad_window_is_refused_naming_what_was_received(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_window(text)
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_windows(f"08:00-09:00;{text}")


def test_a_window_read_as_written_may_run_backwards() -> None:
    assert match_window("10:00-07:00") == (10 * H, 7 * H)
    assert match_window("9点") is None


def test_a_quoted_bad_window_has_its_control_characters_escaped() -> None:
    with pytest.raises(ValueError, match=r"bad time window '09:00\\u202e-12:00'"):
        parse_window("09:00\u202e-12:00")


def test_a_form_time_is_hh_mm_before_midnight() -> None:
    assert parse_hhmm("9:05") == 9 * H + 300
    assert parse_hhmm("23:59") == 86340.0
    for bad in ("24:00", "9", "09:00:00", "12:60"):
        with pytest.raises(ValueError, match=re.escape(f"expected a time as HH:MM, got {bad!r}")):
            parse_hhmm(bad)
