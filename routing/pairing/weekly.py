"""Volunteers' weekly availability ("周二 09:00-12:00;周六 14:00-17:00") and visiting hours."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from routing.hours import Window, parse_windows

# The optional column of the volunteer frame that holds weekly availability.
VOLUNTEER_AVAILABILITY: Final = "availability"
DAYS: Final = tuple(range(7))  # Monday = 0, as datetime.date.weekday()
DAY_NAMES: Final = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WHOLE_DAY: Final = (0.0, 24 * 3600.0)
_DAY_WORDS: Final = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    **{c: i for i, c in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
    "天": 6,
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{str(i + 1): i for i in range(7)},
}
_DAY_GROUPS: Final = {
    "工作日": (0, 1, 2, 3, 4),
    "weekdays": (0, 1, 2, 3, 4),
    "周末": (5, 6),
    "weekend": (5, 6),
    "每天": DAYS,
    "daily": DAYS,
}
_ENTRY: Final = re.compile(r"^(?P<days>.*?)\s*(?P<time>\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})?\s*$")
_RANGE: Final = re.compile(r"^(.+?)\s*(?:-|~|至|到)\s*(.+)$")

# (weekday, start s, end s) windows; () means any time.
WeeklyWindows = tuple[tuple[int, float, float], ...]


def parse_weekly(text: object) -> WeeklyWindows:
    """Weekly availability as (weekday, start, end) windows.

    Entries are joined by ``;``; each is days and/or a ``HH:MM-HH:MM`` window. Days are
    周一..周日 (or 星期一.., 一..日), Mon..Sun / Monday.., 1..7, ranges (``周一至周五``,
    ``Mon-Fri``), lists (``周六,周日``, ``周二、周四``) and the words 工作日 / weekdays,
    周末 / weekend, 每天 / daily. An entry without days is every day; one without a time
    is the whole day. ``""`` is any time.

    Parameters
    ----------
    text : object
        The roster cell; NaN/None read as "".

    Returns
    -------
    tuple of (int, float, float)
        Sorted (weekday 0 = Monday, start, end) in seconds since midnight; ``()`` for
        any time.
    """
    value = text if isinstance(text, str) else ""
    out: set[tuple[int, float, float]] = set()
    for entry in value.split(";"):
        if not entry.strip():
            continue
        match = _ENTRY.match(entry.strip())
        if match is None or not (match["days"] or match["time"]):
            raise ValueError(f"availability entry {entry.strip()!r}: expected days HH:MM-HH:MM")
        days = _days(match["days"], entry) if match["days"] else DAYS
        windows = parse_windows(match["time"]) if match["time"] else (_WHOLE_DAY,)
        out.update((day, start, end) for day in days for start, end in windows)
    return tuple(sorted(out))


def day_windows(weekly: WeeklyWindows, day: int, hours: Window) -> tuple[Window, ...]:
    """A volunteer's windows on one weekday; any time (``()``) is ``hours`` every day."""
    if not weekly:
        return (hours,)
    return tuple((a, b) for d, a, b in weekly if d == day)


def household_windows(daily: Sequence[Window], hours: Window) -> tuple[Window, ...]:
    """A household's daily visiting windows; any time (``()``) is ``hours``."""
    return tuple(daily) or (hours,)


def common_windows(
    first: Sequence[Window], second: Sequence[Window], minimum_s: float
) -> tuple[Window, ...]:
    """The overlaps of two window lists that last at least ``minimum_s``, sorted."""
    out = []
    for a, b in first:
        for c, d in second:
            start, end = max(a, c), min(b, d)
            if end - start >= minimum_s:
                out.append((start, end))
    return tuple(sorted(out))


def weekly_overlap(
    weekly: WeeklyWindows, daily: Sequence[Window], hours: Window, minimum_s: float
) -> dict[int, tuple[Window, ...]]:
    """Per weekday, when both a volunteer and a household can meet for ``minimum_s``.

    Parameters
    ----------
    weekly : WeeklyWindows
        The volunteer's availability (``parse_weekly``).
    daily : sequence of (float, float)
        The household's visiting hours, the same every day (``routing.hours.parse_windows``).
    hours : (float, float)
        Hours assumed for a side that gives none (``PairingRules.default_hours``).
    minimum_s : float
        Length of a visit.

    Returns
    -------
    dict of int to tuple of (float, float)
        Weekdays with at least one common window long enough, and those windows.
    """
    home = household_windows(daily, hours)
    out = {}
    for day in DAYS:
        common = common_windows(day_windows(weekly, day, hours), home, minimum_s)
        if common:
            out[day] = common
    return out


def _days(text: str, entry: str) -> tuple[int, ...]:
    """Weekdays named by a list of days, ranges and day groups."""
    out: list[int] = []
    for part in re.split(r"[,，、/ ]+", text.strip()):
        if not part:
            continue
        word = part.casefold()
        if word in _DAY_GROUPS:
            out.extend(_DAY_GROUPS[word])
            continue
        if word in _DAY_WORDS:
            out.append(_DAY_WORDS[word])
            continue
        span = _RANGE.match(word)
        first, last = (_DAY_WORDS.get(span[1]), _DAY_WORDS.get(span[2])) if span else (None, None)
        if first is None or last is None:
            raise ValueError(f"availability entry {entry.strip()!r}: unknown day {part!r}")
        out.extend(
            range(first, last + 1) if first <= last else (*range(first, 7), *range(last + 1))
        )
    return tuple(sorted(set(out)))
