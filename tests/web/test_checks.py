"""web.checks: a value from a form, JSON or a flag is read alike and refused alike."""

from __future__ import annotations

import math

import pytest

from web.checks import choice, clock, optional_whole, seconds, shown, whole


@pytest.mark.parametrize("value", [4, 4.0, "4", " 4 "])
def test_text_and_numbers_are_the_same_whole_number(value: object) -> None:
    assert whole(value, "weeks", 1, 53) == 4


@pytest.mark.parametrize(
    ("value", "quoted"),
    [(0, "0"), ("0", "0"), (0.0, "0"), (54, "54"), (2.5, "2.5"), ("x", "'x'"), (True, "True"),
     (None, "None"), (math.nan, "nan"), ("inf", "'inf'")],
)  # fmt: skip
def test_a_refused_whole_number_is_quoted_once_whatever_its_type(
    value: object, quoted: str
) -> None:
    with pytest.raises(ValueError) as caught:
        whole(value, "weeks", 1, 53)
    assert str(caught.value) == f"weeks must be a whole number in 1..53, got {quoted}"


def test_blank_is_no_value_for_an_optional_number() -> None:
    assert optional_whole("", "routes", 1, 200) is None
    assert optional_whole(None, "routes", 1, 200) is None
    assert optional_whole("7", "routes", 1, 200) == 7


def test_seconds_exclude_zero_and_include_the_limit() -> None:
    assert seconds("600", "time limit", 600) == 600.0
    assert seconds(0.5, "time limit", 600) == 0.5
    for bad in (0, -1, 600.5, "soon", math.inf):
        with pytest.raises(ValueError, match=r"time limit must be seconds in \(0, 600\]"):
            seconds(bad, "time limit", 600)


def test_clock_reads_hours_and_minutes() -> None:
    assert clock("9:05", "session start") == "09:05"
    assert clock(" 23:59 ", "session start") == "23:59"
    for bad in ("24:00", "12:60", "9am", "", 900, None):
        with pytest.raises(ValueError, match="session start must be a time HH:MM"):
            clock(bad, "session start")


def test_choice_names_what_is_allowed() -> None:
    assert choice("zh", "language", ("zh", "en")) == "zh"
    with pytest.raises(ValueError, match="language must be one of zh, en, got 'fr'"):
        choice("fr", "language", ("zh", "en"))


def test_shown_quotes_numbers_as_numbers() -> None:
    assert [shown(v) for v in (3, "3", 3.0, "3.50", "x")] == ["3", "3", "3", "3.5", "'x'"]
