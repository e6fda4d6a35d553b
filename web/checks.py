"""Option values read alike from the command line, a page's form and the API's JSON.

A request type (``web.patrols.operations.PatrolRequest``, ``web.visits.operations.
VisitRequest``) checks every field with these functions, so the same bad value is
refused with the same message whichever adapter received it: ``"0"`` from a form,
``0`` from JSON and ``0`` from ``--weeks 0`` all read
``weeks must be a whole number in 1..53, got 0``.
"""

from __future__ import annotations

import math
from typing import Any

from routing.hours import hhmm, parse_hhmm


def _number(value: Any) -> float | None:
    """``value`` as a finite number (text is read as one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def shown(value: Any) -> str:
    """How a refused value is quoted: numbers as numbers (``"0"`` and ``0`` alike)."""
    number = _number(value)
    if number is None:
        return repr(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def whole(value: Any, name: str, low: int, high: int) -> int:
    """``value`` as a whole number in ``low..high``.

    Raises
    ------
    ValueError
        ``{name} must be a whole number in {low}..{high}, got {value}``.
    """
    number = _number(value)
    if number is None or not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number in {low}..{high}, got {shown(value)}")
    return int(number)


def optional_whole(value: Any, name: str, low: int, high: int) -> int | None:
    """None for None or blank text, else ``whole(value, …)``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return whole(value, name, low, high)


def seconds(value: Any, name: str, high: float) -> float:
    """``value`` as seconds in ``(0, high]``.

    Raises
    ------
    ValueError
        ``{name} must be seconds in (0, {high}], got {value}``.
    """
    number = _number(value)
    if number is None or not 0 < number <= high:
        raise ValueError(f"{name} must be seconds in (0, {high:g}], got {shown(value)}")
    return number


def clock(value: Any, name: str) -> str:
    """``value`` as a time of day ``HH:MM`` (``9:05`` reads as ``09:05``).

    Raises
    ------
    ValueError
        ``{name} must be a time HH:MM, got {value!r}``.
    """
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return hhmm(parse_hhmm(value))
    except ValueError:
        raise ValueError(f"{name} must be a time HH:MM, got {value!r}") from None


def choice(value: Any, name: str, allowed: tuple[str, ...]) -> str:
    """``value`` when it is one of ``allowed``.

    Raises
    ------
    ValueError
        ``{name} must be one of a, b, c, got {value!r}``.
    """
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value
