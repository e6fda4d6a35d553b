"""Clock times and household availability windows, cut to a session."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Final

_WINDOW: Final = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CLOCK: Final = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
DAY_S: Final = 24 * 3600

Window = tuple[float, float]


def clock(seconds: float, *, with_seconds: bool = True) -> str:
    """Seconds since midnight as ``HH:MM:SS`` (or ``HH:MM``), rounded to the second.

    Parameters
    ----------
    seconds : float
        Time of day; values past midnight keep counting hours (``25:00:00``).
    with_seconds : bool
        Whether to append ``:SS``.

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
    """
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"expected a time as HH:MM or HH:MM:SS, got {text!r}")
    hours, minutes, secs = int(match[1]), int(match[2]), int(match[3] or 0)
    value = hours * 3600 + minutes * 60 + secs
    if minutes > 59 or secs > 59 or value > DAY_S:
        raise ValueError(f"not a time of day: {text!r}")
    return float(value)


def parse_availability(text: str) -> tuple[Window, ...]:
    """Windows of the schema's ``availability`` column; ``()`` means any time.

    Parameters
    ----------
    text : str
        ``"HH:MM-HH:MM"`` windows joined by ``;`` (as ``routing.sources`` writes them).

    Returns
    -------
    tuple of (float, float)
        Sorted (start, end) seconds since midnight.
    """
    windows = []
    for part in str(text).split(";"):
        if not part.strip():
            continue
        match = _WINDOW.match(part)
        if match is None:
            raise ValueError(
                f"availability must be HH:MM-HH:MM windows joined by ';', got {text!r}"
            )
        start = int(match[1]) * 3600 + int(match[2]) * 60
        end = int(match[3]) * 3600 + int(match[4]) * 60
        if not start < end <= DAY_S:
            raise ValueError(f"availability window {part.strip()!r} must end after it starts")
        windows.append((float(start), float(end)))
    return tuple(sorted(windows))


def describe(windows: Sequence[Window]) -> str:
    """Windows as the register writes them, e.g. ``09:00-11:30;15:00-17:30``."""
    return ";".join(
        f"{clock(a, with_seconds=False)}-{clock(b, with_seconds=False)}" for a, b in windows
    )


def start_windows(
    windows: Sequence[Window], session: Window, service_s: float
) -> tuple[tuple[Window, ...], str]:
    """When a visit may begin: inside the session and so that it ends in time.

    A visit lasts ``service_s`` and must end inside both the household's window and
    the session: a household at home until 11:30 is not visited from 11:25 for 15 min.

    Parameters
    ----------
    windows : sequence of (float, float)
        The household's availability; empty = any time.
    session : (float, float)
        Start and end of the session, seconds since midnight.
    service_s : float
        Length of the visit.

    Returns
    -------
    tuple
        The allowed (earliest, latest) start times, and ``""`` or the reason there are
        none (e.g. ``"available 18:00-19:00, outside the session 09:00-12:00"``).
    """
    open_, close = session
    given = tuple(windows) or ((open_, close),)
    starts = []
    for a, b in given:
        first, last = max(a, open_), min(b, close) - service_s
        if first <= last:
            starts.append((first, last))
    if starts:
        return tuple(starts), ""
    if not windows:
        return (
            (),
            f"a {service_s / 60:.0f} min visit does not fit in the session {describe([session])}",
        )
    overlap = any(max(a, open_) < min(b, close) for a, b in windows)
    where = "too short for" if overlap else "outside"
    detail = f" a {service_s / 60:.0f} min visit in" if overlap else ""
    return (), f"available {describe(windows)}, {where}{detail} the session {describe([session])}"
