"""Clock times and daily windows: ``HH:MM`` read and written in one place."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Final

from routing.errors import excerpt

DAY_S: Final = 24 * 3600

# (start, end) seconds since midnight.
Window = tuple[float, float]

# Offices write windows with full-width colons and any of these dashes ("09：00–12：00",
# "8:00至9:30") and list them with ";", full-width ";", commas or "、".
_DASH: Final = r"\s*(?:-|–|—|~|～|至|到)\s*"
_HHMM: Final = r"(\d{1,2})[:：](\d{2})"
_WINDOW: Final = re.compile(rf"\s*{_HHMM}{_DASH}{_HHMM}\s*")
_CLOCK: Final = re.compile(r"\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?\s*")
_HHMM_ONLY: Final = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")
WINDOW_SEPARATORS: Final = r"[;；,，、]+"


def clock(seconds: float, *, with_seconds: bool = True) -> str:
    """Seconds since midnight as ``HH:MM:SS`` (or ``HH:MM``), rounded to the second.

    Parameters
    ----------
    seconds : float
        Time of day; values past midnight keep counting hours (``25:00:00``).
    with_seconds : bool
        Whether to append ``:SS``; without, rounded to the minute.

    Returns
    -------
    str
        The clock time.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a time of day must be a finite number >= 0, got {seconds!r}")
    total = round(seconds) if with_seconds else round(seconds / 60) * 60
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}" if with_seconds else f"{hours:02d}:{minutes:02d}"


def hhmm(seconds: float) -> str:
    """Seconds since midnight as ``HH:MM``, rounded to the minute."""
    return clock(seconds, with_seconds=False)


def parse_clock(text: str) -> float:
    """``HH:MM`` or ``HH:MM:SS`` as seconds since midnight (``24:00`` allowed).

    Parameters
    ----------
    text : str
        The clock time.

    Returns
    -------
    float
        Seconds since midnight.

    Raises
    ------
    ValueError
        Naming the text received.
    """
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a time as HH:MM or HH:MM:SS, got {text!r}")
    hours, minutes, secs = int(match[1]), int(match[2]), int(match[3] or 0)
    value = hours * 3600 + minutes * 60 + secs
    if minutes > 59 or secs > 59 or value > DAY_S:
        raise ValueError(f"not a time of day: {text!r}")
    return float(value)


def parse_hhmm(text: str) -> float:
    """A time of day as a form or a command line takes it, ``HH:MM`` from 00:00 to 23:59,
    as seconds since midnight.

    Raises
    ------
    ValueError
        ``expected a time as HH:MM, got '…'``.
    """
    match = _HHMM_ONLY.fullmatch(text)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"expected a time as HH:MM, got {text!r}")
    return int(match[1]) * 3600.0 + int(match[2]) * 60.0


def match_window(text: str) -> Window | None:
    """A window ``HH:MM-HH:MM`` read as written (the end may come first), None if the
    text is not two times of day (00:00..24:00) joined by a dash."""
    match = _WINDOW.fullmatch(text)
    if match is None:
        return None
    h1, m1, h2, m2 = (int(x) for x in match.groups())
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if m1 > 59 or m2 > 59 or start > DAY_S or end > DAY_S:
        return None
    return float(start), float(end)


def parse_window(text: str) -> Window:
    """One window ``HH:MM-HH:MM`` that ends after it starts.

    Raises
    ------
    ValueError
        ``bad time window '…' (expected HH:MM-HH:MM)`` or ``time window '…' does not
        end after it starts``, quoting the text received.
    """
    window = match_window(text)
    shown = excerpt(text.strip())
    if window is None:
        raise ValueError(f"bad time window '{shown}' (expected HH:MM-HH:MM)")
    if window[0] >= window[1]:
        raise ValueError(f"time window '{shown}' does not end after it starts")
    return window


def parse_windows(text: object) -> tuple[Window, ...]:
    """Windows joined by ``;`` (or ``；``, ``,``, ``、``), sorted; ``""`` (or NaN) is ``()``.

    Parameters
    ----------
    text : object
        The cell, e.g. the schema's ``availability`` ``"09:00-11:30;15:00-17:30"``.

    Returns
    -------
    tuple of (float, float)
        Sorted (start, end) seconds since midnight.

    Raises
    ------
    ValueError
        As ``parse_window``, for the first bad part.
    """
    value = text if isinstance(text, str) else ""
    parts = (part for part in re.split(WINDOW_SEPARATORS, value) if part.strip())
    return tuple(sorted(parse_window(part) for part in parts))


def describe(windows: Sequence[Window]) -> str:
    """Windows as the register writes them, e.g. ``09:00-11:30;15:00-17:30``."""
    return ";".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in windows)


__all__ = [
    "DAY_S",
    "WINDOW_SEPARATORS",
    "Window",
    "clock",
    "describe",
    "hhmm",
    "match_window",
    "parse_clock",
    "parse_hhmm",
    "parse_window",
    "parse_windows",
]
