"""Row ids in URLs, bodies and query strings: whole numbers in the range a column holds.

The tables' integer keys are 32-bit on PostgreSQL and 64-bit on SQLite; a bigger number
cannot name a row, and handed to the database it fails inside the driver (a 500). Every
``<int:…>`` URL part and every id of a request is checked against ``MAX_ID`` first.
"""

from __future__ import annotations

from typing import Final

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID: Final = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression (no groups) of the decimal numbers from 0 to ``limit``.

    >>> import re; bool(re.fullmatch(digits_up_to(255), "256"))
    False
    """
    digits = str(limit)
    options = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for k, digit in enumerate(digits):
        rest = len(digits) - k - 1
        if digit != "0":
            tail = rf"\d{{{rest}}}" if rest else ""
            options.append(f"{digits[:k]}[0-{int(digit) - 1}]{tail}")
    options.append(digits)
    return "(?:" + "|".join(options) + ")"


class IdConverter(IntegerConverter):
    """``<int:…>`` limited to 0..``MAX_ID``: anything larger does not match (404).

    The range is in the pattern itself, not only checked after matching: werkzeug
    answers 405 instead of 404 when a path matched another method's rule before its
    value was refused.
    """

    regex = digits_up_to(MAX_ID)

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = 0,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Make ``<int:…>`` an ``IdConverter`` in ``app``'s URL map (before any route)."""
    app.url_map.converters["int"] = IdConverter


def parse_id(text: str | None, name: str) -> int | None:
    """``text`` as an id (None when absent); ValueError naming ``name`` when it is not one
    (an empty value included: ``?after=`` says nothing the client meant).

    Parameters
    ----------
    text : str or None
        A query-string or header value.
    name : str
        The parameter, for the message.
    """
    if text is None:
        return None
    value = text.strip()
    if not value.isascii() or not value.isdigit() or int(value) > MAX_ID:
        raise ValueError(f"{name}: a whole number from 0 to {MAX_ID}, got {value[:20]!r}")
    return int(value)
