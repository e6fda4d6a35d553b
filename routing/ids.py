"""The one rule for identifiers (building, household, volunteer, team ids): characters and length.

Ids are shown on maps, phone pages and PDFs and stored in 64-character columns, so they
are limited to letters of any script, digits, spaces and a few separators. Names stay
free text: they are escaped where they are shown.
"""

from __future__ import annotations

import unicodedata
from typing import Final

ID_MAX_LENGTH: Final = 64  # the database columns' size
# Separators an id may contain besides letters, digits and spaces (full-width forms too).
ID_SEPARATORS: Final = "-_.#/()·・（）－＿．＃／"
_SEPARATORS = frozenset(ID_SEPARATORS)
# Letters, combining marks and numbers of any script (Unicode categories L*, M*, N*).
_ALLOWED_CATEGORIES = ("L", "M", "N")


def id_problem(value: str, what: str = "id") -> str | None:
    """Why ``value`` is not a valid id, or None when it is.

    Parameters
    ----------
    value : str
        The id as read (already stripped); "" is left to the caller's "missing" check.
    what : str
        How the id is named in the message ("building id").

    Returns
    -------
    str or None
        A message naming the first offending character, or None.
    """
    if len(value) > ID_MAX_LENGTH:
        return f"{what} longer than {ID_MAX_LENGTH} characters ({len(value)})"
    for char in value:
        if char == " " or char in _SEPARATORS:
            continue
        if unicodedata.category(char)[0] not in _ALLOWED_CATEGORIES:
            return (
                f"{what} contains {_describe(char)}: use letters, digits, spaces "
                f"and {' '.join(ID_SEPARATORS[:7])} only"
            )
    if value and unicodedata.category(value[0])[0] not in ("L", "N"):
        # A leading "-" or "#" reads as a formula or a comment in other tools.
        return f"{what} must start with a letter or a digit, not {_describe(value[0])}"
    return None


def is_valid_id(value: str) -> bool:
    """Whether ``value`` is a non-empty id within the rule of :func:`id_problem`."""
    return bool(value) and value == value.strip() and id_problem(value) is None


def _describe(char: str) -> str:
    """A character as a message can show it: invisible ones (controls, spaces) as code points."""
    if unicodedata.category(char)[0] in ("C", "Z"):
        return f"the character U+{ord(char):04X}"
    return f"the character {char!r}"
