"""Checks of option values: each raises ValueError naming the field and what it received."""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any


def require(ok: bool, message: str, value: Any) -> None:
    """Raise ``ValueError("<message>, got <value!r>")`` unless ``ok``.

    Parameters
    ----------
    ok
        Whether the value passes.
    message
        What the value must be, starting with the field's name.
    value
        What was received.
    """
    if not ok:
        raise ValueError(f"{message}, got {value!r}")


def is_whole(value: Any) -> bool:
    """Whether ``value`` is an ``int`` (``bool`` is not a number here)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """Whether ``value`` is a finite ``int`` or ``float`` (not a ``bool``, not NaN)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def whole(
    name: str, value: Any, low: int = 0, high: int | None = None, *, none_ok: bool = False
) -> None:
    """Require a whole number in ``low..high`` (``high`` None: no upper bound).

    The message reads ``"<name> must be an int >= <low>"`` or, with an upper bound,
    ``"<name> must be in <low>..<high>"``; `` or None`` is added when None is allowed.
    """
    if none_ok and value is None:
        return
    ok = is_whole(value) and value >= low and (high is None or value <= high)
    what = f"an int >= {low}" if high is None else f"in {low}..{high}"
    require(ok, _must(name, what, none_ok), value)


def number(
    name: str,
    value: Any,
    low: float = 0.0,
    high: float | None = None,
    *,
    below_high: bool = False,
    none_ok: bool = False,
) -> None:
    """Require a finite number ``>= low`` and ``<= high`` (``< high`` with ``below_high``).

    The message reads ``"<name> must be >= <low>"`` or ``"<name> must be in [<low>,
    <high>]"`` (``)`` for ``below_high``); `` or None`` is added when None is allowed.
    """
    if none_ok and value is None:
        return
    ok = is_number(value) and value >= low
    what = f">= {low:g}"
    if high is not None:
        ok = ok and (value < high if below_high else value <= high)
        what = f"in [{low:g}, {high:g}{')' if below_high else ']'}"
    require(ok, _must(name, what, none_ok), value)


def positive(name: str, value: Any, *, none_ok: bool = False) -> None:
    """Require a finite number ``> 0``: ``"<name> must be > 0"`` (`` or None`` if allowed)."""
    if none_ok and value is None:
        return
    require(is_number(value) and value > 0, _must(name, "> 0", none_ok), value)


def one_of(name: str, value: Any, choices: Collection[Any]) -> None:
    """Require one of ``choices``: ``"<name> must be one of a, b, c"``."""
    listed = ", ".join(str(choice) for choice in sorted(choices, key=str))
    require(value in choices, f"{name} must be one of {listed}", value)


def _must(name: str, what: str, none_ok: bool) -> str:
    return f"{name} must be {what}" + (" or None" if none_ok else "")
