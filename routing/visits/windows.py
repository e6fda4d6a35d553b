"""Household availability windows cut to a session (times of day: ``routing.hours``)."""

from __future__ import annotations

from collections.abc import Sequence

from routing.hours import Window, describe


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
